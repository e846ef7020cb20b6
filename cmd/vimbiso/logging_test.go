package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestRepeatLimiterDropsStorm(t *testing.T) {
	var buf bytes.Buffer
	h := newRepeatLimiter(slog.NewTextHandler(&buf, nil))
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	h.state.now = func() time.Time { return now }
	log := slog.New(h).With("part", "test")

	for range 25 {
		log.Error("redis unreachable")
	}
	log.Error("another message")
	if got := strings.Count(buf.String(), "redis unreachable"); got != repeatBurst {
		t.Errorf("records written in the first window = %d, want %d", got, repeatBurst)
	}
	if !strings.Contains(buf.String(), "another message") {
		t.Error("a different message was dropped with the storm")
	}

	buf.Reset()
	now = now.Add(repeatWindow)
	log.Error("redis unreachable")
	if !strings.Contains(buf.String(), "repeats_suppressed=15") {
		t.Errorf("first record of the next window = %q, want repeats_suppressed=15", buf.String())
	}
}

func TestRepeatLimiterKeepsDistinctErrors(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(newRepeatLimiter(slog.NewTextHandler(&buf, nil)))
	for i := range 30 {
		log.Warn("request refused", "route", "webhook", "status", 401, "message_id", i)
	}
	log.Warn("request refused", "route", "bot_notify", "status", 401)
	log.Warn("request refused", "route", "webhook", "status", 413)
	for _, want := range []string{"route=bot_notify", "status=413"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("a refusal with %s was summarised with other refusals", want)
		}
	}
}
