package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

const (
	alicePhone = "263770000001"
	bobPhone   = "263770000002"
)

// openDashboard logs a demo member in and picks their personal account,
// whose handle is their phone number.
func (s *stack) openDashboard(phone string) graphMessage {
	s.t.Helper()
	first := s.say(phone, "hi", 1)[0]
	if first.Interactive.Action.Button != "Accounts" {
		return first // one account: the dashboard itself
	}
	for _, sec := range first.Interactive.Action.Sections {
		for _, row := range sec.Rows {
			if strings.Contains(row.Title, phone) {
				return s.tap(phone, "list_reply", row.ID, 1)[0]
			}
		}
	}
	s.t.Fatalf("the account picker of %s has no row for the personal account: %s", phone, first.raw)
	return graphMessage{}
}

// idWithPrefix returns the first id of g that starts with prefix.
func idWithPrefix(t *testing.T, g graphMessage, prefix string) string {
	t.Helper()
	for _, id := range g.ids() {
		if strings.HasPrefix(id, prefix) {
			return id
		}
	}
	t.Fatalf("no id with prefix %q in %s", prefix, g.raw)
	return ""
}

// wantBody checks that a message's body, buttons or rows show each of
// substrs.
func wantBody(t *testing.T, g graphMessage, substrs ...string) {
	t.Helper()
	shown := g.body()
	for _, b := range g.Interactive.Action.Buttons {
		shown += "\n" + b.Reply.Title
	}
	for _, sec := range g.Interactive.Action.Sections {
		for _, row := range sec.Rows {
			shown += "\n" + row.Title + " — " + row.Description
		}
	}
	for _, want := range substrs {
		if !strings.Contains(shown, want) {
			t.Errorf("message lacks %q:\n%s", want, shown)
		}
	}
}

// offer makes Alice offer Bob amount USD with a quick command and returns
// the offer's credex id from Bob's alert, which has Accept and Decline
// buttons because Bob wrote to us today.
func (s *stack) offer(amount string) string {
	s.t.Helper()
	confirm := s.say(alicePhone, amount+"=>"+bobPhone, 1)[0]
	wantInteractive(s.t, confirm, "button", "offer_send", "offer_abort")
	wantBody(s.t, confirm, amount, "Bob Example Personal")

	sent := s.tap(alicePhone, "button_reply", "offer_send", 1)[0]
	wantBody(s.t, sent, "You offered", "Outgoing (1)")

	alert := s.replies(bobPhone, 1)[0]
	wantBody(s.t, alert, "Alice Example", "offered you")
	return strings.TrimPrefix(idWithPrefix(s.t, alert, "accept_"), "accept_")
}

// mutations returns the mock CredEx's record of mutations by endpoint,
// failing on any key used twice.
func (s *stack) mutations() map[string]int {
	s.t.Helper()
	resp, err := s.client.Get(s.mocks.credexServer.URL() + "/mock/mutations")
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("GET /mock/mutations: %s", resp.Status)
	}
	var body struct {
		Mutations []struct {
			Endpoint       string `json:"endpoint"`
			IdempotencyKey string `json:"idempotencyKey"`
			Repeats        int    `json:"repeats"`
		} `json:"mutations"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		s.t.Fatal(err)
	}
	counts := map[string]int{}
	for _, m := range body.Mutations {
		counts[m.Endpoint]++
		if m.Repeats > 0 {
			s.t.Errorf("%s with key %q was repeated %d times", m.Endpoint, m.IdempotencyKey, m.Repeats)
		}
	}
	return counts
}

func TestTradeOfferAccepted(t *testing.T) {
	s := startStack(t)
	// Bob's 10.00 USD less the 2.00 USD of his pending offer to Alice.
	wantBody(t, s.openDashboard(bobPhone), "*💰 Secured balances*\n8.00 USD")
	wantBody(t, s.openDashboard(alicePhone), "*💰 Secured balances*\n25.00 USD")

	id := s.offer("2")
	accepted := s.tap(bobPhone, "button_reply", "accept_"+id, 1)[0]
	wantBody(t, accepted, "Accepted", "2.00 USD")

	told := s.replies(alicePhone, 1)[0]
	wantBody(t, told, "accepted your offer", "2.00 USD")

	wantBody(t, s.say(alicePhone, "menu", 1)[0], "*💰 Secured balances*\n23.00 USD", "Outgoing (0)")
	wantBody(t, s.say(bobPhone, "menu", 1)[0], "*💰 Secured balances*\n10.00 USD")

	ledger := s.tap(alicePhone, "list_reply", "ledger", 1)[0]
	wantInteractive(t, ledger, "list", "tx_"+id)
	wantBody(t, ledger, "2.00 USD", "Bob Example Personal")

	got := s.mutations()
	if got["createCredex"] != 1 || got["acceptCredex"] != 1 {
		t.Errorf("mutations = %v, want one createCredex and one acceptCredex", got)
	}
}

func TestTradeOfferDeclined(t *testing.T) {
	s := startStack(t)
	s.openDashboard(bobPhone)
	s.openDashboard(alicePhone)

	id := s.offer("1.5")
	declined := s.tap(bobPhone, "button_reply", "decline_"+id, 1)[0]
	wantBody(t, declined, "Declined", "1.50 USD")
	wantBody(t, s.replies(alicePhone, 1)[0], "declined your offer")

	wantBody(t, s.say(alicePhone, "menu", 1)[0], "*💰 Secured balances*\n25.00 USD", "Outgoing (0)")
	wantBody(t, s.say(bobPhone, "menu", 1)[0], "*💰 Secured balances*\n8.00 USD")

	got := s.mutations()
	if got["createCredex"] != 1 || got["declineCredex"] != 1 || got["acceptCredex"] != 0 {
		t.Errorf("mutations = %v, want one createCredex and one declineCredex", got)
	}
}

func TestTradeOfferCancelledByIssuer(t *testing.T) {
	s := startStack(t)
	s.openDashboard(bobPhone)
	s.openDashboard(alicePhone)

	id := s.offer("1")
	list := s.tap(alicePhone, "list_reply", "offers_out", 1)[0]
	wantInteractive(t, list, "list", "out_"+id)
	detail := s.tap(alicePhone, "list_reply", "out_"+id, 1)[0]
	wantInteractive(t, detail, "button", "cancel_"+id)
	cancelled := s.tap(alicePhone, "button_reply", "cancel_"+id, 1)[0]
	wantBody(t, cancelled, "cancelled")

	wantBody(t, s.replies(bobPhone, 1)[0], "cancelled the offer")
	stale := s.tap(bobPhone, "button_reply", "accept_"+id, 1)[0]
	wantBody(t, stale, "no longer waiting")

	got := s.mutations()
	if got["createCredex"] != 1 || got["cancelCredex"] != 1 || got["acceptCredex"] != 0 {
		t.Errorf("mutations = %v, want one createCredex and one cancelCredex, no accept", got)
	}
}
