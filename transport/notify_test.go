package transport

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"
)

const answerMissingPhone = `{"error":"Missing required fields","details":{"field":"phoneNumber"}}`

// postNotify posts body to /bot/notify with the right apiKey header. edit,
// when not nil, changes the headers first.
func (tc *testCallbacks) postNotify(t *testing.T, body []byte, edit func(http.Header)) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, tc.url+"/bot/notify", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("apiKey", testClientAPIKey)
	if edit != nil {
		edit(req.Header)
	}
	return do(t, req)
}

// notificationID returns the id the fake sink gives n.
func notificationID(t *testing.T, n Notification) string {
	t.Helper()
	id, _, _ := (&fakeSink{}).DeliverNotification(t.Context(), n)
	return id
}

var aliceNotification = Notification{
	Phone:      alicePhone,
	MemberName: "Alice Example",
	Message:    "Bob Example offered you 2.00 USD",
	Channel:    "whatsapp",
}

func TestNotifyQueued(t *testing.T) {
	tc := startCallbacks(t, nil)
	resp, body := tc.postNotify(t, readTestdata(t, "callbacks/notify.json"), nil)
	checkAnswer(t, resp, body, http.StatusAccepted, `{"status":"queued","id":"`+notificationID(t, aliceNotification)+`"}`)

	_, got := tc.sink.delivered()
	if len(got) != 1 || got[0] != aliceNotification {
		t.Errorf("sink got %+v, want [%+v]", got, aliceNotification)
	}
}

func TestNotifyAPIKeyHeaders(t *testing.T) {
	notify := readTestdata(t, "callbacks/notify.json")
	tests := []struct {
		name    string
		headers map[string]string
		status  int
	}{
		{"apiKey", map[string]string{"apiKey": testClientAPIKey}, http.StatusAccepted},
		{"whatsappBotAPIkey", map[string]string{"whatsappBotAPIkey": testClientAPIKey}, http.StatusAccepted},
		{"header name in upper case", map[string]string{"APIKEY": testClientAPIKey}, http.StatusAccepted},
		{"no key", map[string]string{}, http.StatusUnauthorized},
		{"wrong apiKey", map[string]string{"apiKey": "guess"}, http.StatusUnauthorized},
		{"apiKey in upper case", map[string]string{"apiKey": strings.ToUpper(testClientAPIKey)}, http.StatusUnauthorized},
		{"whatsappBotAPIkey prefix", map[string]string{"whatsappBotAPIkey": "test-client"}, http.StatusUnauthorized},
		{"x-client-api-key is not accepted", map[string]string{"x-client-api-key": testClientAPIKey}, http.StatusUnauthorized},
		// apiKey, when present, is the key: the older header is not a fallback.
		{"wrong apiKey, right whatsappBotAPIkey", map[string]string{"apiKey": "guess", "whatsappBotAPIkey": testClientAPIKey}, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc := startCallbacks(t, nil)
			resp, body := tc.postNotify(t, notify, func(h http.Header) {
				h.Del("apiKey")
				for name, value := range tt.headers {
					h.Set(name, value)
				}
			})
			if tt.status == http.StatusUnauthorized {
				checkAnswer(t, resp, body, tt.status, answerInvalidKey)
				checkNothingDelivered(t, tc.sink)
				return
			}
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d, want %d (body %s)", resp.StatusCode, tt.status, body)
			}
		})
	}
}

func TestNotifyMissingFields(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		field string
	}{
		{"nothing", `{}`, "phoneNumber"},
		{"no phone", `{"memberName":"Alice Example","message":"hello"}`, "phoneNumber"},
		{"phone with plus", `{"phoneNumber":"+263770000001","memberName":"Alice Example","message":"hello"}`, "phoneNumber"},
		{"phone with space", `{"phoneNumber":"263 770000001","memberName":"Alice Example","message":"hello"}`, "phoneNumber"},
		{"phone of 16 digits", `{"phoneNumber":"2637700000010000","memberName":"Alice Example","message":"hello"}`, "phoneNumber"},
		{"phone an object", `{"phoneNumber":{"number":"263770000001"},"memberName":"Alice Example","message":"hello"}`, "phoneNumber"},
		{"no member name", `{"phoneNumber":"263770000001","message":"hello"}`, "memberName"},
		{"blank member name", `{"phoneNumber":"263770000001","memberName":"  ","message":"hello"}`, "memberName"},
		{"no message", `{"phoneNumber":"263770000001","memberName":"Alice Example"}`, "message"},
		{"null message", `{"phoneNumber":"263770000001","memberName":"Alice Example","message":null}`, "message"},
		{"missing fields before channel", `{"phoneNumber":"263770000001","channel":"sms"}`, "memberName"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc := startCallbacks(t, nil)
			resp, body := tc.postNotify(t, []byte(tt.body), nil)
			checkAnswer(t, resp, body, http.StatusBadRequest,
				`{"error":"Missing required fields","details":{"field":"`+tt.field+`"}}`)
			checkNothingDelivered(t, tc.sink)
		})
	}
}

func TestNotifyPhoneAsNumber(t *testing.T) {
	tc := startCallbacks(t, nil)
	resp, body := tc.postNotify(t, []byte(`{"phoneNumber":263770000001,"memberName":"Alice Example","message":"Bob Example offered you 2.00 USD"}`), nil)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("status = %d, want 202 (body %s)", resp.StatusCode, body)
	}
	if _, got := tc.sink.delivered(); len(got) != 1 || got[0].Phone != alicePhone {
		t.Errorf("sink got %+v, want phone %s", got, alicePhone)
	}
}

func TestNotifyChannel(t *testing.T) {
	const fields = `"phoneNumber":"263770000001","memberName":"Alice Example","message":"Bob Example offered you 2.00 USD"`
	tests := []struct {
		name    string
		channel string // the JSON text after "channel":, or "" for no channel field
		status  int
		answer  string
	}{
		{"absent", "", http.StatusAccepted, ""},
		{"null", `null`, http.StatusAccepted, ""},
		{"empty", `""`, http.StatusAccepted, ""},
		{"whatsapp", `"whatsapp"`, http.StatusAccepted, ""},
		{"WhatsApp", `"WhatsApp"`, http.StatusAccepted, ""},
		{"sms", `"sms"`, http.StatusBadRequest, `{"error":"Unsupported channel: sms","details":{"field":"channel"}}`},
		{"number", `5`, http.StatusBadRequest, `{"error":"Invalid channel: expected a string","details":{"field":"channel"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{` + fields + `}`
			if tt.channel != "" {
				body = `{` + fields + `,"channel":` + tt.channel + `}`
			}
			tc := startCallbacks(t, nil)
			resp, answer := tc.postNotify(t, []byte(body), nil)
			if tt.status != http.StatusAccepted {
				checkAnswer(t, resp, answer, tt.status, tt.answer)
				checkNothingDelivered(t, tc.sink)
				return
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d (body %s)", resp.StatusCode, tt.status, answer)
			}
			if _, got := tc.sink.delivered(); len(got) != 1 || got[0].Channel != "whatsapp" {
				t.Errorf("sink got %+v, want channel whatsapp", got)
			}
		})
	}
}

func TestNotifyNotificationID(t *testing.T) {
	const withID = `{"phoneNumber":"263770000001","memberName":"Alice Example","message":"Bob Example offered you 2.00 USD","notification_id":"from-body"}`
	notify := readTestdata(t, "callbacks/notify.json")
	tests := []struct {
		name   string
		body   []byte
		header string
		want   string
	}{
		{"none", notify, "", ""},
		{"header", notify, "from-header", "from-header"},
		{"body field", []byte(withID), "", "from-body"},
		{"header before body field", []byte(withID), "from-header", "from-header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc := startCallbacks(t, nil)
			resp, body := tc.postNotify(t, tt.body, func(h http.Header) {
				if tt.header != "" {
					h.Set("X-Notification-Id", tt.header)
				}
			})
			want := aliceNotification
			want.ID = tt.want
			checkAnswer(t, resp, body, http.StatusAccepted, `{"status":"queued","id":"`+notificationID(t, want)+`"}`)
			if _, got := tc.sink.delivered(); len(got) != 1 || got[0] != want {
				t.Errorf("sink got %+v, want [%+v]", got, want)
			}
		})
	}
}

func TestNotifyDuplicate(t *testing.T) {
	tc := startCallbacks(t, nil)
	tc.sink.setResult(true, nil)
	resp, body := tc.postNotify(t, readTestdata(t, "callbacks/notify.json"), nil)
	checkAnswer(t, resp, body, http.StatusOK, `{"status":"duplicate","id":"`+notificationID(t, aliceNotification)+`"}`)
}

func TestNotifySinkFails(t *testing.T) {
	tc := startCallbacks(t, nil)
	tc.sink.setResult(false, errors.New("redis: connection refused"))
	resp, body := tc.postNotify(t, readTestdata(t, "callbacks/notify.json"), nil)
	checkAnswer(t, resp, body, http.StatusServiceUnavailable, answerUnavailable)
	if bytes.Contains(body, []byte("queued")) {
		t.Errorf("body %s reports the notification queued", body)
	}
}

func TestNotifyBody(t *testing.T) {
	notify := readTestdata(t, "callbacks/notify.json")
	tooLarge := append(bytes.Clone(notify), bytes.Repeat([]byte(" "), callbackMaxBody+1-len(notify))...)
	atLimit := append(bytes.Clone(notify), bytes.Repeat([]byte(" "), callbackMaxBody-len(notify))...)
	noKey := func(h http.Header) { h.Del("apiKey") }
	tests := []struct {
		name   string
		body   []byte
		edit   func(http.Header)
		status int
		answer string
	}{
		{"one byte too large", tooLarge, nil, http.StatusRequestEntityTooLarge, answerTooLarge},
		{"too large without key", tooLarge, noKey, http.StatusRequestEntityTooLarge, answerTooLarge},
		{"at the limit", atLimit, nil, http.StatusAccepted, `{"status":"queued","id":"` + notificationID(t, aliceNotification) + `"}`},
		{"not JSON", []byte(`{"phoneNumber":`), nil, http.StatusBadRequest, answerNotObject},
		{"JSON array", []byte(`[]`), nil, http.StatusBadRequest, answerNotObject},
		// The key is checked before the body is read as JSON.
		{"not JSON without key", []byte(`{"phoneNumber":`), noKey, http.StatusUnauthorized, answerInvalidKey},
		{"missing fields without key", []byte(`{}`), noKey, http.StatusUnauthorized, answerInvalidKey},
		{"missing fields", []byte(`{}`), nil, http.StatusBadRequest, answerMissingPhone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc := startCallbacks(t, nil)
			resp, body := tc.postNotify(t, tt.body, tt.edit)
			checkAnswer(t, resp, body, tt.status, tt.answer)
		})
	}
}
