package vimbiso

import "time"

// SnapshotSchema is the version of the Snapshot encoding. Bump it, with a
// migration in persistence, when a stored field or state name changes.
const SnapshotSchema = 1

// Snapshot is everything a conversation needs to continue after a restart
// on any node. It is saved after every turn, with a compare-and-set on
// Version, and stays small (under 1 KB) because it is read on every
// activation. The CredEx token and the dashboard live under keys of their
// own.
type Snapshot struct {
	Schema int `json:"v"`
	// Version counts saves; persistence sets it on load and checks it on
	// save. It is not part of the encoded value.
	Version int64 `json:"-"`

	// State is the conversation state; empty when there is no session.
	State string   `json:"st,omitempty"`
	Flow  FlowData `json:"fl,omitzero"`

	// ActiveAccountID outlives the session for 24 hours, as the "last
	// seen" marker, so that a member with several accounts is not asked to
	// pick again.
	ActiveAccountID string `json:"acct,omitempty"`

	// LastInteractiveID is the wamid of the last interactive message sent
	// to the user, and LastChoices the ids it offered: a tap counts only
	// when its context.id matches.
	LastInteractiveID string   `json:"lid,omitempty"`
	LastChoices       []string `json:"lch,omitempty"`

	LastInputAt   time.Time `json:"in,omitzero"` // the session lives SESSION_TTL after it
	LastInboundAt time.Time `json:"ib,omitzero"` // last WhatsApp message: opens the 24-hour window
	LateNoticeAt  time.Time `json:"late,omitzero"`
	BusinessID    string    `json:"pn,omitempty"` // business number the user last wrote to

	// Intent is the money-moving CredEx call in progress, saved before the
	// call is made so that a crash can be reconciled instead of repeated.
	Intent *Intent `json:"it,omitempty"`
}

// FlowData is the data of the flow in progress. It is cleared whenever a
// flow is dropped.
type FlowData struct {
	FirstName string `json:"fn,omitempty"`
	LastName  string `json:"ln,omitempty"`

	Amount       float64 `json:"am,omitempty"`
	Denomination string  `json:"dn,omitempty"`
	Secured      bool    `json:"sec,omitempty"`
	Handle       string  `json:"h,omitempty"`
	ReceiverID   string  `json:"rid,omitempty"`
	ReceiverName string  `json:"rn,omitempty"`
	DueDate      string  `json:"due,omitempty"`
	CredexID     string  `json:"cx,omitempty"`
	MemberID     string  `json:"mid,omitempty"`
	MemberName   string  `json:"mn,omitempty"`
	Page         int     `json:"pg,omitempty"`

	// After is what LOGIN does once the member is known (greet, menu,
	// quick, offer...), with its argument in AfterArg.
	After    string `json:"af,omitempty"`
	AfterArg string `json:"aa,omitempty"`
	Banner   string `json:"bn,omitempty"`
}

// Intent is a CredEx mutation recorded before it is made.
type Intent struct {
	Key  string    `json:"key"`
	Call Call      `json:"call"`
	At   time.Time `json:"at"`
	// Before lists short digests of the ids of the issuer's pending offers
	// when a createCredex was recorded: an offer that is pending after a
	// crash and not in the list is the one the call created.
	Before []string `json:"before,omitempty"`
}
