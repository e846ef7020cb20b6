package transport

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/vimbisopay/vimbiso"
)

// budgetWarnInterval is the least time between two logged budget failures,
// so that a Redis outage logs about once a minute, not once per call.
const budgetWarnInterval = time.Minute

const limiterCredEx = "credex"

// CredExBudget hands out CredEx calls from a budget that every node of the
// service shares, because CredEx counts its rate limit per client IP.
//
// Take reserves one call and returns how long the caller must wait before
// making it. When that wait would pass ctx's deadline, Take reserves
// nothing and returns the wait all the same, so the caller gives up. An
// error means the budget could not be read; the caller then makes the
// call anyway.
type CredExBudget interface {
	Take(ctx context.Context) (time.Duration, error)
}

// CredExBudgetFunc adapts a function to CredExBudget, for example
//
//	CredExBudgetFunc(func(ctx context.Context) (time.Duration, error) {
//		return store.TakeCredExToken(ctx, perMinute)
//	})
type CredExBudgetFunc func(ctx context.Context) (time.Duration, error)

// Take calls f.
func (f CredExBudgetFunc) Take(ctx context.Context) (time.Duration, error) { return f(ctx) }

// budgetGate takes a CredEx budget token before each request. A nil
// *budgetGate lets every request through.
type budgetGate struct {
	budget  CredExBudget
	sleep   func(context.Context, time.Duration) error
	metrics *Metrics
	log     *slog.Logger

	lastWarn atomic.Int64 // Unix nanoseconds of the last logged failure
}

// newBudgetGate returns the gate of cfg.Budget, or nil when there is none.
func newBudgetGate(cfg CredExConfig, m *Metrics) *budgetGate {
	if cfg.Budget == nil {
		return nil
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &budgetGate{budget: cfg.Budget, sleep: cfg.Sleep, metrics: m, log: log}
}

// take waits for a budget token for one request of call. It returns false
// with a rate-limited result when the wait would pass ctx's deadline or ctx
// ends while waiting. A budget that fails is logged and the request goes
// ahead.
func (b *budgetGate) take(ctx context.Context, call vimbiso.Call) (vimbiso.Result, bool) {
	if b == nil {
		return vimbiso.Result{}, true
	}
	wait, err := b.budget.Take(ctx)
	if err != nil {
		b.warn(call, err)
		return vimbiso.Result{}, true
	}
	if wait <= 0 {
		return vimbiso.Result{}, true
	}

	limited := vimbiso.Result{
		Op:      call.Op,
		Outcome: vimbiso.OutcomeRateLimited,
		Reason:  fmt.Sprintf("credex call budget spent: next call in %v", wait.Round(time.Second)),
	}
	if !fitsDeadline(ctx, wait) {
		return limited, false
	}
	b.metrics.rateLimited(limiterCredEx, wait)
	if b.sleep(ctx, wait) != nil {
		return limited, false
	}
	return vimbiso.Result{}, true
}

// warn logs a budget failure unless one was logged in the last
// budgetWarnInterval.
func (b *budgetGate) warn(call vimbiso.Call, err error) {
	now := time.Now().UnixNano()
	last := b.lastWarn.Load()
	if now-last < int64(budgetWarnInterval) || !b.lastWarn.CompareAndSwap(last, now) {
		return
	}
	b.log.Warn("credex call budget unavailable: calling without it", "endpoint", string(call.Op), "err", err)
}
