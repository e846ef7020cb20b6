package fsm

import (
	"strings"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// The accept_, decline_ and cancel_ choices. They work from any state of a
// live session, from an offer's own screen or from a notification, and
// act only on an offer that the refreshed dashboard still lists as
// pending. While CredEx carries one out, the conversation waits in
// StateOfferChoice, which has no screen of its own.
const (
	StateOfferChoice State = "offer_choice"

	EventOfferChoiceMade Event = "offer_choice_made"
)

const (
	acceptChoicePrefix  = "accept_"
	declineChoicePrefix = "decline_"
	cancelChoicePrefix  = "cancel_"
)

// offerChoiceScreen is StateOfferChoice. It is part of the incoming flow's
// table because cancel_ shares its path with accept_ and decline_.
func offerChoiceScreen() screen {
	return screen{
		// The choice that led here already asked for its CredEx call.
		enter:  func(t *turn) {},
		input:  inputOfferChoice,
		result: resultOfferChoice,
	}
}

// offerChoice handles an accept_, decline_ or cancel_ id in a live session.
// It refreshes a dashboard older than dashboardMaxAge first, so that the
// offer is checked against CredEx's current pending lists.
func (c *Conversation) offerChoice(t *turn, id string) Event {
	if id == choiceAcceptAllConfirm {
		return c.acceptAllChoice(t)
	}
	if t.tooOld() {
		c.repeatWith(t, msgLate)
		return ""
	}
	t.dropFlow()
	if dashboardOutdated(t) {
		t.flow().AfterArg = id
		t.call(vimbiso.Call{Op: vimbiso.CallLogin, Phone: c.phone})
		return EventOfferChoiceMade
	}
	return actOnOfferChoice(t, id)
}

// acceptAllChoice handles accept_all_confirm, which the global checks take
// for an accept_ id of a notification. It is a button of one screen only,
// so it counts, like any other button, only as a tap on the last message
// when that message is the confirmation of "accept all".
func (c *Conversation) acceptAllChoice(t *turn) Event {
	if c.State() != StateIncomingAllConfirm || !c.tapCounts(t.in) {
		c.repeatWith(t, msgStaleChoice)
		return ""
	}
	return inputAcceptAll(t, t.in)
}

// offerAfterLogin shows the offer that a notification button named, once
// LOGIN found the member after the session had ended. Nothing is accepted
// or declined by that tap: an old button must not act on a new session,
// so the member sees the offer and taps again.
func (c *Conversation) offerAfterLogin(t *turn, id string) Event {
	if id == choiceAcceptAllConfirm {
		// An old confirmation, not a notification button.
		t.setBanner(msgSessionExpired)
		return EventMemberFound
	}
	op, credexID := parseOfferChoice(id)
	outgoing := op == vimbiso.CallCancelCredex
	accountID, _, found := locatePendingOffer(t.c.dash, t.c.snap.ActiveAccountID, credexID, outgoing)
	if !found {
		t.setBanner(msgOfferGone)
		return EventMemberFound
	}
	if !switchToOfferAccount(t, accountID) {
		t.setBanner(msgOfferTapAgain)
	}
	t.flow().CredexID = credexID
	return offerDetailEvent(outgoing)
}

// actOnOfferChoice carries out a choice against a fresh dashboard: it requests
// CredEx to accept, decline or cancel an offer of the active account, or
// explains why it does not.
func actOnOfferChoice(t *turn, id string) Event {
	op, credexID := parseOfferChoice(id)
	outgoing := op == vimbiso.CallCancelCredex
	accountID, _, found := locatePendingOffer(t.c.dash, t.c.snap.ActiveAccountID, credexID, outgoing)
	if !found {
		t.setBanner(msgOfferGone)
		return showPendingList(t, outgoing)
	}
	t.flow().CredexID = credexID
	if switchToOfferAccount(t, accountID) {
		// The member tapped with another account in view: show the offer
		// under its own account rather than act on it unseen.
		return offerDetailEvent(outgoing)
	}
	callOfferMutation(t, vimbiso.Call{Op: op, CredexID: credexID})
	return EventOfferChoiceMade
}

// switchToOfferAccount makes accountID the active account when it is not,
// with a banner that explains the switch, and reports whether it switched.
func switchToOfferAccount(t *turn, accountID string) bool {
	if accountID == t.c.snap.ActiveAccountID {
		return false
	}
	t.c.snap.ActiveAccountID = accountID
	account, _ := t.activeAccount()
	t.setBanner(msgOfferOtherAccount(account.Name))
	return true
}

func resultOfferChoice(t *turn, r *vimbiso.Result) Event {
	if r.Op == vimbiso.CallLogin {
		return offerChoiceRefreshed(t, r)
	}
	t.c.snap.Intent = nil

	outgoing := r.Op == vimbiso.CallCancelCredex
	credexID := t.flow().CredexID
	// Read the offer before an answer's dashboard replaces the one that
	// still lists it.
	_, offer, _ := locatePendingOffer(t.c.dash, t.c.snap.ActiveAccountID, credexID, outgoing)

	switch {
	case r.OK():
		useAnswerDashboard(t, r)
		t.setBanner(msgOfferDone(r.Op, offer))
		return showPendingList(t, outgoing)
	case r.Outcome == vimbiso.OutcomeNotFound || r.Outcome == vimbiso.OutcomeConflict:
		t.c.dashStale = true
		t.setBanner(msgOfferGone)
		return showPendingList(t, outgoing)
	case r.Outcome == vimbiso.OutcomeForbidden && outgoing:
		t.setBanner(msgNotIssuer)
		return EventOutgoingRequested
	case r.Outcome == vimbiso.OutcomeRateLimited:
		// A 429 comes before CredEx acts, so the same button can be tapped again.
		t.setBanner(msgRateLimited)
		return offerDetailEvent(outgoing)
	case r.Outcome == vimbiso.OutcomeUnavailable:
		// The offer may or may not have changed. A second tap is safe:
		// CredEx returns 404 or 409 for an offer no longer pending.
		t.c.dashStale = true
		t.setBanner(msgService)
		return offerDetailEvent(outgoing)
	default:
		return t.showDashboard(msgReason(r.Reason))
	}
}

// offerChoiceRefreshed acts on the choice stored in AfterArg once the
// refreshed dashboard has come.
func offerChoiceRefreshed(t *turn, r *vimbiso.Result) Event {
	if !r.OK() || r.Dashboard == nil {
		return refreshed(t, r)
	}
	t.setDashboard(r.Dashboard)
	f := t.flow()
	choice := f.AfterArg
	f.AfterArg = ""
	return actOnOfferChoice(t, choice)
}

// inputOfferChoice is reached only when the answer to the call was lost,
// for example when the bot restarted while CredEx worked. The refreshed
// dashboard shows whether the offer changed.
func inputOfferChoice(t *turn, in vimbiso.Input) Event {
	t.c.snap.Intent = nil
	t.c.dashStale = true
	return t.showDashboard(msgOfferAnswerLost)
}

// callOfferMutation requests a CredEx call that moves money, recording it
// as the snapshot's intent first so that a crash is reconciled instead of
// repeated.
func callOfferMutation(t *turn, call vimbiso.Call) {
	t.call(call) // records the intent
}

// useAnswerDashboard stores the full dashboard an answer carried, or marks
// the stored one stale so that the next screen fetches it again.
func useAnswerDashboard(t *turn, r *vimbiso.Result) {
	if r.Dashboard != nil {
		t.setDashboard(r.Dashboard)
		return
	}
	t.c.dashStale = true
}

// msgOfferDone is the result line of a successful accept, decline or cancel.
func msgOfferDone(op vimbiso.CallOp, o vimbiso.PendingOffer) string {
	amount := firstNonEmpty(offerAmount(o), "the offer")
	name := offerCounterparty(o)
	switch op {
	case vimbiso.CallDeclineCredex:
		return msgDeclined(amount, name)
	case vimbiso.CallCancelCredex:
		return msgCancelledOffer(amount, name)
	}
	return msgAccepted(amount, name)
}

// parseOfferChoice splits an accept_, decline_ or cancel_ id into the
// CredEx call it requests and the offer's id.
func parseOfferChoice(id string) (vimbiso.CallOp, string) {
	if rest, ok := strings.CutPrefix(id, acceptChoicePrefix); ok {
		return vimbiso.CallAcceptCredex, rest
	}
	if rest, ok := strings.CutPrefix(id, declineChoicePrefix); ok {
		return vimbiso.CallDeclineCredex, rest
	}
	rest, _ := strings.CutPrefix(id, cancelChoicePrefix)
	return vimbiso.CallCancelCredex, rest
}

// locatePendingOffer finds a pending offer by id, in the active account
// first and then in the member's other accounts. outgoing selects
// pendingOutData instead of pendingInData.
func locatePendingOffer(d *vimbiso.Dashboard, activeID, credexID string, outgoing bool) (string, vimbiso.PendingOffer, bool) {
	if d == nil || credexID == "" {
		return "", vimbiso.PendingOffer{}, false
	}
	if a, ok := d.Account(activeID); ok {
		if o, found := findPendingOffer(pendingOffers(a, outgoing), credexID); found {
			return a.AccountID, o, true
		}
	}
	for _, a := range d.Accounts {
		if o, found := findPendingOffer(pendingOffers(a, outgoing), credexID); found {
			return a.AccountID, o, true
		}
	}
	return "", vimbiso.PendingOffer{}, false
}

func pendingOffers(a vimbiso.Account, outgoing bool) []vimbiso.PendingOffer {
	if outgoing {
		return a.PendingOut
	}
	return a.PendingIn
}

func findPendingOffer(offers []vimbiso.PendingOffer, credexID string) (vimbiso.PendingOffer, bool) {
	for _, o := range offers {
		if o.CredexID == credexID {
			return o, true
		}
	}
	return vimbiso.PendingOffer{}, false
}

// showPendingList moves to the incoming or outgoing list, or to the
// dashboard when the list is empty.
func showPendingList(t *turn, outgoing bool) Event {
	if outgoing {
		return showOutgoing(t)
	}
	return showIncoming(t)
}

func offerDetailEvent(outgoing bool) Event {
	if outgoing {
		return EventOutgoingOfferPicked
	}
	return EventIncomingOfferPicked
}

// dashboardOutdated reports whether a list built now would need a fresh
// dashboard first, by the rule refreshIfOld applies.
func dashboardOutdated(t *turn) bool {
	c := t.c
	return c.dash == nil || c.dashStale || t.now.Sub(c.dashAt) > dashboardMaxAge
}

// offerAmount is an offer's amount without the minus sign CredEx puts on
// outgoing offers.
func offerAmount(o vimbiso.PendingOffer) string {
	return strings.TrimPrefix(strings.TrimSpace(o.Amount), "-")
}

func offerCounterparty(o vimbiso.PendingOffer) string {
	return firstNonEmpty(o.Counterparty, "an unnamed account")
}

// offerUnsecured reports whether an offer is a promise with a due date.
// CredEx marks only secured offers, and every unsecured one has a due date.
func offerUnsecured(o vimbiso.PendingOffer) bool {
	return !o.Secured && o.DueDate != ""
}

// offerTerms is the " · unsecured, due <date>" suffix of an unsecured
// offer's line, and empty for any other.
func offerTerms(o vimbiso.PendingOffer) string {
	if !offerUnsecured(o) {
		return ""
	}
	return " · unsecured, due " + o.DueDate
}

// offerKind names the kind of credex for a detail screen.
func offerKind(o vimbiso.PendingOffer) string {
	switch {
	case o.Secured:
		return "secured credex"
	case offerUnsecured(o):
		return "unsecured credex"
	}
	return "credex"
}

// choiceFits reports whether id survives as a choice id: a longer one
// would be cut by the reply builders and no longer match.
func choiceFits(id string) bool { return vimbiso.Length(id) <= vimbiso.MaxID }
