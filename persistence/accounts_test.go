package persistence

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vimbisopay/vimbiso"
)

// fakeClock is a clock that tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestAccountIndex(t *testing.T) {
	clock := &fakeClock{now: testTime}
	env := newEnv(t, Options{SessionTTL: 5 * time.Minute, Now: clock.Now})
	a, b := testUser(1), testUser(2)
	ctx := context.Background()
	index := func(u vimbiso.User, ids ...string) {
		t.Helper()
		if err := env.store.IndexAccounts(ctx, u, ids); err != nil {
			t.Fatal(err)
		}
	}
	check := func(account string, want ...vimbiso.User) {
		t.Helper()
		got, err := env.store.UsersOfAccount(ctx, account)
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(got, func(x, y vimbiso.User) int { return cmp.Compare(x.Key(), y.Key()) })
		if !slices.Equal(got, want) {
			t.Errorf("UsersOfAccount(%s) = %v, want %v", account, got, want)
		}
	}

	index(a, "acct-1", "acct-2")
	index(b, "acct-1")
	check("acct-1", a, b)
	check("acct-2", a)
	check("acct-3")
	checkTTL(t, env.raw, keyAccountUsers("acct-1"), 5*time.Minute)

	// a's session ends; b's goes on.
	clock.Advance(4 * time.Minute)
	index(b, "acct-1")
	clock.Advance(2 * time.Minute)
	check("acct-1", b)
	check("acct-2")
}
