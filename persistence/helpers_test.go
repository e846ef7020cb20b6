package persistence

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vimbisopay/vimbiso"
	"github.com/vimbisopay/vimbiso/persistence/redistest"
)

// testEnv is a Store on its own redis-server, with a second client for
// checks and a count of the round trips the Store made.
type testEnv struct {
	store  *Store
	srv    *redistest.Server
	raw    *redis.Client // for checks behind the Store's back
	trips  *roundTrips
	client *redis.Client // the Store's state client
}

func newEnv(t testing.TB, opts Options) *testEnv {
	t.Helper()

	srv := redistest.Start(t)
	client := redis.NewClient(&redis.Options{Addr: srv.Addr})
	trips := &roundTrips{}
	client.AddHook(trips)
	store := New(client, nil, opts)
	t.Cleanup(func() { _ = store.Close() })

	return &testEnv{store: store, srv: srv, raw: srv.Client(t), trips: trips, client: client}
}

// roundTrips counts commands and pipelines sent through a client; a
// pipeline counts once.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmd)
	}
}

func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmds)
	}
}

// count returns the round trips made while fn runs.
func (r *roundTrips) count(fn func()) int64 {
	before := r.n.Load()
	fn()
	return r.n.Load() - before
}

func testUser(n int) vimbiso.User {
	return vimbiso.User{PhoneNumberID: "100200300", WaID: fmt.Sprintf("2637700000%02d", n)}
}

var testTime = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func textIn(u vimbiso.User, id, text string) Incoming {
	return Incoming{
		User:     u,
		DedupeID: id,
		Input: vimbiso.Input{
			Kind:       vimbiso.InputText,
			MessageID:  id,
			Type:       "text",
			Text:       text,
			SentAt:     testTime,
			ReceivedAt: testTime.Add(time.Second),
		},
	}
}

func mustAccept(t testing.TB, s *Store, items ...Incoming) []Accepted {
	t.Helper()
	got, err := s.Accept(context.Background(), items)
	if err != nil {
		t.Fatalf("Accept: %v", err)
	}
	return got
}

func mustLoad(t testing.TB, s *Store, u vimbiso.User) Loaded {
	t.Helper()
	l, err := s.Load(context.Background(), u)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return l
}

// pendingTexts returns the Text of each pending input of u.
func pendingTexts(t testing.TB, s *Store, u vimbiso.User) []string {
	t.Helper()
	var texts []string
	for _, it := range mustLoad(t, s, u).Pending {
		texts = append(texts, it.Input.Text)
	}
	return texts
}

// pttl returns the remaining lifetime of key.
func pttl(t testing.TB, c *redis.Client, key string) time.Duration {
	t.Helper()
	d, err := c.PTTL(context.Background(), key).Result()
	if err != nil {
		t.Fatalf("PTTL %s: %v", key, err)
	}
	return d
}

// checkTTL fails unless key expires within (want-slack, want].
func checkTTL(t testing.TB, c *redis.Client, key string, want time.Duration) {
	t.Helper()
	const slack = time.Minute
	if got := pttl(t, c, key); got > want || got <= want-slack {
		t.Errorf("PTTL %s = %v, want %v (less at most %v)", key, got, want, slack)
	}
}
