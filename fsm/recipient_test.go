package fsm

import (
	"strings"
	"testing"
	"time"

	vimbiso "github.com/vimbisopay/vimbiso"
)

func TestRecipientChange(t *testing.T) {
	fake := newMembersFake()
	s := carolOnWorks(t, fake)
	s.run("recipient_change", "tap offer_recipient", "who?", "tap recipient_member-dave")
	s.wantState(StateDashboard)
	if n := s.countCalls(vimbiso.CallSendOffersTo); n != 1 {
		t.Fatalf("updateSendOffersTo calls = %d, want 1", n)
	}
	call := s.calls[len(s.calls)-2] // before the refreshing login
	if call.AccountID != "acct-works" || call.MemberID != "member-dave" || call.IdempotencyKey == "" {
		t.Errorf("updateSendOffersTo call = %+v, want Dave on acct-works with a key", call)
	}
	if got := s.conv.Snapshot().Intent; got != nil {
		t.Errorf("intent after the response = %+v, want none", got)
	}
	works, _ := fake.members[membersPhoneCarol].Account("acct-works")
	if works.SendOffersTo == nil || works.SendOffersTo.MemberID != "member-dave" {
		t.Errorf("sendOffersTo = %+v, want Dave", works.SendOffersTo)
	}
}

func TestRecipientUnchanged(t *testing.T) {
	s := carolOnWorks(t, newMembersFake())
	s.run("recipient_unchanged", "tap offer_recipient", "tap recipient_member-carol")
	s.wantState(StateDashboard)
	if n := s.countCalls(vimbiso.CallSendOffersTo); n != 0 {
		t.Errorf("updateSendOffersTo calls = %d, want 0 when the choice is the current recipient", n)
	}
}

func TestRecipientFailures(t *testing.T) {
	cases := []struct {
		name   string
		result vimbiso.Result
		logins int
	}{
		{"recipient_refused", vimbiso.Result{Outcome: vimbiso.OutcomeInvalid, Status: 400, Reason: "Failed to update offer recipient for account"}, 1},
		{"recipient_rate_limited", vimbiso.Result{Outcome: vimbiso.OutcomeRateLimited, Status: 429}, 1},
		// No answer: the change may have happened, so the dashboard is
		// fetched again.
		{"recipient_unavailable", vimbiso.Result{Outcome: vimbiso.OutcomeUnavailable}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := newMembersFake()
			s := carolOnWorks(t, fake)
			fake.fail[vimbiso.CallSendOffersTo] = tc.result
			s.run(tc.name, "tap offer_recipient", "tap recipient_member-dave")
			s.wantState(StateDashboard)
			if n := s.countCalls(vimbiso.CallLogin); n != tc.logins {
				t.Errorf("login calls = %d, want %d", n, tc.logins)
			}
			if got := s.conv.Snapshot().Intent; got != nil {
				t.Errorf("intent after the response = %+v, want none", got)
			}
		})
	}
}

func TestRecipientNotOffered(t *testing.T) {
	s := newSession(t, "263770000001", newMembersFake())
	s.do("hi")
	s.do("tap acct_acct-traders")
	s.run("recipient_not_offered", "tap offer_recipient")
	s.wantState(StateDashboard)
}

func TestRecipientLateChoice(t *testing.T) {
	s := carolOnWorks(t, newMembersFake())
	s.do("tap offer_recipient")
	sent := s.now.Add(-6 * time.Minute)
	s.input("tap recipient_member-dave (sent 6 minutes ago)", vimbiso.Input{Kind: vimbiso.InputChoice, ChoiceID: "recipient_member-dave",
		ContextID: s.lastID, SentAt: sent, ReceivedAt: sent})
	s.golden("recipient_late")
	s.wantState(StateOfferRecipientList)
	if n := s.countCalls(vimbiso.CallSendOffersTo); n != 0 {
		t.Errorf("updateSendOffersTo calls = %d, want 0 for a late choice", n)
	}
}

// A long name is cut so that the "(now)" marker stays in the row title.
func TestRecipientRowsKeepNowMark(t *testing.T) {
	long := vimbiso.PersonName{MemberID: "member-long", FirstName: "Maximilianus-Bartholomew", LastName: "Sample"}
	account := vimbiso.Account{AuthFor: []vimbiso.PersonName{long, membersDave}}
	rows := vimbiso.List("body", "Choose person", recipientRows(account, long.MemberID)...).Sections[0].Rows
	if got := rows[0].Title; !strings.HasSuffix(got, recipientNowMark) || vimbiso.Length(got) > vimbiso.MaxRowTitle {
		t.Errorf("current recipient's title = %q, want at most %d units ending in %q", got, vimbiso.MaxRowTitle, recipientNowMark)
	}
	if got := rows[len(rows)-1].ID; got != choiceHome {
		t.Errorf("last row = %q, want %q", got, choiceHome)
	}
}
