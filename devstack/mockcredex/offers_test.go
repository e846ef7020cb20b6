package mockcredex

import (
	"net/http"
	"reflect"
	"testing"
)

func TestOfferTransitions(t *testing.T) {
	missing := fixedID('c', 99)
	tests := []struct {
		name       string
		setup      string // "accept", "decline", "cancel", "expire" applied to c1 first
		phone      string
		endpoint   string
		credexID   string
		wantStatus int
		wantMsg    string
	}{
		// Who may act.
		{"receiver accepts", "", "263770000001", "acceptCredex", demoOfferID, 200, "Secured credex for 2.00 USD accepted successfully"},
		{"receiver declines", "", "263770000001", "declineCredex", demoOfferID, 200, "Credex declined successfully"},
		{"issuer cancels", "", "263770000002", "cancelCredex", demoOfferID, 200, "Credex cancelled successfully"},
		{"issuer cannot accept", "", "263770000002", "acceptCredex", demoOfferID, 403, "You are not authorized to accept this credex"},
		{"stranger cannot decline", "", "263770000004", "declineCredex", demoOfferID, 403, "You are not authorized to decline this credex"},
		{"receiver cannot cancel", "", "263770000001", "cancelCredex", demoOfferID, 403, "You are not authorized to cancel this credex"},

		// Unknown and closed offers.
		{"unknown offer", "", "263770000001", "acceptCredex", missing, 404, "Credex not found"},
		{"accept twice", "accept", "263770000001", "acceptCredex", demoOfferID, 409, "Credex has already been accepted"},
		{"decline after accept", "accept", "263770000001", "declineCredex", demoOfferID, 409, "Credex has already been accepted"},
		{"accept after decline", "decline", "263770000001", "acceptCredex", demoOfferID, 409, "Credex has already been processed: it is declined"},
		{"cancel after cancel", "cancel", "263770000002", "cancelCredex", demoOfferID, 409, "Credex has already been processed: it is cancelled"},
		{"accept after expiry", "expire", "263770000001", "acceptCredex", demoOfferID, 409, "Credex has already been processed: it is expired"},
	}
	setups := map[string]func(t *testing.T, s *Server){
		"accept":  func(t *testing.T, s *Server) { act(t, s, "263770000001", "acceptCredex", demoOfferID) },
		"decline": func(t *testing.T, s *Server) { act(t, s, "263770000001", "declineCredex", demoOfferID) },
		"cancel":  func(t *testing.T, s *Server) { act(t, s, "263770000002", "cancelCredex", demoOfferID) },
		"expire": func(t *testing.T, s *Server) {
			mustStatus(t, "expire", admin(t, s, http.MethodPost, "/mock/offers/"+demoOfferID+"/expire", nil), http.StatusOK)
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t, nil)
			if tt.setup != "" {
				setups[tt.setup](t, s)
			}
			resp := do(t, s, request{path: "/" + tt.endpoint, token: login(t, s, tt.phone), body: map[string]any{"credexID": tt.credexID}})
			if resp.status != tt.wantStatus || resp.str("message") != tt.wantMsg {
				t.Errorf("%s = %d %q, want %d %q", tt.endpoint, resp.status, resp.str("message"), tt.wantStatus, tt.wantMsg)
			}
		})
	}
}

// act runs one offer endpoint and requires success.
func act(t *testing.T, s *Server, phone, endpoint, credexID string) response {
	t.Helper()
	resp := do(t, s, request{path: "/" + endpoint, token: login(t, s, phone), body: map[string]any{"credexID": credexID}})
	mustStatus(t, endpoint, resp, http.StatusOK)
	return resp
}

func TestAcceptCredexDetails(t *testing.T) {
	s, _ := newTestServer(t, nil)
	resp := act(t, s, "263770000001", "acceptCredex", demoOfferID)
	want := map[string]any{
		"credexID": demoOfferID, "amount": "2.00 USD", "denomination": "USD",
		"securedCredex": true, "acceptorAccountID": alicePersonalID,
	}
	if got := resp.get("data.action.details"); !reflect.DeepEqual(got, want) {
		t.Errorf("acceptCredex details = %v, want %v", got, want)
	}
	if got := resp.get("data.dashboard.accounts.0.balanceData.securedNetBalancesByDenom"); !reflect.DeepEqual(got, []any{"27.00 USD"}) {
		t.Errorf("Alice secured after accepting = %v, want [27.00 USD]", got)
	}
	if got := resp.get("data.dashboard.accounts.0.pendingInData"); !reflect.DeepEqual(got, []any{}) {
		t.Errorf("pendingInData after accepting = %v, want []", got)
	}
}

func TestAcceptCredexBulk(t *testing.T) {
	s, _ := newTestServer(t, nil)
	bob := login(t, s, "263770000002")
	second := createOffer(t, s, bob, offerBody(bobPersonalID, alicePersonalID, 1, true, nil))
	toCarol := createOffer(t, s, bob, offerBody(bobPersonalID, carolPersonalID, 1, true, nil))
	act(t, s, "263770000001", "acceptCredex", second)

	missing := fixedID('c', 99)
	alice := login(t, s, "263770000001")
	resp := do(t, s, request{path: "/acceptCredexBulk", token: alice, body: map[string]any{"credexIDs": []string{demoOfferID, second, toCarol, missing}}})
	mustStatus(t, "acceptCredexBulk", resp, http.StatusOK)

	want := map[string]any{
		"accepted":        []any{demoOfferID},
		"alreadyAccepted": []any{second},
		"failed": []any{
			map[string]any{"credexID": toCarol, "error": "You are not authorized to accept this credex"},
			map[string]any{"credexID": missing, "error": "Credex not found"},
		},
	}
	if got := resp.get("data.action.details.summary"); !reflect.DeepEqual(got, want) {
		t.Errorf("bulk summary = %v, want %v", got, want)
	}
	if resp.get("data.action.id") != nil || resp.get("data.action.details.failureCount") != 2.0 {
		t.Errorf("bulk action = %v", resp.get("data.action"))
	}

	empty := do(t, s, request{path: "/acceptCredexBulk", token: alice, body: map[string]any{"credexIDs": []string{}}})
	if empty.status != http.StatusBadRequest || empty.str("data.action.details.code") != "NO_VALID_IDS" {
		t.Errorf("bulk with no ids = %d %s, want 400 NO_VALID_IDS", empty.status, empty.raw)
	}
}

func TestAdminExpire(t *testing.T) {
	s, _ := newTestServer(t, nil)
	tests := []struct {
		id         string
		wantStatus int
	}{
		{demoOfferID, http.StatusOK},
		{demoOfferID, http.StatusConflict},
		{fixedID('c', 99), http.StatusNotFound},
	}
	for _, tt := range tests {
		resp := admin(t, s, http.MethodPost, "/mock/offers/"+tt.id+"/expire", nil)
		if resp.status != tt.wantStatus {
			t.Errorf("expire %s = %d %s, want %d", tt.id, resp.status, resp.raw, tt.wantStatus)
		}
	}
	// Expiry releases the reservation.
	if got := dashboardOf(t, s, "263770000002").str("accounts.0.balanceData.securedNetBalancesByDenom.0"); got != "10.00 USD" {
		t.Errorf("Bob secured after expiry = %s, want 10.00 USD", got)
	}
}

func TestConcurrentOffers(t *testing.T) {
	s, _ := newTestServer(t, nil)
	bob := login(t, s, "263770000002")
	const n = 20
	statuses := make(chan int, n)
	for range n {
		go func() {
			resp := do(t, s, request{path: "/createCredex", token: bob, body: offerBody(bobPersonalID, carolPersonalID, 0.5, true, nil)})
			statuses <- resp.status
		}()
	}
	// 8.00 USD free covers 16 offers of 0.50 USD; the other 4 are refused.
	counts := map[int]int{}
	for range n {
		counts[<-statuses]++
	}
	if counts[http.StatusOK] != 16 || counts[http.StatusForbidden] != 4 {
		t.Errorf("statuses = %v, want 16 × 200 and 4 × 403", counts)
	}
	if got := dashboardOf(t, s, "263770000002").str("accounts.0.balanceData.securedNetBalancesByDenom.0"); got != "0.00 USD" {
		t.Errorf("Bob secured = %s, want 0.00 USD", got)
	}
}
