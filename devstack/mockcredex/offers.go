package mockcredex

import (
	"net/http"
	"slices"
)

var (
	credexTypes      = []string{"PURCHASE", "GIFT", "DCO_GIVE", "DCO_RECEIVE"}
	offersOrRequests = []string{"OFFERS", "REQUESTS"}
)

type createCredexRequest struct {
	IssuerAccountID   string   `json:"issuerAccountID"`
	ReceiverAccountID string   `json:"receiverAccountID"`
	Denomination      string   `json:"Denomination"`
	InitialAmount     *float64 `json:"InitialAmount"`
	CredexType        string   `json:"credexType"`
	OffersOrRequests  string   `json:"OFFERSorREQUESTS"`
	SecuredCredex     *bool    `json:"securedCredex"`
	DueDate           string   `json:"dueDate"`
}

func handleCreateCredex(s *Server, c *call) (reply, *apiError) {
	var req createCredexRequest
	if e := decodeBody(c, &req); e != nil {
		return reply{}, e
	}
	o, e := newOfferFromRequest(&req, c)
	if e != nil {
		return reply{}, e
	}
	issuer, receiver := s.data.accounts[o.issuerID], s.data.accounts[o.receiverID]
	if issuer == nil {
		return reply{}, errAccountNotFound("issuerAccountID", "with id "+o.issuerID)
	}
	if receiver == nil {
		return reply{}, errAccountNotFound("receiverAccountID", "with id "+o.receiverID)
	}
	if !issuer.canAct(c.actor) {
		return reply{}, errForbidden("You are not authorized to issue credex from this account")
	}
	if e := s.data.checkIssuerLimits(issuer, o, formatDay(c.today)); e != nil {
		return reply{}, e
	}

	// TODO: OFFERSorREQUESTS "REQUESTS" is accepted but served as an offer,
	// because the bot only sends OFFERS.
	o.id = s.data.newID('c')
	s.data.addOffer(o)
	s.emitOfferLocked(o, statePending, c.now)
	return reply{http.StatusOK, s.createdBody(c, o)}, nil
}

// newOfferFromRequest validates and sanitises the request fields that need
// no data look-up and returns the pending offer they describe.
func newOfferFromRequest(req *createCredexRequest, c *call) (*offer, *apiError) {
	if e := requireField(req.IssuerAccountID, "issuerAccountID"); e != nil {
		return nil, e
	}
	if e := requireField(req.ReceiverAccountID, "receiverAccountID"); e != nil {
		return nil, e
	}
	denom, e := sanitiseDenom(req.Denomination, "Denomination")
	if e != nil {
		return nil, e
	}
	amount, e := sanitiseAmount(req.InitialAmount, denom, "InitialAmount")
	if e != nil {
		return nil, e
	}
	if !slices.Contains(credexTypes, req.CredexType) {
		return nil, errValidation("credexType", "Invalid credexType: must be one of PURCHASE, GIFT, DCO_GIVE, DCO_RECEIVE")
	}
	if !slices.Contains(offersOrRequests, req.OffersOrRequests) {
		return nil, errValidation("OFFERSorREQUESTS", "Invalid OFFERSorREQUESTS: must be OFFERS or REQUESTS")
	}
	if req.SecuredCredex == nil {
		return nil, errValidation("securedCredex", "Missing required field: securedCredex")
	}
	if req.IssuerAccountID == req.ReceiverAccountID {
		return nil, errValidation("receiverAccountID", "Issuer and receiver cannot be the same account")
	}

	secured := *req.SecuredCredex
	if secured && req.DueDate != "" {
		return nil, errValidation("dueDate", "Due date is not allowed for secured credex")
	}
	if !secured {
		if e := checkDueDate(req.DueDate, c.today); e != nil {
			return nil, e
		}
	}
	return &offer{
		issuerID: req.IssuerAccountID, receiverID: req.ReceiverAccountID, denom: denom, amount: amount,
		secured: secured, dueDate: req.DueDate, credexType: req.CredexType, state: statePending,
		createdDay: formatDay(c.today), createdAt: c.now,
	}, nil
}

// checkIssuerLimits applies the tier rules of the issuing account's owner
// and the secured balance rule.
func (l *ledger) checkIssuerLimits(issuer *account, o *offer, today string) *apiError {
	owner := l.members[issuer.ownerID]
	if owner != nil && !o.secured && owner.tier < 2 {
		e := errForbidden("Unsecured credex not permitted on open tier")
		e.code = "INSUFFICIENT_TIER"
		e.legacy = legacyFailError
		return e
	}
	if owner != nil && o.secured {
		remaining, limited := l.remainingUSD(owner, today)
		if limited && toUSD(o.amount, o.denom) > remaining {
			e := errForbidden("Daily limit exceeded: " + formatAmount(remaining, "USD") + " available today")
			e.suggestion = "Offer a smaller amount or upgrade your tier"
			e.legacy = legacyFailError
			return e
		}
	}
	if o.secured && issuer.accountType != accountFoundation {
		available := l.securedAvailable(issuer, o.denom)
		if available < o.amount {
			return errInsufficientSecured(available, o.denom, "InitialAmount")
		}
	}
	return nil
}

// errInsufficientSecured is 403 in the current envelope and a 400 error
// text in the legacy shapes.
func errInsufficientSecured(available int64, denom, field string) *apiError {
	return &apiError{
		status: http.StatusForbidden, code: "INSUFFICIENT_SECURED_BALANCE", field: field,
		message:    "Insufficient secured balance",
		reason:     "Available secured balance in " + denom + " is " + formatNumber(max(available, 0), denom),
		suggestion: "Offer a smaller amount",
		legacy:     legacyFailError, legacyStatus: http.StatusBadRequest,
	}
}

// createdBody is the success body of createCredex.
func (s *Server) createdBody(c *call, o *offer) any {
	receiver := s.data.accounts[o.receiverID]
	d := s.data.dashboardFor(c.actor, formatDay(c.today))

	if c.legacy {
		credex := map[string]any{
			"credexID": o.id, "formattedInitialAmount": formatAmount(-o.amount, o.denom),
			"counterpartyAccountName": receiver.name, "secured": o.secured, "dueDate": o.dueDate,
		}
		data := map[string]any{"createCredexData": map[string]any{"credex": credex}, "dashboardData": memberDashboard(d, true)}
		return legacySuccess("Credex created successfully", data)
	}
	details := map[string]any{
		"amount": formatNumber(o.amount, o.denom), "denomination": o.denom, "securedCredex": o.secured,
		"receiverAccountID": receiver.id, "receiverAccountName": receiver.name,
	}
	message := securedWord(o) + " credex for " + formatAmount(o.amount, o.denom) + " offers created successfully"
	return envelope(c, message, o.id, "CREDEX_CREATED", details, d)
}
