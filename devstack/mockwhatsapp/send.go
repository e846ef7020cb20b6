package mockwhatsapp

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// sendResponse is Meta's response to an accepted send.
type sendResponse struct {
	MessagingProduct string        `json:"messaging_product"`
	Contacts         []sendContact `json:"contacts"`
	Messages         []sentID      `json:"messages"`
}

type sendContact struct {
	Input  string `json:"input"`
	WaID   string `json:"wa_id,omitempty"`
	UserID string `json:"user_id,omitempty"`
}

type sentID struct {
	ID string `json:"id"`
}

// handleSend serves the Graph send endpoint,
// POST /{version}/{phone-number-id}/messages. Checks run in Meta's order:
// token, phone number id, body, message rules, then the per-user checks
// (injected faults, the 24-hour window, pair rate).
func (s *Server) handleSend(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"`)
		writeGraphError(w, http.StatusUnauthorized, newGraphError(codeAccessToken, "invalid or missing access token in the Authorization header"))
		return
	}
	phoneNumberID := r.PathValue("phoneNumberID")
	if phoneNumberID != s.cfg.PhoneNumberID {
		writeGraphError(w, http.StatusBadRequest, unknownObjectError(phoneNumberID))
		return
	}

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	if err != nil {
		writeGraphError(w, http.StatusBadRequest, newGraphError(codeInvalidParameter, "request body: "+err.Error()))
		return
	}
	var m outMessage
	if err := json.Unmarshal(body, &m); err != nil {
		writeGraphError(w, http.StatusBadRequest, newGraphError(codeInvalidParameter, "request body: "+err.Error()))
		return
	}

	out := outgoing{phoneNumberID: phoneNumberID, body: body, msg: &m, user: s.users.resolve(digitsOnly(m.recipient()))}
	if v := validateMessage(&m); v != nil {
		s.reject(w, out, http.StatusBadRequest, newGraphError(v.code, v.details()), 0)
		return
	}
	if m.isReadReceipt() {
		s.acceptReadReceipt(w, out)
		return
	}
	s.sendMessage(w, r, out)
}

// outgoing is one send request being handled.
type outgoing struct {
	phoneNumberID string
	body          []byte
	msg           *outMessage
	user          string // conversation key; "" when the request names no user
}

// sendMessage applies the per-user checks to a valid message and accepts it.
func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request, out outgoing) {
	f, faulty := s.faults.take(out.user)
	if faulty && f.DelayMS > 0 {
		ctx, cancel := s.requestContext(r)
		defer cancel()
		select {
		case <-time.After(time.Duration(f.DelayMS) * time.Millisecond):
		case <-ctx.Done():
			return
		}
	}
	if faulty && f.fails() {
		if f.AsStatus {
			s.accept(w, out, &f)
			return
		}
		status, gerr := f.graphError()
		s.reject(w, out, status, gerr, f.RetryAfter)
		return
	}

	now := s.cfg.Now()
	if messageType(out.msg) != "template" && !s.users.inWindow(out.user, now) {
		gerr := newGraphError(codeReEngagement, "to: more than 24 hours have passed since the user last wrote, or the user never wrote; send a template")
		s.reject(w, out, http.StatusBadRequest, gerr, 0)
		return
	}
	if s.cfg.PairRate && !s.users.takePairSlot(out.user, now) {
		gerr := newGraphError(codePairRate, fmt.Sprintf("to: more than %d messages to this user within %s", pairRateBurst, pairRateWindow))
		s.reject(w, out, http.StatusBadRequest, gerr, 0)
		return
	}
	s.accept(w, out, nil)
}

// accept records an accepted send, responds as Meta does and schedules its
// statuses. A non-nil failure turns them into one failed status.
func (s *Server) accept(w http.ResponseWriter, out outgoing, failure *fault) {
	wamid := newWAMID()
	s.store.add(out.user, s.cfg.Now(), Item{
		Direction:     DirectionOut,
		PhoneNumberID: out.phoneNumberID,
		Body:          out.body,
		Result:        &Result{HTTPStatus: http.StatusOK, ID: wamid},
	})

	contact := sendContact{Input: out.msg.To, WaID: digitsOnly(out.msg.To)}
	if out.msg.To == "" {
		contact = sendContact{Input: out.msg.Recipient, UserID: out.msg.Recipient}
	}
	writeJSON(w, http.StatusOK, sendResponse{
		MessagingProduct: "whatsapp",
		Contacts:         []sendContact{contact},
		Messages:         []sentID{{ID: wamid}},
	})

	s.postStatuses(sentMessage{
		user:          out.user,
		to:            out.msg.To,
		recipient:     out.msg.Recipient,
		phoneNumberID: out.phoneNumberID,
		wamid:         wamid,
		template:      messageType(out.msg) == "template",
	}, failure)
}

// acceptReadReceipt records a read receipt in the conversation of the user
// who sent the message it marks. Meta rejects receipts for unknown messages.
func (s *Server) acceptReadReceipt(w http.ResponseWriter, out outgoing) {
	user, ok := s.users.sender(out.msg.MessageID)
	if !ok {
		s.reject(w, out, http.StatusBadRequest, newGraphError(codeInvalidParameter, "message_id: no inbound message has this id"), 0)
		return
	}
	s.store.add(user, s.cfg.Now(), Item{
		Direction:     DirectionOut,
		PhoneNumberID: out.phoneNumberID,
		Body:          out.body,
		Result:        &Result{HTTPStatus: http.StatusOK},
	})
	writeJSON(w, http.StatusOK, map[string]bool{"success": true})
}

// reject responds with a Graph error and records the rejected request in the
// user's conversation, so that the page can mark it.
func (s *Server) reject(w http.ResponseWriter, out outgoing, status int, gerr *GraphError, retryAfter int) {
	if out.user != "" {
		s.store.add(out.user, s.cfg.Now(), Item{
			Direction:     DirectionOut,
			PhoneNumberID: out.phoneNumberID,
			Body:          out.body,
			Result:        &Result{HTTPStatus: status, Error: gerr},
		})
	}
	s.cfg.Logger.Warn("send rejected", "user", maskUser(out.user), "code", gerr.Code, "http_status", status)

	if retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	}
	writeGraphError(w, status, gerr)
}

func (s *Server) authorized(r *http.Request) bool {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(token), []byte(s.cfg.AccessToken)) == 1
}

// unknownObjectError is Meta's answer for a phone number id it does not serve.
func unknownObjectError(id string) *GraphError {
	e := newGraphError(codeInvalidParameter, fmt.Sprintf("phone-number-id: %q is not this mock's phone number id", id))
	e.Message = fmt.Sprintf("Unsupported post request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation", id)
	e.Type = "GraphMethodException"
	e.ErrorSubcode = 33
	return e
}

// newWAMID returns a fresh WhatsApp message id.
func newWAMID() string {
	return "wamid." + rand.Text()
}

// digitsOnly strips "+", spaces and dashes from a phone number, as Meta does
// for wa_id. Values with letters (business-scoped ids) are returned unchanged.
func digitsOnly(phone string) string {
	var b strings.Builder
	for _, r := range phone {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' || r == ' ' || r == '-' || r == '(' || r == ')':
		default:
			return phone
		}
	}
	return b.String()
}

// maskUser keeps the last four characters of a user key, for logs.
func maskUser(user string) string {
	if len(user) <= 4 {
		return "****"
	}
	return "****" + user[len(user)-4:]
}
