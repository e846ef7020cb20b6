package mockcredex

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"
)

func TestFaults(t *testing.T) {
	tests := []struct {
		name          string
		fault         map[string]any
		shapes        string
		wantStatuses  []int // of three createCredex calls in a row
		wantCommitted []bool
	}{
		{"one 500", map[string]any{"endpoint": "createCredex", "status": 500}, "current",
			[]int{500, 200, 200}, []bool{false, true, true}},
		{"two 503", map[string]any{"endpoint": "createCredex", "times": 2, "status": 503}, "current",
			[]int{503, 503, 200}, []bool{false, false, true}},
		{"after commit", map[string]any{"endpoint": "createCredex", "afterCommit": true}, "current",
			[]int{500, 200, 200}, []bool{true, true, true}},
		{"any endpoint", map[string]any{"endpoint": "*", "status": 502}, "legacy",
			[]int{502, 200, 200}, []bool{false, true, true}},
		{"other endpoint", map[string]any{"endpoint": "acceptCredex", "status": 500}, "current",
			[]int{200, 200, 200}, []bool{true, true, true}},
		{"delay only", map[string]any{"endpoint": "createCredex", "delayMs": 20}, "current",
			[]int{200, 200, 200}, []bool{true, true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t, nil)
			bob := login(t, s, "263770000002")
			mustStatus(t, "POST /mock/fail", admin(t, s, http.MethodPost, "/mock/fail", tt.fault), http.StatusOK)

			var first response
			for i, want := range tt.wantStatuses {
				resp := do(t, s, request{path: "/createCredex", token: bob, body: offerBody(bobPersonalID, carolPersonalID, 1, true, nil),
					header: map[string]string{"X-Mock-Shapes": tt.shapes}})
				if resp.status != want {
					t.Errorf("call %d: status %d, want %d; body %s", i+1, resp.status, want, resp.raw)
				}
				if i == 0 {
					first = resp
				}
			}
			for i, m := range s.Mutations() {
				if m.Committed != tt.wantCommitted[i] {
					t.Errorf("mutation %d committed %v, want %v", i+1, m.Committed, tt.wantCommitted[i])
				}
			}

			// Offers made = committed calls; each reserves 1 USD of Bob's 8.
			wantSecured := 8 - countTrue(tt.wantCommitted)
			got := dashboardOf(t, s, "263770000002").str("accounts.0.balanceData.securedNetBalancesByDenom.0")
			if want := formatAmount(int64(wantSecured)*unitsPerWhole, "USD"); got != want {
				t.Errorf("Bob secured = %s, want %s", got, want)
			}

			if first.status >= 500 && tt.shapes == "legacy" {
				want := map[string]any{"status": "error", "statusCode": float64(first.status), "message": "Internal server error"}
				if !reflect.DeepEqual(first.body, want) {
					t.Errorf("legacy fault body = %s, want %v", first.raw, want)
				}
			}
			if first.status >= 500 && tt.shapes == "current" && first.str("data.action.type") != "ERROR_INTERNAL" {
				t.Errorf("fault body = %s, want ERROR_INTERNAL", first.raw)
			}
		})
	}
}

func countTrue(values []bool) int {
	n := 0
	for _, v := range values {
		if v {
			n++
		}
	}
	return n
}

func TestFaultTimeout(t *testing.T) {
	tests := []struct {
		name          string
		afterCommit   bool
		wantCommitted bool
		wantPending   int
	}{
		{"no effect", false, false, 1},
		{"effect then silence", true, true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t, nil)
			srv := httptest.NewServer(s)
			t.Cleanup(srv.Close)
			bob := login(t, s, "263770000002")
			admin(t, s, http.MethodPost, "/mock/fail", map[string]any{"endpoint": "createCredex", "timeout": true, "afterCommit": tt.afterCommit})

			raw, _ := json.Marshal(offerBody(bobPersonalID, carolPersonalID, 1, true, nil))
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/createCredex", bytes.NewReader(raw))
			req.Header.Set("x-client-api-key", testKey)
			req.Header.Set("Authorization", "Bearer "+bob)
			req.Header.Set("Idempotency-Key", "k-timeout")
			client := &http.Client{Timeout: 200 * time.Millisecond}
			if resp, err := client.Do(req); err == nil {
				resp.Body.Close()
				t.Fatalf("createCredex answered %d, want a client timeout", resp.StatusCode)
			}

			// Close waits for the held handler, which returns once the
			// client has left.
			srv.Close()
			muts := s.Mutations()
			if len(muts) != 1 || muts[0].Status != 0 || muts[0].Committed != tt.wantCommitted {
				t.Errorf("Mutations() = %+v, want one with status 0 and committed %v", muts, tt.wantCommitted)
			}
			out := dashboardOf(t, s, "263770000002").get("accounts.0.pendingOutData").([]any)
			if len(out) != tt.wantPending {
				t.Errorf("Bob has %d pending offers, want %d", len(out), tt.wantPending)
			}
		})
	}
}

func TestFaultAdmin(t *testing.T) {
	s, _ := newTestServer(t, nil)
	bad := admin(t, s, http.MethodPost, "/mock/fail", map[string]any{"endpoint": "makeMoney"})
	if bad.status != http.StatusBadRequest || bad.str("details.field") != "endpoint" {
		t.Errorf("POST /mock/fail with an unknown endpoint = %d %s", bad.status, bad.raw)
	}
	admin(t, s, http.MethodPost, "/mock/fail", map[string]any{"endpoint": "login", "times": 3})
	listed := admin(t, s, http.MethodGet, "/mock/fail", nil)
	if listed.get("faults.0.times") != 3.0 || listed.get("faults.0.status") != 500.0 {
		t.Errorf("GET /mock/fail = %s", listed.raw)
	}
	cleared := admin(t, s, http.MethodDelete, "/mock/fail", nil)
	if n := len(cleared.get("faults").([]any)); n != 0 {
		t.Errorf("DELETE /mock/fail left %d faults", n)
	}
}
