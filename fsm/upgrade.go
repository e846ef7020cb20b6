package fsm

// TODO: member tier upgrade (UPG_CONFIRM).
func upgradeFlow() flow { return flow{name: "upgrade_tier"} }

func startUpgrade(t *turn) Event { t.text(msgNotYet); return "" }
