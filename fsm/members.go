package fsm

// TODO: members of a company account (MEM_LIST, MEM_ADD_HANDLE, MEM_ADD_CONFIRM, MEM_RM_CONFIRM).
func membersFlow() flow { return flow{name: "members"} }

func startMembers(t *turn) Event { t.text(msgNotYet); return "" }
