package mockcredex

import (
	"net/http"
	"testing"
)

// Dates relative to testStart (2025-01-14), the business day of the tests.
const (
	dueTooEarly = "2025-01-20" // today + 6
	dueFirst    = "2025-01-21" // today + 7
	dueLast     = "2025-02-17" // today + 34
	dueTooLate  = "2025-02-18" // today + 35
)

func TestCreateCredexRules(t *testing.T) {
	tests := []struct {
		name       string
		phone      string
		body       map[string]any
		wantStatus int
		wantCode   string
		wantReason string
	}{
		// Validation, 400.
		{"unknown denomination", "263770000002", offerBody(bobPersonalID, carolPersonalID, 1, true, map[string]any{"Denomination": "EUR"}),
			400, "VALIDATION_ERROR", "Invalid denomination: EUR is not a recognized denomination"},
		{"negative amount", "263770000002", offerBody(bobPersonalID, carolPersonalID, -1, true, nil),
			400, "VALIDATION_ERROR", "Must be a positive number"},
		{"amount rounds to zero", "263770000002", offerBody(bobPersonalID, carolPersonalID, 0.001, true, nil),
			400, "VALIDATION_ERROR", "Must be a positive number"},
		{"missing amount", "263770000002", offerBody(bobPersonalID, carolPersonalID, 1, true, map[string]any{"InitialAmount": nil}),
			400, "VALIDATION_ERROR", "Missing required field: InitialAmount"},
		{"field names are case-sensitive", "263770000002", offerBody(bobPersonalID, carolPersonalID, 1, true, map[string]any{"InitialAmount": nil, "initialAmount": 1}),
			400, "VALIDATION_ERROR", "Missing required field: InitialAmount"},
		{"bad credex type", "263770000002", offerBody(bobPersonalID, carolPersonalID, 1, true, map[string]any{"credexType": "LOAN"}),
			400, "VALIDATION_ERROR", "Invalid credexType: must be one of PURCHASE, GIFT, DCO_GIVE, DCO_RECEIVE"},
		{"same account", "263770000002", offerBody(bobPersonalID, bobPersonalID, 1, true, nil),
			400, "VALIDATION_ERROR", "Issuer and receiver cannot be the same account"},
		{"due date on secured", "263770000002", offerBody(bobPersonalID, carolPersonalID, 1, true, map[string]any{"dueDate": dueFirst}),
			400, "VALIDATION_ERROR", "Due date is not allowed for secured credex"},
		{"unsecured without due date", "263770000002", offerBody(bobPersonalID, carolPersonalID, 1, false, nil),
			400, "VALIDATION_ERROR", "Due date is required for unsecured credex"},
		{"due date too early", "263770000002", offerBody(bobPersonalID, carolPersonalID, 1, false, map[string]any{"dueDate": dueTooEarly}),
			400, "VALIDATION_ERROR", "Due date must be between 2025-01-21 and 2025-02-17 (at least 7 days from today and less than 35)"},
		{"due date too late", "263770000002", offerBody(bobPersonalID, carolPersonalID, 1, false, map[string]any{"dueDate": dueTooLate}),
			400, "VALIDATION_ERROR", "Due date must be between 2025-01-21 and 2025-02-17 (at least 7 days from today and less than 35)"},
		{"due date not a date", "263770000002", offerBody(bobPersonalID, carolPersonalID, 1, false, map[string]any{"dueDate": "11/02/2025"}),
			400, "VALIDATION_ERROR", "Invalid due date: 11/02/2025 must be YYYY-MM-DD"},

		// Look-ups and permissions.
		{"unknown issuer", "263770000002", offerBody(fixedID('b', 99), carolPersonalID, 1, true, nil),
			404, "NOT_FOUND", "No account with id " + fixedID('b', 99)},
		{"not authorised on issuer", "263770000001", offerBody(bobPersonalID, alicePersonalID, 1, true, nil),
			403, "FORBIDDEN", "You are not authorized to issue credex from this account"},
		{"unsecured on open tier", "263770000001", offerBody(alicePersonalID, bobPersonalID, 1, false, map[string]any{"dueDate": dueFirst}),
			403, "INSUFFICIENT_TIER", "Unsecured credex not permitted on open tier"},
		{"tier 1 daily limit", "263770000001", offerBody(exampleTradersID, bobPersonalID, 10.01, true, nil),
			403, "FORBIDDEN", "Daily limit exceeded: 10.00 USD available today"},
		{"tier 2 daily limit through XAU", "263770000002", offerBody(bobPersonalID, carolPersonalID, 0.04, true, map[string]any{"Denomination": "XAU"}),
			403, "FORBIDDEN", "Daily limit exceeded: 100.00 USD available today"},
		{"secured balance net of pending offers", "263770000002", offerBody(bobPersonalID, carolPersonalID, 8.01, true, nil),
			403, "INSUFFICIENT_SECURED_BALANCE", "Available secured balance in USD is 8.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t, nil)
			resp := do(t, s, request{path: "/createCredex", token: login(t, s, tt.phone), body: tt.body})
			code, reason := resp.str("data.action.details.code"), resp.str("data.action.details.reason")
			if resp.status != tt.wantStatus || code != tt.wantCode || reason != tt.wantReason {
				t.Errorf("createCredex = %d %s %q, want %d %s %q", resp.status, code, reason, tt.wantStatus, tt.wantCode, tt.wantReason)
			}
			if resp.get("data.action.id") != nil {
				t.Errorf("refusal has action id %v, want null", resp.get("data.action.id"))
			}
		})
	}
}

func TestCreateCredexAccepted(t *testing.T) {
	tests := []struct {
		name  string
		phone string
		body  map[string]any
	}{
		{"first day of the window", "263770000002", offerBody(bobPersonalID, carolPersonalID, 5, false, map[string]any{"dueDate": dueFirst})},
		{"last day of the window", "263770000002", offerBody(bobPersonalID, carolPersonalID, 5, false, map[string]any{"dueDate": dueLast})},
		{"exactly the tier 1 limit", "263770000001", offerBody(exampleTradersID, bobPersonalID, 10, true, nil)},
		{"unknown fields stripped", "263770000002", offerBody(bobPersonalID, carolPersonalID, 1, true, map[string]any{"memberID": aliceID, "invoiceID": "x"})},
		{"lower-case denomination", "263770000002", offerBody(bobPersonalID, carolPersonalID, 0.001, true, map[string]any{"Denomination": "xau"})},
		{"authorised member on a business", "263770000002", offerBody(carolHardwareID, alicePersonalID, 20, true, nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t, nil)
			resp := do(t, s, request{path: "/createCredex", token: login(t, s, tt.phone), body: tt.body})
			mustStatus(t, "createCredex", resp, http.StatusOK)
			if resp.str("data.action.type") != "CREDEX_CREATED" || resp.str("data.action.id") != fixedID('c', 2) {
				t.Errorf("createCredex = %s, want CREDEX_CREATED with id c2", resp.raw)
			}
		})
	}
}

func TestDailyLimitAndClock(t *testing.T) {
	s, _ := newTestServer(t, nil)
	token := login(t, s, "263770000001")
	createOffer(t, s, token, offerBody(alicePersonalID, bobPersonalID, 6, true, nil))
	cancelled := createOffer(t, s, token, offerBody(exampleTradersID, bobPersonalID, 4, true, nil))
	mustStatus(t, "cancelCredex", do(t, s, request{path: "/cancelCredex", token: token, body: map[string]any{"credexID": cancelled}}), http.StatusOK)
	if got := dashboardOf(t, s, "263770000001").get("member.remainingAvailableUSD"); got != 0.0 {
		t.Fatalf("remainingAvailableUSD after 10 USD = %v, want 0", got)
	}

	// A cancelled offer still counts: the limit is on credex created today.
	resp := do(t, s, request{path: "/createCredex", token: token, body: offerBody(alicePersonalID, bobPersonalID, 0.01, true, nil)})
	mustStatus(t, "createCredex over the limit", resp, http.StatusForbidden)

	// The next business day has a fresh limit and a moved due-date window.
	moved := admin(t, s, http.MethodPost, "/mock/clock", map[string]any{"offsetDays": 1})
	if moved.str("today") != "2025-01-15" {
		t.Fatalf("POST /mock/clock = %s, want today 2025-01-15", moved.raw)
	}
	createOffer(t, s, token, offerBody(alicePersonalID, bobPersonalID, 1, true, nil))
	if got := dashboardOf(t, s, "263770000001").get("member.remainingAvailableUSD"); got != 9.0 {
		t.Errorf("remainingAvailableUSD on the next day = %v, want 9", got)
	}
	bob := login(t, s, "263770000002")
	early := do(t, s, request{path: "/createCredex", token: bob, body: offerBody(bobPersonalID, carolPersonalID, 1, false, map[string]any{"dueDate": dueFirst})})
	mustStatus(t, "due today+6 after the clock moved", early, http.StatusBadRequest)
}
