package fsm

import (
	"testing"

	vimbiso "github.com/vimbisopay/vimbiso"
)

func TestRegistrationNewMember(t *testing.T) {
	s := newSession(t, "263770000003", newFakeCredEx())
	s.run("registration_new_member",
		"hi",
		"tap reg_start",
		"Jo",
		"Joan",
		"Sample",
		"tap reg_confirm",
	)
	s.wantState(StateDashboard)
	if n := s.countCalls(vimbiso.CallOnboard); n != 1 {
		t.Errorf("onboardMember calls = %d, want 1", n)
	}
	if got := s.conv.Snapshot().ActiveAccountID; got != "acct-263770000003" {
		t.Errorf("active account = %q, want the new personal account", got)
	}
}

func TestRegistrationEditsAndErrors(t *testing.T) {
	fake := newFakeCredEx()
	fake.fail[vimbiso.CallOnboard] = vimbiso.Result{Outcome: vimbiso.OutcomeUnavailable, Status: 502}
	s := newSession(t, "263770000003", fake)
	s.run("registration_edits_and_errors",
		"hello there",
		"tap reg_about",
		"what?",
		"tap reg_start",
		"ok",
		"J0an",
		"Joan",
		"image",
		"Sample",
		"maybe",
		"tap reg_edit",
		"Joanna",
		"Sample-Smith",
		"tap reg_confirm",
		"tap reg_confirm",
	)
	s.wantState(StateDashboard)
	if n := s.countCalls(vimbiso.CallOnboard); n != 2 {
		t.Errorf("onboardMember calls = %d, want 2 (one failed, one repeated by a tap)", n)
	}
}

func TestRegistrationRejectedByCredEx(t *testing.T) {
	fake := newFakeCredEx()
	fake.fail[vimbiso.CallOnboard] = vimbiso.Result{Outcome: vimbiso.OutcomeInvalid, Status: 400, Reason: "Invalid name: must be between 3 and 50 characters long"}
	s := newSession(t, "263770000003", fake)
	s.run("registration_rejected",
		"hi", "tap reg_start", "Joan", "Sample", "tap reg_confirm",
	)
	s.wantState(StateRegFirst)
}

func TestRegistrationExistingMember(t *testing.T) {
	fake := newFakeCredEx()
	s := newSession(t, "263770000001", fake)
	// Alice is a member, but this conversation reached the confirmation
	// screen anyway (a session from before her account existed).
	s.conv.state = StateRegConfirm
	s.conv.snap.State = string(StateRegConfirm)
	s.conv.snap.LastInputAt = start
	s.conv.snap.Flow = vimbiso.FlowData{FirstName: "Alice", LastName: "Example"}
	s.conv.snap.LastInteractiveID = "wamid.OLD"
	s.conv.snap.LastChoices = []string{choiceRegConfirm, choiceRegEdit}
	s.run("registration_existing_member", "old reg_confirm wamid.OLD", "tap acct_acct-alice")
	s.wantState(StateDashboard)
}

func TestRegistrationCancel(t *testing.T) {
	s := newSession(t, "263770000003", newFakeCredEx())
	s.run("registration_cancel", "hi", "tap reg_start", "Joan", "5=>263770000002", "cancel", "Sample")
	if n := s.countCalls(vimbiso.CallOnboard); n != 0 {
		t.Errorf("onboardMember calls = %d, want 0", n)
	}
}

func TestRegistrationGreetingIsNotAName(t *testing.T) {
	s := newSession(t, "263770000003", newFakeCredEx())
	s.run("registration_greeting_not_name", "hi", "tap reg_start", "Hello!", "help")
	s.wantState(StateRegWelcome)
}

func TestRegistrationOldConfirmAfterEdit(t *testing.T) {
	s := newSession(t, "263770000003", newFakeCredEx())
	s.do("hi")
	s.do("tap reg_start")
	s.do("Joan")
	s.do("Sample")
	confirm := s.lastID
	s.do("tap reg_edit")
	s.run("registration_old_confirm", "old reg_confirm "+confirm)
	if n := s.countCalls(vimbiso.CallOnboard); n != 0 {
		t.Errorf("onboardMember calls = %d, want 0: the confirmation screen was left", n)
	}
	s.wantState(StateRegFirst)
}
