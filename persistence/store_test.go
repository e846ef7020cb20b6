package persistence

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/vimbisopay/vimbiso"
	"github.com/vimbisopay/vimbiso/persistence/redistest"
)

func TestOpen(t *testing.T) {
	state, cache := redistest.Start(t), redistest.Start(t)
	ctx := context.Background()
	tests := []struct {
		name      string
		cacheURL  string
		cacheAddr string
	}{
		{"one server", "", state.Addr},
		{"same URL twice", state.URL, state.Addr},
		{"two servers", cache.URL, cache.Addr},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(state.URL, tt.cacheURL, Options{})
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			t.Cleanup(func() { _ = s.Close() })

			if err := s.Ping(ctx); err != nil {
				t.Fatalf("Ping: %v", err)
			}
			u := testUser(i)
			if err := s.SaveDashboard(ctx, u, &vimbiso.Dashboard{}, testTime); err != nil {
				t.Fatal(err)
			}
			if got := keyOwner(t, keyDashboard(u), state, cache); got != tt.cacheAddr {
				t.Errorf("dashboard stored on %s, want %s", got, tt.cacheAddr)
			}
			// One client for one server lets SaveTurn write the cache in
			// the snapshot's pipeline.
			if shared := s.cache == s.state; shared != (tt.cacheAddr == state.Addr) {
				t.Errorf("one client for both = %v, want %v", shared, !shared)
			}
		})
	}
}

func TestOpenBadURLHidesPassword(t *testing.T) {
	_, err := Open("redis://user:s3cret@127.0.0.1:6379/notanumber", "", Options{})

	if err == nil {
		t.Fatal("Open with a bad database number succeeded, want an error")
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Open error %q contains the password", err)
	}
}

func TestPingDown(t *testing.T) {
	srv := redistest.Start(t)
	s, err := Open(srv.URL+"?max_retries=-1", "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	srv.Stop(t)

	if err := s.Ping(context.Background()); !errors.Is(err, vimbiso.ErrUnavailable) {
		t.Errorf("Ping with Redis down: error = %v, want one wrapping ErrUnavailable", err)
	}
}

// keyOwner returns the address of the server that holds key.
func keyOwner(t *testing.T, key string, servers ...*redistest.Server) string {
	t.Helper()
	for _, srv := range servers {
		if srv.Client(t).Exists(context.Background(), key).Val() == 1 {
			return srv.Addr
		}
	}
	return ""
}
