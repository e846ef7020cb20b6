package fsm

// TODO: outgoing offers (OUT_LIST, OUT_DETAIL).
func outgoingFlow() flow { return flow{name: "outgoing"} }

func startOutgoing(t *turn) Event { t.text(msgNotYet); return "" }
