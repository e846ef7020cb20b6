package persistence

import (
	"context"
	"testing"
)

// BenchmarkSnapshotEncode measures the JSON encoding of a snapshot in the
// middle of a secured offer, with its open intent, and reports its size:
// the bytes Save sends and Redis stores in the hash's d field.
func BenchmarkSnapshotEncode(b *testing.B) {
	snap := sampleSnapshot()
	var size int
	for b.Loop() {
		data, err := encodeSnapshot(&snap)
		if err != nil {
			b.Fatal(err)
		}
		size = len(data)
	}
	b.ReportMetric(float64(size), "snapshot-bytes")
}

// BenchmarkSnapshotDecode measures decoding the same snapshot, as Load
// does on an activation.
func BenchmarkSnapshotDecode(b *testing.B) {
	snap := sampleSnapshot()
	data, err := encodeSnapshot(&snap)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := decodeSnapshot([]byte(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad measures Load of a user with a saved snapshot and one
// pending input, against a local redis-server: one pipelined round trip.
func BenchmarkLoad(b *testing.B) {
	env := newEnv(b, Options{})
	ctx := context.Background()
	u := testUser(1)
	snap := sampleSnapshot()
	snap.Version = 0
	if err := env.store.Save(ctx, u, &snap, "tok"); err != nil {
		b.Fatal(err)
	}
	mustAccept(b, env.store, textIn(u, "w1", "hello"))

	for b.Loop() {
		l, err := env.store.Load(ctx, u)
		if err != nil {
			b.Fatal(err)
		}
		if len(l.Pending) != 1 {
			b.Fatalf("Load: %d pending inputs, want 1", len(l.Pending))
		}
	}
}
