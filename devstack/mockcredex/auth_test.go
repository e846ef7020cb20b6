package mockcredex

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestClientKey(t *testing.T) {
	tests := []struct {
		name       string
		configured string
		noKey      bool
		header     string
		wantStatus int
		wantMsg    string
	}{
		{"missing key", testKey, true, "", http.StatusUnauthorized, "Unauthorized client"},
		{"wrong key", testKey, false, "wrong", http.StatusUnauthorized, "Unauthorized client"},
		{"no key configured", "", false, "", http.StatusInternalServerError, "Server configuration error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t, func(c *Config) { c.APIKey = tt.configured })
			req := request{path: "/login", body: map[string]any{"phone": "263770000001"}, noKey: tt.noKey}
			if tt.header != "" {
				req.noKey = true
				req.header = map[string]string{"x-client-api-key": tt.header}
			}
			resp := do(t, s, req)
			if resp.status != tt.wantStatus || resp.str("message") != tt.wantMsg {
				t.Errorf("login = %d %s, want %d %q", resp.status, resp.raw, tt.wantStatus, tt.wantMsg)
			}
		})
	}
}

func TestLoginRefusals(t *testing.T) {
	tests := []struct {
		phone      string
		wantStatus int
		wantCode   string
	}{
		{"", http.StatusBadRequest, "MISSING_PHONE"},
		{"0123", http.StatusBadRequest, "INVALID_PHONE"},
		{"263770000003", http.StatusNotFound, "NOT_FOUND"},
	}
	s, _ := newTestServer(t, nil)
	for _, tt := range tests {
		resp := do(t, s, request{path: "/login", body: map[string]any{"phone": tt.phone}})
		if resp.status != tt.wantStatus || resp.str("data.action.details.code") != tt.wantCode {
			t.Errorf("login(%q) = %d %s, want %d %s", tt.phone, resp.status, resp.raw, tt.wantStatus, tt.wantCode)
		}
	}

	// A phone with punctuation is sanitised to digits.
	resp := do(t, s, request{path: "/login", body: map[string]any{"phone": "+263 77-000-0001"}})
	if resp.status != http.StatusOK || resp.str("data.action.details.memberID") != aliceID {
		t.Errorf("login(+263 77-000-0001) = %d %s, want Alice", resp.status, resp.raw)
	}
}

func TestTokenRefusals(t *testing.T) {
	s, _ := newTestServer(t, nil)
	other := New(Config{APIKey: testKey})
	defer other.Close()
	foreign := other.issueToken(aliceID, testStart)
	unknown := s.issueToken("00000000-0000-4000-8000-0000000000ff", testStart)

	tests := []struct {
		name   string
		header string
		want   string
	}{
		{"no header", "", "Authentication required"},
		{"no space", "Bearer", "Authentication required"},
		{"garbage", "Bearer not-a-jwt", "Invalid token"},
		{"other signer", "Bearer " + foreign, "Invalid token"},
		{"unknown member", "Bearer " + unknown, "Invalid token"},
	}
	for _, tt := range tests {
		for _, shapes := range []string{"current", "legacy"} {
			req := request{path: "/getLedger", body: map[string]any{"accountID": alicePersonalID},
				header: map[string]string{"X-Mock-Shapes": shapes}}
			if tt.header != "" {
				req.header["Authorization"] = tt.header
			}
			resp := do(t, s, req)
			got := resp.str("message")
			if resp.status != http.StatusUnauthorized || got != tt.want {
				t.Errorf("%s (%s) = %d %q, want 401 %q", tt.name, shapes, resp.status, got, tt.want)
			}
			if shapes == "current" && resp.str("data.action.type") != "ERROR_UNAUTHORIZED" {
				t.Errorf("%s: action type %q, want ERROR_UNAUTHORIZED", tt.name, resp.str("data.action.type"))
			}
			if resp.header.Get("Authorization") != "" {
				t.Errorf("%s: refused answer carries a token", tt.name)
			}
		}
	}
}

func TestTokenExpiry(t *testing.T) {
	ledger := func(s *Server, token string) response {
		return do(t, s, request{path: "/getLedger", token: token, body: map[string]any{"accountID": alicePersonalID}})
	}

	t.Run("login token idles out", func(t *testing.T) {
		s, clock := newTestServer(t, nil)
		token := login(t, s, "263770000001")
		clock.Advance(5 * time.Minute)
		mustStatus(t, "ledger at 5m", ledger(s, token), http.StatusOK)
		clock.Advance(time.Second)
		resp := ledger(s, token)
		if resp.status != http.StatusUnauthorized || resp.str("message") != "Token expired" {
			t.Errorf("ledger at 5m1s with the login token = %d %s, want 401 Token expired", resp.status, resp.raw)
		}
	})

	t.Run("refreshed tokens slide until the absolute expiry", func(t *testing.T) {
		s, clock := newTestServer(t, nil)
		token := login(t, s, "263770000001")
		for range 90 { // 90 × 4m = 6h exactly, the last moment the token passes
			clock.Advance(4 * time.Minute)
			resp := ledger(s, token)
			mustStatus(t, "ledger with the newest token", resp, http.StatusOK)
			token = strings.TrimPrefix(resp.header.Get("Authorization"), "Bearer ")
		}
		clock.Advance(time.Second)
		resp := ledger(s, token)
		if resp.status != http.StatusUnauthorized || resp.str("message") != "Token expired" {
			t.Errorf("ledger 1s after 6h = %d %s, want 401 Token expired", resp.status, resp.raw)
		}
	})

	t.Run("configured durations", func(t *testing.T) {
		s, clock := newTestServer(t, func(c *Config) { c.TokenIdle = time.Second })
		token := login(t, s, "263770000001")
		clock.Advance(1500 * time.Millisecond)
		mustStatus(t, "ledger after 1.5s with 1s idle", ledger(s, token), http.StatusUnauthorized)
	})
}

func TestRefreshedTokenClaims(t *testing.T) {
	s, clock := newTestServer(t, nil)
	first := login(t, s, "263770000001")
	clock.Advance(2 * time.Minute)
	resp := do(t, s, request{path: "/getLedger", token: first, body: map[string]any{"accountID": alicePersonalID}})
	second := strings.TrimPrefix(resp.header.Get("Authorization"), "Bearer ")

	a, b := parseClaims(t, first), parseClaims(t, second)
	if a.MemberID != aliceID || b.MemberID != aliceID {
		t.Errorf("memberID = %q, %q, want %q", a.MemberID, b.MemberID, aliceID)
	}
	if !a.IssuedAt.Equal(b.IssuedAt.Time) || a.AbsoluteExpiry != b.AbsoluteExpiry {
		t.Errorf("refresh changed iat or absoluteExpiry: %+v -> %+v", a, b)
	}
	if want := testStart.Add(2 * time.Minute).UnixMilli(); b.LastActivity != want {
		t.Errorf("lastActivity = %d, want %d", b.LastActivity, want)
	}
	if want := testStart.Add(6 * time.Hour).UnixMilli(); a.AbsoluteExpiry != want {
		t.Errorf("absoluteExpiry = %d, want %d", a.AbsoluteExpiry, want)
	}
}

func parseClaims(t *testing.T, token string) tokenClaims {
	t.Helper()
	var claims tokenClaims
	if _, _, err := jwt.NewParser().ParseUnverified(token, &claims); err != nil {
		t.Fatalf("parse %q: %v", token, err)
	}
	return claims
}
