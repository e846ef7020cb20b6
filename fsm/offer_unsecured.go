package fsm

// TODO: the unsecured offer flow (OU_AMOUNT, OU_HANDLE, OU_DUE, OU_CONFIRM).
func unsecuredOfferFlow() flow { return flow{name: "unsecured_offer"} }

func startUnsecuredOffer(t *turn) Event { t.text(msgNotYet); return "" }
