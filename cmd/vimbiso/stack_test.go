package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vimbisopay/vimbiso/devstack/mockwhatsapp"
	"github.com/vimbisopay/vimbiso/persistence"
	"github.com/vimbisopay/vimbiso/persistence/redistest"
)

// replyTimeout bounds how long a test waits for the bot's replies.
const replyTimeout = 15 * time.Second

// stack is the development stack on loopback: both mocks in this process,
// a real redis-server, and the bot either in this process or as a separate
// `vimbiso serve`.
type stack struct {
	t      *testing.T
	mocks  *mocks
	redis  *redistest.Server
	botURL string
	client *http.Client
	seq    map[string]int64 // last conversation item seen, per user
}

// startMockStack starts the mocks and Redis, with no bot yet.
func startMockStack(t *testing.T) *stack {
	t.Helper()
	log := testLogger(t)
	m, err := startMocks(devFlags{whatsappAddr: "127.0.0.1:0", credexAddr: "127.0.0.1:0", noStatuses: true}, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.stop(log) })
	return &stack{
		t: t, mocks: m, redis: redistest.Start(t),
		client: &http.Client{Timeout: 20 * time.Second},
		seq:    map[string]int64{},
	}
}

// startStack starts the whole stack with the bot in this process.
func startStack(t *testing.T) *stack {
	t.Helper()
	s := startMockStack(t)
	t.Setenv("REDIS_STATE_URL", s.redis.URL)
	cfg, err := devBotConfig("127.0.0.1:0", s.mocks.whatsappServer.URL(), s.mocks.credexServer.URL())
	if err != nil {
		t.Fatal(err)
	}
	store, err := persistence.Open(cfg.RedisStateURL, cfg.RedisURL, storeOptions(cfg))
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serveBot(ctx, cfg, store, testLogger(t), func(url string) { ready <- url }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("bot stopped with %v", err)
		}
		store.Close()
	})
	select {
	case s.botURL = <-ready:
	case err := <-done:
		t.Fatalf("bot did not start: %v", err)
	}
	s.mocks.pointAt(s.botURL)
	return s
}

// graphMessage is the part of an outbound Graph API body the tests read.
type graphMessage struct {
	raw         json.RawMessage
	To          string                `json:"to"`
	Type        string                `json:"type"`
	Text        struct{ Body string } `json:"text"`
	Interactive struct {
		Type   string                `json:"type"`
		Body   struct{ Text string } `json:"body"`
		Action struct {
			Button  string `json:"button"`
			Buttons []struct {
				Reply struct{ ID, Title string } `json:"reply"`
			} `json:"buttons"`
			Sections []struct {
				Rows []struct{ ID, Title, Description string } `json:"rows"`
			} `json:"sections"`
		} `json:"action"`
	} `json:"interactive"`
}

// body returns the text a person reads.
func (g graphMessage) body() string {
	if g.Type == "text" {
		return g.Text.Body
	}
	return g.Interactive.Body.Text
}

// ids returns the tappable ids of the message.
func (g graphMessage) ids() []string {
	var ids []string
	for _, b := range g.Interactive.Action.Buttons {
		ids = append(ids, b.Reply.ID)
	}
	for _, s := range g.Interactive.Action.Sections {
		for _, r := range s.Rows {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// send posts one inbound message as the user and returns the bot's HTTP
// status for the webhook delivery.
func (s *stack) send(req mockwhatsapp.InboundRequest) int {
	s.t.Helper()
	res, err := mockwhatsapp.Inbound(context.Background(), s.client, s.mocks.whatsappServer.URL(), req)
	if err != nil {
		s.t.Fatalf("inbound %s %q: %v", req.Type, req.Text+req.ID, err)
	}
	return res.Status
}

// say sends a text and waits for want replies.
func (s *stack) say(phone, text string, want int) []graphMessage {
	s.t.Helper()
	s.send(mockwhatsapp.InboundRequest{From: phone, Type: "text", Text: text})
	return s.replies(phone, want)
}

// tap taps a button or list row and waits for want replies.
func (s *stack) tap(phone, kind, id string, want int) []graphMessage {
	s.t.Helper()
	s.send(mockwhatsapp.InboundRequest{From: phone, Type: kind, ID: id})
	return s.replies(phone, want)
}

// replies waits until want new outbound messages (read receipts aside)
// reached the mock for phone, and fails on more or fewer.
func (s *stack) replies(phone string, want int) []graphMessage {
	s.t.Helper()
	var got []graphMessage
	deadline := time.Now().Add(replyTimeout)
	for time.Now().Before(deadline) {
		items, err := mockwhatsapp.Messages(context.Background(), s.client, s.mocks.whatsappServer.URL(), phone, s.seq[phone])
		if err != nil {
			s.t.Fatal(err)
		}
		for _, it := range items {
			s.seq[phone] = it.Seq
			if it.Direction != "out" || strings.Contains(string(it.Body), `"status":"read"`) {
				continue
			}
			if it.Result != nil && it.Result.Error != nil {
				s.t.Errorf("the mock refused a reply: %s", it.Body)
			}
			var g graphMessage
			if err := json.Unmarshal(it.Body, &g); err != nil {
				s.t.Fatalf("outbound body %s: %v", it.Body, err)
			}
			g.raw = it.Body
			got = append(got, g)
		}
		if len(got) >= want {
			break
		}
		time.Sleep(20 * time.Millisecond) // polling the mock, which has no push to a test
	}
	if len(got) != want {
		s.t.Fatalf("got %d replies for %s, want %d: %+v", len(got), phone, want, got)
	}
	return got
}

func testLogger(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
