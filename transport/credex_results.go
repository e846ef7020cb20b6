package transport

import (
	"strings"

	"github.com/vimbisopay/vimbiso"
)

// fillResult sets the values a successful call asked for, from wherever the
// current envelope or a legacy shape puts them.
func fillResult(res *vimbiso.Result, call vimbiso.Call, root, data, action, details jsonObject) {
	res.Dashboard = findDashboard(root, data, details)

	switch call.Op {
	case vimbiso.CallAccountByHandle:
		res.Account = accountRef(call, root, data, details)
	case vimbiso.CallMemberByHandle:
		res.Member = memberByHandle(root, data, details)
	case vimbiso.CallCreateCredex:
		res.CredexID = createdCredexID(data, action, details)
	case vimbiso.CallGetLedger:
		res.Ledger, res.HasMore = ledger(root, data, details)
	case vimbiso.CallGetCredex:
		res.Credex = credexDetail(call, data, details)
	case vimbiso.CallAcceptBulk:
		res.Bulk = bulkSummary(call, root, data, details)
	}
}

// accountRef reads getAccountByHandle: details of ACCOUNT_FOUND, legacy
// accountData (under data or at the top level), or accountID at the top
// level.
func accountRef(call vimbiso.Call, root, data, details jsonObject) *vimbiso.AccountRef {
	for _, o := range []jsonObject{details, objectAt(data, "accountData"), objectAt(root, "accountData"), data, root} {
		id := stringAt(o, "accountID")
		if id == "" {
			continue
		}
		handle := stringAt(o, "accountHandle")
		if handle == "" {
			handle = strings.ToLower(call.Handle)
		}
		return &vimbiso.AccountRef{AccountID: id, Name: stringAt(o, "accountName"), Handle: handle}
	}
	return nil
}

// memberByHandle reads getMemberByHandle: details with firstname and
// lastname, or legacy memberData with one memberName, split at its first
// space.
func memberByHandle(root, data, details jsonObject) *vimbiso.PersonName {
	for _, o := range []jsonObject{details, objectAt(data, "memberData"), objectAt(root, "memberData"), data} {
		id := stringAt(o, "memberID")
		if id == "" {
			continue
		}
		p := personName(o)
		if p.FirstName == "" && p.LastName == "" {
			first, last, _ := strings.Cut(strings.TrimSpace(stringAt(o, "memberName")), " ")
			p.FirstName, p.LastName = first, strings.TrimSpace(last)
		}
		return &p
	}
	return nil
}

// createdCredexID reads the new offer's id: action.id in the current
// envelope, else details.credexID, else the legacy createCredexData.
func createdCredexID(data, action, details jsonObject) string {
	if id := stringAt(action, "id"); id != "" {
		return id
	}
	if id := stringAt(details, "credexID"); id != "" {
		return id
	}
	if id := stringAt(data, "createCredexData", "credex", "credexID"); id != "" {
		return id
	}
	return stringAt(data, "credex", "credexID")
}

// ledger reads getLedger: details.ledger in the current envelope, or the
// legacy data array ({} when empty). hasMore is looked for in
// details.pagination, details, and data.dashboard.pagination.
func ledger(root, data, details jsonObject) ([]vimbiso.LedgerEntry, *bool) {
	items, ok := arrayAt(details, "ledger")
	if !ok {
		items, _ = arrayAt(root, "data")
	}
	entries := []vimbiso.LedgerEntry{}
	for _, item := range items {
		o := objectAt(item)
		if o == nil {
			continue
		}
		entries = append(entries, vimbiso.LedgerEntry{
			CredexID:     stringAt(o, "credexID"),
			Amount:       firstString(o, "formattedInitialAmount", "InitialAmount"),
			Counterparty: stringAt(o, "counterpartyAccountName"),
		})
	}

	for _, v := range []any{
		valueAt(details, "pagination", "hasMore"),
		valueAt(details, "hasMore"),
		valueAt(data, "dashboard", "pagination", "hasMore"),
	} {
		if more, ok := v.(bool); ok {
			return entries, &more
		}
	}
	return entries, nil
}

// credexDetail reads getCredex: credexData and clearedAgainstData (legacy,
// under data) or the same fields in the current details.
func credexDetail(call vimbiso.Call, data, details jsonObject) *vimbiso.CredexDetail {
	src := objectAt(details, "credexData")
	if src == nil {
		src = objectAt(data, "credexData")
	}
	if src == nil {
		src = details
	}
	debit, _ := boolAt(src, "debit")
	c := &vimbiso.CredexDetail{
		CredexID:          firstString(src, "credexID"),
		TransactionType:   stringAt(src, "transactionType"),
		Debit:             debit,
		Counterparty:      stringAt(src, "counterpartyAccountName"),
		Denomination:      firstString(src, "Denomination", "denomination"),
		Date:              firstString(src, "acceptedAt", "declinedAt", "cancelledAt"),
		DueDate:           stringAt(src, "dueDate"),
		InitialAmount:     firstString(src, "formattedInitialAmount", "InitialAmount"),
		OutstandingAmount: stringAt(src, "formattedOutstandingAmount"),
	}
	if c.CredexID == "" {
		c.CredexID = call.CredexID
	}

	cleared, ok := arrayAt(details, "clearedAgainstData")
	if !ok {
		cleared, _ = arrayAt(data, "clearedAgainstData")
	}
	for _, item := range cleared {
		o := objectAt(item)
		c.ClearedAgainst = append(c.ClearedAgainst, vimbiso.Cleared{
			Amount:       stringAt(o, "formattedClearedAmount"),
			Counterparty: stringAt(o, "clearedAgainstCounterpartyAccountName"),
		})
	}
	return c
}

// bulkSummary reads acceptCredexBulk's summary from details, data or the
// top level. Offers CredEx reports as already accepted count as accepted.
// A success without any summary (a 2024 build) means every offer asked for
// was accepted.
func bulkSummary(call vimbiso.Call, root, data, details jsonObject) *vimbiso.BulkSummary {
	var summary jsonObject
	for _, o := range []jsonObject{details, data, root} {
		if summary = objectAt(o, "summary"); summary != nil {
			break
		}
	}
	if summary == nil {
		return &vimbiso.BulkSummary{Accepted: append([]string{}, call.CredexIDs...)}
	}

	b := &vimbiso.BulkSummary{Accepted: []string{}}
	for _, key := range []string{"accepted", "alreadyAccepted"} {
		ids, _ := arrayAt(summary, key)
		for _, id := range ids {
			if s := stringAt(id); s != "" {
				b.Accepted = append(b.Accepted, s)
			}
		}
	}
	failed, _ := arrayAt(summary, "failed")
	for _, f := range failed {
		if id, ok := f.(string); ok {
			b.Failed = append(b.Failed, vimbiso.BulkFailure{CredexID: id})
			continue
		}
		o := objectAt(f)
		b.Failed = append(b.Failed, vimbiso.BulkFailure{
			CredexID: stringAt(o, "credexID"),
			Reason:   firstString(o, "error", "reason", "message"),
		})
	}
	return b
}
