package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vimbisopay/vimbiso"
	"github.com/vimbisopay/vimbiso/devstack/mockwhatsapp"
)

// mockAccessToken is the token the mock Graph API accepts by default.
const mockAccessToken = "dev-access-token"

// fakeClock is the time of a GraphClient under test. Now stays fixed
// until Sleep moves it on by the duration asked, and every Sleep is
// recorded. onSleep, when set, runs first and may block or fail the sleep.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	sleeps  []time.Duration
	onSleep func(ctx context.Context, d time.Duration) error
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	hook := c.onSleep
	c.mu.Unlock()

	if hook != nil {
		if err := hook(ctx, d); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return nil
}

func (c *fakeClock) recorded() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// requestCounter counts the requests an http.Client makes.
type requestCounter struct {
	next http.RoundTripper
	n    atomic.Int64
}

func (c *requestCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

// mockGraph is the real mock WhatsApp Cloud API on a loopback listener,
// with a client under test that sends through it.
type mockGraph struct {
	url      string
	hc       *http.Client // for the /mock endpoints
	clock    *fakeClock
	registry *prometheus.Registry
	requests *requestCounter // Graph requests of the client under test
	client   *GraphClient
}

// startMockGraph starts the mock and a client with a fake clock. change,
// when not nil, edits the client's options first.
func startMockGraph(t *testing.T, change func(*GraphOptions)) *mockGraph {
	t.Helper()
	mock := mockwhatsapp.New(mockwhatsapp.Config{NoStatuses: true})
	srv := httptest.NewServer(mock)
	t.Cleanup(srv.Close)
	t.Cleanup(mock.Close)

	m := &mockGraph{
		url:      srv.URL,
		hc:       srv.Client(),
		clock:    newFakeClock(),
		registry: prometheus.NewRegistry(),
		requests: &requestCounter{next: srv.Client().Transport},
	}
	opts := GraphOptions{
		HTTPClient: &http.Client{Transport: m.requests},
		Metrics:    NewMetrics(m.registry),
		Logger:     slog.New(slog.DiscardHandler),
		Sleep:      m.clock.Sleep,
		Now:        m.clock.Now,
	}
	if change != nil {
		change(&opts)
	}
	m.client = NewGraphClientWithOptions(srv.URL+"/v21.0", mockAccessToken, opts)
	return m
}

// post sends body as JSON to one of the mock's /mock endpoints.
func (m *mockGraph) post(t *testing.T, path string, body any) {
	t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := m.hc.Post(m.url+path, "application/json", bytes.NewReader(data))
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		answer, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST %s = %d: %s", path, resp.StatusCode, answer)
	}
}

// fault makes the mock fail the next sends to user as f describes, in the
// fields of POST /mock/faults.
func (m *mockGraph) fault(t *testing.T, user string, f map[string]any) {
	t.Helper()
	f["to"] = user
	m.post(t, "/mock/faults", f)
}

// openWindow makes user's last message a minute old, so that free-form
// messages to them are inside the 24-hour window.
func (m *mockGraph) openWindow(t *testing.T, users ...string) {
	t.Helper()
	for _, u := range users {
		m.post(t, "/mock/users/"+u+"/last-inbound", map[string]string{"age": "1m"})
	}
}

// attempts returns the Meta error code of each send to user the mock
// recorded, oldest first; 0 for an accepted send.
func (m *mockGraph) attempts(t *testing.T, user string) []int {
	t.Helper()
	items, err := mockwhatsapp.Messages(context.Background(), m.hc, m.url, user, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []int
	for _, it := range items {
		if it.Direction != mockwhatsapp.DirectionOut {
			continue
		}
		code := 0
		if it.Result != nil && it.Result.Error != nil {
			code = it.Result.Error.Code
		}
		codes = append(codes, code)
	}
	return codes
}

// send sends a text to user from the mock's business number.
func (m *mockGraph) send(ctx context.Context, user string) error {
	_, err := m.client.Send(ctx, testPhoneNumberID, vimbiso.User{PhoneNumberID: testPhoneNumberID, WaID: user}, "", vimbiso.Text("hello"))
	return err
}

// metric returns the value of a counter, or the sample count of a
// histogram, named name whose label has the value label; 0 when absent.
func metric(t *testing.T, reg *prometheus.Registry, name, label string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, s := range f.GetMetric() {
			for _, l := range s.GetLabel() {
				if l.GetValue() != label {
					continue
				}
				if h := s.GetHistogram(); h != nil {
					return float64(h.GetSampleCount())
				}
				return s.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// waitRange is the half-open range [min, max) a recorded wait must fall in.
type waitRange struct{ min, max time.Duration }

// jittered is the range of a wait of d with up to 25% jitter on top.
func jittered(d time.Duration) waitRange { return waitRange{d, d + d/4} }

// exactly is the range of a wait of exactly d.
func exactly(d time.Duration) waitRange { return waitRange{d, d + 1} }

func checkWaits(t *testing.T, got []time.Duration, want []waitRange) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("waits = %v, want %d waits in %v", got, len(want), want)
		return
	}
	for i, w := range want {
		if got[i] < w.min || got[i] >= w.max {
			t.Errorf("wait %d = %v, want within [%v, %v)", i+1, got[i], w.min, w.max)
		}
	}
}

func checkCodes(t *testing.T, got, want []int) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("attempts recorded by the mock = %v, want %v (0 = accepted)", got, want)
	}
}

// checkSendError checks that err is a *vimbiso.SendError with code, or nil
// when code is 0.
func checkSendError(t *testing.T, err error, code int) {
	t.Helper()
	if code == 0 {
		if err != nil {
			t.Errorf("Send error = %v, want nil", err)
		}
		return
	}
	var sendErr *vimbiso.SendError
	if !errors.As(err, &sendErr) {
		t.Fatalf("Send error = %v, want a *vimbiso.SendError with code %d", err, code)
	}
	if sendErr.Code != code {
		t.Errorf("Send error code = %d, want %d", sendErr.Code, code)
	}
}

func TestGraphRetryByCode(t *testing.T) {
	tests := []struct {
		name    string
		fault   map[string]any
		codes   []int // attempts the mock records; 0 = accepted
		errCode int   // code of the final refusal; 0 = sent
		waits   []waitRange
		label   string // retry metric label
	}{
		// Throughput per number: 1 s, up to 3 times.
		{"130429 passes on third try", map[string]any{"code": 130429, "times": 2},
			[]int{130429, 130429, 0}, 0, []waitRange{jittered(time.Second), jittered(time.Second)}, "130429"},
		{"130429 gives up after 3 retries", map[string]any{"code": 130429, "times": 9},
			[]int{130429, 130429, 130429, 130429}, 130429,
			[]waitRange{jittered(time.Second), jittered(time.Second), jittered(time.Second)}, "130429"},

		// API calls per app: 1 s, 2 s, 4 s, then give up.
		{"4 backs off 1 2 4 s", map[string]any{"code": 4, "times": 9},
			[]int{4, 4, 4, 4}, 4,
			[]waitRange{jittered(time.Second), jittered(2 * time.Second), jittered(4 * time.Second)}, "4"},
		{"80007 passes on retry", map[string]any{"code": 80007, "times": 1},
			[]int{80007, 0}, 0, []waitRange{jittered(time.Second)}, "80007"},

		// Unknown error: once after 1 s.
		{"131000 retried once", map[string]any{"code": 131000, "times": 9},
			[]int{131000, 131000}, 131000, []waitRange{jittered(time.Second)}, "131000"},

		// Meta side problems: 1 s, 2 s, 4 s.
		{"5xx backs off 1 2 4 s", map[string]any{"code": 2, "http_status": 503, "times": 9},
			[]int{2, 2, 2, 2}, 2,
			[]waitRange{jittered(time.Second), jittered(2 * time.Second), jittered(4 * time.Second)}, labelServerError},
		{"5xx passes on retry", map[string]any{"code": 1, "http_status": 502, "times": 1},
			[]int{1, 0}, 0, []waitRange{jittered(time.Second)}, labelServerError},

		// Retry-After lengthens the wait.
		{"130429 honours Retry-After", map[string]any{"code": 130429, "retry_after": 3, "times": 1},
			[]int{130429, 0}, 0, []waitRange{exactly(3 * time.Second)}, "130429"},
		{"5xx honours Retry-After", map[string]any{"code": 2, "http_status": 503, "retry_after": 5, "times": 1},
			[]int{2, 0}, 0, []waitRange{exactly(5 * time.Second)}, labelServerError},

		// Pair rate: hold the user 6 s, up to 3 times.
		{"131056 waits 6 s", map[string]any{"code": 131056, "times": 1},
			[]int{131056, 0}, 0, []waitRange{jittered(6 * time.Second)}, "131056"},
		{"131056 gives up after 3 retries", map[string]any{"code": 131056, "times": 9},
			[]int{131056, 131056, 131056, 131056}, 131056,
			[]waitRange{jittered(6 * time.Second), jittered(6 * time.Second), jittered(6 * time.Second)}, "131056"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := startMockGraph(t, nil)
			m.openWindow(t, alicePhone)
			m.fault(t, alicePhone, tt.fault)

			err := m.send(context.Background(), alicePhone)

			checkSendError(t, err, tt.errCode)
			checkCodes(t, m.attempts(t, alicePhone), tt.codes)
			checkWaits(t, m.clock.recorded(), tt.waits)
			if got, want := metric(t, m.registry, "vimbiso_graph_retries_total", tt.label), float64(len(tt.waits)); got != want {
				t.Errorf("vimbiso_graph_retries_total{code=%q} = %v, want %v", tt.label, got, want)
			}
			if err := m.client.Degraded(); err != nil {
				t.Errorf("Degraded() = %v, want nil", err)
			}
		})
	}
}

func TestGraphNeverRetried(t *testing.T) {
	tests := []struct {
		code, httpStatus int
	}{
		{131047, 0}, {131026, 0}, {131050, 0}, {100, 0}, {131008, 0}, {131009, 0},
		{132000, 0}, {132001, 0}, {132005, 0}, {132007, 0}, {132012, 0},
		{3, 0}, {10, 0}, {200, 0}, {250, 0}, {299, 0}, {368, 0}, {133010, 0},
		// A code that is never retried wins over a 5xx status.
		{131026, 500}, {132001, 503},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d http %d", tt.code, tt.httpStatus), func(t *testing.T) {
			m := startMockGraph(t, nil)
			m.openWindow(t, alicePhone)
			f := map[string]any{"code": tt.code, "times": 9}
			if tt.httpStatus != 0 {
				f["http_status"] = tt.httpStatus
			}
			m.fault(t, alicePhone, f)

			err := m.send(context.Background(), alicePhone)

			checkSendError(t, err, tt.code)
			checkCodes(t, m.attempts(t, alicePhone), []int{tt.code})
			checkWaits(t, m.clock.recorded(), nil)
		})
	}
}

func TestGraphWindowRefusalNotRetried(t *testing.T) {
	m := startMockGraph(t, nil)
	// No window is opened: the mock refuses free-form text with 131047.
	err := m.send(context.Background(), alicePhone)

	checkSendError(t, err, 131047)
	checkCodes(t, m.attempts(t, alicePhone), []int{131047})
	checkWaits(t, m.clock.recorded(), nil)
}

func TestGraphTokenRejected(t *testing.T) {
	m := startMockGraph(t, nil)
	m.openWindow(t, alicePhone)
	m.fault(t, alicePhone, map[string]any{"code": 190, "times": 1})

	checkSendError(t, m.send(context.Background(), alicePhone), 190)
	checkCodes(t, m.attempts(t, alicePhone), []int{190})
	checkWaits(t, m.clock.recorded(), nil)
	degraded := m.client.Degraded()
	if !errors.Is(degraded, ErrAccessTokenRejected) {
		t.Fatalf("Degraded() = %v, want ErrAccessTokenRejected", degraded)
	}
	if err := m.client.Ready(context.Background()); err == nil {
		t.Error("Ready() = nil while degraded, want the Degraded error")
	}

	// The next send goes out (one attempt, no backlog) and clears it.
	checkSendError(t, m.send(context.Background(), alicePhone), 0)
	checkCodes(t, m.attempts(t, alicePhone), []int{190, 0})
	if err := m.client.Degraded(); err != nil {
		t.Errorf("Degraded() after a successful send = %v, want nil", err)
	}
}

func TestGraphWrongTokenOneAttempt(t *testing.T) {
	m := startMockGraph(t, nil)
	m.openWindow(t, alicePhone)
	wrong := NewGraphClientWithOptions(m.url+"/v21.0", "expired-token", GraphOptions{
		HTTPClient: &http.Client{Transport: m.requests},
		Logger:     slog.New(slog.DiscardHandler),
		Sleep:      m.clock.Sleep,
		Now:        m.clock.Now,
	})
	to := vimbiso.User{PhoneNumberID: testPhoneNumberID, WaID: alicePhone}

	// The mock rejects a wrong token with HTTP 401 and code 190 before it
	// records anything, so the requests are counted on the client's side.
	for i := range 3 {
		_, err := wrong.Send(context.Background(), testPhoneNumberID, to, "", vimbiso.Text("hello"))
		checkSendError(t, err, 190)
		if got := m.requests.n.Load(); got != int64(i+1) {
			t.Errorf("requests after %d sends = %d, want %d", i+1, got, i+1)
		}
	}
	checkWaits(t, m.clock.recorded(), nil)
	if !errors.Is(wrong.Degraded(), ErrAccessTokenRejected) {
		t.Errorf("Degraded() = %v, want ErrAccessTokenRejected", wrong.Degraded())
	}
}

func TestGraphPairRateHoldsNextMessage(t *testing.T) {
	m := startMockGraph(t, nil)
	m.openWindow(t, alicePhone, bobPhone)
	m.fault(t, alicePhone, map[string]any{"code": 131056, "times": 4})

	// Every attempt is refused: the send gives up after three holds.
	checkSendError(t, m.send(context.Background(), alicePhone), 131056)
	checkWaits(t, m.clock.recorded(), []waitRange{jittered(6 * time.Second), jittered(6 * time.Second), jittered(6 * time.Second)})

	// The next message to alice waits out the hold of the last refusal.
	checkSendError(t, m.send(context.Background(), alicePhone), 0)
	checkCodes(t, m.attempts(t, alicePhone), []int{131056, 131056, 131056, 131056, 0})
	waits := m.clock.recorded()
	checkWaits(t, waits[3:], []waitRange{jittered(6 * time.Second)})
	if got := metric(t, m.registry, "vimbiso_rate_limit_waits_total", limiterPair); got != 1 {
		t.Errorf("vimbiso_rate_limit_waits_total{limiter=%q} = %v, want 1", limiterPair, got)
	}
	if got := metric(t, m.registry, "vimbiso_rate_limit_wait_seconds", limiterPair); got != 1 {
		t.Errorf("vimbiso_rate_limit_wait_seconds{limiter=%q} count = %v, want 1", limiterPair, got)
	}

	// Once the hold has passed, messages go out without a wait; bob was
	// never held.
	checkSendError(t, m.send(context.Background(), alicePhone), 0)
	checkSendError(t, m.send(context.Background(), bobPhone), 0)
	checkWaits(t, m.clock.recorded()[4:], nil)
}

func TestGraphRetryDoesNotBlockOtherUsers(t *testing.T) {
	waiting := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	m := startMockGraph(t, nil)
	// The first wait (alice's backoff) blocks until the test releases it.
	m.clock.onSleep = func(ctx context.Context, _ time.Duration) error {
		blocked := false
		once.Do(func() { blocked = true })
		if !blocked {
			return nil
		}
		close(waiting)
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	m.openWindow(t, alicePhone, bobPhone)
	m.fault(t, alicePhone, map[string]any{"code": 130429, "times": 1})

	aliceErr := make(chan error, 1)
	go func() { aliceErr <- m.send(context.Background(), alicePhone) }()
	<-waiting

	// While alice's send waits, bob's goes through. The deadline only turns
	// a hang into a failure.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	checkSendError(t, m.send(ctx, bobPhone), 0)
	checkCodes(t, m.attempts(t, bobPhone), []int{0})
	checkCodes(t, m.attempts(t, alicePhone), []int{130429})

	close(release)
	checkSendError(t, <-aliceErr, 0)
	checkCodes(t, m.attempts(t, alicePhone), []int{130429, 0})
}

func TestGraphRetryWaitPassesDeadline(t *testing.T) {
	m := startMockGraph(t, nil)
	m.openWindow(t, alicePhone)
	m.fault(t, alicePhone, map[string]any{"code": 4, "retry_after": 30, "times": 9})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// A 30-second Retry-After does not fit a 10-second deadline: the
	// refusal is returned at once.
	checkSendError(t, m.send(ctx, alicePhone), 4)
	checkCodes(t, m.attempts(t, alicePhone), []int{4})
	checkWaits(t, m.clock.recorded(), nil)
}

func TestGraphRetryWaitCancelled(t *testing.T) {
	m := startMockGraph(t, nil)
	m.clock.onSleep = func(context.Context, time.Duration) error { return context.Canceled }
	m.openWindow(t, alicePhone)
	m.fault(t, alicePhone, map[string]any{"code": 130429, "times": 9})

	checkSendError(t, m.send(context.Background(), alicePhone), 130429)
	checkCodes(t, m.attempts(t, alicePhone), []int{130429})
}

func TestGraphMarkReadOneAttempt(t *testing.T) {
	g := &graphStandIn{status: http.StatusTooManyRequests, header: http.Header{},
		answer: `{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429}}`}
	srv := httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(srv.Close)
	clock := newFakeClock()
	client := NewGraphClientWithOptions(srv.URL+"/v21.0", testAccessToken, GraphOptions{
		HTTPClient: srv.Client(), Logger: slog.New(slog.DiscardHandler), Sleep: clock.Sleep, Now: clock.Now,
	})

	err := client.MarkRead(context.Background(), testPhoneNumberID, "wamid.TEST000000000000000000000002", true)

	checkSendError(t, err, 130429)
	g.only(t)
	checkWaits(t, clock.recorded(), nil)
}

func TestGraphSendRatePerNumber(t *testing.T) {
	const numberA, numberB = "100000000000001", "100000000000002"
	g := &graphStandIn{status: http.StatusOK, answer: okAnswer, header: http.Header{}}
	srv := httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(srv.Close)
	clock := newFakeClock()
	registry := prometheus.NewRegistry()
	client := NewGraphClientWithOptions(srv.URL+"/v21.0", testAccessToken, GraphOptions{
		HTTPClient: srv.Client(), Metrics: NewMetrics(registry), Logger: slog.New(slog.DiscardHandler),
		SendRate: 2, Sleep: clock.Sleep, Now: clock.Now,
	})
	send := func(ctx context.Context, from string) error {
		_, err := client.Send(ctx, from, vimbiso.User{PhoneNumberID: from, WaID: alicePhone}, "", vimbiso.Text("hi"))
		return err
	}

	// Two a second: a burst of two, then one every half second. The clock
	// moves only by the waits, so each later send waits half a second.
	for i := range 5 {
		if err := send(context.Background(), numberA); err != nil {
			t.Fatalf("send %d from A: %v", i+1, err)
		}
	}
	half := exactly(500 * time.Millisecond)
	checkWaits(t, clock.recorded(), []waitRange{half, half, half})

	// Another number has its own bucket.
	for i := range 2 {
		if err := send(context.Background(), numberB); err != nil {
			t.Fatalf("send %d from B: %v", i+1, err)
		}
	}
	checkWaits(t, clock.recorded()[3:], nil)
	if got := metric(t, registry, "vimbiso_rate_limit_waits_total", limiterSend); got != 3 {
		t.Errorf("vimbiso_rate_limit_waits_total{limiter=%q} = %v, want 3", limiterSend, got)
	}

	// A wait that passes the deadline sends nothing and gives its token
	// back, so the next send waits one interval, not two.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := send(ctx, numberA); !errors.Is(err, vimbiso.ErrUnavailable) {
		t.Errorf("send past the deadline: error = %v, want vimbiso.ErrUnavailable", err)
	}
	g.mu.Lock()
	n := len(g.requests)
	g.mu.Unlock()
	if n != 7 {
		t.Errorf("stand-in got %d requests, want 7", n)
	}
	if err := send(context.Background(), numberA); err != nil {
		t.Fatalf("send after the refused wait: %v", err)
	}
	checkWaits(t, clock.recorded()[3:], []waitRange{half})
}
