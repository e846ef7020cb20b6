package mockcredex

import "time"

// DemoMember is a member of the demo data, for printing at start and for
// tests. Tier is 0 for a phone number that is not registered.
type DemoMember struct {
	Name  string
	Phone string
	Tier  int
	Note  string
}

// Fixed ids of the demo data. Alice, Bob, their accounts and the offer c1
// are the ids of the CredEx API examples.
var (
	aliceID          = fixedID('a', 1)
	bobID            = fixedID('a', 2)
	carolID          = fixedID('a', 4)
	alicePersonalID  = fixedID('b', 1)
	exampleTradersID = fixedID('b', 2)
	bobPersonalID    = fixedID('b', 3)
	carolPersonalID  = fixedID('b', 5)
	carolHardwareID  = fixedID('b', 6)
	operationsID     = fixedID('f', 1)
	demoOfferID      = fixedID('c', 1)
)

// DemoMembers returns the demo members in the order of the demo table.
func DemoMembers() []DemoMember {
	return []DemoMember{
		{Name: "Alice Example", Phone: "263770000001", Tier: 1, Note: "owns example_traders; one pending incoming 2.00 USD secured offer from Bob"},
		{Name: "Bob Example", Phone: "263770000002", Tier: 2, Note: "authorised on carol_hardware and receives its offer alerts"},
		{Name: "Carol Example", Phone: "263770000004", Tier: 4, Note: "owns carol_hardware; may authorise members"},
		{Name: "(not registered)", Phone: "263770000003", Tier: 0, Note: "for the registration flow"},
	}
}

// demoLedger builds the demo data. The pending offer c1 was created the
// business day before today, so it does not count against Bob's daily limit.
func demoLedger(now, today time.Time) *ledger {
	l := newLedger()
	l.addMember(&member{id: aliceID, firstname: "Alice", lastname: "Example", phone: "263770000001", tier: 1, defaultDenom: "USD"})
	l.addMember(&member{id: bobID, firstname: "Bob", lastname: "Example", phone: "263770000002", tier: 2, defaultDenom: "USD"})
	l.addMember(&member{id: carolID, firstname: "Carol", lastname: "Example", phone: "263770000004", tier: 4, defaultDenom: "USD"})

	addPersonalAccount(l, l.members[aliceID], alicePersonalID)
	l.accounts[alicePersonalID].secured["USD"] = 25 * unitsPerWhole
	l.addAccount(&account{
		id: exampleTradersID, name: "Example Traders", handle: "example_traders", accountType: accountBusiness,
		defaultDenom: "USD", ownerID: aliceID, sendOffersTo: aliceID,
		secured: map[string]int64{"USD": 100 * unitsPerWhole},
	})

	addPersonalAccount(l, l.members[bobID], bobPersonalID)
	l.accounts[bobPersonalID].secured["USD"] = 10 * unitsPerWhole
	l.accounts[bobPersonalID].secured["XAU"] = 100 // 0.0100 XAU

	addPersonalAccount(l, l.members[carolID], carolPersonalID)
	l.accounts[carolPersonalID].secured["USD"] = 50 * unitsPerWhole
	l.addAccount(&account{
		id: carolHardwareID, name: "Carol Hardware", handle: "carol_hardware", accountType: accountBusiness,
		defaultDenom: "USD", ownerID: carolID, authorised: []string{bobID}, sendOffersTo: bobID,
		secured: map[string]int64{"USD": 20 * unitsPerWhole},
	})

	// CredEx's own account, paid by tier subscriptions.
	l.addAccount(&account{
		id: operationsID, name: "CredEx Operations", handle: "credex_operations",
		accountType: accountOperations, defaultDenom: "USD",
	})

	l.addOffer(&offer{
		id: demoOfferID, issuerID: bobPersonalID, receiverID: alicePersonalID,
		denom: "USD", amount: 2 * unitsPerWhole, secured: true, credexType: "PURCHASE",
		state: statePending, createdDay: formatDay(today.AddDate(0, 0, -1)), createdAt: now.Add(-24 * time.Hour),
	})
	return l
}

// addPersonalAccount adds m's personal account: named "<first> <last>
// Personal", with m's phone as its handle.
func addPersonalAccount(l *ledger, m *member, id string) *account {
	a := &account{
		id: id, name: m.name() + " Personal", handle: m.phone, accountType: accountPersonal,
		defaultDenom: m.defaultDenom, ownerID: m.id, sendOffersTo: m.id,
	}
	l.addAccount(a)
	return a
}
