package actors

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	vimbiso "github.com/vimbisopay/vimbiso"
	"github.com/vimbisopay/vimbiso/fsm"
)

// Config holds what every conversation actor needs.
type Config struct {
	Conversation fsm.Config
	// IdleTimeout stops an actor whose user sent nothing for this long;
	// its state stays in the store.
	IdleTimeout time.Duration
	// TurnTimeout bounds one input's CredEx calls and sends.
	TurnTimeout time.Duration
	// InputRate is how many messages a user may send in a minute before
	// the next ones wait; 0 turns the limit off.
	InputRate int
	Now       func() time.Time
	// Sleep waits d or until ctx ends, and reports whether d passed;
	// tests replace it along with Now.
	Sleep  func(ctx context.Context, d time.Duration) bool
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 10 * time.Minute
	}
	if c.TurnTimeout <= 0 {
		// Long enough for a held-back input's wait and the CredEx calls
		// of its turn.
		c.TurnTimeout = 3 * time.Minute
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Sleep == nil {
		c.Sleep = sleep
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Deps are the ports the actors use.
type Deps struct {
	Store  Store
	CredEx CredEx
	Sender Sender
}

// maxCallsPerTurn stops a conversation that keeps asking for calls, which
// would be a bug in a flow table.
const maxCallsPerTurn = 8

// conversationActor owns one user's conversation. protoactor-go runs
// Receive for one message at a time, so its fields need no lock.
type conversationActor struct {
	user   vimbiso.User
	cfg    Config
	deps   Deps
	router *LocalRouter
	log    *slog.Logger

	conv      *fsm.Conversation
	token     string
	processed *recentSet // inbox ids handled by this activation
	idleGen   uint64
	idleTimer *time.Timer

	cached   *vimbiso.Dashboard // dashboard this activation last wrote to the cache
	cachedAt time.Time          // time of that write

	recentInputs []time.Time // when the user's inputs of the last minute were processed
	slowDownSent bool        // the slow-down notice went out in this burst
}

func (a *conversationActor) Receive(ctx actor.Context) {
	switch msg := ctx.Message().(type) {
	case *actor.Started:
		a.activate(ctx)
	case *Deliver:
		a.handle(msg.Item)
		a.router.done(a.user)
		a.resetIdle(ctx)
	case *Wake:
		a.drain()
		a.resetIdle(ctx)
	case *idleCheck:
		a.passivate(ctx, msg.Gen)
	case *actor.Stopping:
		if a.idleTimer != nil {
			a.idleTimer.Stop()
		}
	}
}

// activate loads the conversation and processes what waits in the inbox.
func (a *conversationActor) activate(ctx actor.Context) {
	a.router.metrics.activation()
	a.processed = newRecentSet(512)
	a.drain()
	a.resetIdle(ctx)
}

// drain processes every pending input of the inbox that this activation
// has not handled yet, loading the conversation first if needed.
func (a *conversationActor) drain() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	began := time.Now()
	loaded, err := a.deps.Store.Load(ctx, a.user)
	a.router.metrics.store("load", time.Since(began), err)
	if err != nil {
		// The inbox keeps the inputs; the next delivery or wake retries.
		a.log.Error("conversation load failed", "err", err)
		return
	}
	if a.conv == nil {
		if err := a.start(ctx, loaded); err != nil {
			a.log.Error("conversation start failed", "err", err)
			return
		}
	}
	if len(loaded.Unreadable) > 0 {
		a.dropUnreadable(ctx, loaded)
	}
	for _, item := range loaded.Pending {
		a.handle(item)
	}
}

// start builds the conversation from what the store returned.
func (a *conversationActor) start(ctx context.Context, loaded Loaded) error {
	dash, dashAt, err := a.deps.Store.LoadDashboard(ctx, a.user)
	if err != nil && !errors.Is(err, vimbiso.ErrNotFound) {
		a.log.Warn("dashboard cache read failed", "err", err)
	}
	conv, err := fsm.New(a.cfg.Conversation, a.user.WaID, loaded.Snapshot, dash, dashAt)
	if err != nil {
		return err
	}
	a.conv = conv
	a.token = loaded.Token
	return nil
}

// dropUnreadable removes inbox entries that no version of the bot can
// decode, keeping the snapshot as it is.
func (a *conversationActor) dropUnreadable(ctx context.Context, loaded Loaded) {
	a.log.Error("dropping unreadable inbox entries", "count", len(loaded.Unreadable))
	snap := a.conv.Snapshot()
	if err := a.deps.Store.Save(ctx, a.user, &snap, a.token, loaded.Unreadable...); err != nil {
		a.log.Error("dropping unreadable inbox entries failed", "err", err)
		return
	}
	a.conv.SetVersion(snap.Version)
}

// handle processes one inbox item unless this activation did already.
func (a *conversationActor) handle(item vimbiso.InboxItem) {
	if a.conv == nil {
		a.drain() // loading reads the inbox, which holds this item too
		return
	}
	if a.processed.has(itemKey(item)) {
		return
	}
	a.processed.add(itemKey(item))
	a.turn(item)
}

func (a *conversationActor) resetIdle(ctx actor.Context) {
	if a.idleTimer != nil {
		a.idleTimer.Stop()
	}
	a.idleGen++
	gen, self, root := a.idleGen, ctx.Self(), ctx.ActorSystem().Root
	a.idleTimer = time.AfterFunc(a.cfg.IdleTimeout, func() { root.Send(self, &idleCheck{Gen: gen}) })
}

// passivate stops the actor when its timer is current and no delivery is
// on its way. The router then starts a fresh activation for the next one.
func (a *conversationActor) passivate(ctx actor.Context, gen uint64) {
	if gen != a.idleGen || !a.router.release(a.user, ctx.Self()) {
		return
	}
	idleCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := a.deps.Store.Idle(idleCtx, a.user); err != nil {
		a.log.Warn("marking conversation idle failed", "err", err)
	}
	ctx.Stop(ctx.Self())
}

// recoverTurn turns a panic inside a turn into a logged error and drops the
// input, so that one bad input does not block the user's inbox. When Redis
// is down the drop fails and the input is tried again on the next activation.
func (a *conversationActor) recoverTurn(item vimbiso.InboxItem) {
	if r := recover(); r != nil {
		a.router.metrics.panicked()
		a.log.Error("conversation turn panicked", "input", item.Input, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		a.dropItem(item)
	}
}
