package transport

import "github.com/vimbisopay/vimbiso"

// findDashboard returns the full dashboard a response carries, in the current
// shape or any legacy one, or nil. A dashboard with a single "account"
// object instead of an "accounts" list is not a full dashboard.
//
// NOTE: vimbiso.Result has no field for such a single account, so it is
// dropped here and the caller must refresh the dashboard with login.
func findDashboard(root, data, details jsonObject) *vimbiso.Dashboard {
	candidates := []jsonObject{
		objectAt(data, "dashboard"),     // current envelope, and the December 2024 shape
		data,                            // getMemberDashboardByPhone: memberDashboard + accountDashboards
		objectAt(data, "dashboardData"), // legacy createCredex
		objectAt(root, "dashboardData"), // legacy acceptCredexBulk
	}
	for _, c := range candidates {
		if d := convertDashboard(c, details); d != nil {
			return d
		}
	}
	return nil
}

// convertDashboard converts one candidate object. Member fields missing
// from the dashboard (the December 2024 shape has no names) are taken from
// the action's details when they are there.
func convertDashboard(o, details jsonObject) *vimbiso.Dashboard {
	o = unwrapSuccess(o)
	if o == nil {
		return nil
	}
	accounts, ok := arrayAt(o, "accounts")
	if !ok {
		accounts, ok = arrayAt(o, "accountDashboards")
	}
	if !ok {
		return nil
	}

	var member jsonObject
	switch {
	case objectAt(o, "member") != nil:
		member = objectAt(o, "member")
	case objectAt(o, "memberDashboard") != nil:
		member = unwrapSuccess(objectAt(o, "memberDashboard"))
	case valueAt(o, "memberTier") != nil || valueAt(o, "memberID") != nil:
		member = o
	}
	if member == nil {
		return nil
	}

	d := &vimbiso.Dashboard{Member: convertMember(member, details), Accounts: []vimbiso.Account{}}
	for _, item := range accounts {
		acct := unwrapSuccess(objectAt(item))
		if acct == nil {
			continue
		}
		d.Accounts = append(d.Accounts, convertAccount(acct))
	}
	return d
}

// unwrapSuccess returns the data of a {"success": true, "data": {...}}
// wrapper, nil for a wrapper with success false, and o itself otherwise.
func unwrapSuccess(o jsonObject) jsonObject {
	success, ok := boolAt(o, "success")
	if !ok {
		return o
	}
	if !success {
		return nil
	}
	if data := objectAt(o, "data"); data != nil {
		return data
	}
	return o
}

func convertMember(o, fallback jsonObject) vimbiso.Member {
	pick := func(key string) string {
		if s := stringAt(o, key); s != "" {
			return s
		}
		return stringAt(fallback, key)
	}
	m := vimbiso.Member{
		MemberID:     pick("memberID"),
		FirstName:    pick("firstname"),
		LastName:     pick("lastname"),
		Handle:       pick("memberHandle"),
		DefaultDenom: pick("defaultDenom"),
	}
	m.Tier, _ = intAt(o, "memberTier")
	if usd, ok := numberAt(o, "remainingAvailableUSD"); ok {
		m.RemainingUSD = &usd
	}
	return m
}

func convertAccount(o jsonObject) vimbiso.Account {
	a := vimbiso.Account{
		AccountID:    stringAt(o, "accountID"),
		Name:         stringAt(o, "accountName"),
		Handle:       stringAt(o, "accountHandle"),
		Type:         stringAt(o, "accountType"),
		DefaultDenom: stringAt(o, "defaultDenom"),
		SendOffersTo: sendOffersTo(o),
		Balances:     convertBalances(unwrapSuccess(objectAt(o, "balanceData"))),
		PendingIn:    pendingOffers(valueAt(o, "pendingInData")),
		PendingOut:   pendingOffers(valueAt(o, "pendingOutData")),
	}
	a.Owned, _ = boolAt(o, "isOwnedAccount")
	if people, ok := arrayAt(o, "authFor"); ok {
		a.AuthFor = []vimbiso.PersonName{}
		for _, p := range people {
			a.AuthFor = append(a.AuthFor, personName(objectAt(p)))
		}
	}
	return a
}

// sendOffersTo reads the sendOffersTo object, or the flat
// sendOffersToMemberID, sendOffersToFirstname and sendOffersToLastname
// fields of 2024 builds.
func sendOffersTo(o jsonObject) *vimbiso.PersonName {
	if p := objectAt(o, "sendOffersTo"); p != nil {
		name := personName(p)
		return &name
	}
	flat := vimbiso.PersonName{
		MemberID:  stringAt(o, "sendOffersToMemberID"),
		FirstName: stringAt(o, "sendOffersToFirstname"),
		LastName:  stringAt(o, "sendOffersToLastname"),
	}
	if flat == (vimbiso.PersonName{}) {
		return nil
	}
	return &flat
}

func personName(o jsonObject) vimbiso.PersonName {
	return vimbiso.PersonName{
		MemberID:  stringAt(o, "memberID"),
		FirstName: stringAt(o, "firstname"),
		LastName:  stringAt(o, "lastname"),
	}
}

func convertBalances(o jsonObject) vimbiso.Balances {
	b := vimbiso.Balances{SecuredNet: []string{}, NetAssets: stringAt(o, "netCredexAssetsInDefaultDenom")}
	secured, _ := arrayAt(o, "securedNetBalancesByDenom")
	for _, s := range secured {
		if text := stringAt(s); text != "" {
			b.SecuredNet = append(b.SecuredNet, text)
		}
	}
	unsecured := unwrapSuccess(objectAt(o, "unsecuredBalancesInDefaultDenom"))
	b.TotalPayables = stringAt(unsecured, "totalPayables")
	b.TotalReceivables = stringAt(unsecured, "totalReceivables")
	b.NetPayRec = stringAt(unsecured, "netPayRec")
	return b
}

// pendingOffers reads a pending list: an array, {} when there are no
// offers, or a {"success": true, "data": [...]} wrapper. It never returns
// nil.
func pendingOffers(v any) []vimbiso.PendingOffer {
	items, ok := v.([]any)
	if !ok {
		items, _ = arrayAt(v, "data")
	}
	offers := []vimbiso.PendingOffer{}
	for _, item := range items {
		o := objectAt(item)
		if o == nil {
			continue
		}
		secured, _ := boolAt(o, "secured")
		offers = append(offers, vimbiso.PendingOffer{
			CredexID:     stringAt(o, "credexID"),
			Amount:       stringAt(o, "formattedInitialAmount"),
			Counterparty: stringAt(o, "counterpartyAccountName"),
			Secured:      secured,
			DueDate:      stringAt(o, "dueDate"),
		})
	}
	return offers
}
