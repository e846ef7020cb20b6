package fsm

import (
	"strings"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// The offer alerts flow: which of the people on an owned account CredEx
// notifies of offers to it (the account's sendOffersTo).
const (
	StateOfferRecipientList State = "rcpt_list"

	EventOfferRecipientRequested Event = "offer_recipient_requested"
)

const (
	recipientChoicePrefix = "recipient_"
	recipientIcon         = "🛎️ "
	recipientNowMark      = " (now)"
)

func recipientFlow() flow {
	return flow{
		name: "offer_recipient",
		transitions: []Transition{
			{EventOfferRecipientRequested, nil, StateOfferRecipientList},
		},
		screens: map[State]screen{
			StateOfferRecipientList: {enter: enterRecipientList, input: inputRecipientList, result: resultRecipientList},
		},
	}
}

// startRecipient opens RCPT_LIST. The row is a global choice, so an old
// dashboard's row can arrive for an account that no longer qualifies.
func startRecipient(t *turn) Event {
	account, ok := t.activeAccount()
	if !ok {
		return t.showDashboard("")
	}
	if !account.Owned || len(account.AuthFor) < 2 {
		return t.showDashboard(msgRecipientNotOffered)
	}
	return EventOfferRecipientRequested
}

// enterRecipientList lists the people on the active account, refreshing a
// dashboard older than dashboardMaxAge first so that nobody removed is
// offered.
func enterRecipientList(t *turn) {
	if t.refreshIfOld() {
		return
	}
	account, _ := t.activeAccount()
	current := currentRecipient(account, t.c.dash.Member)
	body := withBanner(t, msgRecipientQuestion(account.Name, personFullName(current)))
	list := vimbiso.List(body, "Choose person", recipientRows(account, current.MemberID)...)
	t.interactive(list, body)
}

// currentRecipient is the account's sendOffersTo, or its owner when CredEx
// names nobody, because CredEx then notifies the owner.
func currentRecipient(a vimbiso.Account, owner vimbiso.Member) vimbiso.PersonName {
	if a.SendOffersTo != nil && a.SendOffersTo.MemberID != "" {
		return *a.SendOffersTo
	}
	return vimbiso.PersonName{MemberID: owner.MemberID, FirstName: owner.FirstName, LastName: owner.LastName}
}

func recipientRows(a vimbiso.Account, currentID string) []vimbiso.Row {
	rows := make([]vimbiso.Row, 0, len(a.AuthFor)+1)
	for _, p := range a.AuthFor {
		if len(rows) >= vimbiso.MaxListRows-1 {
			break
		}
		row := vimbiso.Row{ID: recipientChoicePrefix + p.MemberID, Title: recipientIcon + personShortName(p), Description: "Send offer alerts to " + personFullName(p)}
		if p.MemberID == currentID {
			// Cut the name, not the marker, when the title is too long.
			room := vimbiso.MaxRowTitle - vimbiso.Length(recipientIcon) - vimbiso.Length(recipientNowMark)
			row.Title = recipientIcon + vimbiso.Truncate(personShortName(p), room) + recipientNowMark
			row.Description = "Gets the offer alerts now"
		}
		rows = append(rows, row)
	}
	return append(rows, memberAreaHomeRow())
}

func inputRecipientList(t *turn, in vimbiso.Input) Event {
	id, ok := strings.CutPrefix(in.ChoiceID, recipientChoicePrefix)
	if in.Kind != vimbiso.InputChoice || !ok {
		t.text(msgRecipientUnknownList)
		return ""
	}
	account, _ := t.activeAccount()
	p, found := findAuthorized(account.AuthFor, id)
	if !found {
		t.text(msgRecipientUnknownList)
		return ""
	}
	if t.tooOld() {
		t.c.repeatWith(t, msgLate)
		return ""
	}
	if p.MemberID == currentRecipient(account, t.c.dash.Member).MemberID {
		return t.showDashboard(msgRecipientUnchanged(account.Name, personFullName(p)))
	}
	t.flow().MemberID, t.flow().MemberName = p.MemberID, personFullName(p)
	callAccountChange(t, vimbiso.Call{Op: vimbiso.CallSendOffersTo, AccountID: account.AccountID, MemberID: p.MemberID})
	return ""
}

// resultRecipientList shows the outcome on the dashboard, fetched again
// when the change happened or may have happened (no response).
func resultRecipientList(t *turn, r *vimbiso.Result) Event {
	if r.Op == vimbiso.CallLogin {
		return refreshed(t, r)
	}
	t.c.snap.Intent = nil
	if r.OK() {
		t.c.dashStale = true
		account, _ := t.activeAccount()
		return t.showDashboard(msgRecipientChanged(account.Name, t.flow().MemberName))
	}
	if r.Outcome == vimbiso.OutcomeUnavailable {
		t.c.dashStale = true
	}
	return t.showDashboard(accountChangeFailure(r))
}
