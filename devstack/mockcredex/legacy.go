package mockcredex

import (
	"encoding/json"
	"math"
)

// memberDashboard returns d in the form of getMemberDashboardByPhone:
// memberDashboard (member fields and accountIDS) plus accountDashboards.
// With legacy set, it applies the quirks of 2024 builds that the bot must
// read: Neo4j integers {"low","high"}, accounts wrapped in
// {success,data,message}, {} for an empty pending list, flat sendOffersTo
// fields and the PERSONAL_CONSUMPTION account type.
func memberDashboard(d dashboard, legacy bool) map[string]any {
	memberData := toMap(d.Member)
	ids := make([]string, 0, len(d.Accounts))
	for _, a := range d.Accounts {
		ids = append(ids, a.AccountID)
	}
	memberData["accountIDS"] = ids

	accounts := make([]any, 0, len(d.Accounts))
	for _, a := range d.Accounts {
		if !legacy {
			accounts = append(accounts, a)
			continue
		}
		accounts = append(accounts, map[string]any{
			"success": true,
			"data":    legacyAccount(a),
			"message": "Account dashboard retrieved successfully",
		})
	}

	if legacy {
		memberData["memberTier"] = neo4jInt(int64(d.Member.MemberTier))
		if r := d.Member.RemainingAvailableUSD; r != nil && *r == math.Trunc(*r) {
			memberData["remainingAvailableUSD"] = neo4jInt(int64(*r))
		}
	}
	return map[string]any{"memberDashboard": memberData, "accountDashboards": accounts}
}

// legacyAccount converts one account to its 2024 form.
func legacyAccount(a dashboardAccount) map[string]any {
	m := toMap(a)
	if a.AccountType == accountPersonal {
		m["accountType"] = "PERSONAL_CONSUMPTION"
	}

	delete(m, "sendOffersTo")
	m["sendOffersToMemberID"] = a.SendOffersTo.MemberID
	m["sendOffersToFirstname"] = a.SendOffersTo.Firstname
	m["sendOffersToLastname"] = a.SendOffersTo.Lastname

	if len(a.PendingInData) == 0 {
		m["pendingInData"] = map[string]any{}
	}
	if len(a.PendingOutData) == 0 {
		m["pendingOutData"] = map[string]any{}
	}
	return m
}

// neo4jInt encodes n as the Neo4j driver's integer object.
func neo4jInt(n int64) map[string]int64 {
	return map[string]int64{"low": int64(int32(n)), "high": n >> 32}
}

// toMap converts a JSON-tagged struct to a map through its JSON encoding.
func toMap(v any) map[string]any {
	raw, err := json.Marshal(v)
	if err != nil {
		panic("mockcredex: encode " + err.Error())
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		panic("mockcredex: decode " + err.Error())
	}
	return m
}
