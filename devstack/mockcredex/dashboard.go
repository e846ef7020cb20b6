package mockcredex

import (
	"slices"
	"sort"
)

// dashboard is the current dashboard object: the member and every account
// the member owns or is authorised on.
type dashboard struct {
	Member   dashboardMember    `json:"member"`
	Accounts []dashboardAccount `json:"accounts"`
}

type dashboardMember struct {
	MemberID              string   `json:"memberID"`
	MemberTier            int      `json:"memberTier"`
	RemainingAvailableUSD *float64 `json:"remainingAvailableUSD"` // null for tiers without a daily limit
	Firstname             string   `json:"firstname"`
	Lastname              string   `json:"lastname"`
	MemberHandle          string   `json:"memberHandle"`
	DefaultDenom          string   `json:"defaultDenom"`
}

type personRef struct {
	MemberID  string `json:"memberID"`
	Firstname string `json:"firstname"`
	Lastname  string `json:"lastname"`
}

type dashboardAccount struct {
	AccountID      string        `json:"accountID"`
	AccountName    string        `json:"accountName"`
	AccountHandle  string        `json:"accountHandle"`
	AccountType    string        `json:"accountType"`
	DefaultDenom   string        `json:"defaultDenom"`
	IsOwnedAccount bool          `json:"isOwnedAccount"`
	SendOffersTo   personRef     `json:"sendOffersTo"`
	AuthFor        []personRef   `json:"authFor"`
	BalanceData    balanceData   `json:"balanceData"`
	PendingInData  []pendingItem `json:"pendingInData"`
	PendingOutData []pendingItem `json:"pendingOutData"`
}

type balanceData struct {
	SecuredNetBalancesByDenom       []string          `json:"securedNetBalancesByDenom"`
	UnsecuredBalancesInDefaultDenom unsecuredBalances `json:"unsecuredBalancesInDefaultDenom"`
	NetCredexAssetsInDefaultDenom   string            `json:"netCredexAssetsInDefaultDenom"`
}

type unsecuredBalances struct {
	TotalPayables    string `json:"totalPayables"`
	TotalReceivables string `json:"totalReceivables"`
	NetPayRec        string `json:"netPayRec"`
}

type pendingItem struct {
	CredexID                string `json:"credexID"`
	FormattedInitialAmount  string `json:"formattedInitialAmount"` // negative for outgoing offers
	CounterpartyAccountName string `json:"counterpartyAccountName"`
	Secured                 bool   `json:"secured,omitempty"`
	DueDate                 string `json:"dueDate,omitempty"`
}

// dashboardFor builds m's dashboard on the business day today.
func (l *ledger) dashboardFor(m *member, today string) dashboard {
	d := dashboard{
		Member: dashboardMember{
			MemberID: m.id, MemberTier: m.tier, Firstname: m.firstname, Lastname: m.lastname,
			MemberHandle: m.phone, DefaultDenom: m.defaultDenom,
		},
		Accounts: []dashboardAccount{},
	}
	if remaining, ok := l.remainingUSD(m, today); ok {
		v := unitsToFloat(remaining, "USD")
		d.Member.RemainingAvailableUSD = &v
	}
	for _, a := range l.visibleAccounts(m) {
		d.Accounts = append(d.Accounts, l.accountView(a, m))
	}
	return d
}

// visibleAccounts returns the accounts m owns, then those m is authorised
// on, each in creation order.
func (l *ledger) visibleAccounts(m *member) []*account {
	var owned, other []*account
	for _, id := range l.accountOrder {
		a := l.accounts[id]
		switch {
		case a.ownerID == m.id:
			owned = append(owned, a)
		case slices.Contains(a.authorised, m.id):
			other = append(other, a)
		}
	}
	return append(owned, other...)
}

func (l *ledger) accountView(a *account, viewer *member) dashboardAccount {
	v := dashboardAccount{
		AccountID: a.id, AccountName: a.name, AccountHandle: a.handle, AccountType: a.accountType,
		DefaultDenom: a.defaultDenom, IsOwnedAccount: a.ownerID == viewer.id,
		SendOffersTo: l.personRef(a.sendOffersTo),
		AuthFor:      []personRef{},
		BalanceData:  l.balances(a),
	}
	for _, id := range append([]string{a.ownerID}, a.authorised...) {
		if l.members[id] != nil {
			v.AuthFor = append(v.AuthFor, l.personRef(id))
		}
	}
	v.PendingInData, v.PendingOutData = l.pendingItems(a)
	return v
}

func (l *ledger) personRef(memberID string) personRef {
	m := l.members[memberID]
	if m == nil {
		return personRef{MemberID: memberID}
	}
	return personRef{MemberID: m.id, Firstname: m.firstname, Lastname: m.lastname}
}

// balances computes a's balance data. Pending secured offers lower the
// secured balances but not the net assets. Accepted unsecured credex make
// the payables and receivables.
func (l *ledger) balances(a *account) balanceData {
	denoms := make([]string, 0, len(a.secured))
	for denom := range a.secured {
		denoms = append(denoms, denom)
	}
	sort.Slice(denoms, func(i, j int) bool {
		if (denoms[i] == a.defaultDenom) != (denoms[j] == a.defaultDenom) {
			return denoms[i] == a.defaultDenom
		}
		return denoms[i] < denoms[j]
	})

	secured := []string{}
	var assets int64
	for _, denom := range denoms {
		secured = append(secured, formatAmount(l.securedAvailable(a, denom), denom))
		assets += convert(a.secured[denom], denom, a.defaultDenom)
	}

	var payables, receivables int64
	for _, id := range l.offerOrder {
		o := l.offers[id]
		if o.secured || o.state != stateAccepted {
			continue
		}
		switch a.id {
		case o.issuerID:
			payables += convert(o.amount, o.denom, a.defaultDenom)
		case o.receiverID:
			receivables += convert(o.amount, o.denom, a.defaultDenom)
		}
	}
	net := receivables - payables

	return balanceData{
		SecuredNetBalancesByDenom: secured,
		UnsecuredBalancesInDefaultDenom: unsecuredBalances{
			TotalPayables:    formatAmount(payables, a.defaultDenom),
			TotalReceivables: formatAmount(receivables, a.defaultDenom),
			NetPayRec:        formatAmount(net, a.defaultDenom),
		},
		NetCredexAssetsInDefaultDenom: formatAmount(assets+net, a.defaultDenom),
	}
}

// pendingItems lists a's pending offers: incoming, then outgoing with
// negative amounts.
func (l *ledger) pendingItems(a *account) (in, out []pendingItem) {
	in, out = []pendingItem{}, []pendingItem{}
	for _, id := range l.offerOrder {
		o := l.offers[id]
		if o.state != statePending {
			continue
		}
		item := pendingItem{CredexID: o.id, Secured: o.secured, DueDate: o.dueDate}
		switch a.id {
		case o.receiverID:
			item.FormattedInitialAmount = formatAmount(o.amount, o.denom)
			item.CounterpartyAccountName = l.accounts[o.issuerID].name
			in = append(in, item)
		case o.issuerID:
			item.FormattedInitialAmount = formatAmount(-o.amount, o.denom)
			item.CounterpartyAccountName = l.accounts[o.receiverID].name
			out = append(out, item)
		}
	}
	return in, out
}
