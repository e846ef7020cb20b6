package persistence

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vimbisopay/vimbiso"
	"github.com/vimbisopay/vimbiso/persistence/redistest"
)

func TestDashboardCache(t *testing.T) {
	state, cache := redistest.Start(t), redistest.Start(t)
	store := New(redis.NewClient(&redis.Options{Addr: state.Addr}), redis.NewClient(&redis.Options{Addr: cache.Addr}),
		Options{DashboardTTL: 2 * time.Minute})
	t.Cleanup(func() { _ = store.Close() })
	u := testUser(1)
	ctx := context.Background()
	d := &vimbiso.Dashboard{
		Member:   vimbiso.Member{MemberID: "m1", Handle: "ann", Tier: 2},
		Accounts: []vimbiso.Account{{AccountID: "a1", Name: "Ann", Type: "PERSONAL"}},
	}

	// Missing.
	if _, _, err := store.LoadDashboard(ctx, u); !errors.Is(err, vimbiso.ErrNotFound) {
		t.Errorf("LoadDashboard before Save: error = %v, want ErrNotFound", err)
	}

	// Saved on the cache Redis only, with its TTL.
	if err := store.SaveDashboard(ctx, u, d, testTime); err != nil {
		t.Fatal(err)
	}
	got, at, err := store.LoadDashboard(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, d) || !at.Equal(testTime) {
		t.Errorf("LoadDashboard = %+v at %v, want %+v at %v", got, at, d, testTime)
	}
	checkTTL(t, cache.Client(t), keyDashboard(u), 2*time.Minute)
	if n := state.Client(t).Exists(ctx, keyDashboard(u)).Val(); n != 0 {
		t.Error("dashboard was written to the state Redis")
	}

	// Dropped.
	if err := store.DropDashboard(ctx, u); err != nil {
		t.Fatal(err)
	}
	if _, _, err := store.LoadDashboard(ctx, u); !errors.Is(err, vimbiso.ErrNotFound) {
		t.Errorf("LoadDashboard after Drop: error = %v, want ErrNotFound", err)
	}
}

func TestDashboardUndecodable(t *testing.T) {
	env := newEnv(t, Options{})
	u := testUser(1)
	ctx := context.Background()
	env.raw.Set(ctx, keyDashboard(u), "{broken", time.Minute)

	if _, _, err := env.store.LoadDashboard(ctx, u); !errors.Is(err, vimbiso.ErrNotFound) {
		t.Errorf("LoadDashboard of a broken value: error = %v, want ErrNotFound", err)
	}
	if n := env.raw.Exists(ctx, keyDashboard(u)).Val(); n != 0 {
		t.Error("broken dashboard value was not deleted")
	}
}
