package mockcredex

import "net/http"

// adminState dumps the business data for debugging: members, accounts with
// settled and available secured balances, and every credex.
func (s *Server) adminState(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.data
	today := formatDay(s.todayLocked())

	members := []map[string]any{}
	for _, id := range l.memberOrder {
		m := l.members[id]
		d := l.dashboardFor(m, today)
		members = append(members, map[string]any{
			"memberID": m.id, "name": m.name(), "phone": m.phone, "tier": m.tier,
			"defaultDenom": m.defaultDenom, "remainingAvailableUSD": d.Member.RemainingAvailableUSD,
		})
	}

	accounts := []map[string]any{}
	for _, id := range l.accountOrder {
		a := l.accounts[id]
		settled := map[string]string{}
		for denom, units := range a.secured {
			settled[denom] = formatAmount(units, denom)
		}
		accounts = append(accounts, map[string]any{
			"accountID": a.id, "accountName": a.name, "accountHandle": a.handle, "accountType": a.accountType,
			"ownerID": a.ownerID, "authorised": a.authorised, "sendOffersTo": a.sendOffersTo,
			"securedSettled": settled, "balanceData": l.balances(a),
		})
	}

	offers := []map[string]any{}
	for _, id := range l.offerOrder {
		o := l.offers[id]
		offers = append(offers, map[string]any{
			"credexID": o.id, "issuerAccountID": o.issuerID, "receiverAccountID": o.receiverID,
			"amount": formatAmount(o.amount, o.denom), "secured": o.secured, "dueDate": o.dueDate,
			"state": string(o.state), "createdDay": o.createdDay, "closedDay": o.closedDay,
			"subscriptionCharge": o.charge,
		})
	}

	writeJSON(w, http.StatusOK, nil, map[string]any{
		"today": today, "offsetDays": s.offsetDays, "members": members, "accounts": accounts, "offers": offers,
	})
}
