package persistence

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vimbisopay/vimbiso"
)

func TestClaimOnce(t *testing.T) {
	env := newEnv(t, Options{})
	ctx := context.Background()

	tests := []struct {
		id   string
		want bool
	}{
		{"n1", true},
		{"n1", false},
		{"n2", true},
	}
	for _, tt := range tests {
		got, err := env.store.ClaimOnce(ctx, tt.id, time.Hour)
		if err != nil {
			t.Fatalf("ClaimOnce(%q): %v", tt.id, err)
		}
		if got != tt.want {
			t.Errorf("ClaimOnce(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
	checkTTL(t, env.raw, keyClaim("n1"), time.Hour)

	if _, err := env.store.ClaimOnce(ctx, "", time.Hour); err == nil {
		t.Error("ClaimOnce with an empty id succeeded, want an error")
	}
	if _, err := env.store.ClaimOnce(ctx, "n3", 0); err == nil {
		t.Error("ClaimOnce with a zero ttl succeeded, want an error")
	}
}

func TestAlerts(t *testing.T) {
	env := newEnv(t, Options{})
	u := testUser(1)
	ctx := context.Background()

	steps := []struct {
		set  *bool // nil: only read
		want bool
	}{
		{nil, true}, // default
		{ptr(false), false},
		{ptr(false), false},
		{ptr(true), true},
	}
	for i, st := range steps {
		if st.set != nil {
			if err := env.store.SetAlerts(ctx, u, *st.set); err != nil {
				t.Fatalf("step %d: SetAlerts(%v): %v", i, *st.set, err)
			}
		}
		got, err := env.store.AlertsOn(ctx, u)
		if err != nil {
			t.Fatalf("step %d: AlertsOn: %v", i, err)
		}
		if got != st.want {
			t.Errorf("step %d: AlertsOn = %v, want %v", i, got, st.want)
		}
	}

	if err := env.store.SetAlerts(ctx, u, false); err != nil {
		t.Fatal(err)
	}
	if got := pttl(t, env.raw, keysOf(u).alerts); got != -1 {
		t.Errorf("alerts PTTL = %v, want -1 (no expiry)", got)
	}
	if on, _ := env.store.AlertsOn(ctx, testUser(2)); !on {
		t.Error("turning alerts off for one user turned them off for another")
	}
}

func TestLastBusinessNumber(t *testing.T) {
	env := newEnv(t, Options{})
	ctx := context.Background()
	const wa = "263770000001"

	if _, err := env.store.LastBusinessNumber(ctx, wa); !errors.Is(err, vimbiso.ErrNotFound) {
		t.Errorf("LastBusinessNumber of an unknown user: error = %v, want ErrNotFound", err)
	}

	for _, pn := range []string{"111", "222"} {
		if err := env.store.SetLastBusinessNumber(ctx, wa, pn); err != nil {
			t.Fatal(err)
		}
		got, err := env.store.LastBusinessNumber(ctx, wa)
		if err != nil || got != pn {
			t.Errorf("LastBusinessNumber after setting %s = %q, %v", pn, got, err)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestClaimedDoesNotClaim(t *testing.T) {
	env := newEnv(t, Options{})
	ctx := context.Background()
	claimed, err := env.store.Claimed(ctx, "event-1")
	if err != nil || claimed {
		t.Fatalf("Claimed before any claim = %v, %v; want false, nil", claimed, err)
	}
	if first, err := env.store.ClaimOnce(ctx, "event-1", time.Minute); err != nil || !first {
		t.Fatalf("ClaimOnce after Claimed = %v, %v; want true, nil: Claimed must not claim", first, err)
	}
	claimed, err = env.store.Claimed(ctx, "event-1")
	if err != nil || !claimed {
		t.Errorf("Claimed after the claim = %v, %v; want true, nil", claimed, err)
	}
}
