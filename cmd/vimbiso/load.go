package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// loadFlags are the flags of `vimbiso load`.
type loadFlags struct {
	workloads  string
	users      int
	duration   time.Duration
	maxTurns   int64
	latency    time.Duration
	rate       int
	count      int
	fsync      string
	runs       int
	out        string
	keep       bool
	botBinary  string
	cpuProfile string
}

const loadUsage = `Usage: vimbiso load [flags]

Measures the bot as its operators feel it. Each run starts a redis-server
(appendonly), the mock WhatsApp and mock CredEx in this process and the bot
as a separate "vimbiso serve" process, all on 127.0.0.1, plays WhatsApp users
through signed webhooks, reads the bot's replies at the mock Graph API, and
stops everything when done. Every run is bounded by --duration and by
--max-turns or --count.

Workloads (comma-separated in --workload):
  w1   registered members send "hi" then "menu", again and again
  w2   members make secured offers: a quick command and its confirmation,
       then the same offer through the menu (row, amount, handle, button)
  w3   w1 and w2 together, with --latency (default 50ms) added to every
       Graph API and CredEx API call
  w4   open loop: --rate messages per second, --count in all, straight to
       the bot's /webhook; measures the webhook's answer time
  mem  --users members that are not registered say "hi" once each; the bot's
       memory per active conversation

Flags:
`

// runLoad runs the load workloads and prints their figures.
func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, err := parseLoadFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "vimbiso load: %v\n", err)
		return 2
	}
	bin := f.botBinary
	if bin == "" {
		if bin, err = os.Executable(); err != nil {
			fmt.Fprintf(stderr, "vimbiso load: find the vimbiso binary to run as the bot: %v\n", err)
			return 1
		}
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	var outFile *os.File
	if f.out != "" {
		outFile, err = os.OpenFile(f.out, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			fmt.Fprintf(stderr, "vimbiso load: %v\n", err)
			return 1
		}
		defer outFile.Close()
	}

	failed := false
	for _, w := range strings.Split(f.workloads, ",") {
		var results []loadResult
		for run := range f.runs {
			res, err := runWorkload(ctx, strings.TrimSpace(w), run+1, f, bin, log)
			res.Run = run + 1
			if err != nil {
				fmt.Fprintf(stderr, "vimbiso load: %s run %d: %v\n", w, run+1, err)
				failed = true
				if ctx.Err() != nil {
					return 1
				}
				continue
			}
			results = append(results, res)
			fmt.Fprintln(stdout, res.line())
			if outFile != nil {
				data, _ := json.Marshal(res)
				fmt.Fprintf(outFile, "%s\n", data)
			}
		}
		if len(results) > 1 {
			fmt.Fprintln(stdout, summarise(results))
		}
	}
	if failed {
		return 1
	}
	return 0
}

func parseLoadFlags(args []string, stderr io.Writer) (loadFlags, error) {
	var f loadFlags
	fs := flag.NewFlagSet("vimbiso load", flag.ContinueOnError)
	fs.SetOutput(stderr)

	fs.StringVar(&f.workloads, "workload", "w1", "workloads to run, comma-separated: w1, w2, w3, w4, mem")
	fs.IntVar(&f.users, "users", 32, "concurrent users of w1, w2 and w3; members of w4; conversations of mem")
	fs.DurationVar(&f.duration, "duration", 15*time.Second, "length of the measured part of a closed-loop run")
	fs.Int64Var(&f.maxTurns, "max-turns", 200_000, "most messages a closed-loop run sends")
	fs.DurationVar(&f.latency, "latency", 50*time.Millisecond, "delay w3 adds to every Graph API and CredEx API call")
	fs.IntVar(&f.rate, "rate", 2000, "messages per second of w4")
	fs.IntVar(&f.count, "count", 20_000, "messages w4 sends in all")
	fs.StringVar(&f.fsync, "fsync", "always", "appendfsync policy of the redis-server: always or everysec")
	fs.IntVar(&f.runs, "runs", 1, "runs of each workload, each on a fresh stack")
	fs.StringVar(&f.out, "out", "", "append each run's figures as one JSON line to this file")
	fs.StringVar(&f.botBinary, "bot-binary", "", "vimbiso binary to run as the bot (default: this one)")
	fs.BoolVar(&f.keep, "keep", false, "keep each run's temporary directory (bot log, Redis AOF)")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write the bot's CPU profile of each run to PREFIX-WORKLOAD-RUN.prof")
	fs.Usage = func() {
		fmt.Fprint(stderr, loadUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return f, err
	}

	switch {
	case fs.NArg() > 0:
		return f, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case f.fsync != "always" && f.fsync != "everysec":
		return f, fmt.Errorf("--fsync must be always or everysec, not %q", f.fsync)
	case f.users < 1 || f.users > 20_000:
		return f, fmt.Errorf("--users must be between 1 and 20000, not %d", f.users)
	case f.duration <= 0 || f.duration > 10*time.Minute:
		return f, fmt.Errorf("--duration must be more than 0 and at most 10m, not %v", f.duration)
	case f.rate < 1 || f.rate > 20_000:
		return f, fmt.Errorf("--rate must be between 1 and 20000, not %d", f.rate)
	case f.count < 1 || f.count > 1_000_000:
		return f, fmt.Errorf("--count must be between 1 and 1000000, not %d", f.count)
	case f.runs < 1 || f.runs > 20:
		return f, fmt.Errorf("--runs must be between 1 and 20, not %d", f.runs)
	case f.maxTurns < 1:
		return f, fmt.Errorf("--max-turns must be at least 1, not %d", f.maxTurns)
	}

	if f.cpuProfile != "" {
		// The bot creates the file, so a missing folder would only show as
		// a bot that never became ready.
		if info, err := os.Stat(filepath.Dir(f.cpuProfile)); err != nil || !info.IsDir() {
			return f, fmt.Errorf("--cpuprofile: folder %s not found: create it or use another prefix", filepath.Dir(f.cpuProfile))
		}
	}
	for _, w := range strings.Split(f.workloads, ",") {
		if !slices.Contains([]string{"w1", "w2", "w3", "w4", "mem"}, strings.TrimSpace(w)) {
			return f, fmt.Errorf("unknown workload %q: use w1, w2, w3, w4 or mem", w)
		}
	}
	return f, nil
}

// loadResult holds the figures of one run. Latencies are in milliseconds,
// memory in bytes.
type loadResult struct {
	Workload  string  `json:"workload"`
	Run       int     `json:"run"`
	Fsync     string  `json:"fsync"`
	Users     int     `json:"users"`
	LatencyMS float64 `json:"added_latency_ms"`
	Seconds   float64 `json:"seconds"`

	Turns           int64   `json:"turns"`
	Scenarios       int64   `json:"scenarios"`
	Errors          int     `json:"errors"`
	FirstError      string  `json:"first_error,omitempty"`
	TurnsPerSec     float64 `json:"turns_per_s"`
	ScenariosPerSec float64 `json:"scenarios_per_s"`

	WebhookP50 float64 `json:"webhook_p50_ms"`
	WebhookP95 float64 `json:"webhook_p95_ms"`
	WebhookP99 float64 `json:"webhook_p99_ms"`
	ReplyP50   float64 `json:"reply_p50_ms,omitempty"`
	ReplyP95   float64 `json:"reply_p95_ms,omitempty"`
	ReplyP99   float64 `json:"reply_p99_ms,omitempty"`

	// Events counts the CredEx events the bot took during the run: each
	// is a turn of the offer's recipient, which CPUPerTurnUS includes in
	// the bot's CPU time but not in Turns.
	Events          int64   `json:"credex_events"`
	BotCPUSeconds   float64 `json:"bot_cpu_s"`
	CPUPerTurnUS    float64 `json:"bot_cpu_per_turn_us"`
	BotPeakRSS      int64   `json:"bot_peak_rss_bytes"`
	GraphPerTurn    float64 `json:"graph_calls_per_turn"`
	CredExPerTurn   float64 `json:"credex_calls_per_turn"`
	RedisCmdPerTurn float64 `json:"redis_commands_per_turn"`

	// Filled by w2, w3 and mem: sizes of the stored snapshots' JSON.
	SnapshotMaxBytes    int64 `json:"snapshot_max_bytes,omitempty"`
	SnapshotMedianBytes int64 `json:"snapshot_median_bytes,omitempty"`
	SnapshotKeyMaxBytes int64 `json:"snapshot_key_max_bytes,omitempty"`

	// Filled by mem.
	RSSPerActiveBytes  int64 `json:"rss_per_active_bytes,omitempty"`
	HeapPerActiveBytes int64 `json:"heap_per_active_bytes,omitempty"`

	// Filled by w4: messages the bot had not replied to by the end of the
	// open loop, and how long it took to reply to them all.
	BacklogAtEnd int64   `json:"backlog_at_end,omitempty"`
	DrainSeconds float64 `json:"drain_s,omitempty"`
}

// line returns the run's main figures on one line.
func (r loadResult) line() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-4s run %d fsync=%s users=%d latency=%.0fms: %d turns in %.1fs = %.1f turns/s, %.1f scenarios/s; webhook p50/p95/p99 %.2f/%.2f/%.2f ms",
		r.Workload, r.Run, r.Fsync, r.Users, r.LatencyMS, r.Turns, r.Seconds, r.TurnsPerSec, r.ScenariosPerSec,
		r.WebhookP50, r.WebhookP95, r.WebhookP99)
	if r.ReplyP50 > 0 {
		fmt.Fprintf(&b, "; reply p50/p95/p99 %.1f/%.1f/%.1f ms", r.ReplyP50, r.ReplyP95, r.ReplyP99)
	}
	fmt.Fprintf(&b, "; bot CPU %.0f µs/turn, peak RSS %.1f MiB; per turn: %.2f Graph, %.2f CredEx calls, %.1f Redis commands; %d CredEx events",
		r.CPUPerTurnUS, float64(r.BotPeakRSS)/(1<<20), r.GraphPerTurn, r.CredExPerTurn, r.RedisCmdPerTurn, r.Events)
	if r.SnapshotMaxBytes > 0 {
		fmt.Fprintf(&b, "; snapshot JSON median %d B, max %d B (key %d B)", r.SnapshotMedianBytes, r.SnapshotMaxBytes, r.SnapshotKeyMaxBytes)
	}
	if r.RSSPerActiveBytes != 0 {
		fmt.Fprintf(&b, "; per active conversation: RSS %d B, heap %d B", r.RSSPerActiveBytes, r.HeapPerActiveBytes)
	}
	if r.DrainSeconds > 0 {
		fmt.Fprintf(&b, "; backlog %d at end, drained in %.1fs", r.BacklogAtEnd, r.DrainSeconds)
	}
	if r.Errors > 0 {
		fmt.Fprintf(&b, "; %d errors, first: %s", r.Errors, r.FirstError)
	}
	return b.String()
}

// summarise returns the median and the range of the main figures of
// several runs of one workload.
func summarise(results []loadResult) string {
	pick := func(get func(loadResult) float64) string {
		vals := make([]float64, len(results))
		for i, r := range results {
			vals[i] = get(r)
		}
		slices.Sort(vals)
		return fmt.Sprintf("%.4g [%.4g–%.4g]", vals[len(vals)/2], vals[0], vals[len(vals)-1])
	}
	r := results[0]
	return fmt.Sprintf("%s median of %d runs [min–max]: turns/s %s; scenarios/s %s; webhook p99 ms %s; reply p50 ms %s; reply p99 ms %s; bot CPU µs/turn %s",
		r.Workload, len(results),
		pick(func(r loadResult) float64 { return r.TurnsPerSec }),
		pick(func(r loadResult) float64 { return r.ScenariosPerSec }),
		pick(func(r loadResult) float64 { return r.WebhookP99 }),
		pick(func(r loadResult) float64 { return r.ReplyP50 }),
		pick(func(r loadResult) float64 { return r.ReplyP99 }),
		pick(func(r loadResult) float64 { return r.CPUPerTurnUS }))
}

// counters are the totals read at the start and end of a measurement.
type counters struct {
	at       time.Time
	usage    processUsage
	graph    int64
	credex   int64
	redisCmd int64
	events   float64
}

func (s *loadStack) readCounters(ctx context.Context) (counters, error) {
	usage, err := readProcessUsage(s.bot.Process.Pid)
	if err != nil {
		return counters{}, err
	}
	cmds, err := s.redisCommands(ctx)
	if err != nil {
		return counters{}, err
	}
	events, err := s.botMetric(ctx, "vimbiso_webhook_requests_total", `route="credex_webhook"`)
	if err != nil {
		return counters{}, err
	}
	return counters{
		at: time.Now(), usage: usage,
		graph:    s.graph.sends.Load() + s.graph.receipts.Load() + s.graph.rejected.Load(),
		credex:   s.credex.calls.Load(),
		redisCmd: cmds, events: events,
	}, nil
}

// fill sets the figures that come from the difference of two counters.
func (r *loadResult) fill(before, after counters, sink *samples) {
	r.Seconds = after.at.Sub(before.at).Seconds()
	r.TurnsPerSec = float64(r.Turns) / r.Seconds
	r.ScenariosPerSec = float64(r.Scenarios) / r.Seconds
	r.Events = int64(after.events - before.events)
	cpu := after.usage.cpu - before.usage.cpu
	r.BotCPUSeconds = cpu.Seconds()
	r.BotPeakRSS = after.usage.peakRSS
	if r.Turns > 0 {
		turns := float64(r.Turns)
		r.CPUPerTurnUS = float64(cpu.Microseconds()) / turns
		r.GraphPerTurn = float64(after.graph-before.graph) / turns
		r.CredExPerTurn = float64(after.credex-before.credex) / turns
		r.RedisCmdPerTurn = float64(after.redisCmd-before.redisCmd) / turns
	}
	r.WebhookP50, r.WebhookP95, r.WebhookP99 = percentiles(sink.webhook)
	r.ReplyP50, r.ReplyP95, r.ReplyP99 = percentiles(sink.reply)
}

// percentiles returns the 50th, 95th and 99th percentiles in milliseconds
// (nearest rank).
func percentiles(d []time.Duration) (p50, p95, p99 float64) {
	if len(d) == 0 {
		return 0, 0, 0
	}
	sorted := slices.Clone(d)
	slices.Sort(sorted)
	at := func(p float64) float64 {
		i := int(p*float64(len(sorted))+0.5) - 1
		i = max(0, min(i, len(sorted)-1))
		return float64(sorted[i]) / float64(time.Millisecond)
	}
	return at(0.50), at(0.95), at(0.99)
}

// runWorkload runs one workload on a fresh stack.
func runWorkload(ctx context.Context, workload string, run int, f loadFlags, bin string, log *slog.Logger) (loadResult, error) {
	opts := stackOptions{fsync: f.fsync, idleTimeout: 10 * time.Minute, botBinary: bin}
	if f.cpuProfile != "" {
		opts.cpuProfile = fmt.Sprintf("%s-%s-%d.prof", f.cpuProfile, workload, run)
	}
	if workload == "w3" {
		opts.latency = f.latency
	}
	s, err := startLoadStack(ctx, opts, log)
	defer func() { s.stop(f.keep) }()
	if err != nil {
		return loadResult{}, err
	}
	res := loadResult{Workload: workload, Fsync: f.fsync, Users: f.users, LatencyMS: float64(opts.latency) / float64(time.Millisecond)}
	switch workload {
	case "w1", "w2", "w3":
		err = runClosedLoop(ctx, s, workload, f, &res)
	case "w4":
		err = runOpenLoop(ctx, s, f, &res)
	case "mem":
		err = runMemory(ctx, s, f, &res)
	}
	if err != nil && f.keep {
		err = fmt.Errorf("%w (bot log: %s)", err, s.botLog)
	}
	return res, err
}

// recipientsFor returns how many passive members receive the offers of
// users active ones.
func recipientsFor(users int) int { return max(1, min(16, users/4)) }

// prepareMembers seeds the active members (and, for offers, the
// recipients), opens their 24-hour windows, points the mocks at the bot and
// logs every active user in with "hi", outside the measurement.
func prepareMembers(ctx context.Context, s *loadStack, users, recipients int) ([]*loadUser, error) {
	var phones []string
	for i := range users {
		phones = append(phones, activePhone(i))
	}
	for i := range recipients {
		phones = append(phones, recipientPhone(i))
	}
	if err := seedMembers(ctx, s.credexURL(), phones); err != nil {
		return nil, err
	}
	if err := openWindows(ctx, s.whatsappURL(), phones); err != nil {
		return nil, err
	}
	s.pointMocksAtBot()

	client := newWebhookClient(s.botURL)
	loadUsers := make([]*loadUser, users)
	for i := range users {
		loadUsers[i] = &loadUser{phone: activePhone(i), client: client, box: s.graph.mailbox(activePhone(i))}
	}
	warm := &samples{}
	_, _, errs := closedLoop(ctx, loadUsers, [][]step{scenarioW1[:1]}, time.Minute, int64(users), 1, warm)
	if len(errs) > 0 {
		return nil, fmt.Errorf("log the load users in: %d failed, first: %w", len(errs), errs[0])
	}
	return loadUsers, nil
}

// runClosedLoop runs w1, w2 or w3: each user waits for a reply before it
// sends its next message.
func runClosedLoop(ctx context.Context, s *loadStack, workload string, f loadFlags, res *loadResult) error {
	recipients := 0
	if workload != "w1" {
		recipients = recipientsFor(f.users)
	}
	users, err := prepareMembers(ctx, s, f.users, recipients)
	if err != nil {
		return err
	}
	var scenarios [][]step
	switch workload {
	case "w1":
		scenarios = [][]step{scenarioW1}
	case "w2":
		for i := range recipients {
			scenarios = append(scenarios, scenarioW2(recipientPhone(i)))
		}
	case "w3":
		// Half the users chat as in w1, half make offers as in w2.
		for i := range recipients {
			scenarios = append(scenarios, scenarioW1, scenarioW2(recipientPhone(i)))
		}
	}

	before, err := s.readCounters(ctx)
	if err != nil {
		return err
	}
	sink := &samples{}
	turns, completed, errs := closedLoop(ctx, users, scenarios, f.duration, f.maxTurns, 0, sink)
	after, err := s.readCounters(ctx)
	if err != nil {
		return err
	}
	res.Turns, res.Scenarios, res.Errors = turns, completed, len(errs)
	if len(errs) > 0 {
		res.FirstError = errs[0].Error()
	}
	res.fill(before, after, sink)
	return s.fillSnapshotSizes(ctx, res)
}

func (s *loadStack) fillSnapshotSizes(ctx context.Context, res *loadResult) error {
	sizes, keyMax, err := s.snapshotSizes(ctx)
	if err != nil || len(sizes) == 0 {
		return err
	}
	slices.Sort(sizes)
	res.SnapshotMedianBytes = sizes[len(sizes)/2]
	res.SnapshotMaxBytes = sizes[len(sizes)-1]
	res.SnapshotKeyMaxBytes = keyMax
	return nil
}

// runOpenLoop runs w4: a fixed rate of messages from --users members,
// however long the bot takes to respond, then waits for every reply.
func runOpenLoop(ctx context.Context, s *loadStack, f loadFlags, res *loadResult) error {
	if _, err := prepareMembers(ctx, s, f.users, 0); err != nil {
		return err
	}
	phones := make([]string, f.users)
	for i := range phones {
		phones[i] = activePhone(i)
	}
	client := newWebhookClient(s.botURL)
	before, err := s.readCounters(ctx)
	if err != nil {
		return err
	}
	sendsBefore := s.graph.sends.Load()
	sink := &samples{}
	failed := openLoop(ctx, client, phones, "menu", f.rate, f.count, sink)
	sentAt := time.Now()
	answered := s.graph.sends.Load() - sendsBefore
	res.BacklogAtEnd = int64(f.count) - failed - answered

	// Each message gets one reply; wait for them, for at most two minutes.
	want := sendsBefore + int64(f.count) - failed
	err = waitFor(ctx, 2*time.Minute, "the replies to the open loop", func() error {
		if got := s.graph.sends.Load(); got < want {
			return fmt.Errorf("%d replies missing", want-got)
		}
		return nil
	})
	res.DrainSeconds = time.Since(sentAt).Seconds()
	after, cerr := s.readCounters(ctx)
	if cerr != nil {
		return cerr
	}
	res.Turns = int64(f.count) - failed
	res.Errors = int(failed)
	res.fill(before, after, sink)
	// Throughput is that of the whole run, backlog included.
	res.TurnsPerSec = float64(res.Turns) / res.Seconds
	if err != nil {
		res.Errors++
		res.FirstError = err.Error()
	}
	return nil
}

// runMemory runs mem: --users people who are not members say "hi" once
// each, which leaves one active conversation per user, and reads the bot's
// memory before and after.
func runMemory(ctx context.Context, s *loadStack, f loadFlags, res *loadResult) error {
	phones := make([]string, f.users)
	for i := range phones {
		phones[i] = strangerPhone(i)
	}
	if err := openWindows(ctx, s.whatsappURL(), phones); err != nil {
		return err
	}
	s.pointMocksAtBot()
	client := newWebhookClient(s.botURL)
	users := make([]*loadUser, len(phones))
	for i, phone := range phones {
		users[i] = &loadUser{phone: phone, client: client, box: s.graph.mailbox(phone)}
	}

	heapBefore, err := s.botMetric(ctx, "go_memstats_heap_inuse_bytes", "")
	if err != nil {
		return err
	}
	before, err := s.readCounters(ctx)
	if err != nil {
		return err
	}
	// The registration flow's first screen ends the turn.
	hello := []step{{kind: "text", value: "hi", expect: `"type":"`}}
	sink := &samples{}
	const workers = 64
	var turns int64
	var errs []error
	for start := 0; start < len(users); start += workers {
		batch := users[start:min(start+workers, len(users))]
		n, _, e := closedLoop(ctx, batch, [][]step{hello}, time.Minute, int64(len(batch)), 1, sink)
		turns += n
		errs = append(errs, e...)
	}
	heapAfter, err := s.botMetric(ctx, "go_memstats_heap_inuse_bytes", "")
	if err != nil {
		return err
	}
	after, err := s.readCounters(ctx)
	if err != nil {
		return err
	}
	res.Turns, res.Scenarios, res.Errors = turns, turns, len(errs)
	if len(errs) > 0 {
		res.FirstError = errs[0].Error()
	}
	res.fill(before, after, sink)
	res.RSSPerActiveBytes = (after.usage.rss - before.usage.rss) / int64(len(users))
	res.HeapPerActiveBytes = int64(heapAfter-heapBefore) / int64(len(users))
	return s.fillSnapshotSizes(ctx, res)
}
