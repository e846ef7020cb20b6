package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"github.com/vimbisopay/vimbiso/persistence"
)

// runServe runs the production server until ctx ends.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := LoadConfig(os.Getenv, args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "vimbiso serve: %v\n", err)
		return 2
	}
	log := slog.New(newRepeatLimiter(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel})))
	if path := os.Getenv("VIMBISO_CPUPROFILE"); path != "" {
		stopProfile, err := startCPUProfile(path)
		if err != nil {
			log.Error("starting the CPU profile failed", "err", err)
			return 1
		}
		defer stopProfile()
	}

	redis.SetLogger(redisLogger{log.With("lib", "go-redis")})
	store, err := persistence.Open(cfg.RedisStateURL, cfg.RedisURL, storeOptions(cfg))
	if err != nil {
		log.Error("opening redis failed", "err", err)
		return 1
	}
	defer store.Close()
	checkEvictionPolicy(ctx, store, log)

	if err := serveBot(ctx, cfg, store, log, nil); err != nil {
		log.Error("server stopped", "err", err)
		return 1
	}
	return 0
}

// storeOptions carries the settings the store needs.
func storeOptions(cfg Config) persistence.Options {
	return persistence.Options{SessionTTL: cfg.SessionTTL, DedupeTTL: cfg.DedupeTTL}
}

// serveBot runs the bot on cfg.Addr (and cfg.MetricsAddr) until ctx ends,
// then shuts down in order: webhooks first, then the actors. ready, when
// not nil, is called with the bot's URL once it serves.
func serveBot(ctx context.Context, cfg Config, store *persistence.Store, log *slog.Logger, ready func(url string)) error {
	b := newBot(cfg, store, log)
	defer b.stop()

	servers := []*httpServer{}
	main, err := listen("bot", cfg.Addr, b.front)
	if err != nil {
		return err
	}
	servers = append(servers, main)
	if cfg.MetricsAddr != "" {
		metrics, err := listen("metrics", cfg.MetricsAddr, promhttp.HandlerFor(b.registry, promhttp.HandlerOpts{}))
		if err != nil {
			main.ln.Close()
			return err
		}
		servers = append(servers, metrics)
	}
	for _, s := range servers {
		s.serve()
	}
	log.Info("vimbiso serving", "addr", main.ln.Addr().String(), "config", cfg)

	go b.recoverUntilDone(ctx)
	if ready != nil {
		ready(main.URL())
	}

	err = waitAll(ctx, servers...)
	for _, s := range servers {
		s.shutdown(log)
	}
	log.Info("vimbiso stopped")
	return err
}

// checkEvictionPolicy warns when the state Redis may evict keys: an
// evicted snapshot or inbox is a lost conversation.
func checkEvictionPolicy(ctx context.Context, store *persistence.Store, log *slog.Logger) {
	policy, err := store.EvictionPolicy(ctx)
	switch {
	case err != nil:
		log.Warn("could not read the state redis maxmemory-policy; it must be noeviction", "err", err)
	case policy != "noeviction":
		log.Warn("the state redis may evict conversations; set maxmemory-policy noeviction", "maxmemory_policy", policy)
	}
}

// startCPUProfile writes the process's CPU profile to path until the
// returned function is called. vimbiso load sets VIMBISO_CPUPROFILE to
// profile the bot alone, apart from the mocks and the load generator.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
