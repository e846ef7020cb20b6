package mockcredex

import (
	"net/http"
	"testing"
)

func TestOnboardMember(t *testing.T) {
	s, _ := newTestServer(t, nil)
	body := map[string]any{"firstname": "Jo@an", "lastname": "Sam-ple 2", "phone": "263770000003", "defaultDenom": "usd", "memberTier": 5}
	resp := do(t, s, request{path: "/onboardMember", body: body})
	mustStatus(t, "onboardMember", resp, http.StatusCreated)

	checks := map[string]any{
		"data.action.type":                                "MEMBER_ONBOARDED",
		"data.action.details.memberID":                    fixedID('a', 3),
		"data.action.details.defaultAccountID":            fixedID('b', 4),
		"data.action.details.firstname":                   "Joan",
		"data.action.details.lastname":                    "Sam-ple",
		"data.action.details.memberHandle":                "263770000003",
		"data.action.details.defaultDenom":                "USD",
		"data.dashboard.member.memberTier":                1.0,
		"data.dashboard.member.remainingAvailableUSD":     10.0,
		"data.dashboard.accounts.0.accountName":           "Joan Sam-ple Personal",
		"data.dashboard.accounts.0.accountHandle":         "263770000003",
		"data.dashboard.accounts.0.accountType":           "PERSONAL",
		"data.dashboard.accounts.0.sendOffersTo.memberID": fixedID('a', 3),
	}
	for path, want := range checks {
		if got := resp.get(path); got != want {
			t.Errorf("onboardMember %s = %v, want %v", path, got, want)
		}
	}
	if resp.str("data.action.details.token") == "" {
		t.Error("onboardMember gave no token")
	}

	// The new member can log in; a second onboarding of the phone conflicts.
	login(t, s, "263770000003")
	again := do(t, s, request{path: "/onboardMember", body: body})
	mustStatus(t, "second onboardMember", again, http.StatusConflict)
}

func TestOnboardMemberValidation(t *testing.T) {
	tests := []struct {
		name      string
		edit      map[string]any
		wantField string
	}{
		{"short first name after sanitising", map[string]any{"firstname": "J1!"}, "firstname"},
		{"long last name", map[string]any{"lastname": "Abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijk"}, "lastname"},
		{"bad phone", map[string]any{"phone": "0123"}, "phone"},
		{"phone too short for a handle", map[string]any{"phone": "12"}, "phone"},
		{"unknown denomination", map[string]any{"defaultDenom": "EUR"}, "defaultDenom"},
	}
	s, _ := newTestServer(t, nil)
	for _, tt := range tests {
		body := map[string]any{"firstname": "Joan", "lastname": "Sample", "phone": "263770000003", "defaultDenom": "USD"}
		for k, v := range tt.edit {
			body[k] = v
		}
		resp := do(t, s, request{path: "/onboardMember", body: body})
		if resp.status != http.StatusBadRequest || resp.str("data.action.details.field") != tt.wantField {
			t.Errorf("%s: onboardMember = %d %s, want 400 on %s", tt.name, resp.status, resp.raw, tt.wantField)
		}
	}
}

func TestLookups(t *testing.T) {
	s, _ := newTestServer(t, nil)
	token := login(t, s, "263770000001")
	tests := []struct {
		name       string
		path       string
		body       map[string]any
		shapes     string
		wantStatus int
		wantPath   string
		wantValue  string
	}{
		{"account by handle, current", "/getAccountByHandle", map[string]any{"accountHandle": "Carol_Hardware"}, "current",
			200, "data.action.details.accountID", carolHardwareID},
		{"account by handle, legacy", "/getAccountByHandle", map[string]any{"accountHandle": "263770000002"}, "legacy",
			200, "accountData.accountName", "Bob Example Personal"},
		{"account not found, current", "/getAccountByHandle", map[string]any{"accountHandle": "bob_shop"}, "current",
			404, "data.action.details.reason", "No account with handle bob_shop"},
		{"account not found, legacy", "/getAccountByHandle", map[string]any{"accountHandle": "bob_shop"}, "legacy",
			404, "message", "Account not found"},
		{"invalid handle", "/getAccountByHandle", map[string]any{"accountHandle": "a-b"}, "current",
			400, "data.action.type", "ERROR_VALIDATION"},
		{"member by handle, legacy", "/getMemberByHandle", map[string]any{"memberHandle": "263770000002"}, "legacy",
			200, "memberData.memberName", "Bob Example"},
		{"member by handle, current", "/getMemberByHandle", map[string]any{"memberHandle": "263770000002"}, "current",
			200, "data.action.details.memberID", bobID},
		{"member not found, legacy", "/getMemberByHandle", map[string]any{"memberHandle": "263770000003"}, "legacy",
			404, "message", "Member not found"},
	}
	for _, tt := range tests {
		resp := do(t, s, request{path: tt.path, token: token, body: tt.body, header: map[string]string{"X-Mock-Shapes": tt.shapes}})
		if resp.status != tt.wantStatus || resp.str(tt.wantPath) != tt.wantValue {
			t.Errorf("%s = %d %s, want %d with %s %q", tt.name, resp.status, resp.raw, tt.wantStatus, tt.wantPath, tt.wantValue)
		}
	}
}
