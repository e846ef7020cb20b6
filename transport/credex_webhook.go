package transport

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/julienschmidt/httprouter"

	"github.com/vimbisopay/vimbiso"
)

// callbackMaxBody is the largest body accepted from CredEx, on both
// callback routes.
const callbackMaxBody = 64 << 10

// Route labels of vimbiso_webhook_requests_total for the CredEx callbacks.
const (
	routeCredExWebhook = "credex_webhook"
	routeBotNotify     = "bot_notify"
)

// outcomeDuplicate is the outcome label of a callback that was already
// accepted once.
const outcomeDuplicate = "duplicate"

// errInvalidAPIKey reports a missing or wrong x-client-api-key, apiKey or
// whatsappBotAPIkey header.
var errInvalidAPIKey = errors.New("invalid api key")

// EventSink stores CredEx callbacks durably and routes them to the
// conversations of the members concerned. Its methods are called from many
// request goroutines at once. An error makes the endpoint respond 503 so
// that CredEx retries. The error is logged, so it must not contain a phone
// number.
type EventSink interface {
	// DeliverEvent stores ev and routes it, unless its webhook id was seen
	// in the last 7 days: then it reports duplicate and does nothing else.
	DeliverEvent(ctx context.Context, ev CredExEvent) (duplicate bool, err error)
	// DeliverNotification stores n and returns its id, a hash of its phone,
	// message and ID. It reports duplicate when that id was already stored.
	DeliverNotification(ctx context.Context, n Notification) (id string, duplicate bool, err error)
}

// CallbackConfig configures the CredEx callback routes.
type CallbackConfig struct {
	// APIKey is CLIENT_API_KEY, which CredEx sends back to us. When it is
	// empty both routes reject every request with 401.
	APIKey string
	// WebhookSecret is CREDEX_WEBHOOK_SECRET, the HMAC-SHA256 key of
	// X-Credex-Signature. When it is empty POST /credex/webhook rejects
	// every request with 401.
	WebhookSecret string
	Now           func() time.Time // the server's clock when nil
	// ReplayWindow is how far an event's timestamp may be from Now, either
	// way. DefaultReplayWindow when 0 or less.
	ReplayWindow time.Duration
}

// callbackAnswer is the body of an accepted callback, its fields in the
// order CredEx's documentation shows them.
type callbackAnswer struct {
	Status  string `json:"status"`
	Message string `json:"message,omitempty"`
	ID      string `json:"id,omitempty"`
}

// callbacks serves the CredEx callback routes of one Server.
type callbacks struct {
	s    *Server
	cfg  CallbackConfig
	sink EventSink
}

// HandleCallbacks adds POST /credex/webhook (CredEx events) and POST
// /bot/notify (one template notification) to s's router. Call it once,
// before serving. sink must not be nil.
func (s *Server) HandleCallbacks(cfg CallbackConfig, sink EventSink) {
	if cfg.Now == nil {
		cfg.Now = s.cfg.Now
	}
	if cfg.ReplayWindow <= 0 {
		cfg.ReplayWindow = DefaultReplayWindow
	}
	if cfg.APIKey == "" {
		s.log.Error("credex client api key is empty, so every credex callback and notification is rejected with 401")
	}
	if cfg.WebhookSecret == "" {
		s.log.Error("credex webhook secret is empty, so every credex event is rejected with 401")
	}

	c := &callbacks{s: s, cfg: cfg, sink: sink}
	s.router.POST("/credex/webhook", c.receiveEvent)
	s.router.POST("/bot/notify", c.receiveNotification)
}

// receiveEvent takes one CredEx event. It checks the size, that the body is
// a JSON object, the API key and the signature over the raw bytes, then
// decodes the body. So a caller without the key learns only whether its body
// fits and is JSON. It responds 200 only once the sink has stored the event.
func (c *callbacks) receiveEvent(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
	body, err := readCallbackBody(w, r)
	if err == nil {
		err = checkJSONObject(body)
	}
	if err == nil && !keyMatches(c.cfg.APIKey, r.Header.Get("x-client-api-key")) {
		err = errInvalidAPIKey
	}
	if err == nil && !signatureMatches(c.cfg.WebhookSecret, r.Header.Get("X-Credex-Signature"), body) {
		err = errInvalidSignature
	}
	if err != nil {
		c.refuse(w, routeCredExWebhook, err)
		return
	}

	ev, err := DecodeCredExEvent(body, c.cfg.Now(), c.cfg.ReplayWindow)
	if err != nil {
		c.refuse(w, routeCredExWebhook, err)
		return
	}
	duplicate, err := c.sink.DeliverEvent(r.Context(), ev)
	if err != nil {
		c.refuse(w, routeCredExWebhook, fmt.Errorf("%w: deliver credex event %s: %w", vimbiso.ErrUnavailable, ev.WebhookID, err))
		return
	}

	if duplicate {
		writeJSON(w, http.StatusOK, callbackAnswer{Status: "duplicate"})
		c.s.metrics.webhookRequest(routeCredExWebhook, outcomeDuplicate)
		c.s.log.Debug("credex event duplicate", "event", ev)
		return
	}
	writeJSON(w, http.StatusOK, callbackAnswer{Status: "success", Message: processedMessages[ev.Type]})
	c.s.metrics.webhookRequest(routeCredExWebhook, "ok")
	c.s.log.Debug("credex event accepted", "event", ev)
}

// refuse writes a 400 response with the summary and field of a
// *CallbackError, and any other error's response from the common error
// table. It counts and logs the rejection either way.
func (c *callbacks) refuse(w http.ResponseWriter, route string, err error) {
	var invalid *CallbackError
	if !errors.As(err, &invalid) {
		c.s.refuse(w, route, err, "")
		return
	}
	writeJSON(w, http.StatusBadRequest, errorBody{Error: invalid.Summary, Details: errorDetails{Field: invalid.Field}})
	c.s.metrics.webhookRequest(route, outcomeLabel(http.StatusBadRequest))
	c.s.log.Warn("request refused", "route", route, "status", http.StatusBadRequest, "error", err)
}

// readCallbackBody reads the whole body, rejecting one larger than
// callbackMaxBody.
func readCallbackBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > callbackMaxBody {
		return nil, errBodyTooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, callbackMaxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, errBodyTooLarge
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errReadBody, err)
	}
	return body, nil
}

// keyMatches compares SHA-256 digests, so that the time taken depends on
// neither the content nor the length of either key. An empty configured key
// matches nothing.
func keyMatches(want, got string) bool {
	if want == "" {
		return false
	}
	wantSum := sha256.Sum256([]byte(want))
	gotSum := sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(wantSum[:], gotSum[:]) == 1
}

// signatureMatches checks header, "sha256=<hex HMAC-SHA256(secret, body)>",
// over the body bytes exactly as received: CredEx signs its own
// serialisation, which a re-encoding (of \u00e9 escapes, for example) would
// change. An empty secret matches nothing.
func signatureMatches(secret, header string, body []byte) bool {
	hexSum, ok := strings.CutPrefix(header, "sha256=")
	if !ok || secret == "" {
		return false
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil || len(got) != sha256.Size {
		return false
	}

	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}
