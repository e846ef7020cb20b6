package fsm

import (
	"strings"
	"testing"

	vimbiso "github.com/vimbisopay/vimbiso"
)

func TestParseQuick(t *testing.T) {
	cases := []struct {
		in   string
		want quickOffer
		ok   bool
	}{
		// The five forms.
		{"0.5=>263770000002", quickOffer{secured: true, amount: "0.5", handle: "263770000002"}, true},
		{"5 ZWG=>example_traders", quickOffer{secured: true, amount: "5 ZWG", handle: "example_traders"}, true},
		{"ZWG 5=>example_traders", quickOffer{secured: true, amount: "ZWG 5", handle: "example_traders"}, true},
		{"10->263770000002", quickOffer{amount: "10", handle: "263770000002"}, true},
		{"10->263770000002=2025-02-20", quickOffer{amount: "10", handle: "263770000002", date: "2025-02-20", hasDate: true}, true},
		{"USD 10->bob_shop=2025-02-20", quickOffer{amount: "USD 10", handle: "bob_shop", date: "2025-02-20", hasDate: true}, true},

		// Spaces around the separators.
		{"  5 => @Bob_Shop ", quickOffer{secured: true, amount: "5", handle: "@Bob_Shop"}, true},
		{"10 -> bob_shop = 2025-02-20", quickOffer{amount: "10", handle: "bob_shop", date: "2025-02-20", hasDate: true}, true},

		// A date on a secured offer is split off, for E_SECURED_NO_DATE.
		{"5=>bob_shop=2025-02-20", quickOffer{secured: true, amount: "5", handle: "bob_shop", date: "2025-02-20", hasDate: true}, true},

		// The parts are checked later, not here.
		{"-5->bob", quickOffer{amount: "-5", handle: "bob"}, true},
		{"hello => world", quickOffer{secured: true, amount: "hello", handle: "world"}, true},

		// Not a quick command.
		{"=>", quickOffer{}, false},
		{"5=>", quickOffer{}, false},
		{"=>bob", quickOffer{}, false},
		{"5->bob=", quickOffer{}, false},
		{"5=>bob->carol", quickOffer{}, false},
		{"5=>bob=>carol", quickOffer{}, false},
		{"5->bob->carol", quickOffer{}, false},
		{"5->bob=2025-02-20=x", quickOffer{}, false},
		{"5 to bob", quickOffer{}, false},
	}
	for _, tc := range cases {
		got, ok := parseQuick(tc.in)
		if ok != tc.ok || got != tc.want {
			t.Errorf("parseQuick(%q) = %+v, %v, want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzParseQuick checks that a parsed command has all its parts, without
// arrows or spaces around them, and that writing it back parses the same.
func FuzzParseQuick(f *testing.F) {
	for _, seed := range []string{
		"0.5=>263770000002", "5 ZWG=>example_traders", "ZWG 5=>x", "10->263770000002",
		"10->263770000002=2025-02-20", "USD 10->bob_shop=2025-02-20", "=>", "a->b=c=d", "5=>=>", "->->", " - > ",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		q, ok := parseQuick(in)
		if !ok {
			return
		}
		if q.amount == "" || q.handle == "" || (q.hasDate && q.date == "") {
			t.Fatalf("parseQuick(%q) = %+v: a part is empty", in, q)
		}
		for _, part := range []string{q.amount, q.handle, q.date} {
			if part != strings.TrimSpace(part) {
				t.Fatalf("parseQuick(%q) = %+v: part %q is not trimmed", in, q, part)
			}
		}
		arrow := quickUnsecuredArrow
		if q.secured {
			arrow = quickSecuredArrow
		}
		back := q.amount + arrow + q.handle
		if q.hasDate {
			back += "=" + q.date
		}
		again, ok := parseQuick(back)
		if !ok || again != q {
			t.Fatalf("parseQuick(%q) = %+v, but %q parses as %+v, %v", in, q, back, again, ok)
		}
	})
}

func TestQuickCommand(t *testing.T) {
	s := aliceOnPersonal(t, newOfferFake(), false)
	s.run("quick_command",
		"0.5=>263770000002",
		"2 ZWG->263770000002=2099-01-01",
	)
	s.wantState(StateDashboard)
	if n := s.countCalls(vimbiso.CallCreateCredex); n != 0 {
		t.Errorf("createCredex calls = %d, want 0: a quick command only goes to the confirmation", n)
	}
}

func TestQuickCommandConfirms(t *testing.T) {
	f := newOfferFake()
	s := aliceOnPersonal(t, f, true)
	s.do("0.5=>263770000002")
	s.wantState(StateSecuredOfferConfirm)
	s.do("tap offer_send")

	calls := s.createCalls()
	want := vimbiso.Offer{IssuerAccountID: "acct-alice", ReceiverAccountID: "acct-bob", Denomination: "USD", Amount: 0.5, Secured: true}
	if len(calls) != 1 || *calls[0].Offer != want {
		t.Fatalf("createCredex calls = %+v, want one with %+v", calls, want)
	}
}

func TestQuickCommandColdStart(t *testing.T) {
	// No session: LOGIN, then the command on the personal account, with no
	// account picker although Alice has two accounts.
	s := newSession(t, "263770000001", newOfferFake())
	s.run("quick_cold_start",
		"0.5=>263770000002",
		"tap offer_send",
	)
	s.wantState(StateDashboard)
	if got := s.conv.Snapshot().ActiveAccountID; got != "acct-alice" {
		t.Errorf("active account = %q, want acct-alice", got)
	}
	if n := s.countCalls(vimbiso.CallCreateCredex); n != 1 {
		t.Errorf("createCredex calls = %d, want 1", n)
	}
}

func TestQuickCommandNonMember(t *testing.T) {
	s := newSession(t, "263770000003", newOfferFake())
	s.run("quick_non_member", "5=>263770000002")
	s.wantState(StateRegWelcome)
	if n := s.countCalls(vimbiso.CallAccountByHandle); n != 0 {
		t.Errorf("getAccountByHandle calls = %d, want 0 for a non-member", n)
	}
}

func TestQuickCommandForms(t *testing.T) {
	f := verifiedAlice()
	alice := f.members["263770000001"]
	alice.Accounts[1].Balances.SecuredNet = append(alice.Accounts[1].Balances.SecuredNet, "1,000.00 ZWG")
	s := aliceOnPersonal(t, f, true)

	cases := []struct {
		in      string
		state   State
		amount  float64
		denom   string
		handle  string
		dueDate string
	}{
		{"0.5=>263770000002", StateSecuredOfferConfirm, 0.5, "USD", "263770000002", ""},
		{"5 ZWG=>bob_shop", StateSecuredOfferConfirm, 5, "ZWG", "bob_shop", ""},
		{"zig 999.99 => @Bob_Shop", StateSecuredOfferConfirm, 999.99, "ZWG", "bob_shop", ""},
		{"$2=>+263 77 000 0002", StateSecuredOfferConfirm, 2, "USD", "263770000002", ""},
		{"10->263770000002", StateUnsecuredOfferConfirm, 10, "USD", "263770000002", "2027-01-01"},
		{"10 -> 263770000002 = 2026-12-20", StateUnsecuredOfferConfirm, 10, "USD", "263770000002", "2026-12-20"},
		{"USD 10->bob_shop=2026-12-20", StateUnsecuredOfferConfirm, 10, "USD", "bob_shop", "2026-12-20"},
		{"100 CAD->bob_shop", StateUnsecuredOfferConfirm, 100, "CAD", "bob_shop", "2027-01-01"},
	}
	for _, tc := range cases {
		s.do(tc.in)
		fl := s.conv.Snapshot().Flow
		if got := s.conv.State(); got != tc.state {
			t.Errorf("%q: state = %s, want %s", tc.in, got, tc.state)
		}
		if fl.Amount != tc.amount || fl.Denomination != tc.denom || fl.Handle != tc.handle || fl.DueDate != tc.dueDate || fl.ReceiverID == "" {
			t.Errorf("%q: flow = %+v, want %v %s to %s due %q", tc.in, fl, tc.amount, tc.denom, tc.handle, tc.dueDate)
		}
	}
	s.golden("quick_forms")
}

func TestQuickCommandErrors(t *testing.T) {
	f := verifiedAlice()
	s := aliceOnPersonal(t, f, true)
	s.run("quick_errors",
		"5=>263770000002=2026-12-20",
		"=>",
		"5 => bob -> carol",
		"1,5=>263770000002",
		"5 EUR=>263770000002",
		"5=>ab",
		"5=>263770000001",
		"5=>nobody_here",
		"30=>263770000002",
		"11=>263770000002",
		"10->263770000002=2020-01-01",
		"10->263770000002=20-12-2026",
	)
	s.wantState(StateDashboard)
	if n := s.countCalls(vimbiso.CallAccountByHandle); n != 1 {
		t.Errorf("getAccountByHandle calls = %d, want 1 (only nobody_here passes the checks)", n)
	}
}

func TestQuickCommandAbandonsFlow(t *testing.T) {
	s := aliceOnPersonal(t, verifiedAlice(), true)
	s.do("tap offer_secured")
	s.do("3")
	s.run("quick_abandons_flow", "7->263770000002=2026-12-24")
	s.wantState(StateUnsecuredOfferConfirm)
	if fl := s.conv.Snapshot().Flow; fl.Amount != 7 || fl.Secured || fl.DueDate != "2026-12-24" {
		t.Errorf("flow = %+v, want the quick command's offer only", fl)
	}
}

func TestQuickCommandLookupUnavailable(t *testing.T) {
	f := newOfferFake()
	s := aliceOnPersonal(t, f, true)
	f.fail[vimbiso.CallAccountByHandle] = vimbiso.Result{Outcome: vimbiso.OutcomeUnavailable, Status: 503}
	s.do("1=>263770000002")

	s.wantState(StateDashboard)
	if body := s.lastBody(); !strings.HasPrefix(body, msgService+"\n\n") {
		t.Errorf("reply = %q, want E_SERVICE alone as the banner", body)
	}
}

func TestQuickCommandRefreshesStaleDashboard(t *testing.T) {
	s := aliceOnPersonal(t, newOfferFake(), true)
	before := s.countCalls(vimbiso.CallLogin)
	s.conv.MarkDashboardStale()
	s.do("1=>263770000002")

	if n := s.countCalls(vimbiso.CallLogin) - before; n != 1 {
		t.Errorf("LOGIN calls = %d, want 1 to refresh the balances", n)
	}
	s.wantState(StateSecuredOfferConfirm)
}

func TestQuickCommandNoActiveAccount(t *testing.T) {
	// At the account picker no account is active yet: the command uses
	// the personal account.
	s := newSession(t, "263770000001", newOfferFake())
	s.do("hi")
	s.do("1=>263770000002")
	s.wantState(StateSecuredOfferConfirm)
	if got := s.conv.Snapshot().ActiveAccountID; got != "acct-alice" {
		t.Errorf("active account = %q, want acct-alice", got)
	}
}

func TestQuickErrorsFitBanner(t *testing.T) {
	// The longest forms of each error a quick command can end with: with
	// E_QUICK_USAGE they must still fit the dashboard's banner.
	long := strings.Repeat("x", 30)
	errors := []string{
		msgAmountFormat, msgAmountZero, msgDenom(long), msgDecimals("XAU", 4),
		msgHandleFormat, msgSelf, msgHandleNotFound(long), msgSecuredNoDate, msgTierUnsecured,
		msgSecuredBalance("USD", "999,999,999,999.99 USD", "999,999,999,999.99 USD"),
		msgDailyLimit("999,999.99 USD", "Verified"),
		msgDateFormat("2027-01-01"), msgDateRange("2027-01-01", "2027-01-28"),
	}
	for _, e := range errors {
		if n := vimbiso.Length(e + "\n" + msgQuickUsage("2027-01-01")); n > bannerMax {
			t.Errorf("%q with the usage is %d long, want at most %d", e, n, bannerMax)
		}
	}
}

// FuzzQuickCommandStep types arbitrary quick commands into a live session:
// each ends on the dashboard or a confirmation screen, with at most two
// messages and no offer created.
func FuzzQuickCommandStep(f *testing.F) {
	for _, seed := range []string{
		"0.5=>263770000002", "5 ZWG=>bob_shop", "10->263770000002=2026-12-20", "=>", "1,5->x",
		"5=>263770000001", "5=>nobody_here", "$1 => @Bob_Shop", "5->bob=2026-02-30",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !isQuickCommand(text) || normalize(text) != strings.ToLower(strings.Join(strings.Fields(text), " ")) {
			return // global words and trailing punctuation are other tests' business
		}
		s := aliceOnPersonal(t, verifiedAlice(), true)
		replies := s.do(text)

		if len(replies) == 0 || len(replies) > 2 {
			t.Fatalf("%q got %d replies, want 1 or 2", text, len(replies))
		}
		switch state := s.conv.State(); state {
		case StateDashboard, StateSecuredOfferConfirm, StateUnsecuredOfferConfirm:
		default:
			t.Fatalf("%q ends in state %s", text, state)
		}
		if n := s.countCalls(vimbiso.CallCreateCredex); n != 0 {
			t.Fatalf("%q made %d createCredex calls", text, n)
		}
	})
}
