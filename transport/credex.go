package transport

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/vimbisopay/vimbiso"
)

// Retry rules of the CredEx client.
const (
	// rateLimitTries is how many times a call is made while CredEx responds with
	// 429. A 429 comes before the handler runs, so even a mutation is
	// repeated safely.
	rateLimitTries = 3
	// maxRetryAfter caps the wait a Retry-After header can ask for, so that
	// one conversation is not held for minutes. CredEx's limiter window is
	// one minute.
	maxRetryAfter = 60 * time.Second
	// readRetryDelay is the wait before a read is repeated after a 5xx,
	// a timeout or a connection error. Mutations are never repeated then.
	readRetryDelay = time.Second
)

// rateLimitBackoff is the wait after the first and second 429 when CredEx
// sends no Retry-After.
var rateLimitBackoff = [rateLimitTries - 1]time.Duration{2 * time.Second, 4 * time.Second}

// CredExConfig configures a CredExClient.
type CredExConfig struct {
	// BaseURL is the CredEx root with any version prefix; a missing final
	// slash is added.
	BaseURL string
	// APIKey is sent as x-client-api-key on every call.
	APIKey string
	// RateLimitBypass, when set, is sent as x-skip-rate-limit.
	RateLimitBypass string
	// Timeout bounds each HTTP request; 15 s when 0.
	Timeout time.Duration
	// Sleep waits between attempts and returns early with an error when ctx
	// ends. Tests replace it; the default uses a timer.
	Sleep func(context.Context, time.Duration) error
	// Budget, when set, is asked for a token before every request, retries
	// included, and the client waits the duration it returns. A request whose
	// wait would pass ctx's deadline is not made: the call returns
	// OutcomeRateLimited. A failing Budget is logged and ignored.
	Budget CredExBudget
	// Logger receives the failures of Budget; slog.Default() when nil.
	Logger *slog.Logger
}

// CredExClient calls the CredEx core API. It is safe for concurrent use.
// It never logs in again on its own: a 401 is returned to the caller, which
// logs in and repeats the call.
type CredExClient struct {
	cfg     CredExConfig
	hc      *http.Client
	metrics *Metrics
	budget  *budgetGate // nil without cfg.Budget
}

// NewCredExClient returns a client. A nil hc gets http.DefaultClient's
// transport; a nil m records no metrics.
func NewCredExClient(cfg CredExConfig, hc *http.Client, m *Metrics) *CredExClient {
	if !strings.HasSuffix(cfg.BaseURL, "/") {
		cfg.BaseURL += "/"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultHTTPTimeout
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleepContext
	}
	if hc == nil {
		hc = &http.Client{}
	}
	return &CredExClient{cfg: cfg, hc: hc, metrics: m, budget: newBudgetGate(cfg, m)}
}

// Do makes one call with the retries CredEx's rules allow. A call is tried
// up to three times while CredEx responds with 429. A read (an op that does
// not mutate) is tried once more after a 5xx, a timeout, a connection error
// or an unreadable response. Do returns the normalised result and the
// newest member token it saw ("" when none came back).
//
// A login (or onboarding) that succeeds without a dashboard, as 2024
// builds respond, is followed by getMemberDashboardByPhone with the new
// token.
func (c *CredExClient) Do(ctx context.Context, token string, call vimbiso.Call) (vimbiso.Result, string) {
	res, newest := c.call(ctx, token, call)
	if (call.Op == vimbiso.CallLogin || call.Op == vimbiso.CallOnboard) && res.OK() && res.Dashboard == nil {
		res, newest = c.fetchDashboard(ctx, call, res, newest)
	}
	c.metrics.credexCall(string(call.Op), string(res.Outcome))
	return res, newest
}

// call makes one call with its retries.
func (c *CredExClient) call(ctx context.Context, token string, call vimbiso.Call) (vimbiso.Result, string) {
	body, err := requestBody(call, token)
	if err != nil {
		return vimbiso.Result{Op: call.Op, Outcome: vimbiso.OutcomeInvalid, Reason: err.Error()}, ""
	}
	payload, err := encodeJSON(body)
	if err != nil {
		return vimbiso.Result{Op: call.Op, Outcome: vimbiso.OutcomeInvalid, Reason: "invalid credex call"}, ""
	}

	newest := ""
	rateLimited, readRepeated := 0, false
	for {
		if limited, ok := c.budget.take(ctx, call); !ok {
			return limited, newest
		}
		a, err := c.exchange(ctx, token, call, payload)
		if t := a.token(); t != "" {
			newest = t
			if call.Op.NeedsToken() {
				token = t
			}
		}

		switch {
		case err == nil && a.status == http.StatusTooManyRequests:
			rateLimited++
			if rateLimited >= rateLimitTries || c.cfg.Sleep(ctx, rateLimitWait(a, rateLimited)) != nil {
				return normalise(call, a), newest
			}
		case unavailable(a, err):
			if call.Op.Mutates() || readRepeated || c.cfg.Sleep(ctx, readRetryDelay) != nil {
				return unavailableResult(call, a, err), newest
			}
			readRepeated = true
		default:
			return normalise(call, a), newest
		}
	}
}

// exchange makes one HTTP request and reads its response.
func (c *CredExClient) exchange(ctx context.Context, token string, call vimbiso.Call, payload []byte) (credexResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+string(call.Op), bytes.NewReader(payload))
	if err != nil {
		return credexResponse{}, err
	}
	c.setHeaders(req, token, call)

	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.metrics.credexRequest(string(call.Op), time.Since(start))
		return credexResponse{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	c.metrics.credexRequest(string(call.Op), time.Since(start))
	if err != nil {
		return credexResponse{}, err
	}
	return decodeResponse(call.Op, resp.StatusCode, resp.Header, body), nil
}

func (c *CredExClient) setHeaders(req *http.Request, token string, call vimbiso.Call) {
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("x-client-api-key", c.cfg.APIKey)
	if call.Op.NeedsToken() && token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if call.Op.Mutates() && call.IdempotencyKey != "" {
		req.Header.Set("Idempotency-Key", call.IdempotencyKey)
	}
	if c.cfg.RateLimitBypass != "" {
		req.Header.Set("x-skip-rate-limit", c.cfg.RateLimitBypass)
	}
}

// fetchDashboard completes a login that brought no dashboard. When the
// dashboard cannot be had the login is reported as unavailable (or rate
// limited), never as "not found", because the member does exist.
func (c *CredExClient) fetchDashboard(ctx context.Context, login vimbiso.Call, res vimbiso.Result, token string) (vimbiso.Result, string) {
	dash, newer := c.call(ctx, token, vimbiso.Call{Op: vimbiso.CallDashboard, Phone: login.Phone})
	if newer != "" {
		token = newer
	}
	if dash.OK() {
		res.Dashboard = dash.Dashboard
		return res, token
	}

	res.Outcome = vimbiso.OutcomeUnavailable
	if dash.Outcome == vimbiso.OutcomeRateLimited {
		res.Outcome = vimbiso.OutcomeRateLimited
	}
	res.Reason = dash.Reason
	return res, token
}

// unavailable reports an attempt that got no usable response: a transport
// error, a timeout, a 5xx or 408, or a 2xx body that is not a JSON object.
func unavailable(a credexResponse, err error) bool {
	if err != nil {
		return true
	}
	if a.status >= 500 || a.status == http.StatusRequestTimeout {
		return true
	}
	return a.status >= 200 && a.status <= 299 && !a.isObject()
}

func unavailableResult(call vimbiso.Call, a credexResponse, err error) vimbiso.Result {
	if err != nil {
		return vimbiso.Result{Op: call.Op, Outcome: vimbiso.OutcomeUnavailable}
	}
	res := normalise(call, a)
	res.Outcome = vimbiso.OutcomeUnavailable
	return res
}

// rateLimitWait returns the wait after the n-th 429 in a row: Retry-After
// when CredEx sends it, else 2 s and then 4 s.
func rateLimitWait(a credexResponse, n int) time.Duration {
	if secs := retryAfterSeconds(a.header.Get("Retry-After"), time.Now()); secs > 0 {
		return min(time.Duration(secs)*time.Second, maxRetryAfter)
	}
	return rateLimitBackoff[min(n, len(rateLimitBackoff))-1]
}

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
