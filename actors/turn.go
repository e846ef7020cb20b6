package actors

import (
	"context"
	"errors"
	"reflect"
	"time"

	vimbiso "github.com/vimbisopay/vimbiso"
	"github.com/vimbisopay/vimbiso/fsm"
)

// saveAttempts bounds the retries of a snapshot save while Redis is down.
const saveAttempts = 5

// turn processes one input: the conversation's steps, the calls and sends
// they ask for, then the snapshot save that also removes the input from
// the inbox.
func (a *conversationActor) turn(item vimbiso.InboxItem) {
	defer a.recoverTurn(item)
	ctx, cancel := context.WithTimeout(context.Background(), a.cfg.TurnTimeout)
	defer cancel()

	in := item.Input
	began := time.Now()
	defer func() { a.router.metrics.turnDone(began.Sub(in.ReceivedAt), time.Since(began)) }()
	if in.Kind == vimbiso.InputEvent && !a.alertsOn(ctx) {
		// The member turned alerts off: no message, but the next screen
		// must not show what the event made out of date.
		a.conv.MarkDashboardStale()
		a.save(ctx, item)
		return
	}
	a.throttle(ctx, in)
	a.markRead(ctx, in)
	out := a.step(in)
	a.run(ctx, out)
	a.save(ctx, item)
}

// alertsOn reports whether the member wants notifications. When the store
// cannot be read it assumes they do, because a missed alert costs more than
// an unwanted one.
func (a *conversationActor) alertsOn(ctx context.Context) bool {
	on, err := a.deps.Store.AlertsOn(ctx, a.user)
	if err != nil {
		a.log.Warn("reading alerts choice failed", "err", err)
		return true
	}
	return on
}

// step feeds one input to the conversation and counts the transition.
func (a *conversationActor) step(in vimbiso.Input) fsm.Output {
	from := a.conv.State()
	out := a.conv.Step(in, a.cfg.Now())
	a.router.metrics.transition(from, a.conv.State())
	return out
}

// markRead shows the user that the message was read; a failure only costs
// the blue ticks.
func (a *conversationActor) markRead(ctx context.Context, in vimbiso.Input) {
	if in.MessageID == "" || in.Kind == vimbiso.InputEvent || in.Kind == vimbiso.InputIgnored {
		return
	}
	// The typing indicator shows until the reply, or 25 s at most, so the
	// user sees that a slow CredEx call is under way.
	if err := a.deps.Sender.MarkRead(ctx, a.user.PhoneNumberID, in.MessageID, true); err != nil {
		a.log.Warn("mark as read failed", "message_id", in.MessageID, "err", err)
	}
}

// run sends the replies of out, makes its call, and feeds the result back
// until the conversation requests no more calls.
func (a *conversationActor) run(ctx context.Context, out fsm.Output) {
	for range maxCallsPerTurn {
		a.apply(ctx, out)
		if out.Call == nil {
			return
		}
		var res vimbiso.Result
		if out.Call.Op.Mutates() && !a.saveIntent(ctx) {
			// Without the intent on record a crash could repeat the
			// mutation, so it is not made. The member gets the message for
			// an unknown outcome rather than a failure.
			res = vimbiso.Result{Op: out.Call.Op, Outcome: vimbiso.OutcomeUnavailable}
		} else {
			res = a.call(ctx, *out.Call)
		}
		out = a.step(vimbiso.Input{Kind: vimbiso.InputResult, Result: &res})
	}
	a.log.Error("conversation asked for too many calls in one turn", "state", a.conv.State())
}

// apply performs the replies and side requests of one step.
func (a *conversationActor) apply(ctx context.Context, out fsm.Output) {
	if out.DropToken {
		a.token = ""
	}
	if out.Alerts != nil {
		if err := a.deps.Store.SetAlerts(ctx, a.user, *out.Alerts); err != nil {
			a.log.Error("saving alerts choice failed", "err", err)
		}
	}
	for _, r := range out.Replies {
		id, err := a.deps.Sender.Send(ctx, a.user.PhoneNumberID, a.user, "", r)
		if windowClosed(err) && out.Template != nil {
			r = *out.Template
			id, err = a.deps.Sender.Send(ctx, a.user.PhoneNumberID, a.user, "", r)
		}
		if err != nil {
			a.log.Error("reply send failed", "state", a.conv.State(), "reply_kind", r.Kind, "err", err)
			continue
		}
		a.conv.Sent(r, id)
	}
}

// windowClosed reports whether Meta refused a message because the user's
// last message is more than 24 hours old.
func windowClosed(err error) bool {
	var refused *vimbiso.SendError
	return errors.As(err, &refused) && refused.Code == 131047
}

// call makes one CredEx call with the member's token, logging in first
// when there is none, and once more when CredEx refuses the token.
func (a *conversationActor) call(ctx context.Context, c vimbiso.Call) vimbiso.Result {
	if c.Op.NeedsToken() && a.token == "" {
		if res, ok := a.login(ctx); !ok {
			res.Op = c.Op
			return res
		}
	}
	res := a.do(ctx, c)
	if res.Outcome != vimbiso.OutcomeUnauthorized || !c.Op.NeedsToken() {
		return res
	}
	// Authentication runs before CredEx's handler, so a 401 did nothing
	// and the repeat is safe even for a mutation.
	if login, ok := a.login(ctx); !ok {
		login.Op = c.Op
		if login.Outcome == vimbiso.OutcomeNotFound {
			login.Outcome = vimbiso.OutcomeUnauthorized
		}
		return login
	}
	return a.do(ctx, c)
}

// saveIntent saves the snapshot, with the intent the conversation just
// recorded, before a CredEx mutation: the one extra Redis round trip of a
// turn that moves money. The input stays in the inbox until the turn ends.
func (a *conversationActor) saveIntent(ctx context.Context) bool {
	snap := a.conv.Snapshot()
	if err := a.deps.Store.Save(ctx, a.user, &snap, a.token); err != nil {
		a.log.Error("saving the intent before a mutation failed", "state", a.conv.State(), "err", err)
		return false
	}
	a.conv.SetVersion(snap.Version)
	return true
}

func (a *conversationActor) do(ctx context.Context, c vimbiso.Call) vimbiso.Result {
	res, token := a.deps.CredEx.Do(ctx, a.token, c)
	if token != "" {
		a.token = token
	}
	if res.Outcome == vimbiso.OutcomeUnauthorized && c.Op.NeedsToken() {
		a.token = ""
	}
	return res
}

func (a *conversationActor) login(ctx context.Context) (vimbiso.Result, bool) {
	res := a.do(ctx, vimbiso.Call{Op: vimbiso.CallLogin, Phone: a.user.WaID})
	return res, res.OK() && a.token != ""
}

// save writes the snapshot and removes item from the inbox. A lost
// compare-and-set means another activation moved the conversation on: this
// one reloads instead of overwriting it.
func (a *conversationActor) save(ctx context.Context, item vimbiso.InboxItem) {
	snap := a.conv.Snapshot()
	dash, dashAt, changed := a.conv.Dashboard()
	if !changed || a.cacheCurrent(dash) {
		dash = nil
	}
	var err error
	for attempt := range saveAttempts {
		began := time.Now()
		err = a.deps.Store.SaveTurn(ctx, a.user, &snap, a.token, dash, dashAt, item.ID)
		a.router.metrics.store("save", time.Since(began), err)
		if err == nil || errors.Is(err, vimbiso.ErrVersionConflict) {
			break
		}
		a.log.Warn("snapshot save failed, retrying", "attempt", attempt+1, "err", err)
		if !sleep(ctx, time.Duration(attempt+1)*200*time.Millisecond) {
			break
		}
	}
	switch {
	case err == nil:
		a.conv.SetVersion(snap.Version)
		if dash != nil {
			a.cached, a.cachedAt = dash, a.cfg.Now()
		}
	case errors.Is(err, vimbiso.ErrVersionConflict):
		a.log.Warn("snapshot changed by another activation, reloading", "message_id", item.Input.MessageID)
		a.processed.remove(itemKey(item))
		a.conv = nil
	default:
		// The input stays in the inbox and is processed again by the next
		// activation, which may repeat this turn's replies.
		a.log.Error("snapshot save failed", "message_id", item.Input.MessageID, "err", err)
		a.processed.remove(itemKey(item))
		a.conv = nil
	}
}

// cacheRefresh is how often an unchanged dashboard is written to the
// cache again. It keeps the account index, which expires after SessionTTL,
// and the cached copy's age well inside their limits.
const cacheRefresh = 20 * time.Second

// cacheCurrent reports whether dash equals the dashboard this activation
// last wrote to the cache, and that write is recent. Most turns fetch a
// dashboard that did not change. Skipping its write saves the encoding and
// about ten Redis commands.
func (a *conversationActor) cacheCurrent(dash *vimbiso.Dashboard) bool {
	return a.cached != nil && a.cfg.Now().Sub(a.cachedAt) < cacheRefresh &&
		reflect.DeepEqual(dash, a.cached)
}

// dropItem removes an input whose turn panicked, keeping the snapshot the
// conversation had before it.
func (a *conversationActor) dropItem(item vimbiso.InboxItem) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	loaded, err := a.deps.Store.Load(ctx, a.user)
	if err == nil {
		snap := loaded.Snapshot
		err = a.deps.Store.Save(ctx, a.user, &snap, loaded.Token, item.ID)
	}
	if err != nil {
		a.log.Error("dropping a failed input failed", "message_id", item.Input.MessageID, "err", err)
	}
	a.conv = nil // rebuilt from the store on the next input
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
