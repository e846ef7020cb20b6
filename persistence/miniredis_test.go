package persistence

import (
	"context"
	"errors"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/vimbisopay/vimbiso"
)

// TestMiniredis checks that the scripts run on miniredis, the embedded
// Redis of development mode. Everything else is tested on redis-server.
func TestMiniredis(t *testing.T) {
	m := miniredis.RunT(t)
	s := New(redis.NewClient(&redis.Options{Addr: m.Addr()}), nil, Options{})
	t.Cleanup(func() { _ = s.Close() })
	u := testUser(1)
	ctx := context.Background()

	acc := mustAccept(t, s, textIn(u, "w1", "one"), textIn(u, "w1", "again"), textIn(u, "w2", "two"))
	if acc[0].Duplicate || !acc[1].Duplicate || acc[2].Duplicate {
		t.Errorf("Duplicate flags = %v %v %v, want false true false", acc[0].Duplicate, acc[1].Duplicate, acc[2].Duplicate)
	}

	l := mustLoad(t, s, u)
	if len(l.Pending) != 2 {
		t.Fatalf("Load: %d pending items, want 2", len(l.Pending))
	}
	stale := l.Snapshot
	l.Snapshot.State = "menu"
	if err := s.Save(ctx, u, &l.Snapshot, "tok", l.Pending[0].ID); err != nil {
		t.Fatalf("Save: %v", err)
	}
	if err := s.Save(ctx, u, &stale, ""); !errors.Is(err, vimbiso.ErrVersionConflict) {
		t.Errorf("stale Save: error = %v, want ErrVersionConflict", err)
	}

	l = mustLoad(t, s, u)
	if l.Snapshot.State != "menu" || l.Snapshot.Version != 1 || l.Token != "tok" {
		t.Errorf("Load after Save: state %q version %d, token set %v; want menu 1 true",
			l.Snapshot.State, l.Snapshot.Version, l.Token != "")
	}
	if len(l.Pending) != 1 || l.Pending[0].Input.Text != "two" {
		t.Errorf("pending after Save = %+v, want only \"two\"", l.Pending)
	}
}
