package redistest_test

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/vimbisopay/vimbiso/persistence/redistest"
)

func TestStartConfig(t *testing.T) {
	s := redistest.Start(t)
	c := s.Client(t)
	ctx := context.Background()

	want := map[string]string{
		"appendonly":       "yes",
		"appendfsync":      "always",
		"maxmemory-policy": "noeviction",
		"save":             "",
		"bind":             "127.0.0.1",
	}
	for name, w := range want {
		got, err := c.ConfigGet(ctx, name).Result()
		if err != nil {
			t.Fatalf("CONFIG GET %s: %v", name, err)
		}
		if got[name] != w {
			t.Errorf("CONFIG GET %s = %q, want %q", name, got[name], w)
		}
	}
}

func TestWithAppendfsync(t *testing.T) {
	s := redistest.Start(t, redistest.WithAppendfsync("everysec"))

	got, err := s.Client(t).ConfigGet(context.Background(), "appendfsync").Result()
	if err != nil {
		t.Fatal(err)
	}
	if got["appendfsync"] != "everysec" {
		t.Errorf("appendfsync = %q, want everysec", got["appendfsync"])
	}
}

func TestURLParses(t *testing.T) {
	s := redistest.Start(t)

	opts, err := redis.ParseURL(s.URL)
	if err != nil {
		t.Fatalf("ParseURL(%q): %v", s.URL, err)
	}
	if opts.Addr != s.Addr {
		t.Errorf("ParseURL(%q).Addr = %q, want %q", s.URL, opts.Addr, s.Addr)
	}
}

func TestRestartKeepsData(t *testing.T) {
	tests := []struct {
		name string
		down func(*redistest.Server, testing.TB)
	}{
		{"stop", (*redistest.Server).Stop},
		{"kill", (*redistest.Server).Kill},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := redistest.Start(t)
			addr := s.Addr
			ctx := context.Background()
			if err := s.Client(t).Set(ctx, "k", "v", 0).Err(); err != nil {
				t.Fatal(err)
			}

			tt.down(s, t)
			s.Restart(t)

			if s.Addr != addr {
				t.Errorf("Addr after Restart = %s, want %s", s.Addr, addr)
			}
			got, err := s.Client(t).Get(ctx, "k").Result()
			if err != nil || got != "v" {
				t.Errorf("GET k after restart = %q, %v, want v", got, err)
			}
		})
	}
}

func TestStopRefusesConnections(t *testing.T) {
	s := redistest.Start(t)
	c := s.Client(t)

	s.Stop(t)

	if err := c.Ping(context.Background()).Err(); err == nil {
		t.Error("PING after Stop succeeded, want an error")
	}
}

func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		s := redistest.Start(b)
		s.Stop(b)
	}
}
