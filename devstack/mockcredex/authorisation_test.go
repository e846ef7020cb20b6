package mockcredex

import (
	"net/http"
	"reflect"
	"strconv"
	"testing"
)

func TestAuthorizeForAccount(t *testing.T) {
	tests := []struct {
		name       string
		phone      string
		accountID  string
		handle     string
		wantStatus int
		wantMsg    string
	}{
		{"owner on Entrepreneur tier", "263770000004", carolHardwareID, "263770000001", 200, "Account authorized successfully"},
		{"already authorised", "263770000004", carolHardwareID, "263770000002", 200, "Account authorized successfully"},
		{"owner below tier 4", "263770000001", exampleTradersID, "263770000002", 403,
			"You can only authorize someone to transact on behalf of your account when you are on the Entrepreneur tier or above."},
		{"not the owner", "263770000002", carolHardwareID, "263770000001", 403, "Only the account owner can change who may act on this account"},
		{"unknown member", "263770000004", carolHardwareID, "263770000003", 404, "Member not found"},
		{"unknown account", "263770000004", fixedID('b', 99), "263770000001", 404, "Account not found"},
		{"invalid handle", "263770000004", carolHardwareID, "x", 400, "Invalid handle: x must be 3 to 30 characters of a-z, 0-9 or underscore"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestServer(t, nil)
			body := map[string]any{"accountID": tt.accountID, "memberHandleToBeAuthorized": tt.handle, "ownerID": aliceID}
			resp := do(t, s, request{path: "/authorizeForAccount", token: login(t, s, tt.phone), body: body})
			if resp.status != tt.wantStatus || resp.str("message") != tt.wantMsg {
				t.Errorf("authorizeForAccount = %d %q, want %d %q", resp.status, resp.str("message"), tt.wantStatus, tt.wantMsg)
			}
		})
	}
}

func TestAuthorisedAccountAppears(t *testing.T) {
	s, _ := newTestServer(t, nil)
	carol := login(t, s, "263770000004")
	resp := do(t, s, request{path: "/authorizeForAccount", token: carol, body: map[string]any{"accountID": carolHardwareID, "memberHandleToBeAuthorized": "263770000001"}})
	if resp.str("data.memberIdAuthorized") != aliceID {
		t.Fatalf("authorizeForAccount = %s", resp.raw)
	}
	d := dashboardOf(t, s, "263770000001")
	if d.str("accounts.2.accountID") != carolHardwareID || d.get("accounts.2.isOwnedAccount") != false {
		t.Errorf("Alice's third account = %v, want carol_hardware, not owned", d.get("accounts.2"))
	}
}

func TestAuthorisationLimit(t *testing.T) {
	s, _ := newTestServer(t, nil)
	carol := login(t, s, "263770000004")
	authorize := func(handle string) response {
		return do(t, s, request{path: "/authorizeForAccount", token: carol, body: map[string]any{"accountID": carolHardwareID, "memberHandleToBeAuthorized": handle}})
	}

	// Bob is the first of five; four more members fill the account.
	phones := []string{"263770000001"}
	for i := range 4 {
		phone := "26377000010" + strconv.Itoa(i)
		onboard := map[string]any{"firstname": "Extra", "lastname": "Member", "phone": phone, "defaultDenom": "USD"}
		mustStatus(t, "onboard "+phone, do(t, s, request{path: "/onboardMember", body: onboard}), http.StatusCreated)
		phones = append(phones, phone)
	}
	for _, phone := range phones[:4] {
		mustStatus(t, "authorize "+phone, authorize(phone), http.StatusOK)
	}
	resp := authorize(phones[4])
	want := "Limit of 5 authorized accounts reached. Remove an authorized account if you want to add another."
	if resp.status != http.StatusBadRequest || resp.str("data.action.details.reason") != want {
		t.Errorf("sixth authorisation = %d %s, want 400 %q", resp.status, resp.raw, want)
	}

	// Removing one makes room again.
	remove := do(t, s, request{path: "/unauthorizeForAccount", token: carol, body: map[string]any{"accountID": carolHardwareID, "memberID": aliceID}})
	mustStatus(t, "unauthorizeForAccount", remove, http.StatusOK)
	mustStatus(t, "authorize after removal", authorize(phones[4]), http.StatusOK)
}

func TestUnauthorizeAndSendOffersTo(t *testing.T) {
	s, _ := newTestServer(t, nil)
	carol := login(t, s, "263770000004")
	post := func(path string, body map[string]any) response {
		return do(t, s, request{path: path, token: carol, body: body})
	}

	// An unauthorised member cannot receive the offer alerts.
	bad := post("/updateSendOffersTo", map[string]any{"accountID": carolHardwareID, "memberID": aliceID})
	if bad.status != http.StatusBadRequest || bad.str("message") != "Invalid memberIDtoSendOffers" {
		t.Errorf("updateSendOffersTo to an outsider = %d %s, want 400", bad.status, bad.raw)
	}

	// Removing Bob, who gets the alerts, gives them back to the owner.
	mustStatus(t, "unauthorize Bob", post("/unauthorizeForAccount", map[string]any{"accountID": carolHardwareID, "memberIDtoBeUnauthorized": bobID}), http.StatusOK)
	hardware := dashboardOf(t, s, "263770000004").get("accounts.1")
	if got := lookup(hardware, "sendOffersTo.memberID"); got != carolID {
		t.Errorf("sendOffersTo after removing Bob = %v, want Carol", got)
	}
	if got := lookup(hardware, "authFor"); !reflect.DeepEqual(got, []any{map[string]any{"memberID": carolID, "firstname": "Carol", "lastname": "Example"}}) {
		t.Errorf("authFor after removing Bob = %v", got)
	}
	again := post("/unauthorizeForAccount", map[string]any{"accountID": carolHardwareID, "memberID": bobID})
	mustStatus(t, "unauthorize Bob again", again, http.StatusNotFound)

	// Carol points the alerts at herself explicitly.
	ok := post("/updateSendOffersTo", map[string]any{"accountID": carolHardwareID, "memberIDtoSendOffers": carolID})
	if ok.status != http.StatusOK || ok.get("success") != true {
		t.Errorf("updateSendOffersTo owner = %d %s", ok.status, ok.raw)
	}
}
