package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vimbisopay/vimbiso/devstack/mockwhatsapp"
)

// Texts the bot sends that these cases recognise.
const (
	helpHeading     = "*How to use credex here*"
	unsupportedText = "I can only read text messages and button taps."
	noPhoneText     = "To use credex I need your phone number"
	aboutHeading    = "*What is credex?*"
	unservedNumber  = "100000000000999" // a phone_number_id the bot does not serve
	groupID         = "120363000000000001"
	noPhoneUserID   = "ZW.1000000000000000001"
)

// kindsRun is the state one TestInboundKinds run shares between its cases:
// one stack, a watch of the conversations, and a source of fresh users.
type kindsRun struct {
	s      *stack
	watch  *conversationWatch
	phones int
	wamids int
	peer   string // the second sender of the batch case
}

// freshPhone returns the phone number of a user the run has not used.
func (k *kindsRun) freshPhone() string {
	k.phones++
	return fmt.Sprintf("2637730%05d", k.phones)
}

// freshWAMID returns a message id no delivery has used.
func (k *kindsRun) freshWAMID() string {
	k.wamids++
	return fmt.Sprintf("wamid.KINDS%08d", k.wamids)
}

// exchange sends req through the mock, waits until the bot has marked it
// read and sent at least want replies after that, and returns them.
func (k *kindsRun) exchange(t *testing.T, req mockwhatsapp.InboundRequest, want int) []graphMessage {
	t.Helper()
	if req.WAMID == "" {
		req.WAMID = k.freshWAMID()
	}
	res, err := mockwhatsapp.Inbound(context.Background(), k.s.client, k.s.mocks.whatsappServer.URL(), req)
	if err != nil || res.Status != http.StatusOK {
		t.Fatalf("inbound %s from %s: status %d, err %v", req.Type, req.From, res.Status, err)
	}
	items, ok := k.watch.waitFor(context.Background(), req.From, replyTimeout, func(items []convItem) bool {
		replies, _ := repliesTo(items, req.WAMID)
		return len(replies) >= want
	})
	replies, _ := repliesTo(items, req.WAMID)
	if !ok {
		t.Fatalf("%s: got %d replies to %s %q, want %d:\n%s", req.From, len(replies), req.Type, req.Text+req.ID, want, describeItems(items))
	}
	graphs := make([]graphMessage, len(replies))
	for i, r := range replies {
		graphs[i] = r.graph()
	}
	return graphs
}

// lastSeq returns the seq of user's newest item, 0 when there is none.
func (k *kindsRun) lastSeq(user string) int64 {
	items := k.watch.conversation(user)
	if len(items) == 0 {
		return 0
	}
	return items[len(items)-1].Seq
}

// lastReplyID returns the Graph message id of the newest reply to user.
func (k *kindsRun) lastReplyID(t *testing.T, user string) string {
	t.Helper()
	items := k.watch.conversation(user)
	for i := len(items) - 1; i >= 0; i-- {
		if items[i].reply && items[i].Result != nil && items[i].Result.ID != "" {
			return items[i].Result.ID
		}
	}
	t.Fatalf("no accepted reply to %s yet", user)
	return ""
}

// waitHelp waits for the help text to reach user after seq, and returns
// every reply after seq that came before it.
func (k *kindsRun) waitHelp(t *testing.T, user string, after int64) []graphMessage {
	t.Helper()
	var before []graphMessage
	items, ok := k.watch.waitFor(context.Background(), user, replyTimeout, func(items []convItem) bool {
		before = before[:0]
		for _, it := range items {
			if it.Seq <= after || !it.reply {
				continue
			}
			g := it.graph()
			if strings.HasPrefix(g.body(), helpHeading) {
				return true
			}
			before = append(before, g)
		}
		return false
	})
	if !ok {
		t.Fatalf("%s never got the help text sent in the same body:\n%s", user, describeItems(items))
	}
	return before
}

// pickPersonal taps the row of member's personal account in the account
// picker just sent, and waits for the dashboard.
func (k *kindsRun) pickPersonal(t *testing.T, member string, picker graphMessage) graphMessage {
	t.Helper()
	return k.exchange(t, mockwhatsapp.InboundRequest{From: member, Type: "list_reply", ID: personalRow(t, member, picker)}, 1)[0]
}

// personalRow returns the id of the picker row of member's personal
// account, whose handle is the phone number.
func personalRow(t *testing.T, member string, picker graphMessage) string {
	t.Helper()
	for _, sec := range picker.Interactive.Action.Sections {
		for _, row := range sec.Rows {
			if strings.Contains(row.Title+row.Description, member) {
				return row.ID
			}
		}
	}
	t.Fatalf("the account picker of %s has no row for the personal account: %s", member, picker.raw)
	return ""
}

// webhookMessage is a message object of a hand-built webhook body.
type webhookMessage map[string]any

func textMessage(from, wamid, body string) webhookMessage {
	return webhookMessage{
		"from": from, "id": wamid, "timestamp": fmt.Sprint(time.Now().Unix()),
		"type": "text", "text": map[string]string{"body": body},
	}
}

// messagesValue is the value of a "messages" change with contacts for
// each sender.
func messagesValue(messages ...webhookMessage) map[string]any {
	var contacts []map[string]any
	seen := map[string]bool{}
	for _, m := range messages {
		from, _ := m["from"].(string)
		if !seen[from] {
			seen[from] = true
			contacts = append(contacts, map[string]any{"profile": map[string]string{"name": "Kinds User"}, "wa_id": from})
		}
	}
	return map[string]any{
		"messaging_product": "whatsapp",
		"metadata":          map[string]string{"display_phone_number": devDisplayNumber, "phone_number_id": devPhoneNumberID},
		"contacts":          contacts,
		"messages":          messages,
	}
}

// webhookBody wraps change values in the Cloud API envelope, one change
// per value, in one entry.
func webhookBody(t *testing.T, values ...map[string]any) []byte {
	t.Helper()
	var changes []map[string]any
	for _, v := range values {
		changes = append(changes, map[string]any{"field": "messages", "value": v})
	}
	body, err := json.Marshal(map[string]any{
		"object": "whatsapp_business_account",
		"entry":  []map[string]any{{"id": devBusinessID, "changes": changes}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// kindCase is one inbound kind. The odd message comes from user u (a fresh
// unregistered user who sent hi, or member), in one body with a help text
// from u after it and a help text from another user v. Because one user's
// inputs are processed in order, the replies u gets before its help text
// are the replies to the odd message.
type kindCase struct {
	name   string
	member string // a demo member as u; "" for a fresh unregistered user

	// prepare runs after u sent hi (reply: hi), before the body is sent.
	prepare func(t *testing.T, k *kindsRun, u string, hi graphMessage)
	// odd returns the odd messages, sent through /mock/inbound in one batch
	// followed by the two help texts.
	odd func(t *testing.T, k *kindsRun, u string) []mockwhatsapp.InboundRequest
	// direct, instead of odd, builds a body posted straight to the bot,
	// for shapes the mock cannot send. It must carry the help messages.
	direct func(t *testing.T, k *kindsRun, u string, help []webhookMessage) []byte

	wantStatus int
	// check judges u's replies to the odd messages; nil means none.
	check func(t *testing.T, replies []graphMessage)
	// wantRead: the bot marks the odd messages of u read, which it does for
	// every input it acts on (checked only for bodies sent by the mock,
	// which has recorded their ids and so accepts their read receipts).
	wantRead bool
	// after runs extra checks once both help texts arrived.
	after func(t *testing.T, k *kindsRun, u, v string)
}

func TestInboundKinds(t *testing.T) {
	s := startStack(t)
	k := &kindsRun{s: s, watch: watchConversations(t, s)}

	for _, tc := range inboundKindCases() {
		t.Run(tc.name, func(t *testing.T) {
			k.runCase(t, tc)
		})
	}
}

func (k *kindsRun) runCase(t *testing.T, tc kindCase) {
	u := tc.member
	if u == "" {
		u = k.freshPhone()
	}
	v := k.freshPhone()
	hi := k.exchange(t, mockwhatsapp.InboundRequest{From: u, Type: "text", Text: "hi"}, 1)[0]
	k.exchange(t, mockwhatsapp.InboundRequest{From: v, Type: "text", Text: "hi"}, 1)
	if tc.prepare != nil {
		tc.prepare(t, k, u, hi)
	}
	markU, markV := k.lastSeq(u), k.lastSeq(v)

	var status int
	var oddOfU []string // wamids of odd messages whose conversation is u's
	if tc.direct != nil {
		help := []webhookMessage{textMessage(u, k.freshWAMID(), "help"), textMessage(v, k.freshWAMID(), "help")}
		status = k.s.postWebhook(t, tc.direct(t, k, u, help))
	} else {
		var batch []mockwhatsapp.InboundRequest
		for _, m := range tc.odd(t, k, u) {
			m.WAMID = k.freshWAMID()
			if m.From == u {
				oddOfU = append(oddOfU, m.WAMID)
			}
			batch = append(batch, m)
		}
		batch = append(batch,
			mockwhatsapp.InboundRequest{From: u, Type: "text", Text: "help", WAMID: k.freshWAMID()},
			mockwhatsapp.InboundRequest{From: v, Type: "text", Text: "help", WAMID: k.freshWAMID()},
		)
		res, err := mockwhatsapp.Inbound(context.Background(), k.s.client, k.s.mocks.whatsappServer.URL(), mockwhatsapp.InboundRequest{Batch: batch})
		if err != nil {
			t.Fatalf("inbound batch: %v", err)
		}
		status = res.Status
	}
	if status != tc.wantStatus {
		t.Errorf("webhook status = %d, want %d", status, tc.wantStatus)
	}

	repliesV := k.waitHelp(t, v, markV)
	if len(repliesV) != 0 {
		t.Errorf("the other user %s got %d replies before the help text, want none: %+v", v, len(repliesV), repliesV)
	}
	replies := k.waitHelp(t, u, markU)
	if tc.check == nil {
		if len(replies) != 0 {
			t.Errorf("got %d replies to the odd message, want none:\n%s", len(replies), describeItems(k.watch.conversation(u)))
		}
	} else {
		tc.check(t, replies)
	}

	items := k.watch.conversation(u)
	for _, wamid := range oddOfU {
		read := false
		for _, it := range items {
			read = read || it.readOf == wamid
		}
		if read != tc.wantRead {
			t.Errorf("message %s marked read = %v, want %v", wamid, read, tc.wantRead)
		}
	}
	for _, it := range items {
		if it.refused {
			t.Errorf("the mock refused a reply to %s: %s: %+v", u, it.Body, it.Result.Error)
		}
	}
	if tc.after != nil {
		tc.after(t, k, u, v)
	}
}

// wantReplies checks that replies has n messages.
func wantReplies(t *testing.T, replies []graphMessage, n int) bool {
	t.Helper()
	if len(replies) != n {
		t.Errorf("got %d replies, want %d: %+v", len(replies), n, replies)
		return false
	}
	return true
}

// wantUnsupported checks the E_UNSUPPORTED reply. The user is on the
// welcome screen, whose buttons still work, so it is not repeated: only a
// screen that asks for text is.
func wantUnsupported(t *testing.T, replies []graphMessage) {
	t.Helper()
	if wantReplies(t, replies, 1) {
		wantText(t, replies[0], unsupportedText)
	}
}

func inboundKindCases() []kindCase {
	oddMessage := func(req mockwhatsapp.InboundRequest) func(*testing.T, *kindsRun, string) []mockwhatsapp.InboundRequest {
		return func(_ *testing.T, _ *kindsRun, u string) []mockwhatsapp.InboundRequest {
			req.From = orDefaultString(req.From, u)
			return []mockwhatsapp.InboundRequest{req}
		}
	}
	return []kindCase{
		{
			name:       "text",
			odd:        oddMessage(mockwhatsapp.InboundRequest{Type: "text", Text: "Hello!"}),
			wantStatus: http.StatusOK,
			wantRead:   true,
			check: func(t *testing.T, replies []graphMessage) {
				if wantReplies(t, replies, 1) {
					wantInteractive(t, replies[0], "button", "reg_start", "reg_about")
				}
			},
		},
		{
			name:       "button reply",
			odd:        oddMessage(mockwhatsapp.InboundRequest{Type: "button_reply", ID: "reg_about"}),
			wantStatus: http.StatusOK,
			wantRead:   true,
			check: func(t *testing.T, replies []graphMessage) {
				if wantReplies(t, replies, 2) {
					wantText(t, replies[0], aboutHeading)
					wantInteractive(t, replies[1], "button", "reg_start", "reg_about")
				}
			},
		},
		{
			name:   "list reply",
			member: "263770000004", // Carol: personal and Carol Hardware
			odd: func(t *testing.T, k *kindsRun, u string) []mockwhatsapp.InboundRequest {
				picker := k.watch.conversation(u)
				var last graphMessage
				for _, it := range picker {
					if it.reply {
						last = it.graph()
					}
				}
				return []mockwhatsapp.InboundRequest{{From: u, Type: "list_reply", ID: personalRow(t, u, last)}}
			},
			wantStatus: http.StatusOK,
			wantRead:   true,
			check: func(t *testing.T, replies []graphMessage) {
				if wantReplies(t, replies, 1) {
					wantInteractive(t, replies[0], "list", "offer_secured", "ledger")
					wantBody(t, replies[0], "Carol Example Personal")
				}
			},
		},
		{
			name:   "template button",
			member: alicePhone, // Bob's pending 2.00 USD offer waits in her Incoming
			prepare: func(t *testing.T, k *kindsRun, u string, hi graphMessage) {
				k.pickPersonal(t, u, hi)
			},
			odd:        oddMessage(mockwhatsapp.InboundRequest{Type: "button", Payload: "offers_in", Text: "View offers"}),
			wantStatus: http.StatusOK,
			wantRead:   true,
			check: func(t *testing.T, replies []graphMessage) {
				if wantReplies(t, replies, 1) {
					wantBody(t, replies[0], "2.00 USD", "Bob Example")
				}
			},
		},
		{
			name:       "flow with fields",
			odd:        oddMessage(mockwhatsapp.InboundRequest{Type: "flow", Fields: map[string]any{"firstName": "Joan", "lastName": "Sample"}}),
			wantStatus: http.StatusOK,
			wantRead:   true,
			check: func(t *testing.T, replies []graphMessage) {
				if wantReplies(t, replies, 1) {
					wantInteractive(t, replies[0], "button", "reg_confirm", "reg_edit")
					wantBody(t, replies[0], "Joan", "Sample")
				}
			},
		},
		{
			name: "flow response not an object",
			direct: func(t *testing.T, k *kindsRun, u string, help []webhookMessage) []byte {
				flow := webhookMessage{
					"from": u, "id": k.freshWAMID(), "timestamp": fmt.Sprint(time.Now().Unix()),
					"context": map[string]string{"from": devDisplayNumber, "id": k.lastReplyID(t, u)},
					"type":    "interactive",
					"interactive": map[string]any{
						"type":      "nfm_reply",
						"nfm_reply": map[string]string{"name": "flow", "body": "Sent", "response_json": "[1,2]"},
					},
				}
				return webhookBody(t, messagesValue(append([]webhookMessage{flow}, help...)...))
			},
			wantStatus: http.StatusOK,
			check:      wantUnsupported,
		},
		{
			name:       "image",
			odd:        oddMessage(mockwhatsapp.InboundRequest{Type: "image", Caption: "receipt"}),
			wantStatus: http.StatusOK,
			wantRead:   true,
			check:      wantUnsupported,
		},
		{
			name:       "sticker",
			odd:        oddMessage(mockwhatsapp.InboundRequest{Type: "sticker"}),
			wantStatus: http.StatusOK,
			wantRead:   true,
			check:      wantUnsupported,
		},
		{
			name:       "location",
			odd:        oddMessage(mockwhatsapp.InboundRequest{Type: "location"}),
			wantStatus: http.StatusOK,
			wantRead:   true,
			check:      wantUnsupported,
		},
		{
			name:       "reaction",
			odd:        oddMessage(mockwhatsapp.InboundRequest{Type: "reaction", Emoji: "👍"}),
			wantStatus: http.StatusOK,
		},
		{
			name:       "unsupported with errors",
			odd:        oddMessage(mockwhatsapp.InboundRequest{Type: "unsupported"}),
			wantStatus: http.StatusOK,
			wantRead:   true,
			check:      wantUnsupported,
		},
		{
			name:       "group message",
			odd:        oddMessage(mockwhatsapp.InboundRequest{Type: "text", Text: "hi", GroupID: groupID}),
			wantStatus: http.StatusOK,
		},
		{
			name: "user without phone",
			odd: func(*testing.T, *kindsRun, string) []mockwhatsapp.InboundRequest {
				return []mockwhatsapp.InboundRequest{{UserID: noPhoneUserID, Name: "Username Only", Type: "text", Text: "hi"}}
			},
			wantStatus: http.StatusOK,
			after:      checkNoPhoneAnsweredOnce,
		},
		{
			name:       "unserved business number",
			odd:        oddMessage(mockwhatsapp.InboundRequest{Type: "text", Text: "menu", PhoneNumberID: unservedNumber}),
			wantStatus: http.StatusOK,
			after: func(t *testing.T, k *kindsRun, u, _ string) {
				keys, err := k.s.redis.Client(t).Keys(context.Background(), "vimbiso:*"+unservedNumber+"*").Result()
				if err != nil {
					t.Fatal(err)
				}
				if len(keys) != 0 {
					t.Errorf("redis holds %v for the unserved number, want nothing", keys)
				}
			},
		},
		{
			name: "status only",
			direct: func(t *testing.T, k *kindsRun, u string, help []webhookMessage) []byte {
				statuses := map[string]any{
					"messaging_product": "whatsapp",
					"metadata":          map[string]string{"display_phone_number": devDisplayNumber, "phone_number_id": devPhoneNumberID},
					"statuses": []map[string]any{
						{"id": k.lastReplyID(t, u), "status": "delivered", "timestamp": fmt.Sprint(time.Now().Unix()), "recipient_id": u},
						{
							"id": k.lastReplyID(t, u), "status": "failed", "timestamp": fmt.Sprint(time.Now().Unix()), "recipient_id": u,
							"errors": []map[string]any{{
								"code": 131047, "title": "Re-engagement message", "message": "Re-engagement message",
								"error_data": map[string]string{"details": "More than 24 hours have passed since the customer last replied."},
							}},
						},
					},
				}
				return webhookBody(t, statuses, messagesValue(help...))
			},
			wantStatus: http.StatusOK,
		},
		{
			name: "value errors",
			direct: func(t *testing.T, k *kindsRun, u string, help []webhookMessage) []byte {
				errs := map[string]any{
					"messaging_product": "whatsapp",
					"metadata":          map[string]string{"display_phone_number": devDisplayNumber, "phone_number_id": devPhoneNumberID},
					"errors": []map[string]any{{
						"code": 131000, "title": "Something went wrong", "message": "Something went wrong",
						"error_data": map[string]string{"details": "Message failed to send because of an unknown error."},
					}},
				}
				return webhookBody(t, errs, messagesValue(help...))
			},
			wantStatus: http.StatusOK,
		},
		{
			name: "batch from two users",
			odd: func(t *testing.T, k *kindsRun, u string) []mockwhatsapp.InboundRequest {
				w := k.freshPhone()
				k.peer = w
				return []mockwhatsapp.InboundRequest{
					{From: u, Type: "text", Text: "ok"},
					{From: w, Type: "text", Text: "hi"},
					{From: u, Type: "button_reply", ID: "reg_about"},
					{From: w, Type: "text", Text: "thanks"},
				}
			},
			wantStatus: http.StatusOK,
			wantRead:   true,
			check: func(t *testing.T, replies []graphMessage) {
				if wantReplies(t, replies, 3) {
					wantText(t, replies[0], "🙏")
					wantText(t, replies[1], aboutHeading)
					wantInteractive(t, replies[2], "button", "reg_start", "reg_about")
				}
			},
			after: func(t *testing.T, k *kindsRun, _, _ string) {
				w := k.peer
				items, ok := k.watch.waitFor(context.Background(), w, replyTimeout, func(items []convItem) bool {
					n := 0
					for _, it := range items {
						if it.reply {
							n++
						}
					}
					return n >= 2
				})
				if !ok {
					t.Fatalf("the second user of the batch did not get two replies:\n%s", describeItems(items))
				}
				var got []graphMessage
				for _, it := range items {
					if it.reply {
						got = append(got, it.graph())
					}
				}
				if wantReplies(t, got, 2) {
					wantInteractive(t, got[0], "button", "reg_start")
					wantText(t, got[1], "🙏")
				}
			},
		},
	}
}

// checkNoPhoneAnsweredOnce checks that the user known only by a
// business-scoped id got E_NO_PHONE, addressed with recipient, and that a
// second message gets no second reply.
func checkNoPhoneAnsweredOnce(t *testing.T, k *kindsRun, _, v string) {
	isNoPhone := func(it convItem) bool { return it.reply && strings.Contains(it.graph().body(), noPhoneText) }
	items, ok := k.watch.waitFor(context.Background(), noPhoneUserID, replyTimeout, func(items []convItem) bool {
		for _, it := range items {
			if isNoPhone(it) {
				return true
			}
		}
		return false
	})
	if !ok {
		t.Fatalf("the user without a phone got no E_NO_PHONE:\n%s", describeItems(items))
	}
	var sent struct {
		To        string `json:"to"`
		Recipient string `json:"recipient"`
	}
	for _, it := range items {
		if isNoPhone(it) {
			_ = json.Unmarshal(it.Body, &sent)
		}
	}
	if sent.Recipient != noPhoneUserID || sent.To != "" {
		t.Errorf("E_NO_PHONE addressed to=%q recipient=%q, want recipient %q and no to", sent.To, sent.Recipient, noPhoneUserID)
	}

	// The claim that allows one reply is taken before the webhook responds
	// 200, so once this body is acknowledged no second reply can follow.
	markV := k.lastSeq(v)
	res, err := mockwhatsapp.Inbound(context.Background(), k.s.client, k.s.mocks.whatsappServer.URL(), mockwhatsapp.InboundRequest{Batch: []mockwhatsapp.InboundRequest{
		{UserID: noPhoneUserID, Type: "text", Text: "hello again", WAMID: k.freshWAMID()},
		{From: v, Type: "text", Text: "help", WAMID: k.freshWAMID()},
	}})
	if err != nil || res.Status != http.StatusOK {
		t.Fatalf("second message without a phone: status %d, err %v", res.Status, err)
	}
	k.waitHelp(t, v, markV)
	answers := 0
	for _, it := range k.watch.conversation(noPhoneUserID) {
		if it.reply {
			answers++
		}
	}
	if answers != 1 {
		t.Errorf("the user without a phone got %d replies, want 1 E_NO_PHONE:\n%s", answers, describeItems(k.watch.conversation(noPhoneUserID)))
	}
}

func orDefaultString(value, fallback string) string {
	if value == "" {
		return fallback
	}
	return value
}
