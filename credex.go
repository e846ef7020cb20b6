package vimbiso

// Member is the person behind a conversation, as CredEx's dashboard
// describes them.
type Member struct {
	MemberID     string `json:"memberID"`
	Tier         int    `json:"memberTier"`
	FirstName    string `json:"firstname"`
	LastName     string `json:"lastname"`
	Handle       string `json:"memberHandle"`
	DefaultDenom string `json:"defaultDenom"`
	// RemainingUSD is how much USD the member may still offer today;
	// nil on tiers without a daily limit.
	RemainingUSD *float64 `json:"remainingAvailableUSD,omitempty"`
}

// PersonName names a member for messages, in the form CredEx stores.
type PersonName struct {
	MemberID  string `json:"memberID"`
	FirstName string `json:"firstname"`
	LastName  string `json:"lastname"`
}

// Account is one account of the member's dashboard. Amounts are the
// strings CredEx formats ("1,234.50 USD"); the bot shows them as they are.
type Account struct {
	AccountID    string         `json:"accountID"`
	Name         string         `json:"accountName"`
	Handle       string         `json:"accountHandle"`
	Type         string         `json:"accountType"`
	DefaultDenom string         `json:"defaultDenom"`
	Owned        bool           `json:"isOwnedAccount"`
	SendOffersTo *PersonName    `json:"sendOffersTo,omitempty"`
	AuthFor      []PersonName   `json:"authFor,omitempty"` // nil when CredEx omits the list
	Balances     Balances       `json:"balanceData"`
	PendingIn    []PendingOffer `json:"pendingInData"`
	PendingOut   []PendingOffer `json:"pendingOutData"`
}

// Personal reports whether a is the member's personal account (CredEx
// builds of November 2024 name the type PERSONAL_CONSUMPTION).
func (a Account) Personal() bool {
	return a.Type == "PERSONAL" || a.Type == "PERSONAL_CONSUMPTION"
}

// Balances are an account's figures, formatted by CredEx.
type Balances struct {
	SecuredNet       []string `json:"securedNetBalancesByDenom"`
	TotalPayables    string   `json:"totalPayables"`
	TotalReceivables string   `json:"totalReceivables"`
	NetPayRec        string   `json:"netPayRec"`
	NetAssets        string   `json:"netCredexAssetsInDefaultDenom"`
}

// PendingOffer is an offer waiting for the receiver's answer.
type PendingOffer struct {
	CredexID     string `json:"credexID"`
	Amount       string `json:"formattedInitialAmount"` // negative for outgoing offers
	Counterparty string `json:"counterpartyAccountName"`
	Secured      bool   `json:"secured,omitempty"`
	DueDate      string `json:"dueDate,omitempty"` // YYYY-MM-DD, unsecured only
}

// Dashboard is the member and their accounts, as CredEx last sent them.
type Dashboard struct {
	Member   Member    `json:"member"`
	Accounts []Account `json:"accounts"`
}

// Account returns the account with the given id.
func (d *Dashboard) Account(id string) (Account, bool) {
	if d == nil {
		return Account{}, false
	}
	for _, a := range d.Accounts {
		if a.AccountID == id {
			return a, true
		}
	}
	return Account{}, false
}

// PersonalAccount returns the member's personal account.
func (d *Dashboard) PersonalAccount() (Account, bool) {
	if d == nil {
		return Account{}, false
	}
	for _, a := range d.Accounts {
		if a.Personal() {
			return a, true
		}
	}
	return Account{}, false
}

// AccountRef is an account found by its handle.
type AccountRef struct {
	AccountID string `json:"accountID"`
	Name      string `json:"accountName"`
	Handle    string `json:"accountHandle"`
}

// LedgerEntry is one accepted or cleared credex of an account.
type LedgerEntry struct {
	CredexID     string `json:"credexID"`
	Amount       string `json:"formattedInitialAmount"` // negative for debits
	Counterparty string `json:"counterpartyAccountName"`
}
