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
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

const (
	testAppSecret   = "test-app-secret"
	testVerifyToken = "test-verify-token"
)

// fakeDeliverer records what the server delivers and fails on request.
type fakeDeliverer struct {
	mu    sync.Mutex
	calls [][]Inbound
	err   error
}

func (f *fakeDeliverer) Deliver(_ context.Context, msgs []Inbound) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, msgs)
	return f.err
}

func (f *fakeDeliverer) delivered() [][]Inbound {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

type fakeChecker struct{ err error }

func (f fakeChecker) Ready(context.Context) error { return f.err }

type testFrontEnd struct {
	url      string
	deliver  *fakeDeliverer
	registry *prometheus.Registry
}

// startServer serves a Server on a loopback httptest server. change, when
// not nil, edits the configuration first.
func startServer(t *testing.T, ready Checker, change func(*ServerConfig)) *testFrontEnd {
	t.Helper()
	reg := prometheus.NewRegistry()
	cfg := ServerConfig{
		AppSecret:      testAppSecret,
		VerifyToken:    testVerifyToken,
		PhoneNumberIDs: testServed,
		Now:            func() time.Time { return testNow },
		Logger:         slog.New(slog.DiscardHandler),
		Gatherer:       reg,
	}
	if change != nil {
		change(&cfg)
	}
	d := &fakeDeliverer{}
	srv := httptest.NewServer(NewServer(cfg, d, ready, NewMetrics(reg)))
	t.Cleanup(srv.Close)
	return &testFrontEnd{url: srv.URL, deliver: d, registry: reg}
}

func sign(body []byte) string {
	mac := hmac.New(sha256.New, []byte(testAppSecret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func (fe *testFrontEnd) post(t *testing.T, body []byte, signature string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, fe.url+"/webhook", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set("X-Hub-Signature-256", signature)
	}
	return do(t, req)
}

func (fe *testFrontEnd) get(t *testing.T, path string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, fe.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// checkRefusal checks the status and the common error body.
func checkRefusal(t *testing.T, resp *http.Response, body []byte, status int, field, errorType string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status = %d, want %d (body %s)", resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var got struct {
		Error   string            `json:"error"`
		Details map[string]string `json:"details"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("body %s is not the common error body: %v", body, err)
	}
	if got.Error == "" {
		t.Errorf("body %s has no error summary", body)
	}
	if got.Details["field"] != field {
		t.Errorf("details.field = %q, want %q", got.Details["field"], field)
	}
	if got.Details["error_type"] != errorType {
		t.Errorf("details.error_type = %q, want %q", got.Details["error_type"], errorType)
	}
}

func TestServerHandshake(t *testing.T) {
	fe := startServer(t, nil, nil)
	tests := []struct {
		name   string
		query  string
		status int
	}{
		{"right token", "hub.mode=subscribe&hub.verify_token=test-verify-token&hub.challenge=1158201444", http.StatusOK},
		{"wrong token", "hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444", http.StatusForbidden},
		{"token prefix", "hub.mode=subscribe&hub.verify_token=test-verify&hub.challenge=1158201444", http.StatusForbidden},
		{"wrong mode", "hub.mode=unsubscribe&hub.verify_token=test-verify-token&hub.challenge=1158201444", http.StatusForbidden},
		{"no parameters", "", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := fe.get(t, "/webhook?"+tt.query)
			if tt.status != http.StatusOK {
				checkRefusal(t, resp, body, tt.status, "", "authentication")
				if bytes.Contains(body, []byte("1158201444")) {
					t.Errorf("refusal %s echoes the challenge", body)
				}
				return
			}
			if resp.StatusCode != http.StatusOK || string(body) != "1158201444" {
				t.Errorf("GET /webhook?%s = %d %q, want 200 %q", tt.query, resp.StatusCode, body, "1158201444")
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
				t.Errorf("Content-Type = %q, want text/plain", ct)
			}
		})
	}
}

func TestServerHandshakeWithoutConfiguredToken(t *testing.T) {
	fe := startServer(t, nil, func(c *ServerConfig) { c.VerifyToken = "" })
	resp, body := fe.get(t, "/webhook?hub.mode=subscribe&hub.verify_token=&hub.challenge=1")
	checkRefusal(t, resp, body, http.StatusForbidden, "", "authentication")
}

// escapedBody is a delivery as Meta serialises it, with "é" escaped as
// \u00e9: the signature covers these bytes, not a re-encoding.
var escapedBody = []byte(`{"object":"whatsapp_business_account","entry":[{"id":"200000000000001","changes":[{"field":"messages","value":{` +
	`"messaging_product":"whatsapp","metadata":{"display_phone_number":"263780000000","phone_number_id":"100000000000001"},` +
	`"contacts":[{"profile":{"name":"Ren\u00e9e Example"},"wa_id":"263770000001"}],` +
	`"messages":[{"from":"263770000001","id":"wamid.TEST000000000000000000000001","timestamp":"1736848800","type":"text","text":{"body":"caf\u00e9 \/ 2"}}]}}]}]}`)

func TestServerSignature(t *testing.T) {
	reencoded := reencode(t, escapedBody)
	tests := []struct {
		name      string
		signature string
		status    int
	}{
		{"right", sign(escapedBody), http.StatusOK},
		{"missing", "", http.StatusUnauthorized},
		{"wrong", sign([]byte("something else")), http.StatusUnauthorized},
		{"over re-encoded body", sign(reencoded), http.StatusUnauthorized},
		{"no prefix", strings.TrimPrefix(sign(escapedBody), "sha256="), http.StatusUnauthorized},
		{"not hex", "sha256=zz", http.StatusUnauthorized},
		{"truncated", sign(escapedBody)[:40], http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fe := startServer(t, nil, nil)
			resp, body := fe.post(t, escapedBody, tt.signature)
			if tt.status != http.StatusOK {
				checkRefusal(t, resp, body, tt.status, "", "signature_validation")
				if n := len(fe.deliver.delivered()); n != 0 {
					t.Errorf("Deliver called %d times for a refused body", n)
				}
				return
			}
			if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != `{"status":"ok"}` {
				t.Fatalf("POST /webhook = %d %s, want 200 {\"status\":\"ok\"}", resp.StatusCode, body)
			}
			calls := fe.deliver.delivered()
			if len(calls) != 1 || len(calls[0]) != 1 {
				t.Fatalf("Deliver calls = %v, want one call with one message", calls)
			}
			if got := calls[0][0].Input.Text; got != "café / 2" {
				t.Errorf("delivered text = %q, want %q", got, "café / 2")
			}
		})
	}
}

func TestServerSignatureWithoutSecret(t *testing.T) {
	fe := startServer(t, nil, func(c *ServerConfig) { c.AppSecret = "" })
	mac := hmac.New(sha256.New, nil)
	mac.Write(escapedBody)
	resp, body := fe.post(t, escapedBody, "sha256="+hex.EncodeToString(mac.Sum(nil)))
	checkRefusal(t, resp, body, http.StatusUnauthorized, "", "signature_validation")
}

func reencode(t *testing.T, body []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(out, body) {
		t.Fatal("re-encoding did not change the body; the test proves nothing")
	}
	return out
}

func TestServerBodyTooLarge(t *testing.T) {
	fe := startServer(t, nil, func(c *ServerConfig) { c.MaxBody = 256 })
	big := append(bytes.Repeat([]byte(" "), 300), escapedBody...)

	t.Run("content length", func(t *testing.T) {
		resp, body := fe.post(t, big, sign(big))
		checkRefusal(t, resp, body, http.StatusRequestEntityTooLarge, "", "payload_too_large")
	})
	t.Run("chunked", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodPost, fe.url+"/webhook", io.MultiReader(bytes.NewReader(big)))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Hub-Signature-256", sign(big))
		resp, body := do(t, req)
		checkRefusal(t, resp, body, http.StatusRequestEntityTooLarge, "", "payload_too_large")
	})
	if n := len(fe.deliver.delivered()); n != 0 {
		t.Errorf("Deliver called %d times for a refused body", n)
	}
}

func TestServerMalformedBody(t *testing.T) {
	fe := startServer(t, nil, nil)
	bodies := []struct {
		body  string
		field string
	}{
		{`{"object":"whatsapp_business_account"`, "body"},
		{`{"object":"page","entry":[]}`, "object"},
		{`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"100000000000001"},"messages":[{"from":"1","timestamp":"1","type":"text"}]}}]}]}`,
			"entry[0].changes[0].value.messages[0].id"},
	}
	for _, b := range bodies {
		resp, body := fe.post(t, []byte(b.body), sign([]byte(b.body)))
		checkRefusal(t, resp, body, http.StatusBadRequest, b.field, "")
	}
	if n := len(fe.deliver.delivered()); n != 0 {
		t.Errorf("Deliver called %d times for malformed bodies", n)
	}
}

func TestServerDeliverFails(t *testing.T) {
	fe := startServer(t, nil, nil)
	fe.deliver.err = errors.New("redis: connection refused")
	resp, body := fe.post(t, escapedBody, sign(escapedBody))
	checkRefusal(t, resp, body, http.StatusServiceUnavailable, "", "processing_error")
	if bytes.Contains(body, []byte("redis")) {
		t.Errorf("refusal %s shows the internal error", body)
	}
}

func TestServerNoMessages(t *testing.T) {
	for _, file := range []string{"statuses", "value_errors", "other_field", "unserved"} {
		t.Run(file, func(t *testing.T) {
			fe := startServer(t, nil, nil)
			fe.deliver.err = errors.New("must not be called")
			data := readTestdata(t, "webhook/"+file+".json")
			resp, body := fe.post(t, data, sign(data))
			if resp.StatusCode != http.StatusOK {
				t.Errorf("POST /webhook (%s) = %d %s, want 200", file, resp.StatusCode, body)
			}
			if n := len(fe.deliver.delivered()); n != 0 {
				t.Errorf("Deliver called %d times, want 0", n)
			}
		})
	}
}

func TestServerUnknownRoutes(t *testing.T) {
	fe := startServer(t, nil, nil)
	resp, body := fe.get(t, "/nowhere")
	checkRefusal(t, resp, body, http.StatusNotFound, "", "not_found")

	req, err := http.NewRequest(http.MethodDelete, fe.url+"/webhook", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, body = do(t, req)
	checkRefusal(t, resp, body, http.StatusMethodNotAllowed, "", "method_not_allowed")
}

func TestServerHealth(t *testing.T) {
	t.Run("healthz", func(t *testing.T) {
		fe := startServer(t, fakeChecker{err: errors.New("redis down")}, nil)
		resp, body := fe.get(t, "/healthz")
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET /healthz = %d %s, want 200 even when not ready", resp.StatusCode, body)
		}
	})
	t.Run("ready", func(t *testing.T) {
		fe := startServer(t, fakeChecker{}, nil)
		resp, body := fe.get(t, "/readyz")
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET /readyz = %d %s, want 200", resp.StatusCode, body)
		}
	})
	t.Run("not ready", func(t *testing.T) {
		fe := startServer(t, fakeChecker{err: errors.New("redis ping: connection refused")}, nil)
		resp, body := fe.get(t, "/readyz")
		checkRefusal(t, resp, body, http.StatusServiceUnavailable, "", "not_ready")
		if !bytes.Contains(body, []byte("redis ping: connection refused")) {
			t.Errorf("GET /readyz body %s does not give the reason", body)
		}
	})
}

func TestServerMetrics(t *testing.T) {
	fe := startServer(t, nil, nil)
	fe.post(t, escapedBody, sign(escapedBody))
	fe.post(t, escapedBody, "")
	statuses := readTestdata(t, "webhook/statuses.json")
	fe.post(t, statuses, sign(statuses))

	resp, body := fe.get(t, "/metrics")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics = %d", resp.StatusCode)
	}
	for _, line := range []string{
		`vimbiso_webhook_requests_total{outcome="ok",route="webhook"} 2`,
		`vimbiso_webhook_requests_total{outcome="unauthorized",route="webhook"} 1`,
		`vimbiso_inbound_messages_total{kind="text"} 1`,
		`vimbiso_whatsapp_statuses_total{status="failed"} 1`,
		`vimbiso_whatsapp_statuses_total{status="delivered"} 1`,
		`vimbiso_whatsapp_webhook_errors_total{code="131047"} 1`,
	} {
		if !bytes.Contains(body, []byte(line)) {
			t.Errorf("GET /metrics lacks %s", line)
		}
	}
	if bytes.Contains(body, []byte(alicePhone)) {
		t.Errorf("metrics contain a phone number")
	}
}

func TestServerRouterAcceptsRoutes(t *testing.T) {
	s := NewServer(ServerConfig{Logger: slog.New(slog.DiscardHandler)}, &fakeDeliverer{}, nil, nil)
	s.Router().HandlerFunc(http.MethodPost, "/credex/webhook", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusAccepted)
	})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/credex/webhook", nil))
	if rec.Code != http.StatusAccepted {
		t.Errorf("POST /credex/webhook = %d, want 202", rec.Code)
	}
}
