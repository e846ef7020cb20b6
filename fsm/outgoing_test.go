package fsm

import (
	"fmt"
	"testing"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// Bob cancels both of his outgoing offers: after the first the list
// shows the one left, after the second the dashboard.
func TestOutgoingCancel(t *testing.T) {
	f := newPendingFake()
	f.pendingAddOffer("offer-5", "10.00 USD", "acct-bob", pendingBob, "acct-traders", "Example Traders", "2026-12-20")
	s := newSession(t, pendingPhoneBob, f)
	s.run("outgoing_cancel",
		"hi",
		"tap acct_acct-bob",
		"tap offers_out",
		"show me more",
		"tap out_offer-5",
		"what",
		"tap back_out",
		"tap out_offer-5",
		"tap cancel_offer-5",
		"tap out_offer-1",
		"tap cancel_offer-1",
	)
	s.wantState(StateDashboard)
	if n := s.countCalls(vimbiso.CallCancelCredex); n != 2 {
		t.Errorf("cancelCredex calls = %d, want 2", n)
	}
	if got := f.pendingFind("offer-1", false); len(got) != 0 {
		t.Errorf("offer-1 still on the receiver's incoming list of %v", got)
	}
	if intent := s.conv.Snapshot().Intent; intent != nil {
		t.Errorf("intent after the answer = %+v, want none", intent)
	}
}

// Eleven outgoing offers: nine rows and a note, with amounts shown
// without their minus sign.
func TestOutgoingLongList(t *testing.T) {
	f := newPendingFake()
	for i := 2; i <= 11; i++ {
		f.pendingAddOffer(fmt.Sprintf("offer-%d", i), fmt.Sprintf("%d.00 USD", i), "acct-bob", pendingBob, "acct-alice", pendingAlice, "")
	}
	s := newSession(t, pendingPhoneBob, f)
	s.run("outgoing_many", "hi", "tap acct_acct-bob", "tap offers_out")
	s.wantState(StateOutgoingList)
	rows := s.last[0].ChoiceIDs()
	if len(rows) != 10 || rows[9] != choiceHome {
		t.Errorf("rows = %v, want 9 offers and home", rows)
	}
}

// No outgoing offers: a notice on the dashboard.
func TestOutgoingEmpty(t *testing.T) {
	s := newSession(t, pendingPhoneAlice, newPendingFake())
	s.run("outgoing_empty", "hi", "tap acct_acct-alice", "tap offers_out")
	s.wantState(StateDashboard)
}

// Every other result of cancelCredex.
func TestOutgoingCancelFailures(t *testing.T) {
	cases := []struct {
		name   string
		result vimbiso.Result
		state  State
	}{
		{"outgoing_cancel_not_issuer", vimbiso.Result{Outcome: vimbiso.OutcomeForbidden, Status: 403, Reason: "Only the issuer can cancel this credex"}, StateOutgoingList},
		{"outgoing_cancel_conflict", vimbiso.Result{}, StateDashboard},
		{"outgoing_cancel_invalid", vimbiso.Result{Outcome: vimbiso.OutcomeInvalid, Status: 400, Code: "INVALID_STATE", Reason: "Credex is not in a cancellable state"}, StateDashboard},
		{"outgoing_cancel_unavailable", vimbiso.Result{Outcome: vimbiso.OutcomeUnavailable}, StateOutgoingDetail},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newPendingFake()
			s := newSession(t, pendingPhoneBob, f)
			s.do("hi")
			s.do("tap acct_acct-bob")
			s.do("tap offers_out")
			s.do("tap out_offer-1")
			if tc.result.Outcome == "" {
				// Alice accepted it a moment ago, so CredEx returns 409.
				f.pendingRemove("offer-1", "Credex has already been accepted")
			} else {
				f.fail[vimbiso.CallCancelCredex] = tc.result
			}
			s.run(tc.name, "tap cancel_offer-1")
			s.wantState(tc.state)
			if n := s.countCalls(vimbiso.CallCancelCredex); n != 1 {
				t.Errorf("cancelCredex calls = %d, want 1", n)
			}
		})
	}
}

// A cancel_ tap processed long after it was sent moves nothing. A tap for
// an offer of the other account shows that offer instead.
func TestOutgoingCancelGuards(t *testing.T) {
	f := newPendingFake()
	f.pendingAddOffer("offer-6", "7.00 USD", "acct-bobshop", pendingBobShop, "acct-alice", pendingAlice, "")
	s := newSession(t, pendingPhoneBob, f)
	s.do("hi")
	s.do("tap acct_acct-bob")
	s.do("tap offers_out")
	s.do("tap out_offer-1")
	s.do("wait 4m")
	pendingBacklogTap(s, "cancel_offer-1")
	s.wantState(StateOutgoingDetail)
	s.do("tap cancel_offer-6")
	s.golden("outgoing_cancel_guards")
	s.wantState(StateOutgoingDetail)
	if n := s.countCalls(vimbiso.CallCancelCredex); n != 0 {
		t.Errorf("cancelCredex calls = %d, want 0", n)
	}
	if got := s.conv.Snapshot().ActiveAccountID; got != "acct-bobshop" {
		t.Errorf("active account = %q, want acct-bobshop", got)
	}
}
