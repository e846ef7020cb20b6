package fsm

import (
	"time"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// The unsecured offer flow: a promise to pay by a due date. It has the
// secured flow's amount, handle and confirmation steps, without the
// balance and daily-limit checks, plus a due date step. CredEx refuses
// unsecured credex from tier 1 members.
const (
	StateUnsecuredOfferAmount  State = "ou_amount"
	StateUnsecuredOfferHandle  State = "ou_handle"
	StateUnsecuredOfferDueDate State = "ou_due"
	StateUnsecuredOfferConfirm State = "ou_confirm"

	EventUnsecuredOfferStarted Event = "unsecured_offer_started"
	EventDueDateChosen         Event = "due_date_chosen"
)

const (
	choiceDueDefault = "due_default"

	// minUnsecuredTier is the lowest member tier that may promise to pay.
	minUnsecuredTier = 2
)

func unsecuredOfferFlow() flow {
	return flow{
		name: "offer_unsecured",
		transitions: []Transition{
			{EventUnsecuredOfferStarted, nil, StateUnsecuredOfferAmount},
			{EventAmountReceived, []State{StateUnsecuredOfferAmount}, StateUnsecuredOfferHandle},
			{EventReceiverFound, []State{StateUnsecuredOfferHandle}, StateUnsecuredOfferDueDate},
			{EventDueDateChosen, []State{StateUnsecuredOfferDueDate}, StateUnsecuredOfferConfirm},
			{EventQuickUnsecuredOfferReceived, nil, StateUnsecuredOfferConfirm},
		},
		screens: map[State]screen{
			StateUnsecuredOfferAmount: {
				enter: enterOfferAmount(false), input: inputOfferAmount(false), prompt: true,
			},
			StateUnsecuredOfferHandle: {
				enter: enterOfferHandle, input: inputOfferHandle,
				result: resultOfferHandle, prompt: true,
			},
			StateUnsecuredOfferDueDate: {
				enter: enterOfferDueDate, input: inputOfferDueDate, buttons: true,
			},
			StateUnsecuredOfferConfirm: {
				enter: enterOfferConfirm(false), input: inputOfferConfirm(false),
				result: resultOfferConfirm, buttons: true,
			},
		},
	}
}

// startUnsecuredOffer starts the flow from the menu row. Only tier 2 and
// up see the row, but an older menu may still show it to a tier 1 member.
func startUnsecuredOffer(t *turn) Event {
	if t.c.dash == nil || t.c.dash.Member.Tier < minUnsecuredTier {
		return t.showDashboard(msgTierUnsecured)
	}
	t.flow().Secured = false
	return EventUnsecuredOfferStarted
}

// enterOfferDueDate prompts for the due date and proposes the default one.
// The proposal is kept in the flow so that the button means the date it
// showed, even if the member taps it after midnight.
func enterOfferDueDate(t *turn) {
	w := dueWindowAt(t.now, t.c.cfg.Location)
	proposed := w.def.Format(dateLayout)
	t.flow().DueDate = proposed

	body := withBanner(t, msgAskDueDate(w.min.Format(dateLayout), w.max.Format(dateLayout)))
	t.interactive(vimbiso.Buttons(body, vimbiso.Button{ID: choiceDueDefault, Title: "Use " + proposed}), body)
}

// inputOfferDueDate takes the proposed date or a typed one.
func inputOfferDueDate(t *turn, in vimbiso.Input) Event {
	w := dueWindowAt(t.now, t.c.cfg.Location)
	f := t.flow()
	switch in.Kind {
	case vimbiso.InputChoice:
		if in.ChoiceID != choiceDueDefault {
			break
		}
		if d, err := time.Parse(dateLayout, f.DueDate); err != nil || !w.contains(d) {
			t.setBanner(msgDateRange(w.min.Format(dateLayout), w.max.Format(dateLayout)))
			t.repeat()
			return ""
		}
		return EventDueDateChosen
	case vimbiso.InputText:
		date, rej := parseDueDate(in.Text, w)
		if rej != nil {
			t.text(rej.msg)
			return ""
		}
		f.DueDate = date
		return EventDueDateChosen
	}
	t.text(msgDateFormat(w.def.Format(dateLayout)))
	return ""
}
