package mockcredex

import (
	"crypto/hmac"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync/atomic"
	"testing"
	"time"
)

// delivery is one webhook POST as the fake bot received it.
type delivery struct {
	key, signature string
	body           []byte
}

// fakeBot starts a webhook receiver that responds with statuses in turn (the last
// one repeats) and reports each delivery on the returned channel.
func fakeBot(t *testing.T, statuses ...int) (*httptest.Server, <-chan delivery) {
	t.Helper()
	got := make(chan delivery, 16)
	var n atomic.Int32
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- delivery{key: r.Header.Get("x-client-api-key"), signature: r.Header.Get("X-Credex-Signature"), body: body}
		i := min(int(n.Add(1))-1, len(statuses)-1)
		w.WriteHeader(statuses[i])
		w.Write([]byte(`{"status":"success"}`))
	}))
	t.Cleanup(bot.Close)
	return bot, got
}

// withAttempts makes s retry fast and report every delivery attempt.
func withAttempts(s *Server) <-chan Event {
	attempts := make(chan Event, 16)
	s.mu.Lock()
	s.backoff = time.Millisecond
	s.onAttempt = func(e Event) { attempts <- e }
	s.mu.Unlock()
	return attempts
}

func receive[T any](t *testing.T, ch <-chan T, description string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatalf("timed out waiting for %s", description)
		panic("unreachable")
	}
}

func payloadOf(t *testing.T, d delivery) map[string]any {
	t.Helper()
	var event map[string]any
	if err := json.Unmarshal(d.body, &event); err != nil {
		t.Fatalf("webhook body %q: %v", d.body, err)
	}
	return event
}

func TestOfferCallbacks(t *testing.T) {
	bot, got := fakeBot(t, http.StatusOK)
	s, _ := newTestServer(t, func(c *Config) { c.WebhookURL = bot.URL })

	// Alice offers to carol_hardware, whose alerts go to Bob.
	alice := login(t, s, "263770000001")
	id := createOffer(t, s, alice, offerBody(alicePersonalID, carolHardwareID, 2, true, nil))
	pending := receive(t, got, "pending event")

	if pending.key != testKey {
		t.Errorf("x-client-api-key = %q, want %q", pending.key, testKey)
	}
	if want := Sign("dev-credex-secret", pending.body); !hmac.Equal([]byte(pending.signature), []byte(want)) {
		t.Errorf("X-Credex-Signature = %q, want %q", pending.signature, want)
	}
	event := payloadOf(t, pending)
	for path, want := range map[string]any{
		"metadata.event_type":         "offer_update",
		"metadata.webhook_id":         fixedID('e', 1),
		"metadata.timestamp":          "2025-01-14T10:00:00Z",
		"payload.offer_id":            id,
		"payload.company_id":          carolHardwareID,
		"payload.status":              "pending",
		"payload.amount":              2.0,
		"payload.denomination":        "USD",
		"payload.secured":             true,
		"payload.expiry":              "2025-02-11T00:00:00Z",
		"payload.issuer_account_name": "Alice Example Personal",
	} {
		if v := lookup(event, path); v != want {
			t.Errorf("pending event %s = %v, want %v", path, v, want)
		}
	}
	wantNotify := []any{map[string]any{"phone": "263770000002", "member_name": "Bob Example", "role": "receiver"}}
	if v := lookup(event, "payload.notify"); !reflect.DeepEqual(v, wantNotify) {
		t.Errorf("pending notify = %v, want %v", v, wantNotify)
	}

	// Bob accepts for the business: the issuer's member is notified.
	act(t, s, "263770000002", "acceptCredex", id)
	accepted := payloadOf(t, receive(t, got, "accepted event"))
	wantNotify = []any{map[string]any{"phone": "263770000001", "member_name": "Alice Example", "role": "issuer"}}
	if lookup(accepted, "payload.status") != "accepted" || !reflect.DeepEqual(lookup(accepted, "payload.notify"), wantNotify) {
		t.Errorf("accepted event = %s, want status accepted and notify %v", mustJSON(accepted), wantNotify)
	}
}

func TestCallbackStatuses(t *testing.T) {
	tests := []struct {
		name       string
		run        func(t *testing.T, s *Server)
		wantStatus string
		wantRole   string
		wantPhone  string
	}{
		{"declined tells the issuer", func(t *testing.T, s *Server) { act(t, s, "263770000001", "declineCredex", demoOfferID) },
			"declined", "issuer", "263770000002"},
		{"cancelled tells the receiver", func(t *testing.T, s *Server) { act(t, s, "263770000002", "cancelCredex", demoOfferID) },
			"cancelled", "receiver", "263770000001"},
		{"expired tells the issuer", func(t *testing.T, s *Server) {
			admin(t, s, http.MethodPost, "/mock/offers/"+demoOfferID+"/expire", nil)
		}, "expired", "issuer", "263770000002"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bot, got := fakeBot(t, http.StatusOK)
			s, _ := newTestServer(t, func(c *Config) { c.WebhookURL = bot.URL })
			tt.run(t, s)
			event := payloadOf(t, receive(t, got, tt.wantStatus+" event"))
			if lookup(event, "payload.status") != tt.wantStatus ||
				lookup(event, "payload.notify.0.role") != tt.wantRole ||
				lookup(event, "payload.notify.0.phone") != tt.wantPhone {
				t.Errorf("event = %s, want %s to %s %s", mustJSON(event), tt.wantStatus, tt.wantRole, tt.wantPhone)
			}
		})
	}
}

func TestTierCallback(t *testing.T) {
	bot, got := fakeBot(t, http.StatusOK)
	s, _ := newTestServer(t, func(c *Config) { c.WebhookURL = bot.URL })

	resp := admin(t, s, http.MethodPost, "/mock/members/263770000002/tier", map[string]any{"tier": 4})
	mustStatus(t, "set tier", resp, http.StatusOK)
	event := payloadOf(t, receive(t, got, "member event"))
	want := map[string]any{"member_id": bobID, "status": "active", "updated_fields": []any{"memberTier"}, "phone": "263770000002", "member_tier": 4.0}
	if !reflect.DeepEqual(event["payload"], want) || lookup(event, "metadata.event_type") != "member_update" {
		t.Errorf("tier event = %s, want payload %v", mustJSON(event), want)
	}
	if got := dashboardOf(t, s, "263770000002").get("member.memberTier"); got != 4.0 {
		t.Errorf("Bob's tier after POST /mock/members/.../tier = %v, want 4", got)
	}
	mustStatus(t, "unknown member tier", admin(t, s, http.MethodPost, "/mock/members/263770000003/tier", map[string]any{"tier": 2}), http.StatusNotFound)
}

func TestCallbackRetries(t *testing.T) {
	tests := []struct {
		name          string
		statuses      []int
		wantAttempts  int
		wantDelivered bool
	}{
		{"two 503 then 200", []int{503, 503, 200}, 3, true},
		{"always 500", []int{500}, 1 + webhookRetries, false},
		{"400 is not repeated", []int{400}, 1, false},
		{"429 is repeated", []int{429, 200}, 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bot, _ := fakeBot(t, tt.statuses...)
			s, _ := newTestServer(t, func(c *Config) { c.WebhookURL = bot.URL })
			attempts := withAttempts(s)
			act(t, s, "263770000001", "declineCredex", demoOfferID)

			var last Event
			for range tt.wantAttempts {
				last = receive(t, attempts, "delivery attempt")
			}
			if len(last.Attempts) != tt.wantAttempts || last.Delivered != tt.wantDelivered {
				t.Errorf("after %d attempts: %d recorded, delivered %v; want delivered %v", tt.wantAttempts, len(last.Attempts), last.Delivered, tt.wantDelivered)
			}
			s.Close()
			if events := s.Events(); len(events) != 1 || len(events[0].Attempts) != tt.wantAttempts || !events[0].Done {
				t.Errorf("Events() after Close = %+v", events)
			}
		})
	}
}

func TestEventsListing(t *testing.T) {
	bot, _ := fakeBot(t, http.StatusOK)
	s, _ := newTestServer(t, nil)
	attempts := withAttempts(s)

	// Without a URL nothing is queued.
	act(t, s, "263770000001", "declineCredex", demoOfferID)
	if n := len(s.Events()); n != 0 {
		t.Fatalf("Events() without a webhook URL has %d events, want 0", n)
	}

	s.SetWebhookURL(bot.URL)
	admin(t, s, http.MethodPost, "/mock/members/263770000001/tier", map[string]any{"tier": 2})
	receive(t, attempts, "delivery attempt")
	listed := admin(t, s, http.MethodGet, "/mock/events", nil)
	if listed.get("events.0.eventType") != "member_update" || listed.get("events.0.attempts.0.status") != 200.0 {
		t.Errorf("GET /mock/events = %s", listed.raw)
	}
}

func TestCloseAbortsDelivery(t *testing.T) {
	hold := make(chan struct{})
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hold:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(hold); bot.Close() })

	s, _ := newTestServer(t, func(c *Config) { c.WebhookURL = bot.URL })
	act(t, s, "263770000001", "declineCredex", demoOfferID)
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	receive(t, done, "Close to return while the bot hangs")
}

func mustJSON(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}
