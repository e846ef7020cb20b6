package mockwhatsapp

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// deliveryTimeout bounds each POST or GET the mock makes to the bot, so that
// a stuck bot cannot pin goroutines past Close.
const deliveryTimeout = 10 * time.Second

// maxRequestBytes limits every request body the mock reads.
const maxRequestBytes = 1 << 20

// Config sets up a Server. Empty fields get the development defaults of
// `vimbiso dev`.
type Config struct {
	PhoneNumberID   string // business phone number id, "100000000000001" in development
	DisplayNumber   string // business display number, "263780000000"
	BusinessID      string // WhatsApp Business Account id, sent as entry[].id
	AccessToken     string // bearer token the Graph endpoint requires
	AppSecret       string // HMAC-SHA256 key that signs every webhook delivery
	VerifyToken     string // token that POST /mock/verify expects the bot to accept
	BotURL          string // base URL of the bot; deliveries go to BotURL+"/webhook"
	NoStatuses      bool   // do not post sent, delivered and read statuses
	ShuffleStatuses bool   // post the three statuses in random order
	PairRate        bool   // reject a 4th message to one user within 6 s with 131056
	Now             func() time.Time
	Logger          *slog.Logger
}

// withDefaults returns cfg with the development values in its empty fields.
func (cfg Config) withDefaults() Config {
	if cfg.PhoneNumberID == "" {
		cfg.PhoneNumberID = "100000000000001"
	}
	if cfg.DisplayNumber == "" {
		cfg.DisplayNumber = "263780000000"
	}
	if cfg.BusinessID == "" {
		cfg.BusinessID = "200000000000001"
	}
	if cfg.AccessToken == "" {
		cfg.AccessToken = "dev-access-token"
	}
	if cfg.AppSecret == "" {
		cfg.AppSecret = "dev-app-secret"
	}
	if cfg.VerifyToken == "" {
		cfg.VerifyToken = "dev-verify-token"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return cfg
}

// Server is the mock WhatsApp Cloud API. It is an http.Handler and is safe
// for concurrent use. The caller owns the listener; Close stops the status
// deliveries the Server started in the background and waits for them.
type Server struct {
	cfg    Config
	mux    *http.ServeMux
	client *http.Client // requests to the bot

	store  *store
	users  *users
	faults *faults

	// lifetime is cancelled by Close. It bounds background deliveries and
	// ends long requests (server-sent events, delays), never a single
	// request's own work.
	lifetime context.Context
	stop     context.CancelFunc

	mu      sync.Mutex // guards botURL and closed, and wg.Go against wg.Wait
	botURL  string
	closed  bool
	pending sync.WaitGroup // background deliveries
}

var _ http.Handler = (*Server)(nil)

// New returns a Server for cfg. Fields left empty get the development
// defaults (the same values as `vimbiso dev`).
func New(cfg Config) *Server {
	cfg = cfg.withDefaults()
	lifetime, stop := context.WithCancel(context.Background())
	s := &Server{
		cfg:      cfg,
		mux:      http.NewServeMux(),
		client:   &http.Client{Timeout: deliveryTimeout},
		store:    newStore(),
		users:    newUsers(),
		faults:   &faults{},
		lifetime: lifetime,
		stop:     stop,
		botURL:   cfg.BotURL,
	}
	s.routes()
	return s
}

func (s *Server) routes() {
	s.mux.HandleFunc("POST /{version}/{phoneNumberID}/messages", s.handleSend)

	s.mux.HandleFunc("POST /mock/inbound", s.handleInbound)
	s.mux.HandleFunc("POST /mock/verify", s.handleVerify)
	s.mux.HandleFunc("POST /mock/faults", s.handleAddFault)
	s.mux.HandleFunc("GET /mock/faults", s.handleListFaults)
	s.mux.HandleFunc("DELETE /mock/faults", s.handleClearFaults)
	s.mux.HandleFunc("POST /mock/users/{user}/last-inbound", s.handleLastInbound)

	s.mux.HandleFunc("GET /mock/conversations", s.handleConversations)
	s.mux.HandleFunc("GET /mock/conversations/{user}/messages", s.handleMessages)
	s.mux.HandleFunc("DELETE /mock/conversations/{user}", s.handleDeleteConversation)
	s.mux.HandleFunc("GET /mock/events", s.handleEvents)

	s.mux.HandleFunc("GET /{$}", s.handlePage)
	s.mux.Handle("GET /assets/", pageAssets())
}

// ServeHTTP serves the Graph endpoint, the /mock endpoints and the web page.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// SetBotURL sets the base URL of the bot, for when the bot's address is known
// only after the mock was created. Later deliveries use it.
func (s *Server) SetBotURL(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.botURL = url
}

// Close cancels the background deliveries and the open event streams, waits
// for the deliveries to return, and makes the Server start no new ones.
// Requests still work after Close, but no statuses are posted.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()

	s.stop()
	s.pending.Wait()
}

func (s *Server) currentBotURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.botURL
}

// goBackground runs f in a goroutine that Close waits for, with a context
// that Close cancels. It reports false, and runs nothing, after Close.
func (s *Server) goBackground(f func(ctx context.Context)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.pending.Go(func() { f(s.lifetime) })
	return true
}

// requestContext returns a context that ends with the request or with Close,
// whichever comes first.
func (s *Server) requestContext(r *http.Request) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(r.Context())
	stopAfter := context.AfterFunc(s.lifetime, cancel)
	return ctx, func() {
		stopAfter()
		cancel()
	}
}
