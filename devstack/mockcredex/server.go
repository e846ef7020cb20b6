package mockcredex

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Config configures a Server. Zero values get the defaults named per field.
type Config struct {
	APIKey        string           // required x-client-api-key value ("dev-client-key" in dev)
	WebhookURL    string           // the bot's POST /credex/webhook URL; empty means no callbacks
	WebhookSecret string           // HMAC key for X-Credex-Signature ("dev-credex-secret" in dev)
	Shapes        string           // "current" (default) or "legacy"
	RateLimit     int              // requests per minute per client IP; 0 turns the limit off
	TokenIdle     time.Duration    // idle time after which a token is refused; default 5m
	TokenMax      time.Duration    // lifetime of a login's tokens; default 6h
	Now           func() time.Time // default time.Now
	Logger        *slog.Logger     // default: discard
}

// Server is the mock CredEx API. Create it with New and stop it with Close.
type Server struct {
	cfg      Config
	log      *slog.Logger
	tokenKey []byte // HS256 key of the member tokens, random per Server
	admin    *http.ServeMux
	client   *http.Client

	// stop is closed by Close: it ends the webhook worker, aborts deliveries
	// in flight and releases requests held by a "timeout" fault.
	stop      chan struct{}
	stopCtx   context.Context
	cancel    context.CancelFunc
	wake      chan struct{} // capacity 1: a queued event is waiting
	worker    sync.WaitGroup
	closeOnce sync.Once

	mu         sync.Mutex // guards everything below
	data       *ledger
	offsetDays int
	webhookURL string
	faults     []*fault
	mutations  []Mutation
	events     []*Event
	queue      []*Event
	eventSeq   int // never reset, so webhook ids stay unique for the bot's dedupe
	limiters   map[string]*rate.Limiter
	backoff    time.Duration // wait before the first webhook retry; doubles per retry
	onAttempt  func(Event)   // test hook, called by the worker after each delivery attempt
}

// New returns a Server loaded with the demo data and starts its webhook
// worker. Call Close to stop the worker.
func New(cfg Config) *Server {
	if cfg.Shapes == "" {
		cfg.Shapes = shapesCurrent
	}
	if cfg.TokenIdle <= 0 {
		cfg.TokenIdle = 5 * time.Minute
	}
	if cfg.TokenMax <= 0 {
		cfg.TokenMax = 6 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}

	s := &Server{
		cfg:        cfg,
		log:        cfg.Logger,
		tokenKey:   make([]byte, 32),
		client:     &http.Client{Timeout: 10 * time.Second},
		backoff:    500 * time.Millisecond,
		stop:       make(chan struct{}),
		wake:       make(chan struct{}, 1),
		webhookURL: cfg.WebhookURL,
		limiters:   make(map[string]*rate.Limiter),
	}
	rand.Read(s.tokenKey)
	s.stopCtx, s.cancel = context.WithCancel(context.Background())
	s.data = demoLedger(s.now(), s.todayLocked())
	s.admin = s.adminRoutes()

	s.worker.Add(1)
	go s.deliverLoop()
	return s
}

// SetWebhookURL sets where callbacks go from now on. An empty URL turns them
// off.
// Events already queued are sent to the new address.
func (s *Server) SetWebhookURL(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhookURL = url
}

// Close stops the webhook worker, aborts deliveries in flight and waits for
// the worker to return. Queued events that were not sent are dropped. Close
// is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.stop)
		s.cancel()
	})
	s.worker.Wait()
}

// now returns the wall clock in UTC. Tokens, timestamps and webhook times use
// it, and only the business day is moved by POST /mock/clock.
func (s *Server) now() time.Time {
	return s.cfg.Now().UTC()
}

// todayLocked returns the business day, midnight UTC: the mock's date moved
// by the clock offset. It stands for CredEx's "active day node".
func (s *Server) todayLocked() time.Time {
	d := s.now().AddDate(0, 0, s.offsetDays)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}
