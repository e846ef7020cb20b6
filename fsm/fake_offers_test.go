package fsm

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// The fake's results for getAccountByHandle and createCredex follow
// CredEx's rules: handle pattern, issuer differs from receiver, due date only and
// always on unsecured credex, tier 1 limited to secured, secured balance
// and daily limit. A created offer shows in the issuer's pendingOutData and
// the receiver's pendingInData.
func init() {
	fakeHandlers[vimbiso.CallAccountByHandle] = fakeAccountByHandle
	fakeHandlers[vimbiso.CallCreateCredex] = fakeCreateCredex
}

// fakeCredexSeq numbers the offers the fake creates.
var fakeCredexSeq atomic.Int64

// newOfferFake is the fake CredEx with Bob as a second member: his
// personal account 263770000002 and his shop bob_shop.
func newOfferFake() *fakeCredEx {
	f := newFakeCredEx()
	f.members["263770000002"] = &vimbiso.Dashboard{
		Member: vimbiso.Member{
			MemberID: "member-bob", Tier: 2, FirstName: "Bob", LastName: "Example",
			Handle: "263770000002", DefaultDenom: "USD", RemainingUSD: new(float64(100)),
		},
		Accounts: []vimbiso.Account{
			{
				AccountID: "acct-bob", Name: "Bob Example Personal", Handle: "263770000002", Type: "PERSONAL",
				DefaultDenom: "USD", Owned: true,
				Balances: vimbiso.Balances{SecuredNet: []string{"3.00 USD"}, NetAssets: "3.00 USD"},
			},
			{
				AccountID: "acct-bob-shop", Name: "Bob's Shop", Handle: "bob_shop", Type: "BUSINESS",
				DefaultDenom: "ZWG", Owned: true,
				Balances: vimbiso.Balances{NetAssets: "0.00 ZWG"},
			},
		},
	}
	return f
}

// setTier changes a member's tier before the conversation logs in. Tier 3
// and up have no daily limit.
func setTier(f *fakeCredEx, phone string, tier int) {
	d := f.members[phone]
	d.Member.Tier = tier
	if tier >= 3 {
		d.Member.RemainingUSD = nil
	}
}

// fakeAccount finds an account of any member, with its owner's phone.
func (f *fakeCredEx) fakeAccount(match func(vimbiso.Account) bool) (string, int, bool) {
	for phone, d := range f.members {
		for i, a := range d.Accounts {
			if match(a) {
				return phone, i, true
			}
		}
	}
	return "", 0, false
}

func fakeAccountByHandle(f *fakeCredEx, c vimbiso.Call) vimbiso.Result {
	if !handlePattern.MatchString(c.Handle) {
		return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeInvalid, Status: 400, ActionType: "ERROR_VALIDATION",
			Code: "VALIDATION_ERROR", Reason: "Invalid account handle. Handles have 3 to 30 characters."}
	}
	phone, i, ok := f.fakeAccount(func(a vimbiso.Account) bool { return a.Handle == c.Handle })
	if !ok {
		return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeNotFound, Status: 404, ActionType: "ERROR_NOT_FOUND",
			Code: "NOT_FOUND", Reason: "No account with handle " + c.Handle}
	}
	a := f.members[phone].Accounts[i]
	return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeOK, Status: 200, ActionType: "ACCOUNT_FOUND",
		Account: &vimbiso.AccountRef{AccountID: a.AccountID, Name: a.Name, Handle: a.Handle}}
}

func fakeCreateCredex(f *fakeCredEx, c vimbiso.Call) vimbiso.Result {
	reject := func(outcome vimbiso.Outcome, status int, code, reason string) vimbiso.Result {
		return vimbiso.Result{Op: c.Op, Outcome: outcome, Status: status, Code: code, Reason: reason}
	}
	o := c.Offer
	if o == nil {
		return reject(vimbiso.OutcomeInvalid, 400, "VALIDATION_ERROR", "Missing offer")
	}
	issuerPhone, ii, ok := f.fakeAccount(func(a vimbiso.Account) bool { return a.AccountID == o.IssuerAccountID })
	receiverPhone, ri, found := f.fakeAccount(func(a vimbiso.Account) bool { return a.AccountID == o.ReceiverAccountID })
	switch {
	case !ok || !found:
		return reject(vimbiso.OutcomeNotFound, 404, "NOT_FOUND", "Account not found")
	case o.IssuerAccountID == o.ReceiverAccountID:
		return reject(vimbiso.OutcomeInvalid, 400, "VALIDATION_ERROR", "Issuer and receiver cannot be the same account")
	case denomDecimals[o.Denomination] == 0:
		return reject(vimbiso.OutcomeInvalid, 400, "VALIDATION_ERROR", "Invalid denomination: "+o.Denomination+" is not a recognized denomination")
	case o.Amount <= 0:
		return reject(vimbiso.OutcomeInvalid, 400, "VALIDATION_ERROR", "Must be a positive number")
	case o.Secured && o.DueDate != "":
		return reject(vimbiso.OutcomeInvalid, 400, "VALIDATION_ERROR", "Due date is not allowed for secured credex")
	case !o.Secured && o.DueDate == "":
		return reject(vimbiso.OutcomeInvalid, 400, "VALIDATION_ERROR", "Due date is required for unsecured credex")
	}

	issuer := f.members[issuerPhone]
	account := issuer.Accounts[ii]
	if !o.Secured && issuer.Member.Tier < 2 {
		return reject(vimbiso.OutcomeForbidden, 403, "INSUFFICIENT_TIER", "Unsecured credex not permitted on open tier")
	}
	if o.Secured {
		balance := fakeSecuredBalance(account, o.Denomination)
		if account.Type != foundationAccountType && balance < o.Amount {
			return reject(vimbiso.OutcomeForbidden, 403, "INSUFFICIENT_SECURED_BALANCE",
				fmt.Sprintf("Available secured balance in %s is %s", o.Denomination, strings.TrimSuffix(formatAmount(balance, o.Denomination), " "+o.Denomination)))
		}
		if left := issuer.Member.RemainingUSD; left != nil && o.Denomination == "USD" && *left < o.Amount {
			return reject(vimbiso.OutcomeForbidden, 403, "FORBIDDEN", fmt.Sprintf("Daily limit reached: %.2f USD available", *left))
		}
	}

	id := fmt.Sprintf("credex-%d", fakeCredexSeq.Add(1))
	offered := formatAmount(o.Amount, o.Denomination)
	receiver := f.members[receiverPhone].Accounts[ri]

	issuerCopy := cloneDashboard(issuer)
	out := &issuerCopy.Accounts[ii]
	out.PendingOut = append(out.PendingOut, vimbiso.PendingOffer{
		CredexID: id, Amount: "-" + offered, Counterparty: receiver.Name, Secured: o.Secured, DueDate: o.DueDate,
	})
	if o.Secured {
		fakeSpend(issuerCopy, out, o)
	}
	f.members[issuerPhone] = issuerCopy

	receiverCopy := cloneDashboard(f.members[receiverPhone])
	in := &receiverCopy.Accounts[ri]
	in.PendingIn = append(in.PendingIn, vimbiso.PendingOffer{
		CredexID: id, Amount: offered, Counterparty: account.Name, Secured: o.Secured, DueDate: o.DueDate,
	})
	f.members[receiverPhone] = receiverCopy

	return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeOK, Status: 200, ActionType: "CREDEX_CREATED",
		CredexID: id, Dashboard: f.members[issuerPhone]}
}

// fakeSecuredBalance reads an account's secured balance in one
// denomination, as CredEx keeps it.
func fakeSecuredBalance(a vimbiso.Account, denom string) float64 {
	for _, line := range a.Balances.SecuredNet {
		if value, d, ok := readBalance(line); ok && d == denom {
			return value
		}
	}
	return 0
}

// fakeSpend takes a secured offer off the issuer's secured balance and
// daily limit, as CredEx does while the offer is pending.
func fakeSpend(d *vimbiso.Dashboard, a *vimbiso.Account, o *vimbiso.Offer) {
	for i, line := range a.Balances.SecuredNet {
		if value, denom, ok := readBalance(line); ok && denom == o.Denomination {
			a.Balances.SecuredNet[i] = formatAmount(value-o.Amount, denom)
		}
	}
	if left := d.Member.RemainingUSD; left != nil && o.Denomination == "USD" {
		d.Member.RemainingUSD = new(*left - o.Amount)
	}
}

// cloneDashboard copies a dashboard deeply enough that changing the copy
// leaves the dashboard a conversation already holds as it was.
func cloneDashboard(d *vimbiso.Dashboard) *vimbiso.Dashboard {
	c := *d
	c.Accounts = slices.Clone(d.Accounts)
	for i := range c.Accounts {
		a := &c.Accounts[i]
		a.Balances.SecuredNet = slices.Clone(a.Balances.SecuredNet)
		a.PendingIn = slices.Clone(a.PendingIn)
		a.PendingOut = slices.Clone(a.PendingOut)
		a.AuthFor = slices.Clone(a.AuthFor)
	}
	return &c
}

// pendingIn returns the offers waiting on an account of the member.
func (f *fakeCredEx) pendingIn(phone, accountID string) []vimbiso.PendingOffer {
	a, _ := f.members[phone].Account(accountID)
	return a.PendingIn
}
