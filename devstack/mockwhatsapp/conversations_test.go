package mockwhatsapp

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
)

func TestMessagesPaging(t *testing.T) {
	_, srv, bot := newMock(t, Config{NoStatuses: true})
	first := inbound(t, srv, InboundRequest{From: testUser, Text: "one"})
	other := inbound(t, srv, InboundRequest{From: "263770000002", Text: "other"})
	acceptedID(t, send(t, srv, textTo(testUser, "two")))
	for range 2 {
		bot.next(t)
	}

	ctx := context.Background()
	all, err := Messages(ctx, http.DefaultClient, srv.URL, testUser, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Direction != DirectionIn || all[1].Direction != DirectionOut {
		t.Fatalf("messages = %+v, want in then out", all)
	}
	// seq increases across users: the other user's message sits between.
	if all[0].Seq != first.Seq || other.Seq <= all[0].Seq || all[1].Seq <= other.Seq {
		t.Errorf("seqs = %d, %d (other user %d), want increasing across users", all[0].Seq, all[1].Seq, other.Seq)
	}
	if all[1].Result == nil || all[1].Result.HTTPStatus != 200 || all[1].Result.Error != nil || all[0].Result != nil {
		t.Errorf("results = %+v / %+v, want result only on the out item", all[0].Result, all[1].Result)
	}
	if all[0].PhoneNumberID != testPhone || len(all[0].Time) != len("2026-12-04T10:00:00.123Z") {
		t.Errorf("item = %+v, want phone number id and a millisecond UTC time", all[0])
	}

	after, err := Messages(ctx, http.DefaultClient, srv.URL, testUser, all[0].Seq)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != 1 || after[0].Seq != all[1].Seq {
		t.Errorf("messages after %d = %+v, want only the out item", all[0].Seq, after)
	}

	resp := do(t, http.MethodGet, srv.URL+"/mock/conversations/"+testUser+"/messages?after=x", "", nil)
	if resp.status != http.StatusBadRequest {
		t.Errorf("after=x = %d, want 400", resp.status)
	}
}

func TestConversationsListAndDelete(t *testing.T) {
	_, srv, bot := newMock(t, Config{NoStatuses: true})
	inbound(t, srv, InboundRequest{From: testUser, Text: "one"})
	inbound(t, srv, InboundRequest{From: testUser, Text: "two"})
	inbound(t, srv, InboundRequest{From: "263770000002", Name: "Bob", Text: "hi"})
	for range 3 {
		bot.next(t)
	}

	var list struct {
		Conversations []conversationSummary `json:"conversations"`
	}
	json.Unmarshal(do(t, http.MethodGet, srv.URL+"/mock/conversations", "", nil).body, &list)
	if len(list.Conversations) != 2 {
		t.Fatalf("conversations = %+v, want 2", list.Conversations)
	}
	if c := list.Conversations[0]; c.User != testUser || c.Messages != 2 || c.Name != "Alice Example" {
		t.Errorf("first conversation = %+v, want %s with 2 messages", c, testUser)
	}
	if c := list.Conversations[1]; c.Name != "Bob" || c.Messages != 1 {
		t.Errorf("second conversation = %+v, want Bob with 1 message", c)
	}

	if resp := do(t, http.MethodDelete, srv.URL+"/mock/conversations/"+testUser, "", nil); resp.status != http.StatusNoContent {
		t.Fatalf("DELETE conversation = %d, want 204", resp.status)
	}
	items, err := Messages(context.Background(), http.DefaultClient, srv.URL, testUser, 0)
	if err != nil || len(items) != 0 {
		t.Errorf("messages after DELETE = %v (%v), want none", items, err)
	}
	// The 24-hour window survives clearing the page.
	if resp := send(t, srv, textTo(testUser, "still open")); resp.status != http.StatusOK {
		t.Errorf("send after DELETE = %d, want 200", resp.status)
	}
}
