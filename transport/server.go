package transport

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/julienschmidt/httprouter"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vimbisopay/vimbiso"
)

// DefaultMaxBody is the largest webhook body accepted. Meta's payloads reach
// 3 MB.
const DefaultMaxBody = 3 << 20

// readyTimeout bounds one readiness check, so that a hung store cannot hold
// a probe open.
const readyTimeout = 2 * time.Second

// Route labels of vimbiso_webhook_requests_total.
const (
	routeVerify  = "webhook_verify"
	routeWebhook = "webhook"
	routeHealth  = "healthz"
	routeReady   = "readyz"
	routeUnknown = "unknown"
)

// Deliverer stores messages durably and wakes their conversations. Deliver
// returns only when every message is stored (duplicates may be dropped
// silently); an error makes the webhook answer 503 so that Meta delivers
// the whole body again. The error is logged, so it must not contain a phone
// number. Deliver is called from many request goroutines at once.
type Deliverer interface {
	Deliver(ctx context.Context, msgs []Inbound) error
}

// Checker reports readiness, for example that Redis is reachable. A nil
// error means ready. The error text is shown in the /readyz response, so it
// must not contain a secret.
type Checker interface {
	Ready(ctx context.Context) error
}

// ServerConfig configures the front end.
type ServerConfig struct {
	// AppSecret is the key of X-Hub-Signature-256. When it is empty every
	// delivery is refused.
	AppSecret string
	// VerifyToken is the token of the GET handshake. When it is empty every
	// handshake is refused.
	VerifyToken string
	// PhoneNumberIDs are the business numbers this service serves;
	// deliveries for other numbers are acknowledged and dropped.
	PhoneNumberIDs []string
	MaxBody        int64            // bytes; DefaultMaxBody when 0
	Now            func() time.Time // time.Now when nil
	Logger         *slog.Logger     // slog.Default() when nil
	// Gatherer, when set, is served at GET /metrics.
	Gatherer prometheus.Gatherer
	// Degraded, when set, reports a fault that operators must fix but that
	// must not take the node out of the load balancer, such as a refused
	// Graph API token: inputs are still stored and processed. /readyz
	// answers 200 with status "degraded" and the reason.
	Degraded Checker
}

// Server is the HTTP front end: the WhatsApp webhook, health and metrics.
// It is safe for concurrent use once built; add further routes through
// Router before serving.
type Server struct {
	cfg     ServerConfig
	router  *httprouter.Router
	deliver Deliverer
	ready   Checker
	metrics *Metrics
	log     *slog.Logger
}

var _ http.Handler = (*Server)(nil)

// NewServer builds the front end. d must not be nil; a nil ready reports
// always ready and a nil m records no metrics.
func NewServer(cfg ServerConfig, d Deliverer, ready Checker, m *Metrics) *Server {
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{cfg: cfg, deliver: d, ready: ready, metrics: m, log: cfg.Logger}
	if cfg.AppSecret == "" {
		s.log.Error("webhook app secret is empty, so every delivery is rejected with 401")
	}
	if len(cfg.PhoneNumberIDs) == 0 {
		s.log.Error("no business phone number ids configured, so every delivery is acknowledged and dropped")
	}

	r := httprouter.New()
	r.HandleOPTIONS = false
	r.NotFound = http.HandlerFunc(s.notFound)
	r.MethodNotAllowed = http.HandlerFunc(s.methodNotAllowed)
	r.PanicHandler = s.panicked
	r.GET("/webhook", s.verify)
	r.POST("/webhook", s.receive)
	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	if cfg.Gatherer != nil {
		r.Handler(http.MethodGet, "/metrics", promhttp.HandlerFor(cfg.Gatherer, promhttp.HandlerOpts{}))
	}
	s.router = r
	return s
}

// Router returns the router, so that callers can add routes (the CredEx
// callbacks) before serving. Its NotFound, MethodNotAllowed and panic
// handlers already answer in the common error format.
func (s *Server) Router() *httprouter.Router { return s.router }

// ServeHTTP dispatches the request through the router.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.router.ServeHTTP(w, r)
}

// verify answers Meta's subscription handshake: the challenge, exactly as
// sent, when the mode is "subscribe" and the token matches; 403 otherwise,
// without echoing anything.
func (s *Server) verify(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
	q := r.URL.Query()
	if q.Get("hub.mode") != "subscribe" || !s.verifyTokenMatches(q.Get("hub.verify_token")) {
		s.refuse(w, routeVerify, errVerifyTokenDenied, "")
		return
	}

	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, q.Get("hub.challenge"))
	s.metrics.webhookRequest(routeVerify, "ok")
	s.log.Info("webhook verified")
}

// verifyTokenMatches compares digests, so that the time taken depends on
// neither the content nor the length of the token.
func (s *Server) verifyTokenMatches(token string) bool {
	if s.cfg.VerifyToken == "" {
		return false
	}
	got := sha256.Sum256([]byte(token))
	want := sha256.Sum256([]byte(s.cfg.VerifyToken))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// receive takes one event delivery: read the raw body, check its signature,
// decode it, store its messages, and answer 200 only once they are stored.
func (s *Server) receive(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
	body, err := s.readBody(w, r)
	if err != nil {
		s.refuse(w, routeWebhook, err, "")
		return
	}
	if err := s.checkSignature(r.Header.Get("X-Hub-Signature-256"), body); err != nil {
		s.refuse(w, routeWebhook, err, "")
		return
	}

	d, err := DecodeWebhook(body, s.cfg.PhoneNumberIDs, s.cfg.Now())
	if err != nil {
		s.refuse(w, routeWebhook, err, "")
		return
	}
	s.record(d)

	if len(d.Messages) > 0 {
		if err := s.deliver.Deliver(r.Context(), d.Messages); err != nil {
			s.refuse(w, routeWebhook, fmt.Errorf("%w: deliver %d messages: %w", vimbiso.ErrUnavailable, len(d.Messages), err), "")
			return
		}
	}
	debug := s.log.Enabled(r.Context(), slog.LevelDebug)
	for _, in := range d.Messages {
		s.metrics.inbound(string(in.Input.Kind))
		if debug {
			s.log.Debug("message accepted", "user", in.User, "input", in.Input)
		}
	}
	writeOK(w)
	s.metrics.webhookRequest(routeWebhook, "ok")
}

// readBody reads the whole body, refusing one larger than MaxBody.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > s.cfg.MaxBody {
		return nil, errBodyTooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, errBodyTooLarge
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errReadBody, err)
	}
	return body, nil
}

// checkSignature checks X-Hub-Signature-256, "sha256=<hex HMAC-SHA256>",
// over the body bytes exactly as received. Meta signs its own serialisation
// (with escapes such as \u00e9), so a re-encoded body would not match.
func (s *Server) checkSignature(header string, body []byte) error {
	if header == "" {
		return errMissingSignature
	}
	hexSum, ok := strings.CutPrefix(header, "sha256=")
	if !ok || s.cfg.AppSecret == "" {
		return errInvalidSignature
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil || len(got) != sha256.Size {
		return errInvalidSignature
	}

	mac := hmac.New(sha256.New, []byte(s.cfg.AppSecret))
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return errInvalidSignature
	}
	return nil
}

// record counts and logs what a delivery carried besides messages.
func (s *Server) record(d Delivery) {
	for _, st := range d.Statuses {
		s.metrics.status(st.Status)
		if st.Status != "failed" {
			s.log.Debug("message status", "status", st)
			continue
		}
		for _, e := range st.Errors {
			s.metrics.webhookError(e.Code)
		}
		s.log.Warn("message delivery failed", "status", st)
	}
	for _, e := range d.Errors {
		s.metrics.webhookError(e.Code)
		s.log.Warn("whatsapp reported an error", "error", e)
	}
	if d.Skipped > 0 {
		s.metrics.skipped(d.Skipped)
		s.log.Info("webhook changes skipped", "count", d.Skipped)
	}
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request, _ httprouter.Params) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request, _ httprouter.Params) {
	if s.ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if err := s.ready.Ready(ctx); err != nil {
			s.refuse(w, routeReady, fmt.Errorf("%w: %w", errNotReady, err), err.Error())
			return
		}
	}
	if s.cfg.Degraded != nil {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if err := s.cfg.Degraded.Ready(ctx); err != nil {
			writeJSON(w, http.StatusOK, map[string]string{"status": "degraded", "reason": err.Error()})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (s *Server) notFound(w http.ResponseWriter, _ *http.Request) {
	s.refuse(w, routeUnknown, errNotFound, "")
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, _ *http.Request) {
	s.refuse(w, routeUnknown, errMethodNotAllowed, "")
}

// panicked answers 500 after a handler panicked. The panic value is logged
// with its type only, because it may hold request content.
func (s *Server) panicked(w http.ResponseWriter, r *http.Request, v any) {
	s.log.Error("handler panicked", "path", r.URL.Path, "panic_type", fmt.Sprintf("%T", v))
	s.refuse(w, routeUnknown, errors.New("handler panicked"), "")
}

// refuse answers with the common error body for err, then counts and logs
// the refusal: a warning for a rejected request, an error for our failures.
func (s *Server) refuse(w http.ResponseWriter, route string, err error, reason string) {
	status := writeError(w, err, reason)
	outcome := outcomeLabel(status)
	s.metrics.webhookRequest(route, outcome)

	level := slog.LevelWarn
	if status >= 500 {
		level = slog.LevelError
	}
	if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
		level = slog.LevelDebug
	}
	s.log.Log(context.Background(), level, "request refused", "route", route, "status", status, "error", err)
}

// outcomeLabel names a refusal status for metrics.
func outcomeLabel(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "malformed"
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusMethodNotAllowed:
		return "method_not_allowed"
	case http.StatusRequestEntityTooLarge:
		return "too_large"
	case http.StatusServiceUnavailable:
		return "unavailable"
	default:
		return "error"
	}
}
