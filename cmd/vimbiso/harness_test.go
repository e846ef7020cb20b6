package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vimbisopay/vimbiso/devstack/mockwhatsapp"
)

// convItem is one item of a mock WhatsApp conversation, with the fields the
// end-to-end checks read decoded once.
type convItem struct {
	mockwhatsapp.Item
	inboundID string // wamid of an inbound message ("in" items)
	readOf    string // message_id marked by a read receipt ("out" items)
	reply     bool   // an "out" item that is a message, not a read receipt
	refused   bool   // a reply the mock rejected
}

func newConvItem(it mockwhatsapp.Item) convItem {
	c := convItem{Item: it}
	var body struct {
		ID        string `json:"id"`
		Status    string `json:"status"`
		MessageID string `json:"message_id"`
	}
	_ = json.Unmarshal(it.Body, &body) // a body the mock stored is JSON
	switch it.Direction {
	case mockwhatsapp.DirectionIn:
		c.inboundID = body.ID
	case mockwhatsapp.DirectionOut:
		if body.Status == "read" {
			c.readOf = body.MessageID
		} else {
			c.reply = true
			c.refused = it.Result != nil && it.Result.Error != nil
		}
	}
	return c
}

// graph decodes a reply item as the Graph API body the bot sent.
func (c convItem) graph() graphMessage {
	var g graphMessage
	_ = json.Unmarshal(c.Body, &g)
	g.raw = c.Body
	return g
}

// repliesTo returns the replies that follow the last read receipt for
// wamid, up to the next read receipt, and whether at least one did.
//
// The bot marks each input read before it processes it, and one user's
// inputs are processed one at a time, so these are the replies of that
// input. Alerts of CredEx events carry no read receipt, so one processed
// right after the input would be counted with it. After a crash the input
// is processed again, so the last receipt is the one that counts.
func repliesTo(items []convItem, wamid string) ([]convItem, bool) {
	last := -1
	for i, it := range items {
		if it.readOf == wamid {
			last = i
		}
	}
	if last < 0 {
		return nil, false
	}
	var replies []convItem
	for _, it := range items[last+1:] {
		if it.readOf != "" {
			break
		}
		if it.reply {
			replies = append(replies, it)
		}
	}
	return replies, len(replies) > 0
}

// processedToReply reports whether some read receipt for wamid is
// directly followed, among the user's outbound items, by a reply. That
// proves one processing of the input reached its first send.
func processedToReply(items []convItem, wamid string) bool {
	for i, it := range items {
		if it.readOf != wamid {
			continue
		}
		for _, next := range items[i+1:] {
			if next.Direction != mockwhatsapp.DirectionOut {
				continue
			}
			if next.reply {
				return true
			}
			break
		}
	}
	return false
}

// conversationWatch follows GET /mock/events of the mock WhatsApp and keeps
// every conversation in memory, so that many goroutines can wait for
// replies without each polling the mock. When the stream ends (the mock
// drops a subscriber that falls behind), it reconnects and reloads the
// conversations it missed.
type conversationWatch struct {
	baseURL string
	client  *http.Client // no timeout: the event stream lasts the whole test

	mu      sync.Mutex
	items   map[string][]convItem // by conversation key (phone, else user id)
	changed chan struct{}         // closed and replaced on every new item
	err     error                 // why the watch stopped, if it did
}

// maxWatchReconnects bounds the reconnections of one watch.
const maxWatchReconnects = 50

// watchConversations starts a watch of s's mock WhatsApp that ends with the
// test, and waits until its event stream is connected.
func watchConversations(t *testing.T, s *stack) *conversationWatch {
	t.Helper()
	w := &conversationWatch{
		baseURL: s.mocks.whatsappServer.URL(),
		client:  &http.Client{},
		items:   map[string][]convItem{},
		changed: make(chan struct{}),
	}
	ctx, cancel := context.WithCancel(context.Background())
	connected := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.follow(ctx, connected)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})

	select {
	case <-connected:
	case <-done:
		t.Fatalf("the event stream of the mock WhatsApp stopped: %v", w.err)
	case <-time.After(replyTimeout):
		t.Fatalf("the event stream of the mock WhatsApp did not connect within %v", replyTimeout)
	}
	return w
}

func (w *conversationWatch) follow(ctx context.Context, connected chan struct{}) {
	var once sync.Once
	var err error
	for range maxWatchReconnects {
		err = w.stream(ctx, func() { once.Do(func() { close(connected) }) })
		if ctx.Err() != nil {
			return
		}
	}
	w.mu.Lock()
	w.err = fmt.Errorf("gave up after %d connections: %w", maxWatchReconnects, err)
	close(w.changed)
	w.changed = make(chan struct{})
	w.mu.Unlock()
}

// stream reads one connection of the event stream until it ends. Once the
// mock confirms the subscription it reloads every conversation, so that
// nothing added while no stream was open is missed.
func (w *conversationWatch) stream(ctx context.Context, onConnected func()) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.baseURL+"/mock/events", nil)
	if err != nil {
		return err
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /mock/events: %s", resp.Status)
	}

	lines := bufio.NewScanner(resp.Body)
	lines.Buffer(make([]byte, 64<<10), 8<<20)
	var event, data string
	for lines.Scan() {
		line := lines.Text()
		switch {
		case line == ": connected":
			if err := w.reload(ctx); err != nil {
				return err
			}
			onConnected()
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = strings.TrimPrefix(line, "data: ")
		case line == "":
			if event == "item" {
				var e struct {
					User string `json:"user"`
					mockwhatsapp.Item
				}
				if err := json.Unmarshal([]byte(data), &e); err != nil {
					return fmt.Errorf("decode event %s: %w", data, err)
				}
				w.add(e.User, []mockwhatsapp.Item{e.Item})
			}
			event, data = "", ""
		}
	}
	if err := lines.Err(); err != nil {
		return err
	}
	return errors.New("the event stream ended")
}

// reload fetches, for every user the mock lists, the items this watch has
// not seen yet.
func (w *conversationWatch) reload(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.baseURL+"/mock/conversations", nil)
	if err != nil {
		return err
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var list struct {
		Conversations []struct {
			User string `json:"user"`
		} `json:"conversations"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		return fmt.Errorf("decode GET /mock/conversations: %w", err)
	}
	for _, c := range list.Conversations {
		items, err := mockwhatsapp.Messages(ctx, w.client, w.baseURL, c.User, w.lastSeq(c.User))
		if err != nil {
			return err
		}
		w.add(c.User, items)
	}
	return nil
}

func (w *conversationWatch) lastSeq(user string) int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	if items := w.items[user]; len(items) > 0 {
		return items[len(items)-1].Seq
	}
	return 0
}

// add appends the items newer than what the watch has for user. Seq grows
// with every item, so an item seen twice (reload and stream) is skipped.
func (w *conversationWatch) add(user string, items []mockwhatsapp.Item) {
	w.mu.Lock()
	defer w.mu.Unlock()
	have := w.items[user]
	added := false
	for _, it := range items {
		if len(have) > 0 && it.Seq <= have[len(have)-1].Seq {
			continue
		}
		have = append(have, newConvItem(it))
		added = true
	}
	if !added {
		return
	}
	w.items[user] = have
	close(w.changed)
	w.changed = make(chan struct{})
}

// conversation returns user's items so far. Items are only ever appended,
// so the returned slice stays valid.
func (w *conversationWatch) conversation(user string) []convItem {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.items[user]
}

// users returns the conversation keys the watch has seen.
func (w *conversationWatch) users() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	users := make([]string, 0, len(w.items))
	for u := range w.items {
		users = append(users, u)
	}
	return users
}

// waitFor waits until done reports true for user's items, and returns the
// items it last saw and whether done did. It gives up after timeout, when
// ctx ends, or when the watch stopped.
func (w *conversationWatch) waitFor(ctx context.Context, user string, timeout time.Duration, done func([]convItem) bool) ([]convItem, bool) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		w.mu.Lock()
		items, changed, stopped := w.items[user], w.changed, w.err != nil
		w.mu.Unlock()
		if done(items) {
			return items, true
		}
		if stopped {
			return items, false
		}
		select {
		case <-changed:
		case <-deadline.C:
			return items, false
		case <-ctx.Done():
			return items, false
		}
	}
}

// postWebhook posts body to the bot's /webhook signed with the development
// app secret, as Meta would, and returns the HTTP status.
func (s *stack) postWebhook(t *testing.T, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.botURL+"/webhook", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", sign(devAppSecret, body))
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("POST /webhook: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// describeItems renders items for a failure message.
func describeItems(items []convItem) string {
	var b strings.Builder
	for _, it := range items {
		fmt.Fprintf(&b, "  %d %s %s\n", it.Seq, it.Direction, it.Body)
	}
	return b.String()
}
