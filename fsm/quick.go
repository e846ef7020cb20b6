package fsm

import (
	"strings"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// Quick commands offer credex in one message and go straight to the
// confirmation screen: AMOUNT=>HANDLE for a secured offer,
// AMOUNT->HANDLE[=YYYY-MM-DD] for an unsecured one. The confirmation
// screen looks the receiver up before it shows.
const (
	EventQuickSecuredOfferReceived   Event = "quick_secured_offer_received"
	EventQuickUnsecuredOfferReceived Event = "quick_unsecured_offer_received"
)

const (
	quickSecuredArrow   = "=>"
	quickUnsecuredArrow = "->"
)

// quickOffer is a quick command split into its parts, each still as
// typed: the AMOUNT, HANDLE and DUE DATE rules check them afterwards.
type quickOffer struct {
	secured bool
	amount  string
	handle  string
	date    string
	hasDate bool // a "=" followed the handle
}

// parseQuick splits a quick command. It reports false when the text has
// no single arrow with an amount before it and a handle after it.
func parseQuick(text string) (quickOffer, bool) {
	s := strings.TrimSpace(text)
	secured := strings.Index(s, quickSecuredArrow)
	unsecured := strings.Index(s, quickUnsecuredArrow)
	if (secured < 0) == (unsecured < 0) {
		return quickOffer{}, false
	}
	q := quickOffer{secured: secured >= 0}
	arrow := max(secured, unsecured)

	q.amount = strings.TrimSpace(s[:arrow])
	rest := s[arrow+2:]
	handle, date, hasDate := strings.Cut(rest, "=")
	q.handle, q.date, q.hasDate = strings.TrimSpace(handle), strings.TrimSpace(date), hasDate
	if q.amount == "" || q.handle == "" || (q.hasDate && q.date == "") ||
		strings.ContainsAny(q.date, "=>") || strings.Contains(q.handle, ">") {
		return quickOffer{}, false
	}
	return q, true
}

// quickCommand runs a quick offer typed in one message. It abandons the
// flow in progress and is called from any live state, and from LOGIN
// once the member is known (the active account is chosen by then).
// Every error leads to the dashboard with the error and E_QUICK_USAGE.
func (c *Conversation) quickCommand(t *turn, text string) Event {
	t.dropFlow()
	if c.dash == nil || (c.dashStale && c.State() != StateLogin) {
		// The checks read the balances: fetch the dashboard first.
		return t.login(afterQuick, text)
	}
	if _, ok := t.activeAccount(); !ok {
		personal, found := c.dash.PersonalAccount()
		if !found {
			return EventAccountSwitchRequested
		}
		c.snap.ActiveAccountID = personal.AccountID
	}

	w := dueWindowAt(t.now, c.cfg.Location)
	q, ok := parseQuick(text)
	if !ok {
		return t.showDashboard(msgQuickUsage(w.def.Format(dateLayout)))
	}
	o, rej := checkQuick(t, q, w)
	if rej != nil {
		return quickFailed(t, rej.msg)
	}

	f := t.flow()
	f.Amount, f.Denomination, f.Secured = o.amount.value, o.amount.denom, q.secured
	f.Handle, f.DueDate = o.handle, o.dueDate
	if q.secured {
		return EventQuickSecuredOfferReceived
	}
	return EventQuickUnsecuredOfferReceived
}

// checkedQuick is a quick command whose parts passed their rules.
type checkedQuick struct {
	amount  amount
	handle  string
	dueDate string
}

// checkQuick applies the rules to each part of q, in the order the
// member can best act on: the form of the command, the tier, the amount,
// the handle, the date, then the secured checks.
func checkQuick(t *turn, q quickOffer, w dueWindow) (checkedQuick, *rejection) {
	if q.secured && q.hasDate {
		return checkedQuick{}, &rejection{"E_SECURED_NO_DATE", msgSecuredNoDate}
	}
	if !q.secured && t.c.dash.Member.Tier < minUnsecuredTier {
		return checkedQuick{}, &rejection{"E_TIER_UNSECURED", msgTierUnsecured}
	}
	a, rej := parseAmount(q.amount, offerDefaultDenom(t))
	if rej != nil {
		return checkedQuick{}, rej
	}
	h, rej := receiverHandle(t, q.handle)
	if rej != nil {
		return checkedQuick{}, rej
	}

	o := checkedQuick{amount: a, handle: h}
	if !q.secured {
		o.dueDate = w.def.Format(dateLayout)
		if q.hasDate {
			if o.dueDate, rej = parseDueDate(q.date, w); rej != nil {
				return checkedQuick{}, rej
			}
		}
	}
	if q.secured {
		if rej := securedPreChecks(t, a); rej != nil {
			return checkedQuick{}, rej
		}
	}
	return o, nil
}

// quickReceiverFound handles the look-up made by the confirmation screen
// of a quick command: the screen shows once the account is found. A
// service failure is reported without the usage lines, which would not
// help.
func quickReceiverFound(t *turn, r *vimbiso.Result) Event {
	rej := receiverFound(t, r)
	switch {
	case rej == nil:
		t.repeat()
		return ""
	case rej.id == "E_SERVICE" || rej.id == "E_RATE_LIMITED":
		return t.showDashboard(rej.msg)
	}
	return quickFailed(t, rej.msg)
}

// quickFailed stops a quick command: the dashboard, with the error and
// E_QUICK_USAGE as its first lines.
func quickFailed(t *turn, msg string) Event {
	w := dueWindowAt(t.now, t.c.cfg.Location)
	return t.showDashboard(msg + "\n" + msgQuickUsage(w.def.Format(dateLayout)))
}
