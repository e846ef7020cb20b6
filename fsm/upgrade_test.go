package fsm

import (
	"testing"
	"time"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// The product's acceptance transcript "Upgrade declined".
func TestUpgradeDeclined(t *testing.T) {
	s := newSession(t, "263770000001", newMembersFake())
	s.run("upgrade_declined", "hi", "tap acct_acct-alice", "tap upgrade_tier", "why?", "tap upgrade_decline")
	s.wantState(StateDashboard)
	if n := s.countCalls(vimbiso.CallCreateRecurring); n != 0 {
		t.Errorf("createRecurring calls = %d, want 0", n)
	}
}

// The personal account pays for the subscription even while a company
// account is active.
func TestUpgradeFromCompanyAccount(t *testing.T) {
	s := newSession(t, "263770000001", newMembersFake())
	s.run("upgrade_confirmed", "hi", "tap acct_acct-traders", "tap upgrade_tier", "tap upgrade_confirm")
	s.wantState(StateDashboard)
	if n := s.countCalls(vimbiso.CallCreateRecurring); n != 1 {
		t.Fatalf("createRecurring calls = %d, want 1", n)
	}
	call := s.calls[len(s.calls)-2] // before the refreshing login
	if call.AccountID != "acct-alice" {
		t.Errorf("createRecurring source account = %q, want the personal account acct-alice", call.AccountID)
	}
	if call.StartDate != "2026-12-04" {
		t.Errorf("createRecurring start date = %q, want today in Harare, 2026-12-04", call.StartDate)
	}
	if call.IdempotencyKey == "" {
		t.Error("createRecurring call has no idempotency key")
	}
	if got := s.conv.Snapshot().Intent; got != nil {
		t.Errorf("intent after the response = %+v, want none", got)
	}
	if s.calls[len(s.calls)-1].Op != vimbiso.CallLogin {
		t.Errorf("last call = %s, want login to refresh the dashboard", s.calls[len(s.calls)-1].Op)
	}
	if got := s.conv.Snapshot().ActiveAccountID; got != "acct-traders" {
		t.Errorf("active account = %q, want acct-traders kept", got)
	}
}

// Just after midnight in Harare it is still the previous day in UTC: the
// start date is the local one.
func TestUpgradeStartDateIsLocal(t *testing.T) {
	s := newSession(t, "263770000001", newMembersFake())
	s.now = time.Date(2026, 12, 5, 0, 30, 0, 0, harare)
	s.do("hi")
	s.do("tap acct_acct-alice")
	s.do("tap upgrade_tier")
	s.do("tap upgrade_confirm")
	if got := s.calls[len(s.calls)-2].StartDate; got != "2026-12-05" {
		t.Errorf("start date = %q, want 2026-12-05", got)
	}
}

func TestUpgradeFailures(t *testing.T) {
	t.Run("upgrade_no_secured_usd", func(t *testing.T) {
		s := newSession(t, membersPhoneBob, newMembersFake())
		s.run("upgrade_no_secured_usd", "hi", "tap upgrade_tier", "tap upgrade_confirm")
		s.wantState(StateDashboard)
	})
	t.Run("upgrade_unavailable", func(t *testing.T) {
		fake := newMembersFake()
		fake.fail[vimbiso.CallCreateRecurring] = vimbiso.Result{Outcome: vimbiso.OutcomeUnavailable}
		s := newSession(t, "263770000001", fake)
		s.run("upgrade_unavailable", "hi", "tap acct_acct-alice", "tap upgrade_tier", "tap upgrade_confirm")
		s.wantState(StateDashboard)
		if n := s.countCalls(vimbiso.CallLogin); n != 2 {
			t.Errorf("login calls = %d, want 2: the dashboard is fetched again after no answer", n)
		}
	})
	t.Run("upgrade_rate_limited", func(t *testing.T) {
		fake := newMembersFake()
		fake.fail[vimbiso.CallCreateRecurring] = vimbiso.Result{Outcome: vimbiso.OutcomeRateLimited, Status: 429}
		s := newSession(t, "263770000001", fake)
		s.run("upgrade_rate_limited", "hi", "tap acct_acct-alice", "tap upgrade_tier", "tap upgrade_confirm", "tap upgrade_confirm")
		s.wantState(StateDashboard)
		if n := s.countCalls(vimbiso.CallCreateRecurring); n != 2 {
			t.Errorf("createRecurring calls = %d, want 2: a 429 leaves the button usable", n)
		}
	})
}

func TestUpgradeNotNeeded(t *testing.T) {
	s := carolOnWorks(t, newMembersFake())
	s.run("upgrade_not_needed", "tap upgrade_tier")
	s.wantState(StateDashboard)
}

func TestUpgradeLateConfirm(t *testing.T) {
	s := newSession(t, "263770000001", newMembersFake())
	s.do("hi")
	s.do("tap acct_acct-alice")
	s.do("tap upgrade_tier")
	sent := s.now.Add(-6 * time.Minute)
	s.input("tap upgrade_confirm (sent 6 minutes ago)", vimbiso.Input{Kind: vimbiso.InputChoice, ChoiceID: choiceUpgradeConfirm,
		ContextID: s.lastID, SentAt: sent, ReceivedAt: sent})
	s.golden("upgrade_late")
	s.wantState(StateUpgradeConfirm)
	if n := s.countCalls(vimbiso.CallCreateRecurring); n != 0 {
		t.Errorf("createRecurring calls = %d, want 0 for a late confirmation", n)
	}
}
