package actors

import (
	"log/slog"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// message closes the set of messages a conversation actor accepts.
type message interface{ conversationMessage() }

// Deliver hands the actor an input that is already in its durable inbox.
type Deliver struct {
	Item vimbiso.InboxItem
}

// Wake makes the actor read its inbox again, for inputs stored while no
// actor ran (after a crash or a restart).
type Wake struct{}

// idleCheck is the actor's own passivation timer firing. Gen distinguishes
// a current timer from one that was reset since.
type idleCheck struct {
	Gen uint64
}

func (*Deliver) conversationMessage()   {}
func (*Wake) conversationMessage()      {}
func (*idleCheck) conversationMessage() {}

// LogValue keeps the user's number and words out of library logs.
func (d *Deliver) LogValue() slog.Value {
	return slog.GroupValue(slog.String("user", d.Item.User.Hash()), slog.Any("input", d.Item.Input))
}
