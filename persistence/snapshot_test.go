package persistence

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vimbisopay/vimbiso"
)

func sampleSnapshot() vimbiso.Snapshot {
	return vimbiso.Snapshot{
		State:             "os_confirm",
		Flow:              vimbiso.FlowData{Amount: 12.5, Denomination: "USD", Handle: "shop", Page: 2},
		ActiveAccountID:   "acct-1",
		LastInteractiveID: "wamid.X",
		LastChoices:       []string{"yes", "no"},
		LastInputAt:       testTime,
		LastInboundAt:     testTime,
		BusinessID:        "100200300",
		Intent: &vimbiso.Intent{
			Key:  "idem-1",
			Call: vimbiso.Call{Op: vimbiso.CallCreateCredex, IdempotencyKey: "idem-1"},
			At:   testTime,
		},
	}
}

func TestLoadMissing(t *testing.T) {
	env := newEnv(t, Options{})

	l := mustLoad(t, env.store, testUser(1))

	want := vimbiso.Snapshot{Schema: vimbiso.SnapshotSchema}
	if !reflect.DeepEqual(l.Snapshot, want) {
		t.Errorf("Load of a new user: Snapshot = %+v, want %+v", l.Snapshot, want)
	}
	if l.Token != "" || len(l.Pending) != 0 || len(l.Unreadable) != 0 {
		t.Errorf("Load of a new user = %+v, want no token and no pending items", l)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	env := newEnv(t, Options{})
	u := testUser(1)
	ctx := context.Background()
	mustAccept(t, env.store, textIn(u, "w1", "hi"))
	if err := env.store.Save(ctx, testUser(9), &vimbiso.Snapshot{}, ""); err != nil {
		t.Fatalf("Save to load the script: %v", err)
	}

	snap := sampleSnapshot()
	var err error
	saveTrips := env.trips.count(func() { err = env.store.Save(ctx, u, &snap, "tok-1") })
	if err != nil {
		t.Fatalf("Save: %v", err)
	}
	var l Loaded
	loadTrips := env.trips.count(func() { l = mustLoad(t, env.store, u) })

	if snap.Version != 1 {
		t.Errorf("Version after first Save = %d, want 1", snap.Version)
	}
	want := sampleSnapshot()
	want.Schema = vimbiso.SnapshotSchema
	want.Version = 1
	if !reflect.DeepEqual(l.Snapshot, want) {
		t.Errorf("Load after Save: Snapshot =\n%+v\nwant\n%+v", l.Snapshot, want)
	}
	if l.Token != "tok-1" {
		t.Error("Load after Save: token differs from the saved one")
	}
	if len(l.Pending) != 1 {
		t.Errorf("Load after Save: %d pending items, want 1", len(l.Pending))
	}
	if saveTrips != 1 || loadTrips != 1 {
		t.Errorf("round trips: Save %d, Load %d, want 1 each", saveTrips, loadTrips)
	}
}

func TestSaveVersionConflict(t *testing.T) {
	env := newEnv(t, Options{})
	u := testUser(1)
	ctx := context.Background()
	first := mustLoad(t, env.store, u).Snapshot
	stale := mustLoad(t, env.store, u).Snapshot
	mustAccept(t, env.store, textIn(u, "w1", "hi"))
	pending := mustLoad(t, env.store, u).Pending

	first.State = "menu"
	if err := env.store.Save(ctx, u, &first, "tok-first"); err != nil {
		t.Fatalf("first Save: %v", err)
	}
	stale.State = "stale"
	err := env.store.Save(ctx, u, &stale, "tok-stale", pending[0].ID)

	if !errors.Is(err, vimbiso.ErrVersionConflict) {
		t.Fatalf("Save of a stale version: error = %v, want ErrVersionConflict", err)
	}
	if stale.Version != 0 {
		t.Errorf("stale Version after conflict = %d, want 0 (unchanged)", stale.Version)
	}
	l := mustLoad(t, env.store, u)
	if l.Snapshot.State != "menu" || l.Snapshot.Version != 1 {
		t.Errorf("stored after conflict: state %q version %d, want menu 1", l.Snapshot.State, l.Snapshot.Version)
	}
	if l.Token != "tok-first" {
		t.Error("the losing Save changed the token")
	}
	if len(l.Pending) != 1 {
		t.Errorf("the losing Save removed inbox items: %d pending, want 1", len(l.Pending))
	}
}

func TestSaveRemovesDone(t *testing.T) {
	tests := []struct {
		name string
		done []int // indexes into the accepted items
		want []string
	}{
		{"none", nil, []string{"a", "b", "c"}},
		{"first and last", []int{0, 2}, []string{"b"}},
		{"all", []int{0, 1, 2}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := newEnv(t, Options{})
			u := testUser(1)
			acc := mustAccept(t, env.store, textIn(u, "w1", "a"), textIn(u, "w2", "b"), textIn(u, "w3", "c"))
			var done []string
			for _, i := range tt.done {
				done = append(done, acc[i].Item.ID)
			}

			snap := mustLoad(t, env.store, u).Snapshot
			if err := env.store.Save(context.Background(), u, &snap, "", done...); err != nil {
				t.Fatalf("Save: %v", err)
			}

			if got := pendingTexts(t, env.store, u); !slices.Equal(got, tt.want) {
				t.Errorf("pending after Save = %q, want %q", got, tt.want)
			}
			exists := env.raw.Exists(context.Background(), keysOf(u).inbox).Val() == 1
			if exists != (len(tt.want) > 0) {
				t.Errorf("inbox key exists = %v with %d items left", exists, len(tt.want))
			}
		})
	}
}

func TestSaveRejectsBadDoneID(t *testing.T) {
	env := newEnv(t, Options{})
	u := testUser(1)
	snap := mustLoad(t, env.store, u).Snapshot

	err := env.store.Save(context.Background(), u, &snap, "tok", "1-1", "not-an-id")

	if err == nil || errors.Is(err, vimbiso.ErrUnavailable) {
		t.Fatalf("Save with a bad inbox id: error = %v, want an invalid id error", err)
	}
	if v := mustLoad(t, env.store, u).Snapshot.Version; v != 0 {
		t.Errorf("Version after a rejected Save = %d, want 0", v)
	}
}

func TestSaveTTLs(t *testing.T) {
	opts := Options{SessionTTL: 10 * time.Minute, TokenTTL: 3 * time.Minute}
	env := newEnv(t, opts)
	u := testUser(1)
	k := keysOf(u)
	ctx := context.Background()

	// Save with a token.
	snap := mustLoad(t, env.store, u).Snapshot
	if err := env.store.Save(ctx, u, &snap, "tok"); err != nil {
		t.Fatal(err)
	}
	checkTTL(t, env.raw, k.snap, opts.SessionTTL+24*time.Hour)
	checkTTL(t, env.raw, k.token, opts.TokenTTL)

	// Save without a token deletes it.
	if err := env.store.Save(ctx, u, &snap, ""); err != nil {
		t.Fatal(err)
	}
	if n := env.raw.Exists(ctx, k.token).Val(); n != 0 {
		t.Error("token key exists after Save with an empty token")
	}
	if l := mustLoad(t, env.store, u); l.Token != "" {
		t.Error("Load returned a token after Save with an empty token")
	}
}

func TestSaveAfterScriptFlush(t *testing.T) {
	env := newEnv(t, Options{})
	u := testUser(1)
	ctx := context.Background()
	snap := mustLoad(t, env.store, u).Snapshot
	if err := env.store.Save(ctx, u, &snap, ""); err != nil {
		t.Fatal(err)
	}

	if err := env.raw.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if err := env.store.Save(ctx, u, &snap, ""); err != nil {
		t.Fatalf("Save after SCRIPT FLUSH: %v", err)
	}
	if snap.Version != 2 {
		t.Errorf("Version = %d, want 2", snap.Version)
	}
}

func TestLoadSchema(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		wantErr error
	}{
		{"current", `{"v":1,"st":"menu"}`, nil},
		{"newer", `{"v":99,"st":"menu"}`, ErrSnapshotSchema},
		{"no migration", `{"v":0,"st":"menu"}`, ErrSnapshotSchema},
	}
	env := newEnv(t, Options{})
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := testUser(i)
			env.raw.HSet(context.Background(), keysOf(u).snap, fieldVersion, 4, fieldData, tt.data)

			l, err := env.store.Load(context.Background(), u)

			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Load of %s: error = %v, want %v", tt.data, err, tt.wantErr)
			}
			if err == nil && (l.Snapshot.State != "menu" || l.Snapshot.Version != 4) {
				t.Errorf("Load of %s = state %q version %d, want menu 4", tt.data, l.Snapshot.State, l.Snapshot.Version)
			}
		})
	}
}

func TestLoadUnreadableInbox(t *testing.T) {
	env := newEnv(t, Options{})
	u := testUser(1)
	ctx := context.Background()
	mustAccept(t, env.store, textIn(u, "w1", "good"))
	bad, err := env.raw.XAdd(ctx, &redis.XAddArgs{Stream: keysOf(u).inbox, Values: []any{inboxField, "{not json"}}).Result()
	if err != nil {
		t.Fatal(err)
	}

	l := mustLoad(t, env.store, u)

	if len(l.Pending) != 1 || l.Pending[0].Input.Text != "good" {
		t.Errorf("Pending = %+v, want the one good item", l.Pending)
	}
	if !slices.Equal(l.Unreadable, []string{bad}) {
		t.Errorf("Unreadable = %q, want [%s]", l.Unreadable, bad)
	}
	if err := env.store.Save(ctx, u, &l.Snapshot, "", l.Unreadable...); err != nil {
		t.Fatal(err)
	}
	if l := mustLoad(t, env.store, u); len(l.Unreadable) != 0 {
		t.Errorf("Unreadable after Save = %q, want none", l.Unreadable)
	}
}

func TestSaveTurnOneRoundTrip(t *testing.T) {
	env := newEnv(t, Options{})
	ctx := context.Background()
	u := testUser(1)
	accepted := mustAccept(t, env.store, textIn(u, u.WaID+"-1", "hi"))
	warm := vimbiso.Snapshot{State: "dashboard"}
	if err := env.store.Save(ctx, testUser(2), &warm, ""); err != nil { // loads the script
		t.Fatal(err)
	}

	dash := &vimbiso.Dashboard{
		Member:   vimbiso.Member{MemberID: "m1", FirstName: "Joan"},
		Accounts: []vimbiso.Account{{AccountID: "acct-1"}, {AccountID: "acct-2"}},
	}
	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	snap := vimbiso.Snapshot{State: "dashboard"}
	var err error
	trips := env.trips.count(func() {
		err = env.store.SaveTurn(ctx, u, &snap, "token-1", dash, at, accepted[0].Item.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	if trips != 1 {
		t.Errorf("SaveTurn with a dashboard made %d round trips, want 1", trips)
	}

	loaded, err := env.store.Load(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Snapshot.Version != 1 || loaded.Token != "token-1" || len(loaded.Pending) != 0 {
		t.Errorf("after SaveTurn: version %d, token %q, %d pending; want 1, token-1, 0",
			loaded.Snapshot.Version, loaded.Token, len(loaded.Pending))
	}
	cached, cachedAt, err := env.store.LoadDashboard(ctx, u)
	if err != nil || cached.Member.FirstName != "Joan" || !cachedAt.Equal(at) {
		t.Errorf("cached dashboard = %+v at %v (err %v), want Joan's at %v", cached, cachedAt, err, at)
	}
	for _, account := range []string{"acct-1", "acct-2"} {
		users, err := env.store.UsersOfAccount(ctx, account)
		if err != nil || len(users) != 1 || users[0] != u {
			t.Errorf("UsersOfAccount(%s) = %v, %v; want the user", account, users, err)
		}
	}
}
