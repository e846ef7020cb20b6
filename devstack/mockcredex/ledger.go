package mockcredex

import (
	"net/http"
	"sort"
)

type ledgerItem struct {
	CredexID                string `json:"credexID"`
	FormattedInitialAmount  string `json:"formattedInitialAmount"` // negative for debits
	CounterpartyAccountName string `json:"counterpartyAccountName"`
}

func handleGetLedger(s *Server, c *call) (reply, *apiError) {
	var req struct {
		AccountID string `json:"accountID"`
		StartRow  *int   `json:"startRow"`
		NumRows   *int   `json:"numRows"`
	}
	if e := decodeBody(c, &req); e != nil {
		return reply{}, e
	}
	if e := requireField(req.AccountID, "accountID"); e != nil {
		return reply{}, e
	}
	start, rows := 0, 10
	if req.StartRow != nil {
		start = *req.StartRow
	}
	if req.NumRows != nil {
		rows = *req.NumRows
	}
	if start < 0 {
		return reply{}, errValidation("startRow", "Invalid startRow: must be 0 or more")
	}
	if rows < 1 {
		return reply{}, errValidation("numRows", "Invalid numRows: must be 1 or more")
	}

	a := s.data.accounts[req.AccountID]
	if a == nil {
		return reply{}, errAccountNotFound("accountID", "with id "+req.AccountID)
	}
	if !a.canAct(c.actor) {
		return reply{}, errForbidden("Unauthorized access to account")
	}

	all := s.data.ledgerItems(a)
	page := all[min(start, len(all)):min(start+rows, len(all))]
	hasMore := start+rows < len(all)

	if c.legacy {
		var data any = page
		if len(page) == 0 {
			data = map[string]any{} // CredEx sends {} for an empty ledger
		}
		return reply{http.StatusOK, legacySuccess("Ledger retrieved successfully", data)}, nil
	}
	details := map[string]any{
		"ledger":     page,
		"pagination": map[string]any{"startRow": start, "numRows": rows, "hasMore": hasMore, "totalCount": len(all)},
	}
	return reply{http.StatusOK, envelope(c, "Ledger retrieved successfully", a.id, "LEDGER_RETRIEVED", details, struct{}{})}, nil
}

// ledgerItems lists the accepted credex of a, oldest acceptance first.
func (l *ledger) ledgerItems(a *account) []ledgerItem {
	var accepted []*offer
	for _, id := range l.offerOrder {
		o := l.offers[id]
		if o.state == stateAccepted && (o.issuerID == a.id || o.receiverID == a.id) {
			accepted = append(accepted, o)
		}
	}
	sort.Slice(accepted, func(i, j int) bool { return accepted[i].acceptSeq < accepted[j].acceptSeq })

	items := make([]ledgerItem, 0, len(accepted))
	for _, o := range accepted {
		amount, counterparty := o.amount, o.issuerID
		if o.issuerID == a.id {
			amount, counterparty = -o.amount, o.receiverID
		}
		items = append(items, ledgerItem{
			CredexID: o.id, FormattedInitialAmount: formatAmount(amount, o.denom),
			CounterpartyAccountName: l.accounts[counterparty].name,
		})
	}
	return items
}

func handleGetCredex(s *Server, c *call) (reply, *apiError) {
	var req struct {
		CredexID  string `json:"credexID"`
		AccountID string `json:"accountID"`
	}
	if e := decodeBody(c, &req); e != nil {
		return reply{}, e
	}
	if e := requireField(req.CredexID, "credexID"); e != nil {
		return reply{}, e
	}
	if e := requireField(req.AccountID, "accountID"); e != nil {
		return reply{}, e
	}

	notFound := errNotFound("credexID", "Credex not found or not accessible")
	notFound.legacy = legacyFailError
	o, a := s.data.offers[req.CredexID], s.data.accounts[req.AccountID]
	if o == nil || a == nil || (o.issuerID != a.id && o.receiverID != a.id) {
		return reply{}, notFound
	}
	if !a.canAct(c.actor) {
		return reply{}, errForbidden("Unauthorized access to account")
	}

	credexData := s.data.credexData(o, a)
	if c.legacy {
		data := map[string]any{"credexData": credexData, "clearedAgainstData": []any{}}
		return reply{http.StatusOK, legacySuccess("Credex details retrieved successfully", data)}, nil
	}
	details := credexData
	details["InitialAmount"] = unitsToFloat(o.amount, o.denom)
	details["securedCredex"] = o.secured
	details["clearedAgainstData"] = []any{}
	return reply{http.StatusOK, envelope(c, "Credex details retrieved successfully", o.id, "CREDEX_RETRIEVED", details, struct{}{})}, nil
}

// credexData describes o as seen from account a. The mock never clears or
// redeems credex, so the outstanding amount is the initial one.
func (l *ledger) credexData(o *offer, a *account) map[string]any {
	debit := o.issuerID == a.id
	amount, counterparty := o.amount, l.accounts[o.issuerID]
	if debit {
		amount, counterparty = -o.amount, l.accounts[o.receiverID]
	}
	issuer := l.accounts[o.issuerID]

	data := map[string]any{
		"credexID": o.id, "transactionType": transactionType(o), "debit": debit,
		"counterpartyAccountName": counterparty.name, "Denomination": o.denom,
		"securerID": nil, "securerName": nil, "dueDate": nil,
		"formattedInitialAmount":     formatAmount(amount, o.denom),
		"formattedOutstandingAmount": formatAmount(amount, o.denom),
		"formattedRedeemedAmount":    formatAmount(0, o.denom),
		"formattedDefaultedAmount":   formatAmount(0, o.denom),
		"formattedWrittenOffAmount":  formatAmount(0, o.denom),
	}
	if o.secured {
		data["securerID"], data["securerName"] = issuer.id, issuer.name
	} else {
		data["dueDate"] = o.dueDate
	}
	switch o.state {
	case stateAccepted:
		data["acceptedAt"] = o.closedDay
	case stateDeclined:
		data["declinedAt"] = o.closedDay
	case stateCancelled, stateExpired:
		data["cancelledAt"] = o.closedDay
	}
	return data
}

// transactionType names o's state as getCredex does.
// NOTE: CredEx names no type for expired offers, so the mock reports them
// as CANCELLED with cancelledAt.
func transactionType(o *offer) string {
	switch o.state {
	case stateAccepted:
		return "OWES"
	case stateDeclined:
		return "DECLINED"
	case stateCancelled, stateExpired:
		return "CANCELLED"
	}
	return "OFFERS"
}
