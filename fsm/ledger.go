package fsm

import (
	"fmt"
	"strings"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// The ledger flow: the active account's accepted and cleared credex, a
// page at a time in CredEx's order (oldest first), and one entry's
// details. FlowData.Page is the page shown, counted from 1, and
// FlowData.CredexID is the entry opened.
const (
	StateLedger      State = "ledger"
	StateLedgerEntry State = "ledger_entry"

	EventLedgerRequested   Event = "ledger_requested"
	EventLedgerPageTurned  Event = "ledger_page_turned"
	EventLedgerEntryPicked Event = "ledger_entry_picked"
)

const (
	ledgerChoicePrefix = "tx_"
	choiceLedgerPrev   = "ledger_prev"
	choiceLedgerNext   = "ledger_next"
	choiceBackToLedger = "back_ledger"

	// ledgerPageSize entries are shown per page. Each request fetches one
	// row more, which only proves that a next page exists.
	ledgerPageSize    = 7
	clearedLinesShown = 5
	isoDateLength     = len("2006-01-02")
)

func ledgerFlow() flow {
	return flow{
		name: "ledger",
		transitions: []Transition{
			{EventLedgerRequested, nil, StateLedger},
			{EventLedgerPageTurned, []State{StateLedger}, StateLedger},
			{EventLedgerEntryPicked, []State{StateLedger}, StateLedgerEntry},
		},
		screens: map[State]screen{
			StateLedger:      {enter: enterLedger, input: inputLedger, result: resultLedger, buttons: true},
			StateLedgerEntry: {enter: enterLedgerEntry, input: inputLedgerEntry, result: resultLedgerEntry, buttons: true},
		},
	}
}

// startLedger opens the first page of the active account's ledger.
func startLedger(t *turn) Event {
	if _, ok := t.activeAccount(); !ok {
		return EventAccountSwitchRequested
	}
	t.flow().Page = 1
	return EventLedgerRequested
}

// ledgerPage is the page in view. A dropped flow means the first page.
func ledgerPage(t *turn) int { return max(t.flow().Page, 1) }

// enterLedger requests the page, and resultLedger shows it.
func enterLedger(t *turn) {
	account, _ := t.activeAccount()
	t.call(vimbiso.Call{
		Op:        vimbiso.CallGetLedger,
		AccountID: account.AccountID,
		StartRow:  (ledgerPage(t) - 1) * ledgerPageSize,
		NumRows:   ledgerPageSize + 1,
	})
}

func resultLedger(t *turn, r *vimbiso.Result) Event {
	if r.Op != vimbiso.CallGetLedger {
		return ""
	}
	if !r.OK() {
		return t.showDashboard(ledgerFailure(r))
	}
	page := ledgerPage(t)
	if len(r.Ledger) == 0 && page == 1 {
		return leaveEmptyList(t, msgNoLedger)
	}
	showLedgerPage(t, r.Ledger, page, ledgerHasNext(r))
	return ""
}

// ledgerHasNext reports whether a page follows this one: CredEx's hasMore
// flag when it is true, else the extra row requested. A false flag does
// not hide that row, which the next page shows.
func ledgerHasNext(r *vimbiso.Result) bool {
	if r.HasMore != nil && *r.HasMore {
		return true
	}
	return len(r.Ledger) > ledgerPageSize
}

func showLedgerPage(t *turn, entries []vimbiso.LedgerEntry, page int, hasNext bool) {
	account, _ := t.activeAccount()
	entries = entries[:min(len(entries), ledgerPageSize)]
	first := (page-1)*ledgerPageSize + 1

	var b strings.Builder
	b.WriteString(msgLedgerTitle(account.Name, page))
	b.WriteString("\n")
	if len(entries) == 0 {
		b.WriteString("\n" + msgLedgerPageEmpty)
	}
	rows := make([]vimbiso.Row, 0, ledgerPageSize+3)
	for i, e := range entries {
		amount, debit := ledgerAmount(e.Amount)
		direction := ledgerDirection(debit, firstNonEmpty(e.Counterparty, "an unnamed account"))
		sign, symbol := "+", "➕"
		if debit {
			sign, symbol = "-", "➖"
		}
		fmt.Fprintf(&b, "\n%d. %s%s %s", first+i, sign, amount, direction)
		if id := ledgerChoicePrefix + e.CredexID; e.CredexID != "" && choiceFits(id) {
			rows = append(rows, vimbiso.Row{ID: id, Title: symbol + " " + amount, Description: direction})
		}
	}
	if page > 1 {
		rows = append(rows, vimbiso.Row{ID: choiceLedgerPrev, Title: titlePrevPage})
	}
	if hasNext {
		rows = append(rows, vimbiso.Row{ID: choiceLedgerNext, Title: titleNextPage})
	}
	rows = append(rows, vimbiso.Row{ID: choiceHome, Title: titleDashboard, Description: descDashboard})

	body := withBanner(t, b.String())
	t.interactive(vimbiso.List(body, msgLedgerListButton, rows...), body)
}

func inputLedger(t *turn, in vimbiso.Input) Event {
	if in.Kind == vimbiso.InputChoice {
		f := t.flow()
		switch id := in.ChoiceID; {
		case id == choiceLedgerPrev:
			f.Page = max(ledgerPage(t)-1, 1)
			return EventLedgerPageTurned
		case id == choiceLedgerNext:
			f.Page = ledgerPage(t) + 1
			return EventLedgerPageTurned
		case strings.HasPrefix(id, ledgerChoicePrefix):
			f.Page = ledgerPage(t)
			f.CredexID = strings.TrimPrefix(id, ledgerChoicePrefix)
			return EventLedgerEntryPicked
		}
	}
	t.text(msgUnknownInList(msgLedgerListButton))
	return ""
}

// enterLedgerEntry requests the entry, and resultLedgerEntry shows it.
func enterLedgerEntry(t *turn) {
	account, _ := t.activeAccount()
	t.call(vimbiso.Call{Op: vimbiso.CallGetCredex, CredexID: t.flow().CredexID, AccountID: account.AccountID})
}

func resultLedgerEntry(t *turn, r *vimbiso.Result) Event {
	if r.Op != vimbiso.CallGetCredex {
		return ""
	}
	switch {
	case r.OK() && r.Credex != nil:
		body := withBanner(t, ledgerEntryBody(r.Credex))
		t.interactive(vimbiso.Buttons(body,
			vimbiso.Button{ID: choiceBackToLedger, Title: titleBackLedger},
			vimbiso.Button{ID: choiceHome, Title: titleDashboard},
		), body)
		return ""
	case r.Outcome == vimbiso.OutcomeRateLimited || r.Outcome == vimbiso.OutcomeUnavailable:
		// Reading the ledger again would most likely fail the same way.
		return t.showDashboard(ledgerFailure(r))
	default:
		t.setBanner(ledgerFailure(r))
		return EventLedgerRequested
	}
}

func inputLedgerEntry(t *turn, in vimbiso.Input) Event {
	if in.Kind == vimbiso.InputChoice && in.ChoiceID == choiceBackToLedger {
		return EventLedgerRequested
	}
	t.text(msgUnknownButtons)
	return ""
}

// ledgerFailure is the message for a failed ledger or entry request.
func ledgerFailure(r *vimbiso.Result) string {
	switch r.Outcome {
	case vimbiso.OutcomeRateLimited:
		return msgRateLimited
	case vimbiso.OutcomeUnavailable:
		return msgService
	}
	return msgReason(r.Reason)
}

// ledgerEntryBody describes one credex: amount, status, counterparty,
// amounts, dates and the first credex it was cleared against.
func ledgerEntryBody(c *vimbiso.CredexDetail) string {
	amount, debit := ledgerAmount(c.InitialAmount)
	debit = debit || c.Debit
	symbol := "➕"
	if debit {
		symbol = "➖"
	}

	var b strings.Builder
	fmt.Fprintf(&b, "*%s %s*\n", symbol, amount)
	fmt.Fprintf(&b, "Status: %s\n", ledgerStatus(c.TransactionType))
	label := "From"
	if debit {
		label = "To"
	}
	fmt.Fprintf(&b, "%s: %s\n", label, firstNonEmpty(c.Counterparty, "an unnamed account"))
	fmt.Fprintf(&b, "Initial amount: %s\n", amount)
	if c.OutstandingAmount != "" {
		outstanding, _ := ledgerAmount(c.OutstandingAmount)
		fmt.Fprintf(&b, "Outstanding: %s\n", outstanding)
	}
	if c.Date != "" {
		fmt.Fprintf(&b, "Date: %s\n", ledgerDate(c.Date))
	}
	if c.DueDate != "" {
		fmt.Fprintf(&b, "Due: %s\n", ledgerDate(c.DueDate))
	}
	if len(c.ClearedAgainst) > 0 {
		b.WriteString("\n*Cleared against*")
		for i, cl := range c.ClearedAgainst {
			if i == clearedLinesShown {
				b.WriteString("\n" + msgAndMore(len(c.ClearedAgainst)-clearedLinesShown))
				break
			}
			clearedAmount, _ := ledgerAmount(cl.Amount)
			fmt.Fprintf(&b, "\n%s with %s", clearedAmount, firstNonEmpty(cl.Counterparty, "an unnamed account"))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// ledgerAmount splits a formatted amount into the amount without its sign
// and whether it was negative, that is a debit.
func ledgerAmount(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		return rest, true
	}
	return strings.TrimPrefix(s, "+"), false
}

func ledgerDirection(debit bool, counterparty string) string {
	if debit {
		return "to " + counterparty
	}
	return "from " + counterparty
}

// ledgerStatus puts a credex's transactionType in words.
func ledgerStatus(transactionType string) string {
	switch strings.ToUpper(transactionType) {
	case "OWES":
		return "outstanding"
	case "CLEARED":
		return "cleared"
	case "OFFERS":
		return "offered, waiting"
	case "REQUESTS":
		return "requested"
	case "DECLINED":
		return "declined"
	case "CANCELLED":
		return "cancelled"
	case "":
		return "unknown"
	}
	return strings.ToLower(transactionType)
}

// ledgerDate keeps the date of an ISO 8601 timestamp such as
// "2025-01-14T10:15:00.000Z".
func ledgerDate(s string) string {
	if len(s) > isoDateLength && s[isoDateLength] == 'T' {
		return s[:isoDateLength]
	}
	return s
}
