package mockwhatsapp

import (
	"context"
	"encoding/json"
	"math/rand/v2"
)

// statusObject is one entry of a webhook's "statuses" array.
type statusObject struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	Timestamp   string `json:"timestamp"`
	RecipientID string `json:"recipient_id,omitempty"`
	// TODO: confirm this field name, a guess for recipients known only by a
	// business-scoped user id, because the specification shows none.
	RecipientUserID string      `json:"recipient_user_id,omitempty"`
	Pricing         *pricing    `json:"pricing,omitempty"`
	Errors          []errorItem `json:"errors,omitempty"`
}

type pricing struct {
	Billable     bool   `json:"billable"`
	PricingModel string `json:"pricing_model"`
	Category     string `json:"category"`
}

// sentMessage identifies an accepted send for its statuses.
type sentMessage struct {
	user          string // conversation key
	to            string // "to" of the request, or "" for a business-scoped recipient
	recipient     string // "recipient" of the request
	phoneNumberID string
	wamid         string
	template      bool
}

// postStatuses posts, in the background, the statuses of an accepted send:
// a failed status when failure is not nil, else sent, delivered and read
// (shuffled with ShuffleStatuses, none with NoStatuses). Each status is
// recorded in the conversation and goes to the bot in its own delivery, as
// Meta sends them.
func (s *Server) postStatuses(msg sentMessage, failure *fault) {
	var kinds []string
	switch {
	case failure != nil:
		kinds = []string{"failed"}
	case s.cfg.NoStatuses:
		return
	default:
		kinds = []string{"sent", "delivered", "read"}
		if s.cfg.ShuffleStatuses {
			rand.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
		}
	}

	s.goBackground(func(ctx context.Context) {
		for _, kind := range kinds {
			if ctx.Err() != nil {
				return
			}
			s.postStatus(ctx, msg, s.newStatus(msg, kind, failure))
		}
	})
}

func (s *Server) newStatus(msg sentMessage, kind string, failure *fault) statusObject {
	st := statusObject{
		ID:        msg.wamid,
		Status:    kind,
		Timestamp: unixString(s.cfg.Now().Unix()),
	}
	if msg.to != "" {
		st.RecipientID = digitsOnly(msg.to)
	} else {
		st.RecipientUserID = msg.recipient
	}

	switch kind {
	case "failed":
		_, gerr := failure.graphError()
		st.Errors = []errorItem{newErrorItem(gerr.Code, gerr.ErrorData.Details)}
	case "sent", "delivered":
		st.Pricing = &pricing{Billable: msg.template, PricingModel: "PMP", Category: "service"}
		if msg.template {
			st.Pricing.Category = "utility"
		}
	}
	return st
}

// postStatus records st in the conversation and delivers it to the bot.
func (s *Server) postStatus(ctx context.Context, msg sentMessage, st statusObject) {
	raw, _ := json.Marshal(st)
	s.store.add(msg.user, s.cfg.Now(), Item{Direction: DirectionStatus, PhoneNumberID: msg.phoneNumberID, Body: raw})

	value := s.newValue(msg.phoneNumberID)
	value.Statuses = []statusObject{st}
	body, err := s.encodeWebhook([]webhookValue{value})
	if err != nil {
		s.cfg.Logger.Error("status not delivered", "wamid", msg.wamid, "status", st.Status, "err", err)
		return
	}
	if s.webhookURL() == "" {
		return
	}
	// TODO: retry like Meta, which redelivers a status that the bot did not
	// acknowledge with 200 for days. The mock posts each status once.
	code, err := s.deliver(ctx, body)
	if err != nil || code != 200 {
		s.cfg.Logger.Warn("status delivery failed", "wamid", msg.wamid, "status", st.Status, "http_status", code, "err", err)
	}
}
