package deploy

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/vimbisopay/vimbiso"
	"github.com/vimbisopay/vimbiso/transport"
)

const (
	scrapePhoneNumberID = "100000000000001"
	scrapeAppSecret     = "deploy-test-app-secret"
	scrapeExpiredToken  = "expired-token"
)

// acceptAll stores nothing and reports every message as stored.
type acceptAll struct{}

func (acceptAll) Deliver(context.Context, []transport.Inbound) error { return nil }

// alwaysReady reports the store as reachable.
type alwaysReady struct{}

func (alwaysReady) Ready(context.Context) error { return nil }

// scrapeService starts the real front end on a registry wired as in
// `vimbiso serve` (transport and actor metrics, the intake series, the Go
// and process collectors), drives traffic through every counted path, and
// returns the body of GET /metrics. A vector metric appears in the scrape
// only once it has a sample, so a metric that this traffic does not reach
// is missing.
func scrapeService(t *testing.T) []byte {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := transport.NewMetrics(reg)
	registerIntakeSeries(reg)

	front := httptest.NewServer(transport.NewServer(transport.ServerConfig{
		AppSecret:      scrapeAppSecret,
		VerifyToken:    "deploy-test-verify-token",
		PhoneNumberIDs: []string{scrapePhoneNumberID},
		Logger:         slog.New(slog.DiscardHandler),
		Gatherer:       reg,
	}, acceptAll{}, alwaysReady{}, metrics))
	t.Cleanup(front.Close)

	driveFrontEnd(t, front.URL)
	driveGraph(t, metrics)
	driveGraphRetry(t, metrics)
	driveCredEx(t, metrics)
	driveActors(t, reg)

	resp, err := http.Get(front.URL + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics = %d, %v", resp.StatusCode, err)
	}
	return body
}

// intakeSeriesNames are the series that cmd/vimbiso registers itself
// (cmd/vimbiso/metrics.go). Package main cannot be imported, so
// registerIntakeSeries re-creates them by name, and TestEnvExampleRunsWithMock
// checks that the real binary serves each of them.
var intakeSeriesNames = []string{"vimbiso_dedupe_hits_total", "vimbiso_build_info"}

// registerIntakeSeries registers stand-ins for the series of
// intakeSeriesNames, with the same type and labels.
func registerIntakeSeries(reg prometheus.Registerer) {
	dedupeHits := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "vimbiso_dedupe_hits_total",
		Help: "Stand-in for the intake counter of cmd/vimbiso: messages dropped as redeliveries.",
	})
	dedupeHits.Inc()
	buildInfo := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "vimbiso_build_info",
		Help:        "Stand-in for the build gauge of cmd/vimbiso: always 1, labelled with the build.",
		ConstLabels: prometheus.Labels{"revision": "0123456789ab", "goversion": runtime.Version()},
	})
	buildInfo.Set(1)
	reg.MustRegister(dedupeHits, buildInfo)
}

// driveFrontEnd sends a signed delivery with a message, a failed status and
// a change for a number this service does not serve, then probes health.
func driveFrontEnd(t *testing.T, url string) {
	t.Helper()
	body, err := os.ReadFile("testdata/webhook.json")
	if err != nil {
		t.Fatal(err)
	}
	mac := hmac.New(sha256.New, []byte(scrapeAppSecret))
	mac.Write(body)
	req, err := http.NewRequest(http.MethodPost, url+"/webhook", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	wantStatus(t, req, http.StatusOK)

	for _, path := range []string{"/healthz", "/readyz"} {
		req, err := http.NewRequest(http.MethodGet, url+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantStatus(t, req, http.StatusOK)
	}
}

// driveGraph sends one message that Meta accepts and one that it rejects
// with error 190 (expired token), through a fake Graph API on loopback.
func driveGraph(t *testing.T, metrics *transport.Metrics) {
	t.Helper()
	meta := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") == "Bearer "+scrapeExpiredToken {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"message":"Error validating access token","type":"OAuthException","code":190}}`)
			return
		}
		io.WriteString(w, `{"messaging_product":"whatsapp","messages":[{"id":"wamid.DEPLOYTEST"}]}`)
	}))
	t.Cleanup(meta.Close)

	user := vimbiso.User{PhoneNumberID: scrapePhoneNumberID, WaID: "263770000009"}
	reply := vimbiso.Reply{Kind: vimbiso.ReplyText, Body: "hello"}
	ctx := t.Context()
	if _, err := transport.NewGraphClient(meta.URL, "valid-token", nil, metrics).Send(ctx, scrapePhoneNumberID, user, "", reply); err != nil {
		t.Fatalf("Graph send with a valid token: %v", err)
	}
	if _, err := transport.NewGraphClient(meta.URL, scrapeExpiredToken, nil, metrics).Send(ctx, scrapePhoneNumberID, user, "", reply); err == nil {
		t.Fatal("Graph send with an expired token succeeded, want error 190")
	}
}

// driveGraphRetry sends one message through a fake Graph API that fails
// the first request with HTTP 503, from a client that allows one message a
// second and whose clock does not move. The send is retried (http_5xx), and
// the repeat waits for the send limiter (graph_send). Waits return at once.
func driveGraphRetry(t *testing.T, metrics *transport.Metrics) {
	t.Helper()
	var requests atomic.Int32
	meta := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if requests.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"error":{"message":"Service temporarily unavailable","type":"OAuthException","code":2}}`)
			return
		}
		io.WriteString(w, `{"messaging_product":"whatsapp","messages":[{"id":"wamid.DEPLOYTEST.RETRY"}]}`)
	}))
	t.Cleanup(meta.Close)

	frozen := time.Now()
	graph := transport.NewGraphClientWithOptions(meta.URL, "valid-token", transport.GraphOptions{
		Metrics:  metrics,
		Logger:   slog.New(slog.DiscardHandler),
		SendRate: 1,
		Sleep:    func(context.Context, time.Duration) error { return nil },
		Now:      func() time.Time { return frozen },
	})
	user := vimbiso.User{PhoneNumberID: scrapePhoneNumberID, WaID: "263770000009"}
	reply := vimbiso.Reply{Kind: vimbiso.ReplyText, Body: "hello again"}
	if _, err := graph.Send(t.Context(), scrapePhoneNumberID, user, "", reply); err != nil {
		t.Fatalf("Graph send retried after a 503: %v", err)
	}
	if got := requests.Load(); got != 2 {
		t.Fatalf("fake Graph API got %d requests, want 2 (one 503, one retry)", got)
	}
}

// driveCredEx makes one dashboard call against a fake CredEx that responds
// with 503, which records request durations and an unavailable outcome. Its
// call budget makes the first request wait, which counts a credex limiter
// wait.
func driveCredEx(t *testing.T, metrics *transport.Metrics) {
	t.Helper()
	credex := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(credex.Close)

	client := transport.NewCredExClient(transport.CredExConfig{
		BaseURL: credex.URL,
		APIKey:  "deploy-test-key",
		Sleep:   func(context.Context, time.Duration) error { return nil },
		Budget:  &budgetWaitOnce{wait: 2 * time.Second},
	}, nil, metrics)
	res, _ := client.Do(t.Context(), "", vimbiso.Call{Op: vimbiso.CallDashboard, Phone: "263770000009"})
	if res.Outcome != vimbiso.OutcomeUnavailable {
		t.Fatalf("CredEx call against a 503 = %q, want %q", res.Outcome, vimbiso.OutcomeUnavailable)
	}
}

// budgetWaitOnce is a CredEx call budget that makes the first call wait
// and lets every later call through.
type budgetWaitOnce struct {
	wait time.Duration
	used atomic.Bool
}

func (b *budgetWaitOnce) Take(context.Context) (time.Duration, error) {
	if b.used.Swap(true) {
		return 0, nil
	}
	return b.wait, nil
}

func wantStatus(t *testing.T, req *http.Request, want int) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s %s = %d, want %d: %s", req.Method, req.URL.Path, resp.StatusCode, want, body)
	}
}

// sampleNames returns the names of the samples in a text exposition, with
// the _bucket, _sum and _count series of histograms and summaries as they
// appear in PromQL.
func sampleNames(t *testing.T, exposition []byte) map[string]bool {
	t.Helper()
	names := make(map[string]bool)
	sc := bufio.NewScanner(bytes.NewReader(exposition))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		end := strings.IndexAny(line, "{ ")
		if end <= 0 {
			t.Fatalf("unexpected exposition line %q", line)
		}
		names[line[:end]] = true
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}

func TestScrapeCountsEveryPath(t *testing.T) {
	names := sampleNames(t, scrapeService(t))
	for _, name := range []string{
		"vimbiso_webhook_requests_total",
		"vimbiso_inbound_messages_total",
		"vimbiso_whatsapp_statuses_total",
		"vimbiso_whatsapp_webhook_errors_total",
		"vimbiso_webhook_skipped_changes_total",
		"vimbiso_graph_sends_total",
		"vimbiso_credex_calls_total",
		"vimbiso_credex_request_duration_seconds_bucket",
		"vimbiso_graph_retries_total",
		"vimbiso_rate_limit_waits_total",
		"vimbiso_rate_limit_wait_seconds_bucket",
		"vimbiso_conversations_activated_total",
		"vimbiso_conversations_active",
		"vimbiso_fsm_transitions_total",
		"vimbiso_input_wait_seconds_bucket",
		"vimbiso_turn_seconds_bucket",
		"vimbiso_snapshot_seconds_bucket",
		"vimbiso_redis_errors_total",
		"vimbiso_turn_panics_total",
		"vimbiso_inputs_held_back_total",
		"vimbiso_inbox_oldest_age_seconds",
		"vimbiso_dedupe_hits_total",
		"vimbiso_build_info",
		"go_goroutines",
		"process_cpu_seconds_total",
	} {
		if !names[name] {
			t.Errorf("GET /metrics lacks %s after the test traffic", name)
		}
	}
}

func TestScrapePassesPromtoolLint(t *testing.T) {
	runPromtool(t, ".", scrapeService(t), "check", "metrics")
}
