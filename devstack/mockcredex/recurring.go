package mockcredex

import (
	"net/http"
	"slices"
	"strconv"
	"time"
)

// The tier subscription: its price, charged at once in secured USD from the
// source account to CredEx's operations account, and the tier it buys.
const (
	subscriptionPrice = 1 * unitsPerWhole
	subscriptionDenom = "USD"
	subscriptionTier  = 3
)

var templateTypes = []string{"REGULAR", "DCO_GIVE", "MEMBERTIER_SUBSCRIPTION"}

type createRecurringRequest struct {
	SourceAccountID string `json:"sourceAccountID"`
	TemplateType    string `json:"templateType"`
	MemberTier      *int   `json:"memberTier"`
	PayFrequency    *int   `json:"payFrequency"`
	StartDate       string `json:"startDate"`
}

func handleCreateRecurring(s *Server, c *call) (reply, *apiError) {
	var req createRecurringRequest
	if e := decodeBody(c, &req); e != nil {
		return reply{}, e
	}
	start, e := validateRecurring(&req)
	if e != nil {
		return reply{}, e
	}
	a, e := s.data.ownedAccount(c, req.SourceAccountID)
	if e != nil {
		return reply{}, e
	}
	if c.actor.tier >= subscriptionTier {
		return reply{}, errValidation("memberTier", "Member is already on tier "+strconv.Itoa(c.actor.tier))
	}
	if available := s.data.securedAvailable(a, subscriptionDenom); available < subscriptionPrice {
		return reply{}, errInsufficientSecured(available, subscriptionDenom, "sourceAccountID")
	}

	charge := &offer{
		id: s.data.newID('c'), issuerID: a.id, receiverID: operationsID, denom: subscriptionDenom,
		amount: subscriptionPrice, secured: true, credexType: "PURCHASE", state: statePending,
		createdDay: formatDay(c.today), createdAt: c.now, charge: true,
	}
	s.data.addOffer(charge)
	s.data.closeOffer(charge, stateAccepted, c.now, c.today)
	s.setTierLocked(c.actor, subscriptionTier, c.now)

	id := s.data.newID('d')
	next := formatDay(start.AddDate(0, 0, *req.PayFrequency))
	price := formatNumber(subscriptionPrice, subscriptionDenom)
	details := map[string]any{
		"recurringID": id, "amount": price + " " + subscriptionDenom, "denomination": subscriptionDenom,
		"payFrequency": *req.PayFrequency, "nextDate": next, "status": "ACTIVE",
		"scheduleInfo": map[string]any{
			"payFrequency": *req.PayFrequency, "nextRunDate": next, "amount": price, "denomination": subscriptionDenom,
			"status": "ACTIVE", "templateType": req.TemplateType, "memberTier": subscriptionTier,
		},
		"participants": map[string]any{"sourceAccountID": a.id, "targetAccountID": operationsID},
		"execution":    map[string]any{"totalExecutions": 1},
	}
	const message = "Recurring transaction created successfully"
	if c.legacy {
		return reply{http.StatusCreated, legacySuccess(message, details)}, nil
	}
	d := s.data.dashboardFor(c.actor, formatDay(c.today))
	return reply{http.StatusCreated, envelope(c, message, id, "RECURRING_CREATED", details, d)}, nil
}

// validateRecurring checks the fields of a subscription request and
// returns its start date.
func validateRecurring(req *createRecurringRequest) (time.Time, *apiError) {
	if e := requireField(req.SourceAccountID, "sourceAccountID"); e != nil {
		return time.Time{}, e
	}
	if !slices.Contains(templateTypes, req.TemplateType) {
		return time.Time{}, errValidation("templateType", "Invalid template type")
	}
	if req.TemplateType != "MEMBERTIER_SUBSCRIPTION" {
		// TODO: REGULAR and DCO_GIVE schedules are valid in CredEx but not
		// modelled here, because the bot only creates tier subscriptions.
		return time.Time{}, errValidation("templateType", "Template type "+req.TemplateType+" is not supported by the mock CredEx")
	}
	if req.MemberTier == nil || *req.MemberTier != subscriptionTier {
		return time.Time{}, errValidation("memberTier", "MEMBERTIER_SUBSCRIPTION supports memberTier 3 only")
	}
	if req.PayFrequency == nil || *req.PayFrequency < 1 {
		return time.Time{}, errValidation("payFrequency", "Invalid payFrequency: must be a number of days, 1 or more")
	}
	start, err := time.Parse(time.DateOnly, req.StartDate)
	if err != nil {
		return time.Time{}, errValidation("startDate", "Invalid startDate: "+req.StartDate+" must be YYYY-MM-DD")
	}
	return start, nil
}

func handleAuthForTierSpendLimit(s *Server, c *call) (reply, *apiError) {
	var req struct {
		IssuerAccountID string   `json:"issuerAccountID"`
		Amount          *float64 `json:"Amount"`
		Denomination    string   `json:"Denomination"`
		SecuredCredex   *bool    `json:"securedCredex"`
	}
	if e := decodeBody(c, &req); e != nil {
		return reply{}, e
	}
	if e := requireField(req.IssuerAccountID, "issuerAccountID"); e != nil {
		return reply{}, e
	}
	denom, e := sanitiseDenom(req.Denomination, "Denomination")
	if e != nil {
		return reply{}, e
	}
	amount, e := sanitiseAmount(req.Amount, denom, "Amount")
	if e != nil {
		return reply{}, e
	}
	a := s.data.accounts[req.IssuerAccountID]
	if a == nil {
		return reply{}, errAccountNotFound("issuerAccountID", "with id "+req.IssuerAccountID)
	}
	if !a.canAct(c.actor) {
		return reply{}, errForbidden("You are not authorized to issue credex from this account")
	}

	owner := s.data.members[a.ownerID]
	secured := req.SecuredCredex == nil || *req.SecuredCredex
	data := map[string]any{"isAuthorized": true, "availableAmount": nil, "memberTier": nil}
	if owner != nil {
		data["memberTier"] = owner.tier
		remaining, limited := s.data.remainingUSD(owner, formatDay(c.today))
		if limited {
			data["availableAmount"] = formatAmount(remaining, "USD")
			data["isAuthorized"] = toUSD(amount, denom) <= remaining
		}
		if !secured && owner.tier < 2 {
			data["isAuthorized"] = false
		}
	}
	message := "Authorization granted"
	if data["isAuthorized"] == false {
		message = "Authorization denied"
	}
	return reply{http.StatusOK, legacySuccess(message, data)}, nil
}

// handleGimmeSecured adds secured balance to an account, like CredEx's
// development-build endpoint of the same name.
func handleGimmeSecured(s *Server, c *call) (reply, *apiError) {
	var req struct {
		AccountHandle string   `json:"accountHandle"`
		Denom         string   `json:"denom"`
		Amount        *float64 `json:"amount"`
	}
	if e := decodeBody(c, &req); e != nil {
		return reply{}, e
	}
	handle, e := sanitiseHandle(req.AccountHandle, "accountHandle")
	if e != nil {
		return reply{}, e
	}
	denom, e := sanitiseDenom(req.Denom, "denom")
	if e != nil {
		return reply{}, e
	}
	amount, e := sanitiseAmount(req.Amount, denom, "amount")
	if e != nil {
		return reply{}, e
	}
	a := s.data.accountByHandle(handle)
	if a == nil {
		return reply{}, errAccountNotFound("accountHandle", "with handle "+handle)
	}

	a.secured[denom] += amount
	data := map[string]any{
		"accountID": a.id, "added": formatAmount(amount, denom),
		"securedNetBalancesByDenom": s.data.balances(a).SecuredNetBalancesByDenom,
	}
	return reply{http.StatusOK, legacySuccess("Secured balance added", data)}, nil
}
