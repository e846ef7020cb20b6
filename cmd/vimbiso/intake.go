package main

import (
	"context"
	"log/slog"
	"time"

	vimbiso "github.com/vimbisopay/vimbiso"
	"github.com/vimbisopay/vimbiso/actors"
	"github.com/vimbisopay/vimbiso/fsm"
	"github.com/vimbisopay/vimbiso/persistence"
	"github.com/vimbisopay/vimbiso/transport"
)

// noPhoneNoticeTTL is how long a user known only by a business-scoped id
// goes without a second E_NO_PHONE reply.
const noPhoneNoticeTTL = 24 * time.Hour

// intake is the front end's Deliverer: it stores each message durably,
// then wakes its conversation.
type intake struct {
	store   *persistence.Store
	router  actors.Router
	sender  actors.Sender
	log     *slog.Logger
	metrics *intakeMetrics
}

var _ transport.Deliverer = (*intake)(nil)

// Deliver stores msgs in their users' inboxes in one round trip and hands
// the new ones to their actors. An error means nothing was acknowledged.
func (in *intake) Deliver(ctx context.Context, msgs []transport.Inbound) error {
	items := make([]persistence.Incoming, 0, len(msgs))
	var noPhone []transport.Inbound
	for _, m := range msgs {
		if m.User.WaID == "" {
			noPhone = append(noPhone, m)
			continue
		}
		items = append(items, persistence.Incoming{User: m.User, Input: m.Input, DedupeID: m.Input.MessageID})
	}
	if len(items) > 0 {
		accepted, err := in.store.Accept(ctx, items)
		if err != nil {
			return err
		}
		for _, a := range accepted {
			if a.Duplicate {
				in.metrics.dedupeHits.Inc()
				continue
			}
			in.router.Deliver(a.Item)
		}
	}
	for _, m := range noPhone {
		in.answerNoPhone(ctx, m)
	}
	return nil
}

// answerNoPhone sends a user without a phone number, once a day, the
// E_NO_PHONE reply: credex needs a phone number. No conversation is kept for such a user.
func (in *intake) answerNoPhone(ctx context.Context, m transport.Inbound) {
	if m.Input.BSUID == "" || m.Input.Kind == vimbiso.InputIgnored {
		return
	}
	first, err := in.store.ClaimOnce(ctx, "no-phone:"+m.User.PhoneNumberID+":"+m.Input.BSUID, noPhoneNoticeTTL)
	if err != nil || !first {
		return
	}
	go func() {
		sendCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := in.sender.Send(sendCtx, m.User.PhoneNumberID, m.User, m.Input.BSUID, fsm.NoPhoneReply()); err != nil {
			in.log.Error("no-phone reply send failed", "message_id", m.Input.MessageID, "err", err)
		}
	}()
}
