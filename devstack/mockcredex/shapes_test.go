package mockcredex

import (
	"net/http"
	"reflect"
	"testing"
)

func TestLoginShapes(t *testing.T) {
	t.Run("current", func(t *testing.T) {
		s, _ := newTestServer(t, nil)
		resp := do(t, s, request{path: "/login", body: map[string]any{"phone": "263770000001"}})
		mustStatus(t, "login", resp, http.StatusOK)
		for path, want := range map[string]any{
			"message":                        "Successfully logged in",
			"data.action.id":                 aliceID,
			"data.action.type":               "MEMBER_LOGIN",
			"data.action.actor":              aliceID,
			"data.action.timestamp":          "2025-01-14T10:00:00.000Z",
			"data.action.details.phone":      "263770000001",
			"data.dashboard.member.memberID": aliceID,
		} {
			if got := resp.get(path); got != want {
				t.Errorf("login %s = %v, want %v", path, got, want)
			}
		}
	})

	t.Run("legacy by config", func(t *testing.T) {
		s, _ := newTestServer(t, func(c *Config) { c.Shapes = "legacy" })
		resp := do(t, s, request{path: "/login", body: map[string]any{"phone": "263770000001"}})
		if resp.get("success") != true || resp.str("data.memberID") != aliceID || resp.str("data.token") == "" {
			t.Errorf("legacy login = %s, want success with token and memberID", resp.raw)
		}
		if resp.get("data.dashboard") != nil {
			t.Errorf("legacy login carries a dashboard: %s", resp.raw)
		}

		// The header overrides the configured shapes for one request.
		cur := do(t, s, request{path: "/login", body: map[string]any{"phone": "263770000001"}, header: map[string]string{"X-Mock-Shapes": "current"}})
		if cur.str("data.action.type") != "MEMBER_LOGIN" {
			t.Errorf("login with X-Mock-Shapes current = %s, want the envelope", cur.raw)
		}
	})

	t.Run("legacy not found", func(t *testing.T) {
		s, _ := newTestServer(t, nil)
		resp := do(t, s, request{path: "/login", body: map[string]any{"phone": "263770000003"}, header: map[string]string{"X-Mock-Shapes": "legacy"}})
		want := map[string]any{"success": false, "message": "Member not found"}
		if resp.status != http.StatusNotFound || !reflect.DeepEqual(resp.body, want) {
			t.Errorf("legacy login of a stranger = %d %s, want 404 %v", resp.status, resp.raw, want)
		}
	})
}

func TestLegacyDashboardByPhone(t *testing.T) {
	s, _ := newTestServer(t, func(c *Config) { c.Shapes = "legacy" })
	token := login(t, s, "263770000002")
	resp := do(t, s, request{path: "/getMemberDashboardByPhone", token: token, body: map[string]any{"phone": "263770000001"}})
	mustStatus(t, "getMemberDashboardByPhone", resp, http.StatusOK)

	checks := map[string]any{
		"data.memberDashboard.memberTier":                        map[string]any{"low": 1.0, "high": 0.0},
		"data.memberDashboard.remainingAvailableUSD":             map[string]any{"low": 10.0, "high": 0.0},
		"data.memberDashboard.accountIDS":                        []any{alicePersonalID, exampleTradersID},
		"data.accountDashboards.0.success":                       true,
		"data.accountDashboards.0.data.accountType":              "PERSONAL_CONSUMPTION",
		"data.accountDashboards.0.data.sendOffersToMemberID":     aliceID,
		"data.accountDashboards.0.data.sendOffersToFirstname":    "Alice",
		"data.accountDashboards.0.data.pendingOutData":           map[string]any{},
		"data.accountDashboards.0.data.pendingInData.0.credexID": demoOfferID,
		"data.accountDashboards.1.data.accountType":              "BUSINESS",
		"data.accountDashboards.1.data.pendingInData":            map[string]any{},
	}
	for path, want := range checks {
		if got := resp.get(path); !reflect.DeepEqual(got, want) {
			t.Errorf("legacy dashboard %s = %v, want %v", path, got, want)
		}
	}
	if resp.get("data.accountDashboards.0.data.sendOffersTo") != nil {
		t.Error("legacy account keeps the sendOffersTo object")
	}

	// Unknown phone.
	missing := do(t, s, request{path: "/getMemberDashboardByPhone", token: token, body: map[string]any{"phone": "263770000003"}})
	mustStatus(t, "dashboard of a stranger", missing, http.StatusNotFound)
}

func TestLegacyCreateCredex(t *testing.T) {
	s, _ := newTestServer(t, func(c *Config) { c.Shapes = "legacy" })
	token := login(t, s, "263770000002")

	resp := do(t, s, request{path: "/createCredex", token: token, body: offerBody(bobPersonalID, carolPersonalID, 1.5, true, nil)})
	mustStatus(t, "legacy createCredex", resp, http.StatusOK)
	if resp.get("success") != true || resp.str("data.createCredexData.credex.formattedInitialAmount") != "-1.50 USD" {
		t.Errorf("legacy createCredex = %s", resp.raw)
	}
	if got := resp.get("data.dashboardData.memberDashboard.memberTier"); !reflect.DeepEqual(got, map[string]any{"low": 2.0, "high": 0.0}) {
		t.Errorf("legacy createCredex dashboard tier = %v", got)
	}

	// A refusal of the secured balance is a 400 error text in legacy builds.
	refused := do(t, s, request{path: "/createCredex", token: token, body: offerBody(bobPersonalID, carolPersonalID, 9, true, nil)})
	want := map[string]any{"success": false, "error": "Insufficient secured balance"}
	if refused.status != http.StatusBadRequest || !reflect.DeepEqual(refused.body, want) {
		t.Errorf("legacy insufficient balance = %d %s, want 400 %v", refused.status, refused.raw, want)
	}
}
