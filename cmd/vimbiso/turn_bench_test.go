package main

import (
	"context"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vimbisopay/vimbiso/persistence"
	"github.com/vimbisopay/vimbiso/persistence/redistest"
)

// redisTrips counts the round trips of a client (a pipeline counts once)
// and the commands of each.
type redisTrips struct {
	mu    sync.Mutex
	trips int
	names map[string]int // "GET", "pipeline[HMGET GET XRANGE]", ...
}

func (r *redisTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (r *redisTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.record(commandName(cmd))
		return next(ctx, cmd)
	}
}

func (r *redisTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		names := make([]string, len(cmds))
		for i, c := range cmds {
			names[i] = commandName(c)
		}
		r.record("pipeline[" + strings.Join(names, " ") + "]")
		return next(ctx, cmds)
	}
}

func commandName(c redis.Cmder) string {
	name := strings.ToUpper(c.Name())
	if name == "EVALSHA" || name == "EVAL" {
		// The script's first key names what it is for.
		if args := c.Args(); len(args) > 3 {
			if key, ok := args[3].(string); ok {
				// Keys read vimbiso:{pn:wa}:kind[:id]; keep the kind.
				_, rest, _ := strings.Cut(key, "}:")
				kind, _, _ := strings.Cut(rest, ":")
				name += ":" + kind
			}
		}
	}
	return name
}

func (r *redisTrips) record(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.trips++
	if r.names == nil {
		r.names = map[string]int{}
	}
	r.names[name]++
}

func (r *redisTrips) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.trips, r.names = 0, nil
}

// summary lists the round trips by kind, most frequent first.
func (r *redisTrips) summary() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	kinds := make([]string, 0, len(r.names))
	for k := range r.names {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool { return r.names[kinds[i]] > r.names[kinds[j]] })
	var b strings.Builder
	for _, k := range kinds {
		b.WriteString(k + "×" + itoa(r.names[k]) + " ")
	}
	return b.String()
}

func itoa(n int) string {
	const digits = "0123456789"
	if n < 10 {
		return digits[n : n+1]
	}
	return itoa(n/10) + digits[n%10:n%10+1]
}

// benchStack runs the bot in this process, on a redis-server whose client
// counts round trips, with the mocks behind the load generator's taps.
func benchStack(b *testing.B) (*loadStack, *redisTrips) {
	b.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := redistest.Start(b)
	s := &loadStack{log: log}
	if err := s.startMocks(0); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.stop(true) })

	b.Setenv("REDIS_STATE_URL", srv.URL)
	cfg, err := devBotConfig("127.0.0.1:0", s.whatsappURL(), s.credexURL())
	if err != nil {
		b.Fatal(err)
	}
	cfg.CredExRateLimit = 1_000_000
	cfg.SendRate = 1_000_000
	cfg.UserInputRate = 1_000_000
	trips := &redisTrips{}
	client := redis.NewClient(&redis.Options{Addr: srv.Addr})
	client.AddHook(trips)
	store := persistence.New(client, nil, storeOptions(cfg))

	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serveBot(ctx, cfg, store, log, func(url string) { ready <- url }) }()
	b.Cleanup(func() {
		cancel()
		<-done
		store.Close()
	})
	select {
	case s.botURL = <-ready:
	case err := <-done:
		b.Fatalf("bot did not start: %v", err)
	}
	return s, trips
}

// BenchmarkBotTurn plays one member through the w1 and w2 scenarios of
// `vimbiso load` against the bot in this process, a real redis-server
// (appendfsync always) and the in-process mocks. It reports the Redis
// round trips per turn; ns/op is the reply time of one turn with nothing
// else running, bot, mocks and generator together. Run it with
// -cpuprofile to see where a turn's CPU goes.
func BenchmarkBotTurn(b *testing.B) {
	for _, tc := range []struct {
		name     string
		scenario []step
	}{
		{"w1", scenarioW1},
		{"w2", scenarioW2(recipientPhone(0))},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s, trips := benchStack(b)
			ctx := context.Background()
			users, err := prepareMembers(ctx, s, 1, 1)
			if err != nil {
				b.Fatal(err)
			}
			u := users[0]
			// Let the recipient's events of the seeding pass.
			time.Sleep(200 * time.Millisecond)
			trips.reset()
			turns := 0
			for b.Loop() {
				if _, _, err := u.turn(ctx, tc.scenario[turns%len(tc.scenario)], 10*time.Second); err != nil {
					b.Fatal(err)
				}
				turns++
			}
			b.ReportMetric(float64(trips.trips)/float64(turns), "redis-trips/turn")
			b.Logf("%d turns: %s", turns, trips.summary())
		})
	}
}
