package fsm

// TODO: the ledger (LEDGER, LEDGER_ENTRY).
func ledgerFlow() flow { return flow{name: "ledger"} }

func startLedger(t *turn) Event { t.text(msgNotYet); return "" }
