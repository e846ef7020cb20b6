package vimbiso

import (
	"log/slog"
	"time"
)

// InputKind classifies what reached a conversation.
type InputKind string

const (
	// InputText is a typed message; Text holds text.body trimmed.
	InputText InputKind = "text"
	// InputChoice is a reply button, a list row or a template quick reply;
	// ChoiceID holds its id.
	InputChoice InputKind = "choice"
	// InputForm is a completed WhatsApp Flow; Form holds its fields.
	InputForm InputKind = "form"
	// InputUnsupported is media, a location, contacts or an unknown type;
	// Type names it.
	InputUnsupported InputKind = "unsupported"
	// InputIgnored is recorded and counted but gets no reply: reactions,
	// system notices and group messages.
	InputIgnored InputKind = "ignored"
	// InputResult carries the result of a CredEx call back into the
	// conversation that requested it. It never comes from WhatsApp.
	InputResult InputKind = "result"
	// InputEvent is a CredEx callback routed to one member's conversation.
	InputEvent InputKind = "event"
)

// Input is one thing that happened to a conversation. Inputs from WhatsApp
// are stored in the user's inbox before the webhook responds, so every
// field must survive a JSON round trip.
type Input struct {
	Kind      InputKind         `json:"k"`
	MessageID string            `json:"id,omitempty"` // WhatsApp wamid: dedupe key, mark-as-read target
	Type      string            `json:"t,omitempty"`  // WhatsApp message type as sent
	Text      string            `json:"x,omitempty"`
	ChoiceID  string            `json:"c,omitempty"`
	ContextID string            `json:"ctx,omitempty"` // id of our message whose button was tapped
	Form      map[string]string `json:"f,omitempty"`
	BSUID     string            `json:"b,omitempty"` // business-scoped user id, when Meta sends one
	SentAt    time.Time         `json:"s"`           // WhatsApp timestamp (second resolution)
	// ReceivedAt is when the webhook reached us.
	ReceivedAt time.Time `json:"r"`

	Result *Result `json:"-"`
	Event  *Event  `json:"e,omitempty"`
}

// LogValue lists the fields an operator needs to follow a message and
// leaves out everything the user typed.
func (in Input) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("kind", string(in.Kind))}
	if in.MessageID != "" {
		attrs = append(attrs, slog.String("message_id", in.MessageID))
	}
	if in.Type != "" {
		attrs = append(attrs, slog.String("type", in.Type))
	}
	if in.ChoiceID != "" {
		attrs = append(attrs, slog.String("choice", in.ChoiceID))
	}
	return slog.GroupValue(attrs...)
}

// InboxItem is an Input as stored in a user's durable inbox. ID orders the
// items of one inbox (a Redis stream id, "<ms>-<seq>").
type InboxItem struct {
	ID    string
	User  User
	Input Input
}
