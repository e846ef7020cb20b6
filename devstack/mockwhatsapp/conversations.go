package mockwhatsapp

import (
	"net/http"
	"strconv"
)

// handleConversations serves GET /mock/conversations: every user the mock
// has seen, with message counts.
func (s *Server) handleConversations(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string][]conversationSummary{"conversations": s.store.conversations()})
}

// handleMessages serves GET /mock/conversations/{user}/messages?after={seq}:
// the user's items with a greater seq, oldest first. An unknown user has no
// items.
func (s *Server) handleMessages(w http.ResponseWriter, r *http.Request) {
	var after int64
	if v := r.URL.Query().Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "invalid after: want a sequence number of 0 or more", map[string]any{"field": "after"})
			return
		}
		after = n
	}
	user := s.users.resolve(r.PathValue("user"))
	writeJSON(w, http.StatusOK, map[string][]Item{"messages": s.store.after(user, after)})
}

// handleDeleteConversation serves DELETE /mock/conversations/{user}. The
// user's 24-hour window is kept: clearing the page does not unsend messages.
func (s *Server) handleDeleteConversation(w http.ResponseWriter, r *http.Request) {
	s.store.remove(s.users.resolve(r.PathValue("user")))
	w.WriteHeader(http.StatusNoContent)
}
