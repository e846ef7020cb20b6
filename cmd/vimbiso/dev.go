package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/vimbisopay/vimbiso/devstack/mockcredex"
	"github.com/vimbisopay/vimbiso/devstack/mockwhatsapp"
	"github.com/vimbisopay/vimbiso/persistence"
)

// devFlags are the flags of `vimbiso dev` and `vimbiso mock`.
type devFlags struct {
	botAddr         string
	botURL          string // mock only
	whatsappAddr    string
	credexAddr      string
	addrFile        string
	noStatuses      bool
	shuffleStatuses bool
	pairRate        bool
	credexShapes    string
}

func parseDevFlags(name string, args []string, stderr io.Writer, mockOnly bool) (devFlags, error) {
	var f devFlags
	fs := flag.NewFlagSet("vimbiso "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if mockOnly {
		fs.StringVar(&f.botURL, "bot-url", "http://127.0.0.1:8000", "base URL of the vimbiso serve process the mocks deliver to")
	} else {
		fs.StringVar(&f.botAddr, "bot-addr", "127.0.0.1:8000", "where the bot listens (host:port; port 0 picks a free one)")
	}
	fs.StringVar(&f.whatsappAddr, "whatsapp-addr", "127.0.0.1:8001", "where the mock WhatsApp (Graph API and web chat page) listens")
	fs.StringVar(&f.credexAddr, "credex-addr", "127.0.0.1:8002", "where the mock CredEx API listens")
	fs.StringVar(&f.addrFile, "addr-file", "", "write the real addresses as JSON to this file once everything serves")
	fs.BoolVar(&f.noStatuses, "no-statuses", false, "do not post sent, delivered and read statuses after each send")
	fs.BoolVar(&f.shuffleStatuses, "shuffle-statuses", false, "post the statuses of each send in random order")
	fs.BoolVar(&f.pairRate, "pair-rate", false, "refuse a 4th message to one user within 6 seconds with error 131056")
	fs.StringVar(&f.credexShapes, "credex-shapes", "current", "response shapes of the mock CredEx: current or legacy")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: vimbiso %s [flags]\n\n", name)
		if mockOnly {
			fmt.Fprint(stderr, "Runs the mock WhatsApp and the mock CredEx in front of a vimbiso serve started with the development settings.\n\n")
		} else {
			fmt.Fprint(stderr, "Runs the bot, the mock WhatsApp, the mock CredEx and, unless REDIS_STATE_URL or REDIS_URL is set, an embedded Redis.\n"+
				"Meta, CredEx and secret settings of the environment are ignored; SESSION_TTL, BOT_TIMEZONE, IDLE_TIMEOUT,\n"+
				"DEDUPE_TTL, USER_INPUT_RATE, CREDEX_RATE_LIMIT, LOG_LEVEL, SUPPORT_CONTACT and TERMS_URL are honoured.\n\n")
		}
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return f, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if f.credexShapes != "current" && f.credexShapes != "legacy" {
		return f, fmt.Errorf("--credex-shapes must be current or legacy, not %q", f.credexShapes)
	}
	return f, nil
}

// mocks are the two development stand-ins with their listeners.
type mocks struct {
	whatsapp       *mockwhatsapp.Server
	credex         *mockcredex.Server
	whatsappServer *httpServer
	credexServer   *httpServer
}

func startMocks(f devFlags, log *slog.Logger) (*mocks, error) {
	wa := mockwhatsapp.New(mockwhatsapp.Config{
		PhoneNumberID: devPhoneNumberID, DisplayNumber: devDisplayNumber, BusinessID: devBusinessID,
		AccessToken: devAccessToken, AppSecret: devAppSecret, VerifyToken: devVerifyToken,
		NoStatuses: f.noStatuses, ShuffleStatuses: f.shuffleStatuses, PairRate: f.pairRate,
		Logger: log.With("part", "mock-whatsapp"),
	})
	cx := mockcredex.New(mockcredex.Config{
		APIKey: devClientAPIKey, WebhookSecret: devCredExSecret, Shapes: f.credexShapes,
		Logger: log.With("part", "mock-credex"),
	})
	waServer, err := listen("mock whatsapp", f.whatsappAddr, wa)
	if err != nil {
		return nil, err
	}
	cxServer, err := listen("mock credex", f.credexAddr, cx)
	if err != nil {
		waServer.ln.Close()
		return nil, err
	}
	waServer.serve()
	cxServer.serve()
	return &mocks{whatsapp: wa, credex: cx, whatsappServer: waServer, credexServer: cxServer}, nil
}

// pointAt gives the mocks the bot's URL.
func (m *mocks) pointAt(botURL string) {
	m.whatsapp.SetBotURL(botURL)
	m.credex.SetWebhookURL(botURL + "/credex/webhook")
}

func (m *mocks) stop(log *slog.Logger) {
	m.whatsappServer.shutdown(log)
	m.credexServer.shutdown(log)
	m.whatsapp.Close()
	m.credex.Close()
}

// runDev runs the whole development stack until ctx ends.
func runDev(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, err := parseDevFlags("dev", args, stderr, false)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "vimbiso dev: %v\n", err)
		return 2
	}
	log := slog.New(newRepeatLimiter(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevel(os.Getenv("LOG_LEVEL"))})))

	m, err := startMocks(f, log)
	if err != nil {
		fmt.Fprintf(stderr, "vimbiso dev: %v\n", err)
		return 1
	}
	defer m.stop(log)

	cfg, err := devBotConfig(f.botAddr, m.whatsappServer.URL(), m.credexServer.URL())
	if err != nil {
		fmt.Fprintf(stderr, "vimbiso dev: %v\n", err)
		return 2
	}
	store, redisDesc, err := openDevStore(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "vimbiso dev: %v\n", err)
		return 1
	}
	defer store.Close()

	ready := func(botURL string) {
		m.pointAt(botURL)
		addrs := newDevAddresses(botURL, m.whatsappServer.URL(), m.credexServer.URL())
		if err := addrs.write(f.addrFile); err != nil {
			log.Error("writing the address file failed", "err", err)
		}
		addrs.printBanner(stdout, redisDesc)
	}
	if err := serveBot(ctx, cfg, store, log, ready); err != nil {
		log.Error("vimbiso dev stopped", "err", err)
		return 1
	}
	return 0
}

// openDevStore opens the Redis of the shell's REDIS_STATE_URL / REDIS_URL,
// or an embedded one that lives as long as the process.
func openDevStore(cfg Config) (*persistence.Store, string, error) {
	if os.Getenv("REDIS_STATE_URL") != "" || os.Getenv("REDIS_URL") != "" {
		store, err := persistence.Open(cfg.RedisStateURL, cfg.RedisURL, storeOptions(cfg))
		return store, "from REDIS_STATE_URL / REDIS_URL", err
	}
	embedded := miniredis.NewMiniRedis()
	if err := embedded.StartAddr("127.0.0.1:0"); err != nil {
		return nil, "", fmt.Errorf("start embedded redis: %w", err)
	}
	client := redis.NewClient(&redis.Options{Addr: embedded.Addr()})
	store := persistence.New(client, client, storeOptions(cfg))
	return store, "embedded (in memory; gone when vimbiso dev stops)", nil
}

// logLevel reads LOG_LEVEL for the development tools; unknown values mean info.
func logLevel(s string) slog.Level {
	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToUpper(s))); err != nil {
		return slog.LevelInfo
	}
	return level
}
