package persistence

import (
	"cmp"
	"context"
	"slices"
	"testing"

	"github.com/vimbisopay/vimbiso"
)

func TestPendingUsersAndIdle(t *testing.T) {
	env := newEnv(t, Options{})
	a, b := testUser(1), testUser(2)
	ctx := context.Background()
	check := func(step string, want ...vimbiso.User) {
		t.Helper()
		got, err := env.store.PendingUsers(ctx)
		if err != nil {
			t.Fatalf("%s: PendingUsers: %v", step, err)
		}
		slices.SortFunc(got, func(x, y vimbiso.User) int { return cmp.Compare(x.Key(), y.Key()) })
		if !slices.Equal(got, want) {
			t.Errorf("%s: PendingUsers = %v, want %v", step, got, want)
		}
	}
	idle := func(u vimbiso.User) {
		t.Helper()
		if err := env.store.Idle(ctx, u); err != nil {
			t.Fatalf("Idle: %v", err)
		}
	}

	check("start")

	acc := mustAccept(t, env.store, textIn(a, "w1", "hi"), textIn(b, "w2", "hi"))
	check("after Accept", a, b)

	// An actor that stops with input left stays pending.
	idle(a)
	check("after Idle with input left", a, b)

	// Once its input is handled, Idle removes it.
	snap := mustLoad(t, env.store, a).Snapshot
	if err := env.store.Save(ctx, a, &snap, "", acc[0].Item.ID); err != nil {
		t.Fatal(err)
	}
	idle(a)
	check("after Save and Idle", b)

	// A redelivered duplicate marks the user again; Idle clears it.
	mustAccept(t, env.store, textIn(a, "w1", "hi"))
	check("after duplicate", a, b)
	idle(a)
	check("after second Idle", b)
}

func TestPendingUsersSkipsMalformed(t *testing.T) {
	env := newEnv(t, Options{})
	ctx := context.Background()
	mustAccept(t, env.store, textIn(testUser(1), "w1", "hi"))
	env.raw.SAdd(ctx, keyPending, "no-colon")

	got, err := env.store.PendingUsers(ctx)

	if err == nil {
		t.Error("PendingUsers with a malformed member: no error, want one")
	}
	if !slices.Equal(got, []vimbiso.User{testUser(1)}) {
		t.Errorf("PendingUsers = %v, want the one valid user", got)
	}
}
