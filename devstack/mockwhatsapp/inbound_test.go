package mockwhatsapp

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// decode parses a JSON text into a generic value, failing the test if it is
// not JSON.
func decode(t *testing.T, text string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("invalid JSON %s: %v", text, err)
	}
	return v
}

func TestInboundEnvelope(t *testing.T) {
	_, srv, bot := newMock(t, Config{})
	inbound(t, srv, InboundRequest{
		From: testUser, Name: "Alice Example", Text: "hi",
		WAMID: "wamid.TEST1", Timestamp: 1736848800,
	})
	d := bot.next(t)

	want := decode(t, `{
	  "object": "whatsapp_business_account",
	  "entry": [{
	    "id": "200000000000001",
	    "changes": [{
	      "field": "messages",
	      "value": {
	        "messaging_product": "whatsapp",
	        "metadata": {"display_phone_number": "263780000000", "phone_number_id": "100000000000001"},
	        "contacts": [{"profile": {"name": "Alice Example"}, "wa_id": "263770000001"}],
	        "messages": [{
	          "from": "263770000001", "id": "wamid.TEST1", "timestamp": "1736848800",
	          "type": "text", "text": {"body": "hi"}
	        }]
	      }
	    }]
	  }]
	}`)
	if got := decode(t, string(d.body)); !jsonEqual(got, want) {
		t.Errorf("webhook body = %s, want %v", d.body, want)
	}
}

func TestInboundSignatureOverExactBytes(t *testing.T) {
	_, srv, bot := newMock(t, Config{})
	inbound(t, srv, InboundRequest{From: testUser, Text: "café 👍 a/b <x>"})
	d := bot.next(t)

	if d.signature != sign(testSecret, d.body) {
		t.Fatalf("signature = %q, want HMAC-SHA256 of the exact body", d.signature)
	}
	for _, escaped := range []string{`caf\u00e9`, `\ud83d\udc4d`, `a\/b`, `\u003cx\u003e`} {
		if !bytes.Contains(d.body, []byte(escaped)) {
			t.Errorf("body %s lacks Meta's escape %s", d.body, escaped)
		}
	}
	// Re-encoding the decoded body gives other bytes, so only a check over
	// the raw body passes.
	reencoded, _ := json.Marshal(decode(t, string(d.body)))
	if sign(testSecret, reencoded) == d.signature {
		t.Error("signature also matches the re-encoded body; the escapes are missing")
	}
	if got := d.payload.Entry[0].Changes[0].Value.Messages[0].Text.Body; got != "café 👍 a/b <x>" {
		t.Errorf("decoded text = %q, want the original", got)
	}
}

func TestInboundMessageShapes(t *testing.T) {
	s, srv, bot := newMock(t, Config{NoStatuses: true})
	inbound(t, srv, InboundRequest{From: testUser, Text: "hi"})
	bot.next(t)

	buttons := acceptedID(t, send(t, srv, buttonsTo(testUser, "Choose", "offer_send", "offer_abort")))
	flow := flowMessage("Become a member")
	flowBody, _ := json.Marshal(flow)
	flowID := acceptedID(t, send(t, srv, string(flowBody)))
	list := listMessage("Menu", outSection{Rows: []outRow{{ID: "offers_in", Title: "📥 Incoming (1)", Description: "Offers waiting"}}})
	listBody, _ := json.Marshal(list)
	listID := acceptedID(t, send(t, srv, string(listBody)))
	_ = s

	base := InboundRequest{From: testUser, WAMID: "wamid.IN", Timestamp: 1736848830}
	tests := []struct {
		name string
		req  func(InboundRequest) InboundRequest
		want string // the messages[0] object
	}{
		{"button_reply defaults context and title", func(r InboundRequest) InboundRequest {
			r.Type, r.ID = "button_reply", "offer_send"
			return r
		}, `{"from":"263770000001","id":"wamid.IN","timestamp":"1736848830",
		     "context":{"from":"263780000000","id":"` + buttons + `"},
		     "type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"offer_send","title":"Title offer_send"}}}`},
		{"list_reply", func(r InboundRequest) InboundRequest {
			r.Type, r.ID = "list_reply", "offers_in"
			return r
		}, `{"from":"263770000001","id":"wamid.IN","timestamp":"1736848830",
		     "context":{"from":"263780000000","id":"` + listID + `"},
		     "type":"interactive","interactive":{"type":"list_reply","list_reply":{"id":"offers_in","title":"📥 Incoming (1)","description":"Offers waiting"}}}`},
		{"button_reply unknown id points at newest", func(r InboundRequest) InboundRequest {
			r.Type, r.ID, r.Title = "button_reply", "gone", "Old"
			return r
		}, `{"from":"263770000001","id":"wamid.IN","timestamp":"1736848830",
		     "context":{"from":"263780000000","id":"` + listID + `"},
		     "type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"gone","title":"Old"}}}`},
		{"button_reply explicit context", func(r InboundRequest) InboundRequest {
			r.Type, r.ID, r.ContextID = "button_reply", "offer_send", "wamid.OLD"
			return r
		}, `{"from":"263770000001","id":"wamid.IN","timestamp":"1736848830",
		     "context":{"from":"263780000000","id":"wamid.OLD"},
		     "type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"offer_send","title":"offer_send"}}}`},
		{"template button", func(r InboundRequest) InboundRequest {
			r.Type, r.Payload, r.Text = "button", "offers_in", "View offers"
			return r
		}, `{"from":"263770000001","id":"wamid.IN","timestamp":"1736848830",
		     "context":{"from":"263780000000","id":"` + listID + `"},
		     "type":"button","button":{"text":"View offers","payload":"offers_in"}}`},
		{"flow", func(r InboundRequest) InboundRequest {
			r.Type, r.Fields = "flow", map[string]any{"firstName": "Joan", "lastName": "Sample"}
			return r
		}, `{"from":"263770000001","id":"wamid.IN","timestamp":"1736848830",
		     "context":{"from":"263780000000","id":"` + flowID + `"},
		     "type":"interactive","interactive":{"type":"nfm_reply","nfm_reply":{"name":"flow","body":"Sent",
		       "response_json":"{\"firstName\":\"Joan\",\"flow_token\":\"reg-1\",\"lastName\":\"Sample\"}"}}}`},
		{"location", func(r InboundRequest) InboundRequest {
			r.Type = "location"
			return r
		}, `{"from":"263770000001","id":"wamid.IN","timestamp":"1736848830","type":"location",
		     "location":{"latitude":-17.8292,"longitude":31.0522}}`},
		{"reaction", func(r InboundRequest) InboundRequest {
			r.Type, r.Emoji = "reaction", "👍"
			return r
		}, `{"from":"263770000001","id":"wamid.IN","timestamp":"1736848830","type":"reaction",
		     "reaction":{"message_id":"` + listID + `","emoji":"👍"}}`},
		{"unsupported", func(r InboundRequest) InboundRequest {
			r.Type = "unsupported"
			return r
		}, `{"from":"263770000001","id":"wamid.IN","timestamp":"1736848830","type":"unsupported",
		     "errors":[{"code":131051,"title":"Message type unknown","message":"Message type unknown",
		       "error_data":{"details":"Message type is not currently supported."}}]}`},
		{"group text", func(r InboundRequest) InboundRequest {
			r.Text, r.GroupID = "hello all", "120363000000000001"
			return r
		}, `{"from":"263770000001","group_id":"120363000000000001","id":"wamid.IN","timestamp":"1736848830",
		     "type":"text","text":{"body":"hello all"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inbound(t, srv, tt.req(base))
			d := bot.next(t)
			v := d.payload.Entry[0].Changes[0].Value
			if len(v.Messages) != 1 {
				t.Fatalf("delivery %s, want one message", d.body)
			}
			raw, _ := json.Marshal(v.Messages[0])
			if !jsonEqual(decode(t, string(raw)), decode(t, tt.want)) {
				t.Errorf("message = %s\nwant      %s", raw, tt.want)
			}
		})
	}
}

func TestInboundMediaShapes(t *testing.T) {
	_, srv, bot := newMock(t, Config{NoStatuses: true})

	inbound(t, srv, InboundRequest{From: testUser, Type: "image", Caption: "receipt"})
	m := bot.next(t).payload.Entry[0].Changes[0].Value.Messages[0]
	if m.Type != "image" || m.Image == nil || m.Image.Caption != "receipt" || m.Image.MimeType != "image/jpeg" || len(m.Image.ID) != 15 || m.Image.SHA256 == "" {
		t.Errorf("image message = %+v, want a fake media object with the caption", m.Image)
	}

	inbound(t, srv, InboundRequest{From: testUser, Type: "sticker"})
	m = bot.next(t).payload.Entry[0].Changes[0].Value.Messages[0]
	if m.Type != "sticker" || m.Sticker == nil || m.Sticker.MimeType != "image/webp" || m.Sticker.ID == "" {
		t.Errorf("sticker message = %+v, want a fake media object", m.Sticker)
	}
}

func TestInboundUserIDOnly(t *testing.T) {
	_, srv, bot := newMock(t, Config{NoStatuses: true})
	inbound(t, srv, InboundRequest{UserID: "ZW.1234567890", Name: "Zed", Text: "hi", WAMID: "wamid.U", Timestamp: 1736848800})

	v := bot.next(t).payload.Entry[0].Changes[0].Value
	raw, _ := json.Marshal(map[string]any{"contacts": v.Contacts, "messages": v.Messages})
	want := `{"contacts":[{"profile":{"name":"Zed"},"user_id":"ZW.1234567890"}],
	          "messages":[{"from_user_id":"ZW.1234567890","id":"wamid.U","timestamp":"1736848800","type":"text","text":{"body":"hi"}}]}`
	if !jsonEqual(decode(t, string(raw)), decode(t, want)) {
		t.Errorf("value = %s, want %s", raw, want)
	}

	// The bot replies to such a user through "recipient". The message above is
	// dated 2025, outside the 24-hour window, so the user writes again.
	inbound(t, srv, InboundRequest{UserID: "ZW.1234567890", Text: "hi again"})
	bot.next(t)
	reply := map[string]any{"messaging_product": "whatsapp", "recipient": "ZW.1234567890", "type": "text", "text": map[string]any{"body": "no phone"}}
	resp := send(t, srv, reply)
	if resp.status != http.StatusOK || !strings.Contains(string(resp.body), `"user_id":"ZW.1234567890"`) {
		t.Errorf("send to recipient = %d %s, want 200 with the user id", resp.status, resp.body)
	}
}

func TestInboundBatch(t *testing.T) {
	_, srv, bot := newMock(t, Config{NoStatuses: true})
	got := inbound(t, srv, InboundRequest{Batch: []InboundRequest{
		{From: testUser, Text: "menu"},
		{From: "263770000002", Text: "hi"},
		{From: testUser, Text: "again"},
	}})
	if len(got.WAMIDs) != 3 || got.WAMID != got.WAMIDs[0] {
		t.Errorf("result = %+v, want three wamids", got)
	}

	d := bot.next(t)
	v := d.payload.Entry[0].Changes[0].Value
	if len(v.Messages) != 3 {
		t.Fatalf("batch delivery has %d messages, want 3", len(v.Messages))
	}
	if len(v.Contacts) != 2 || v.Contacts[0].WaID != testUser || v.Contacts[1].WaID != "263770000002" {
		t.Errorf("contacts = %+v, want one per user", v.Contacts)
	}
	if len(bot.got) != 0 {
		t.Errorf("batch made %d more deliveries, want one delivery", len(bot.got))
	}
}

func TestInboundRedeliver(t *testing.T) {
	_, srv, bot := newMock(t, Config{NoStatuses: true})
	got := inbound(t, srv, InboundRequest{From: testUser, Text: "hi", Redeliver: 2})
	if len(got.Statuses) != 3 {
		t.Fatalf("statuses = %v, want 3", got.Statuses)
	}

	first := bot.next(t)
	for range 2 {
		again := bot.next(t)
		if !bytes.Equal(again.body, first.body) || again.signature != first.signature {
			t.Errorf("redelivery differs from the first delivery:\n%s\n%s", again.body, first.body)
		}
	}
}

func TestInboundConcurrent(t *testing.T) {
	_, srv, bot := newMock(t, Config{NoStatuses: true})

	// Each delivery waits until all three are in flight, so sequential
	// deliveries would time out.
	var inFlight atomic.Int32
	all := make(chan struct{})
	bot.setHook(func(delivery) {
		if inFlight.Add(1) == 3 {
			close(all)
		}
		select {
		case <-all:
		case <-time.After(3 * time.Second):
		}
	})
	got := inbound(t, srv, InboundRequest{From: testUser, Text: "hi", Redeliver: 2, Concurrent: true})
	select {
	case <-all:
	default:
		t.Errorf("deliveries were not in flight together (statuses %v)", got.Statuses)
	}
}

func TestInboundBotStatusReported(t *testing.T) {
	_, srv, bot := newMock(t, Config{NoStatuses: true})
	bot.setStatus(http.StatusServiceUnavailable)

	got := inbound(t, srv, InboundRequest{From: testUser, Text: "hi"})
	if got.Status != 503 || len(got.Statuses) != 1 || got.Statuses[0] != 503 {
		t.Errorf("result = %+v, want the bot's 503", got)
	}
}

func TestInboundBotUnreachable(t *testing.T) {
	_, srv, _ := newMock(t, Config{BotURL: "http://127.0.0.1:1", NoStatuses: true})

	resp := do(t, http.MethodPost, srv.URL+"/mock/inbound", "", InboundRequest{From: testUser, Text: "hi"})
	if resp.status != http.StatusBadGateway {
		t.Fatalf("inbound with no bot = %d, want 502", resp.status)
	}
	var body struct {
		Error   string         `json:"error"`
		Details map[string]any `json:"details"`
	}
	if err := json.Unmarshal(resp.body, &body); err != nil || body.Error == "" || body.Details["url"] != "http://127.0.0.1:1/webhook" {
		t.Errorf("answer = %s, want the common error body naming the URL", resp.body)
	}
}

func TestInboundInvalid(t *testing.T) {
	_, srv, _ := newMock(t, Config{NoStatuses: true})
	tests := []struct {
		body      string
		wantField string
	}{
		{`{"text":"hi"}`, "from"},
		{`{"from":"1","type":"poll"}`, "type"},
		{`{"from":"1","type":"text"}`, "text"},
		{`{"from":"1","type":"button_reply"}`, "id"},
		{`{"from":"1","type":"button"}`, "payload"},
		{`{"from":"1","text":"x","redeliver":1000}`, "redeliver"},
		{`{"batch":[{"from":"1","text":"x"},{"text":"y"}]}`, "batch[1].from"},
	}
	for _, tt := range tests {
		resp := do(t, http.MethodPost, srv.URL+"/mock/inbound", "", tt.body)
		var body struct {
			Details map[string]any `json:"details"`
		}
		json.Unmarshal(resp.body, &body)
		if resp.status != http.StatusBadRequest || body.Details["field"] != tt.wantField {
			t.Errorf("inbound %s = %d %s, want 400 on %s", tt.body, resp.status, resp.body, tt.wantField)
		}
	}

	resp := do(t, http.MethodPost, srv.URL+"/mock/inbound", "", `{"from":"1","message":"hi"}`)
	if resp.status != http.StatusBadRequest {
		t.Errorf("inbound with unknown field = %d, want 400", resp.status)
	}
}
