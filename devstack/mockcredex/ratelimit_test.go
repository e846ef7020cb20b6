package mockcredex

import (
	"net/http"
	"testing"
	"time"
)

func TestRateLimit(t *testing.T) {
	s, clock := newTestServer(t, func(c *Config) { c.RateLimit = 3 })
	call := func(remote string, noKey bool) response {
		return do(t, s, request{path: "/login", body: map[string]any{"phone": "263770000001"}, remote: remote, noKey: noKey})
	}

	steps := []struct {
		name       string
		remote     string
		noKey      bool
		advance    time.Duration
		wantStatus int
	}{
		{"first", "192.0.2.1:1000", false, 0, 200},
		{"second, no key", "192.0.2.1:1001", true, 0, 401},
		{"third", "192.0.2.1:1002", false, 0, 200},
		{"fourth is limited", "192.0.2.1:1003", false, 0, 429},
		{"limited before the key check", "192.0.2.1:1004", true, 0, 429},
		{"other IP has its own bucket", "192.0.2.2:1000", false, 0, 200},
		{"one token back after 20s", "192.0.2.1:1005", false, 20 * time.Second, 200},
		{"and only one", "192.0.2.1:1006", false, 0, 429},
	}
	for _, step := range steps {
		clock.Advance(step.advance)
		resp := call(step.remote, step.noKey)
		if resp.status != step.wantStatus {
			t.Errorf("%s: status %d, want %d", step.name, resp.status, step.wantStatus)
		}
		if resp.status == http.StatusTooManyRequests {
			if resp.raw != "Too many requests, please try again later" || resp.header.Get("Retry-After") != "20" {
				t.Errorf("%s: 429 body %q, Retry-After %q", step.name, resp.raw, resp.header.Get("Retry-After"))
			}
		}
	}

	// The admin endpoints are never limited.
	mustStatus(t, "GET /mock/state", admin(t, s, http.MethodGet, "/mock/state", nil), http.StatusOK)
}

func TestRateLimitOff(t *testing.T) {
	s, _ := newTestServer(t, nil)
	for i := range 100 {
		if resp := do(t, s, request{path: "/login", body: map[string]any{"phone": "263770000001"}}); resp.status != http.StatusOK {
			t.Fatalf("call %d with no limit: status %d", i+1, resp.status)
		}
	}
}
