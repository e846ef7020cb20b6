package persistence

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/vimbisopay/vimbiso"
	"github.com/vimbisopay/vimbiso/persistence/redistest"
)

// twoNodes returns two Stores with their own clients on one redis-server,
// as two nodes of the service see the state Redis, and a client for checks.
func twoNodes(t *testing.T) (a, b *Store, raw *redis.Client) {
	t.Helper()
	srv := redistest.Start(t)
	a = New(redis.NewClient(&redis.Options{Addr: srv.Addr}), nil, Options{})
	b = New(redis.NewClient(&redis.Options{Addr: srv.Addr}), nil, Options{})
	t.Cleanup(func() { _ = a.Close(); _ = b.Close() })
	return a, b, srv.Client(t)
}

// mustTake takes a token at the given time and fails the test on error.
func mustTake(t *testing.T, ctx context.Context, s *Store, perMinute int, at time.Time) time.Duration {
	t.Helper()
	wait, err := s.takeCredExToken(ctx, perMinute, at)
	if err != nil {
		t.Fatalf("takeCredExToken: %v", err)
	}
	return wait
}

func TestCredExBudgetSharedByNodes(t *testing.T) {
	a, b, raw := twoNodes(t)
	ctx := context.Background()
	start := testTime

	// Three calls a minute: the first three go at once, whichever node
	// makes them.
	for i, node := range []*Store{a, b, a} {
		if wait := mustTake(t, ctx, node, 3, start); wait != 0 {
			t.Errorf("take %d: wait = %v, want 0", i+1, wait)
		}
	}

	// The next three are reserved one minute after the first three, and
	// the seventh one minute after those.
	for i, node := range []*Store{b, a, b} {
		if wait := mustTake(t, ctx, node, 3, start); wait != time.Minute {
			t.Errorf("take %d: wait = %v, want 1m", i+4, wait)
		}
	}
	if wait := mustTake(t, ctx, a, 3, start); wait != 2*time.Minute {
		t.Errorf("take 7: wait = %v, want 2m", wait)
	}
	if n := raw.ZCard(ctx, keyCredExBudget).Val(); n != 7 {
		t.Errorf("ZCARD %s = %d, want 7 reservations", keyCredExBudget, n)
	}
}

func TestCredExBudgetWindowRolls(t *testing.T) {
	a, b, _ := twoNodes(t)
	ctx := context.Background()
	start := testTime

	mustTake(t, ctx, a, 2, start)
	mustTake(t, ctx, b, 2, start.Add(10*time.Second))
	if wait := mustTake(t, ctx, a, 2, start.Add(30*time.Second)); wait != 30*time.Second {
		t.Errorf("take at +30s: wait = %v, want 30s", wait)
	}

	// At +70s the calls at 0s and 10s are out of the window, but the one
	// reserved for +60s is in it.
	if wait := mustTake(t, ctx, b, 2, start.Add(70*time.Second)); wait != 0 {
		t.Errorf("take at +70s: wait = %v, want 0", wait)
	}
	if wait := mustTake(t, ctx, b, 2, start.Add(70*time.Second)); wait != 50*time.Second {
		t.Errorf("second take at +70s: wait = %v, want 50s", wait)
	}
}

func TestCredExBudgetDeadline(t *testing.T) {
	a, b, raw := twoNodes(t)
	start := testTime
	mustTake(t, context.Background(), a, 1, start)

	// A wait of a minute does not fit a 10-second deadline: nothing is
	// reserved, so the next caller without a deadline gets the same slot.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if wait := mustTake(t, ctx, b, 1, start); wait != time.Minute {
		t.Errorf("take with deadline: wait = %v, want 1m", wait)
	}
	if n := raw.ZCard(context.Background(), keyCredExBudget).Val(); n != 1 {
		t.Errorf("ZCARD after a refused take = %d, want 1", n)
	}
	if wait := mustTake(t, context.Background(), a, 1, start); wait != time.Minute {
		t.Errorf("take without deadline: wait = %v, want 1m", wait)
	}
}

func TestCredExBudgetConcurrent(t *testing.T) {
	a, b, _ := twoNodes(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// Forty callers on two nodes race for ten calls. Waits of a minute do
	// not fit the deadline, so exactly ten callers get a call.
	const callers, perMinute = 40, 10
	var (
		mu     sync.Mutex
		atOnce int
		wg     sync.WaitGroup
	)
	for i := range callers {
		node := []*Store{a, b}[i%2]
		wg.Go(func() {
			wait, err := node.takeCredExToken(ctx, perMinute, testTime)
			if err != nil {
				t.Errorf("takeCredExToken: %v", err)
				return
			}
			if wait == 0 {
				mu.Lock()
				atOnce++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if atOnce != perMinute {
		t.Errorf("callers served at once = %d, want %d", atOnce, perMinute)
	}
}

func TestCredExBudgetRedisClock(t *testing.T) {
	a, b, raw := twoNodes(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	for i, node := range []*Store{a, b} {
		wait, err := node.TakeCredExToken(ctx, 2)
		if err != nil || wait != 0 {
			t.Errorf("TakeCredExToken %d = %v, %v; want 0, nil", i+1, wait, err)
		}
	}
	wait, err := a.TakeCredExToken(ctx, 2)
	if err != nil {
		t.Fatalf("TakeCredExToken 3: %v", err)
	}
	if wait <= 0 || wait > time.Minute {
		t.Errorf("TakeCredExToken 3: wait = %v, want within (0, 1m]", wait)
	}
	if ttl := pttl(t, raw, keyCredExBudget); ttl <= 0 || ttl > time.Minute {
		t.Errorf("PTTL %s = %v, want within (0, 1m]", keyCredExBudget, ttl)
	}
}

func TestCredExBudgetErrors(t *testing.T) {
	srv := redistest.Start(t)
	s := New(redis.NewClient(&redis.Options{Addr: srv.Addr, MaxRetries: -1}), nil, Options{})
	t.Cleanup(func() { _ = s.Close() })
	ctx := context.Background()

	if _, err := s.TakeCredExToken(ctx, 0); err == nil {
		t.Error("TakeCredExToken(0) error = nil, want an invalid rate")
	}
	srv.Stop(t)
	if _, err := s.TakeCredExToken(ctx, 30); !errors.Is(err, vimbiso.ErrUnavailable) {
		t.Errorf("TakeCredExToken with Redis stopped: error = %v, want vimbiso.ErrUnavailable", err)
	}
}

// TestCredExBudgetMiniredis checks that the script runs on miniredis, the
// embedded Redis of development mode.
func TestCredExBudgetMiniredis(t *testing.T) {
	m := miniredis.RunT(t)
	s := New(redis.NewClient(&redis.Options{Addr: m.Addr()}), nil, Options{})
	t.Cleanup(func() { _ = s.Close() })
	ctx := context.Background()

	if wait, err := s.TakeCredExToken(ctx, 1); err != nil || wait != 0 {
		t.Errorf("first TakeCredExToken = %v, %v; want 0, nil", wait, err)
	}
	if wait, err := s.TakeCredExToken(ctx, 1); err != nil || wait <= 0 || wait > time.Minute {
		t.Errorf("second TakeCredExToken = %v, %v; want within (0, 1m], nil", wait, err)
	}
}

func TestCredExBudgetBatch(t *testing.T) {
	env := newEnv(t, Options{})
	ctx := context.Background()

	steps := []struct {
		want, granted int
	}{
		{3, 3}, // 3 of 5 free
		{3, 2}, // only 2 left
		{1, 0}, // none left now
	}
	for i, step := range steps {
		got, err := env.store.TakeCredExTokens(ctx, 5, step.want)
		if err != nil {
			t.Fatal(err)
		}
		if got != step.granted {
			t.Errorf("step %d: TakeCredExTokens(5, %d) = %d, want %d", i, step.want, got, step.granted)
		}
	}
	wait, err := env.store.TakeCredExToken(ctx, 5)
	if err != nil {
		t.Fatal(err)
	}
	if wait <= 0 {
		t.Errorf("TakeCredExToken after the batch reserved the whole budget waits %v, want a wait", wait)
	}
}
