package transport

import (
	"context"
	"reflect"
	"testing"

	"github.com/vimbisopay/vimbiso"
)

func ptr[T any](v T) *T { return &v }

func alice() vimbiso.PersonName {
	return vimbiso.PersonName{MemberID: aliceMemberID, FirstName: "Alice", LastName: "Example"}
}

// alicePersonal is Alice's personal account as the current dashboard shows it.
func alicePersonal() vimbiso.Account {
	return vimbiso.Account{
		AccountID: aliceAcct, Name: "Alice Example Personal", Handle: alicePhone, Type: "PERSONAL", DefaultDenom: "USD", Owned: true,
		SendOffersTo: ptr(alice()),
		AuthFor:      []vimbiso.PersonName{alice()},
		Balances: vimbiso.Balances{
			SecuredNet:    []string{"25.00 USD", "0.0500 XAU"},
			TotalPayables: "0.00 USD", TotalReceivables: "10.00 USD", NetPayRec: "10.00 USD", NetAssets: "35.00 USD",
		},
		PendingIn:  []vimbiso.PendingOffer{{CredexID: offerFromBob, Amount: "2.00 USD", Counterparty: "Bob Example Personal", Secured: true}},
		PendingOut: []vimbiso.PendingOffer{{CredexID: offerToBob, Amount: "-10.00 USD", Counterparty: "Bob Example Personal", DueDate: "2025-02-11"}},
	}
}

func aliceMember(tier int, remaining *float64) vimbiso.Member {
	return vimbiso.Member{MemberID: aliceMemberID, Tier: tier, FirstName: "Alice", LastName: "Example",
		Handle: alicePhone, DefaultDenom: "USD", RemainingUSD: remaining}
}

// aliceDashboard is the current-shape dashboard of the testdata.
func aliceDashboard() *vimbiso.Dashboard {
	traders := vimbiso.Account{
		AccountID: tradersAcct, Name: "Example Traders", Handle: "example_traders", Type: "BUSINESS", DefaultDenom: "USD", Owned: true,
		SendOffersTo: ptr(alice()),
		Balances: vimbiso.Balances{SecuredNet: []string{}, TotalPayables: "0.00 USD", TotalReceivables: "0.00 USD",
			NetPayRec: "0.00 USD", NetAssets: "0.00 USD"},
		PendingIn:  []vimbiso.PendingOffer{},
		PendingOut: []vimbiso.PendingOffer{},
	}
	return &vimbiso.Dashboard{Member: aliceMember(1, ptr(8.5)), Accounts: []vimbiso.Account{alicePersonal(), traders}}
}

// legacyDashboard is the 2024 getMemberDashboardByPhone answer, converted:
// Neo4j integers, wrapped accounts and lists, {} for no offers and flat
// sendOffersTo fields.
func legacyDashboard() *vimbiso.Dashboard {
	acct := vimbiso.Account{
		AccountID: aliceAcct, Name: "Alice Example Personal", Handle: alicePhone, Type: "PERSONAL_CONSUMPTION", DefaultDenom: "USD", Owned: true,
		SendOffersTo: ptr(alice()),
		Balances: vimbiso.Balances{SecuredNet: []string{"25.00 USD"}, TotalPayables: "0.00 USD", TotalReceivables: "0.00 USD",
			NetPayRec: "0.00 USD", NetAssets: "25.00 USD"},
		PendingIn:  []vimbiso.PendingOffer{{CredexID: offerFromBob, Amount: "2.00 USD", Counterparty: "Bob Example Personal", Secured: true}},
		PendingOut: []vimbiso.PendingOffer{},
	}
	return &vimbiso.Dashboard{Member: aliceMember(1, ptr(10.0)), Accounts: []vimbiso.Account{acct}}
}

func TestCredExNormalise(t *testing.T) {
	onboardDashboard := &vimbiso.Dashboard{
		Member: vimbiso.Member{MemberID: "00000000-0000-4000-8000-0000000000a3", Tier: 1, FirstName: "Joan", LastName: "Sample",
			Handle: joanPhone, DefaultDenom: "USD", RemainingUSD: ptr(10.0)},
		Accounts: []vimbiso.Account{{
			AccountID: "00000000-0000-4000-8000-0000000000b4", Name: "Joan Sample Personal", Handle: joanPhone, Type: "PERSONAL",
			DefaultDenom: "USD", Owned: true,
			SendOffersTo: &vimbiso.PersonName{MemberID: "00000000-0000-4000-8000-0000000000a3", FirstName: "Joan", LastName: "Sample"},
			Balances: vimbiso.Balances{SecuredNet: []string{}, TotalPayables: "0.00 USD", TotalReceivables: "0.00 USD",
				NetPayRec: "0.00 USD", NetAssets: "0.00 USD"},
			PendingIn: []vimbiso.PendingOffer{}, PendingOut: []vimbiso.PendingOffer{},
		}},
	}
	dec2024 := &vimbiso.Dashboard{Member: aliceMember(2, ptr(100.0)), Accounts: []vimbiso.Account{alicePersonal()}}
	dec2024.Member.Handle, dec2024.Member.DefaultDenom = "", "" // the December 2024 shape has neither
	bob := &vimbiso.AccountRef{AccountID: bobAcct, Name: "Bob Example Personal", Handle: bobPhone}
	bobName := &vimbiso.PersonName{MemberID: bobMemberID, FirstName: "Bob", LastName: "Example"}
	ledgerEntries := []vimbiso.LedgerEntry{
		{CredexID: offerFromBob, Amount: "2.00 USD", Counterparty: "Bob Example Personal"},
		{CredexID: "00000000-0000-4000-8000-0000000000c7", Amount: "-1.00 USD", Counterparty: "Carol Example Personal"},
	}
	created := "00000000-0000-4000-8000-0000000000c9"

	tests := []struct {
		fixture string
		call    vimbiso.Call
		check   func(t *testing.T, res vimbiso.Result)
	}{
		{"login_current", vimbiso.Call{Op: vimbiso.CallLogin, Phone: alicePhone}, func(t *testing.T, res vimbiso.Result) {
			equal(t, "ActionType", res.ActionType, "MEMBER_LOGIN")
			equal(t, "Dashboard", res.Dashboard, aliceDashboard())
		}},
		{"login_dec2024", vimbiso.Call{Op: vimbiso.CallLogin, Phone: alicePhone}, func(t *testing.T, res vimbiso.Result) {
			equal(t, "Dashboard", res.Dashboard, dec2024)
		}},
		{"onboard_current", vimbiso.Call{Op: vimbiso.CallOnboard, Phone: joanPhone}, func(t *testing.T, res vimbiso.Result) {
			equal(t, "Dashboard", res.Dashboard, onboardDashboard)
		}},
		{"dashboard_legacy", vimbiso.Call{Op: vimbiso.CallDashboard, Phone: alicePhone}, func(t *testing.T, res vimbiso.Result) {
			equal(t, "Dashboard", res.Dashboard, legacyDashboard())
		}},
		{"account_found", vimbiso.Call{Op: vimbiso.CallAccountByHandle, Handle: bobPhone}, func(t *testing.T, res vimbiso.Result) {
			equal(t, "Account", res.Account, bob)
			equal(t, "Dashboard", res.Dashboard, (*vimbiso.Dashboard)(nil))
		}},
		{"account_legacy", vimbiso.Call{Op: vimbiso.CallAccountByHandle, Handle: bobPhone}, func(t *testing.T, res vimbiso.Result) {
			equal(t, "Account", res.Account, bob)
		}},
		{"account_toplevel", vimbiso.Call{Op: vimbiso.CallAccountByHandle, Handle: bobPhone}, func(t *testing.T, res vimbiso.Result) {
			equal(t, "Account", res.Account, bob)
		}},
		{"member_legacy", vimbiso.Call{Op: vimbiso.CallMemberByHandle, Handle: bobPhone}, func(t *testing.T, res vimbiso.Result) {
			equal(t, "Member", res.Member, bobName)
		}},
		{"member_envelope", vimbiso.Call{Op: vimbiso.CallMemberByHandle, Handle: bobPhone}, func(t *testing.T, res vimbiso.Result) {
			equal(t, "Member", res.Member, bobName)
		}},
		{"create_current", vimbiso.Call{Op: vimbiso.CallCreateCredex, Offer: &vimbiso.Offer{}}, func(t *testing.T, res vimbiso.Result) {
			equal(t, "CredexID", res.CredexID, created)
			equal(t, "Dashboard", res.Dashboard, aliceDashboard())
		}},
		{"create_legacy", vimbiso.Call{Op: vimbiso.CallCreateCredex, Offer: &vimbiso.Offer{}}, func(t *testing.T, res vimbiso.Result) {
			equal(t, "CredexID", res.CredexID, created)
			want := aliceDashboard()
			want.Accounts = want.Accounts[:1]
			equal(t, "Dashboard", res.Dashboard, want)
		}},
		{"accept_single_account", vimbiso.Call{Op: vimbiso.CallAcceptCredex}, func(t *testing.T, res vimbiso.Result) {
			equal(t, "Dashboard", res.Dashboard, (*vimbiso.Dashboard)(nil))
		}},
		{"bulk_current", vimbiso.Call{Op: vimbiso.CallAcceptBulk}, func(t *testing.T, res vimbiso.Result) {
			equal(t, "Bulk", res.Bulk, &vimbiso.BulkSummary{
				Accepted: []string{offerFromBob, "00000000-0000-4000-8000-0000000000c3"},
				Failed:   []vimbiso.BulkFailure{{CredexID: "00000000-0000-4000-8000-0000000000c4", Reason: "Credex not found"}},
			})
		}},
		{"bulk_legacy", vimbiso.Call{Op: vimbiso.CallAcceptBulk}, func(t *testing.T, res vimbiso.Result) {
			equal(t, "Bulk", res.Bulk, &vimbiso.BulkSummary{Accepted: []string{offerFromBob, "00000000-0000-4000-8000-0000000000c3"}})
		}},
		{"bulk_demo", vimbiso.Call{Op: vimbiso.CallAcceptBulk, CredexIDs: []string{offerFromBob}}, func(t *testing.T, res vimbiso.Result) {
			equal(t, "Bulk", res.Bulk, &vimbiso.BulkSummary{Accepted: []string{offerFromBob}})
			equal(t, "Dashboard", res.Dashboard, aliceDashboard())
		}},
		{"decline_legacy", vimbiso.Call{Op: vimbiso.CallDeclineCredex}, func(t *testing.T, res vimbiso.Result) {
			equal(t, "Reason", res.Reason, "Credex declined successfully")
		}},
		{"cancel_legacy", vimbiso.Call{Op: vimbiso.CallCancelCredex}, func(*testing.T, vimbiso.Result) {}},
		{"credex_legacy", vimbiso.Call{Op: vimbiso.CallGetCredex, CredexID: offerFromBob}, func(t *testing.T, res vimbiso.Result) {
			equal(t, "Credex", res.Credex, &vimbiso.CredexDetail{
				CredexID: offerFromBob, TransactionType: "OWES", Counterparty: "Bob Example Personal", Denomination: "USD",
				Date: "2025-01-14", InitialAmount: "2.00 USD", OutstandingAmount: "2.00 USD",
				ClearedAgainst: []vimbiso.Cleared{{Amount: "1.00 USD", Counterparty: "Carol Example Personal"}},
			})
		}},
		{"ledger_legacy", vimbiso.Call{Op: vimbiso.CallGetLedger}, func(t *testing.T, res vimbiso.Result) {
			equal(t, "Ledger", res.Ledger, ledgerEntries)
			equal(t, "HasMore", res.HasMore, (*bool)(nil))
		}},
		{"ledger_empty", vimbiso.Call{Op: vimbiso.CallGetLedger}, func(t *testing.T, res vimbiso.Result) {
			equal(t, "Ledger", res.Ledger, []vimbiso.LedgerEntry{})
		}},
		{"ledger_current", vimbiso.Call{Op: vimbiso.CallGetLedger}, func(t *testing.T, res vimbiso.Result) {
			equal(t, "Ledger", res.Ledger, ledgerEntries[:1])
			equal(t, "HasMore", res.HasMore, ptr(true))
		}},
		{"ledger_dashboard_pagination", vimbiso.Call{Op: vimbiso.CallGetLedger}, func(t *testing.T, res vimbiso.Result) {
			equal(t, "HasMore", res.HasMore, ptr(false))
		}},
		{"recurring_current", vimbiso.Call{Op: vimbiso.CallCreateRecurring}, func(t *testing.T, res vimbiso.Result) {
			equal(t, "ActionType", res.ActionType, "RECURRING_CREATED")
			equal(t, "Dashboard", res.Dashboard, aliceDashboard())
		}},
		{"authorize_legacy", vimbiso.Call{Op: vimbiso.CallAuthorize}, func(*testing.T, vimbiso.Result) {}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			_, client, _ := startCredEx(t, fixture(t, 200, tt.fixture))
			res, _ := client.Do(context.Background(), "t", tt.call)
			if res.Outcome != vimbiso.OutcomeOK {
				t.Fatalf("Outcome = %q (reason %q), want ok", res.Outcome, res.Reason)
			}
			tt.check(t, res)
		})
	}
}

func equal[T any](t *testing.T, name string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s =\n%+v\nwant\n%+v", name, deref(got), deref(want))
	}
}

// deref shows the value behind a pointer in failure messages.
func deref(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		return rv.Elem().Interface()
	}
	return v
}

func TestCredExIncompleteSuccess(t *testing.T) {
	tests := []struct {
		name string
		call vimbiso.Call
		body string
	}{
		{"account without id", vimbiso.Call{Op: vimbiso.CallAccountByHandle, Handle: "bob"}, `{"message":"Account found","data":{}}`},
		{"member without id", vimbiso.Call{Op: vimbiso.CallMemberByHandle, Handle: "bob"}, `{"memberData":{}}`},
		{"login without token", vimbiso.Call{Op: vimbiso.CallLogin, Phone: alicePhone}, `{"success":true,"data":{}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, client, _ := startCredEx(t, credexReply{status: 200, body: tt.body})
			if res, _ := client.Do(context.Background(), "t", tt.call); res.Outcome != vimbiso.OutcomeUnavailable {
				t.Errorf("Outcome = %q, want unavailable for a success without the value asked for", res.Outcome)
			}
		})
	}
}

func TestNumberAtNeo4jInteger(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{`{"v":{"low":3,"high":0}}`, 3},
		{`{"v":{"low":0,"high":1}}`, 1 << 32},
		{`{"v":{"low":-1,"high":0}}`, 1<<32 - 1},
		{`{"v":2.5}`, 2.5},
		{`{"v":"7"}`, 7},
	}
	for _, tt := range tests {
		a := parseResponse(200, nil, []byte(tt.in))
		if got, ok := numberAt(a.root, "v"); !ok || got != tt.want {
			t.Errorf("numberAt(%s) = %v, %v, want %v", tt.in, got, ok, tt.want)
		}
	}
}
