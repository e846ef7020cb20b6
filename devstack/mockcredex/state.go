package mockcredex

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Account types CredEx uses.
const (
	accountPersonal   = "PERSONAL"
	accountBusiness   = "BUSINESS"
	accountOperations = "OPERATIONS"
	accountFoundation = "CREDEX_FOUNDATION"
)

// offerState is the life cycle state of a credex.
type offerState string

const (
	statePending   offerState = "pending"
	stateAccepted  offerState = "accepted"
	stateDeclined  offerState = "declined"
	stateCancelled offerState = "cancelled"
	stateExpired   offerState = "expired"
)

type member struct {
	id           string
	firstname    string
	lastname     string
	phone        string // also the member handle
	tier         int
	defaultDenom string
}

func (m *member) name() string { return m.firstname + " " + m.lastname }

type account struct {
	id           string
	name         string
	handle       string
	accountType  string
	defaultDenom string
	ownerID      string           // empty for CredEx's own accounts
	authorised   []string         // members besides the owner, in order added
	sendOffersTo string           // member notified of offers
	secured      map[string]int64 // settled secured balance per denomination, in units
}

type offer struct {
	id         string
	issuerID   string // account ids
	receiverID string
	denom      string
	amount     int64
	secured    bool
	dueDate    string // YYYY-MM-DD; empty for secured offers
	credexType string
	state      offerState
	createdDay string // business day of creation, for the daily limit
	createdAt  time.Time
	closedAt   time.Time // when it left pending
	closedDay  string
	acceptSeq  int  // acceptance order, for the ledger
	charge     bool // a subscription charge: not counted against the daily limit
}

// ledger is the mock's whole business data. The Server's mutex guards it.
type ledger struct {
	members      map[string]*member
	memberOrder  []string
	accounts     map[string]*account
	accountOrder []string
	offers       map[string]*offer
	offerOrder   []string
	nextID       map[byte]int // per id kind letter
	acceptSeq    int
}

func newLedger() *ledger {
	return &ledger{
		members:  make(map[string]*member),
		accounts: make(map[string]*account),
		offers:   make(map[string]*offer),
		nextID:   make(map[byte]int),
	}
}

// fixedID returns the id of the given kind letter and number, in the
// pattern of the CredEx examples: kind 'a' and n 1 give
// 00000000-0000-4000-8000-0000000000a1.
func fixedID(kind byte, n int) string {
	suffix := fmt.Sprintf("%c%d", kind, n)
	return "00000000-0000-4000-8000-" + strings.Repeat("0", 12-len(suffix)) + suffix
}

// newID returns the next unused id of a kind: 'a' members, 'b' accounts,
// 'c' credex, 'd' recurring transactions.
func (l *ledger) newID(kind byte) string {
	for {
		l.nextID[kind]++
		id := fixedID(kind, l.nextID[kind])
		if l.members[id] == nil && l.accounts[id] == nil && l.offers[id] == nil {
			return id
		}
	}
}

func (l *ledger) addMember(m *member) {
	l.members[m.id] = m
	l.memberOrder = append(l.memberOrder, m.id)
}

func (l *ledger) addAccount(a *account) {
	if a.secured == nil {
		a.secured = make(map[string]int64)
	}
	l.accounts[a.id] = a
	l.accountOrder = append(l.accountOrder, a.id)
}

func (l *ledger) addOffer(o *offer) {
	l.offers[o.id] = o
	l.offerOrder = append(l.offerOrder, o.id)
}

func (l *ledger) memberByPhone(phone string) *member {
	for _, id := range l.memberOrder {
		if m := l.members[id]; m.phone == phone {
			return m
		}
	}
	return nil
}

func (l *ledger) accountByHandle(handle string) *account {
	for _, id := range l.accountOrder {
		if a := l.accounts[id]; a.handle == handle {
			return a
		}
	}
	return nil
}

// canAct reports whether m may transact on a: as its owner or authorised.
func (a *account) canAct(m *member) bool {
	return m != nil && (a.ownerID == m.id || slices.Contains(a.authorised, m.id))
}

// reserved returns the units of denom held by a's pending secured offers.
func (l *ledger) reserved(a *account, denom string) int64 {
	var sum int64
	for _, id := range l.offerOrder {
		o := l.offers[id]
		if o.issuerID == a.id && o.secured && o.state == statePending && o.denom == denom {
			sum += o.amount
		}
	}
	return sum
}

// securedAvailable returns a's secured balance in denom minus its pending
// secured offers.
func (l *ledger) securedAvailable(a *account, denom string) int64 {
	return a.secured[denom] - l.reserved(a, denom)
}

// dailyLimitUSD returns the daily limit of a tier in USD units, and false
// for tiers without one. The figures are CredEx's of November 2024.
func dailyLimitUSD(tier int) (int64, bool) {
	switch tier {
	case 1:
		return 10 * unitsPerWhole, true
	case 2:
		return 100 * unitsPerWhole, true
	}
	return 0, false
}

// remainingUSD returns what m may still issue today in USD units, and false
// when m's tier has no daily limit. Every credex created on the business day
// from an account m owns counts, whatever became of it.
func (l *ledger) remainingUSD(m *member, today string) (int64, bool) {
	limit, ok := dailyLimitUSD(m.tier)
	if !ok {
		return 0, false
	}
	var used int64
	for _, id := range l.offerOrder {
		o := l.offers[id]
		if o.charge || o.createdDay != today || l.accounts[o.issuerID].ownerID != m.id {
			continue
		}
		used += toUSD(o.amount, o.denom)
	}
	return max(limit-used, 0), true
}
