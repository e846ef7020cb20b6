package persistence

import (
	"context"
	"strconv"
	"testing"

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
