package fsm

import (
	"slices"
	"strconv"
	"strings"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// The fake CredEx's account-management endpoints. They return the outcomes,
// HTTP statuses and reasons that CredEx documents, and change the owner's
// dashboard so that the next login shows the change.
func init() {
	fakeHandlers[vimbiso.CallMemberByHandle] = fakeMemberByHandle
	fakeHandlers[vimbiso.CallAuthorize] = fakeAuthorize
	fakeHandlers[vimbiso.CallUnauthorize] = fakeUnauthorize
	fakeHandlers[vimbiso.CallSendOffersTo] = fakeSendOffersTo
	fakeHandlers[vimbiso.CallCreateRecurring] = fakeCreateRecurring
}

// Members of the members tests, besides Alice of fake_test.go.
const (
	membersPhoneBob   = "263770000002"
	membersPhoneCarol = "263770000004"
	membersPhoneDave  = "263770000005"
)

var (
	membersCarol = vimbiso.PersonName{MemberID: "member-carol", FirstName: "Carol", LastName: "Sample"}
	membersDave  = vimbiso.PersonName{MemberID: "member-dave", FirstName: "Dave", LastName: "Sample"}
)

// newMembersFake returns the fake CredEx with three more members: Bob (tier
// 1, no secured balance), Carol (tier 4, owner of Sample Works, which she
// and Dave use) and Dave (tier 1).
func newMembersFake() *fakeCredEx {
	f := newFakeCredEx()
	limit := func(v float64) *float64 { return &v }
	f.members[membersPhoneBob] = &vimbiso.Dashboard{
		Member: vimbiso.Member{MemberID: "member-bob", Tier: 1, FirstName: "Bob", LastName: "Example", Handle: membersPhoneBob, DefaultDenom: "USD", RemainingUSD: limit(10)},
		Accounts: []vimbiso.Account{{
			AccountID: "acct-bob", Name: "Bob Example Personal", Handle: membersPhoneBob, Type: "PERSONAL", DefaultDenom: "USD", Owned: true,
			Balances: vimbiso.Balances{NetAssets: "0.00 USD"},
		}},
	}
	works := vimbiso.Account{
		AccountID: "acct-works", Name: "Sample Works", Handle: "sample_works", Type: "BUSINESS", DefaultDenom: "USD", Owned: true,
		SendOffersTo: &membersCarol,
		AuthFor:      []vimbiso.PersonName{membersCarol, membersDave},
		Balances:     vimbiso.Balances{SecuredNet: []string{"40.00 USD"}, NetAssets: "40.00 USD"},
	}
	f.members[membersPhoneCarol] = &vimbiso.Dashboard{
		Member: vimbiso.Member{MemberID: membersCarol.MemberID, Tier: 4, FirstName: "Carol", LastName: "Sample", Handle: membersPhoneCarol, DefaultDenom: "USD"},
		Accounts: []vimbiso.Account{
			{
				AccountID: "acct-carol", Name: "Carol Sample Personal", Handle: membersPhoneCarol, Type: "PERSONAL", DefaultDenom: "USD", Owned: true,
				SendOffersTo: &membersCarol, AuthFor: []vimbiso.PersonName{membersCarol},
				Balances: vimbiso.Balances{SecuredNet: []string{"5.00 USD"}, NetAssets: "5.00 USD"},
			},
			works,
		},
	}
	davesView := works
	davesView.Owned = false
	f.members[membersPhoneDave] = &vimbiso.Dashboard{
		Member: vimbiso.Member{MemberID: membersDave.MemberID, Tier: 1, FirstName: "Dave", LastName: "Sample", Handle: membersPhoneDave, DefaultDenom: "USD", RemainingUSD: limit(10)},
		Accounts: []vimbiso.Account{
			{AccountID: "acct-dave", Name: "Dave Sample Personal", Handle: membersPhoneDave, Type: "PERSONAL", DefaultDenom: "USD", Owned: true, Balances: vimbiso.Balances{NetAssets: "0.00 USD"}},
			davesView,
		},
	}
	return f
}

// membersSetAccount replaces one account of a member's dashboard with a changed
// copy, leaving the dashboard the conversation holds untouched.
func (f *fakeCredEx) membersSetAccount(phone string, change func(a *vimbiso.Account)) {
	d := *f.members[phone]
	d.Accounts = slices.Clone(d.Accounts)
	for i := range d.Accounts {
		a := &d.Accounts[i]
		a.AuthFor = slices.Clone(a.AuthFor)
		change(a)
	}
	f.members[phone] = &d
}

// membersFind finds a member as getMemberByHandle does.
func (f *fakeCredEx) membersFind(handle string) (*vimbiso.Dashboard, bool) {
	for _, d := range f.members {
		if strings.EqualFold(d.Member.Handle, handle) {
			return d, true
		}
	}
	return nil, false
}

// membersOwnerOf finds the phone of the member who owns an account.
func (f *fakeCredEx) membersOwnerOf(accountID string) (string, vimbiso.Account, bool) {
	for phone, d := range f.members {
		if a, ok := d.Account(accountID); ok && a.Owned {
			return phone, a, true
		}
	}
	return "", vimbiso.Account{}, false
}

func fakeMemberByHandle(f *fakeCredEx, c vimbiso.Call) vimbiso.Result {
	if _, ok := memberHandle(c.Handle); !ok {
		return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeInvalid, Status: 400, Reason: "Invalid handle"}
	}
	d, ok := f.membersFind(c.Handle)
	if !ok {
		return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeNotFound, Status: 404, Reason: "Member not found"}
	}
	m := d.Member
	return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeOK, Status: 200,
		Member: &vimbiso.PersonName{MemberID: m.MemberID, FirstName: m.FirstName, LastName: m.LastName}}
}

func fakeAuthorize(f *fakeCredEx, c vimbiso.Call) vimbiso.Result {
	phone, account, ok := f.membersOwnerOf(c.AccountID)
	if !ok {
		return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeNotFound, Status: 404, Reason: "Account not found"}
	}
	if f.members[phone].Member.Tier <= 3 {
		return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeForbidden, Status: 403,
			Reason: "You can only authorize someone to transact on behalf of your account when you are on the Entrepreneur tier or above."}
	}
	d, ok := f.membersFind(c.Handle)
	if !ok {
		return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeNotFound, Status: 404, Reason: "Member not found"}
	}
	if _, in := findAuthorized(account.AuthFor, d.Member.MemberID); in {
		return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeOK, Status: 200}
	}
	if len(account.AuthFor) >= 5 {
		return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeInvalid, Status: 400,
			Reason: "Limit of 5 authorized accounts reached. Remove an authorized account if you want to add another."}
	}
	m := d.Member
	f.membersSetAccount(phone, func(a *vimbiso.Account) {
		if a.AccountID == c.AccountID {
			a.AuthFor = append(a.AuthFor, vimbiso.PersonName{MemberID: m.MemberID, FirstName: m.FirstName, LastName: m.LastName})
		}
	})
	return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeOK, Status: 200}
}

func fakeUnauthorize(f *fakeCredEx, c vimbiso.Call) vimbiso.Result {
	phone, account, ok := f.membersOwnerOf(c.AccountID)
	if !ok {
		return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeNotFound, Status: 404, Reason: "Account not found"}
	}
	if _, in := findAuthorized(account.AuthFor, c.MemberID); !in {
		return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeNotFound, Status: 404, Reason: "Member is not authorized for this account"}
	}
	owner := f.members[phone].Member
	f.membersSetAccount(phone, func(a *vimbiso.Account) {
		if a.AccountID != c.AccountID {
			return
		}
		a.AuthFor = slices.DeleteFunc(a.AuthFor, func(p vimbiso.PersonName) bool { return p.MemberID == c.MemberID })
		if a.SendOffersTo != nil && a.SendOffersTo.MemberID == c.MemberID {
			a.SendOffersTo = &vimbiso.PersonName{MemberID: owner.MemberID, FirstName: owner.FirstName, LastName: owner.LastName}
		}
	})
	return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeOK, Status: 200}
}

func fakeSendOffersTo(f *fakeCredEx, c vimbiso.Call) vimbiso.Result {
	phone, account, ok := f.membersOwnerOf(c.AccountID)
	if !ok {
		return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeNotFound, Status: 404, Reason: "Account not found"}
	}
	p, in := findAuthorized(account.AuthFor, c.MemberID)
	if !in {
		return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeInvalid, Status: 400, Reason: "Invalid memberIDtoSendOffers"}
	}
	f.membersSetAccount(phone, func(a *vimbiso.Account) {
		if a.AccountID == c.AccountID {
			a.SendOffersTo = &p
		}
	})
	return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeOK, Status: 200}
}

// fakeCreateRecurring subscribes the owner of the source account to the
// Hustler tier when its secured USD balance covers the first 1.00 USD.
func fakeCreateRecurring(f *fakeCredEx, c vimbiso.Call) vimbiso.Result {
	if c.StartDate == "" {
		return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeInvalid, Status: 400, Reason: "Required field missing: startDate"}
	}
	phone, account, ok := f.membersOwnerOf(c.AccountID)
	if !ok {
		return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeNotFound, Status: 404, Reason: "Account not found"}
	}
	if fakeSecuredUSD(account) < 1 {
		return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeForbidden, Status: 403,
			Reason: "Insufficient secured balance: 1.00 USD needed for the subscription"}
	}
	d := *f.members[phone]
	d.Member.Tier = 3
	d.Member.RemainingUSD = nil
	f.members[phone] = &d
	return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeOK, Status: 201, ActionType: "RECURRING_CREATED", Dashboard: &d}
}

// fakeSecuredUSD reads the secured USD balance from lines like "1,025.00 USD".
func fakeSecuredUSD(a vimbiso.Account) float64 {
	for _, line := range a.Balances.SecuredNet {
		number, denom, _ := strings.Cut(line, " ")
		if denom != "USD" {
			continue
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(number, ",", ""), 64)
		if err == nil {
			return v
		}
	}
	return 0
}
