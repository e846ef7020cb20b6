package transport

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/vimbisopay/vimbiso"
)

// Fixed values of the requests the bot makes.
const (
	credexType        = "PURCHASE"
	offersOrRequests  = "OFFERS"
	defaultDenom      = "USD"
	defaultLedgerRows = 10

	// The tier subscription: Hustler (tier 3) for 1.00 USD every 28 days,
	// paid from secured USD.
	subscriptionTemplate  = "MEMBERTIER_SUBSCRIPTION"
	subscriptionTier      = 3
	subscriptionFrequency = 28
	subscriptionAmount    = 1.0
	subscriptionDenom     = "USD"
)

// errBadCall reports a Call that lacks a field its endpoint needs; no
// request is made.
var errBadCall = errors.New("invalid credex call")

// requestBody builds the JSON body of a call with the field names CredEx
// reads. token is the member token, used only to name the owner in the
// extra fields older CredEx builds read (ownerID).
func requestBody(call vimbiso.Call, token string) (map[string]any, error) {
	switch call.Op {
	case vimbiso.CallLogin, vimbiso.CallDashboard:
		return map[string]any{"phone": call.Phone}, nil
	case vimbiso.CallOnboard:
		return map[string]any{
			"firstname":    call.FirstName,
			"lastname":     call.LastName,
			"phone":        call.Phone,
			"defaultDenom": defaultDenom,
		}, nil
	case vimbiso.CallAccountByHandle:
		return map[string]any{"accountHandle": strings.ToLower(call.Handle)}, nil
	case vimbiso.CallMemberByHandle:
		return map[string]any{"memberHandle": strings.ToLower(call.Handle)}, nil
	case vimbiso.CallCreateCredex:
		return createCredexBody(call.Offer)
	case vimbiso.CallAcceptCredex, vimbiso.CallDeclineCredex, vimbiso.CallCancelCredex:
		return map[string]any{"credexID": call.CredexID}, nil
	case vimbiso.CallAcceptBulk:
		return map[string]any{"credexIDs": nonNil(call.CredexIDs)}, nil
	case vimbiso.CallGetCredex:
		return map[string]any{"credexID": call.CredexID, "accountID": call.AccountID}, nil
	case vimbiso.CallGetLedger:
		return ledgerBody(call), nil
	case vimbiso.CallCreateRecurring:
		return recurringBody(call), nil
	}
	return ownerBody(call, memberIDFromToken(token))
}

// ownerBody builds the bodies of the account-management calls. Besides the
// current fields, it sends the ones that November 2024 handlers read
// (memberIDtoBeUnauthorized, memberIDtoSendOffers, ownerID). Current builds
// drop unknown fields and take the owner from the token.
func ownerBody(call vimbiso.Call, ownerID string) (map[string]any, error) {
	var body map[string]any
	switch call.Op {
	case vimbiso.CallAuthorize:
		body = map[string]any{"accountID": call.AccountID, "memberHandleToBeAuthorized": strings.ToLower(call.Handle)}
	case vimbiso.CallUnauthorize:
		body = map[string]any{"accountID": call.AccountID, "memberID": call.MemberID, "memberIDtoBeUnauthorized": call.MemberID}
	case vimbiso.CallSendOffersTo:
		body = map[string]any{"accountID": call.AccountID, "memberID": call.MemberID, "memberIDtoSendOffers": call.MemberID}
	default:
		return nil, fmt.Errorf("%w: unknown op %q", errBadCall, call.Op)
	}
	if ownerID != "" {
		body["ownerID"] = ownerID
	}
	return body, nil
}

func createCredexBody(o *vimbiso.Offer) (map[string]any, error) {
	if o == nil {
		return nil, fmt.Errorf("%w: createCredex without an offer", errBadCall)
	}
	body := map[string]any{
		"issuerAccountID":   o.IssuerAccountID,
		"receiverAccountID": o.ReceiverAccountID,
		"Denomination":      strings.ToUpper(o.Denomination),
		"InitialAmount":     o.Amount,
		"credexType":        credexType,
		"OFFERSorREQUESTS":  offersOrRequests,
		"securedCredex":     o.Secured,
	}
	// CredEx refuses a due date on a secured credex and requires one otherwise.
	if !o.Secured {
		body["dueDate"] = o.DueDate
	}
	return body, nil
}

func ledgerBody(call vimbiso.Call) map[string]any {
	rows := call.NumRows
	if rows < 1 {
		rows = defaultLedgerRows
	}
	return map[string]any{"accountID": call.AccountID, "startRow": max(call.StartRow, 0), "numRows": rows}
}

func recurringBody(call vimbiso.Call) map[string]any {
	return map[string]any{
		"sourceAccountID": call.AccountID,
		"templateType":    subscriptionTemplate,
		"memberTier":      subscriptionTier,
		"payFrequency":    subscriptionFrequency,
		"startDate":       call.StartDate,
		"amount":          subscriptionAmount,
		"denomination":    subscriptionDenom,
		"securedCredex":   true,
	}
}

// memberIDFromToken reads the memberID claim of a CredEx JWT without
// checking its signature. CredEx checks it; we only need the id to fill
// ownerID for older builds. It returns "" for anything unreadable.
func memberIDFromToken(token string) string {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ""
	}
	var claims struct {
		MemberID string `json:"memberID"`
	}
	if json.Unmarshal(payload, &claims) != nil {
		return ""
	}
	return claims.MemberID
}

func nonNil(ids []string) []string {
	if ids == nil {
		return []string{}
	}
	return ids
}
