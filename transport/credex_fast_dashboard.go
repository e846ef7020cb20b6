package transport

import (
	"cmp"

	"github.com/vimbisopay/vimbiso"
)

// The fast path's dashboard readers. Each one mirrors a converter of
// credex_dashboard.go for the current dashboard shape and fails the reader
// on a key that would make the converter unwrap or convert a legacy form.

// credexFastDashboard collects a dashboard candidate as convertDashboard
// reads it: a member object and an accounts array.
type credexFastDashboard struct {
	member      vimbiso.Member
	hasMember   bool
	accounts    []vimbiso.Account
	hasAccounts bool
}

// build returns the dashboard, or nil when the member or the accounts are
// missing. Empty member fields are taken from fallback, as convertMember
// does.
func (d *credexFastDashboard) build(fallback vimbiso.Member) *vimbiso.Dashboard {
	if !d.hasMember || !d.hasAccounts {
		return nil
	}
	m := d.member
	m.MemberID = cmp.Or(m.MemberID, fallback.MemberID)
	m.FirstName = cmp.Or(m.FirstName, fallback.FirstName)
	m.LastName = cmp.Or(m.LastName, fallback.LastName)
	m.Handle = cmp.Or(m.Handle, fallback.Handle)
	m.DefaultDenom = cmp.Or(m.DefaultDenom, fallback.DefaultDenom)
	return &vimbiso.Dashboard{Member: m, Accounts: d.accounts}
}

// read reads data.dashboard in the current shape, {"member", "accounts"}.
func (d *credexFastDashboard) read(r *credexReader) {
	if !r.isObject() {
		r.skip()
		return
	}
	for key := range r.object() {
		switch string(key) {
		case "member":
			if !r.isObject() {
				r.skip()
				break
			}
			d.hasMember = true
			readCredexMember(r, &d.member, false)
		case "accounts":
			d.readAccounts(r)
		case "success", "accountDashboards", "memberDashboard", "memberTier", "memberID":
			r.fail() // a wrapped dashboard, or the December 2024 shape
		default:
			r.skip()
		}
	}
}

// readMemberDashboard reads data.memberDashboard of the dashboard fetch.
func (d *credexFastDashboard) readMemberDashboard(r *credexReader) {
	if !r.isObject() {
		r.skip()
		return
	}
	d.hasMember = true
	readCredexMember(r, &d.member, true)
}

// readAccounts reads an accounts list. Elements that are not objects are
// dropped, as convertDashboard drops them.
func (d *credexFastDashboard) readAccounts(r *credexReader) {
	if !r.isArray() {
		r.skip()
		return
	}
	d.hasAccounts = true
	d.accounts = []vimbiso.Account{}
	for range r.array() {
		if !r.isObject() {
			r.skip()
			continue
		}
		d.accounts = append(d.accounts, readCredexAccount(r))
	}
}

// readCredexMember reads a member object into m. Set unwrapped when the
// generic path passes the object through unwrapSuccess: a "success" key then
// marks a wrapper, and the fast path leaves the body to the generic path.
func readCredexMember(r *credexReader, m *vimbiso.Member, unwrapped bool) {
	for key := range r.object() {
		switch string(key) {
		case "memberID":
			m.MemberID = r.text()
		case "firstname":
			m.FirstName = r.text()
		case "lastname":
			m.LastName = r.text()
		case "memberHandle":
			m.Handle = r.text()
		case "defaultDenom":
			m.DefaultDenom = r.text()
		case "memberTier":
			m.Tier, _ = intAt(r.number())
		case "remainingAvailableUSD":
			if usd, ok := numberAt(r.number()); ok {
				m.RemainingUSD = &usd
			}
		case "success":
			if unwrapped {
				r.fail()
			} else {
				r.skip()
			}
		default:
			r.skip()
		}
	}
}

// readCredexAccount reads one account object as convertAccount does.
func readCredexAccount(r *credexReader) vimbiso.Account {
	a := vimbiso.Account{
		Balances:   vimbiso.Balances{SecuredNet: []string{}},
		PendingIn:  []vimbiso.PendingOffer{},
		PendingOut: []vimbiso.PendingOffer{},
	}
	for key := range r.object() {
		switch string(key) {
		case "accountID":
			a.AccountID = r.text()
		case "accountName":
			a.Name = r.text()
		case "accountHandle":
			a.Handle = r.text()
		case "accountType":
			a.Type = r.text()
		case "defaultDenom":
			a.DefaultDenom = r.text()
		case "isOwnedAccount":
			a.Owned, _ = r.boolean()
		case "sendOffersTo":
			if !r.isObject() {
				r.skip() // without the flat fields, convertAccount leaves it nil
				break
			}
			p := readCredexPerson(r)
			a.SendOffersTo = &p
		case "authFor":
			a.AuthFor = readCredexPeople(r)
		case "balanceData":
			a.Balances = readCredexBalances(r)
		case "pendingInData":
			a.PendingIn = readCredexPending(r)
		case "pendingOutData":
			a.PendingOut = readCredexPending(r)
		case "success", "sendOffersToMemberID", "sendOffersToFirstname", "sendOffersToLastname":
			r.fail() // a wrapped account, or the flat sendOffersTo fields of 2024
		default:
			r.skip()
		}
	}
	return a
}

// readCredexPeople reads authFor: nil unless it is an array, in which an
// element that is not an object reads as an empty name.
func readCredexPeople(r *credexReader) []vimbiso.PersonName {
	if !r.isArray() {
		r.skip()
		return nil
	}
	people := []vimbiso.PersonName{}
	for range r.array() {
		if !r.isObject() {
			r.skip()
			people = append(people, vimbiso.PersonName{})
			continue
		}
		people = append(people, readCredexPerson(r))
	}
	return people
}

func readCredexPerson(r *credexReader) vimbiso.PersonName {
	var p vimbiso.PersonName
	for key := range r.object() {
		switch string(key) {
		case "memberID":
			p.MemberID = r.text()
		case "firstname":
			p.FirstName = r.text()
		case "lastname":
			p.LastName = r.text()
		default:
			r.skip()
		}
	}
	return p
}

// readCredexBalances reads balanceData as convertBalances does.
func readCredexBalances(r *credexReader) vimbiso.Balances {
	b := vimbiso.Balances{SecuredNet: []string{}}
	if !r.isObject() {
		r.skip()
		return b
	}
	for key := range r.object() {
		switch string(key) {
		case "netCredexAssetsInDefaultDenom":
			b.NetAssets = r.text()
		case "securedNetBalancesByDenom":
			b.SecuredNet = readCredexTexts(r)
		case "unsecuredBalancesInDefaultDenom":
			readCredexUnsecured(r, &b)
		case "success":
			r.fail() // a {success, data} wrapper
		default:
			r.skip()
		}
	}
	return b
}

// readCredexTexts reads a list of balances, keeping the non-empty strings
// and numbers.
func readCredexTexts(r *credexReader) []string {
	texts := []string{}
	if !r.isArray() {
		r.skip()
		return texts
	}
	for range r.array() {
		if s := r.text(); s != "" {
			texts = append(texts, s)
		}
	}
	return texts
}

func readCredexUnsecured(r *credexReader, b *vimbiso.Balances) {
	if !r.isObject() {
		r.skip()
		return
	}
	for key := range r.object() {
		switch string(key) {
		case "totalPayables":
			b.TotalPayables = r.text()
		case "totalReceivables":
			b.TotalReceivables = r.text()
		case "netPayRec":
			b.NetPayRec = r.text()
		case "success":
			r.fail() // a {success, data} wrapper
		default:
			r.skip()
		}
	}
}

// readCredexPending reads a pending list as pendingOffers does. It never
// returns nil. The object forms ({} for no offers and the {success, data}
// wrapper) are left to the generic path.
func readCredexPending(r *credexReader) []vimbiso.PendingOffer {
	offers := []vimbiso.PendingOffer{}
	switch r.peek() {
	case '[':
	case '{':
		r.fail()
		return offers
	default:
		r.skip()
		return offers
	}
	for range r.array() {
		if !r.isObject() {
			r.skip()
			continue
		}
		var o vimbiso.PendingOffer
		for key := range r.object() {
			switch string(key) {
			case "credexID":
				o.CredexID = r.text()
			case "formattedInitialAmount":
				o.Amount = r.text()
			case "counterpartyAccountName":
				o.Counterparty = r.text()
			case "secured":
				o.Secured, _ = r.boolean()
			case "dueDate":
				o.DueDate = r.text()
			default:
				r.skip()
			}
		}
		offers = append(offers, o)
	}
	return offers
}
