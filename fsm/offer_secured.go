package fsm

// TODO: the secured offer flow (OS_AMOUNT, OS_HANDLE, OS_CONFIRM).
func securedOfferFlow() flow { return flow{name: "secured_offer"} }

func startSecuredOffer(t *turn) Event { t.text(msgNotYet); return "" }
