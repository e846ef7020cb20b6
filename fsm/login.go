package fsm

import (
	"time"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// The LOGIN flow: no screen of its own. It fetches the member's token and
// dashboard, picks the active account, and moves on to the dashboard, the
// account picker or registration.
const (
	StateNoSession State = "no_session"
	StateLogin     State = "login"

	EventLoginStarted        Event = "login_started"
	EventMemberFound         Event = "member_found"
	EventAccountChoiceNeeded Event = "account_choice_needed"
	EventMemberUnknown       Event = "member_unknown"
	EventSessionEnded        Event = "session_ended"
)

// What LOGIN does once the member is known (FlowData.After).
const (
	afterGreet   = "greet"   // dashboard with the greeting line
	afterMenu    = "menu"    // dashboard
	afterQuick   = "quick"   // run the quick command in AfterArg
	afterOffer   = "offer"   // show the offer of the accept_/decline_ id in AfterArg
	afterOnboard = "onboard" // registration found an existing member
)

func loginFlow() flow {
	return flow{
		name: "login",
		transitions: []Transition{
			{EventLoginStarted, nil, StateLogin},
			// The dashboard and the picker log in again themselves when
			// their data is missing or out of date.
			{EventMemberFound, []State{StateLogin, StateDashboard, StateAccountPick}, StateDashboard},
			{EventAccountChoiceNeeded, []State{StateLogin, StateDashboard, StateAccountPick}, StateAccountPick},
			{EventMemberUnknown, []State{StateLogin, StateDashboard, StateAccountPick}, StateRegWelcome},
			{EventSessionEnded, nil, StateNoSession},
		},
		screens: map[State]screen{
			StateNoSession: {
				enter: func(t *turn) { t.flushBanner() },
				input: func(t *turn, in vimbiso.Input) Event { return t.login(afterMenu, "") },
			},
			StateLogin: {
				enter: func(t *turn) {
					t.call(vimbiso.Call{Op: vimbiso.CallLogin, Phone: t.c.phone})
				},
				// Only reached when a turn stopped while LOGIN waited: start again.
				input:  func(t *turn, in vimbiso.Input) Event { return t.login(afterMenu, "") },
				result: loginResult,
			},
		},
	}
}

func loginResult(t *turn, r *vimbiso.Result) Event {
	switch r.Outcome {
	case vimbiso.OutcomeOK:
		if r.Dashboard == nil || len(r.Dashboard.Accounts) == 0 {
			return loginFailed(t, msgService)
		}
		t.setDashboard(r.Dashboard)
		return afterLogin(t)
	case vimbiso.OutcomeNotFound:
		if t.flow().After == afterQuick {
			t.setBanner(msgRegisterFirst)
		}
		return EventMemberUnknown
	case vimbiso.OutcomeInvalid:
		t.dropFlow()
		t.flushBanner()
		t.text(msgPhoneRejected(t.c.cfg.SupportContact))
		t.c.snap.LastInputAt = time.Time{}
		return EventSessionEnded
	case vimbiso.OutcomeRateLimited:
		return loginFailed(t, msgRateLimited)
	default:
		return loginFailed(t, msgService)
	}
}

// loginFailed reports a failed LOGIN. With a dashboard from earlier in the
// session the member stays on it; without one the session ends.
func loginFailed(t *turn, msg string) Event {
	if t.c.dash != nil && !t.c.dashStale {
		t.dropFlow()
		t.setBanner(msg)
		return EventDashboardShown
	}
	t.dropFlow()
	t.flushBanner()
	t.text(msg)
	t.c.snap.LastInputAt = time.Time{}
	return EventSessionEnded
}

// afterLogin picks the active account and does what the login was for.
func afterLogin(t *turn) Event {
	f := t.flow()
	after, arg := f.After, f.AfterArg
	f.After, f.AfterArg = "", ""

	if after == afterQuick {
		// A quick command needs an account at once: never the picker.
		if !t.keepActiveAccount() {
			personal, _ := t.c.dash.PersonalAccount()
			t.c.snap.ActiveAccountID = personal.AccountID
		}
		return t.c.quickCommand(t, arg)
	}

	switch after {
	case afterGreet:
		t.setBanner(greeting(t.now.In(t.c.cfg.Location), t.c.dash.Member.FirstName))
	case afterOnboard:
		t.setBanner(msgAlreadyMember)
	}
	if after == afterOffer {
		// A notification's button names its offer, and offerAfterLogin
		// moves to the account that holds it: never the picker.
		if !t.chooseAccount() {
			personal, _ := t.c.dash.PersonalAccount()
			t.c.snap.ActiveAccountID = personal.AccountID
		}
		return t.c.offerAfterLogin(t, arg)
	}
	if !t.chooseAccount() {
		return EventAccountChoiceNeeded
	}
	return EventMemberFound
}

// keepActiveAccount keeps the remembered active account if the member
// still has it.
func (t *turn) keepActiveAccount() bool {
	if _, ok := t.activeAccount(); ok {
		return true
	}
	t.c.snap.ActiveAccountID = ""
	return false
}

// chooseAccount applies LOGIN's rules: keep the remembered account, else
// take the only one. It reports false when the member must pick.
func (t *turn) chooseAccount() bool {
	if t.keepActiveAccount() {
		return true
	}
	if accounts := t.c.dash.Accounts; len(accounts) == 1 {
		t.c.snap.ActiveAccountID = accounts[0].AccountID
		return true
	}
	return false
}
