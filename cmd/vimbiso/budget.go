package main

import (
	"context"
	"sync"
	"time"

	"github.com/vimbisopay/vimbiso/persistence"
)

// leaseFor is how long reserved CredEx calls stay usable by this process;
// the shared budget counts them as made either way.
const leaseFor = time.Second

// credexBudget is the CredEx call budget shared by every node, taken from
// Redis a few calls at a time when the limit is high, so that a busy node
// does not spend a Redis round trip on every CredEx call. At CredEx's own
// limit of 30 a minute it reserves one call at a time.
type credexBudget struct {
	store     *persistence.Store
	perMinute int
	batch     int // calls reserved in one round trip: a tenth of a second's worth

	mu    sync.Mutex
	left  int       // reserved calls not yet made; guarded by mu
	until time.Time // when the reserved calls lapse; guarded by mu
	now   func() time.Time
}

func newCredexBudget(store *persistence.Store, perMinute int) *credexBudget {
	batch := min(max(perMinute/600, 1), 50)
	return &credexBudget{store: store, perMinute: perMinute, batch: batch, now: time.Now}
}

// Take returns how long to wait before the next CredEx call.
func (b *credexBudget) Take(ctx context.Context) (time.Duration, error) {
	if b.batch > 1 {
		if b.useReserved() {
			return 0, nil
		}
		granted, err := b.store.TakeCredExTokens(ctx, b.perMinute, b.batch)
		if err != nil {
			return 0, err
		}
		if granted > 0 {
			b.reserve(granted - 1)
			return 0, nil
		}
	}
	return b.store.TakeCredExToken(ctx, b.perMinute)
}

func (b *credexBudget) useReserved() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.left > 0 && b.now().Before(b.until) {
		b.left--
		return true
	}
	return false
}

func (b *credexBudget) reserve(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.left, b.until = n, b.now().Add(leaseFor)
}
