package vimbiso

// EventKind names a CredEx callback as it reaches one member's conversation.
type EventKind string

const (
	EventOfferUpdate   EventKind = "offer_update"
	EventMemberUpdate  EventKind = "member_update"
	EventCompanyUpdate EventKind = "company_update"
	// EventNotify is a POST /bot/notify request: one template message.
	EventNotify EventKind = "notify"
)

// Event is a CredEx callback addressed to one member. It carries only what
// the member's notification needs.
type Event struct {
	ID           string    `json:"id"` // webhook_id, or the notification id
	Kind         EventKind `json:"kind"`
	Status       string    `json:"status,omitempty"` // offer status: pending, accepted, declined, cancelled, expired
	Role         string    `json:"role,omitempty"`   // receiver or issuer
	OfferID      string    `json:"offer,omitempty"`
	Amount       string    `json:"amount,omitempty"` // formatted, e.g. "2.00 USD"
	Secured      bool      `json:"secured,omitempty"`
	Counterparty string    `json:"cp,omitempty"` // the other side's account name
	MemberName   string    `json:"member,omitempty"`
	MemberTier   int       `json:"tier,omitempty"`
	Message      string    `json:"msg,omitempty"` // notify: the template's second parameter
}
