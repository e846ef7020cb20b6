package fsm

import (
	"strings"
	"testing"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// verifiedAlice is the offer fake with Alice on the Verified tier, which
// may promise to pay.
func verifiedAlice() *fakeCredEx {
	f := newOfferFake()
	setTier(f, "263770000001", 2)
	return f
}

func TestUnsecuredOffer(t *testing.T) {
	f := verifiedAlice()
	s := aliceOnPersonal(t, f, false)
	s.run("offer_unsecured",
		"tap offer_unsecured",
		"40",
		"bob_shop",
		"tomorrow",
		"2026-02-30",
		"2026-12-05",
		"2027-02-01",
		"image",
		"2026-12-20",
		"tap offer_send",
	)
	s.wantState(StateDashboard)

	calls := s.createCalls()
	if len(calls) != 1 {
		t.Fatalf("createCredex calls = %d, want 1", len(calls))
	}
	want := vimbiso.Offer{IssuerAccountID: "acct-alice", ReceiverAccountID: "acct-bob-shop", Denomination: "USD", Amount: 40, Secured: false, DueDate: "2026-12-20"}
	if got := *calls[0].Offer; got != want {
		t.Errorf("offer = %+v, want %+v", got, want)
	}
	if n := len(f.pendingIn("263770000002", "acct-bob-shop")); n != 1 {
		t.Errorf("Bob's shop incoming offers = %d, want 1", n)
	}
}

func TestUnsecuredOfferDefaultDate(t *testing.T) {
	s := aliceOnPersonal(t, verifiedAlice(), true)
	s.run("offer_unsecured_default_date",
		"tap offer_unsecured",
		"ZWG 500",
		"263770000002",
		"next week",
		"tap due_default",
		"tap offer_abort",
	)
	s.wantState(StateDashboard)
	if n := s.countCalls(vimbiso.CallCreateCredex); n != 0 {
		t.Errorf("createCredex calls = %d, want 0 after Cancel", n)
	}
}

func TestUnsecuredOfferDefaultDateSent(t *testing.T) {
	s := aliceOnPersonal(t, verifiedAlice(), true)
	s.do("tap offer_unsecured")
	s.do("12")
	s.do("263770000002")
	s.do("tap due_default")
	s.do("tap offer_send")

	calls := s.createCalls()
	if len(calls) != 1 || calls[0].Offer.DueDate != "2027-01-01" || calls[0].Offer.Secured {
		t.Fatalf("createCredex calls = %+v, want one unsecured offer due 2027-01-01", calls)
	}
}

func TestUnsecuredOfferOldProposal(t *testing.T) {
	s := aliceOnPersonal(t, verifiedAlice(), true)
	s.do("tap offer_unsecured")
	s.do("12")
	s.do("263770000002")
	// The proposal shown is no longer in the window, as if the screen
	// were from an earlier day.
	s.conv.snap.Flow.DueDate = "2026-12-01"
	s.do("tap due_default")

	s.wantState(StateUnsecuredOfferDueDate)
	if body := s.lastBody(); !strings.HasPrefix(body, msgDateRange("2026-12-11", "2027-01-07")) || !strings.Contains(renderReply(s.last[0]), "Use 2027-01-01") {
		t.Errorf("reply = %q, want E_DATE_RANGE and a new proposal", body)
	}
}

func TestUnsecuredOfferOpenTier(t *testing.T) {
	// The row is not in an Open tier member's menu, but a tap on an older
	// menu or a typed id still reaches the flow.
	s := aliceOnPersonal(t, newOfferFake(), true)
	s.run("offer_unsecured_open_tier", "tap offer_unsecured")
	s.wantState(StateDashboard)
	if !strings.HasPrefix(s.lastBody(), msgTierUnsecured) {
		t.Errorf("reply = %q, want E_TIER_UNSECURED", s.lastBody())
	}
}

func TestUnsecuredOfferRefusedByCredEx(t *testing.T) {
	f := verifiedAlice()
	s := aliceOnPersonal(t, f, true)
	s.do("tap offer_unsecured")
	s.do("12")
	s.do("263770000002")
	s.do("tap due_default")
	f.fail[vimbiso.CallCreateCredex] = vimbiso.Result{Outcome: vimbiso.OutcomeForbidden, Status: 403, Code: "INSUFFICIENT_TIER", Reason: "Unsecured credex not permitted on open tier"}
	s.do("tap offer_send")

	s.wantState(StateDashboard)
	if !strings.HasPrefix(s.lastBody(), "❌ Unsecured credex not permitted on open tier") {
		t.Errorf("reply = %q, want CredEx's reason", s.lastBody())
	}
}
