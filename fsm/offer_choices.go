package fsm

// offerChoice handles accept_, decline_ and cancel_ ids from any state.
// TODO: accept, decline and cancel offers.
func (c *Conversation) offerChoice(t *turn, id string) Event {
	t.text(msgNotYet)
	return ""
}

// offerAfterLogin shows the offer a notification button named, once the
// member is logged in. Nothing is accepted or declined by that first tap.
// TODO: show IN_DETAIL when the offer is still pending.
func (c *Conversation) offerAfterLogin(t *turn, id string) Event {
	return EventMemberFound
}
