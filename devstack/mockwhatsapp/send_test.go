package mockwhatsapp

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestSendAuthorization(t *testing.T) {
	_, srv, _ := newMock(t, Config{NoStatuses: true})
	url := srv.URL + "/v21.0/" + testPhone + "/messages"

	for _, token := range []string{"", "wrong"} {
		resp := do(t, http.MethodPost, url, token, textTo(testUser, "hi"))
		if resp.status != http.StatusUnauthorized {
			t.Errorf("send with token %q = %d, want 401", token, resp.status)
		}
		if e := resp.graphError(t); e.Code != 190 {
			t.Errorf("send with token %q: code %d, want 190", token, e.Code)
		}
	}
}

func TestSendUnknownPhoneNumberID(t *testing.T) {
	_, srv, _ := newMock(t, Config{NoStatuses: true})

	resp := do(t, http.MethodPost, srv.URL+"/v21.0/999/messages", testToken, textTo(testUser, "hi"))
	if resp.status != http.StatusBadRequest {
		t.Fatalf("send to unknown phone number id = %d, want 400", resp.status)
	}
	if e := resp.graphError(t); e.Code != 100 || e.ErrorSubcode != 33 {
		t.Errorf("error = %d/%d, want 100/33", e.Code, e.ErrorSubcode)
	}
}

func TestSendSuccessBody(t *testing.T) {
	_, srv, _ := newMock(t, Config{NoStatuses: true})
	inbound(t, srv, InboundRequest{From: testUser, Text: "hi"})

	resp := send(t, srv, textTo(testUser, "hello"))
	if resp.status != http.StatusOK {
		t.Fatalf("send = %d %s, want 200", resp.status, resp.body)
	}
	var got map[string]any
	json.Unmarshal(resp.body, &got)
	id := acceptedID(t, resp)
	want := map[string]any{
		"messaging_product": "whatsapp",
		"contacts":          []any{map[string]any{"input": testUser, "wa_id": testUser}},
		"messages":          []any{map[string]any{"id": id}},
	}
	if !jsonEqual(got, want) {
		t.Errorf("send answer = %s, want %v", resp.body, want)
	}
	if !strings.HasPrefix(id, "wamid.") {
		t.Errorf("message id = %q, want a wamid. prefix", id)
	}
}

func TestSendValidationError(t *testing.T) {
	s, srv, _ := newMock(t, Config{NoStatuses: true})
	inbound(t, srv, InboundRequest{From: testUser, Text: "hi"})

	resp := send(t, srv, buttonsTo(testUser, "Choose", "a", "b", "c", "d"))
	if resp.status != http.StatusBadRequest {
		t.Fatalf("send 4 buttons = %d, want 400", resp.status)
	}
	e := resp.graphError(t)
	if e.Code != 131009 {
		t.Errorf("code = %d, want 131009", e.Code)
	}
	if !strings.Contains(e.ErrorData.Details, "interactive.action.buttons") {
		t.Errorf("details = %q, want the field named", e.ErrorData.Details)
	}
	if e.FBTraceID == "" || e.Type != "OAuthException" || e.ErrorData.MessagingProduct != "whatsapp" {
		t.Errorf("error = %+v, want Meta's shape", e)
	}

	// The rejected request is recorded with its result.
	items := s.store.after(testUser, 0)
	last := items[len(items)-1]
	if last.Direction != DirectionOut || last.Result == nil || last.Result.HTTPStatus != 400 || last.Result.Error.Code != 131009 {
		t.Errorf("recorded item = %+v, want the rejected send", last)
	}
}

func TestSendMalformedJSON(t *testing.T) {
	_, srv, _ := newMock(t, Config{NoStatuses: true})
	for _, body := range []string{`{`, `{"to": 5}`} {
		resp := send(t, srv, body)
		if resp.status != http.StatusBadRequest || resp.graphError(t).Code != 100 {
			t.Errorf("send %s = %d %s, want 400 code 100", body, resp.status, resp.body)
		}
	}
}

func TestServiceWindow(t *testing.T) {
	clock := newTestClock()
	_, srv, _ := newMock(t, Config{NoStatuses: true, Now: clock.Now})
	template := map[string]any{
		"messaging_product": "whatsapp",
		"to":                testUser,
		"type":              "template",
		"template": map[string]any{
			"name":     "incoming_notification",
			"language": map[string]any{"code": "en_US"},
			"components": []any{map[string]any{"type": "body", "parameters": []any{
				map[string]any{"type": "text", "text": "Alice"},
				map[string]any{"type": "text", "text": "Bob offered you 2.00 USD"},
			}}},
		},
	}
	expectCode := func(step string, resp response, code int) {
		t.Helper()
		if code == 0 {
			if resp.status != http.StatusOK {
				t.Errorf("%s: send = %d %s, want 200", step, resp.status, resp.body)
			}
			return
		}
		if resp.status != http.StatusBadRequest || resp.graphError(t).Code != code {
			t.Errorf("%s: send = %d %s, want 400 code %d", step, resp.status, resp.body, code)
		}
	}

	expectCode("never wrote", send(t, srv, textTo(testUser, "hi")), 131047)
	expectCode("never wrote, template", send(t, srv, template), 0)

	inbound(t, srv, InboundRequest{From: testUser, Text: "hi"})
	expectCode("just wrote", send(t, srv, textTo(testUser, "hi")), 0)

	clock.Advance(24*time.Hour - time.Second)
	expectCode("23:59:59 later", send(t, srv, textTo(testUser, "hi")), 0)
	clock.Advance(time.Second)
	expectCode("24 h later", send(t, srv, textTo(testUser, "hi")), 131047)
	expectCode("24 h later, buttons", send(t, srv, buttonsTo(testUser, "x", "a")), 131047)
	expectCode("24 h later, template", send(t, srv, template), 0)

	inbound(t, srv, InboundRequest{From: testUser, Text: "back"})
	expectCode("wrote again", send(t, srv, textTo(testUser, "hi")), 0)

	aged := do(t, http.MethodPost, srv.URL+"/mock/users/"+testUser+"/last-inbound", "", map[string]string{"age": "25h"})
	if aged.status != http.StatusOK {
		t.Fatalf("last-inbound = %d %s, want 200", aged.status, aged.body)
	}
	expectCode("aged 25h", send(t, srv, textTo(testUser, "hi")), 131047)

	bad := do(t, http.MethodPost, srv.URL+"/mock/users/"+testUser+"/last-inbound", "", map[string]string{"age": "soon"})
	if bad.status != http.StatusBadRequest {
		t.Errorf("last-inbound with bad age = %d, want 400", bad.status)
	}
}

func TestPairRate(t *testing.T) {
	clock := newTestClock()
	_, srv, _ := newMock(t, Config{NoStatuses: true, PairRate: true, Now: clock.Now})
	inbound(t, srv, InboundRequest{From: testUser, Text: "hi"})
	inbound(t, srv, InboundRequest{From: "263770000002", Text: "hi"})

	for i := range 3 {
		if resp := send(t, srv, textTo(testUser, "hi")); resp.status != http.StatusOK {
			t.Fatalf("send %d = %d, want 200", i+1, resp.status)
		}
	}
	resp := send(t, srv, textTo(testUser, "hi"))
	if resp.status != http.StatusBadRequest || resp.graphError(t).Code != 131056 {
		t.Fatalf("4th send within 6 s = %d %s, want 400 code 131056", resp.status, resp.body)
	}
	if resp := send(t, srv, textTo("263770000002", "hi")); resp.status != http.StatusOK {
		t.Errorf("send to another user = %d, want 200", resp.status)
	}

	clock.Advance(6 * time.Second)
	if resp := send(t, srv, textTo(testUser, "hi")); resp.status != http.StatusOK {
		t.Errorf("send after 6 s = %d, want 200", resp.status)
	}
}

func TestReadReceipt(t *testing.T) {
	s, srv, _ := newMock(t, Config{NoStatuses: true})
	got := inbound(t, srv, InboundRequest{From: testUser, Text: "hi"})

	receipt := map[string]any{
		"messaging_product": "whatsapp",
		"status":            "read",
		"message_id":        got.WAMID,
		"typing_indicator":  map[string]any{"type": "text"},
	}
	resp := send(t, srv, receipt)
	if resp.status != http.StatusOK || strings.TrimSpace(string(resp.body)) != `{"success":true}` {
		t.Fatalf("read receipt = %d %s, want 200 {\"success\":true}", resp.status, resp.body)
	}
	items := s.store.after(testUser, got.Seq)
	if len(items) != 1 || items[0].Direction != DirectionOut || items[0].Result.HTTPStatus != 200 {
		t.Errorf("recorded items = %+v, want the read receipt", items)
	}

	receipt["message_id"] = "wamid.UNKNOWN"
	resp = send(t, srv, receipt)
	if resp.status != http.StatusBadRequest || resp.graphError(t).Code != 100 {
		t.Errorf("read receipt for unknown id = %d %s, want 400 code 100", resp.status, resp.body)
	}
}

// jsonEqual compares two values by their JSON encoding.
func jsonEqual(a, b any) bool {
	ra, _ := json.Marshal(a)
	rb, _ := json.Marshal(b)
	var x, y any
	json.Unmarshal(ra, &x)
	json.Unmarshal(rb, &y)
	ra, _ = json.Marshal(x)
	rb, _ = json.Marshal(y)
	return string(ra) == string(rb)
}
