package main

import (
	"context"
	"testing"
	"time"

	"github.com/vimbisopay/vimbiso/persistence"
	"github.com/vimbisopay/vimbiso/persistence/redistest"
)

func TestCredexBudgetLeasesAtHighLimits(t *testing.T) {
	redis := redistest.Start(t)
	client := redis.Client(t)
	store := persistence.New(redis.Client(t), nil, persistence.Options{})
	ctx := context.Background()

	// 6,000 calls a minute: ten are reserved in one round trip.
	b := newCredexBudget(store, 6000)
	for i := range 10 {
		if wait, err := b.Take(ctx); err != nil || wait != 0 {
			t.Fatalf("take %d = %v, %v; want no wait", i+1, wait, err)
		}
	}
	if n := client.ZCard(ctx, "vimbiso:credex:budget").Val(); n != 10 {
		t.Errorf("reserved calls after 10 takes = %d, want 10 (one batch)", n)
	}
	b.Take(ctx)
	if n := client.ZCard(ctx, "vimbiso:credex:budget").Val(); n != 20 {
		t.Errorf("reserved calls after 11 takes = %d, want 20 (a second batch)", n)
	}

	// A lapsed lease is not used.
	later := time.Now().Add(2 * leaseFor)
	b.now = func() time.Time { return later }
	b.Take(ctx)
	if n := client.ZCard(ctx, "vimbiso:credex:budget").Val(); n != 30 {
		t.Errorf("reserved calls after a lapsed lease = %d, want 30 (a third batch)", n)
	}
}

func TestCredexBudgetOneAtATimeAtCredExLimit(t *testing.T) {
	redis := redistest.Start(t)
	store := persistence.New(redis.Client(t), nil, persistence.Options{})
	ctx := context.Background()

	b := newCredexBudget(store, 30)
	if b.batch != 1 {
		t.Fatalf("batch at 30 calls a minute = %d, want 1", b.batch)
	}
	for i := range 30 {
		if wait, err := b.Take(ctx); err != nil || wait != 0 {
			t.Fatalf("take %d = %v, %v; want no wait", i+1, wait, err)
		}
	}
	wait, err := b.Take(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if wait <= 0 {
		t.Errorf("the 31st call of the minute waits %v, want a wait", wait)
	}
}
