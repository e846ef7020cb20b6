package fsm

import (
	"strings"
	"testing"
	"time"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// aliceOnPersonal logs Alice in on her personal account. With quiet set
// the transcript starts after the login.
func aliceOnPersonal(t *testing.T, f *fakeCredEx, quiet bool) *session {
	t.Helper()
	s := newSession(t, "263770000001", f)
	s.do("hi")
	s.do("tap acct_acct-alice")
	if quiet {
		s.log.Reset()
	}
	return s
}

// lastBody returns the body of the last reply of the last input.
func (s *session) lastBody() string {
	s.t.Helper()
	if len(s.last) == 0 {
		s.t.Fatal("the last input got no reply")
	}
	return s.last[len(s.last)-1].Body
}

// createCalls returns the createCredex calls made so far.
func (s *session) createCalls() []vimbiso.Call {
	var calls []vimbiso.Call
	for _, c := range s.calls {
		if c.Op == vimbiso.CallCreateCredex {
			calls = append(calls, c)
		}
	}
	return calls
}

// reachConfirm takes Alice from the dashboard to the confirmation of a
// secured offer of 2 USD to Bob; the transcript starts there.
func (s *session) reachConfirm() {
	s.t.Helper()
	s.do("tap offer_secured")
	s.do("2")
	s.do("263770000002")
	s.log.Reset()
}

func TestSecuredOffer(t *testing.T) {
	f := newOfferFake()
	s := aliceOnPersonal(t, f, false)
	s.run("offer_secured",
		"tap offer_secured",
		"1,5",
		"1.5",
		"+263 77 000 0002",
		"tap offer_send",
	)
	s.wantState(StateDashboard)

	calls := s.createCalls()
	if len(calls) != 1 {
		t.Fatalf("createCredex calls = %d, want 1", len(calls))
	}
	want := vimbiso.Offer{IssuerAccountID: "acct-alice", ReceiverAccountID: "acct-bob", Denomination: "USD", Amount: 1.5, Secured: true}
	if got := *calls[0].Offer; got != want {
		t.Errorf("offer = %+v, want %+v", got, want)
	}
	if calls[0].IdempotencyKey == "" {
		t.Error("createCredex has no idempotency key")
	}
	if it := s.conv.Snapshot().Intent; it != nil {
		t.Errorf("intent = %+v after the answer, want none", it)
	}
	body := s.lastBody()
	if !strings.HasPrefix(body, "✅ You offered 1.50 USD to Bob Example Personal") {
		t.Errorf("dashboard banner = %q, want the offer line first", body)
	}
	if len(s.last) != 1 || !strings.Contains(renderReply(s.last[0]), "📤 Outgoing (1)") {
		t.Errorf("replies = %d, want one dashboard showing 📤 Outgoing (1)", len(s.last))
	}
	if n := len(f.pendingIn("263770000002", "acct-bob")); n != 1 {
		t.Errorf("Bob's incoming offers = %d, want 1", n)
	}
}

func TestSecuredOfferIntentRecorded(t *testing.T) {
	s := aliceOnPersonal(t, newOfferFake(), true)
	s.reachConfirm()

	out := s.conv.Step(vimbiso.Input{Kind: vimbiso.InputChoice, ChoiceID: choiceOfferSend, ContextID: s.lastID,
		MessageID: "wamid.SEND", SentAt: s.now, ReceivedAt: s.now}, s.now)
	if out.Call == nil || out.Call.Op != vimbiso.CallCreateCredex {
		t.Fatalf("call = %+v, want createCredex", out.Call)
	}
	it := s.conv.Snapshot().Intent
	if it == nil {
		t.Fatal("no intent recorded before createCredex")
	}
	if it.Key != out.Call.IdempotencyKey || it.Call.Offer == nil || *it.Call.Offer != *out.Call.Offer || !it.At.Equal(s.now) {
		t.Errorf("intent = %+v, want the call %+v at %v", it, out.Call, s.now)
	}
}

func TestSecuredOfferAbort(t *testing.T) {
	f := newOfferFake()
	s := aliceOnPersonal(t, f, true)
	s.run("offer_secured_abort",
		"tap offer_secured",
		"1.5",
		"263770000002",
		"tap offer_abort",
	)
	s.wantState(StateDashboard)
	if n := s.countCalls(vimbiso.CallCreateCredex); n != 0 {
		t.Errorf("createCredex calls = %d, want 0: cancel must not send", n)
	}
	if n := len(f.pendingIn("263770000002", "acct-bob")); n != 0 {
		t.Errorf("Bob's incoming offers = %d, want 0", n)
	}
}

func TestSecuredOfferDoubleTap(t *testing.T) {
	f := newOfferFake()
	s := aliceOnPersonal(t, f, true)
	s.do("tap offer_secured")
	s.do("1.5")
	s.do("263770000002")
	confirm := s.lastID
	s.run("offer_secured_double_tap",
		"tap offer_send",
		"old offer_send "+confirm,
	)
	if n := s.countCalls(vimbiso.CallCreateCredex); n != 1 {
		t.Errorf("createCredex calls = %d, want 1", n)
	}
	if n := len(f.pendingIn("263770000002", "acct-bob")); n != 1 {
		t.Errorf("Bob's incoming offers = %d, want 1", n)
	}
	if !strings.Contains(renderReply(s.last[0]), msgStaleChoice) {
		t.Errorf("second tap got %q, want E_STALE_CHOICE", s.last[0].Body)
	}
}

func TestSecuredOfferStaleConfirm(t *testing.T) {
	s := aliceOnPersonal(t, newOfferFake(), true)
	s.do("tap offer_secured")
	s.do("1.5")
	s.do("263770000002")
	confirm := s.lastID
	s.run("offer_secured_stale_confirm",
		"menu",
		"old offer_send "+confirm,
	)
	s.wantState(StateDashboard)
	if n := s.countCalls(vimbiso.CallCreateCredex); n != 0 {
		t.Errorf("createCredex calls = %d, want 0", n)
	}
}

func TestSecuredOfferSessionExpiry(t *testing.T) {
	s := aliceOnPersonal(t, newOfferFake(), true)
	s.run("offer_secured_expiry",
		"tap offer_secured",
		"wait 6m",
		"5",
	)
	s.wantState(StateDashboard)
	if n := s.countCalls(vimbiso.CallAccountByHandle) + s.countCalls(vimbiso.CallCreateCredex); n != 0 {
		t.Errorf("offer calls = %d, want 0 after expiry", n)
	}
	if !strings.HasPrefix(s.lastBody(), msgSessionExpired) {
		t.Errorf("reply = %q, want E_SESSION_EXPIRED on the dashboard", s.lastBody())
	}
}

func TestSecuredOfferAmountErrors(t *testing.T) {
	s := aliceOnPersonal(t, newOfferFake(), true)
	s.run("offer_amount_errors",
		"tap offer_secured",
		"1,5",
		"0",
		"-3",
		"5 EUR",
		"1.234",
		"XAU 0.00001",
		"five",
		"image",
		"30",
		"11",
		"5 ZWG",
		"$5",
	)
	s.wantState(StateSecuredOfferHandle)
	if f := s.conv.Snapshot().Flow; f.Amount != 5 || f.Denomination != "USD" {
		t.Errorf("flow amount = %v %s, want 5 USD", f.Amount, f.Denomination)
	}
}

func TestSecuredOfferHandleErrors(t *testing.T) {
	f := newOfferFake()
	s := aliceOnPersonal(t, f, true)
	s.do("tap offer_secured")
	s.do("2")
	s.do("ab")
	s.do("263770000001")
	s.do("@263770000009")
	f.fail[vimbiso.CallAccountByHandle] = vimbiso.Result{Outcome: vimbiso.OutcomeInvalid, Status: 400, Reason: "Invalid account handle. Please check it."}
	s.do("bob_shop")
	f.fail[vimbiso.CallAccountByHandle] = vimbiso.Result{Outcome: vimbiso.OutcomeRateLimited, Status: 429}
	s.do("bob_shop")
	f.fail[vimbiso.CallAccountByHandle] = vimbiso.Result{Outcome: vimbiso.OutcomeUnavailable, Status: 502}
	s.do("bob_shop")
	s.do("image")
	s.do("@Bob_Shop")
	s.golden("offer_handle_errors")

	s.wantState(StateSecuredOfferConfirm)
	if fl := s.conv.Snapshot().Flow; fl.ReceiverID != "acct-bob-shop" || fl.ReceiverName != "Bob's Shop" || fl.Handle != "bob_shop" {
		t.Errorf("receiver = %q %q %q, want acct-bob-shop Bob's Shop bob_shop", fl.ReceiverID, fl.ReceiverName, fl.Handle)
	}
}

func TestSecuredOfferSelfCompanyHandle(t *testing.T) {
	s := aliceOnPersonal(t, newOfferFake(), true)
	s.do("tap switch_account")
	s.do("tap acct_acct-traders")
	s.do("tap offer_secured")
	s.do("2")
	s.do("EXAMPLE_TRADERS")
	if got := s.lastBody(); got != msgSelf {
		t.Errorf("reply = %q, want E_SELF", got)
	}
	s.wantState(StateSecuredOfferHandle)
	if n := s.countCalls(vimbiso.CallAccountByHandle); n != 0 {
		t.Errorf("getAccountByHandle calls = %d, want 0 for the own handle", n)
	}
}

func TestSecuredOfferSelfByLookup(t *testing.T) {
	// The handle differs from the active account's, but CredEx returns
	// the active account itself.
	f := newOfferFake()
	s := aliceOnPersonal(t, f, true)
	s.do("tap offer_secured")
	s.do("2")
	f.fail[vimbiso.CallAccountByHandle] = vimbiso.Result{Outcome: vimbiso.OutcomeOK, Status: 200,
		Account: &vimbiso.AccountRef{AccountID: "acct-alice", Name: "Alice Example Personal", Handle: "263770000001"}}
	s.do("alice_alias")
	if got := s.lastBody(); got != msgSelf {
		t.Errorf("reply = %q, want E_SELF", got)
	}
	s.wantState(StateSecuredOfferHandle)
}

func TestSecuredOfferSendFailures(t *testing.T) {
	cases := []struct {
		name   string
		result vimbiso.Result
		state  State
		logins int // LOGIN calls after the tap
	}{
		{"offer_send_invalid", vimbiso.Result{Outcome: vimbiso.OutcomeInvalid, Status: 400, Reason: "Issuer and receiver cannot be the same account"}, StateDashboard, 1},
		{"offer_send_forbidden", vimbiso.Result{Outcome: vimbiso.OutcomeForbidden, Status: 403, Code: "INSUFFICIENT_SECURED_BALANCE", Reason: "Available secured balance in USD is 1.00"}, StateDashboard, 1},
		{"offer_send_unavailable", vimbiso.Result{Outcome: vimbiso.OutcomeUnavailable, Status: 504}, StateDashboard, 1},
		{"offer_send_rate_limited", vimbiso.Result{Outcome: vimbiso.OutcomeRateLimited, Status: 429}, StateSecuredOfferConfirm, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newOfferFake()
			s := aliceOnPersonal(t, f, true)
			s.reachConfirm()
			before := s.countCalls(vimbiso.CallLogin)
			f.fail[vimbiso.CallCreateCredex] = tc.result
			s.run(tc.name, "tap offer_send")

			s.wantState(tc.state)
			if n := s.countCalls(vimbiso.CallCreateCredex); n != 1 {
				t.Errorf("createCredex calls = %d, want 1 (never repeated)", n)
			}
			if n := s.countCalls(vimbiso.CallLogin) - before; n != tc.logins {
				t.Errorf("LOGIN calls after the tap = %d, want %d", n, tc.logins)
			}
			// Only an unknown outcome keeps the intent, for the next
			// message to reconcile.
			open := s.conv.Snapshot().Intent != nil
			if want := tc.result.Outcome == vimbiso.OutcomeUnavailable; open != want {
				t.Errorf("intent open after the answer = %v, want %v", open, want)
			}
		})
	}
}

func TestSecuredOfferRateLimitedThenSent(t *testing.T) {
	f := newOfferFake()
	s := aliceOnPersonal(t, f, true)
	s.reachConfirm()
	f.fail[vimbiso.CallCreateCredex] = vimbiso.Result{Outcome: vimbiso.OutcomeRateLimited, Status: 429}
	s.do("tap offer_send")
	s.do("tap offer_send")

	s.wantState(StateDashboard)
	if n := s.countCalls(vimbiso.CallCreateCredex); n != 2 {
		t.Errorf("createCredex calls = %d, want 2 (one refused with 429, one tapped again)", n)
	}
	if n := len(f.pendingIn("263770000002", "acct-bob")); n != 1 {
		t.Errorf("Bob's incoming offers = %d, want 1", n)
	}
}

func TestSecuredOfferConfirmOtherInput(t *testing.T) {
	s := aliceOnPersonal(t, newOfferFake(), true)
	s.reachConfirm()
	s.run("offer_confirm_other_input",
		"yes please",
		"image",
		"tap offer_send",
	)
	s.wantState(StateDashboard)
	if n := s.countCalls(vimbiso.CallCreateCredex); n != 1 {
		t.Errorf("createCredex calls = %d, want 1", n)
	}
}

func TestSecuredOfferLateConfirm(t *testing.T) {
	s := aliceOnPersonal(t, newOfferFake(), true)
	s.reachConfirm()

	// Sent 5.5 minutes ago and received in time, but processed only now,
	// as after a crash: the tap must not act.
	tap := vimbiso.Input{Kind: vimbiso.InputChoice, ChoiceID: choiceOfferSend, ContextID: s.lastID,
		SentAt: s.now.Add(-330 * time.Second), ReceivedAt: s.now.Add(-60 * time.Second)}
	s.input("tap offer_send (sent 5.5 minutes ago)", tap)
	s.golden("offer_late_confirm")

	s.wantState(StateSecuredOfferConfirm)
	if n := s.countCalls(vimbiso.CallCreateCredex); n != 0 {
		t.Errorf("createCredex calls = %d, want 0", n)
	}
}

func TestSecuredOfferRefreshesStaleDashboard(t *testing.T) {
	s := aliceOnPersonal(t, newOfferFake(), true)
	before := s.countCalls(vimbiso.CallLogin)
	s.conv.MarkDashboardStale()
	s.do("tap offer_secured")

	if n := s.countCalls(vimbiso.CallLogin) - before; n != 1 {
		t.Errorf("LOGIN calls = %d, want 1 to refresh the balances", n)
	}
	s.wantState(StateSecuredOfferAmount)
	if !strings.Contains(s.lastBody(), "how much") {
		t.Errorf("reply = %q, want the amount prompt", s.lastBody())
	}
}

func TestSecuredOfferFoundationSkipsBalance(t *testing.T) {
	f := newOfferFake()
	alice := f.members["263770000001"]
	alice.Accounts[0].Type = foundationAccountType // Example Traders
	s := aliceOnPersonal(t, f, true)
	s.do("tap switch_account")
	s.do("tap acct_acct-traders")
	s.do("tap offer_secured")
	s.do("500 CAD")
	s.wantState(StateSecuredOfferHandle)
}

func TestCheckSecuredBalance(t *testing.T) {
	usd := func(v float64) amount { return amount{value: v, denom: "USD"} }
	cases := []struct {
		name  string
		lines []string
		a     amount
		ok    bool
	}{
		// Readable lines.
		{"within", []string{"25.00 USD"}, usd(25), true},
		{"above", []string{"25.00 USD"}, usd(25.01), false},
		{"thousands", []string{"1,234.50 USD"}, usd(1234.5), true},
		{"other denomination only", []string{"0.0500 XAU"}, usd(1), false},
		{"no lines", nil, usd(1), false},
		{"code first", []string{"USD 10.00"}, usd(9), true},
		{"negative", []string{"-1.00 USD"}, usd(0.01), false},

		// An unreadable line skips the check.
		{"unreadable own line", []string{"lots USD"}, usd(1000), true},
		{"unreadable other line", []string{"25.00 USD", "??"}, usd(30), false},
		{"unreadable and no match", []string{"??"}, usd(30), true},
	}
	for _, tc := range cases {
		rej := checkSecuredBalance(tc.lines, tc.a)
		if (rej == nil) != tc.ok {
			t.Errorf("%s: checkSecuredBalance(%q, %v) = %v, want ok %v", tc.name, tc.lines, tc.a, rej, tc.ok)
		}
		if rej != nil && rej.id != "E_SECURED_BALANCE" {
			t.Errorf("%s: id = %s, want E_SECURED_BALANCE", tc.name, rej.id)
		}
	}
}
