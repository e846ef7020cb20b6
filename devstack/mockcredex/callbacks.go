package mockcredex

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// webhookRetries is how many times a failed delivery is repeated.
const webhookRetries = 3

// Event is one callback to the bot and what became of it.
type Event struct {
	ID        string          `json:"webhookID"`
	Type      string          `json:"eventType"` // offer_update or member_update
	Body      json.RawMessage `json:"body"`      // the exact bytes sent and signed
	Attempts  []Attempt       `json:"attempts"`
	Delivered bool            `json:"delivered"` // the bot returned a 2xx status
	Done      bool            `json:"done"`      // no further attempt will be made
}

// Attempt is one POST of an event and the bot's response.
type Attempt struct {
	At     time.Time `json:"at"`
	Status int       `json:"status,omitempty"`
	Answer string    `json:"answer,omitempty"`
	Error  string    `json:"error,omitempty"`
}

// Events returns a copy of the callbacks queued or sent so far, oldest first.
func (s *Server) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Event, len(s.events))
	for i, e := range s.events {
		out[i] = *e
		out[i].Attempts = append([]Attempt(nil), e.Attempts...)
	}
	return out
}

// emitOfferLocked queues the offer_update event of o reaching status.
// The receiver's sendOffersTo member is notified of new and cancelled offers,
// the issuer's of accepted, declined and expired ones.
func (s *Server) emitOfferLocked(o *offer, status offerState, now time.Time) {
	issuer, receiver := s.data.accounts[o.issuerID], s.data.accounts[o.receiverID]
	notified, role := receiver, "receiver"
	if status == stateAccepted || status == stateDeclined || status == stateExpired {
		notified, role = issuer, "issuer"
	}
	notify := []map[string]string{}
	if m := s.data.members[notified.sendOffersTo]; m != nil {
		notify = append(notify, map[string]string{"phone": m.phone, "member_name": m.name(), "role": role})
	}

	payload := map[string]any{
		"offer_id": o.id, "company_id": receiver.id, "status": string(status),
		"amount": unitsToFloat(o.amount, o.denom), "denomination": o.denom,
		"expiry": offerExpiry(o), "secured": o.secured,
		"issuer_account_id": issuer.id, "issuer_account_name": issuer.name,
		"receiver_account_id": receiver.id, "receiver_account_name": receiver.name,
		"notify": notify,
	}
	s.emitLocked("offer_update", payload, now)
}

// offerExpiry is the payload's expiry: the due date of an unsecured offer,
// else 28 days after creation.
// NOTE: CredEx documents no expiry rule for secured offers, so 28 days is
// the mock's choice.
func offerExpiry(o *offer) string {
	if o.dueDate != "" {
		return o.dueDate + "T00:00:00Z"
	}
	d := o.createdAt.UTC().AddDate(0, 0, 28)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
}

// setTierLocked changes m's tier and queues a member_update event when it
// changed.
func (s *Server) setTierLocked(m *member, tier int, now time.Time) {
	if m.tier == tier {
		return
	}
	m.tier = tier
	payload := map[string]any{
		"member_id": m.id, "status": "active", "updated_fields": []string{"memberTier"},
		"phone": m.phone, "member_tier": tier,
	}
	s.emitLocked("member_update", payload, now)
}

// emitLocked queues one event for the webhook worker. It never blocks, and
// does nothing when no webhook URL is set.
func (s *Server) emitLocked(eventType string, payload map[string]any, now time.Time) {
	if s.webhookURL == "" {
		return
	}
	s.eventSeq++
	id := fixedID('e', s.eventSeq)
	body, err := json.Marshal(map[string]any{
		"metadata": map[string]any{"webhook_id": id, "event_type": eventType, "timestamp": now.UTC().Format(time.RFC3339)},
		"payload":  payload,
	})
	if err != nil {
		panic("mockcredex: encode event: " + err.Error())
	}

	e := &Event{ID: id, Type: eventType, Body: body}
	s.events = append(s.events, e)
	s.queue = append(s.queue, e)
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// deliverLoop sends queued events one at a time, in order, until Close.
func (s *Server) deliverLoop() {
	defer s.worker.Done()
	for {
		s.mu.Lock()
		var next *Event
		if len(s.queue) > 0 {
			next, s.queue = s.queue[0], s.queue[1:]
		}
		s.mu.Unlock()

		if next == nil {
			select {
			case <-s.wake:
				continue
			case <-s.stop:
				return
			}
		}
		if !s.deliver(next) {
			return
		}
	}
}

// deliver posts e until the bot returns 2xx, a 4xx other than 429 shows
// that repeating is useless, or the retries run out. It waits s.backoff
// before the first retry and doubles the wait each time. It returns false
// when Close interrupted it.
func (s *Server) deliver(e *Event) bool {
	s.mu.Lock()
	wait, hook := s.backoff, s.onAttempt
	s.mu.Unlock()
	defer s.finish(e)
	for attempt := 0; attempt <= webhookRetries; attempt++ {
		if attempt > 0 {
			select {
			case <-time.After(wait):
			case <-s.stop:
				return false
			}
			wait *= 2
		}

		a := s.post(e)
		s.mu.Lock()
		e.Attempts = append(e.Attempts, a)
		e.Delivered = a.Status >= 200 && a.Status < 300
		snapshot := *e
		snapshot.Attempts = append([]Attempt(nil), e.Attempts...)
		s.mu.Unlock()
		if hook != nil {
			hook(snapshot)
		}

		if e.Delivered || a.Status >= 400 && a.Status < 500 && a.Status != http.StatusTooManyRequests {
			return true
		}
		s.log.Warn("webhook delivery failed", "webhook_id", e.ID, "attempt", attempt+1, "status", a.Status, "error", a.Error)
	}
	return true
}

func (s *Server) finish(e *Event) {
	s.mu.Lock()
	e.Done = true
	s.mu.Unlock()
}

// post sends e once, signed with the webhook secret.
func (s *Server) post(e *Event) Attempt {
	s.mu.Lock()
	url := s.webhookURL
	s.mu.Unlock()
	a := Attempt{At: s.now()}
	if url == "" {
		a.Error = "no webhook URL set"
		return a
	}

	req, err := http.NewRequestWithContext(s.stopCtx, http.MethodPost, url, bytes.NewReader(e.Body))
	if err != nil {
		a.Error = err.Error()
		return a
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-client-api-key", s.cfg.APIKey)
	req.Header.Set("X-Credex-Signature", Sign(s.cfg.WebhookSecret, e.Body))

	resp, err := s.client.Do(req)
	if err != nil {
		a.Error = err.Error()
		return a
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	a.Status, a.Answer = resp.StatusCode, string(answer)
	return a
}

// Sign returns the X-Credex-Signature value of body: "sha256=" and the hex
// HMAC-SHA256 of the raw bytes under secret.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}
