package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vimbisopay/vimbiso/devstack/mockcredex"
	"github.com/vimbisopay/vimbiso/devstack/mockwhatsapp"
)

// loadStack is the system under one load run: a redis-server, the two
// mocks in this process behind a tap, and the bot as a separate
// `vimbiso serve` process, all on 127.0.0.1.
type loadStack struct {
	dir      string
	redis    *exec.Cmd
	redisURL string
	rdb      *redis.Client
	bot      *exec.Cmd
	botURL   string
	botLog   string
	graph    *graphTap
	credex   *credexTap
	mockWA   *mockwhatsapp.Server
	mockCX   *mockcredex.Server
	servers  []*httpServer
	log      *slog.Logger
}

// stackOptions sets up one loadStack.
type stackOptions struct {
	fsync       string        // appendfsync policy: always or everysec
	latency     time.Duration // added to every Graph API and CredEx API call
	idleTimeout time.Duration // the bot's IDLE_TIMEOUT
	botBinary   string        // the vimbiso binary to run as the bot
	cpuProfile  string        // path of the bot's CPU profile, or "" for none
}

// startLoadStack starts redis-server, the mocks and the bot. Stop it with
// stop, also after an error.
func startLoadStack(ctx context.Context, opts stackOptions, log *slog.Logger) (*loadStack, error) {
	dir, err := os.MkdirTemp("", "vimbiso-load-")
	if err != nil {
		return nil, fmt.Errorf("create a temporary directory: %w", err)
	}
	s := &loadStack{dir: dir, log: log}
	if err := s.startRedis(ctx, opts.fsync); err != nil {
		return s, err
	}
	if err := s.startMocks(opts.latency); err != nil {
		return s, err
	}
	if err := s.startBot(ctx, opts); err != nil {
		return s, err
	}
	return s, nil
}

// freeLoopbackAddr returns a 127.0.0.1 address with a port that was free a
// moment ago.
func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

func (s *loadStack) startRedis(ctx context.Context, fsync string) error {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return fmt.Errorf("redis-server not found on PATH (make test-deps installs it): %w", err)
	}
	addr, err := freeLoopbackAddr()
	if err != nil {
		return fmt.Errorf("find a free port for redis-server: %w", err)
	}
	_, port, _ := net.SplitHostPort(addr)
	s.redis = exec.Command(bin,
		"--port", port, "--bind", "127.0.0.1", "--dir", s.dir,
		"--appendonly", "yes", "--appendfsync", fsync,
		"--maxmemory-policy", "noeviction", "--save", "", "--daemonize", "no",
		"--logfile", filepath.Join(s.dir, "redis.log"))
	if err := s.redis.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	s.redisURL = "redis://" + addr + "/0"
	s.rdb = redis.NewClient(&redis.Options{Addr: addr})
	return waitFor(ctx, 10*time.Second, "redis-server on "+addr, func() error {
		return s.rdb.Ping(ctx).Err()
	})
}

func (s *loadStack) startMocks(latency time.Duration) error {
	// The mocks log every send and event; under load that is noise.
	quiet := slog.New(slog.DiscardHandler)
	s.mockWA = mockwhatsapp.New(mockwhatsapp.Config{
		PhoneNumberID: devPhoneNumberID, DisplayNumber: devDisplayNumber, BusinessID: devBusinessID,
		AccessToken: devAccessToken, AppSecret: devAppSecret, VerifyToken: devVerifyToken,
		NoStatuses: true, Logger: quiet,
	})
	s.mockCX = mockcredex.New(mockcredex.Config{
		APIKey: devClientAPIKey, WebhookSecret: devCredExSecret,
		Logger: quiet,
	})
	s.graph = newGraphTap(s.mockWA, latency)
	s.credex = &credexTap{next: s.mockCX, latency: latency}

	wa, err := listen("mock whatsapp", "127.0.0.1:0", s.graph)
	if err != nil {
		return err
	}
	s.servers = append(s.servers, wa)
	cx, err := listen("mock credex", "127.0.0.1:0", s.credex)
	if err != nil {
		return err
	}
	s.servers = append(s.servers, cx)
	wa.serve()
	cx.serve()
	return nil
}

func (s *loadStack) whatsappURL() string { return s.servers[0].URL() }
func (s *loadStack) credexURL() string   { return s.servers[1].URL() }

// startBot runs `vimbiso serve` with the development settings, pointed at
// the mocks and the redis-server, with the rate limits of the real services
// raised so that they do not bound the measurement.
func (s *loadStack) startBot(ctx context.Context, opts stackOptions) error {
	addr, err := freeLoopbackAddr()
	if err != nil {
		return fmt.Errorf("find a free port for the bot: %w", err)
	}
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"VIMBISO_ADDR=" + addr,
		"MYCREDEX_APP_URL=" + s.credexURL() + "/",
		"CLIENT_API_KEY=" + devClientAPIKey,
		"CREDEX_WEBHOOK_SECRET=" + devCredExSecret,
		"CREDEX_RATE_LIMIT=1000000",
		"WHATSAPP_API_URL=" + s.whatsappURL() + "/" + devGraphVersion + "/",
		"WHATSAPP_ACCESS_TOKEN=" + devAccessToken,
		"WHATSAPP_PHONE_NUMBER_ID=" + devPhoneNumberID,
		"WHATSAPP_BUSINESS_ID=" + devBusinessID,
		"WHATSAPP_APP_SECRET=" + devAppSecret,
		"WHATSAPP_VERIFY_TOKEN=" + devVerifyToken,
		"WHATSAPP_SEND_RATE=1000000",
		"USER_INPUT_RATE=1000000",
		"REDIS_STATE_URL=" + s.redisURL,
		"LOG_LEVEL=warn",
		"IDLE_TIMEOUT=" + opts.idleTimeout.String(),
	}
	if opts.cpuProfile != "" {
		env = append(env, "VIMBISO_CPUPROFILE="+opts.cpuProfile)
	}
	s.botLog = filepath.Join(s.dir, "bot.log")
	logFile, err := os.Create(s.botLog)
	if err != nil {
		return fmt.Errorf("create the bot log: %w", err)
	}
	defer logFile.Close()

	s.bot = exec.Command(opts.botBinary, "serve")
	s.bot.Env = env
	s.bot.Stdout = logFile
	s.bot.Stderr = logFile
	if err := s.bot.Start(); err != nil {
		return fmt.Errorf("start %s serve: %w", opts.botBinary, err)
	}
	s.botURL = "http://" + addr
	err = waitFor(ctx, 15*time.Second, "the bot's /healthz at "+s.botURL, func() error {
		resp, err := http.Get(s.botURL + "/healthz")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %s", resp.Status)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%w (bot log: %s)", err, s.botLog)
	}
	return nil
}

// pointMocksAtBot makes the mocks deliver to the bot. Until then the mock
// CredEx sends no events, so that seeding the members starts no turns.
func (s *loadStack) pointMocksAtBot() {
	s.mockWA.SetBotURL(s.botURL)
	s.mockCX.SetWebhookURL(s.botURL + "/credex/webhook")
}

// stop ends the bot (SIGTERM, then SIGKILL after 10 s), the mocks and
// redis-server, and removes the temporary directory unless keep is set.
func (s *loadStack) stop(keep bool) {
	stopProcess(s.bot, 10*time.Second)
	for _, srv := range s.servers {
		srv.shutdown(s.log)
	}
	if s.mockWA != nil {
		s.mockWA.Close()
	}
	if s.mockCX != nil {
		s.mockCX.Close()
	}
	if s.rdb != nil {
		s.rdb.Close()
	}
	stopProcess(s.redis, 10*time.Second)
	if !keep {
		os.RemoveAll(s.dir)
	}
}

func stopProcess(cmd *exec.Cmd, grace time.Duration) {
	if cmd == nil || cmd.Process == nil {
		return
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	_ = cmd.Process.Signal(os.Interrupt)
	select {
	case <-done:
	case <-time.After(grace):
		_ = cmd.Process.Kill()
		<-done
	}
}

// waitFor calls check until it succeeds or limit passes.
func waitFor(ctx context.Context, limit time.Duration, what string, check func() error) error {
	deadline := time.Now().Add(limit)
	for {
		err := check()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %v: %w", what, limit, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// processUsage is the CPU time and memory of a process from /proc.
type processUsage struct {
	cpu     time.Duration // user + system
	rss     int64         // bytes, VmRSS
	peakRSS int64         // bytes, VmHWM: the highest RSS since the start
}

// clockTicksPerSecond is USER_HZ, the unit of utime and stime in
// /proc/<pid>/stat; Linux fixes it at 100 on every architecture Go supports.
const clockTicksPerSecond = 100

// readProcessUsage reads /proc/<pid>/stat and /proc/<pid>/status (Linux).
func readProcessUsage(pid int) (processUsage, error) {
	var u processUsage
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return u, fmt.Errorf("read the bot's CPU time: %w", err)
	}
	// The command name in brackets may hold spaces, so fields are counted
	// after its closing bracket: state is field 3, utime 14 and stime 15.
	rest := stat[bytes.LastIndexByte(stat, ')')+1:]
	fields := strings.Fields(string(rest))
	if len(fields) < 13 {
		return u, fmt.Errorf("read the bot's CPU time: /proc/%d/stat has %d fields after the name", pid, len(fields))
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return u, fmt.Errorf("read the bot's CPU time: %w", err)
	}
	u.cpu = time.Duration(utime+stime) * time.Second / clockTicksPerSecond

	status, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return u, fmt.Errorf("read the bot's memory: %w", err)
	}
	defer status.Close()
	sc := bufio.NewScanner(status)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			continue
		}
		switch name {
		case "VmRSS":
			u.rss = kb << 10
		case "VmHWM":
			u.peakRSS = kb << 10
		}
	}
	return u, sc.Err()
}

// botMetric returns the sum of the samples of one metric family in the
// bot's /metrics whose label text contains match ("" matches all).
func (s *loadStack) botMetric(ctx context.Context, name, match string) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.botURL+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("read the bot's metrics: %w", err)
	}
	defer resp.Body.Close()
	var sum float64
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name) {
			continue
		}
		series, value, ok := strings.Cut(line, " ")
		if !ok || (series != name && !strings.HasPrefix(series, name+"{")) || !strings.Contains(series, match) {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err == nil {
			sum += v
		}
	}
	return sum, sc.Err()
}

// redisCommands returns total_commands_processed of the redis-server.
func (s *loadStack) redisCommands(ctx context.Context) (int64, error) {
	info, err := s.rdb.Info(ctx, "stats").Result()
	if err != nil {
		return 0, fmt.Errorf("read redis stats: %w", err)
	}
	for line := range strings.SplitSeq(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "total_commands_processed:"); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, errors.New("read redis stats: no total_commands_processed")
}

// snapshotSizes returns the byte length of the JSON of every stored
// snapshot, and the largest MEMORY USAGE of a snapshot key (the hash with
// its version and Redis' overhead).
func (s *loadStack) snapshotSizes(ctx context.Context) (sizes []int64, maxKeyBytes int64, err error) {
	iter := s.rdb.Scan(ctx, 0, "vimbiso:{*}:snap", 1000).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		n, err := s.rdb.HStrLen(ctx, key, "d").Result()
		if err != nil {
			return nil, 0, fmt.Errorf("read snapshot size: %w", err)
		}
		sizes = append(sizes, n)
		usage, err := s.rdb.MemoryUsage(ctx, key).Result()
		if err == nil && usage > maxKeyBytes {
			maxKeyBytes = usage
		}
	}
	return sizes, maxKeyBytes, iter.Err()
}

// graphTap sits in front of the mock Graph API. It delays every send and
// read receipt by latency, counts them, and hands each accepted message to
// the mailbox of its recipient, so that the load users see their replies
// without polling the mock.
type graphTap struct {
	next    http.Handler
	latency time.Duration

	sends    atomic.Int64 // accepted messages
	receipts atomic.Int64 // read receipts
	rejected atomic.Int64 // sends the mock rejected

	mu    sync.Mutex
	boxes map[string]chan reply // by recipient phone number
}

// reply is one message the bot sent, as the mock accepted it.
type reply struct {
	body  []byte    // the Graph request body
	wamid string    // the id the mock assigned
	at    time.Time // when the mock accepted it
}

// mailboxSize bounds the replies kept for one user; further ones are
// dropped, which only users that never read (offer recipients) reach.
const mailboxSize = 64

func newGraphTap(next http.Handler, latency time.Duration) *graphTap {
	return &graphTap{next: next, latency: latency, boxes: map[string]chan reply{}}
}

// mailbox returns the reply channel of phone, creating it.
func (t *graphTap) mailbox(phone string) chan reply {
	t.mu.Lock()
	defer t.mu.Unlock()
	box, ok := t.boxes[phone]
	if !ok {
		box = make(chan reply, mailboxSize)
		t.boxes[phone] = box
	}
	return box
}

func (t *graphTap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/messages") {
		t.next.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "read body: "+err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if !sleepContext(r.Context(), t.latency) {
		return
	}
	var sent struct {
		To     string `json:"to"`
		Status string `json:"status"`
	}
	_ = json.Unmarshal(body, &sent)
	if sent.Status == "read" {
		// The load users write to the bot directly, so the mock has not
		// seen the message ids and would refuse the receipt; Meta accepts it.
		t.receipts.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"success":true}`)
		return
	}

	rec := &recordingWriter{ResponseWriter: w, status: http.StatusOK}
	t.next.ServeHTTP(rec, r)
	if rec.status != http.StatusOK {
		t.rejected.Add(1)
		return
	}
	t.sends.Add(1)
	var answer struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
	}
	if json.Unmarshal(rec.body.Bytes(), &answer) != nil || len(answer.Messages) == 0 {
		return
	}
	select {
	case t.mailbox(sent.To) <- reply{body: body, wamid: answer.Messages[0].ID, at: time.Now()}:
	default:
	}
}

// recordingWriter keeps a copy of the status and body it passes on.
type recordingWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *recordingWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	w.body.Write(p)
	return w.ResponseWriter.Write(p)
}

// credexTap sits in front of the mock CredEx: it delays and counts every
// API call, and passes the /mock/ endpoints through untouched.
type credexTap struct {
	next    http.Handler
	latency time.Duration
	calls   atomic.Int64
}

func (t *credexTap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/mock/") {
		t.calls.Add(1)
		if !sleepContext(r.Context(), t.latency) {
			return
		}
	}
	t.next.ServeHTTP(w, r)
}

// sleepContext waits d, or less when ctx ends; it reports whether d passed.
func sleepContext(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}
