package mockwhatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func outItem(t *testing.T, m any, result *Result) Item {
	t.Helper()
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if result == nil {
		result = &Result{HTTPStatus: 200, ID: "wamid.X"}
	}
	return Item{Direction: DirectionOut, Body: raw, Result: result}
}

func TestFormatReply(t *testing.T) {
	list := listMessage("Menu",
		outSection{Title: "Credex", Rows: []outRow{{ID: "offer_secured", Title: "💸 Offer secured", Description: "Pay from your secured balance"}}},
		outSection{Title: "Account", Rows: []outRow{{ID: "ledger", Title: "📒 Ledger"}}})
	list.Interactive.Body.Text = "*Alice*\nHandle: 263770000001"

	tests := []struct {
		name string
		item Item
		want string // "" when not printed
	}{
		{"text", outItem(t, textMessage("Hello *there*\nline two"), nil), "Hello *there*\nline two\n"},
		{"buttons", outItem(t, buttonMessage(replyButton("offer_send", "✅ Sign & send"), replyButton("offer_abort", "❌ Cancel")), nil),
			"Choose\n[offer_send] ✅ Sign & send\n[offer_abort] ❌ Cancel\n"},
		{"list", outItem(t, list, nil),
			"*Alice*\nHandle: 263770000001\n[offer_secured] 💸 Offer secured — Pay from your secured balance\n[ledger] 📒 Ledger\n"},
		{"flow", outItem(t, flowMessage("Become a member"), nil), "Choose\n[flow] Become a member\n"},
		{"template", outItem(t, templateMessage("incoming_notification", "en_US", "Alice Example", "Bob offered you 2.00 USD"), nil),
			"template incoming_notification: Alice Example | Bob offered you 2.00 USD\n"},
		{"refused", outItem(t, buttonMessage(), &Result{HTTPStatus: 400, Error: newGraphError(100, "interactive.action.buttons: required parameter is missing")}),
			"refused 100: interactive.action.buttons: required parameter is missing\n"},
		{"read receipt", outItem(t, map[string]any{"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.A"}, nil), ""},
		{"inbound", Item{Direction: DirectionIn, Body: json.RawMessage(`{"type":"text"}`)}, ""},
		{"status", Item{Direction: DirectionStatus, Body: json.RawMessage(`{"status":"sent"}`)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, printed := formatReply(tt.item)
			if printed != (tt.want != "") {
				t.Fatalf("formatReply printed = %v, want %v", printed, tt.want != "")
			}
			if got != tt.want {
				t.Errorf("formatReply =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// replyingBot makes the fake bot respond to every inbound text with the given
// send requests, through the mock's Graph endpoint.
func replyingBot(t *testing.T, bot *fakeBot, graphURL string, replies ...any) {
	bot.setHook(func(d delivery) {
		v := d.payload.Entry[0].Changes[0].Value
		if len(v.Messages) == 0 {
			return
		}
		receipt := map[string]any{"messaging_product": "whatsapp", "status": "read", "message_id": v.Messages[0].ID}
		for _, body := range append([]any{receipt}, replies...) {
			raw, _ := json.Marshal(body)
			req, _ := http.NewRequest(http.MethodPost, graphURL, bytes.NewReader(raw))
			req.Header.Set("Authorization", "Bearer "+testToken)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Errorf("bot send: %v", err)
				return
			}
			resp.Body.Close()
		}
	})
}

func TestChatPrintsReplies(t *testing.T) {
	_, srv, bot := newMock(t, Config{NoStatuses: true})
	replyingBot(t, bot, srv.URL+"/v21.0/"+testPhone+"/messages",
		textTo(testUser, "Welcome"),
		buttonsTo(testUser, "Send it?", "yes", "no"),
		buttonsTo(testUser, "Too many", "a", "b", "c", "d"),
	)

	var out strings.Builder
	n, err := Chat(context.Background(), http.DefaultClient, srv.URL, ChatRequest{Phone: testUser, Message: "hi", Wait: 5 * time.Second}, &out)
	if err != nil {
		t.Fatal(err)
	}
	want := "Welcome\n" +
		"\n" +
		"Send it?\n[yes] Title yes\n[no] Title no\n" +
		"\n" +
		"refused 131009: interactive.action.buttons: 4 buttons, maximum 3\n"
	if out.String() != want {
		t.Errorf("Chat output =\n%s\nwant\n%s", out.String(), want)
	}
	if n != 3 {
		t.Errorf("Chat = %d, want 3 replies", n)
	}
}

func TestChatTapSendsChoice(t *testing.T) {
	_, srv, bot := newMock(t, Config{NoStatuses: true})
	inbound(t, srv, InboundRequest{From: testUser, Text: "hi"})
	bot.next(t)
	offer := acceptedID(t, send(t, srv, buttonsTo(testUser, "Send it?", "yes", "no")))

	var out strings.Builder
	n, err := Chat(context.Background(), http.DefaultClient, srv.URL, ChatRequest{Phone: testUser, Type: "button_reply", Message: "yes", Wait: 200 * time.Millisecond}, &out)
	if err != nil || n != 0 || out.Len() != 0 {
		t.Errorf("Chat with a silent bot = %d %q (%v), want 0 and no output", n, out.String(), err)
	}
	m := bot.next(t).payload.Entry[0].Changes[0].Value.Messages[0]
	if m.Interactive == nil || m.Interactive.ButtonReply == nil || m.Interactive.ButtonReply.ID != "yes" || m.Context == nil || m.Context.ID != offer {
		t.Errorf("tap = %+v, want button_reply yes in reply to %s", m, offer)
	}
}

func TestChatFlowFields(t *testing.T) {
	_, srv, bot := newMock(t, Config{NoStatuses: true})
	req := ChatRequest{Phone: "263770000003", Type: "flow", Fields: map[string]string{"firstName": "Joan"}, Wait: 100 * time.Millisecond}
	if _, err := Chat(context.Background(), http.DefaultClient, srv.URL, req, &strings.Builder{}); err != nil {
		t.Fatal(err)
	}
	m := bot.next(t).payload.Entry[0].Changes[0].Value.Messages[0]
	if m.Interactive == nil || m.Interactive.NfmReply == nil {
		t.Fatalf("message = %+v, want an nfm_reply", m)
	}
	var fields map[string]string
	if err := json.Unmarshal([]byte(m.Interactive.NfmReply.ResponseJSON), &fields); err != nil {
		t.Fatalf("response_json %q is not a JSON object: %v", m.Interactive.NfmReply.ResponseJSON, err)
	}
	if fields["firstName"] != "Joan" || fields["flow_token"] != "unused" {
		t.Errorf("response_json fields = %v, want firstName and flow_token", fields)
	}
}

func TestChatErrors(t *testing.T) {
	// Nothing listens on port 1 of loopback.
	_, err := Chat(context.Background(), http.DefaultClient, "http://127.0.0.1:1", ChatRequest{Message: "hi"}, &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), "http://127.0.0.1:1/mock/inbound") {
		t.Errorf("Chat with no mock: err = %v, want one naming the URL", err)
	}

	_, srv, bot := newMock(t, Config{NoStatuses: true})
	bot.setStatus(http.StatusUnauthorized)
	_, err = Chat(context.Background(), http.DefaultClient, srv.URL, ChatRequest{Message: "hi"}, &strings.Builder{})
	if err == nil || !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), srv.URL) {
		t.Errorf("Chat with a rejecting bot: err = %v, want the status and URL", err)
	}
}
