package mockcredex

import (
	"net/http"
	"reflect"
	"testing"
)

// acceptedHistory gives Bob's personal account four accepted credex,
// accepted in an order other than creation, and returns their ids in
// acceptance order.
func acceptedHistory(t *testing.T, s *Server) []string {
	t.Helper()
	bob := login(t, s, "263770000002")
	c2 := createOffer(t, s, bob, offerBody(bobPersonalID, carolPersonalID, 1, true, nil))
	c3 := createOffer(t, s, bob, offerBody(bobPersonalID, carolPersonalID, 2, true, nil))
	carol := login(t, s, "263770000004")
	c4 := createOffer(t, s, carol, offerBody(carolPersonalID, bobPersonalID, 3, true, nil))

	act(t, s, "263770000004", "acceptCredex", c3)
	act(t, s, "263770000002", "acceptCredex", c4)
	act(t, s, "263770000004", "acceptCredex", c2)
	act(t, s, "263770000001", "acceptCredex", demoOfferID)
	return []string{c3, c4, c2, demoOfferID}
}

func TestGetLedgerPaging(t *testing.T) {
	s, _ := newTestServer(t, nil)
	order := acceptedHistory(t, s)
	bob := login(t, s, "263770000002")

	tests := []struct {
		start, rows int
		wantIDs     []string
		wantMore    bool
	}{
		{0, 10, order, false},
		{0, 2, order[:2], true},
		{2, 2, order[2:], false},
		{3, 5, order[3:], false},
		{9, 2, nil, false},
	}
	for _, tt := range tests {
		resp := do(t, s, request{path: "/getLedger", token: bob, body: map[string]any{"accountID": bobPersonalID, "startRow": tt.start, "numRows": tt.rows}})
		mustStatus(t, "getLedger", resp, http.StatusOK)
		var ids []string
		items, _ := resp.get("data.action.details.ledger").([]any)
		for _, item := range items {
			ids = append(ids, lookup(item, "credexID").(string))
		}
		if !reflect.DeepEqual(ids, tt.wantIDs) || resp.get("data.action.details.pagination.hasMore") != tt.wantMore {
			t.Errorf("getLedger(%d, %d) = %v hasMore %v, want %v hasMore %v", tt.start, tt.rows, ids,
				resp.get("data.action.details.pagination.hasMore"), tt.wantIDs, tt.wantMore)
		}
	}

	first := do(t, s, request{path: "/getLedger", token: bob, body: map[string]any{"accountID": bobPersonalID, "numRows": 1}})
	want := map[string]any{"credexID": order[0], "formattedInitialAmount": "-2.00 USD", "counterpartyAccountName": "Carol Example Personal"}
	if got := first.get("data.action.details.ledger.0"); !reflect.DeepEqual(got, want) {
		t.Errorf("first ledger item = %v, want %v", got, want)
	}
}

func TestGetLedgerLegacy(t *testing.T) {
	s, _ := newTestServer(t, func(c *Config) { c.Shapes = "legacy" })
	alice := login(t, s, "263770000001")
	ledger := func() response {
		return do(t, s, request{path: "/getLedger", token: alice, body: map[string]any{"accountID": alicePersonalID}})
	}

	if got := ledger().get("data"); !reflect.DeepEqual(got, map[string]any{}) {
		t.Errorf("empty legacy ledger data = %v, want {}", got)
	}
	act(t, s, "263770000001", "acceptCredex", demoOfferID)
	want := []any{map[string]any{"credexID": demoOfferID, "formattedInitialAmount": "2.00 USD", "counterpartyAccountName": "Bob Example Personal"}}
	if got := ledger().get("data"); !reflect.DeepEqual(got, want) {
		t.Errorf("legacy ledger data = %v, want %v", got, want)
	}
}

func TestGetLedgerRefusals(t *testing.T) {
	s, _ := newTestServer(t, nil)
	alice := login(t, s, "263770000001")
	tests := []struct {
		name       string
		body       map[string]any
		wantStatus int
	}{
		{"negative startRow", map[string]any{"accountID": alicePersonalID, "startRow": -1}, 400},
		{"zero numRows", map[string]any{"accountID": alicePersonalID, "numRows": 0}, 400},
		{"missing account", map[string]any{}, 400},
		{"unknown account", map[string]any{"accountID": fixedID('b', 99)}, 404},
		{"someone else's account", map[string]any{"accountID": bobPersonalID}, 403},
	}
	for _, tt := range tests {
		resp := do(t, s, request{path: "/getLedger", token: alice, body: tt.body})
		if resp.status != tt.wantStatus {
			t.Errorf("%s: getLedger = %d %s, want %d", tt.name, resp.status, resp.raw, tt.wantStatus)
		}
	}
}

func TestGetCredex(t *testing.T) {
	s, _ := newTestServer(t, nil)
	act(t, s, "263770000001", "acceptCredex", demoOfferID)
	bob := login(t, s, "263770000002")

	resp := do(t, s, request{path: "/getCredex", token: bob, body: map[string]any{"credexID": demoOfferID, "accountID": bobPersonalID}})
	mustStatus(t, "getCredex", resp, http.StatusOK)
	for path, want := range map[string]any{
		"data.action.type":                            "CREDEX_RETRIEVED",
		"data.action.details.transactionType":         "OWES",
		"data.action.details.debit":                   true,
		"data.action.details.formattedInitialAmount":  "-2.00 USD",
		"data.action.details.counterpartyAccountName": "Alice Example Personal",
		"data.action.details.securerID":               bobPersonalID,
		"data.action.details.acceptedAt":              "2025-01-14",
		"data.action.details.InitialAmount":           2.0,
	} {
		if got := resp.get(path); got != want {
			t.Errorf("getCredex %s = %v, want %v", path, got, want)
		}
	}

	legacy := do(t, s, request{path: "/getCredex", token: bob, body: map[string]any{"credexID": demoOfferID, "accountID": bobPersonalID},
		header: map[string]string{"X-Mock-Shapes": "legacy"}})
	if legacy.str("data.credexData.transactionType") != "OWES" || legacy.get("data.clearedAgainstData") == nil {
		t.Errorf("legacy getCredex = %s", legacy.raw)
	}

	// Carol's account is no party to c1.
	carol := login(t, s, "263770000004")
	hidden := do(t, s, request{path: "/getCredex", token: carol, body: map[string]any{"credexID": demoOfferID, "accountID": carolPersonalID}})
	if hidden.status != http.StatusNotFound || hidden.str("message") != "Credex not found or not accessible" {
		t.Errorf("getCredex from a non-party = %d %s, want 404", hidden.status, hidden.raw)
	}
	foreign := do(t, s, request{path: "/getCredex", token: carol, body: map[string]any{"credexID": demoOfferID, "accountID": bobPersonalID}})
	mustStatus(t, "getCredex on someone else's account", foreign, http.StatusForbidden)
}
