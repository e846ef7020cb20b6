package mockwhatsapp

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// Meta's per-user limits.
const (
	serviceWindow  = 24 * time.Hour  // free-form messages only this long after the user's last message
	pairRateWindow = 6 * time.Second // pair rate: at most pairRateBurst sends to one user in this period
	pairRateBurst  = 3
)

// users holds what Meta tracks per user: the time of the last inbound
// message (for the 24-hour window) and recent sends (for pair rate). It also
// maps business-scoped user ids to phone numbers, and inbound wamids to
// their sender, because read receipts name only the wamid. It is safe for
// concurrent use.
type users struct {
	mu          sync.Mutex
	lastInbound map[string]time.Time
	recentSends map[string][]time.Time
	phoneOf     map[string]string // business-scoped user id → phone number
	senderOf    map[string]string // inbound wamid → user
}

func newUsers() *users {
	return &users{
		lastInbound: make(map[string]time.Time),
		recentSends: make(map[string][]time.Time),
		phoneOf:     make(map[string]string),
		senderOf:    make(map[string]string),
	}
}

// resolve returns the conversation key of an addressee: the phone number
// when id is a business-scoped user id seen with one, else id itself.
func (u *users) resolve(id string) string {
	u.mu.Lock()
	defer u.mu.Unlock()
	if phone, ok := u.phoneOf[id]; ok {
		return phone
	}
	return id
}

// recordInbound notes a message from user sent at the given time. userID,
// when not empty, is the user's business-scoped id. The window only moves
// forward, so a late redelivery of an old message does not reopen it.
func (u *users) recordInbound(user, userID, wamid string, sentAt time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if userID != "" && userID != user {
		u.phoneOf[userID] = user
	}
	u.senderOf[wamid] = user
	if sentAt.After(u.lastInbound[user]) {
		u.lastInbound[user] = sentAt
	}
}

// setLastInbound moves user's last inbound message to at, earlier or later.
func (u *users) setLastInbound(user string, at time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.lastInbound[user] = at
}

// inWindow reports whether user wrote less than 24 hours before now.
func (u *users) inWindow(user string, now time.Time) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	last, ok := u.lastInbound[user]
	return ok && now.Sub(last) < serviceWindow
}

// sender returns the user who sent the inbound message wamid.
func (u *users) sender(wamid string) (string, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	user, ok := u.senderOf[wamid]
	return user, ok
}

// takePairSlot records a send to user at now and reports true, unless
// pairRateBurst sends already went to user within pairRateWindow.
func (u *users) takePairSlot(user string, now time.Time) bool {
	u.mu.Lock()
	defer u.mu.Unlock()

	recent := u.recentSends[user][:0]
	for _, t := range u.recentSends[user] {
		if now.Sub(t) < pairRateWindow {
			recent = append(recent, t)
		}
	}
	if len(recent) >= pairRateBurst {
		u.recentSends[user] = recent
		return false
	}
	u.recentSends[user] = append(recent, now)
	return true
}

// handleLastInbound serves POST /mock/users/{user}/last-inbound {"age":"25h"}:
// the user's last inbound message is moved to age before now.
func (s *Server) handleLastInbound(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Age string `json:"age"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestBytes)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error(), nil)
		return
	}
	age, err := time.ParseDuration(req.Age)
	if err != nil || age < 0 {
		writeError(w, http.StatusBadRequest, `invalid age, use a Go duration such as "25h"`, map[string]any{"field": "age"})
		return
	}

	user := s.users.resolve(r.PathValue("user"))
	at := s.cfg.Now().Add(-age)
	s.users.setLastInbound(user, at)
	writeJSON(w, http.StatusOK, map[string]string{"user": user, "last_inbound": at.UTC().Format(time.RFC3339)})
}
