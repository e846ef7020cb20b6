package mockcredex

import (
	"net/http"
	"testing"
)

func TestReset(t *testing.T) {
	s, _ := newTestServer(t, nil)
	bob := login(t, s, "263770000002")
	createOffer(t, s, bob, offerBody(bobPersonalID, carolPersonalID, 1, true, nil))
	admin(t, s, http.MethodPost, "/mock/clock", map[string]any{"offsetDays": 3})
	admin(t, s, http.MethodPost, "/mock/fail", map[string]any{"endpoint": "login"})

	mustStatus(t, "POST /mock/reset", admin(t, s, http.MethodPost, "/mock/reset", nil), http.StatusOK)

	state := admin(t, s, http.MethodGet, "/mock/state", nil)
	if state.str("today") != "2025-01-14" || len(state.get("offers").([]any)) != 1 || len(s.Mutations()) != 0 {
		t.Errorf("state after reset = today %s, %d offers, %d mutations", state.str("today"), len(state.get("offers").([]any)), len(s.Mutations()))
	}
	// The fault is gone and the old token still names a known member.
	login(t, s, "263770000002")
	mustStatus(t, "ledger with a token from before the reset",
		do(t, s, request{path: "/getLedger", token: bob, body: map[string]any{"accountID": bobPersonalID}}), http.StatusOK)
	// Ids restart, so tests stay deterministic.
	if id := createOffer(t, s, bob, offerBody(bobPersonalID, carolPersonalID, 1, true, nil)); id != fixedID('c', 2) {
		t.Errorf("first offer after reset = %s, want c2", id)
	}
}

func TestStateDump(t *testing.T) {
	s, _ := newTestServer(t, nil)
	state := admin(t, s, http.MethodGet, "/mock/state", nil)
	for path, want := range map[string]any{
		"members.0.memberID":            aliceID,
		"members.2.tier":                4.0,
		"accounts.2.securedSettled.XAU": "0.0100 XAU",
		"offers.0.credexID":             demoOfferID,
		"offers.0.state":                "pending",
	} {
		if got := state.get(path); got != want {
			t.Errorf("GET /mock/state %s = %v, want %v", path, got, want)
		}
	}
	mustStatus(t, "unknown mock endpoint", admin(t, s, http.MethodGet, "/mock/nothing", nil), http.StatusNotFound)
	mustStatus(t, "unknown CredEx endpoint", do(t, s, request{path: "/makeMoney", body: map[string]any{}}), http.StatusNotFound)
	mustStatus(t, "clock without offset", admin(t, s, http.MethodPost, "/mock/clock", map[string]any{}), http.StatusBadRequest)
}

func TestDemoMembers(t *testing.T) {
	s, _ := newTestServer(t, nil)
	for _, m := range DemoMembers() {
		resp := do(t, s, request{path: "/login", body: map[string]any{"phone": m.Phone}})
		registered := m.Tier > 0
		if (resp.status == http.StatusOK) != registered {
			t.Errorf("login %s (%s) = %d, registered %v", m.Phone, m.Name, resp.status, registered)
		}
		if registered && resp.get("data.dashboard.member.memberTier") != float64(m.Tier) {
			t.Errorf("%s tier = %v, want %d", m.Name, resp.get("data.dashboard.member.memberTier"), m.Tier)
		}
	}
}
