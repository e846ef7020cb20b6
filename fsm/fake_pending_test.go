package fsm

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// The fake CredEx's offer and ledger endpoints. They answer with the
// outcomes, statuses and reasons of the CredEx API notes: accept, decline
// and cancel take an offer off both sides' dashboards, a second answer to
// the same offer gets 409, an unknown offer 404.
func init() {
	fakeHandlers[vimbiso.CallAcceptCredex] = fakeAcceptCredex
	fakeHandlers[vimbiso.CallDeclineCredex] = fakeDeclineCredex
	fakeHandlers[vimbiso.CallCancelCredex] = fakeCancelCredex
	fakeHandlers[vimbiso.CallAcceptBulk] = fakeAcceptBulk
	fakeHandlers[vimbiso.CallGetLedger] = fakeGetLedger
	fakeHandlers[vimbiso.CallGetCredex] = fakeGetCredex
}

const (
	pendingPhoneAlice = "263770000001"
	pendingPhoneBob   = "263770000002"

	pendingAlice   = "Alice Example Personal"
	pendingBob     = "Bob Example Personal"
	pendingBobShop = "Bob's Shop"
	pendingCarol   = "Carol Example Personal"
)

// pendingResolved holds, per fake, the offers already answered and the
// reason CredEx gives for a second answer. Tests run one at a time, but
// the lock keeps the race detector's view simple.
var (
	pendingResolvedMu sync.Mutex
	pendingResolved   = map[*fakeCredEx]map[string]string{}
)

// newPendingFake returns the fake CredEx with Bob (tier 2, a personal
// account and Bob's Shop) beside Alice. Alice's offer-1 from Bob is on
// both sides' dashboards.
func newPendingFake() *fakeCredEx {
	f := newFakeCredEx()
	f.members[pendingPhoneBob] = &vimbiso.Dashboard{
		Member: vimbiso.Member{MemberID: "member-bob", Tier: 2, FirstName: "Bob", LastName: "Example", Handle: pendingPhoneBob, DefaultDenom: "USD"},
		Accounts: []vimbiso.Account{
			{
				AccountID: "acct-bob", Name: pendingBob, Handle: pendingPhoneBob, Type: "PERSONAL", DefaultDenom: "USD", Owned: true,
				Balances:   vimbiso.Balances{SecuredNet: []string{"8.00 USD"}, NetAssets: "8.00 USD", TotalPayables: "0.00 USD", TotalReceivables: "0.00 USD", NetPayRec: "0.00 USD"},
				PendingOut: []vimbiso.PendingOffer{{CredexID: "offer-1", Amount: "-2.00 USD", Counterparty: pendingAlice, Secured: true}},
			},
			{
				AccountID: "acct-bobshop", Name: pendingBobShop, Handle: "bob_shop", Type: "BUSINESS", DefaultDenom: "USD", Owned: true,
				Balances: vimbiso.Balances{SecuredNet: []string{"50.00 USD"}, NetAssets: "50.00 USD", TotalPayables: "0.00 USD", TotalReceivables: "0.00 USD", NetPayRec: "0.00 USD"},
			},
		},
	}
	return f
}

// pendingEditAccount changes an account on every dashboard that shows it.
// Each changed dashboard is a copy, so the one the conversation holds
// stays as CredEx last sent it.
func (f *fakeCredEx) pendingEditAccount(accountID string, change func(a *vimbiso.Account)) {
	for phone, d := range f.members {
		i := slices.IndexFunc(d.Accounts, func(a vimbiso.Account) bool { return a.AccountID == accountID })
		if i < 0 {
			continue
		}
		copied := *d
		copied.Accounts = slices.Clone(d.Accounts)
		a := &copied.Accounts[i]
		a.PendingIn = slices.Clone(a.PendingIn)
		a.PendingOut = slices.Clone(a.PendingOut)
		change(a)
		f.members[phone] = &copied
	}
}

// pendingAddOffer puts an offer on the receiver's incoming list and, when
// the issuer is a member of the fake, on the issuer's outgoing list.
func (f *fakeCredEx) pendingAddOffer(credexID, amount, issuerID, issuerName, receiverID, receiverName, due string) {
	f.pendingEditAccount(receiverID, func(a *vimbiso.Account) {
		a.PendingIn = append(a.PendingIn, vimbiso.PendingOffer{CredexID: credexID, Amount: amount, Counterparty: issuerName, Secured: due == "", DueDate: due})
	})
	f.pendingEditAccount(issuerID, func(a *vimbiso.Account) {
		a.PendingOut = append(a.PendingOut, vimbiso.PendingOffer{CredexID: credexID, Amount: "-" + amount, Counterparty: receiverName, Secured: due == "", DueDate: due})
	})
}

// pendingClear empties an account's incoming and outgoing lists.
func (f *fakeCredEx) pendingClear(accountID string) {
	f.pendingEditAccount(accountID, func(a *vimbiso.Account) { a.PendingIn, a.PendingOut = nil, nil })
}

// pendingFind returns the phones of the members whose dashboards list the
// offer on the given side, in a fixed order.
func (f *fakeCredEx) pendingFind(credexID string, outgoing bool) []string {
	var phones []string
	for phone, d := range f.members {
		for _, a := range d.Accounts {
			if slices.ContainsFunc(pendingOffers(a, outgoing), func(o vimbiso.PendingOffer) bool { return o.CredexID == credexID }) {
				phones = append(phones, phone)
				break
			}
		}
	}
	sort.Strings(phones)
	return phones
}

// pendingRemove takes an offer off every dashboard, as CredEx does once it
// is answered, and records the reason a second answer gets.
func (f *fakeCredEx) pendingRemove(credexID, secondAnswer string) {
	var accountIDs []string
	for _, d := range f.members {
		for _, a := range d.Accounts {
			accountIDs = append(accountIDs, a.AccountID)
		}
	}
	matches := func(o vimbiso.PendingOffer) bool { return o.CredexID == credexID }
	for _, id := range accountIDs {
		f.pendingEditAccount(id, func(a *vimbiso.Account) {
			a.PendingIn = slices.DeleteFunc(a.PendingIn, matches)
			a.PendingOut = slices.DeleteFunc(a.PendingOut, matches)
		})
	}
	pendingResolvedMu.Lock()
	defer pendingResolvedMu.Unlock()
	if pendingResolved[f] == nil {
		pendingResolved[f] = map[string]string{}
	}
	pendingResolved[f][credexID] = secondAnswer
}

func (f *fakeCredEx) pendingSecondAnswer(credexID string) (string, bool) {
	pendingResolvedMu.Lock()
	defer pendingResolvedMu.Unlock()
	reason, ok := pendingResolved[f][credexID]
	return reason, ok
}

// pendingAnswer checks that an offer can still be answered on the given
// side and returns the members whose dashboards list it, or the refusal.
func (f *fakeCredEx) pendingAnswer(c vimbiso.Call, outgoing bool) ([]string, *vimbiso.Result) {
	if reason, done := f.pendingSecondAnswer(c.CredexID); done {
		return nil, &vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeConflict, Status: 409, Reason: reason}
	}
	phones := f.pendingFind(c.CredexID, outgoing)
	if len(phones) == 0 {
		return nil, &vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeNotFound, Status: 404, ActionType: "ERROR_NOT_FOUND", Code: "NOT_FOUND", Reason: "Credex not found"}
	}
	return phones, nil
}

// fakeAcceptCredex answers like a current build whose dashboard holds a
// single account, which is not a full dashboard.
func fakeAcceptCredex(f *fakeCredEx, c vimbiso.Call) vimbiso.Result {
	if _, refusal := f.pendingAnswer(c, false); refusal != nil {
		return *refusal
	}
	f.pendingRemove(c.CredexID, "Credex has already been accepted")
	return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeOK, Status: 200, ActionType: "CREDEX_ACCEPTED", Reason: "Credex accepted successfully"}
}

// fakeDeclineCredex answers with the receiver's full dashboard.
func fakeDeclineCredex(f *fakeCredEx, c vimbiso.Call) vimbiso.Result {
	phones, refusal := f.pendingAnswer(c, false)
	if refusal != nil {
		return *refusal
	}
	f.pendingRemove(c.CredexID, "Credex already processed")
	return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeOK, Status: 200, ActionType: "CREDEX_DECLINED", Reason: "Credex declined successfully", Dashboard: f.members[phones[0]]}
}

// fakeCancelCredex answers in the legacy shape, which has no dashboard.
func fakeCancelCredex(f *fakeCredEx, c vimbiso.Call) vimbiso.Result {
	if _, refusal := f.pendingAnswer(c, true); refusal != nil {
		return *refusal
	}
	f.pendingRemove(c.CredexID, "Credex already processed")
	return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeOK, Status: 200, Reason: "Credex cancelled successfully"}
}

// fakeAcceptBulk accepts what is still pending, counts what was accepted
// before as accepted, and lists the rest as failed. With nothing to
// accept it refuses the request as CredEx does.
func fakeAcceptBulk(f *fakeCredEx, c vimbiso.Call) vimbiso.Result {
	summary := &vimbiso.BulkSummary{Accepted: []string{}}
	for _, id := range c.CredexIDs {
		if reason, done := f.pendingSecondAnswer(id); done {
			if strings.Contains(reason, "accepted") {
				summary.Accepted = append(summary.Accepted, id)
			} else {
				summary.Failed = append(summary.Failed, vimbiso.BulkFailure{CredexID: id, Reason: reason})
			}
			continue
		}
		if len(f.pendingFind(id, false)) == 0 {
			summary.Failed = append(summary.Failed, vimbiso.BulkFailure{CredexID: id, Reason: "Credex not found"})
			continue
		}
		f.pendingRemove(id, "Credex has already been accepted")
		summary.Accepted = append(summary.Accepted, id)
	}
	if len(summary.Accepted) == 0 {
		return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeInvalid, Status: 400, ActionType: "ERROR_VALIDATION", Code: "NO_VALID_IDS", Reason: "No valid Credex IDs to accept"}
	}
	return vimbiso.Result{
		Op: c.Op, Outcome: vimbiso.OutcomeOK, Status: 200, ActionType: "CREDEX_BULK_ACCEPTED",
		Reason: fmt.Sprintf("Successfully processed %d out of %d Credex transactions", len(summary.Accepted), len(c.CredexIDs)),
		Bulk:   summary,
	}
}

// pendingLedgers are the accounts' ledgers, oldest first as CredEx orders
// them. Alice's personal account has nine entries: one full page of seven
// and two on the next.
var pendingLedgers = map[string][]vimbiso.LedgerEntry{
	"acct-alice": {
		{CredexID: "tx-01", Amount: "5.00 USD", Counterparty: pendingBob},
		{CredexID: "tx-02", Amount: "-1.00 USD", Counterparty: pendingCarol},
		{CredexID: "tx-03", Amount: "12.50 USD", Counterparty: pendingCarol},
		{CredexID: "tx-04", Amount: "-0.50 USD", Counterparty: pendingBob},
		{CredexID: "tx-05", Amount: "100.00 ZWG", Counterparty: pendingBobShop},
		{CredexID: "tx-06", Amount: "-2.25 USD", Counterparty: pendingBobShop},
		{CredexID: "tx-07", Amount: "0.0100 XAU", Counterparty: pendingCarol},
		{CredexID: "tx-08", Amount: "-3.00 USD", Counterparty: pendingBob},
		{CredexID: "tx-09", Amount: "1,250.00 USD", Counterparty: pendingCarol},
	},
}

// fakeGetLedger pages through pendingLedgers in the legacy shape, which
// has no hasMore flag. An account no member of the fake has is refused.
func fakeGetLedger(f *fakeCredEx, c vimbiso.Call) vimbiso.Result {
	known := false
	for _, d := range f.members {
		if _, ok := d.Account(c.AccountID); ok {
			known = true
		}
	}
	if !known {
		return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeForbidden, Status: 403, Reason: "Unauthorized access to account"}
	}
	if c.StartRow < 0 || c.NumRows < 0 {
		return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeInvalid, Status: 400, Reason: "startRow and numRows must not be negative"}
	}
	rows := c.NumRows
	if rows == 0 {
		rows = 10
	}
	all := pendingLedgers[c.AccountID]
	from := min(c.StartRow, len(all))
	to := min(from+rows, len(all))
	return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeOK, Status: 200, Reason: "Ledger retrieved successfully", Ledger: slices.Clone(all[from:to])}
}

// fakeGetCredex describes a ledger entry of the viewing account. The
// third entry was cleared against seven others, more than the screen shows.
func fakeGetCredex(f *fakeCredEx, c vimbiso.Call) vimbiso.Result {
	entries := pendingLedgers[c.AccountID]
	i := slices.IndexFunc(entries, func(e vimbiso.LedgerEntry) bool { return e.CredexID == c.CredexID })
	if i < 0 {
		return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeNotFound, Status: 404, Reason: "Credex not found or not accessible"}
	}
	e := entries[i]
	amount, debit := ledgerAmount(e.Amount)
	_, denom, _ := strings.Cut(amount, " ")
	detail := &vimbiso.CredexDetail{
		CredexID: e.CredexID, TransactionType: "CLEARED", Debit: debit, Counterparty: e.Counterparty,
		Denomination: denom, Date: fmt.Sprintf("2026-11-%02dT10:15:00.000Z", i+1),
		InitialAmount: e.Amount, OutstandingAmount: "0.00 " + denom,
	}
	if e.CredexID == "tx-03" {
		detail.TransactionType = "OWES"
		detail.DueDate = "2026-12-20"
		detail.OutstandingAmount = "5.50 USD"
		for k := range 7 {
			detail.ClearedAgainst = append(detail.ClearedAgainst, vimbiso.Cleared{Amount: "1.00 USD", Counterparty: fmt.Sprintf("Clearing Partner %d", k+1)})
		}
	}
	return vimbiso.Result{Op: c.Op, Outcome: vimbiso.OutcomeOK, Status: 200, ActionType: "CREDEX_RETRIEVED", Credex: detail}
}
