package persistence

import (
	"context"
	"testing"

	"github.com/vimbisopay/vimbiso"
	"github.com/vimbisopay/vimbiso/persistence/redistest"
)

// TestRestartKeepsData checks that what Accept and Save acknowledged is
// still there after redis-server restarts from its append-only file, after
// a clean shutdown and after SIGKILL.
func TestRestartKeepsData(t *testing.T) {
	tests := []struct {
		name string
		down func(*redistest.Server, testing.TB)
	}{
		{"shutdown", (*redistest.Server).Stop},
		{"kill", (*redistest.Server).Kill},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := newEnv(t, Options{})
			u := testUser(1)
			ctx := context.Background()
			acc := mustAccept(t, env.store, textIn(u, "w1", "one"), textIn(u, "w2", "two"))
			snap := vimbiso.Snapshot{State: "menu"}
			if err := env.store.Save(ctx, u, &snap, "tok", acc[0].Item.ID); err != nil {
				t.Fatal(err)
			}
			mustAccept(t, env.store, textIn(u, "w3", "three"))

			tt.down(env.srv, t)
			env.srv.Restart(t)

			l := mustLoad(t, env.store, u)
			if l.Snapshot.State != "menu" || l.Snapshot.Version != 1 {
				t.Errorf("snapshot after restart: state %q version %d, want menu 1", l.Snapshot.State, l.Snapshot.Version)
			}
			var texts []string
			for _, it := range l.Pending {
				texts = append(texts, it.Input.Text)
			}
			if len(texts) != 2 || texts[0] != "two" || texts[1] != "three" {
				t.Errorf("pending after restart = %q, want [two three]", texts)
			}
			if again := mustAccept(t, env.store, textIn(u, "w1", "one")); !again[0].Duplicate {
				t.Error("dedupe claim lost in the restart: a redelivery was stored again")
			}
		})
	}
}
