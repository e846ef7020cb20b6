package persistence

import (
	"context"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vimbisopay/vimbiso"
)

// BenchmarkAccept measures Accept of one webhook body against a local
// redis-server with appendfsync always, so each op includes an fsync.
func BenchmarkAccept(b *testing.B) {
	for _, size := range []int{1, 10} {
		b.Run("items="+strconv.Itoa(size), func(b *testing.B) {
			env := newEnv(b, Options{})
			ctx := context.Background()
			body := make([]Incoming, size)
			n := 0

			for b.Loop() {
				for i := range body {
					n++
					body[i] = textIn(testUser(i), "w"+strconv.Itoa(n), "hello")
				}
				if _, err := env.store.Accept(ctx, body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSave measures Save of a typical snapshot that removes one
// handled input, against a local redis-server with appendfsync always.
func BenchmarkSave(b *testing.B) {
	env := newEnv(b, Options{})
	ctx := context.Background()
	u := testUser(1)
	snap := sampleSnapshot()
	const batch = 1024 // inputs accepted, outside the timer, per refill
	var ids []string

	for b.Loop() {
		if len(ids) == 0 {
			b.StopTimer()
			ids = acceptMany(b, env.store, u, batch)
			b.StartTimer()
		}
		if err := env.store.Save(ctx, u, &snap, "tok", ids[0]); err != nil {
			b.Fatal(err)
		}
		ids = ids[1:]
	}
}

// acceptMany stores n inputs for u and returns their inbox ids.
func acceptMany(b *testing.B, s *Store, u vimbiso.User, n int) []string {
	b.Helper()
	body := make([]Incoming, n)
	for i := range body {
		body[i] = textIn(u, "", "hello")
	}
	acc := mustAccept(b, s, body...)
	ids := make([]string, n)
	for i, a := range acc {
		ids[i] = a.Item.ID
	}
	return ids
}

// BenchmarkRoundTripCPU measures the CPU this process spends per Redis
// round trip, 32 at a time as from the load's 32 users: a PING, the least
// a round trip costs, and an Accept of one input. Redis's own CPU is not
// included. With BenchmarkLoopbackHTTP in transport it gives the floor
// under the CPU of a bot turn.
func BenchmarkRoundTripCPU(b *testing.B) {
	env := newEnv(b, Options{})
	ctx := context.Background()
	var n atomic.Int64
	for _, tc := range []struct {
		name string
		trip func() error
	}{
		{"ping", func() error { return env.client.Ping(ctx).Err() }},
		{"accept", func() error {
			id := "w" + strconv.FormatInt(n.Add(1), 10)
			_, err := env.store.Accept(ctx, []Incoming{textIn(testUser(int(n.Load()%32)), id, "hello")})
			return err
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			before := selfCPU(b)
			b.SetParallelism(16)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := tc.trip(); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64((selfCPU(b)-before).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}

// selfCPU returns the user and system CPU time of this process.
func selfCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
