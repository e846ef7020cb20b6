package mockcredex

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const testKey = "dev-client-key"

// testStart is the fake clock's start: a Tuesday morning in UTC.
var testStart = time.Date(2025, 1, 14, 10, 0, 0, 0, time.UTC)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newTestServer returns a Server on a fake clock with the dev key; edit
// changes the Config first.
func newTestServer(t *testing.T, edit func(*Config)) (*Server, *fakeClock) {
	t.Helper()
	clock := &fakeClock{t: testStart}
	cfg := Config{APIKey: testKey, WebhookSecret: "dev-credex-secret", Now: clock.Now}
	if edit != nil {
		edit(&cfg)
	}
	s := New(cfg)
	t.Cleanup(s.Close)
	return s, clock
}

// response is a decoded HTTP response.
type response struct {
	status int
	header http.Header
	raw    string
	body   any
}

// get returns the value at a dotted path such as "data.action.details.token"
// or "data.dashboard.accounts.0.accountID", or nil.
func (r response) get(path string) any {
	return lookup(r.body, path)
}

func (r response) str(path string) string {
	v, _ := r.get(path).(string)
	return v
}

func lookup(v any, path string) any {
	for part := range strings.SplitSeq(path, ".") {
		switch node := v.(type) {
		case map[string]any:
			v = node[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(node) {
				return nil
			}
			v = node[i]
		default:
			return nil
		}
	}
	return v
}

// request is one call for do.
type request struct {
	path   string
	token  string
	body   any
	header map[string]string
	noKey  bool
	remote string
}

// do serves one request through ServeHTTP and decodes the JSON response.
func do(t *testing.T, s *Server, req request) response {
	t.Helper()
	raw, err := json.Marshal(req.body)
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, req.path, bytes.NewReader(raw))
	if req.remote != "" {
		r.RemoteAddr = req.remote
	}
	r.Header.Set("Content-Type", "application/json")
	if !req.noKey {
		r.Header.Set("x-client-api-key", testKey)
	}
	if req.token != "" {
		r.Header.Set("Authorization", "Bearer "+req.token)
	}
	for k, v := range req.header {
		r.Header.Set(k, v)
	}

	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	resp := response{status: w.Code, header: w.Header(), raw: w.Body.String()}
	if strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(w.Body.Bytes(), &resp.body); err != nil {
			t.Fatalf("POST %s: decode %q: %v", req.path, resp.raw, err)
		}
	}
	return resp
}

// admin calls a /mock/ endpoint with the given method.
func admin(t *testing.T, s *Server, method, path string, body any) response {
	t.Helper()
	var reader *bytes.Reader
	if body == nil {
		reader = bytes.NewReader(nil)
	} else {
		raw, _ := json.Marshal(body)
		reader = bytes.NewReader(raw)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(method, path, reader))
	resp := response{status: w.Code, header: w.Header(), raw: w.Body.String()}
	json.Unmarshal(w.Body.Bytes(), &resp.body)
	return resp
}

// login logs phone in with the current shapes and returns its token.
func login(t *testing.T, s *Server, phone string) string {
	t.Helper()
	resp := do(t, s, request{path: "/login", body: map[string]any{"phone": phone}, header: map[string]string{"X-Mock-Shapes": "current"}})
	if resp.status != http.StatusOK {
		t.Fatalf("login %s: status %d, body %s", phone, resp.status, resp.raw)
	}
	return resp.str("data.action.details.token")
}

// dashboardOf logs phone in and returns its current dashboard.
func dashboardOf(t *testing.T, s *Server, phone string) response {
	t.Helper()
	resp := do(t, s, request{path: "/login", body: map[string]any{"phone": phone}, header: map[string]string{"X-Mock-Shapes": "current"}})
	return response{status: resp.status, body: resp.get("data.dashboard")}
}

// offerBody is a createCredex body; edit changes fields.
func offerBody(issuer, receiver string, amount float64, secured bool, edit map[string]any) map[string]any {
	body := map[string]any{
		"issuerAccountID": issuer, "receiverAccountID": receiver, "Denomination": "USD",
		"InitialAmount": amount, "credexType": "PURCHASE", "OFFERSorREQUESTS": "OFFERS", "securedCredex": secured,
	}
	for k, v := range edit {
		if v == nil {
			delete(body, k)
			continue
		}
		body[k] = v
	}
	return body
}

// createOffer creates an offer and returns its id, failing the test on a
// refusal.
func createOffer(t *testing.T, s *Server, token string, body map[string]any) string {
	t.Helper()
	resp := do(t, s, request{path: "/createCredex", token: token, body: body})
	if resp.status != http.StatusOK {
		t.Fatalf("createCredex: status %d, body %s", resp.status, resp.raw)
	}
	return resp.str("data.action.id")
}

// mustStatus fails the test unless resp has the wanted status.
func mustStatus(t *testing.T, label string, resp response, want int) {
	t.Helper()
	if resp.status != want {
		t.Fatalf("%s: status %d, want %d; body %s", label, resp.status, want, resp.raw)
	}
}
