package fsm

import (
	"fmt"
	"slices"
	"testing"
	"time"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// Bob, with two accounts and no session, opens the menu, picks his
// personal account and accepts Alice's only offer: the dashboard follows,
// with no offer left.
func TestIncomingAccept(t *testing.T) {
	f := newPendingFake()
	f.pendingAddOffer("offer-7", "1.50 USD", "acct-alice", pendingAlice, "acct-bob", pendingBob, "")
	s := newSession(t, pendingPhoneBob, f)
	s.run("incoming_accept",
		"menu",
		"tap acct_acct-bob",
		"tap offers_in",
		"tap in_offer-7",
		"tap accept_offer-7",
	)
	s.wantState(StateDashboard)
	if n := s.countCalls(vimbiso.CallAcceptCredex); n != 1 {
		t.Errorf("acceptCredex calls = %d, want 1", n)
	}
	if intent := s.conv.Snapshot().Intent; intent != nil {
		t.Errorf("intent after the answer = %+v, want none", intent)
	}
	if got := f.pendingFind("offer-7", true); len(got) != 0 {
		t.Errorf("offer-7 still on the issuer's outgoing list of %v", got)
	}
}

// The accept call carries an idempotency key derived from the offer and
// is recorded as the snapshot's intent before it is made.
func TestIncomingAcceptRecordsIntent(t *testing.T) {
	s := newSession(t, pendingPhoneAlice, newPendingFake())
	s.do("hi")
	s.do("tap acct_acct-alice")
	out := s.conv.Step(vimbiso.Input{Kind: vimbiso.InputChoice, ChoiceID: "accept_offer-1", MessageID: "wamid.X", SentAt: s.now, ReceivedAt: s.now}, s.now)
	if out.Call == nil || out.Call.Op != vimbiso.CallAcceptCredex || out.Call.CredexID != "offer-1" {
		t.Fatalf("call = %+v, want acceptCredex of offer-1", out.Call)
	}
	intent := s.conv.Snapshot().Intent
	if intent == nil {
		t.Fatal("no intent recorded before acceptCredex")
	}
	if intent.Call.Op != vimbiso.CallAcceptCredex || intent.Call.CredexID != "offer-1" {
		t.Errorf("intent call = %+v, want acceptCredex of offer-1", intent.Call)
	}
	if intent.Key == "" || intent.Key != out.Call.IdempotencyKey {
		t.Errorf("intent key = %q, call key = %q: want the same, not empty", intent.Key, out.Call.IdempotencyKey)
	}
	if !intent.At.Equal(s.now) {
		t.Errorf("intent time = %v, want %v", intent.At, s.now)
	}
	s.wantState(StateOfferChoice)
}

// Declining one of two offers returns to the list, which then shows the
// unsecured one that is left. The transcript also covers back_in and text
// typed on the list screens.
func TestIncomingDecline(t *testing.T) {
	f := newPendingFake()
	f.pendingAddOffer("offer-2", "10.00 USD", "acct-bob", pendingBob, "acct-alice", pendingAlice, "2026-12-20")
	s := newSession(t, pendingPhoneAlice, f)
	s.run("incoming_decline",
		"hi",
		"tap acct_acct-alice",
		"tap offers_in",
		"what is this",
		"tap in_offer-2",
		"what now",
		"tap back_in",
		"tap in_offer-1",
		"tap decline_offer-1",
		"tap in_offer-2",
	)
	s.wantState(StateIncomingDetail)
	if n := s.countCalls(vimbiso.CallDeclineCredex); n != 1 {
		t.Errorf("declineCredex calls = %d, want 1", n)
	}
}

// Transcript 8 of the product: three offers, accept all.
func TestIncomingAcceptAll(t *testing.T) {
	f := newPendingFake()
	f.pendingAddOffer("offer-2", "1,000.50 ZWG", "acct-bob", pendingBob, "acct-alice", pendingAlice, "")
	f.pendingAddOffer("offer-3", "0.25 USD", "acct-bobshop", pendingBobShop, "acct-alice", pendingAlice, "2026-12-20")
	s := newSession(t, pendingPhoneAlice, f)
	s.run("incoming_accept_all",
		"hi",
		"tap acct_acct-alice",
		"tap offers_in",
		"tap in_accept_all",
		"tap back_in",
		"tap in_accept_all",
		"tap accept_all_confirm",
	)
	s.wantState(StateDashboard)
	bulk := pendingCallsOf(s, vimbiso.CallAcceptBulk)
	if len(bulk) != 1 {
		t.Fatalf("acceptCredexBulk calls = %d, want 1", len(bulk))
	}
	if want := []string{"offer-1", "offer-2", "offer-3"}; !slices.Equal(bulk[0].CredexIDs, want) {
		t.Errorf("bulk ids = %v, want %v", bulk[0].CredexIDs, want)
	}
	if bulk[0].IdempotencyKey == "" {
		t.Error("acceptCredexBulk went out without an idempotency key")
	}
}

// Ten offers: the list shows eight, accept all sends all ten ids. Seven
// were answered elsewhere meanwhile, so five failures are listed and the
// rest counted.
func TestIncomingAcceptAllPartial(t *testing.T) {
	f := newPendingFake()
	for i := 2; i <= 10; i++ {
		f.pendingAddOffer(fmt.Sprintf("offer-%d", i), fmt.Sprintf("%d.00 USD", i), "acct-bob", pendingBob, "acct-alice", pendingAlice, "")
	}
	s := newSession(t, pendingPhoneAlice, f)
	s.do("hi")
	s.do("tap acct_acct-alice")
	s.do("tap offers_in")
	s.do("tap in_accept_all")
	for i := 4; i <= 10; i++ {
		f.pendingRemove(fmt.Sprintf("offer-%d", i), "Credex already processed")
	}
	s.run("incoming_accept_all_partial", "tap accept_all_confirm")

	bulk := pendingCallsOf(s, vimbiso.CallAcceptBulk)
	if len(bulk) != 1 {
		t.Fatalf("acceptCredexBulk calls = %d, want 1", len(bulk))
	}
	if n := len(bulk[0].CredexIDs); n != 10 {
		t.Errorf("bulk ids = %d, want all 10 pending, not only the 8 shown", n)
	}
	s.wantState(StateDashboard)
}

// Accept all refused by CredEx, and a 429 that leaves the confirmation
// in place for a second tap.
func TestIncomingAcceptAllFailures(t *testing.T) {
	f := newPendingFake()
	f.pendingAddOffer("offer-2", "3.00 USD", "acct-bob", pendingBob, "acct-alice", pendingAlice, "")
	s := newSession(t, pendingPhoneAlice, f)
	s.do("hi")
	s.do("tap acct_acct-alice")
	s.do("tap offers_in")
	s.do("tap in_accept_all")
	f.fail[vimbiso.CallAcceptBulk] = vimbiso.Result{Outcome: vimbiso.OutcomeRateLimited, Status: 429}
	s.do("tap accept_all_confirm")
	s.wantState(StateIncomingAllConfirm)
	f.fail[vimbiso.CallAcceptBulk] = vimbiso.Result{Outcome: vimbiso.OutcomeUnavailable}
	s.do("tap accept_all_confirm")
	s.wantState(StateIncomingAllConfirm)
	f.fail[vimbiso.CallAcceptBulk] = vimbiso.Result{Outcome: vimbiso.OutcomeForbidden, Status: 403, Code: "FORBIDDEN", Reason: "You are not authorized to accept offers for this account"}
	s.run("incoming_accept_all_failures", "tap accept_all_confirm")
	s.wantState(StateDashboard)
	if intent := s.conv.Snapshot().Intent; intent != nil {
		t.Errorf("intent after a refusal = %+v, want none", intent)
	}
}

// No incoming offers: a notice on the dashboard, from a fresh and from an
// old dashboard.
func TestIncomingEmpty(t *testing.T) {
	f := newPendingFake()
	f.pendingClear("acct-alice")
	s := newSession(t, pendingPhoneAlice, f)
	s.run("incoming_empty",
		"hi",
		"tap acct_acct-alice",
		"tap offers_in",
		"wait 40s",
		"tap offers_in",
	)
	s.wantState(StateDashboard)
}

// An offer answered elsewhere: with a fresh dashboard CredEx says 409; with
// an old one the refresh shows it gone and nothing is called.
func TestIncomingOfferGone(t *testing.T) {
	f := newPendingFake()
	f.pendingAddOffer("offer-2", "4.00 USD", "acct-bob", pendingBob, "acct-alice", pendingAlice, "")
	s := newSession(t, pendingPhoneAlice, f)
	s.do("hi")
	s.do("tap acct_acct-alice")
	s.do("tap offers_in")
	s.do("tap in_offer-1")
	f.pendingRemove("offer-1", "Credex has already been accepted")
	s.do("tap accept_offer-1")
	s.wantState(StateIncomingList)
	f.pendingRemove("offer-2", "Credex already processed")
	s.do("wait 40s")
	s.run("incoming_offer_gone", "tap decline_offer-2")
	s.wantState(StateDashboard)
	if n := s.countCalls(vimbiso.CallAcceptCredex); n != 1 {
		t.Errorf("acceptCredex calls = %d, want 1", n)
	}
	if n := s.countCalls(vimbiso.CallDeclineCredex); n != 0 {
		t.Errorf("declineCredex calls = %d, want 0: the refreshed dashboard no longer lists offer-2", n)
	}
}

// Every other result of acceptCredex. The offer of the 404 case vanished
// from CredEx, so the refreshed list no longer has it.
func TestIncomingAcceptFailures(t *testing.T) {
	cases := []struct {
		name   string
		result vimbiso.Result
		state  State
	}{
		{"incoming_accept_not_found", vimbiso.Result{}, StateDashboard},
		{"incoming_accept_forbidden", vimbiso.Result{Outcome: vimbiso.OutcomeForbidden, Status: 403, Code: "FORBIDDEN", Reason: "You are not authorized to accept this credex"}, StateDashboard},
		{"incoming_accept_invalid", vimbiso.Result{Outcome: vimbiso.OutcomeInvalid, Status: 400, Reason: "Failed to accept Credex: Digital signature error"}, StateDashboard},
		{"incoming_accept_rate_limited", vimbiso.Result{Outcome: vimbiso.OutcomeRateLimited, Status: 429}, StateIncomingDetail},
		{"incoming_accept_unavailable", vimbiso.Result{Outcome: vimbiso.OutcomeUnavailable, Status: 502}, StateIncomingDetail},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newPendingFake()
			s := newSession(t, pendingPhoneAlice, f)
			s.do("hi")
			s.do("tap acct_acct-alice")
			s.do("tap offers_in")
			s.do("tap in_offer-1")
			if tc.result.Outcome == "" {
				f.pendingClear("acct-alice")
				f.pendingClear("acct-bob")
			} else {
				f.fail[vimbiso.CallAcceptCredex] = tc.result
			}
			s.run(tc.name, "tap accept_offer-1")
			s.wantState(tc.state)
			if n := s.countCalls(vimbiso.CallAcceptCredex); n != 1 {
				t.Errorf("acceptCredex calls = %d, want 1", n)
			}
			if intent := s.conv.Snapshot().Intent; intent != nil {
				t.Errorf("intent after the answer = %+v, want none", intent)
			}
		})
	}
}

// The service fails, the member taps again, and the refreshed dashboard
// decides: the second tap is carried out.
func TestIncomingAcceptRetryAfterUnavailable(t *testing.T) {
	f := newPendingFake()
	s := newSession(t, pendingPhoneAlice, f)
	s.do("hi")
	s.do("tap acct_acct-alice")
	s.do("tap offers_in")
	s.do("tap in_offer-1")
	f.fail[vimbiso.CallAcceptCredex] = vimbiso.Result{Outcome: vimbiso.OutcomeUnavailable}
	s.do("tap accept_offer-1")
	s.run("incoming_accept_retry", "tap accept_offer-1")
	s.wantState(StateDashboard)
	calls := pendingCallsOf(s, vimbiso.CallAcceptCredex)
	if len(calls) != 2 {
		t.Fatalf("acceptCredex calls = %d, want 2", len(calls))
	}
	// The second tap is a new message, so a new attempt with its own key;
	// only a reprocessing of the same message repeats a key.
	if calls[0].IdempotencyKey == calls[1].IdempotencyKey {
		t.Errorf("both taps carry key %q, want one key per message", calls[0].IdempotencyKey)
	}
}

// A confirmation processed more than five minutes after it was sent (a
// backlog after a crash) gets E_LATE and moves nothing.
func TestIncomingLateConfirm(t *testing.T) {
	f := newPendingFake()
	f.pendingAddOffer("offer-2", "3.00 USD", "acct-bob", pendingBob, "acct-alice", pendingAlice, "")
	s := newSession(t, pendingPhoneAlice, f)
	s.do("hi")
	s.do("tap acct_acct-alice")
	s.do("tap offers_in")
	s.do("tap in_offer-1")
	s.do("wait 4m")
	pendingBacklogTap(s, "accept_offer-1")
	s.wantState(StateIncomingDetail)
	s.do("tap back_in")
	s.do("tap in_accept_all")
	s.do("wait 4m")
	pendingBacklogTap(s, "accept_all_confirm")
	s.golden("incoming_late")
	s.wantState(StateIncomingAllConfirm)
	if n := s.countCalls(vimbiso.CallAcceptCredex) + s.countCalls(vimbiso.CallAcceptBulk); n != 0 {
		t.Errorf("accept calls = %d, want 0", n)
	}
}

// A notification button tapped after the session ended logs in and shows
// the offer; only the second tap accepts. A button of an offer that is no
// longer pending leads to the dashboard.
func TestIncomingFromNotification(t *testing.T) {
	f := newPendingFake()
	s := newSession(t, pendingPhoneAlice, f)
	s.do("hi")
	s.do("tap acct_acct-alice")
	s.do("wait 10m")
	s.run("incoming_notification",
		"tap accept_offer-1",
		"tap accept_offer-1",
		"wait 10m",
		"tap decline_offer-1",
	)
	s.wantState(StateDashboard)
	if n := s.countCalls(vimbiso.CallAcceptCredex); n != 1 {
		t.Errorf("acceptCredex calls = %d, want 1: the tap that logged in must not accept", n)
	}
	if n := s.countCalls(vimbiso.CallDeclineCredex); n != 0 {
		t.Errorf("declineCredex calls = %d, want 0", n)
	}
}

// A notification button tapped in a live session acts from any state,
// here from the middle of the ledger. An offer of another of the member's
// accounts is shown under that account instead of being answered unseen.
func TestIncomingChoiceFromAnyState(t *testing.T) {
	f := newPendingFake()
	f.pendingAddOffer("offer-9", "6.00 USD", "acct-bob", pendingBob, "acct-traders", "Example Traders", "")
	s := newSession(t, pendingPhoneAlice, f)
	s.do("hi")
	s.do("tap acct_acct-alice")
	s.do("wait 1m")
	s.run("incoming_choice_any_state",
		"tap ledger",
		"tap accept_offer-1",
		"tap accept_offer-9",
		"tap accept_offer-9",
	)
	s.wantState(StateDashboard)
	if got := s.conv.Snapshot().ActiveAccountID; got != "acct-traders" {
		t.Errorf("active account = %q, want acct-traders", got)
	}
	calls := pendingCallsOf(s, vimbiso.CallAcceptCredex)
	if len(calls) != 2 || calls[0].CredexID != "offer-1" || calls[1].CredexID != "offer-9" {
		t.Errorf("acceptCredex calls = %+v, want offer-1 then offer-9", calls)
	}
}

// Totals per denomination skip what cannot be read and keep the most
// precise number of decimals.
func TestPendingTotals(t *testing.T) {
	offers := []vimbiso.PendingOffer{
		{Amount: "1,234.50 USD"}, {Amount: "0.5 USD"}, {Amount: "0.0500 XAU"},
		{Amount: "n/a"}, {Amount: "12"}, {Amount: "1.2.3 USD"}, {Amount: "-2.00 ZWG"}, {Amount: "9,999,999.125 CXX"},
	}
	got := pendingTotals(offers)
	want := []string{"1,235.00 USD", "0.0500 XAU", "2.00 ZWG", "9,999,999.125 CXX"}
	if !slices.Equal(got, want) {
		t.Errorf("pendingTotals = %q, want %q", got, want)
	}
}

func pendingCallsOf(s *session, op vimbiso.CallOp) []vimbiso.Call {
	var calls []vimbiso.Call
	for _, c := range s.calls {
		if c.Op == op {
			calls = append(calls, c)
		}
	}
	return calls
}

// pendingBacklogTap taps id in a message sent six minutes ago that only
// now reaches the conversation, as after a crash: it reached the webhook
// in time, so it is not late, but it is too old to move money.
func pendingBacklogTap(s *session, id string) {
	s.t.Helper()
	sent := s.now.Add(-6 * time.Minute)
	s.input("backlog tap "+id, vimbiso.Input{Kind: vimbiso.InputChoice, ChoiceID: id, ContextID: s.lastID, SentAt: sent, ReceivedAt: sent})
}
