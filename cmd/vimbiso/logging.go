package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// repeatWindow and repeatBurst bound how often one log message is written:
// at most repeatBurst records with the same level and message per window.
// A storm of identical errors (Redis down, a refused token) must not drown
// the log or its bill.
const (
	repeatWindow = time.Minute
	repeatBurst  = 10
)

// repeatLimiter is a slog.Handler that drops a message's records past
// repeatBurst in a window, and reports how many it dropped with the first
// record of the next window.
type repeatLimiter struct {
	next  slog.Handler
	state *repeatState // shared by the handlers WithAttrs and WithGroup derive
}

type repeatState struct {
	mu     sync.Mutex
	counts map[repeatKey]*repeatCount // guarded by mu
	now    func() time.Time
}

type repeatKey struct {
	level  slog.Level
	msg    string
	detail string // the record's err, route, status and reason attributes
}

// distinguishing names the attributes that make two records with the same
// message different events worth their own lines.
var distinguishing = map[string]bool{"err": true, "error": true, "route": true, "status": true, "reason": true, "error_type": true}

// keyOf returns the repeat key of r: its level, message and
// distinguishing attributes, but no ids, which vary on every record.
func keyOf(r slog.Record) repeatKey {
	var detail []byte
	r.Attrs(func(a slog.Attr) bool {
		if distinguishing[a.Key] {
			detail = append(detail, a.Key...)
			detail = append(detail, '=')
			detail = append(detail, a.Value.String()...)
			detail = append(detail, ' ')
		}
		return true
	})
	return repeatKey{level: r.Level, msg: r.Message, detail: string(detail)}
}

type repeatCount struct {
	start      time.Time
	written    int
	suppressed int
}

func newRepeatLimiter(next slog.Handler) *repeatLimiter {
	return &repeatLimiter{next: next, state: &repeatState{counts: map[repeatKey]*repeatCount{}, now: time.Now}}
}

func (h *repeatLimiter) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h *repeatLimiter) Handle(ctx context.Context, r slog.Record) error {
	suppressed, ok := h.state.admit(keyOf(r))
	if !ok {
		return nil
	}
	if suppressed > 0 {
		r = r.Clone()
		r.AddAttrs(slog.Int("repeats_suppressed", suppressed))
	}
	return h.next.Handle(ctx, r)
}

func (h *repeatLimiter) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &repeatLimiter{next: h.next.WithAttrs(attrs), state: h.state}
}

func (h *repeatLimiter) WithGroup(name string) slog.Handler {
	return &repeatLimiter{next: h.next.WithGroup(name), state: h.state}
}

// admit reports whether a record of key may be written, and how many of
// its records the previous window dropped.
func (s *repeatState) admit(key repeatKey) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	c, ok := s.counts[key]
	if !ok || now.Sub(c.start) >= repeatWindow {
		suppressed := 0
		if ok {
			suppressed = c.suppressed
		}
		s.counts[key] = &repeatCount{start: now, written: 1}
		return suppressed, true
	}
	if c.written < repeatBurst {
		c.written++
		return 0, true
	}
	c.suppressed++
	return 0, false
}

// redisLogger routes go-redis's own log lines (pool dial failures and the
// like) through slog, so that every line of `vimbiso serve` is JSON.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, "redis client", "detail", fmt.Sprintf(format, v...))
}
