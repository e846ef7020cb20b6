package mockwhatsapp

import (
	"encoding/json"
	"sort"
	"sync"
	"time"
)

// Directions of conversation items.
const (
	DirectionIn     = "in"     // a webhook message from the user to the bot
	DirectionOut    = "out"    // a Graph send request from the bot
	DirectionStatus = "status" // a status the mock posted to the bot
)

// subscriberBuffer is how many events a slow event-stream client may fall
// behind before it is dropped (the page then reconnects and reloads).
const subscriberBuffer = 256

// Item is one entry of a conversation. Body is the webhook message object
// (in), the Graph request body (out) or the status object (status).
type Item struct {
	Seq           int64           `json:"seq"`
	Time          string          `json:"time"` // RFC 3339, UTC, milliseconds
	Direction     string          `json:"direction"`
	PhoneNumberID string          `json:"phone_number_id"`
	Body          json.RawMessage `json:"body"`
	Result        *Result         `json:"result,omitempty"`
}

// Result is the Graph response to an out item.
type Result struct {
	HTTPStatus int         `json:"http_status"`
	Error      *GraphError `json:"error"`
	ID         string      `json:"id,omitempty"` // wamid of an accepted send
}

// conversationSummary summarises one user's conversation.
type conversationSummary struct {
	User     string `json:"user"`
	Name     string `json:"name,omitempty"`
	Messages int    `json:"messages"`
	LastSeq  int64  `json:"last_seq"`
}

// event is one change of the store, sent to event-stream subscribers.
type event struct {
	kind string // "item" or "cleared"
	user string
	item Item
}

// store keeps every user's conversation in memory. seq increases across all
// users. It is safe for concurrent use.
type store struct {
	mu          sync.Mutex
	seq         int64
	users       map[string][]Item
	names       map[string]string
	subscribers map[chan event]struct{}
}

func newStore() *store {
	return &store{
		users:       make(map[string][]Item),
		names:       make(map[string]string),
		subscribers: make(map[chan event]struct{}),
	}
}

// add appends item to user's conversation, setting its seq and time, and
// publishes it. It returns the stored item.
func (st *store) add(user string, now time.Time, item Item) Item {
	st.mu.Lock()
	defer st.mu.Unlock()

	st.seq++
	item.Seq = st.seq
	item.Time = now.UTC().Format("2006-01-02T15:04:05.000Z07:00")
	st.users[user] = append(st.users[user], item)
	st.publishLocked(event{kind: "item", user: user, item: item})
	return item
}

// setName records the profile name a user last wrote with.
func (st *store) setName(user, name string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.names[user] = name
}

func (st *store) name(user string) string {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.names[user]
}

// after returns a copy of user's items with seq greater than seq, oldest first.
func (st *store) after(user string, seq int64) []Item {
	st.mu.Lock()
	defer st.mu.Unlock()

	items := st.users[user]
	i := sort.Search(len(items), func(i int) bool { return items[i].Seq > seq })
	return append([]Item{}, items[i:]...)
}

// conversations lists every user with items, sorted by user.
func (st *store) conversations() []conversationSummary {
	st.mu.Lock()
	defer st.mu.Unlock()

	list := make([]conversationSummary, 0, len(st.users))
	for user, items := range st.users {
		c := conversationSummary{User: user, Name: st.names[user], Messages: len(items)}
		if len(items) > 0 {
			c.LastSeq = items[len(items)-1].Seq
		}
		list = append(list, c)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].User < list[j].User })
	return list
}

// remove deletes user's conversation and notifies the subscribers.
func (st *store) remove(user string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.users, user)
	st.publishLocked(event{kind: "cleared", user: user})
}

// lastAccepted returns the newest accepted send to user (not a read
// receipt) for which match reports true, with its wamid.
func (st *store) lastAccepted(user string, match func(wamid string, m *outMessage) bool) (string, *outMessage, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()

	items := st.users[user]
	for i := len(items) - 1; i >= 0; i-- {
		it := items[i]
		if it.Direction != DirectionOut || it.Result == nil || it.Result.ID == "" {
			continue
		}
		var m outMessage
		if json.Unmarshal(it.Body, &m) != nil || m.isReadReceipt() {
			continue
		}
		if match(it.Result.ID, &m) {
			return it.Result.ID, &m, true
		}
	}
	return "", nil, false
}

// subscribe returns a channel of future events and a function that ends the
// subscription. The channel is closed when the subscriber falls
// subscriberBuffer events behind or the subscription ends.
func (st *store) subscribe() (<-chan event, func()) {
	ch := make(chan event, subscriberBuffer)
	st.mu.Lock()
	st.subscribers[ch] = struct{}{}
	st.mu.Unlock()

	return ch, func() {
		st.mu.Lock()
		defer st.mu.Unlock()
		if _, ok := st.subscribers[ch]; ok {
			delete(st.subscribers, ch)
			close(ch)
		}
	}
}

func (st *store) publishLocked(e event) {
	for ch := range st.subscribers {
		select {
		case ch <- e:
		default:
			delete(st.subscribers, ch)
			close(ch)
		}
	}
}
