package fsm

// TODO: incoming offers (IN_LIST, IN_DETAIL, IN_ALL_CONFIRM).
func incomingFlow() flow { return flow{name: "incoming"} }

func startIncoming(t *turn) Event { t.text(msgNotYet); return "" }
