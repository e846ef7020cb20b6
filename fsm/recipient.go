package fsm

// TODO: who receives offer alerts (RCPT_LIST).
func recipientFlow() flow { return flow{name: "offer_recipient"} }

func startRecipient(t *turn) Event { t.text(msgNotYet); return "" }
