package fsm

import (
	vimbiso "github.com/vimbisopay/vimbiso"
)

// quickCommand runs a quick offer typed in one message.
// TODO: parse the quick command forms and go to the offer confirmation.
func (c *Conversation) quickCommand(t *turn, text string) Event {
	t.text(msgNotYet)
	if c.State() == StateLogin {
		return EventMemberFound
	}
	return ""
}

// offerChoice handles accept_, decline_ and cancel_ ids from any state.
// TODO: accept, decline and cancel offers.
func (c *Conversation) offerChoice(t *turn, id string) Event {
	t.text(msgNotYet)
	return ""
}

// offerAfterLogin shows the offer a notification button named, once the
// member is logged in. Nothing is accepted or declined by that first tap.
func (c *Conversation) offerAfterLogin(t *turn, id string) Event {
	return EventMemberFound
}

// handleEvent turns a CredEx callback into a notification.
// TODO: notifications for offers, tiers and account changes.
func (c *Conversation) handleEvent(t *turn, e *vimbiso.Event) {}
