package mockcredex

import (
	"net/http"
	"reflect"
	"testing"
)

func TestDemoDashboards(t *testing.T) {
	s, _ := newTestServer(t, nil)
	tests := []struct {
		phone  string
		checks map[string]any
	}{
		{"263770000001", map[string]any{
			"member.memberTier":                                1.0,
			"member.remainingAvailableUSD":                     10.0,
			"member.firstname":                                 "Alice",
			"accounts.0.accountID":                             alicePersonalID,
			"accounts.0.accountName":                           "Alice Example Personal",
			"accounts.0.isOwnedAccount":                        true,
			"accounts.0.balanceData.securedNetBalancesByDenom": []any{"25.00 USD"},
			"accounts.0.pendingInData": []any{map[string]any{
				"credexID": demoOfferID, "formattedInitialAmount": "2.00 USD",
				"counterpartyAccountName": "Bob Example Personal", "secured": true,
			}},
			"accounts.0.pendingOutData":                        []any{},
			"accounts.1.accountHandle":                         "example_traders",
			"accounts.1.accountName":                           "Example Traders",
			"accounts.1.balanceData.securedNetBalancesByDenom": []any{"100.00 USD"},
		}},
		{"263770000002", map[string]any{
			"member.memberTier":            2.0,
			"member.remainingAvailableUSD": 100.0,
			// 2.00 USD is reserved by the pending offer c1; net assets
			// count the XAU at 2,600 USD.
			"accounts.0.balanceData.securedNetBalancesByDenom":     []any{"8.00 USD", "0.0100 XAU"},
			"accounts.0.balanceData.netCredexAssetsInDefaultDenom": "36.00 USD",
			"accounts.0.pendingOutData.0.formattedInitialAmount":   "-2.00 USD",
			"accounts.1.accountID":                                 carolHardwareID,
			"accounts.1.isOwnedAccount":                            false,
		}},
		{"263770000004", map[string]any{
			"member.memberTier":            4.0,
			"member.remainingAvailableUSD": nil,
			"accounts.1.accountHandle":     "carol_hardware",
			"accounts.1.sendOffersTo":      map[string]any{"memberID": bobID, "firstname": "Bob", "lastname": "Example"},
			"accounts.1.authFor": []any{
				map[string]any{"memberID": carolID, "firstname": "Carol", "lastname": "Example"},
				map[string]any{"memberID": bobID, "firstname": "Bob", "lastname": "Example"},
			},
			"accounts.1.balanceData.securedNetBalancesByDenom": []any{"20.00 USD"},
		}},
	}
	for _, tt := range tests {
		d := dashboardOf(t, s, tt.phone)
		for path, want := range tt.checks {
			if got := d.get(path); !reflect.DeepEqual(got, want) {
				t.Errorf("dashboard of %s: %s = %#v, want %#v", tt.phone, path, got, want)
			}
		}
	}
}

func TestSecuredReservation(t *testing.T) {
	s, _ := newTestServer(t, nil)
	bob, carol := login(t, s, "263770000002"), login(t, s, "263770000004")
	secured := "accounts.0.balanceData.securedNetBalancesByDenom.0"
	assets := "accounts.0.balanceData.netCredexAssetsInDefaultDenom"

	steps := []struct {
		name                     string
		act                      func() string
		bobSecured, bobAssets    string
		carolSecured, carolAsset string
	}{
		{"offer reserves", func() string {
			return createOffer(t, s, bob, offerBody(bobPersonalID, carolPersonalID, 3, true, nil))
		}, "5.00 USD", "36.00 USD", "50.00 USD", "50.00 USD"},
		{"decline releases", func() string {
			id := fixedID('c', 2)
			mustStatus(t, "decline", do(t, s, request{path: "/declineCredex", token: carol, body: map[string]any{"credexID": id}}), http.StatusOK)
			return id
		}, "8.00 USD", "36.00 USD", "50.00 USD", "50.00 USD"},
		{"accept moves", func() string {
			id := createOffer(t, s, bob, offerBody(bobPersonalID, carolPersonalID, 1.25, true, nil))
			mustStatus(t, "accept", do(t, s, request{path: "/acceptCredex", token: carol, body: map[string]any{"credexID": id}}), http.StatusOK)
			return id
		}, "6.75 USD", "34.75 USD", "51.25 USD", "51.25 USD"},
		{"unsecured makes payables", func() string {
			id := createOffer(t, s, bob, offerBody(bobPersonalID, carolPersonalID, 5, false, map[string]any{"dueDate": dueFirst}))
			mustStatus(t, "accept", do(t, s, request{path: "/acceptCredex", token: carol, body: map[string]any{"credexID": id}}), http.StatusOK)
			return id
		}, "6.75 USD", "29.75 USD", "51.25 USD", "56.25 USD"},
	}
	for _, step := range steps {
		step.act()
		b, c := dashboardOf(t, s, "263770000002"), dashboardOf(t, s, "263770000004")
		if b.str(secured) != step.bobSecured || b.str(assets) != step.bobAssets {
			t.Errorf("%s: Bob secured %s, assets %s; want %s, %s", step.name, b.str(secured), b.str(assets), step.bobSecured, step.bobAssets)
		}
		if c.str(secured) != step.carolSecured || c.str(assets) != step.carolAsset {
			t.Errorf("%s: Carol secured %s, assets %s; want %s, %s", step.name, c.str(secured), c.str(assets), step.carolSecured, step.carolAsset)
		}
	}

	unsecured := dashboardOf(t, s, "263770000002").get("accounts.0.balanceData.unsecuredBalancesInDefaultDenom")
	want := map[string]any{"totalPayables": "5.00 USD", "totalReceivables": "0.00 USD", "netPayRec": "-5.00 USD"}
	if !reflect.DeepEqual(unsecured, want) {
		t.Errorf("Bob unsecured balances = %v, want %v", unsecured, want)
	}
}

func TestPendingUnsecuredItem(t *testing.T) {
	s, _ := newTestServer(t, nil)
	bob := login(t, s, "263770000002")
	id := createOffer(t, s, bob, offerBody(bobPersonalID, carolPersonalID, 1234.5, false, map[string]any{"dueDate": dueFirst}))

	out := dashboardOf(t, s, "263770000002").get("accounts.0.pendingOutData.1")
	want := map[string]any{"credexID": id, "formattedInitialAmount": "-1,234.50 USD", "counterpartyAccountName": "Carol Example Personal", "dueDate": dueFirst}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("pendingOutData item = %v, want %v", out, want)
	}
}
