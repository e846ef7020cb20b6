package mockwhatsapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// maxRedeliveries bounds "redeliver" so that one request cannot flood the bot.
const maxRedeliveries = 100

// InboundRequest is the body of POST /mock/inbound: one message from a user,
// or a batch of them in one delivery.
type InboundRequest struct {
	From    string `json:"from,omitempty"`     // phone number; empty for a user known only by UserID
	Name    string `json:"name,omitempty"`     // profile name; default the last one used, else a demo name
	UserID  string `json:"user_id,omitempty"`  // business-scoped user id
	GroupID string `json:"group_id,omitempty"` // set for a message written in a group

	// Type is text (default), button_reply, list_reply, button, flow,
	// image, reaction, location, sticker or unsupported.
	Type string `json:"type,omitempty"`
	// Text is the body of a text message, the label of a template button,
	// or the body of a Flow reply.
	Text string `json:"text,omitempty"`
	// ID is the tapped id for button_reply and list_reply. For the other
	// types it is the message's wamid, which WAMID also sets.
	ID          string         `json:"id,omitempty"`
	Title       string         `json:"title,omitempty"`       // button_reply, list_reply
	Description string         `json:"description,omitempty"` // list_reply
	Payload     string         `json:"payload,omitempty"`     // button
	Fields      map[string]any `json:"fields,omitempty"`      // flow
	FlowToken   string         `json:"flow_token,omitempty"`  // flow; default the token of the Flow replied to
	Caption     string         `json:"caption,omitempty"`     // image
	Emoji       string         `json:"emoji,omitempty"`       // reaction
	Latitude    *float64       `json:"latitude,omitempty"`    // location
	Longitude   *float64       `json:"longitude,omitempty"`   // location

	WAMID     string `json:"wamid,omitempty"`      // message id; default a fresh one
	Timestamp int64  `json:"timestamp,omitempty"`  // Unix seconds; default now
	ContextID string `json:"context_id,omitempty"` // the message replied to, or reacted to
	// PhoneNumberID is the business number written to; default the mock's.
	PhoneNumberID string `json:"phone_number_id,omitempty"`

	Redeliver  int              `json:"redeliver,omitempty"`  // deliveries of the same body after the first
	Concurrent bool             `json:"concurrent,omitempty"` // send all deliveries at the same time
	Batch      []InboundRequest `json:"batch,omitempty"`      // messages sent in one delivery
}

// InboundResult is the response body of POST /mock/inbound.
type InboundResult struct {
	WAMID    string   `json:"wamid"`            // id of the (first) message
	WAMIDs   []string `json:"wamids,omitempty"` // ids of a batch, in order
	Status   int      `json:"status"`           // the bot's HTTP status for the first delivery
	Statuses []int    `json:"statuses"`         // one per delivery; 0 when the bot was unreachable
	Seq      int64    `json:"seq"`              // seq of the last message recorded
}

var inboundTypes = map[string]bool{
	"text": true, "button_reply": true, "list_reply": true, "button": true, "flow": true,
	"image": true, "reaction": true, "location": true, "sticker": true, "unsupported": true,
	"audio": true, "video": true, "document": true,
}

func (req *InboundRequest) kind() string {
	if req.Type == "" {
		return "text"
	}
	return req.Type
}

// user returns the conversation key: the phone number, else the user id.
func (req *InboundRequest) user() string {
	if req.From != "" {
		return req.From
	}
	return req.UserID
}

func (req *InboundRequest) messageID() string {
	switch {
	case req.WAMID != "":
		return req.WAMID
	case req.ID != "" && req.kind() != "button_reply" && req.kind() != "list_reply":
		return req.ID
	default:
		return newWAMID()
	}
}

func (req *InboundRequest) location() *inLocation {
	loc := &inLocation{Latitude: defaultLatitude, Longitude: defaultLongitude}
	if req.Latitude != nil {
		loc.Latitude = *req.Latitude
	}
	if req.Longitude != nil {
		loc.Longitude = *req.Longitude
	}
	return loc
}

// check returns the field of req that is missing or invalid, with why.
func (req *InboundRequest) check() (field, problem string) {
	switch {
	case req.From == "" && req.UserID == "":
		return "from", "from or user_id is required"
	case !inboundTypes[req.kind()]:
		return "type", fmt.Sprintf("unknown type %q", req.Type)
	case req.kind() == "text" && req.Text == "":
		return "text", "text is required for type text"
	case (req.kind() == "button_reply" || req.kind() == "list_reply") && req.ID == "":
		return "id", "id (the tapped id) is required for type " + req.kind()
	case req.kind() == "button" && req.Payload == "":
		return "payload", "payload is required for type button"
	case req.Redeliver < 0 || req.Redeliver > maxRedeliveries:
		return "redeliver", fmt.Sprintf("redeliver must be between 0 and %d", maxRedeliveries)
	}
	return "", ""
}

// handleInbound serves POST /mock/inbound: it builds the webhook body Meta
// would send for the request, records its messages, and delivers it to the
// bot 1+redeliver times.
func (s *Server) handleInbound(w http.ResponseWriter, r *http.Request) {
	req, messages, ok := s.decodeInbound(w, r)
	if !ok {
		return
	}

	now := s.cfg.Now()
	body, recorded, err := s.buildDelivery(req, messages, now)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), nil)
		return
	}

	ctx, cancel := s.requestContext(r)
	defer cancel()
	statuses, err := s.deliverAll(ctx, body, 1+req.Redeliver, req.Concurrent)

	result := InboundResult{WAMID: recorded[0].wamid, Status: statuses[0], Statuses: statuses, Seq: recorded[len(recorded)-1].seq}
	if len(req.Batch) > 0 {
		for _, m := range recorded {
			result.WAMIDs = append(result.WAMIDs, m.wamid)
		}
	}
	if err != nil {
		s.cfg.Logger.Warn("inbound delivery failed", "wamid", result.WAMID, "err", err)
		writeError(w, http.StatusBadGateway, "bot unreachable: "+err.Error(), map[string]any{
			"url": s.webhookURL(), "wamid": result.WAMID, "statuses": statuses,
		})
		return
	}
	writeJSON(w, http.StatusOK, result)
}

// decodeInbound reads and checks the request, and returns it with the list
// of messages to send (the batch, or the request itself). On a bad request
// it writes the error and reports false.
func (s *Server) decodeInbound(w http.ResponseWriter, r *http.Request) (*InboundRequest, []*InboundRequest, bool) {
	var req InboundRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error(), nil)
		return nil, nil, false
	}

	messages := []*InboundRequest{&req}
	prefix := ""
	if len(req.Batch) > 0 {
		messages = messages[:0]
		for i := range req.Batch {
			messages = append(messages, &req.Batch[i])
		}
		prefix = "batch[i]."
	}
	for i, m := range messages {
		if len(m.Batch) > 0 && m != &req {
			writeError(w, http.StatusBadRequest, "a batch item cannot hold a batch", map[string]any{"field": fmt.Sprintf("batch[%d].batch", i)})
			return nil, nil, false
		}
		if field, problem := m.check(); field != "" {
			if prefix != "" {
				field = fmt.Sprintf("batch[%d].%s", i, field)
			}
			writeError(w, http.StatusBadRequest, "invalid inbound message: "+problem, map[string]any{"field": field})
			return nil, nil, false
		}
		if m.PhoneNumberID == "" {
			m.PhoneNumberID = orDefault(req.PhoneNumberID, s.cfg.PhoneNumberID)
		}
	}
	return &req, messages, true
}

// recordedMessage is a message of a delivery as stored in the conversation.
type recordedMessage struct {
	wamid string
	seq   int64
}

// buildDelivery builds the webhook body for messages, grouped into one
// change per business phone number id, and records each message in its
// user's conversation and 24-hour window.
func (s *Server) buildDelivery(req *InboundRequest, messages []*InboundRequest, now time.Time) ([]byte, []recordedMessage, error) {
	var values []webhookValue
	index := map[string]int{} // phone number id → position in values
	var recorded []recordedMessage
	for _, m := range messages {
		msg, err := s.buildMessage(m, now)
		if err != nil {
			return nil, nil, err
		}
		i, ok := index[m.PhoneNumberID]
		if !ok {
			i = len(values)
			index[m.PhoneNumberID] = i
			values = append(values, s.newValue(m.PhoneNumberID))
		}
		values[i].Contacts = addContact(values[i].Contacts, s.contactFor(m))
		values[i].Messages = append(values[i].Messages, msg)
		recorded = append(recorded, s.recordInbound(m, msg, now))
	}

	body, err := s.encodeWebhook(values)
	return body, recorded, err
}

// contactFor returns the contact entry of a message's sender.
func (s *Server) contactFor(m *InboundRequest) webhookContact {
	name := m.Name
	if name == "" {
		name = s.store.name(m.user())
	}
	if name == "" {
		name = orDefault(demoNames[m.From], "WhatsApp User")
	}
	return webhookContact{Profile: profile{Name: name}, WaID: m.From, UserID: m.UserID}
}

// demoNames are the profile names of the demo users.
var demoNames = map[string]string{
	"263770000001": "Alice Example",
	"263770000002": "Bob Example",
	"263770000003": "Dana Example",
	"263770000004": "Carol Example",
}

// addContact appends c unless a contact for the same user is already there.
func addContact(list []webhookContact, c webhookContact) []webhookContact {
	for _, have := range list {
		if have.WaID == c.WaID && have.UserID == c.UserID {
			return list
		}
	}
	return append(list, c)
}

func (s *Server) recordInbound(m *InboundRequest, msg inMessage, now time.Time) recordedMessage {
	user := m.user()
	raw, _ := json.Marshal(msg)
	ts := now
	if m.Timestamp != 0 {
		ts = time.Unix(m.Timestamp, 0)
	}

	s.users.recordInbound(user, m.UserID, msg.ID, ts)
	s.store.setName(user, s.contactFor(m).Profile.Name)
	item := s.store.add(user, now, Item{Direction: DirectionIn, PhoneNumberID: m.PhoneNumberID, Body: raw})
	return recordedMessage{wamid: msg.ID, seq: item.Seq}
}

// deliverAll delivers body n times, one after the other or all at once, and
// returns the bot's HTTP status for each (0 when it was unreachable) and the
// delivery errors joined.
func (s *Server) deliverAll(ctx context.Context, body []byte, n int, concurrent bool) ([]int, error) {
	statuses := make([]int, n)
	errs := make([]error, n)
	if !concurrent {
		for i := range n {
			statuses[i], errs[i] = s.deliver(ctx, body)
		}
		return statuses, errors.Join(errs...)
	}

	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { statuses[i], errs[i] = s.deliver(ctx, body) })
	}
	wg.Wait()
	return statuses, errors.Join(errs...)
}
