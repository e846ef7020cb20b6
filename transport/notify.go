package transport

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/julienschmidt/httprouter"

	"github.com/vimbisopay/vimbiso"
)

// channelWhatsApp is the only channel POST /bot/notify serves, and the
// default when a request names none.
const channelWhatsApp = "whatsapp"

// Notification is a validated POST /bot/notify request: send the template
// notification with body parameters MemberName and Message to Phone.
type Notification struct {
	// ID is the X-Notification-Id header, else the body's notification_id,
	// else empty. It lets CredEx send the same text twice on purpose.
	ID         string
	Phone      string // digits only
	MemberName string
	Message    string
	Channel    string // always "whatsapp"
}

// LogValue masks the phone number and leaves out the name and the message.
func (n Notification) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("notification_id", n.ID),
		slog.String("phone", vimbiso.MaskPhone(n.Phone)),
		slog.String("channel", n.Channel),
	)
}

// receiveNotification takes one notification request: size, API key (the
// apiKey header, else the older whatsappBotAPIkey, compared exactly), then
// the body. It responds 202 once the sink has stored the notification, and
// 200 when the sink already had it.
func (c *callbacks) receiveNotification(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
	body, err := readCallbackBody(w, r)
	if err == nil && !keyMatches(c.cfg.APIKey, notifyKey(r.Header)) {
		err = errInvalidAPIKey
	}
	var n Notification
	if err == nil {
		n, err = decodeNotification(body, r.Header.Get("X-Notification-Id"))
	}
	if err != nil {
		c.refuse(w, routeBotNotify, err)
		return
	}

	id, duplicate, err := c.sink.DeliverNotification(r.Context(), n)
	if err != nil {
		c.refuse(w, routeBotNotify, fmt.Errorf("%w: deliver notification: %w", vimbiso.ErrUnavailable, err))
		return
	}

	if duplicate {
		writeJSON(w, http.StatusOK, callbackAnswer{Status: "duplicate", ID: id})
		c.s.metrics.webhookRequest(routeBotNotify, outcomeDuplicate)
		c.s.log.Debug("notification duplicate", "id", id, "notification", n)
		return
	}
	writeJSON(w, http.StatusAccepted, callbackAnswer{Status: "queued", ID: id})
	c.s.metrics.webhookRequest(routeBotNotify, "ok")
	c.s.log.Debug("notification queued", "id", id, "notification", n)
}

// notifyKey returns the apiKey header (2025 callers) or, when that is
// absent, the whatsappBotAPIkey header (2024 callers).
func notifyKey(h http.Header) string {
	if key := h.Get("apiKey"); key != "" {
		return key
	}
	return h.Get("whatsappBotAPIkey")
}

// decodeNotification validates a notification body: phoneNumber (digits
// only, at most 15 as E.164 allows), memberName and message are required,
// and channel, when given, must be "whatsapp" in any case. headerID, when not empty, is the notification
// id; else the body's notification_id is. The first failure is returned as
// a *CallbackError.
// New lines and tabs are accepted, because vimbiso.NewTemplate flattens
// them when the template message is built.
func decodeNotification(body []byte, headerID string) (Notification, error) {
	obj, err := decodeJSONObject(body)
	if err != nil {
		return Notification{}, err
	}

	n := Notification{
		ID:         headerID,
		Phone:      stringAt(obj, "phoneNumber"),
		MemberName: stringAt(obj, "memberName"),
		Message:    stringAt(obj, "message"),
		Channel:    channelWhatsApp,
	}
	switch {
	case !isPhoneNumber(n.Phone):
		return Notification{}, missingNotifyField("phoneNumber")
	case strings.TrimSpace(n.MemberName) == "":
		return Notification{}, missingNotifyField("memberName")
	case strings.TrimSpace(n.Message) == "":
		return Notification{}, missingNotifyField("message")
	}

	if err := checkChannel(obj["channel"]); err != nil {
		return Notification{}, err
	}
	if n.ID == "" {
		n.ID = stringAt(obj, "notification_id")
	}
	return n, nil
}

// checkChannel accepts an absent, null or empty channel and "whatsapp" in
// any case.
func checkChannel(v any) error {
	if v == nil {
		return nil
	}
	channel, ok := v.(string)
	if !ok {
		return &CallbackError{Field: "channel", Summary: "Invalid channel: expected a string"}
	}
	if channel != "" && !strings.EqualFold(channel, channelWhatsApp) {
		return &CallbackError{Field: "channel", Summary: "Unsupported channel: " + truncateForError(channel)}
	}
	return nil
}

func missingNotifyField(field string) error {
	return &CallbackError{Field: field, Summary: "Missing required fields"}
}
