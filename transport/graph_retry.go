package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/vimbisopay/vimbiso"
)

// The send policy by Meta's Cloud API error code:
//
//	code                       meaning                     action
//	130429                     throughput per number       retry after 1 s, up to 3 times
//	4, 80007                   API calls per app           retry after 1 s, 2 s, 4 s
//	131000                     unknown error               retry once after 1 s
//	131056                     pair rate (number → user)   hold every send to that user 6 s, retry up to 3 times
//	HTTP 5xx, unlisted code    Meta side problem           retry after 1 s, 2 s, 4 s
//	HTTP 429 without a code    rate limit                  retry after 1 s, 2 s, 4 s
//	0, 190                     access token rejected       one attempt; Degraded reports it
//	any other code             our message or our account  no retry
//
// Every wait gets up to 25% of random jitter on top, so that retries of
// many conversations spread out. A Retry-After header lengthens a wait, never
// shortens it. The decision reads error.code (and the HTTP status when Meta
// sent no code), never the message text.
const (
	// DefaultSendRate is Meta's default throughput per business number,
	// in messages per second.
	DefaultSendRate = 80
	// maxSendRetries bounds the repeats of one request over every error
	// class together, so a request is made at most four times.
	maxSendRetries = 3
	// pairRateHold is how long a user is not sent anything after a 131056.
	// Meta sustains about one message per 6 seconds to one user.
	pairRateHold = 6 * time.Second
	// maxHolds is how many pair-rate holds are kept before expired ones are
	// swept, which bounds the memory of users who are never written again.
	maxHolds = 1024
)

// Labels of the retry metric and the rate limiters; a fixed set.
const (
	labelServerError = "http_5xx"
	labelTooMany     = "http_429"
	limiterSend      = "graph_send"
	limiterPair      = "graph_pair"
)

// ErrAccessTokenRejected reports that Meta refused the access token (codes
// 0 and 190). Degraded wraps it until a later request succeeds.
var ErrAccessTokenRejected = errors.New("graph api rejected the access token")

// GraphOptions configures NewGraphClientWithOptions. Zero fields take the
// defaults named on each field.
type GraphOptions struct {
	// HTTPClient makes the requests; a client with a 15-second timeout when
	// nil.
	HTTPClient *http.Client
	// Metrics records sends, retries and waits; nothing is recorded when nil.
	Metrics *Metrics
	// Logger receives retries and token failures; slog.Default() when nil.
	Logger *slog.Logger
	// SendRate is the number of messages per second sent from one business
	// number (WHATSAPP_SEND_RATE); DefaultSendRate when 0 or less. Up to
	// one second's worth may go out at once, so a one-second span can see
	// up to twice the rate. Meta rejects a breach with 130429, which the
	// client retries.
	SendRate int
	// Sleep waits between attempts and returns early with ctx's error when
	// ctx ends. Tests replace it, together with Now; the default uses a
	// timer.
	Sleep func(context.Context, time.Duration) error
	// Now returns the time for the rate limiter and the pair-rate holds;
	// time.Now when nil.
	Now func() time.Time
}

// NewGraphClientWithOptions returns a client for baseURL, the Graph API
// root with its version ("https://graph.facebook.com/v21.0/"); a missing
// final slash is added.
func NewGraphClientWithOptions(baseURL, accessToken string, opts GraphOptions) *GraphClient {
	if !strings.HasSuffix(baseURL, "/") {
		baseURL += "/"
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: defaultHTTPTimeout}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.SendRate <= 0 {
		opts.SendRate = DefaultSendRate
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepContext
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &GraphClient{
		baseURL: baseURL,
		token:   accessToken,
		hc:      opts.HTTPClient,
		metrics: opts.Metrics,
		log:     opts.Logger,
		sleep:   opts.Sleep,
		now:     opts.Now,
		jitter:  addJitter,
		limits:  newSendLimits(opts.SendRate),
	}
}

// Degraded returns nil while the access token works. After Meta refused the
// token (code 0 or 190) it returns an error wrapping ErrAccessTokenRejected
// with the code and the time, until a later request succeeds.
func (g *GraphClient) Degraded() error {
	return g.health.get()
}

// outbound describes one request to <base><from>/messages for the send
// policy.
type outbound struct {
	from  string
	to    string // the addressee (wa_id or business-scoped id); "" for read receipts
	kind  string // metric label: the reply kind or "read"
	retry bool   // false: one attempt whatever Meta returns
}

// holdKey returns the key of the pair-rate hold of the addressee, or "" when
// the request has none.
func (o outbound) holdKey() string {
	if o.to == "" {
		return ""
	}
	return o.from + "/" + o.to
}

// send makes the request, waiting for the number's send rate and any
// pair-rate hold of the addressee first, and repeats it as the table at the
// top of this file lists. It returns the last refusal when it gives up, or
// the wait's error when the rate limit or the hold cannot be waited out
// before ctx ends.
func (g *GraphClient) send(ctx context.Context, out outbound, body, result any) error {
	var retries map[string]int // by retryRule.label; made on the first retry
	total := 0
	for {
		if err := g.awaitTurn(ctx, out); err != nil {
			return err
		}
		err := g.sendOnce(ctx, out.from, out.kind, body, result)
		var refusal *vimbiso.SendError
		if !errors.As(err, &refusal) {
			if err == nil {
				g.health.recover(g.log)
			}
			return err
		}

		rule := ruleFor(refusal)
		g.noteRefusal(out, refusal, rule)
		if !out.retry || retries[rule.label] >= rule.retries || total >= maxSendRetries {
			return refusal
		}
		if retries == nil {
			retries = make(map[string]int)
		}
		retries[rule.label]++
		total++
		if !g.backOff(ctx, out, refusal, rule, retries[rule.label]) {
			return refusal
		}
	}
}

// noteRefusal records the effects of a refusal on later requests: a
// rejected token degrades the client, and a pair-rate refusal holds the
// addressee.
func (g *GraphClient) noteRefusal(out outbound, refusal *vimbiso.SendError, rule retryRule) {
	if rule.token {
		g.health.degrade(g.log, refusal, g.now())
	}
	if rule.pair {
		hold := max(g.jitter(pairRateHold), retryAfter(refusal))
		g.limits.hold(out.holdKey(), g.now(), hold)
	}
}

// backOff waits before the n-th repeat of rule and reports whether the
// request may be repeated: false when the wait would pass ctx's deadline
// or ctx ended while waiting.
func (g *GraphClient) backOff(ctx context.Context, out outbound, refusal *vimbiso.SendError, rule retryRule, n int) bool {
	var wait time.Duration
	if rule.pair {
		wait = g.limits.holdLeft(out.holdKey(), g.now())
	} else {
		wait = max(g.jitter(rule.delay(n)), retryAfter(refusal))
	}
	logArgs := []any{"phone_number_id", out.from, "to", vimbiso.MaskPhone(out.to), "kind", out.kind,
		"code", refusal.Code, "http_status", refusal.HTTPStatus, "retry", n, "wait", wait}
	if !fitsDeadline(ctx, wait) {
		g.log.Warn("graph send not retried: wait passes the deadline", logArgs...)
		return false
	}

	g.metrics.graphRetry(rule.label)
	g.log.Warn("graph send retry", logArgs...)
	return g.sleep(ctx, wait) == nil
}

// awaitTurn waits out the addressee's pair-rate hold, then takes a token of
// the business number's send rate.
func (g *GraphClient) awaitTurn(ctx context.Context, out outbound) error {
	if wait := g.limits.holdLeft(out.holdKey(), g.now()); wait > 0 {
		if err := g.waitFor(ctx, limiterPair, wait); err != nil {
			return err
		}
	}

	now := g.now()
	reservation := g.limits.number(out.from).ReserveN(now, 1)
	wait := reservation.DelayFrom(now)
	if wait <= 0 {
		return nil
	}
	if err := g.waitFor(ctx, limiterSend, wait); err != nil {
		reservation.CancelAt(g.now())
		return err
	}
	return nil
}

// waitFor sleeps d for limiter unless that would pass ctx's deadline.
func (g *GraphClient) waitFor(ctx context.Context, limiter string, d time.Duration) error {
	if !fitsDeadline(ctx, d) {
		return fmt.Errorf("graph api: %w: %s wait of %v passes the request deadline", vimbiso.ErrUnavailable, limiter, d)
	}
	g.metrics.rateLimited(limiter, d)
	if err := g.sleep(ctx, d); err != nil {
		return fmt.Errorf("graph api: %s wait: %w", limiter, err)
	}
	return nil
}

// retryRule is the retry policy of one class of refusal.
type retryRule struct {
	label   string        // metric label: the code, or http_5xx / http_429
	retries int           // repeats allowed; 0 for none
	base    time.Duration // wait before the first repeat
	double  bool          // the wait doubles with each repeat
	pair    bool          // the wait is the pair-rate hold
	token   bool          // the access token was refused
}

// delay returns the wait before the n-th repeat, without jitter.
func (r retryRule) delay(n int) time.Duration {
	if !r.double {
		return r.base
	}
	return r.base << (n - 1)
}

// codeRules are the codes that are retried whatever the HTTP status.
var codeRules = map[int]retryRule{
	130429: {label: "130429", retries: 3, base: time.Second},
	4:      {label: "4", retries: 3, base: time.Second, double: true},
	80007:  {label: "80007", retries: 3, base: time.Second, double: true},
	131000: {label: "131000", retries: 1, base: time.Second},
	131056: {label: "131056", retries: 3, pair: true},
}

var (
	serverErrorRule = retryRule{label: labelServerError, retries: 3, base: time.Second, double: true}
	tooManyRule     = retryRule{label: labelTooMany, retries: 3, base: time.Second, double: true}
	tokenRule       = retryRule{token: true}
)

// ruleFor classifies a refusal. Codes of the retry table win, then the
// codes that are never retried, then the HTTP status.
func ruleFor(e *vimbiso.SendError) retryRule {
	if e.Code == 190 {
		return tokenRule
	}
	if e.Code != 0 {
		if r, ok := codeRules[e.Code]; ok {
			return r
		}
		if neverRetried(e.Code) {
			return retryRule{}
		}
	}

	switch {
	case e.HTTPStatus >= 500:
		return serverErrorRule
	case e.Code != 0:
		return retryRule{}
	case e.HTTPStatus == http.StatusTooManyRequests:
		return tooManyRule
	case e.HTTPStatus == http.StatusUnauthorized || e.HTTPStatus == http.StatusForbidden:
		return tokenRule
	case e.Details != "":
		// A Meta error object whose code is 0 (AuthException): the
		// decoder fills Details only from Meta's error object.
		// NOTE: the mock cannot return code 0, so only the 401 branch
		// above is tested.
		return tokenRule
	}
	return retryRule{}
}

// neverRetried reports the codes that no repeat can fix: a fault in our
// message (100, 131008, 131009, 132xxx), the user (131026, 131047, 131050)
// or our account and permissions (3, 10, 200–299, 368, 133010).
func neverRetried(code int) bool {
	switch {
	case code >= 200 && code <= 299, code >= 132000 && code <= 132999:
		return true
	}
	switch code {
	case 3, 10, 100, 368, 131008, 131009, 131026, 131047, 131050, 133010:
		return true
	}
	return false
}

// retryAfter returns Meta's Retry-After, capped at maxRetryAfter.
func retryAfter(e *vimbiso.SendError) time.Duration {
	return min(time.Duration(e.RetryAfter)*time.Second, maxRetryAfter)
}

// addJitter returns d plus a random part of up to a quarter of d.
func addJitter(d time.Duration) time.Duration {
	if d < 4 {
		return d
	}
	return d + rand.N(d/4)
}

// fitsDeadline reports whether a wait of d ends before ctx's deadline.
func fitsDeadline(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || time.Until(deadline) >= d
}

// recipient returns the addressee of a message: the wa_id, or the
// business-scoped id when the user has no phone number.
func recipient(to vimbiso.User, bsuid string) string {
	if to.WaID != "" {
		return to.WaID
	}
	return bsuid
}

// sendLimits are the token buckets of the business numbers and the
// pair-rate holds of the addressees. It is safe for concurrent use, and
// no lock is held while a caller waits.
type sendLimits struct {
	perSecond int

	mu      sync.Mutex
	numbers map[string]*rate.Limiter // by phone_number_id; guarded by mu
	holds   map[string]time.Time     // by outbound.holdKey: no send before; guarded by mu
}

func newSendLimits(perSecond int) *sendLimits {
	return &sendLimits{
		perSecond: perSecond,
		numbers:   make(map[string]*rate.Limiter),
		holds:     make(map[string]time.Time),
	}
}

// number returns the token bucket of the business number from.
func (l *sendLimits) number(from string) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.numbers[from]
	if !ok {
		lim = rate.NewLimiter(rate.Limit(l.perSecond), l.perSecond)
		l.numbers[from] = lim
	}
	return lim
}

// hold keeps every send to key back for d from now; a shorter hold never
// cuts a longer one.
func (l *sendLimits) hold(key string, now time.Time, d time.Duration) {
	if key == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.holds) >= maxHolds {
		l.sweepLocked(now)
	}
	if until := now.Add(d); until.After(l.holds[key]) {
		l.holds[key] = until
	}
}

// holdLeft returns how long sends to key are still held at now, and deletes
// a hold that has passed.
func (l *sendLimits) holdLeft(key string, now time.Time) time.Duration {
	if key == "" {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	until, ok := l.holds[key]
	if !ok {
		return 0
	}
	if !until.After(now) {
		delete(l.holds, key)
		return 0
	}
	return until.Sub(now)
}

// sweepLocked deletes the holds that have passed at now. The caller holds
// l.mu.
func (l *sendLimits) sweepLocked(now time.Time) {
	for key, until := range l.holds {
		if !until.After(now) {
			delete(l.holds, key)
		}
	}
}

// tokenHealth records the last refusal of the access token. The zero
// value is healthy.
type tokenHealth struct {
	mu  sync.Mutex
	err error // guarded by mu
}

func (h *tokenHealth) get() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.err
}

// degrade records a refusal of the token; the first one is logged as an
// error, because only an operator can replace the token.
func (h *tokenHealth) degrade(log *slog.Logger, refusal *vimbiso.SendError, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err == nil {
		log.Error("graph api rejected the access token: replies fail until it is replaced",
			"code", refusal.Code, "http_status", refusal.HTTPStatus)
	}
	h.err = fmt.Errorf("%w (code %d, http %d) at %s: replace the WhatsApp access token",
		ErrAccessTokenRejected, refusal.Code, refusal.HTTPStatus, now.UTC().Format(time.RFC3339))
}

// recover clears a recorded refusal after a request succeeded.
func (h *tokenHealth) recover(log *slog.Logger) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err != nil {
		log.Info("graph api accepts the access token again")
		h.err = nil
	}
}
