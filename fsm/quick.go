package fsm

// quickCommand runs a quick offer typed in one message.
// TODO: parse the quick command forms and go to the offer confirmation.
func (c *Conversation) quickCommand(t *turn, text string) Event {
	t.text(msgNotYet)
	if c.State() == StateLogin {
		return EventMemberFound
	}
	return ""
}
