package mockwhatsapp

import (
	"bytes"
	"crypto/hmac"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

const (
	testToken  = "dev-access-token"
	testSecret = "dev-app-secret"
	testPhone  = "100000000000001"
	testUser   = "263770000001"
)

// testClock is a settable clock for Config.Now.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// delivery is one webhook POST the fake bot received.
type delivery struct {
	body      []byte
	signature string
	payload   webhookPayload
}

// fakeBot is an httptest server standing in for the bot's /webhook. It
// checks every signature, records each delivery and responds with status.
type fakeBot struct {
	t      *testing.T
	srv    *httptest.Server
	got    chan delivery
	mu     sync.Mutex
	status int
	// onDelivery, when set, runs in the handler before it responds.
	onDelivery func(d delivery)
}

func newFakeBot(t *testing.T) *fakeBot {
	t.Helper()
	b := &fakeBot{t: t, got: make(chan delivery, 4096), status: http.StatusOK}
	b.srv = httptest.NewServer(http.HandlerFunc(b.serve))
	t.Cleanup(b.srv.Close)
	return b
}

func (b *fakeBot) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/webhook" {
		http.NotFound(w, r)
		return
	}
	if r.Method == http.MethodGet {
		serveHandshake(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	d := delivery{body: body, signature: r.Header.Get("X-Hub-Signature-256")}
	if !hmac.Equal([]byte(d.signature), []byte(sign(testSecret, body))) {
		b.t.Errorf("delivery signature = %q, want HMAC of the body", d.signature)
	}
	if err := json.Unmarshal(body, &d.payload); err != nil {
		b.t.Errorf("delivery body is not JSON: %v", err)
	}
	b.mu.Lock()
	status, hook := b.status, b.onDelivery
	b.mu.Unlock()
	if hook != nil {
		hook(d)
	}
	select {
	case b.got <- d:
	default:
		b.t.Error("fake bot: more deliveries than the test reads")
	}
	w.WriteHeader(status)
}

// serveHandshake handles Meta's verification GET correctly.
func serveHandshake(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("hub.mode") != "subscribe" || q.Get("hub.verify_token") != "dev-verify-token" {
		http.Error(w, `{"error":"forbidden"}`, http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	io.WriteString(w, q.Get("hub.challenge"))
}

func (b *fakeBot) setStatus(status int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.status = status
}

func (b *fakeBot) setHook(hook func(d delivery)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.onDelivery = hook
}

// next returns the next delivery, failing the test after 5 s.
func (b *fakeBot) next(t *testing.T) delivery {
	t.Helper()
	select {
	case d := <-b.got:
		return d
	case <-time.After(5 * time.Second):
		t.Fatal("no webhook delivery within 5 s")
		return delivery{}
	}
}

// nextStatus returns the next delivery that holds a status.
func (b *fakeBot) nextStatus(t *testing.T) statusObject {
	t.Helper()
	for {
		d := b.next(t)
		v := d.payload.Entry[0].Changes[0].Value
		if len(v.Statuses) == 1 {
			return v.Statuses[0]
		}
	}
}

// newMock starts a Server behind an httptest server, with a fake bot as its
// bot unless cfg names one. Both are closed at the end of the test.
func newMock(t *testing.T, cfg Config) (*Server, *httptest.Server, *fakeBot) {
	t.Helper()
	var bot *fakeBot
	if cfg.BotURL == "" {
		bot = newFakeBot(t)
		cfg.BotURL = bot.srv.URL
	}
	s := New(cfg)
	srv := httptest.NewServer(s)
	t.Cleanup(func() {
		s.Close()
		srv.Close()
	})
	return s, srv, bot
}

// response is a decoded HTTP answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) graphError(t *testing.T) GraphError {
	t.Helper()
	var e struct {
		Error *GraphError `json:"error"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil || e.Error == nil {
		t.Fatalf("answer %s is not a Graph error (%v)", r.body, err)
	}
	return *e.Error
}

func do(t *testing.T, method, url, token string, body any) response {
	t.Helper()
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		reader = bytes.NewReader([]byte(b))
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, reader)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: raw}
}

// send posts a Graph send request with the development token.
func send(t *testing.T, srv *httptest.Server, body any) response {
	t.Helper()
	return do(t, http.MethodPost, srv.URL+"/v21.0/"+testPhone+"/messages", testToken, body)
}

// inbound posts a /mock/inbound request and fails the test unless it is 200.
func inbound(t *testing.T, srv *httptest.Server, req InboundRequest) InboundResult {
	t.Helper()
	resp := do(t, http.MethodPost, srv.URL+"/mock/inbound", "", req)
	if resp.status != http.StatusOK {
		t.Fatalf("POST /mock/inbound = %d %s, want 200", resp.status, resp.body)
	}
	var result InboundResult
	if err := json.Unmarshal(resp.body, &result); err != nil {
		t.Fatal(err)
	}
	return result
}

// textTo returns a valid text send request to user.
func textTo(user, body string) map[string]any {
	return map[string]any{
		"messaging_product": "whatsapp",
		"recipient_type":    "individual",
		"to":                user,
		"type":              "text",
		"text":              map[string]any{"preview_url": false, "body": body},
	}
}

// buttonsTo returns a valid reply-button send request to user.
func buttonsTo(user, body string, ids ...string) map[string]any {
	var buttons []any
	for _, id := range ids {
		buttons = append(buttons, map[string]any{"type": "reply", "reply": map[string]any{"id": id, "title": "Title " + id}})
	}
	return map[string]any{
		"messaging_product": "whatsapp",
		"to":                user,
		"type":              "interactive",
		"interactive": map[string]any{
			"type":   "button",
			"body":   map[string]any{"text": body},
			"action": map[string]any{"buttons": buttons},
		},
	}
}

// sentID decodes the wamid of an accepted send.
func acceptedID(t *testing.T, r response) string {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("send = %d %s, want 200", r.status, r.body)
	}
	var ok sendResponse
	if err := json.Unmarshal(r.body, &ok); err != nil || len(ok.Messages) != 1 {
		t.Fatalf("send answer %s has no message id (%v)", r.body, err)
	}
	return ok.Messages[0].ID
}
