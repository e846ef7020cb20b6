package mockwhatsapp

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// eventKeepAlive is how often an idle event stream gets a comment line, so
// that proxies do not close it.
const eventKeepAlive = 15 * time.Second

// handleEvents serves GET /mock/events as server-sent events: an "item"
// event (the Item plus its "user") for each new conversation item, and a
// "cleared" event ({"user"}) when a conversation is deleted. The stream ends
// when the client leaves, when it falls too far behind, or on Close; clients
// reconnect and reload the conversation.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "streaming not supported by this connection", nil)
		return
	}
	events, unsubscribe := s.store.subscribe()
	defer unsubscribe()
	ctx, cancel := s.requestContext(r)
	defer cancel()

	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": connected\n\n")
	flusher.Flush()

	keepAlive := time.NewTicker(eventKeepAlive)
	defer keepAlive.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-keepAlive.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		case e, open := <-events:
			if !open {
				return
			}
			writeEvent(w, e)
		}
		flusher.Flush()
	}
}

// itemEvent is the data of an "item" event.
type itemEvent struct {
	User string `json:"user"`
	Item
}

func writeEvent(w http.ResponseWriter, e event) {
	if e.kind == "cleared" {
		data, _ := json.Marshal(map[string]string{"user": e.user})
		fmt.Fprintf(w, "event: cleared\ndata: %s\n\n", data)
		return
	}
	data, _ := json.Marshal(itemEvent{User: e.user, Item: e.item})
	fmt.Fprintf(w, "id: %d\nevent: item\ndata: %s\n\n", e.item.Seq, data)
}
