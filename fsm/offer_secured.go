package fsm

import (
	"strconv"
	"strings"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// The secured offer flow: amount, receiver's handle, confirmation, then
// createCredex. The amount and confirmation steps are shared with the
// unsecured flow, which differs only by its due date.
const (
	StateSecuredOfferAmount  State = "os_amount"
	StateSecuredOfferHandle  State = "os_handle"
	StateSecuredOfferConfirm State = "os_confirm"

	EventSecuredOfferStarted Event = "secured_offer_started"
	EventAmountReceived      Event = "amount_received"
	EventReceiverFound       Event = "receiver_found"
)

const (
	choiceOfferSend  = "offer_send"
	choiceOfferAbort = "offer_abort"

	// foundationAccountType is CredEx's audited account type that may issue
	// secured credex without a secured balance.
	foundationAccountType = "CREDEX_FOUNDATION"
)

func securedOfferFlow() flow {
	return flow{
		name: "offer_secured",
		transitions: []Transition{
			{EventSecuredOfferStarted, nil, StateSecuredOfferAmount},
			{EventAmountReceived, []State{StateSecuredOfferAmount}, StateSecuredOfferHandle},
			{EventReceiverFound, []State{StateSecuredOfferHandle}, StateSecuredOfferConfirm},
			{EventQuickSecuredOfferReceived, nil, StateSecuredOfferConfirm},
		},
		screens: map[State]screen{
			StateSecuredOfferAmount: {
				enter: enterOfferAmount(true), input: inputOfferAmount(true),
				result: refreshed, prompt: true,
			},
			StateSecuredOfferHandle: {
				enter: enterOfferHandle, input: inputOfferHandle,
				result: resultOfferHandle, prompt: true,
			},
			StateSecuredOfferConfirm: {
				enter: enterOfferConfirm(true), input: inputOfferConfirm(true),
				result: resultOfferConfirm, buttons: true,
			},
		},
	}
}

// startSecuredOffer starts the flow from the menu row.
func startSecuredOffer(t *turn) Event {
	t.flow().Secured = true
	return EventSecuredOfferStarted
}

// enterOfferAmount prompts for the amount. The secured flow first refreshes
// a dashboard marked stale, because its checks read the balances.
func enterOfferAmount(secured bool) func(t *turn) {
	return func(t *turn) {
		if secured && (t.c.dash == nil || t.c.dashStale) {
			t.call(vimbiso.Call{Op: vimbiso.CallLogin, Phone: t.c.phone})
			return
		}
		t.text(withBanner(t, msgAskAmount(secured, offerDefaultDenom(t))))
	}
}

// inputOfferAmount reads the AMOUNT. The secured flow also checks the
// secured balance and the daily limit.
func inputOfferAmount(secured bool) func(t *turn, in vimbiso.Input) Event {
	return func(t *turn, in vimbiso.Input) Event {
		if in.Kind != vimbiso.InputText {
			t.text(msgAmountFormat)
			return ""
		}
		a, rej := parseAmount(in.Text, offerDefaultDenom(t))
		if rej == nil && secured {
			rej = securedPreChecks(t, a)
		}
		if rej != nil {
			t.text(rej.msg)
			return ""
		}
		f := t.flow()
		f.Amount, f.Denomination, f.Secured = a.value, a.denom, secured
		return EventAmountReceived
	}
}

// offerDefaultDenom is the denomination of an amount typed without one:
// the active account's default.
func offerDefaultDenom(t *turn) string {
	account, _ := t.activeAccount()
	var member string
	if t.c.dash != nil {
		member = t.c.dash.Member.DefaultDenom
	}
	return canonicalDenom(firstNonEmpty(account.DefaultDenom, member, "USD"))
}

// securedPreChecks rejects a secured amount that CredEx would reject: more
// than the secured balance, or more than the daily USD limit. CredEx stays
// the judge, and these checks only give a clearer message earlier.
func securedPreChecks(t *turn, a amount) *rejection {
	account, ok := t.activeAccount()
	if !ok {
		return nil
	}
	if account.Type != foundationAccountType {
		if rej := checkSecuredBalance(account.Balances.SecuredNet, a); rej != nil {
			return rej
		}
	}
	m := t.c.dash.Member
	if m.Tier < 3 && a.denom == "USD" && m.RemainingUSD != nil &&
		minorUnits(*m.RemainingUSD, "USD") < minorUnits(a.value, "USD") {
		return &rejection{"E_DAILY_LIMIT", msgDailyLimit(formatAmount(*m.RemainingUSD, "USD"), tierName(m.Tier))}
	}
	return nil
}

// checkSecuredBalance compares a with the line of CredEx's secured
// balances in its denomination. With no such line the member has no
// secured balance there, unless some line could not be read: that line
// might be the one, so the check is skipped.
func checkSecuredBalance(lines []string, a amount) *rejection {
	unreadable := false
	for _, line := range lines {
		value, denom, ok := readBalance(line)
		if !ok {
			unreadable = true
			continue
		}
		if denom != a.denom {
			continue
		}
		if minorUnits(value, denom) < minorUnits(a.value, denom) {
			return &rejection{"E_SECURED_BALANCE", msgSecuredBalance(a.denom, strings.TrimSpace(line), a.String())}
		}
		return nil
	}
	if unreadable {
		return nil
	}
	return &rejection{"E_SECURED_BALANCE", msgSecuredBalance(a.denom, "", a.String())}
}

// readBalance reads a balance line as CredEx formats it, "1,234.50 USD",
// also with the code first.
func readBalance(line string) (float64, string, bool) {
	fields := strings.Fields(line)
	if len(fields) != 2 {
		return 0, "", false
	}
	number, code := fields[0], fields[1]
	if _, known := denomDecimals[canonicalDenom(number)]; known {
		number, code = code, number
	}
	value, err := strconv.ParseFloat(strings.ReplaceAll(number, ",", ""), 64)
	if err != nil {
		return 0, "", false
	}
	return value, canonicalDenom(code), true
}

// enterOfferConfirm shows the offer with the buttons that sign or drop
// it. A quick command arrives here with only a handle: the account is
// looked up first, and the screen shows once the result arrives.
func enterOfferConfirm(secured bool) func(t *turn) {
	return func(t *turn) {
		f := t.flow()
		if f.ReceiverID == "" {
			lookUpReceiver(t)
			return
		}
		account, _ := t.activeAccount()
		body := withBanner(t, msgConfirmOffer(offerSummary{
			amount:     formatAmount(f.Amount, f.Denomination),
			secured:    secured,
			fromName:   account.Name,
			fromHandle: account.Handle,
			toName:     f.ReceiverName,
			toHandle:   f.Handle,
			dueDate:    f.DueDate,
		}))
		t.interactive(vimbiso.Buttons(body,
			vimbiso.Button{ID: choiceOfferSend, Title: "✅ Sign & send"},
			vimbiso.Button{ID: choiceOfferAbort, Title: "❌ Cancel"},
		), body)
	}
}

// inputOfferConfirm signs and sends the offer, or drops it. Cancel never
// calls CredEx.
func inputOfferConfirm(secured bool) func(t *turn, in vimbiso.Input) Event {
	return func(t *turn, in vimbiso.Input) Event {
		if in.Kind == vimbiso.InputChoice {
			switch in.ChoiceID {
			case choiceOfferAbort:
				return t.showDashboard(msgOfferAborted)
			case choiceOfferSend:
				return sendOffer(t, secured)
			}
		}
		t.setBanner(msgTapSendOrCancel)
		t.repeat()
		return ""
	}
}

// sendOffer records the intent and requests createCredex. It rejects a
// tap older than a session, and a tap that finds an earlier createCredex
// intent still open, because that call may have created the offer before
// a crash and createCredex is not idempotent.
func sendOffer(t *turn, secured bool) Event {
	if t.tooOld() {
		t.c.repeatWith(t, msgLate)
		return ""
	}
	// The conversation reconciles an intent left open by a crash before
	// any input reaches a state, so this is a guard only.
	if it := t.c.snap.Intent; it != nil && it.Call.Op == vimbiso.CallCreateCredex {
		t.c.snap.Intent = nil
		t.c.dashStale = true
		return t.showDashboard(msgUnsureOffer)
	}

	f := t.flow()
	offer := &vimbiso.Offer{
		IssuerAccountID:   t.c.snap.ActiveAccountID,
		ReceiverAccountID: f.ReceiverID,
		Denomination:      f.Denomination,
		Amount:            f.Amount,
		Secured:           secured,
	}
	if !secured {
		offer.DueDate = f.DueDate
	}
	t.call(vimbiso.Call{Op: vimbiso.CallCreateCredex, Offer: offer}) // records the intent
	return ""
}

// resultOfferConfirm handles the two calls of the confirmation step: the
// account look-up of a quick command and createCredex.
func resultOfferConfirm(t *turn, r *vimbiso.Result) Event {
	switch r.Op {
	case vimbiso.CallAccountByHandle:
		return quickReceiverFound(t, r)
	case vimbiso.CallCreateCredex:
		return offerSent(t, r)
	}
	return ""
}

// offerSent reports the createCredex result. It never repeats the call,
// because after a timeout or a 5xx the offer may exist: E_UNSURE_OFFER
// points the member at Outgoing instead.
func offerSent(t *turn, r *vimbiso.Result) Event {
	f := t.flow()
	if r.Outcome == vimbiso.OutcomeUnavailable {
		// The intent stays open: the member's next message reconciles it
		// against a fresh dashboard and tells them the outcome.
		t.c.dashStale = true
		return t.showDashboard(msgUnsureOffer)
	}
	t.c.snap.Intent = nil
	switch r.Outcome {
	case vimbiso.OutcomeOK:
		keepIssuerDashboard(t, r.Dashboard)
		return t.showDashboard(msgOffered(formatAmount(f.Amount, f.Denomination), f.ReceiverName))
	case vimbiso.OutcomeRateLimited:
		// CredEx returns 429 before its handler runs, so nothing was
		// created and the buttons on screen still work.
		t.text(msgRateLimited)
		return ""
	case vimbiso.OutcomeInvalid, vimbiso.OutcomeForbidden, vimbiso.OutcomeNotFound, vimbiso.OutcomeConflict:
		keepIssuerDashboard(t, r.Dashboard)
		return t.showDashboard(msgReason(r.Reason))
	case vimbiso.OutcomeClient:
		// CredEx rejected our API key before its handler ran.
		return t.showDashboard(msgService)
	default:
		t.c.dashStale = true
		return t.showDashboard(msgUnsureOffer)
	}
}

// keepIssuerDashboard stores the dashboard that came with a createCredex
// result, or marks the stored one stale so that the next screen fetches
// it, since the pending offers and the balances changed.
func keepIssuerDashboard(t *turn, d *vimbiso.Dashboard) {
	if _, ok := d.Account(t.c.snap.ActiveAccountID); ok {
		t.setDashboard(d)
		return
	}
	t.c.dashStale = true
}
