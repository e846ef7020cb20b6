package transport

import (
	"log/slog"
	"time"

	"github.com/vimbisopay/vimbiso"
)

// Inbound is one WhatsApp message for one user. User.WaID is empty for a
// user known only by a business-scoped id; Input.BSUID is set then.
type Inbound struct {
	User  vimbiso.User
	Input vimbiso.Input
	// Name is the sender's WhatsApp profile name from the matching contact,
	// for logs only; it is not stored with the input.
	Name string
}

// LogValue masks the user and leaves out what they wrote.
func (in Inbound) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Any("user", in.User),
		slog.Any("input", in.Input),
	)
}

// Delivery is everything one webhook body carried for the numbers we serve.
type Delivery struct {
	Messages []Inbound
	Statuses []Status
	// Errors lists value.errors and the errors attached to messages, such as
	// code 131051 on a message of type "unsupported". Errors attached to a
	// status stay in Status.Errors.
	Errors []GraphErrorItem
	// Skipped counts changes that carried no work for us: fields other than
	// "messages", and business numbers this service does not serve.
	Skipped int
}

// Status is a delivery status callback for a message we sent.
type Status struct {
	PhoneNumberID   string
	ID              string // the wamid of our message
	Status          string // sent, delivered, read or failed
	RecipientID     string // the user's phone number: never log it unmasked
	RecipientUserID string // the user's business-scoped id, when Meta sends one
	Timestamp       time.Time
	Errors          []GraphErrorItem
}

// LogValue masks the recipient's phone number.
func (s Status) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("message_id", s.ID),
		slog.String("status", s.Status),
		slog.String("recipient", vimbiso.MaskPhone(s.RecipientID)),
	}
	if len(s.Errors) > 0 {
		attrs = append(attrs, slog.Int("code", s.Errors[0].Code))
	}
	return slog.GroupValue(attrs...)
}

// GraphErrorItem is one error object as Meta puts it in webhooks and in
// Graph API responses. Act on Code, never on Title or Message.
type GraphErrorItem struct {
	Code    int
	Title   string
	Message string
	Details string // error_data.details
}

// LogValue keeps the code and Meta's explanation. Meta's error texts name
// no user, so they are safe to log.
func (e GraphErrorItem) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("code", e.Code), slog.String("title", e.Title))
}

// DecodeError reports a webhook body that cannot be decoded.
type DecodeError struct {
	// Field is the JSON path of the offending value, for example
	// "entry[0].changes[1].value.metadata.phone_number_id", or "body" when
	// the body is not JSON at all.
	Field  string
	Reason string
}

func (e *DecodeError) Error() string {
	return "decode webhook: " + e.Field + ": " + e.Reason
}
