package mockcredex

import (
	"net/http"
	"reflect"
	"testing"
)

func subscriptionBody(source string, edit map[string]any) map[string]any {
	body := map[string]any{
		"sourceAccountID": source, "templateType": "MEMBERTIER_SUBSCRIPTION", "memberTier": 3,
		"payFrequency": 28, "startDate": "2025-01-14", "amount": 1.0, "denomination": "USD", "securedCredex": true,
	}
	for k, v := range edit {
		body[k] = v
	}
	return body
}

func TestSubscription(t *testing.T) {
	s, _ := newTestServer(t, nil)
	alice := login(t, s, "263770000001")
	resp := do(t, s, request{path: "/createRecurring", token: alice, body: subscriptionBody(alicePersonalID, nil)})
	mustStatus(t, "createRecurring", resp, http.StatusCreated)

	for path, want := range map[string]any{
		"data.action.type":                                                  "RECURRING_CREATED",
		"data.action.id":                                                    fixedID('d', 1),
		"data.action.details.amount":                                        "1.00 USD",
		"data.action.details.nextDate":                                      "2025-02-11",
		"data.action.details.scheduleInfo.memberTier":                       3.0,
		"data.action.details.participants.targetAccountID":                  operationsID,
		"data.dashboard.member.memberTier":                                  3.0,
		"data.dashboard.member.remainingAvailableUSD":                       nil,
		"data.dashboard.accounts.0.balanceData.securedNetBalancesByDenom.0": "24.00 USD",
	} {
		if got := resp.get(path); got != want {
			t.Errorf("createRecurring %s = %v, want %v", path, got, want)
		}
	}

	// The charge is an accepted credex in the ledger.
	ledger := do(t, s, request{path: "/getLedger", token: alice, body: map[string]any{"accountID": alicePersonalID}})
	want := []any{map[string]any{"credexID": fixedID('c', 2), "formattedInitialAmount": "-1.00 USD", "counterpartyAccountName": "CredEx Operations"}}
	if got := ledger.get("data.action.details.ledger"); !reflect.DeepEqual(got, want) {
		t.Errorf("ledger after subscribing = %v, want %v", got, want)
	}

	again := do(t, s, request{path: "/createRecurring", token: alice, body: subscriptionBody(alicePersonalID, nil)})
	mustStatus(t, "second subscription", again, http.StatusBadRequest)
}

func TestSubscriptionRefusals(t *testing.T) {
	tests := []struct {
		name       string
		phone      string
		body       map[string]any
		wantStatus int
		wantCode   string
	}{
		{"bad template", "263770000001", subscriptionBody(alicePersonalID, map[string]any{"templateType": "MONTHLY"}), 400, "VALIDATION_ERROR"},
		{"tier other than 3", "263770000001", subscriptionBody(alicePersonalID, map[string]any{"memberTier": 4}), 400, "VALIDATION_ERROR"},
		{"bad start date", "263770000001", subscriptionBody(alicePersonalID, map[string]any{"startDate": "soon"}), 400, "VALIDATION_ERROR"},
		{"not the owner", "263770000001", subscriptionBody(bobPersonalID, nil), 403, "FORBIDDEN"},
		{"no secured USD", "263770000003", subscriptionBody(fixedID('b', 4), nil), 403, "INSUFFICIENT_SECURED_BALANCE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t, nil)
			onboard := map[string]any{"firstname": "Joan", "lastname": "Sample", "phone": "263770000003", "defaultDenom": "USD"}
			mustStatus(t, "onboard", do(t, s, request{path: "/onboardMember", body: onboard}), http.StatusCreated)

			resp := do(t, s, request{path: "/createRecurring", token: login(t, s, tt.phone), body: tt.body})
			if resp.status != tt.wantStatus || resp.str("data.action.details.code") != tt.wantCode {
				t.Errorf("createRecurring = %d %s, want %d %s", resp.status, resp.raw, tt.wantStatus, tt.wantCode)
			}
		})
	}
}

func TestSubscriptionNeedsUnreservedUSD(t *testing.T) {
	s, _ := newTestServer(t, nil)
	alice := login(t, s, "263770000001")
	gimme := do(t, s, request{path: "/devadmin/gimmeSecured", body: map[string]any{"accountHandle": "263770000001", "denom": "USD", "amount": -24.5}})
	mustStatus(t, "gimmeSecured with a negative amount", gimme, http.StatusBadRequest)

	// Reserve all but 0.50 USD in pending offers, over two business days.
	createOffer(t, s, alice, offerBody(alicePersonalID, bobPersonalID, 10, true, nil))
	admin(t, s, http.MethodPost, "/mock/clock", map[string]any{"offsetDays": 1})
	createOffer(t, s, alice, offerBody(alicePersonalID, bobPersonalID, 10, true, nil))
	admin(t, s, http.MethodPost, "/mock/clock", map[string]any{"offsetDays": 2})
	createOffer(t, s, alice, offerBody(alicePersonalID, bobPersonalID, 4.5, true, nil))

	resp := do(t, s, request{path: "/createRecurring", token: alice, body: subscriptionBody(alicePersonalID, nil)})
	if resp.status != http.StatusForbidden || resp.str("data.action.details.reason") != "Available secured balance in USD is 0.50" {
		t.Errorf("createRecurring with 0.50 USD free = %d %s", resp.status, resp.raw)
	}

	top := do(t, s, request{path: "/devadmin/gimmeSecured", body: map[string]any{"accountHandle": "263770000001", "denom": "usd", "amount": 0.5}})
	mustStatus(t, "gimmeSecured", top, http.StatusOK)
	mustStatus(t, "createRecurring after top-up", do(t, s, request{path: "/createRecurring", token: alice, body: subscriptionBody(alicePersonalID, nil)}), http.StatusCreated)
}

func TestAuthForTierSpendLimit(t *testing.T) {
	s, _ := newTestServer(t, nil)
	alice := login(t, s, "263770000001")
	tests := []struct {
		amount    float64
		denom     string
		secured   bool
		wantAuth  bool
		wantAvail string
	}{
		{5, "ZWG", true, true, "10.00 USD"},
		{300, "ZWG", true, false, "10.00 USD"}, // 11.10 USD
		{1, "USD", false, false, "10.00 USD"},
	}
	for _, tt := range tests {
		body := map[string]any{"issuerAccountID": alicePersonalID, "Amount": tt.amount, "Denomination": tt.denom, "securedCredex": tt.secured}
		resp := do(t, s, request{path: "/authForTierSpendLimit", token: alice, body: body})
		if resp.get("data.isAuthorized") != tt.wantAuth || resp.str("data.availableAmount") != tt.wantAvail {
			t.Errorf("authForTierSpendLimit(%v %s, secured %v) = %s, want %v %s", tt.amount, tt.denom, tt.secured, resp.raw, tt.wantAuth, tt.wantAvail)
		}
	}
}
