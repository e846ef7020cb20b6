package persistence

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// credexBudgetWindow is the window of CredEx's rate limit: a number of
// calls per minute per client IP.
const credexBudgetWindow = time.Minute

// takeBudgetScript reserves one call in a sliding-window log: a sorted set
// whose members are calls, scored by the Unix milliseconds at which each is
// (or will be) made. A new call is placed at the later of now and one
// window after the perMinute-th newest call, so that no window of that
// length ever holds more than perMinute calls, wherever CredEx starts its
// window. Reservations only ever move later, so the order holds.
//
// KEYS[1] the budget key. ARGV: perMinute, window in ms, the longest wait
// worth reserving in ms (-1: any), now in ms ("" to read Redis' clock), a
// unique member. It returns {1, wait ms} when the call is reserved, or
// {0, wait ms} when the wait is longer than allowed and nothing changed.
// Writing after TIME needs script effects replication, the default since
// Redis 5.
var takeBudgetScript = redis.NewScript(`
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local at = now
local n = redis.call('ZCARD', key)
if n >= limit then
  local oldest = redis.call('ZRANGE', key, n - limit, n - limit, 'WITHSCORES')
  at = math.max(now, tonumber(oldest[2]) + window)
end

local wait = at - now
if max_wait >= 0 and wait > max_wait then
  return {0, wait}
end
redis.call('ZADD', key, at, ARGV[5])
redis.call('PEXPIRE', key, wait + window)
return {1, wait}
`)

// TakeCredExToken reserves one CredEx call in the budget of perMinute calls
// per minute that every node shares, and returns how long the caller must
// wait before making it (0: at once). When ctx has a deadline and the wait
// would pass it, nothing is reserved and the wait is returned all the same,
// so the caller can give up without spending budget.
//
// The budget is a sliding window on the state Redis, timed by the Redis
// server's clock, so the nodes' clocks do not matter. A failure to reach
// Redis wraps vimbiso.ErrUnavailable.
func (s *Store) TakeCredExToken(ctx context.Context, perMinute int) (time.Duration, error) {
	return s.takeCredExToken(ctx, perMinute, time.Time{})
}

// takeCredExToken is TakeCredExToken at the time now, or on Redis' clock
// when now is zero. Tests pass their own time to move the window.
func (s *Store) takeCredExToken(ctx context.Context, perMinute int, now time.Time) (time.Duration, error) {
	if perMinute <= 0 {
		return 0, fmt.Errorf("take credex token: perMinute %d is not positive", perMinute)
	}
	maxWait := int64(-1)
	if deadline, ok := ctx.Deadline(); ok {
		maxWait = max(time.Until(deadline).Milliseconds(), 0)
	}
	nowArg := ""
	if !now.IsZero() {
		nowArg = fmt.Sprint(now.UnixMilli())
	}

	args := []any{perMinute, credexBudgetWindow.Milliseconds(), maxWait, nowArg, rand.Text()}
	res, err := takeBudgetScript.Run(ctx, s.state, []string{keyCredExBudget}, args...).Int64Slice()
	if err != nil {
		return 0, unavailable("take credex token", err)
	}
	if len(res) != 2 {
		return 0, fmt.Errorf("take credex token: script returned %d values, want 2", len(res))
	}
	return time.Duration(res[1]) * time.Millisecond, nil
}

// takeBudgetBatchScript reserves up to ARGV[4] calls that may be made now,
// one sorted-set member each, and returns how many it reserved. When none
// is free now it reserves nothing and returns 0.
var takeBudgetBatchScript = redis.NewScript(`
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local free = limit - redis.call('ZCARD', key)
local granted = math.min(want, free)
if granted <= 0 then
  return 0
end
for i = 1, granted do
  redis.call('ZADD', key, now, ARGV[4] .. ':' .. i)
end
redis.call('PEXPIRE', key, window)
return granted
`)

// TakeCredExTokens reserves up to n CredEx calls that the shared budget
// allows right now, in one round trip, and returns how many it reserved:
// 0 when none is free now (TakeCredExToken then says how long to wait).
// A caller that makes many calls uses it to reserve a few at a time.
func (s *Store) TakeCredExTokens(ctx context.Context, perMinute, n int) (int, error) {
	if perMinute <= 0 || n <= 0 {
		return 0, fmt.Errorf("take credex tokens: perMinute %d and n %d must be positive", perMinute, n)
	}
	args := []any{perMinute, credexBudgetWindow.Milliseconds(), n, rand.Text()}
	granted, err := takeBudgetBatchScript.Run(ctx, s.state, []string{keyCredExBudget}, args...).Int()
	if err != nil {
		return 0, unavailable("take credex tokens", err)
	}
	return granted, nil
}
