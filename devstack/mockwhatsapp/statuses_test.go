package mockwhatsapp

import (
	"slices"
	"testing"
)

func TestStatusesPosted(t *testing.T) {
	s, srv, bot := newMock(t, Config{})
	inbound(t, srv, InboundRequest{From: testUser, Text: "hi"})
	bot.next(t)

	id := acceptedID(t, send(t, srv, textTo(testUser, "hello")))
	var kinds []string
	for range 3 {
		d := bot.next(t)
		v := d.payload.Entry[0].Changes[0].Value
		if len(v.Statuses) != 1 {
			t.Fatalf("delivery %s, want one status", d.body)
		}
		if v.Metadata.PhoneNumberID != testPhone || d.payload.Entry[0].Changes[0].Field != "messages" {
			t.Errorf("status delivery envelope = %s, want our metadata and field messages", d.body)
		}
		st := v.Statuses[0]
		if st.ID != id || st.RecipientID != testUser || st.Timestamp == "" {
			t.Errorf("status = %+v, want id %s and recipient %s", st, id, testUser)
		}
		kinds = append(kinds, st.Status)
	}
	if want := []string{"sent", "delivered", "read"}; !slices.Equal(kinds, want) {
		t.Errorf("statuses = %v, want %v", kinds, want)
	}

	s.Close()
	var recorded []string
	for _, it := range s.store.after(testUser, 0) {
		if it.Direction == DirectionStatus {
			recorded = append(recorded, it.Direction)
		}
	}
	if len(recorded) != 3 {
		t.Errorf("recorded %d status items, want 3", len(recorded))
	}
}

func TestStatusesShuffled(t *testing.T) {
	_, srv, bot := newMock(t, Config{ShuffleStatuses: true})
	inbound(t, srv, InboundRequest{From: testUser, Text: "hi"})
	bot.next(t)

	acceptedID(t, send(t, srv, textTo(testUser, "hello")))
	var kinds []string
	for range 3 {
		kinds = append(kinds, bot.nextStatus(t).Status)
	}
	slices.Sort(kinds)
	if want := []string{"delivered", "read", "sent"}; !slices.Equal(kinds, want) {
		t.Errorf("shuffled statuses = %v, want each of %v once", kinds, want)
	}
}

func TestNoStatuses(t *testing.T) {
	s, srv, bot := newMock(t, Config{NoStatuses: true})
	inbound(t, srv, InboundRequest{From: testUser, Text: "hi"})
	bot.next(t)

	acceptedID(t, send(t, srv, textTo(testUser, "hello")))
	s.Close() // waits for any background delivery
	if n := len(bot.got); n != 0 {
		t.Errorf("bot got %d deliveries after a send with NoStatuses, want 0", n)
	}
}

func TestCloseStopsStatuses(t *testing.T) {
	s, srv, bot := newMock(t, Config{})
	inbound(t, srv, InboundRequest{From: testUser, Text: "hi"})
	bot.next(t)
	s.Close()

	acceptedID(t, send(t, srv, textTo(testUser, "hello")))
	if n := len(bot.got); n != 0 {
		t.Errorf("bot got %d deliveries after Close, want 0", n)
	}
}
