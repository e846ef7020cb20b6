package fsm

import (
	"slices"
	"strings"
	"testing"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// Transcript 9 of the product: nine entries make a page of seven with
// ledger_next and a page of two with ledger_prev only, and no entry shows
// twice. An entry opens, and back_ledger reads the same page again.
func TestLedgerPaging(t *testing.T) {
	s := newSession(t, pendingPhoneAlice, newPendingFake())
	s.do("hi")
	s.do("tap acct_acct-alice")
	page1 := pendingLedgerRows(t, s.do("tap ledger"))
	page2 := pendingLedgerRows(t, s.do("tap ledger_next"))
	s.run("ledger_paging",
		"tap ledger_prev",
		"tap tx_tx-03",
		"what is this",
		"tap back_ledger",
		"tap ledger_next",
		"tap tx_tx-09",
		"tap back_ledger",
		"tap home",
	)
	s.wantState(StateDashboard)

	if want := []string{"tx_tx-01", "tx_tx-02", "tx_tx-03", "tx_tx-04", "tx_tx-05", "tx_tx-06", "tx_tx-07", choiceLedgerNext, choiceHome}; !slices.Equal(page1, want) {
		t.Errorf("page 1 rows = %v, want %v", page1, want)
	}
	if want := []string{"tx_tx-08", "tx_tx-09", choiceLedgerPrev, choiceHome}; !slices.Equal(page2, want) {
		t.Errorf("page 2 rows = %v, want %v", page2, want)
	}
	seen := map[string]bool{}
	for _, id := range append(slices.Clone(page1), page2...) {
		if strings.HasPrefix(id, ledgerChoicePrefix) && seen[id] {
			t.Errorf("entry %s shown on both pages", id)
		}
		seen[id] = true
	}

	var starts []int
	for _, c := range pendingCallsOf(s, vimbiso.CallGetLedger) {
		starts = append(starts, c.StartRow)
		if c.NumRows != ledgerPageSize+1 || c.AccountID != "acct-alice" {
			t.Errorf("getLedger call = %+v, want acct-alice with %d rows", c, ledgerPageSize+1)
		}
	}
	if want := []int{0, 7, 0, 0, 7, 7}; !slices.Equal(starts, want) {
		t.Errorf("getLedger start rows = %v, want %v", starts, want)
	}
	entries := pendingCallsOf(s, vimbiso.CallGetCredex)
	if len(entries) != 2 || entries[0].CredexID != "tx-03" || entries[0].AccountID != "acct-alice" {
		t.Errorf("getCredex calls = %+v, want tx-03 then tx-09 of acct-alice", entries)
	}
}

// An account with no entries gets a notice on the dashboard.
func TestLedgerEmpty(t *testing.T) {
	s := newSession(t, pendingPhoneBob, newPendingFake())
	s.run("ledger_empty", "hi", "tap acct_acct-bob", "tap ledger")
	s.wantState(StateDashboard)
}

// A hasMore flag from CredEx is trusted when the extra row is missing.
func TestLedgerHasMore(t *testing.T) {
	f := newPendingFake()
	more := true
	f.fail[vimbiso.CallGetLedger] = vimbiso.Result{
		Outcome: vimbiso.OutcomeOK, Status: 200, ActionType: "LEDGER_RETRIEVED", HasMore: &more,
		Ledger: []vimbiso.LedgerEntry{{CredexID: "tx-01", Amount: "5.00 USD", Counterparty: pendingBob}},
	}
	s := newSession(t, pendingPhoneAlice, f)
	s.do("hi")
	s.do("tap acct_acct-alice")
	rows := pendingLedgerRows(t, s.do("tap ledger"))
	if want := []string{"tx_tx-01", choiceLedgerNext, choiceHome}; !slices.Equal(rows, want) {
		t.Errorf("rows = %v, want %v", rows, want)
	}
}

// A refused or failed getLedger leads to the dashboard with the reason. A
// refused getCredex leads back to the ledger page.
func TestLedgerFailures(t *testing.T) {
	cases := []struct {
		name   string
		op     vimbiso.CallOp
		result vimbiso.Result
		state  State
	}{
		{"ledger_forbidden", vimbiso.CallGetLedger, vimbiso.Result{Outcome: vimbiso.OutcomeForbidden, Status: 403, Reason: "Unauthorized access to account"}, StateDashboard},
		{"ledger_rate_limited", vimbiso.CallGetLedger, vimbiso.Result{Outcome: vimbiso.OutcomeRateLimited, Status: 429}, StateDashboard},
		{"ledger_unavailable", vimbiso.CallGetLedger, vimbiso.Result{Outcome: vimbiso.OutcomeUnavailable}, StateDashboard},
		{"ledger_entry_not_found", vimbiso.CallGetCredex, vimbiso.Result{Outcome: vimbiso.OutcomeNotFound, Status: 404, Reason: "Credex not found or not accessible"}, StateLedger},
		{"ledger_entry_unavailable", vimbiso.CallGetCredex, vimbiso.Result{Outcome: vimbiso.OutcomeUnavailable}, StateDashboard},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newPendingFake()
			s := newSession(t, pendingPhoneAlice, f)
			s.do("hi")
			s.do("tap acct_acct-alice")
			steps := []string{"tap ledger"}
			if tc.op == vimbiso.CallGetCredex {
				s.do("tap ledger")
				steps = []string{"tap tx_tx-02"}
			}
			f.fail[tc.op] = tc.result
			s.run(tc.name, steps...)
			s.wantState(tc.state)
		})
	}
}

// A tap on a row of an older ledger page is stale and reads the current
// page again.
func TestLedgerStaleRow(t *testing.T) {
	s := newSession(t, pendingPhoneAlice, newPendingFake())
	s.do("hi")
	s.do("tap acct_acct-alice")
	s.do("tap ledger")
	page1 := s.lastID
	s.do("tap ledger_next")
	s.run("ledger_stale_row", "old tx_tx-02 "+page1)
	s.wantState(StateLedger)
	if n := s.countCalls(vimbiso.CallGetCredex); n != 0 {
		t.Errorf("getCredex calls = %d, want 0", n)
	}
}

// pendingLedgerRows returns the row ids of the ledger list among replies.
func pendingLedgerRows(t *testing.T, replies []vimbiso.Reply) []string {
	t.Helper()
	for _, r := range replies {
		if r.Kind == vimbiso.ReplyList {
			return r.ChoiceIDs()
		}
	}
	t.Fatalf("no list among %d replies", len(replies))
	return nil
}
