package fsm

import vimbiso "github.com/vimbisopay/vimbiso"

// handleEvent turns a CredEx callback into a notification.
// TODO: notifications for offers, tiers and account changes.
func (c *Conversation) handleEvent(t *turn, e *vimbiso.Event) {}
