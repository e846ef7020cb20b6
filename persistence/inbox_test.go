package persistence

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vimbisopay/vimbiso"
	"github.com/vimbisopay/vimbiso/persistence/redistest"
)

func TestAcceptDuplicates(t *testing.T) {
	a, b := testUser(1), testUser(2)
	tests := []struct {
		name   string
		bodies [][]Incoming
		want   [][]bool // Duplicate per item
		inbox  map[vimbiso.User][]string
	}{
		{
			name:   "new ids",
			bodies: [][]Incoming{{textIn(a, "w1", "one"), textIn(a, "w2", "two")}},
			want:   [][]bool{{false, false}},
			inbox:  map[vimbiso.User][]string{a: {"one", "two"}},
		},
		{
			name:   "same id in one body",
			bodies: [][]Incoming{{textIn(a, "w1", "one"), textIn(a, "w1", "again")}},
			want:   [][]bool{{false, true}},
			inbox:  map[vimbiso.User][]string{a: {"one"}},
		},
		{
			name: "same id across bodies",
			bodies: [][]Incoming{
				{textIn(a, "w1", "one")},
				{textIn(a, "w1", "again"), textIn(a, "w2", "two")},
			},
			want:  [][]bool{{false}, {true, false}},
			inbox: map[vimbiso.User][]string{a: {"one", "two"}},
		},
		{
			// A CredEx event fanned out to two members is one input each.
			name:   "same id for two users",
			bodies: [][]Incoming{{textIn(a, "e1", "for a"), textIn(b, "e1", "for b")}},
			want:   [][]bool{{false, false}},
			inbox:  map[vimbiso.User][]string{a: {"for a"}, b: {"for b"}},
		},
		{
			name:   "empty id is never a duplicate",
			bodies: [][]Incoming{{textIn(a, "", "one"), textIn(a, "", "two")}},
			want:   [][]bool{{false, false}},
			inbox:  map[vimbiso.User][]string{a: {"one", "two"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := newEnv(t, Options{})

			firstID := map[string]string{}
			for i, body := range tt.bodies {
				got := mustAccept(t, env.store, body...)
				for j, acc := range got {
					if acc.Duplicate != tt.want[i][j] {
						t.Errorf("body %d item %d: Duplicate = %v, want %v", i, j, acc.Duplicate, tt.want[i][j])
					}
					key := body[j].User.Key() + "/" + body[j].DedupeID
					if !acc.Duplicate {
						firstID[key] = acc.Item.ID
						continue
					}
					if acc.Item.ID != firstID[key] {
						t.Errorf("body %d item %d: duplicate ID = %q, want first copy's %q", i, j, acc.Item.ID, firstID[key])
					}
				}
			}
			for u, want := range tt.inbox {
				if got := pendingTexts(t, env.store, u); !slices.Equal(got, want) {
					t.Errorf("pending of %s = %q, want %q", u.Hash(), got, want)
				}
			}
		})
	}
}

func TestAcceptConcurrentSameID(t *testing.T) {
	env := newEnv(t, Options{})
	u := testUser(1)
	const callers = 50

	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		added int
		errs  []error
	)
	for range callers {
		wg.Go(func() {
			got, err := env.store.Accept(context.Background(), []Incoming{textIn(u, "w1", "hi")})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			if !got[0].Duplicate {
				added++
			}
		})
	}
	wg.Wait()

	if len(errs) > 0 {
		t.Fatalf("Accept failed %d times, first: %v", len(errs), errs[0])
	}
	if added != 1 {
		t.Errorf("%d of %d concurrent Accepts stored the item, want 1", added, callers)
	}
	if n := env.raw.XLen(context.Background(), keysOf(u).inbox).Val(); n != 1 {
		t.Errorf("inbox length = %d, want 1", n)
	}
}

func TestAcceptBatchOneRoundTrip(t *testing.T) {
	env := newEnv(t, Options{})
	mustAccept(t, env.store, textIn(testUser(9), "warm", "loads the script"))

	var body []Incoming
	for n := 1; n <= 3; n++ {
		u := testUser(n)
		body = append(body, textIn(u, u.WaID+"-1", "first"), textIn(u, u.WaID+"-2", "second"))
	}
	var got []Accepted
	trips := env.trips.count(func() { got = mustAccept(t, env.store, body...) })

	if trips != 1 {
		t.Errorf("Accept of 3 users made %d round trips, want 1", trips)
	}
	if len(got) != len(body) {
		t.Fatalf("Accept returned %d results, want %d", len(got), len(body))
	}
	for n := 1; n <= 3; n++ {
		u := testUser(n)
		if texts := pendingTexts(t, env.store, u); !slices.Equal(texts, []string{"first", "second"}) {
			t.Errorf("pending of user %d = %q, want [first second]", n, texts)
		}
	}
}

func TestAcceptAfterScriptFlush(t *testing.T) {
	env := newEnv(t, Options{})
	u := testUser(1)
	mustAccept(t, env.store, textIn(u, "w1", "one"))

	if err := env.raw.ScriptFlush(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	got := mustAccept(t, env.store, textIn(u, "w1", "again"), textIn(u, "w2", "two"), textIn(u, "w3", "three"))

	if !got[0].Duplicate || got[1].Duplicate || got[2].Duplicate {
		t.Errorf("Duplicate flags = %v %v %v, want true false false", got[0].Duplicate, got[1].Duplicate, got[2].Duplicate)
	}
	if texts := pendingTexts(t, env.store, u); !slices.Equal(texts, []string{"one", "two", "three"}) {
		t.Errorf("pending = %q, want [one two three]", texts)
	}
}

func TestAcceptRedisDown(t *testing.T) {
	srv := redistest.Start(t)
	// One attempt, so that the test does not wait out the client's retries.
	store := New(redis.NewClient(&redis.Options{Addr: srv.Addr, MaxRetries: -1, DialerRetries: 1}), nil, Options{})
	t.Cleanup(func() { _ = store.Close() })
	srv.Stop(t)

	got, err := store.Accept(context.Background(), []Incoming{textIn(testUser(1), "w1", "hi")})

	if !errors.Is(err, vimbiso.ErrUnavailable) {
		t.Errorf("Accept with Redis down: error = %v, want one wrapping ErrUnavailable", err)
	}
	if got != nil {
		t.Errorf("Accept with Redis down returned %d results, want none", len(got))
	}
}

func TestAcceptRejects(t *testing.T) {
	env := newEnv(t, Options{})
	result := textIn(testUser(1), "r1", "")
	result.Input = vimbiso.Input{Kind: vimbiso.InputResult, Result: &vimbiso.Result{}}

	tests := []struct {
		name string
		item Incoming
	}{
		{"empty wa_id", textIn(vimbiso.User{PhoneNumberID: "1"}, "w1", "hi")},
		{"empty phone_number_id", textIn(vimbiso.User{WaID: "263770000001"}, "w1", "hi")},
		{"brace in wa_id", textIn(vimbiso.User{PhoneNumberID: "1", WaID: "26377}"}, "w1", "hi")},
		{"result input", result},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.store.Accept(context.Background(), []Incoming{textIn(testUser(2), "ok", "fine"), tt.item})
			if err == nil {
				t.Fatal("Accept succeeded, want an error")
			}
			if errors.Is(err, vimbiso.ErrUnavailable) {
				t.Errorf("Accept error %v wraps ErrUnavailable, want a plain error", err)
			}
		})
	}
	if n := env.raw.Exists(context.Background(), keysOf(testUser(2)).inbox).Val(); n != 0 {
		t.Error("a rejected body stored its valid items, want nothing stored")
	}
}

func TestAcceptKeepsInput(t *testing.T) {
	env := newEnv(t, Options{})
	u := testUser(1)
	in := vimbiso.Input{
		Kind:       vimbiso.InputEvent,
		MessageID:  "evt-1",
		Form:       map[string]string{"amount": "5"},
		BSUID:      "ZW.123",
		SentAt:     testTime,
		ReceivedAt: testTime.Add(2 * time.Second),
		Event:      &vimbiso.Event{ID: "evt-1", Kind: vimbiso.EventOfferUpdate, Status: "pending", Amount: "2.00 USD"},
	}

	acc := mustAccept(t, env.store, Incoming{User: u, Input: in, DedupeID: "evt-1"})
	pending := mustLoad(t, env.store, u).Pending

	if len(pending) != 1 {
		t.Fatalf("Load returned %d pending items, want 1", len(pending))
	}
	want := vimbiso.InboxItem{ID: acc[0].Item.ID, User: u, Input: in}
	if got := pending[0]; got.ID != want.ID || got.User != want.User || !reflect.DeepEqual(got.Input, want.Input) {
		t.Errorf("pending[0] = %+v, want %+v", got, want)
	}
}

func TestDedupeTTL(t *testing.T) {
	env := newEnv(t, Options{DedupeTTL: 7 * time.Hour})
	u := testUser(1)

	mustAccept(t, env.store, textIn(u, "w1", "hi"))

	checkTTL(t, env.raw, keysOf(u).dedupe("w1"), env.store.opts.DedupeTTL)
	if got := pttl(t, env.raw, keysOf(u).inbox); got != -1 {
		t.Errorf("inbox PTTL = %v, want -1 (no expiry)", got)
	}
}
