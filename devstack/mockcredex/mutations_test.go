package mockcredex

import (
	"net/http"
	"testing"
)

func TestMutationsCountRepeatedKeys(t *testing.T) {
	s, _ := newTestServer(t, nil)
	bob := login(t, s, "263770000002")
	send := func(key string) response {
		return do(t, s, request{path: "/createCredex", token: bob, body: offerBody(bobPersonalID, carolPersonalID, 1, true, nil),
			header: map[string]string{"Idempotency-Key": key}})
	}

	// The same key twice creates two offers: the real service ignores the
	// header, so the mock must too.
	first, second := send("k1"), send("k1")
	mustStatus(t, "first", first, http.StatusOK)
	mustStatus(t, "second", second, http.StatusOK)
	if first.str("data.action.id") == second.str("data.action.id") {
		t.Errorf("repeated key deduplicated: both answers name %s", first.str("data.action.id"))
	}
	send("k2")
	do(t, s, request{path: "/createCredex", token: "expired", body: offerBody(bobPersonalID, carolPersonalID, 1, true, nil),
		header: map[string]string{"Idempotency-Key": "k1"}})

	want := []Mutation{
		{Seq: 1, Endpoint: "createCredex", IdempotencyKey: "k1", Status: 200, Repeats: 0, Committed: true},
		{Seq: 2, Endpoint: "createCredex", IdempotencyKey: "k1", Status: 200, Repeats: 1, Committed: true},
		{Seq: 3, Endpoint: "createCredex", IdempotencyKey: "k2", Status: 200, Repeats: 0, Committed: true},
		{Seq: 4, Endpoint: "createCredex", IdempotencyKey: "k1", Status: 401, Repeats: 2, Committed: false},
	}
	got := s.Mutations()
	if len(got) != len(want) {
		t.Fatalf("Mutations() = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Mutations()[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}

	// Reads are not mutations; the admin listing shows the same records.
	listed := admin(t, s, http.MethodGet, "/mock/mutations", nil)
	if n := len(listed.get("mutations").([]any)); n != 4 {
		t.Errorf("GET /mock/mutations lists %d records, want 4", n)
	}
	if listed.get("mutations.1.repeats") != 1.0 {
		t.Errorf("GET /mock/mutations second record = %v", listed.get("mutations.1"))
	}
}
