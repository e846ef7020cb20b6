package fsm

// allFlows lists every flow of the conversation.
func allFlows() []flow {
	return []flow{
		loginFlow(), registrationFlow(), dashboardFlow(),
		securedOfferFlow(), unsecuredOfferFlow(),
		incomingFlow(), outgoingFlow(), ledgerFlow(),
		membersFlow(), recipientFlow(), upgradeFlow(),
	}
}
