package fsm

import (
	vimbiso "github.com/vimbisopay/vimbiso"
)

// fakeCredEx answers the conversation's calls from fixed dashboards. It
// knows the demo members of the development mock.
type fakeCredEx struct {
	members map[string]*vimbiso.Dashboard // by phone
	// fail makes the next call of an op end with the given outcome.
	fail map[vimbiso.CallOp]vimbiso.Result
}

func newFakeCredEx() *fakeCredEx {
	limit := func(v float64) *float64 { return &v }
	alicePersonal := vimbiso.Account{
		AccountID: "acct-alice", Name: "Alice Example Personal", Handle: "263770000001", Type: "PERSONAL",
		DefaultDenom: "USD", Owned: true,
		Balances: vimbiso.Balances{
			SecuredNet: []string{"25.00 USD"}, NetAssets: "27.00 USD",
			TotalPayables: "0.00 USD", TotalReceivables: "0.00 USD", NetPayRec: "0.00 USD",
		},
		PendingIn: []vimbiso.PendingOffer{{CredexID: "offer-1", Amount: "2.00 USD", Counterparty: "Bob Example Personal", Secured: true}},
	}
	traders := vimbiso.Account{
		AccountID: "acct-traders", Name: "Example Traders", Handle: "example_traders", Type: "BUSINESS",
		DefaultDenom: "USD", Owned: true,
		Balances: vimbiso.Balances{SecuredNet: []string{"100.00 USD"}, NetAssets: "100.00 USD"},
	}
	return &fakeCredEx{
		members: map[string]*vimbiso.Dashboard{
			"263770000001": {
				Member: vimbiso.Member{
					MemberID: "member-alice", Tier: 1, FirstName: "Alice", LastName: "Example",
					Handle: "263770000001", DefaultDenom: "USD", RemainingUSD: limit(10),
				},
				Accounts: []vimbiso.Account{traders, alicePersonal},
			},
		},
		fail: map[vimbiso.CallOp]vimbiso.Result{},
	}
}

// fakeHandlers answers the ops that other test files add, each in its own
// file through an init function.
var fakeHandlers = map[vimbiso.CallOp]func(f *fakeCredEx, c vimbiso.Call) vimbiso.Result{}

func (f *fakeCredEx) do(c vimbiso.Call) vimbiso.Result {
	if r, ok := f.fail[c.Op]; ok {
		delete(f.fail, c.Op)
		r.Op = c.Op
		return r
	}
	if h, ok := fakeHandlers[c.Op]; ok {
		return h(f, c)
	}
	switch c.Op {
	case vimbiso.CallLogin:
		d, ok := f.members[c.Phone]
		if !ok {
			return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeNotFound, Status: 404, Reason: "Member not found"}
		}
		return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeOK, Status: 200, ActionType: "MEMBER_LOGIN", Dashboard: d}
	case vimbiso.CallOnboard:
		if _, ok := f.members[c.Phone]; ok {
			return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeConflict, Status: 409, Reason: "Phone number already in use"}
		}
		d := &vimbiso.Dashboard{
			Member: vimbiso.Member{MemberID: "member-" + c.Phone, Tier: 1, FirstName: c.FirstName, LastName: c.LastName, Handle: c.Phone, DefaultDenom: "USD", RemainingUSD: new(float64(10))},
			Accounts: []vimbiso.Account{{
				AccountID: "acct-" + c.Phone, Name: c.FirstName + " " + c.LastName + " Personal", Handle: c.Phone,
				Type: "PERSONAL", DefaultDenom: "USD", Owned: true,
				Balances: vimbiso.Balances{NetAssets: "0.00 USD", TotalPayables: "0.00 USD", TotalReceivables: "0.00 USD", NetPayRec: "0.00 USD"},
			}},
		}
		f.members[c.Phone] = d
		return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeOK, Status: 201, ActionType: "MEMBER_ONBOARDED", Dashboard: d}
	}
	return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeUnavailable, Reason: "the fake does not serve " + string(c.Op)}
}
