package mockwhatsapp

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestEventsStream(t *testing.T) {
	_, srv, _ := newMock(t, Config{NoStatuses: true})

	resp, err := http.Get(srv.URL + "/mock/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type = %q, want text/event-stream", ct)
	}

	lines := make(chan string, 64)
	go func() {
		scanner := bufio.NewScanner(resp.Body)
		for scanner.Scan() {
			lines <- scanner.Text()
		}
		close(lines)
	}()
	waitLine := func(prefix string) string {
		t.Helper()
		timeout := time.After(5 * time.Second)
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					t.Fatalf("stream ended before a %q line", prefix)
				}
				if strings.HasPrefix(line, prefix) {
					return strings.TrimPrefix(line, prefix)
				}
			case <-timeout:
				t.Fatalf("no %q line within 5 s", prefix)
			}
		}
	}
	waitLine(": connected")

	got := inbound(t, srv, InboundRequest{From: testUser, Text: "hi"})
	if kind := waitLine("event: "); kind != "item" {
		t.Fatalf("event = %q, want item", kind)
	}
	var e itemEvent
	if err := json.Unmarshal([]byte(waitLine("data: ")), &e); err != nil {
		t.Fatal(err)
	}
	if e.User != testUser || e.Seq != got.Seq || e.Direction != DirectionIn {
		t.Errorf("event = %+v, want the inbound item of %s", e, testUser)
	}

	do(t, http.MethodDelete, srv.URL+"/mock/conversations/"+testUser, "", nil)
	if kind := waitLine("event: "); kind != "cleared" {
		t.Errorf("event after DELETE = %q, want cleared", kind)
	}
}
