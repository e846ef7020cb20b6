package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/vimbisopay/vimbiso/devstack/mockwhatsapp"
	"strings"
	"testing"
)

func TestNewMemberRegistersAndReachesDashboard(t *testing.T) {
	s := startStack(t)
	const phone = "263770000003"

	welcome := s.say(phone, "hi", 1)[0]
	wantInteractive(t, welcome, "button", "reg_start", "reg_about")
	if welcome.To != phone {
		t.Errorf("welcome to %q, want %q", welcome.To, phone)
	}

	first := s.tap(phone, "button_reply", "reg_start", 1)[0]
	wantText(t, first, "first name")

	tooShort := s.say(phone, "Jo", 1)[0]
	wantText(t, tooShort, "3 to 50 letters")

	wantText(t, s.say(phone, "Joan", 1)[0], "last name")

	confirm := s.say(phone, "Sample", 1)[0]
	wantInteractive(t, confirm, "button", "reg_confirm", "reg_edit")
	if body := confirm.body(); !strings.Contains(body, "Joan") || !strings.Contains(body, "Sample") {
		t.Errorf("confirmation body %q does not show both names", body)
	}

	done := s.tap(phone, "button_reply", "reg_confirm", 2)
	wantText(t, done[0], "263770000003")
	dashboard := done[1]
	wantInteractive(t, dashboard, "list", "offer_secured", "offers_in", "offers_out", "ledger", "upgrade_tier")
	for _, want := range []string{"Joan Sample Personal", "0.00 USD", "Daily limit left"} {
		if !strings.Contains(dashboard.body(), want) {
			t.Errorf("dashboard body lacks %q:\n%s", want, dashboard.body())
		}
	}
	if dashboard.Interactive.Action.Button != "Choose action" {
		t.Errorf("list button = %q, want Choose action", dashboard.Interactive.Action.Button)
	}
}

func TestRegisteredMemberGetsDashboardOnHi(t *testing.T) {
	s := startStack(t)

	// Bob has a personal account and is authorised on Carol Hardware.
	picker := s.say("263770000002", "Hi!", 1)[0]
	wantInteractive(t, picker, "list")
	if !strings.Contains(picker.body(), "Bob") {
		t.Errorf("picker body %q lacks the greeting with Bob's name", picker.body())
	}
	rows := picker.ids()
	if len(rows) != 2 || !strings.HasPrefix(rows[0], "acct_") {
		t.Fatalf("picker rows = %v, want two acct_ rows", rows)
	}
	dashboard := s.tap("263770000002", "list_reply", rows[0], 1)[0]
	wantInteractive(t, dashboard, "list", "offer_secured", "offer_unsecured", "switch_account")

	// A second hi within the session skips the picker.
	again := s.say("263770000002", "hi", 1)[0]
	wantInteractive(t, again, "list", "offer_secured", "switch_account")
}

func TestStaleButtonDoesNotAct(t *testing.T) {
	s := startStack(t)
	const phone = "263770000003"
	s.say(phone, "hi", 1)
	s.tap(phone, "button_reply", "reg_start", 1)
	s.say(phone, "Joan", 1)
	s.say(phone, "Sample", 1)
	s.tap(phone, "button_reply", "reg_edit", 1)

	// The confirmation screen is gone: its button must not create the member.
	stale := s.tap(phone, "button_reply", "reg_confirm", 2)
	wantText(t, stale[0], "earlier screen")
	wantText(t, stale[1], "first name")
}

func wantText(t *testing.T, g graphMessage, substr string) {
	t.Helper()
	if g.Type != "text" {
		t.Errorf("message type %q, want text: %s", g.Type, g.raw)
		return
	}
	if !strings.Contains(g.Text.Body, substr) {
		t.Errorf("text %q lacks %q", g.Text.Body, substr)
	}
}

func wantInteractive(t *testing.T, g graphMessage, kind string, ids ...string) {
	t.Helper()
	if g.Type != "interactive" || g.Interactive.Type != kind {
		t.Errorf("message is %s/%s, want interactive/%s: %s", g.Type, g.Interactive.Type, kind, g.raw)
		return
	}
	for _, id := range ids {
		if !slices.Contains(g.ids(), id) {
			t.Errorf("%s message lacks id %q; it has %v", kind, id, g.ids())
		}
	}
}

func TestWebhookRefusalsChangeNothing(t *testing.T) {
	s := startStack(t)
	body := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"200000000000001","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"263780000000","phone_number_id":"100000000000001"},"contacts":[{"profile":{"name":"Joan"},"wa_id":"263770000003"}],"messages":[{"from":"263770000003","id":"wamid.REFUSED1","timestamp":"` + fmt.Sprint(time.Now().Unix()) + `","type":"text","text":{"body":"hi"}}]}}]}]}`)

	cases := []struct {
		name       string
		method     string
		path       string
		body       []byte
		signature  string
		wantStatus int
	}{
		{"no signature", http.MethodPost, "/webhook", body, "", http.StatusUnauthorized},
		{"wrong signature", http.MethodPost, "/webhook", body, sign("not-the-app-secret", body), http.StatusUnauthorized},
		{"signature of other bytes", http.MethodPost, "/webhook", body, sign(devAppSecret, append(body, ' ')), http.StatusUnauthorized},
		{"malformed body", http.MethodPost, "/webhook", []byte(`{"object":`), sign(devAppSecret, []byte(`{"object":`)), http.StatusBadRequest},
		{"wrong verify token", http.MethodGet, "/webhook?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=42", nil, "", http.StatusForbidden},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, s.botURL+tc.path, bytes.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.signature != "" {
				req.Header.Set("X-Hub-Signature-256", tc.signature)
			}
			resp, err := s.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.wantStatus)
			}
			var e struct {
				Error   string         `json:"error"`
				Details map[string]any `json:"details"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&e); err != nil || e.Error == "" || e.Details == nil {
				t.Errorf("body is not the common error format (error %q, details %v, decode err %v)", e.Error, e.Details, err)
			}
		})
	}

	// Nothing was stored and nobody was answered.
	keys, err := s.redis.Client(t).Keys(context.Background(), "vimbiso:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 0 {
		t.Errorf("redis holds %v after refused deliveries, want nothing", keys)
	}
	items, err := mockwhatsapp.Messages(context.Background(), s.client, s.mocks.whatsappServer.URL(), "263770000003", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 0 {
		t.Errorf("the mock saw %d messages for the user, want none", len(items))
	}

	// The right token still completes the handshake.
	resp, err := s.client.Get(s.botURL + "/webhook?hub.mode=subscribe&hub.verify_token=" + devVerifyToken + "&hub.challenge=1158201444")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	challenge, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(challenge) != "1158201444" {
		t.Errorf("handshake = %d %q, want 200 1158201444", resp.StatusCode, challenge)
	}
}

func sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}
