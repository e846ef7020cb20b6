package vimbiso

// CallOp names a CredEx endpoint.
type CallOp string

const (
	CallLogin           CallOp = "login"
	CallOnboard         CallOp = "onboardMember"
	CallDashboard       CallOp = "getMemberDashboardByPhone"
	CallAccountByHandle CallOp = "getAccountByHandle"
	CallMemberByHandle  CallOp = "getMemberByHandle"
	CallCreateCredex    CallOp = "createCredex"
	CallAcceptCredex    CallOp = "acceptCredex"
	CallAcceptBulk      CallOp = "acceptCredexBulk"
	CallDeclineCredex   CallOp = "declineCredex"
	CallCancelCredex    CallOp = "cancelCredex"
	CallGetCredex       CallOp = "getCredex"
	CallGetLedger       CallOp = "getLedger"
	CallAuthorize       CallOp = "authorizeForAccount"
	CallUnauthorize     CallOp = "unauthorizeForAccount"
	CallSendOffersTo    CallOp = "updateSendOffersTo"
	CallCreateRecurring CallOp = "createRecurring"
)

// Mutates reports whether the endpoint changes CredEx's state. A mutation
// that times out is never repeated blindly: the caller reconciles first.
// onboardMember is left out because a repeat is refused with 409, which the
// registration flow treats as success.
func (op CallOp) Mutates() bool {
	switch op {
	case CallCreateCredex, CallAcceptCredex, CallAcceptBulk, CallDeclineCredex,
		CallCancelCredex, CallAuthorize, CallUnauthorize, CallSendOffersTo, CallCreateRecurring:
		return true
	}
	return false
}

// NeedsToken reports whether the endpoint needs a member token.
func (op CallOp) NeedsToken() bool {
	return op != CallLogin && op != CallOnboard
}

// Call is a CredEx request that the conversation leaves to the actor.
// Only the fields of its Op are set.
type Call struct {
	Op CallOp `json:"op"`

	Phone     string `json:"phone,omitempty"`
	FirstName string `json:"first,omitempty"`
	LastName  string `json:"last,omitempty"`

	Handle    string   `json:"handle,omitempty"`
	AccountID string   `json:"account,omitempty"`
	MemberID  string   `json:"member,omitempty"`
	CredexID  string   `json:"credex,omitempty"`
	CredexIDs []string `json:"credexes,omitempty"`
	Offer     *Offer   `json:"offer,omitempty"`
	StartRow  int      `json:"start,omitempty"`
	NumRows   int      `json:"rows,omitempty"`
	StartDate string   `json:"date,omitempty"` // createRecurring, YYYY-MM-DD

	// IdempotencyKey is sent as the Idempotency-Key header of a mutation.
	IdempotencyKey string `json:"key,omitempty"`
}

// Offer is a credex to create.
type Offer struct {
	IssuerAccountID   string  `json:"issuer"`
	ReceiverAccountID string  `json:"receiver"`
	Denomination      string  `json:"denom"`
	Amount            float64 `json:"amount"`
	Secured           bool    `json:"secured"`
	DueDate           string  `json:"due,omitempty"` // YYYY-MM-DD, unsecured only
}

// Outcome classifies a CredEx response for the conversation.
type Outcome string

const (
	OutcomeOK           Outcome = "ok"
	OutcomeInvalid      Outcome = "invalid"      // 400: the request broke a rule, named by Reason
	OutcomeUnauthorized Outcome = "unauthorized" // 401 after one fresh login
	OutcomeClient       Outcome = "client"       // 401 on a keyhole: our API key is wrong
	OutcomeForbidden    Outcome = "forbidden"    // 403
	OutcomeNotFound     Outcome = "not_found"    // 404, or an ERROR_NOT_FOUND action
	OutcomeConflict     Outcome = "conflict"     // 409
	OutcomeRateLimited  Outcome = "rate_limited" // 429 after the client's retries
	OutcomeUnavailable  Outcome = "unavailable"  // 5xx, timeout, connection error, unreadable response
)

// Result is a CredEx response, normalised from the current envelope or any
// legacy shape.
type Result struct {
	Op         CallOp
	Outcome    Outcome
	Status     int    // HTTP status; 0 when no response came
	ActionType string // data.action.type when present
	Code       string // data.action.details.code when present
	Reason     string // the text to show the user, at most 300 characters

	Dashboard *Dashboard // a full dashboard when the response carried one

	Account  *AccountRef   // getAccountByHandle
	Member   *PersonName   // getMemberByHandle
	CredexID string        // createCredex: the new offer's id
	Ledger   []LedgerEntry // getLedger
	HasMore  *bool         // getLedger, when CredEx sends the flag
	Credex   *CredexDetail // getCredex
	Bulk     *BulkSummary  // acceptCredexBulk
}

// OK reports whether the call succeeded.
func (r *Result) OK() bool { return r != nil && r.Outcome == OutcomeOK }

// CredexDetail is one credex as getCredex describes it.
type CredexDetail struct {
	CredexID          string
	TransactionType   string // OWES, CLEARED, OFFERS, REQUESTS, DECLINED, CANCELLED
	Debit             bool
	Counterparty      string
	Denomination      string
	Date              string // acceptedAt, declinedAt or cancelledAt
	DueDate           string
	InitialAmount     string
	OutstandingAmount string
	ClearedAgainst    []Cleared
}

// Cleared is one credex that another was cleared against.
type Cleared struct {
	Amount       string
	Counterparty string
}

// BulkSummary is the outcome of acceptCredexBulk.
type BulkSummary struct {
	Accepted []string
	Failed   []BulkFailure
}

// BulkFailure is an offer that acceptCredexBulk could not accept.
type BulkFailure struct {
	CredexID string
	Reason   string
}
