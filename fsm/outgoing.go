package fsm

import (
	"fmt"
	"strings"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// The outgoing offers flow: the member's offers not yet accepted, and one
// offer's screen. Cancelling is the cancel_ choice (offer_choices.go).
const (
	StateOutgoingList   State = "out_list"
	StateOutgoingDetail State = "out_detail"

	EventOutgoingRequested   Event = "outgoing_requested"
	EventOutgoingOfferPicked Event = "outgoing_offer_picked"
)

const (
	outgoingChoicePrefix = "out_"
	choiceBackToOutgoing = "back_out"
	outgoingRowsShown    = 9
)

func outgoingFlow() flow {
	return flow{
		name: "outgoing",
		transitions: []Transition{
			{EventOutgoingRequested, nil, StateOutgoingList},
			{EventOutgoingOfferPicked, nil, StateOutgoingDetail},
		},
		screens: map[State]screen{
			StateOutgoingList:   {enter: enterOutgoingList, input: inputOutgoingList, result: resultOutgoingList, buttons: true},
			StateOutgoingDetail: {enter: enterOutgoingDetail, input: inputOutgoingDetail, buttons: true},
		},
	}
}

// startOutgoing opens the outgoing list from the menu.
func startOutgoing(t *turn) Event { return showOutgoing(t) }

// showOutgoing moves to the outgoing list, or to the dashboard when the
// active account has no outgoing offers. An outdated dashboard is
// refreshed by the list itself, which then decides.
func showOutgoing(t *turn) Event {
	if dashboardOutdated(t) {
		return EventOutgoingRequested
	}
	account, ok := t.activeAccount()
	if !ok {
		return EventAccountSwitchRequested
	}
	if len(account.PendingOut) == 0 {
		return leaveEmptyList(t, msgNoOutgoing)
	}
	return EventOutgoingRequested
}

func enterOutgoingList(t *turn) {
	if t.refreshIfOld() {
		return
	}
	account, _ := t.activeAccount()
	offers := account.PendingOut

	var b strings.Builder
	b.WriteString(msgOutgoingTitle(len(offers)))
	b.WriteString("\n")
	rows := make([]vimbiso.Row, 0, outgoingRowsShown+1)
	for i, o := range offers[:min(len(offers), outgoingRowsShown)] {
		fmt.Fprintf(&b, "\n%d. %s to %s%s", i+1, offerAmount(o), offerCounterparty(o), offerTerms(o))
		// The offer's screen needs cancel_<id>, longer than out_<id>, to fit too.
		if choiceFits(cancelChoicePrefix + o.CredexID) {
			rows = append(rows, vimbiso.Row{ID: outgoingChoicePrefix + o.CredexID, Title: offerAmount(o), Description: "to " + offerCounterparty(o) + offerTerms(o)})
		}
	}
	if len(offers) > outgoingRowsShown {
		b.WriteString("\n\n" + msgShowingOf(outgoingRowsShown, len(offers)))
	}
	rows = append(rows, vimbiso.Row{ID: choiceHome, Title: titleDashboard, Description: descDashboard})

	body := withBanner(t, b.String())
	t.interactive(vimbiso.List(body, msgPendingListButton, rows...), body)
}

func inputOutgoingList(t *turn, in vimbiso.Input) Event {
	if in.Kind == vimbiso.InputChoice {
		if credexID, ok := strings.CutPrefix(in.ChoiceID, outgoingChoicePrefix); ok {
			return pickOutgoingOffer(t, credexID)
		}
	}
	t.text(msgUnknownInList(msgPendingListButton))
	return ""
}

// pickOutgoingOffer opens one offer of the list, unless the dashboard no
// longer lists it.
func pickOutgoingOffer(t *turn, credexID string) Event {
	account, _ := t.activeAccount()
	if _, ok := findPendingOffer(account.PendingOut, credexID); !ok {
		t.c.dashStale = true
		t.setBanner(msgOfferGone)
		return showOutgoing(t)
	}
	t.flow().CredexID = credexID
	return EventOutgoingOfferPicked
}

// resultOutgoingList takes the refreshed dashboard the list requested and
// leaves for the dashboard when no offer is left.
func resultOutgoingList(t *turn, r *vimbiso.Result) Event {
	if r.Op != vimbiso.CallLogin {
		return ""
	}
	if r.OK() && r.Dashboard != nil {
		t.setDashboard(r.Dashboard)
		if account, ok := t.activeAccount(); ok && len(account.PendingOut) == 0 {
			return leaveEmptyList(t, msgNoOutgoing)
		}
	}
	return refreshed(t, r)
}

func enterOutgoingDetail(t *turn) {
	credexID := t.flow().CredexID
	account, _ := t.activeAccount()
	offer, ok := findPendingOffer(account.PendingOut, credexID)
	if !ok {
		body := withBanner(t, msgOfferGone)
		t.send(vimbiso.Buttons(body,
			vimbiso.Button{ID: choiceBackToOutgoing, Title: titleBack},
			vimbiso.Button{ID: choiceHome, Title: titleDashboard},
		))
		return
	}

	body := withBanner(t, outgoingDetailBody(offer, account, len(t.c.dash.Accounts) > 1))
	t.interactive(vimbiso.Buttons(body,
		vimbiso.Button{ID: cancelChoicePrefix + credexID, Title: titleCancel},
		vimbiso.Button{ID: choiceBackToOutgoing, Title: titleBack},
	), body)
}

// outgoingDetailBody describes one outgoing offer. The issuing account is
// named only when the member has more than one.
func outgoingDetailBody(o vimbiso.PendingOffer, a vimbiso.Account, nameAccount bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*📤 %s %s*", offerAmount(o), offerKind(o))
	if nameAccount {
		fmt.Fprintf(&b, "\nFrom: %s", a.Name)
	}
	fmt.Fprintf(&b, "\nTo: %s", offerCounterparty(o))
	if offerUnsecured(o) {
		fmt.Fprintf(&b, "\nDue: %s", o.DueDate)
	}
	b.WriteString("\n\nIt waits for them to accept. *Cancel offer* withdraws it.")
	return b.String()
}

func inputOutgoingDetail(t *turn, in vimbiso.Input) Event {
	if in.Kind == vimbiso.InputChoice && in.ChoiceID == choiceBackToOutgoing {
		return showOutgoing(t)
	}
	t.text(msgUnknownButtons)
	return ""
}
