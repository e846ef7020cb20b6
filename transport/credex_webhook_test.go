package transport

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vimbisopay/vimbiso"
)

const (
	testClientAPIKey  = "test-client-api-key"
	testWebhookSecret = "test-credex-webhook-secret"
)

// Response bodies of the CredEx callback routes, as CredEx's documentation
// gives them.
const (
	answerOfferProcessed   = `{"status":"success","message":"Offer update processed"}`
	answerMemberProcessed  = `{"status":"success","message":"Member update processed"}`
	answerCompanyProcessed = `{"status":"success","message":"Company update processed"}`
	answerDuplicateEvent   = `{"status":"duplicate"}`
	answerInvalidKey       = `{"error":"Invalid API key","details":{"error_type":"authentication"}}`
	answerInvalidSignature = `{"error":"Invalid webhook signature","details":{"error_type":"signature_validation"}}`
	answerTooLarge         = `{"error":"Request body too large","details":{"error_type":"payload_too_large"}}`
	answerNotObject        = `{"error":"Request body is not a JSON object","details":{"field":"body"}}`
	answerUnavailable      = `{"error":"Storage unavailable, retry later","details":{"error_type":"processing_error"}}`
	answerStaleTimestamp   = `{"error":"Webhook timestamp is more than 5m0s away from the server time","details":{"field":"metadata.timestamp"}}`
)

// fakeSink records what the callback routes deliver. It reports duplicate
// and err as set; the notification id is a hash of phone, message and ID,
// as the real sink's is.
type fakeSink struct {
	mu            sync.Mutex
	events        []CredExEvent
	notifications []Notification
	duplicate     bool
	err           error
}

func (f *fakeSink) DeliverEvent(_ context.Context, ev CredExEvent) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, ev)
	return f.duplicate, f.err
}

func (f *fakeSink) DeliverNotification(_ context.Context, n Notification) (string, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.notifications = append(f.notifications, n)
	sum := sha256.Sum256([]byte(n.Phone + "\x00" + n.Message + "\x00" + n.ID))
	return hex.EncodeToString(sum[:8]), f.duplicate, f.err
}

// setResult makes the sink report duplicate and err from now on.
func (f *fakeSink) setResult(duplicate bool, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.duplicate, f.err = duplicate, err
}

func (f *fakeSink) delivered() ([]CredExEvent, []Notification) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]CredExEvent(nil), f.events...), append([]Notification(nil), f.notifications...)
}

// lockedBuffer is a log destination that request goroutines share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type testCallbacks struct {
	url      string
	sink     *fakeSink
	registry *prometheus.Registry
	logs     *lockedBuffer
}

// startCallbacks serves a Server with the callback routes on a loopback
// httptest server, logging at debug level. change, when not nil, edits the
// callback configuration first.
func startCallbacks(t *testing.T, change func(*CallbackConfig)) *testCallbacks {
	t.Helper()
	reg := prometheus.NewRegistry()
	logs := &lockedBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := NewServer(ServerConfig{AppSecret: testAppSecret, PhoneNumberIDs: testServed, Logger: log, Gatherer: reg},
		&fakeDeliverer{}, nil, NewMetrics(reg))

	cfg := CallbackConfig{
		APIKey:        testClientAPIKey,
		WebhookSecret: testWebhookSecret,
		Now:           func() time.Time { return testNow },
	}
	if change != nil {
		change(&cfg)
	}
	sink := &fakeSink{}
	s.HandleCallbacks(cfg, sink)

	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &testCallbacks{url: srv.URL, sink: sink, registry: reg, logs: logs}
}

func signCredEx(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// postEvent posts body to /credex/webhook with the right key and signature.
// edit, when not nil, changes the headers first.
func (tc *testCallbacks) postEvent(t *testing.T, body []byte, edit func(http.Header)) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, tc.url+"/credex/webhook", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-client-api-key", testClientAPIKey)
	req.Header.Set("X-Credex-Signature", signCredEx(testWebhookSecret, body))
	if edit != nil {
		edit(req.Header)
	}
	return do(t, req)
}

// checkAnswer checks the status and the exact JSON body of a response.
func checkAnswer(t *testing.T, resp *http.Response, body []byte, status int, want string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Errorf("status = %d, want %d (body %s)", resp.StatusCode, status, body)
	}
	if got := strings.TrimSpace(string(body)); got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
}

// eventWith returns the testdata event file re-encoded after edit changed
// its metadata and payload objects.
func eventWith(t *testing.T, file string, edit func(metadata, payload map[string]any)) []byte {
	t.Helper()
	var root map[string]any
	if err := json.Unmarshal(readTestdata(t, "callbacks/"+file), &root); err != nil {
		t.Fatal(err)
	}
	edit(root["metadata"].(map[string]any), root["payload"].(map[string]any))
	body, err := json.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func TestCredExWebhookAccepts(t *testing.T) {
	tests := []struct {
		file      string
		answer    string
		webhookID string
	}{
		{"offer_pending.json", answerOfferProcessed, "00000000-0000-4000-8000-0000000000e1"},
		{"offer_accepted.json", answerOfferProcessed, "00000000-0000-4000-8000-0000000000e2"},
		{"offer_original_fields.json", answerOfferProcessed, "00000000-0000-4000-8000-0000000000e3"},
		{"member_update.json", answerMemberProcessed, "00000000-0000-4000-8000-0000000000e4"},
		{"company_update.json", answerCompanyProcessed, "00000000-0000-4000-8000-0000000000e5"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			tc := startCallbacks(t, nil)
			resp, body := tc.postEvent(t, readTestdata(t, "callbacks/"+tt.file), nil)
			checkAnswer(t, resp, body, http.StatusOK, tt.answer)

			events, _ := tc.sink.delivered()
			if len(events) != 1 {
				t.Fatalf("sink got %d events, want 1", len(events))
			}
			if events[0].WebhookID != tt.webhookID {
				t.Errorf("sink got webhook id %q, want %q", events[0].WebhookID, tt.webhookID)
			}
		})
	}
}

func TestCredExWebhookRejects(t *testing.T) {
	pending := readTestdata(t, "callbacks/offer_pending.json")
	tooLarge := append(bytes.Clone(pending), bytes.Repeat([]byte(" "), callbackMaxBody+1-len(pending))...)
	stale := eventWith(t, "offer_pending.json", func(m, _ map[string]any) { m["timestamp"] = "2025-01-14T09:54:59Z" })
	noTimestamp := eventWith(t, "offer_pending.json", func(m, _ map[string]any) { delete(m, "timestamp") })
	badTimestamp := eventWith(t, "offer_pending.json", func(m, _ map[string]any) { m["timestamp"] = "14/01/2025 10:00" })
	unknownType := eventWith(t, "offer_pending.json", func(m, _ map[string]any) { m["event_type"] = "payment_update" })
	noAmount := eventWith(t, "offer_pending.json", func(_, p map[string]any) { delete(p, "amount") })
	setHeader := func(name, value string) func(http.Header) {
		return func(h http.Header) { h.Set(name, value) }
	}
	dropHeader := func(name string) func(http.Header) {
		return func(h http.Header) { h.Del(name) }
	}

	tests := []struct {
		name   string
		body   []byte
		edit   func(http.Header)
		status int
		answer string
	}{
		// Check 1: size and shape.
		{"body one byte too large", tooLarge, nil, http.StatusRequestEntityTooLarge, answerTooLarge},
		{"not JSON", []byte(`{"metadata":`), nil, http.StatusBadRequest, answerNotObject},
		{"JSON array", []byte(`[{"metadata":{}}]`), nil, http.StatusBadRequest, answerNotObject},
		{"JSON string", []byte(`"offer_update"`), nil, http.StatusBadRequest, answerNotObject},
		{"empty body", []byte{}, nil, http.StatusBadRequest, answerNotObject},
		{"trailing data", append(bytes.Clone(pending), `{}`...), nil, http.StatusBadRequest, answerNotObject},

		// Check 2: the API key.
		{"no API key", pending, dropHeader("x-client-api-key"), http.StatusUnauthorized, answerInvalidKey},
		{"wrong API key", pending, setHeader("x-client-api-key", "guess"), http.StatusUnauthorized, answerInvalidKey},
		{"API key prefix", pending, setHeader("x-client-api-key", "test-client-api"), http.StatusUnauthorized, answerInvalidKey},
		{"API key in upper case", pending, setHeader("x-client-api-key", strings.ToUpper(testClientAPIKey)), http.StatusUnauthorized, answerInvalidKey},

		// Check 3: the signature.
		{"no signature", pending, dropHeader("X-Credex-Signature"), http.StatusUnauthorized, answerInvalidSignature},
		{"signature with another secret", pending, setHeader("X-Credex-Signature", signCredEx("guess", pending)), http.StatusUnauthorized, answerInvalidSignature},
		{"signature without prefix", pending, setHeader("X-Credex-Signature", strings.TrimPrefix(signCredEx(testWebhookSecret, pending), "sha256=")), http.StatusUnauthorized, answerInvalidSignature},
		{"signature not hex", pending, setHeader("X-Credex-Signature", "sha256=zz"), http.StatusUnauthorized, answerInvalidSignature},
		{"signature truncated", pending, setHeader("X-Credex-Signature", signCredEx(testWebhookSecret, pending)[:40]), http.StatusUnauthorized, answerInvalidSignature},
		{"signature of the WhatsApp secret", pending, setHeader("X-Credex-Signature", sign(pending)), http.StatusUnauthorized, answerInvalidSignature},

		// Checks 4 to 6: the decoded body.
		{"stale timestamp", stale, nil, http.StatusBadRequest, answerStaleTimestamp},
		{"no timestamp", noTimestamp, nil, http.StatusBadRequest,
			`{"error":"Missing required metadata fields: timestamp","details":{"field":"metadata.timestamp"}}`},
		{"timestamp not ISO 8601", badTimestamp, nil, http.StatusBadRequest,
			`{"error":"Invalid metadata field timestamp: expected an ISO 8601 time such as 2025-01-14T10:00:00Z","details":{"field":"metadata.timestamp"}}`},
		{"unsupported type", unknownType, nil, http.StatusBadRequest,
			`{"error":"Unsupported webhook type: payment_update","details":{"field":"metadata.event_type"}}`},
		{"missing amount", noAmount, nil, http.StatusBadRequest,
			`{"error":"Missing required offer fields: amount","details":{"field":"payload.amount"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc := startCallbacks(t, nil)
			resp, body := tc.postEvent(t, tt.body, tt.edit)
			checkAnswer(t, resp, body, tt.status, tt.answer)
			if events, _ := tc.sink.delivered(); len(events) != 0 {
				t.Errorf("sink got %d events for a rejected request", len(events))
			}
		})
	}
}

func TestCredExWebhookBodyAtLimit(t *testing.T) {
	pending := readTestdata(t, "callbacks/offer_pending.json")
	body := append(bytes.Clone(pending), bytes.Repeat([]byte(" "), callbackMaxBody-len(pending))...)
	tc := startCallbacks(t, nil)
	resp, answer := tc.postEvent(t, body, nil)
	checkAnswer(t, resp, answer, http.StatusOK, answerOfferProcessed)
}

func TestCredExWebhookChunkedTooLarge(t *testing.T) {
	pending := readTestdata(t, "callbacks/offer_pending.json")
	body := append(bytes.Clone(pending), bytes.Repeat([]byte(" "), callbackMaxBody)...)
	tc := startCallbacks(t, nil)
	req, err := http.NewRequest(http.MethodPost, tc.url+"/credex/webhook", io.MultiReader(bytes.NewReader(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-client-api-key", testClientAPIKey)
	req.Header.Set("X-Credex-Signature", signCredEx(testWebhookSecret, body))
	resp, answer := do(t, req)
	checkAnswer(t, resp, answer, http.StatusRequestEntityTooLarge, answerTooLarge)
	checkNothingDelivered(t, tc.sink)
}

// TestCredExWebhookCheckOrder sends requests with two faults each. The
// response names the one checked first.
func TestCredExWebhookCheckOrder(t *testing.T) {
	pending := readTestdata(t, "callbacks/offer_pending.json")
	tooLarge := append(bytes.Clone(pending), bytes.Repeat([]byte(" "), callbackMaxBody)...)
	notJSON := []byte(`{"metadata":`)
	staleUnknown := eventWith(t, "offer_pending.json", func(m, _ map[string]any) {
		m["timestamp"] = "2025-01-14T09:00:00Z"
		m["event_type"] = "payment_update"
	})
	unknownNoID := eventWith(t, "offer_pending.json", func(m, _ map[string]any) {
		m["event_type"] = "payment_update"
		delete(m, "webhook_id")
	})
	noIDNoAmount := eventWith(t, "offer_pending.json", func(m, p map[string]any) {
		delete(m, "webhook_id")
		delete(p, "amount")
	})
	badKeyAndSignature := func(h http.Header) {
		h.Set("x-client-api-key", "guess")
		h.Set("X-Credex-Signature", "sha256=00")
	}

	tests := []struct {
		name   string
		body   []byte
		edit   func(http.Header)
		status int
		answer string
	}{
		{"too large, bad key", tooLarge, badKeyAndSignature, http.StatusRequestEntityTooLarge, answerTooLarge},
		{"not JSON, bad key", notJSON, badKeyAndSignature, http.StatusBadRequest, answerNotObject},
		{"bad key, bad signature", pending, badKeyAndSignature, http.StatusUnauthorized, answerInvalidKey},
		{"bad signature, stale and unknown type", staleUnknown, func(h http.Header) { h.Set("X-Credex-Signature", "sha256=00") },
			http.StatusUnauthorized, answerInvalidSignature},
		{"stale, unknown type", staleUnknown, nil, http.StatusBadRequest,
			`{"error":"Webhook timestamp is more than 5m0s away from the server time","details":{"field":"metadata.timestamp"}}`},
		{"unknown type, no webhook id", unknownNoID, nil, http.StatusBadRequest,
			`{"error":"Unsupported webhook type: payment_update","details":{"field":"metadata.event_type"}}`},
		{"no webhook id, no amount", noIDNoAmount, nil, http.StatusBadRequest,
			`{"error":"Missing required metadata fields: webhook_id","details":{"field":"metadata.webhook_id"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc := startCallbacks(t, nil)
			resp, body := tc.postEvent(t, tt.body, tt.edit)
			checkAnswer(t, resp, body, tt.status, tt.answer)
		})
	}
}

// TestCredExWebhookSignatureOverRawBytes sends an event whose account name
// is written "Ren\u00e9e": the signature covers those bytes, and a signature
// over the same JSON re-encoded (with "é" as UTF-8) is rejected.
func TestCredExWebhookSignatureOverRawBytes(t *testing.T) {
	pending := readTestdata(t, "callbacks/offer_pending.json")
	if !bytes.Contains(pending, []byte(`Ren\u00e9e`)) {
		t.Fatal(`testdata offer_pending.json lacks the escape Ren\u00e9e`)
	}

	t.Run("raw bytes", func(t *testing.T) {
		tc := startCallbacks(t, nil)
		resp, body := tc.postEvent(t, pending, nil)
		checkAnswer(t, resp, body, http.StatusOK, answerOfferProcessed)
		events, _ := tc.sink.delivered()
		if len(events) != 1 || events[0].IssuerAccountName != "Renée Example Personal" {
			t.Errorf("sink got %+v, want one event from %q", events, "Renée Example Personal")
		}
	})
	t.Run("re-encoded body", func(t *testing.T) {
		tc := startCallbacks(t, nil)
		reencoded := reencode(t, pending)
		resp, body := tc.postEvent(t, pending, func(h http.Header) {
			h.Set("X-Credex-Signature", signCredEx(testWebhookSecret, reencoded))
		})
		checkAnswer(t, resp, body, http.StatusUnauthorized, answerInvalidSignature)
	})
}

func TestCredExWebhookReplayWindow(t *testing.T) {
	sentAt := time.Date(2025, 1, 14, 10, 0, 0, 0, time.UTC) // offer_pending.json's timestamp
	tests := []struct {
		name   string
		window time.Duration
		now    time.Time
		status int
	}{
		{"same time", 0, sentAt, http.StatusOK},
		{"5m late", 0, sentAt.Add(5 * time.Minute), http.StatusOK},
		{"5m1s late", 0, sentAt.Add(5*time.Minute + time.Second), http.StatusBadRequest},
		{"5m early", 0, sentAt.Add(-5 * time.Minute), http.StatusOK},
		{"5m1s early", 0, sentAt.Add(-5*time.Minute - time.Second), http.StatusBadRequest},
		{"1ns past the window", 0, sentAt.Add(5*time.Minute + time.Nanosecond), http.StatusBadRequest},
		{"1m window, 1m late", time.Minute, sentAt.Add(time.Minute), http.StatusOK},
		{"1m window, 61s late", time.Minute, sentAt.Add(61 * time.Second), http.StatusBadRequest},
	}
	pending := readTestdata(t, "callbacks/offer_pending.json")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc := startCallbacks(t, func(c *CallbackConfig) {
				c.Now = func() time.Time { return tt.now }
				c.ReplayWindow = tt.window
			})
			resp, body := tc.postEvent(t, pending, nil)
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d, want %d (body %s)", resp.StatusCode, tt.status, body)
			}
			if tt.status == http.StatusBadRequest && !bytes.Contains(body, []byte(`"field":"metadata.timestamp"`)) {
				t.Errorf("body %s does not name metadata.timestamp", body)
			}
		})
	}
}

func TestCredExWebhookDuplicate(t *testing.T) {
	tc := startCallbacks(t, nil)
	tc.sink.setResult(true, nil)
	resp, body := tc.postEvent(t, readTestdata(t, "callbacks/member_update.json"), nil)
	checkAnswer(t, resp, body, http.StatusOK, answerDuplicateEvent)
}

func TestCredExWebhookSinkFails(t *testing.T) {
	for _, file := range []string{"offer_pending.json", "member_update.json", "company_update.json"} {
		t.Run(file, func(t *testing.T) {
			tc := startCallbacks(t, nil)
			tc.sink.setResult(false, errors.New("redis: connection refused"))
			resp, body := tc.postEvent(t, readTestdata(t, "callbacks/"+file), nil)
			checkAnswer(t, resp, body, http.StatusServiceUnavailable, answerUnavailable)
			if bytes.Contains(body, []byte("success")) || bytes.Contains(body, []byte("redis")) {
				t.Errorf("body %s reports success or shows the internal error", body)
			}
		})
	}
}

func TestCallbacksFailClosed(t *testing.T) {
	pending := readTestdata(t, "callbacks/offer_pending.json")
	notify := readTestdata(t, "callbacks/notify.json")

	t.Run("no API key", func(t *testing.T) {
		tc := startCallbacks(t, func(c *CallbackConfig) { c.APIKey = "" })
		resp, body := tc.postEvent(t, pending, func(h http.Header) { h.Set("x-client-api-key", "") })
		checkAnswer(t, resp, body, http.StatusUnauthorized, answerInvalidKey)
		resp, body = tc.postNotify(t, notify, func(h http.Header) { h.Set("apiKey", "") })
		checkAnswer(t, resp, body, http.StatusUnauthorized, answerInvalidKey)
		checkLoggedOnce(t, tc.logs.String(), "credex client api key is empty")
		checkNothingDelivered(t, tc.sink)
	})
	t.Run("no webhook secret", func(t *testing.T) {
		tc := startCallbacks(t, func(c *CallbackConfig) { c.WebhookSecret = "" })
		for range 2 {
			resp, body := tc.postEvent(t, pending, func(h http.Header) { h.Set("X-Credex-Signature", signCredEx("", pending)) })
			checkAnswer(t, resp, body, http.StatusUnauthorized, answerInvalidSignature)
		}
		checkLoggedOnce(t, tc.logs.String(), "credex webhook secret is empty")
		checkNothingDelivered(t, tc.sink)
	})
}

func checkNothingDelivered(t *testing.T, sink *fakeSink) {
	t.Helper()
	if events, notifications := sink.delivered(); len(events)+len(notifications) != 0 {
		t.Errorf("sink got %d events and %d notifications, want none", len(events), len(notifications))
	}
}

func checkLoggedOnce(t *testing.T, logs, message string) {
	t.Helper()
	if n := strings.Count(logs, message); n != 1 {
		t.Errorf("log has %q %d times, want once:\n%s", message, n, logs)
	}
}

func TestCallbacksMetrics(t *testing.T) {
	tc := startCallbacks(t, nil)
	pending := readTestdata(t, "callbacks/offer_pending.json")
	notify := readTestdata(t, "callbacks/notify.json")
	tc.postEvent(t, pending, nil)
	tc.postEvent(t, pending, func(h http.Header) { h.Del("x-client-api-key") })
	tc.postEvent(t, []byte(`[]`), nil)
	tc.postNotify(t, notify, nil)
	tc.sink.setResult(true, nil)
	tc.postEvent(t, pending, nil)
	tc.postNotify(t, notify, nil)

	resp, body := (&testFrontEnd{url: tc.url}).get(t, "/metrics")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics = %d", resp.StatusCode)
	}
	for _, line := range []string{
		`vimbiso_webhook_requests_total{outcome="ok",route="credex_webhook"} 1`,
		`vimbiso_webhook_requests_total{outcome="unauthorized",route="credex_webhook"} 1`,
		`vimbiso_webhook_requests_total{outcome="malformed",route="credex_webhook"} 1`,
		`vimbiso_webhook_requests_total{outcome="duplicate",route="credex_webhook"} 1`,
		`vimbiso_webhook_requests_total{outcome="ok",route="bot_notify"} 1`,
		`vimbiso_webhook_requests_total{outcome="duplicate",route="bot_notify"} 1`,
	} {
		if !bytes.Contains(body, []byte(line)) {
			t.Errorf("GET /metrics lacks %s", line)
		}
	}
}

// TestCallbacksLogRedaction logs at debug level through accepted, duplicate
// and rejected requests, and checks that no phone number, name, message
// text, key or secret reaches the log.
func TestCallbacksLogRedaction(t *testing.T) {
	tc := startCallbacks(t, nil)
	pending := readTestdata(t, "callbacks/offer_pending.json")
	notify := readTestdata(t, "callbacks/notify.json")
	tc.postEvent(t, pending, nil)
	tc.postEvent(t, readTestdata(t, "callbacks/member_update.json"), nil)
	tc.postEvent(t, readTestdata(t, "callbacks/company_update.json"), nil)
	tc.postNotify(t, notify, nil)
	tc.postNotify(t, []byte(`{"phoneNumber":"+263770000001","memberName":"Alice Example","message":"Bob Example offered you 2.00 USD"}`), nil)
	tc.sink.setResult(true, nil)
	tc.postEvent(t, pending, nil)
	tc.postNotify(t, notify, nil)

	logs := tc.logs.String()
	for _, secret := range []string{alicePhone, bobPhone, joanPhone, "Alice Example", "Bob Example", "offered you",
		testClientAPIKey, testWebhookSecret} {
		if strings.Contains(logs, secret) {
			t.Errorf("log shows %q:\n%s", secret, logs)
		}
	}
	for _, want := range []string{"00000000-0000-4000-8000-0000000000e1", vimbiso.MaskPhone(alicePhone)} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
}

func TestDecodeCredExEventFields(t *testing.T) {
	tests := []struct {
		file string
		want CredExEvent
	}{
		{"offer_pending.json", CredExEvent{
			WebhookID: "00000000-0000-4000-8000-0000000000e1", Type: vimbiso.EventOfferUpdate, Timestamp: testNow,
			OfferID: "00000000-0000-4000-8000-0000000000c1", CompanyID: "00000000-0000-4000-8000-0000000000b1",
			Status: "pending", Amount: 2, Denomination: "USD", Expiry: time.Date(2025, 2, 11, 0, 0, 0, 0, time.UTC), Secured: true,
			IssuerAccountID: "00000000-0000-4000-8000-0000000000b3", IssuerAccountName: "Renée Example Personal",
			ReceiverAccountID: "00000000-0000-4000-8000-0000000000b1", ReceiverAccountName: "Alice Example Personal",
			Notify: []NotifyTarget{{Phone: alicePhone, MemberName: "Alice Example", Role: "receiver"}},
		}},
		{"offer_accepted.json", CredExEvent{
			WebhookID: "00000000-0000-4000-8000-0000000000e2", Type: vimbiso.EventOfferUpdate,
			Timestamp: testNow.Add(90*time.Second + 250*time.Millisecond),
			OfferID:   "00000000-0000-4000-8000-0000000000c1", CompanyID: "00000000-0000-4000-8000-0000000000b1",
			Status: "accepted", Amount: 2, Denomination: "USD", Expiry: time.Date(2025, 2, 11, 0, 0, 0, 0, time.UTC),
			IssuerAccountID: "00000000-0000-4000-8000-0000000000b3", IssuerAccountName: "Bob Example Personal",
			ReceiverAccountID: "00000000-0000-4000-8000-0000000000b1", ReceiverAccountName: "Alice Example Personal",
			Notify: []NotifyTarget{{Phone: bobPhone, MemberName: "Bob Example", Role: "issuer"}},
		}},
		{"offer_original_fields.json", CredExEvent{
			WebhookID: "00000000-0000-4000-8000-0000000000e3", Type: vimbiso.EventOfferUpdate, Timestamp: testNow.Add(-2 * time.Minute),
			OfferID: "00000000-0000-4000-8000-0000000000c2", CompanyID: "00000000-0000-4000-8000-0000000000b1",
			Status: "cancelled", Amount: 15, Denomination: "CXX", Expiry: time.Date(2025, 2, 11, 0, 0, 0, 0, time.UTC),
		}},
		{"member_update.json", CredExEvent{
			WebhookID: "00000000-0000-4000-8000-0000000000e4", Type: vimbiso.EventMemberUpdate, Timestamp: testNow,
			MemberID: "00000000-0000-4000-8000-0000000000a2", Status: "active", UpdatedFields: []string{"memberTier"},
			Phone: bobPhone, MemberTier: 4,
		}},
		{"company_update.json", CredExEvent{
			WebhookID: "00000000-0000-4000-8000-0000000000e5", Type: vimbiso.EventCompanyUpdate, Timestamp: testNow,
			CompanyID: "00000000-0000-4000-8000-0000000000b4", Name: "Example Trading", Status: "active",
			UpdatedFields: []string{"name", "sendOffersTo"}, OwnerPhone: joanPhone,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := DecodeCredExEvent(readTestdata(t, "callbacks/"+tt.file), testNow, DefaultReplayWindow)
			if err != nil {
				t.Fatalf("DecodeCredExEvent(%s) error = %v", tt.file, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("DecodeCredExEvent(%s) =\n%+v\nwant\n%+v", tt.file, got, tt.want)
			}
		})
	}
}

func TestDecodeCredExEventRequiredFields(t *testing.T) {
	required := map[string][]string{
		"offer_pending.json":  {"offer_id", "company_id", "status", "amount", "denomination", "expiry"},
		"member_update.json":  {"member_id", "status", "updated_fields"},
		"company_update.json": {"company_id", "name", "status", "updated_fields"},
	}
	parts := map[string]string{"offer_pending.json": "offer", "member_update.json": "member", "company_update.json": "company"}
	for file, fields := range required {
		for _, field := range fields {
			for _, blank := range []any{nil, "deleted", "", "  "} {
				body := eventWith(t, file, func(_, p map[string]any) {
					if blank == "deleted" {
						delete(p, field)
						return
					}
					p[field] = blank
				})
				want := &CallbackError{Field: "payload." + field, Summary: "Missing required " + parts[file] + " fields: " + field}
				checkDecodeError(t, body, want)
			}
		}
	}

	for _, field := range []string{"webhook_id", "event_type", "timestamp"} {
		body := eventWith(t, "member_update.json", func(m, _ map[string]any) { delete(m, field) })
		checkDecodeError(t, body, &CallbackError{Field: "metadata." + field, Summary: "Missing required metadata fields: " + field})
	}

	t.Run("optional fields absent", func(t *testing.T) {
		body := eventWith(t, "member_update.json", func(_, p map[string]any) {
			delete(p, "phone")
			delete(p, "member_tier")
		})
		if _, err := DecodeCredExEvent(body, testNow, DefaultReplayWindow); err != nil {
			t.Errorf("member_update without phone and member_tier: error = %v", err)
		}
	})
}

func TestDecodeCredExEventInvalidFields(t *testing.T) {
	set := func(file, key string, value any) []byte {
		return eventWith(t, file, func(_, p map[string]any) { p[key] = value })
	}
	tests := []struct {
		name string
		body []byte
		want *CallbackError
	}{
		// Whole sections.
		{"metadata not an object", []byte(`{"metadata":[],"payload":{}}`),
			&CallbackError{Field: "metadata", Summary: "Invalid metadata: expected an object"}},
		{"payload not an object", []byte(`{"metadata":{"webhook_id":"e","event_type":"member_update","timestamp":"2025-01-14T10:00:00Z"},"payload":"x"}`),
			&CallbackError{Field: "payload", Summary: "Invalid payload: expected an object"}},
		{"payload absent", []byte(`{"metadata":{"webhook_id":"e","event_type":"member_update","timestamp":"2025-01-14T10:00:00Z"}}`),
			&CallbackError{Field: "payload.member_id", Summary: "Missing required member fields: member_id, status, updated_fields"}},
		{"event type a number", eventWith(t, "offer_pending.json", func(m, _ map[string]any) { m["event_type"] = 1 }),
			&CallbackError{Field: "metadata.event_type", Summary: "Invalid metadata field event_type: expected a string"}},
		{"notify is not an event type", eventWith(t, "offer_pending.json", func(m, _ map[string]any) { m["event_type"] = "notify" }),
			&CallbackError{Field: "metadata.event_type", Summary: "Unsupported webhook type: notify"}},
		{"timestamp with offset", eventWith(t, "member_update.json", func(m, _ map[string]any) { m["timestamp"] = "2025-01-14T12:03:00+02:00" }), nil},
		{"timestamp without zone", eventWith(t, "member_update.json", func(m, _ map[string]any) { m["timestamp"] = "2025-01-14T10:00:00" }), nil},

		// Offer fields.
		{"amount numeric string", set("offer_pending.json", "amount", " 2.5 "), nil},
		{"amount text", set("offer_pending.json", "amount", "two"),
			&CallbackError{Field: "payload.amount", Summary: "Invalid offer field amount: expected a number"}},
		{"amount boolean", set("offer_pending.json", "amount", true),
			&CallbackError{Field: "payload.amount", Summary: "Invalid offer field amount: expected a number"}},
		{"amount NaN", set("offer_pending.json", "amount", "NaN"),
			&CallbackError{Field: "payload.amount", Summary: "Invalid offer field amount: expected a number"}},
		{"amount overflows", set("offer_pending.json", "amount", "1e999"),
			&CallbackError{Field: "payload.amount", Summary: "Invalid offer field amount: expected a number"}},
		{"expiry not ISO 8601", set("offer_pending.json", "expiry", "next week"),
			&CallbackError{Field: "payload.expiry", Summary: "Invalid offer field expiry: expected an ISO 8601 time such as 2025-01-14T10:00:00Z"}},
		{"offer id a number", set("offer_pending.json", "offer_id", 7),
			&CallbackError{Field: "payload.offer_id", Summary: "Invalid offer field offer_id: expected a string"}},
		{"secured a string", set("offer_pending.json", "secured", "yes"),
			&CallbackError{Field: "payload.secured", Summary: "Invalid offer field secured: expected true or false"}},
		{"notify an object", set("offer_pending.json", "notify", map[string]any{"phone": alicePhone}),
			&CallbackError{Field: "payload.notify", Summary: "Invalid offer field notify: expected a list"}},
		{"notify of strings", set("offer_pending.json", "notify", []any{alicePhone}),
			&CallbackError{Field: "payload.notify", Summary: "Invalid offer field notify: expected a list of objects"}},
		{"notify empty", set("offer_pending.json", "notify", []any{}), nil},
		{"notify without phone", set("offer_pending.json", "notify", []any{map[string]any{"role": "receiver"}}),
			&CallbackError{Field: "payload.notify[0].phone", Summary: "Missing required offer fields: notify[0].phone"}},
		{"notify with another role", set("offer_pending.json", "notify", []any{
			map[string]any{"phone": alicePhone, "role": "receiver"}, map[string]any{"phone": bobPhone, "role": "owner"}}),
			&CallbackError{Field: "payload.notify[1].role", Summary: "Invalid offer field notify[1].role: expected receiver or issuer"}},
		{"notify phone with plus", set("offer_pending.json", "notify", []any{map[string]any{"phone": "+" + alicePhone, "role": "receiver"}}),
			&CallbackError{Field: "payload.notify[0].phone", Summary: "Invalid offer field notify[0].phone: expected digits only, at most 15"}},

		// Member and company fields.
		{"updated_fields a string", set("member_update.json", "updated_fields", "memberTier"),
			&CallbackError{Field: "payload.updated_fields", Summary: "Invalid member field updated_fields: expected a list"}},
		{"updated_fields of numbers", set("company_update.json", "updated_fields", []any{1}),
			&CallbackError{Field: "payload.updated_fields", Summary: "Invalid company field updated_fields: expected a list of strings"}},
		{"updated_fields empty", set("company_update.json", "updated_fields", []any{}), nil},
		{"member tier a fraction", set("member_update.json", "member_tier", 2.5),
			&CallbackError{Field: "payload.member_tier", Summary: "Invalid member field member_tier: expected a whole number"}},
		{"member tier numeric string", set("member_update.json", "member_tier", "3"), nil},
		{"member phone with dashes", set("member_update.json", "phone", "263-77-000"),
			&CallbackError{Field: "payload.phone", Summary: "Invalid member field phone: expected digits only, at most 15"}},
		{"owner phone too long", set("company_update.json", "owner_phone", strings.Repeat("1", 16)),
			&CallbackError{Field: "payload.owner_phone", Summary: "Invalid company field owner_phone: expected digits only, at most 15"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.want == nil {
				if _, err := DecodeCredExEvent(tt.body, testNow, DefaultReplayWindow); err != nil {
					t.Errorf("DecodeCredExEvent(%s) error = %v, want none", tt.body, err)
				}
				return
			}
			checkDecodeError(t, tt.body, tt.want)
		})
	}
}

func checkDecodeError(t *testing.T, body []byte, want *CallbackError) {
	t.Helper()
	_, err := DecodeCredExEvent(body, testNow, DefaultReplayWindow)
	var got *CallbackError
	if !errors.As(err, &got) {
		t.Errorf("DecodeCredExEvent(%s) error = %v, want %v", body, err, want)
		return
	}
	if *got != *want {
		t.Errorf("DecodeCredExEvent(%s) error = %+v, want %+v", body, *got, *want)
	}
}
