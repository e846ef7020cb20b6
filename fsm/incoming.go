package fsm

import (
	"fmt"
	"math/big"
	"strings"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// The incoming offers flow: the list of offers waiting for the member to
// accept or decline them, one offer's screen, and the confirmation of
// "accept all". Accepting and declining one offer are the accept_ and
// decline_ choices (offer_choices.go).
const (
	StateIncomingList       State = "in_list"
	StateIncomingDetail     State = "in_detail"
	StateIncomingAllConfirm State = "in_all_confirm"

	EventIncomingRequested   Event = "incoming_requested"
	EventIncomingOfferPicked Event = "incoming_offer_picked"
	EventAcceptAllRequested  Event = "accept_all_requested"
)

const (
	incomingChoicePrefix   = "in_"
	choiceAcceptAll        = "in_accept_all"
	choiceAcceptAllConfirm = "accept_all_confirm"
	choiceBackToIncoming   = "back_in"
	incomingRowsShown      = 8
	bulkFailureLinesShown  = 5
	acceptAllMinimumOffers = 2
)

func incomingFlow() flow {
	return flow{
		name: "incoming",
		transitions: []Transition{
			{EventIncomingRequested, nil, StateIncomingList},
			{EventIncomingOfferPicked, nil, StateIncomingDetail},
			{EventAcceptAllRequested, []State{StateIncomingList}, StateIncomingAllConfirm},
			{EventOfferChoiceMade, nil, StateOfferChoice},
		},
		screens: map[State]screen{
			StateIncomingList:       {enter: enterIncomingList, input: inputIncomingList, result: resultIncomingList, buttons: true},
			StateIncomingDetail:     {enter: enterIncomingDetail, input: inputIncomingDetail, buttons: true},
			StateIncomingAllConfirm: {enter: enterAcceptAll, input: inputAcceptAll, result: resultAcceptAll, buttons: true},
			StateOfferChoice:        offerChoiceScreen(),
		},
	}
}

// startIncoming opens the incoming list from the menu.
func startIncoming(t *turn) Event { return showIncoming(t) }

// showIncoming moves to the incoming list, or to the dashboard when the
// active account has no incoming offers. An outdated dashboard is
// refreshed by the list itself, which then decides.
func showIncoming(t *turn) Event {
	if dashboardOutdated(t) {
		return EventIncomingRequested
	}
	account, ok := t.activeAccount()
	if !ok {
		return EventAccountSwitchRequested
	}
	if len(account.PendingIn) == 0 {
		return leaveEmptyList(t, msgNoIncoming)
	}
	return EventIncomingRequested
}

// leaveEmptyList shows the dashboard when a list turned out empty. A
// pending result line (such as "Accepted…") already explains the outcome, so
// the empty-list notice is added only when there is none.
func leaveEmptyList(t *turn, notice string) Event {
	if t.c.snap.Flow.Banner != "" {
		return t.showDashboard("")
	}
	return t.showDashboard(notice)
}

func enterIncomingList(t *turn) {
	if t.refreshIfOld() {
		return
	}
	account, _ := t.activeAccount()
	offers := account.PendingIn

	var b strings.Builder
	b.WriteString(msgIncomingTitle(len(offers)))
	b.WriteString("\n")
	rows := make([]vimbiso.Row, 0, incomingRowsShown+2)
	for i, o := range offers[:min(len(offers), incomingRowsShown)] {
		fmt.Fprintf(&b, "\n%d. %s from %s%s", i+1, offerAmount(o), offerCounterparty(o), offerTerms(o))
		// The offer's screen needs its longest id, decline_<id>, to fit too.
		if choiceFits(declineChoicePrefix + o.CredexID) {
			rows = append(rows, vimbiso.Row{ID: incomingChoicePrefix + o.CredexID, Title: offerAmount(o), Description: "from " + offerCounterparty(o) + offerTerms(o)})
		}
	}
	if len(offers) > incomingRowsShown {
		b.WriteString("\n\n" + msgShowingOf(incomingRowsShown, len(offers)))
	}
	if len(offers) >= acceptAllMinimumOffers {
		rows = append(rows, vimbiso.Row{ID: choiceAcceptAll, Title: titleAcceptAllCount(len(offers)), Description: descAcceptAll})
	}
	rows = append(rows, vimbiso.Row{ID: choiceHome, Title: titleDashboard, Description: descDashboard})

	body := withBanner(t, b.String())
	t.interactive(vimbiso.List(body, msgPendingListButton, rows...), body)
}

func inputIncomingList(t *turn, in vimbiso.Input) Event {
	if in.Kind == vimbiso.InputChoice {
		if in.ChoiceID == choiceAcceptAll {
			return EventAcceptAllRequested
		}
		if credexID, ok := strings.CutPrefix(in.ChoiceID, incomingChoicePrefix); ok {
			return pickIncomingOffer(t, credexID)
		}
	}
	t.text(msgUnknownInList(msgPendingListButton))
	return ""
}

// pickIncomingOffer opens one offer of the list, unless the dashboard no
// longer lists it.
func pickIncomingOffer(t *turn, credexID string) Event {
	account, _ := t.activeAccount()
	if _, ok := findPendingOffer(account.PendingIn, credexID); !ok {
		t.c.dashStale = true
		t.setBanner(msgOfferGone)
		return showIncoming(t)
	}
	t.flow().CredexID = credexID
	return EventIncomingOfferPicked
}

// resultIncomingList takes the refreshed dashboard the list requested and
// leaves for the dashboard when no offer is left.
func resultIncomingList(t *turn, r *vimbiso.Result) Event {
	if r.Op != vimbiso.CallLogin {
		return ""
	}
	if r.OK() && r.Dashboard != nil {
		t.setDashboard(r.Dashboard)
		if account, ok := t.activeAccount(); ok && len(account.PendingIn) == 0 {
			return leaveEmptyList(t, msgNoIncoming)
		}
	}
	return refreshed(t, r)
}

func enterIncomingDetail(t *turn) {
	credexID := t.flow().CredexID
	account, _ := t.activeAccount()
	offer, ok := findPendingOffer(account.PendingIn, credexID)
	if !ok {
		body := withBanner(t, msgOfferGone)
		t.send(vimbiso.Buttons(body,
			vimbiso.Button{ID: choiceBackToIncoming, Title: titleBack},
			vimbiso.Button{ID: choiceHome, Title: titleDashboard},
		))
		return
	}

	body := withBanner(t, incomingDetailBody(offer, account, len(t.c.dash.Accounts) > 1))
	t.interactive(vimbiso.Buttons(body,
		vimbiso.Button{ID: acceptChoicePrefix + credexID, Title: titleAccept},
		vimbiso.Button{ID: declineChoicePrefix + credexID, Title: titleDecline},
		vimbiso.Button{ID: choiceBackToIncoming, Title: titleBack},
	), body)
}

// incomingDetailBody describes one incoming offer. The receiving account
// is named only when the member has more than one.
func incomingDetailBody(o vimbiso.PendingOffer, a vimbiso.Account, nameAccount bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*📥 %s %s*\nFrom: %s", offerAmount(o), offerKind(o), offerCounterparty(o))
	if nameAccount {
		fmt.Fprintf(&b, "\nTo: %s", a.Name)
	}
	if offerUnsecured(o) {
		fmt.Fprintf(&b, "\n\nThey promise to pay you by %s.", o.DueDate)
	}
	b.WriteString("\n\nTapping *Accept* signs for it. *Decline* refuses it.")
	return b.String()
}

func inputIncomingDetail(t *turn, in vimbiso.Input) Event {
	if in.Kind == vimbiso.InputChoice && in.ChoiceID == choiceBackToIncoming {
		return showIncoming(t)
	}
	t.text(msgUnknownButtons)
	return ""
}

func enterAcceptAll(t *turn) {
	account, _ := t.activeAccount()
	body := withBanner(t, msgAcceptAllQuestion(len(account.PendingIn), pendingTotals(account.PendingIn)))
	t.interactive(vimbiso.Buttons(body,
		vimbiso.Button{ID: choiceAcceptAllConfirm, Title: titleAcceptAll},
		vimbiso.Button{ID: choiceBackToIncoming, Title: titleBack},
	), body)
}

// inputAcceptAll accepts every pending offer of the active account, also
// those the list did not show.
func inputAcceptAll(t *turn, in vimbiso.Input) Event {
	if in.Kind != vimbiso.InputChoice {
		t.text(msgUnknownButtons)
		return ""
	}
	switch in.ChoiceID {
	case choiceBackToIncoming:
		return showIncoming(t)
	case choiceAcceptAllConfirm:
		if t.tooOld() {
			t.c.repeatWith(t, msgLate)
			return ""
		}
		account, _ := t.activeAccount()
		if len(account.PendingIn) == 0 {
			return leaveEmptyList(t, msgNoIncoming)
		}
		callOfferMutation(t, vimbiso.Call{Op: vimbiso.CallAcceptBulk, CredexIDs: pendingIDs(account.PendingIn)})
		return ""
	}
	t.text(msgUnknownButtons)
	return ""
}

func resultAcceptAll(t *turn, r *vimbiso.Result) Event {
	if r.Op != vimbiso.CallAcceptBulk {
		return ""
	}
	account, _ := t.activeAccount() // the dashboard from before the call
	asked := pendingIDs(account.PendingIn)
	if intent := t.c.snap.Intent; intent != nil {
		asked = intent.Call.CredexIDs
	}
	t.c.snap.Intent = nil

	switch r.Outcome {
	case vimbiso.OutcomeOK:
		summary := bulkSummaryText(r.Bulk, asked, account.PendingIn)
		useAnswerDashboard(t, r)
		return t.showDashboard(summary)
	case vimbiso.OutcomeRateLimited:
		t.c.repeatWith(t, msgRateLimited)
		return ""
	case vimbiso.OutcomeUnavailable:
		// Tapping again is safe: offers already accepted come back as
		// accepted, not as failures.
		t.c.dashStale = true
		t.c.repeatWith(t, msgService)
		return ""
	default:
		return t.showDashboard(msgReason(r.Reason))
	}
}

// bulkSummaryText is the result text of "accept all": how many offers were
// accepted, and a line for each of the first failures. offers are the
// pending offers before the call, for the amounts and names.
func bulkSummaryText(s *vimbiso.BulkSummary, asked []string, offers []vimbiso.PendingOffer) string {
	if s == nil {
		// CredEx builds of 2024 returned 200 with no summary: all accepted.
		return msgAcceptedOf(len(asked), len(asked))
	}
	lines := []string{msgAcceptedOf(min(len(s.Accepted), len(asked)), len(asked))}
	for i, f := range s.Failed {
		if i == bulkFailureLinesShown {
			lines = append(lines, msgAndMore(len(s.Failed)-bulkFailureLinesShown))
			break
		}
		o, ok := findPendingOffer(offers, f.CredexID)
		if !ok {
			o = vimbiso.PendingOffer{Amount: "An offer", Counterparty: "an unnamed account"}
		}
		lines = append(lines, msgBulkFailure(offerAmount(o), offerCounterparty(o), f.Reason))
	}
	return strings.Join(lines, "\n")
}

func pendingIDs(offers []vimbiso.PendingOffer) []string {
	ids := make([]string, len(offers))
	for i, o := range offers {
		ids[i] = o.CredexID
	}
	return ids
}

// pendingTotals adds up the offers' amounts per denomination, in the order
// the denominations first appear, each with as many decimals as its most
// precise amount. Amounts that cannot be read are left out.
func pendingTotals(offers []vimbiso.PendingOffer) []string {
	type total struct {
		sum      big.Rat
		decimals int
	}
	var denoms []string
	totals := map[string]*total{}
	for _, o := range offers {
		value, decimals, denom, ok := readFormattedAmount(offerAmount(o))
		if !ok {
			continue
		}
		sum := totals[denom]
		if sum == nil {
			sum = &total{}
			totals[denom] = sum
			denoms = append(denoms, denom)
		}
		sum.sum.Add(&sum.sum, value)
		sum.decimals = max(sum.decimals, decimals)
	}
	lines := make([]string, len(denoms))
	for i, denom := range denoms {
		sum := totals[denom]
		lines[i] = groupThousands(sum.sum.FloatString(sum.decimals)) + " " + denom
	}
	return lines
}

// readFormattedAmount reads an amount as CredEx formats it, "1,234.50 USD",
// returning its value, its number of decimals and its denomination.
func readFormattedAmount(s string) (*big.Rat, int, string, bool) {
	number, denom, ok := strings.Cut(strings.TrimSpace(s), " ")
	denom = strings.TrimSpace(denom)
	if !ok || denom == "" || strings.ContainsAny(denom, " 0123456789") {
		return nil, 0, "", false
	}
	number = strings.ReplaceAll(number, ",", "")
	whole, fraction, _ := strings.Cut(number, ".")
	if !isDigitString(whole) || (fraction != "" && !isDigitString(fraction)) {
		return nil, 0, "", false
	}
	value, ok := new(big.Rat).SetString(number)
	if !ok {
		return nil, 0, "", false
	}
	return value, len(fraction), strings.ToUpper(denom), true
}

func isDigitString(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// groupThousands puts commas between groups of three digits in the whole
// part of a non-negative decimal number.
func groupThousands(number string) string {
	whole, fraction, hasFraction := strings.Cut(number, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFraction {
		b.WriteString("." + fraction)
	}
	return b.String()
}
