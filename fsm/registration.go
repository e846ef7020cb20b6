package fsm

import (
	vimbiso "github.com/vimbisopay/vimbiso"
)

// The registration flow: welcome, first name, last name, confirmation,
// then onboardMember. Creating a member cannot be undone from the chat,
// hence the confirmation screen.
const (
	StateRegWelcome State = "reg_welcome"
	StateRegFirst   State = "reg_first"
	StateRegLast    State = "reg_last"
	StateRegConfirm State = "reg_confirm"

	EventRegistrationStarted Event = "registration_started"
	EventFirstNameReceived   Event = "first_name_received"
	EventLastNameReceived    Event = "last_name_received"
	EventNamesFormReceived   Event = "names_form_received"
	EventNamesRejected       Event = "names_rejected"
	EventNamesEditRequested  Event = "names_edit_requested"
	EventMemberOnboarded     Event = "member_onboarded"
)

const (
	choiceRegStart   = "reg_start"
	choiceRegAbout   = "reg_about"
	choiceRegConfirm = "reg_confirm"
	choiceRegEdit    = "reg_edit"
)

func registrationFlow() flow {
	return flow{
		name: "registration",
		transitions: []Transition{
			{EventRegistrationStarted, []State{StateRegWelcome}, StateRegFirst},
			{EventFirstNameReceived, []State{StateRegFirst}, StateRegLast},
			{EventLastNameReceived, []State{StateRegLast}, StateRegConfirm},
			{EventNamesFormReceived, []State{StateRegWelcome}, StateRegConfirm},
			{EventNamesRejected, []State{StateRegWelcome, StateRegConfirm}, StateRegFirst},
			{EventNamesEditRequested, []State{StateRegConfirm}, StateRegFirst},
			{EventMemberOnboarded, []State{StateRegConfirm}, StateDashboard},
		},
		screens: map[State]screen{
			StateRegWelcome: {enter: enterRegWelcome, input: inputRegWelcome, buttons: true},
			StateRegFirst:   {enter: enterRegFirst, input: inputRegFirst, prompt: true},
			StateRegLast:    {enter: enterRegLast, input: inputRegLast, prompt: true},
			StateRegConfirm: {enter: enterRegConfirm, input: inputRegConfirm, result: resultRegConfirm, buttons: true},
		},
	}
}

func inRegistration(s State) bool {
	switch s {
	case StateRegWelcome, StateRegFirst, StateRegLast, StateRegConfirm:
		return true
	}
	return false
}

// TODO: send the WhatsApp Flow message instead of buttons when
// RegistrationFlowID is set; its completed form is already accepted here.
func enterRegWelcome(t *turn) {
	t.flushBanner()
	t.send(vimbiso.Buttons(msgWelcome(t.c.cfg.TermsURL),
		vimbiso.Button{ID: choiceRegStart, Title: "Become a member"},
		vimbiso.Button{ID: choiceRegAbout, Title: "What is credex?"},
	))
}

func inputRegWelcome(t *turn, in vimbiso.Input) Event {
	switch {
	case in.Kind == vimbiso.InputChoice && in.ChoiceID == choiceRegStart:
		return EventRegistrationStarted
	case in.Kind == vimbiso.InputChoice && in.ChoiceID == choiceRegAbout:
		// The welcome buttons follow, so the member need not scroll up.
		t.text(msgAbout)
		t.repeat()
		return ""
	case in.Kind == vimbiso.InputForm:
		return namesFromForm(t, in.Form)
	}
	t.text(msgWelcomeTapButton)
	t.repeat()
	return ""
}

// namesFromForm takes the names of a completed registration Flow.
func namesFromForm(t *turn, form map[string]string) Event {
	first := firstNonEmpty(form["firstName"], form["firstname"])
	last := firstNonEmpty(form["lastName"], form["lastname"])
	first, okFirst := cleanName(first)
	last, okLast := cleanName(last)
	if !okFirst || !okLast {
		t.text(msgName)
		return EventNamesRejected
	}
	f := t.flow()
	f.FirstName, f.LastName = first, last
	return EventNamesFormReceived
}

func enterRegFirst(t *turn) { t.text(withBanner(t, msgAskFirstName)) }
func enterRegLast(t *turn)  { t.text(withBanner(t, msgAskLastName)) }

func inputRegFirst(t *turn, in vimbiso.Input) Event {
	name, ok := nameFromInput(t, in)
	if !ok {
		return ""
	}
	t.flow().FirstName = name
	return EventFirstNameReceived
}

func inputRegLast(t *turn, in vimbiso.Input) Event {
	name, ok := nameFromInput(t, in)
	if !ok {
		return ""
	}
	t.flow().LastName = name
	return EventLastNameReceived
}

// nameFromInput applies the NAME rule to a text input, answering E_NAME
// when it fails.
func nameFromInput(t *turn, in vimbiso.Input) (string, bool) {
	if in.Kind != vimbiso.InputText {
		t.text(msgName)
		return "", false
	}
	name, ok := cleanName(in.Text)
	if !ok {
		t.text(msgName)
		return "", false
	}
	return name, true
}

func enterRegConfirm(t *turn) {
	f := t.flow()
	t.send(vimbiso.Buttons(withBanner(t, msgConfirmNames(f.FirstName, f.LastName)),
		vimbiso.Button{ID: choiceRegConfirm, Title: "✅ Create account"},
		vimbiso.Button{ID: choiceRegEdit, Title: "✏️ Change names"},
	))
}

func inputRegConfirm(t *turn, in vimbiso.Input) Event {
	if in.Kind == vimbiso.InputChoice {
		switch in.ChoiceID {
		case choiceRegEdit:
			return EventNamesEditRequested
		case choiceRegConfirm:
			f := t.flow()
			t.call(vimbiso.Call{Op: vimbiso.CallOnboard, Phone: t.c.phone, FirstName: f.FirstName, LastName: f.LastName})
			return ""
		}
	}
	t.setBanner(msgUseButtons)
	t.repeat()
	return ""
}

func resultRegConfirm(t *turn, r *vimbiso.Result) Event {
	f := t.flow()
	switch r.Outcome {
	case vimbiso.OutcomeOK:
		t.text(msgRegDone(f.FirstName, t.c.phone))
		t.dropFlow()
		if r.Dashboard == nil {
			return t.login(afterMenu, "")
		}
		t.setDashboard(r.Dashboard)
		personal, _ := r.Dashboard.PersonalAccount()
		t.c.snap.ActiveAccountID = personal.AccountID
		return EventMemberOnboarded
	case vimbiso.OutcomeInvalid:
		t.text(msgReason(r.Reason))
		return EventNamesRejected
	case vimbiso.OutcomeConflict:
		t.dropFlow()
		return t.login(afterOnboard, "")
	case vimbiso.OutcomeRateLimited:
		t.text(msgRateLimited)
		return ""
	default:
		t.text(msgService)
		return ""
	}
}

// withBanner puts a pending result line above body.
func withBanner(t *turn, body string) string {
	if b := t.takeBanner(); b != "" {
		return b + "\n\n" + body
	}
	return body
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
