package mockwhatsapp

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

func addFault(t *testing.T, url string, f map[string]any) {
	t.Helper()
	resp := do(t, http.MethodPost, url+"/mock/faults", "", f)
	if resp.status != http.StatusOK {
		t.Fatalf("POST /mock/faults %v = %d %s, want 200", f, resp.status, resp.body)
	}
}

func TestFaultTimes(t *testing.T) {
	_, srv, _ := newMock(t, Config{NoStatuses: true})
	inbound(t, srv, InboundRequest{From: testUser, Text: "hi"})
	inbound(t, srv, InboundRequest{From: "263770000002", Text: "hi"})
	addFault(t, srv.URL, map[string]any{"to": testUser, "times": 2, "http_status": 429, "code": 130429, "retry_after": 1})

	// Another user is not affected.
	if resp := send(t, srv, textTo("263770000002", "hi")); resp.status != http.StatusOK {
		t.Errorf("send to other user = %d, want 200", resp.status)
	}
	for i := range 2 {
		resp := send(t, srv, textTo(testUser, "hi"))
		if resp.status != http.StatusTooManyRequests {
			t.Fatalf("send %d = %d, want 429", i+1, resp.status)
		}
		if code := resp.graphError(t).Code; code != 130429 {
			t.Errorf("send %d: code %d, want 130429", i+1, code)
		}
		if got := resp.header.Get("Retry-After"); got != "1" {
			t.Errorf("send %d: Retry-After = %q, want 1", i+1, got)
		}
	}
	if resp := send(t, srv, textTo(testUser, "hi")); resp.status != http.StatusOK {
		t.Errorf("send after the fault was used up = %d, want 200", resp.status)
	}
}

func TestFaultAnyone(t *testing.T) {
	_, srv, _ := newMock(t, Config{NoStatuses: true})
	inbound(t, srv, InboundRequest{From: "263770000002", Text: "hi"})
	addFault(t, srv.URL, map[string]any{"code": 131000})

	resp := send(t, srv, textTo("263770000002", "hi"))
	if resp.status != http.StatusInternalServerError || resp.graphError(t).Code != 131000 {
		t.Errorf("send = %d %s, want 500 code 131000", resp.status, resp.body)
	}
}

func TestFaultDelay(t *testing.T) {
	_, srv, _ := newMock(t, Config{NoStatuses: true})
	inbound(t, srv, InboundRequest{From: testUser, Text: "hi"})
	addFault(t, srv.URL, map[string]any{"to": testUser, "delay_ms": 200})

	start := time.Now()
	resp := send(t, srv, textTo(testUser, "hi"))
	if elapsed := time.Since(start); elapsed < 200*time.Millisecond {
		t.Errorf("delayed send took %s, want at least 200ms", elapsed)
	}
	if resp.status != http.StatusOK {
		t.Errorf("delayed send = %d, want 200 (a delay does not fail)", resp.status)
	}
}

func TestFaultAsStatus(t *testing.T) {
	_, srv, bot := newMock(t, Config{})
	inbound(t, srv, InboundRequest{From: testUser, Text: "hi"})
	bot.next(t) // the inbound delivery
	addFault(t, srv.URL, map[string]any{"to": testUser, "code": 131047, "as_status": true})

	id := acceptedID(t, send(t, srv, textTo(testUser, "hi")))
	st := bot.nextStatus(t)
	if st.ID != id || st.Status != "failed" {
		t.Fatalf("status = %+v, want failed for %s", st, id)
	}
	if len(st.Errors) != 1 || st.Errors[0].Code != 131047 || st.Errors[0].Title != "Re-engagement message" {
		t.Errorf("status errors = %+v, want one 131047", st.Errors)
	}
	if st.RecipientID != testUser {
		t.Errorf("recipient_id = %q, want %q", st.RecipientID, testUser)
	}
}

func TestFaultListAndClear(t *testing.T) {
	_, srv, _ := newMock(t, Config{NoStatuses: true})
	addFault(t, srv.URL, map[string]any{"to": testUser, "times": 3, "code": 131000})

	var list struct {
		Faults []fault `json:"faults"`
	}
	json.Unmarshal(do(t, http.MethodGet, srv.URL+"/mock/faults", "", nil).body, &list)
	if len(list.Faults) != 1 || list.Faults[0].Times != 3 || list.Faults[0].To != testUser {
		t.Errorf("GET /mock/faults = %+v, want the fault", list.Faults)
	}

	do(t, http.MethodDelete, srv.URL+"/mock/faults", "", nil)
	json.Unmarshal(do(t, http.MethodGet, srv.URL+"/mock/faults", "", nil).body, &list)
	if len(list.Faults) != 0 {
		t.Errorf("GET /mock/faults after DELETE = %+v, want none", list.Faults)
	}
}

func TestFaultInvalid(t *testing.T) {
	_, srv, _ := newMock(t, Config{NoStatuses: true})
	for _, f := range []map[string]any{
		{"times": 0},
		{"http_status": 200},
		{"delay_ms": -1},
	} {
		resp := do(t, http.MethodPost, srv.URL+"/mock/faults", "", f)
		if resp.status != http.StatusBadRequest {
			t.Errorf("POST /mock/faults %v = %d, want 400", f, resp.status)
		}
	}
}
