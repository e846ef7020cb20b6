package actors

import (
	"context"
	"time"

	vimbiso "github.com/vimbisopay/vimbiso"
	"github.com/vimbisopay/vimbiso/fsm"
)

// throttleWindow is the span over which a user's input rate is counted.
const throttleWindow = time.Minute

// throttle holds a user's input back while they sent more than
// Config.InputRate messages in the last minute. The input stays in the
// durable inbox meanwhile, so nothing acknowledged with 200 is dropped. The
// user gets one notice per burst that their messages wait their turn.
func (a *conversationActor) throttle(ctx context.Context, in vimbiso.Input) {
	if a.cfg.InputRate <= 0 || !fromUser(in) {
		return
	}
	now := a.cfg.Now()
	a.recentInputs = dropBefore(a.recentInputs, now.Add(-throttleWindow))
	if len(a.recentInputs) >= a.cfg.InputRate {
		if !a.slowDownSent {
			a.slowDownSent = true
			if _, err := a.deps.Sender.Send(ctx, a.user.PhoneNumberID, a.user, "", fsm.SlowDownReply()); err != nil {
				a.log.Warn("slow-down notice send failed", "err", err)
			}
		}
		a.router.metrics.held()
		wait := a.recentInputs[0].Add(throttleWindow).Sub(now)
		a.log.Info("holding back a fast user's input", "message_id", in.MessageID, "wait", wait)
		a.cfg.Sleep(ctx, wait)
		now = a.cfg.Now()
		a.recentInputs = dropBefore(a.recentInputs, now.Add(-throttleWindow))
	} else if len(a.recentInputs) < a.cfg.InputRate/2 {
		a.slowDownSent = false
	}
	a.recentInputs = append(a.recentInputs, now)
}

// fromUser reports whether in is a message the user sent, as opposed to a
// CredEx event or the result of our own call.
func fromUser(in vimbiso.Input) bool {
	switch in.Kind {
	case vimbiso.InputText, vimbiso.InputChoice, vimbiso.InputForm, vimbiso.InputUnsupported:
		return true
	}
	return false
}

// dropBefore removes the times before cutoff from the front of times,
// which is in order.
func dropBefore(times []time.Time, cutoff time.Time) []time.Time {
	i := 0
	for i < len(times) && times[i].Before(cutoff) {
		i++
	}
	return times[i:]
}
