package deploy

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vimbisopay/vimbiso/persistence/redistest"
)

const (
	// startTimeout bounds how long a started process may take to serve.
	startTimeout = 20 * time.Second
	// stopTimeout bounds a graceful stop before the process is killed.
	stopTimeout = 10 * time.Second
	// demoMemberPhone is Alice, a member in the mock CredEx's demo data.
	demoMemberPhone = "263770000001"
)

// TestEnvExampleRunsWithMock runs the compose stack without Docker: the
// binary as `vimbiso serve` with the values of env.example, and as
// `vimbiso mock` with the command of compose.yaml, on real redis-server
// processes. Each compose host name becomes a loopback address; every
// secret and id stays as env.example has it. A demo member's "hi" must then
// log in at the mock CredEx and get a reply through the mock Graph API.
func TestEnvExampleRunsWithMock(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildVimbiso(t)
	state, cache := redistest.Start(t), redistest.Start(t)
	botAddr, whatsappAddr, credexAddr := freeAddr(t), freeAddr(t), freeAddr(t)

	toLoopback := strings.NewReplacer(
		"redis-state:6379", state.Addr,
		"redis-cache:6379", cache.Addr,
		"mock:8001", whatsappAddr,
		"mock:8002", credexAddr,
		"http://app:8000", "http://"+botAddr,
		"0.0.0.0:8001", whatsappAddr,
		"0.0.0.0:8002", credexAddr,
	)
	var env []string
	for _, pair := range readEnvFile(t, "env.example") {
		value := toLoopback.Replace(pair[1])
		if pair[0] == "VIMBISO_ADDR" {
			value = botAddr
		}
		env = append(env, pair[0]+"="+value)
	}
	serve := startProcess(t, bin, env, "serve")
	waitHTTP(t, "http://"+botAddr+"/readyz", serve)

	var mockArgs []string
	for _, arg := range readCompose(t).Services["mock"].Command {
		mockArgs = append(mockArgs, toLoopback.Replace(arg))
	}
	mock := startProcess(t, bin, nil, mockArgs...)
	waitHTTP(t, "http://"+whatsappAddr+"/", mock)

	chat := exec.Command(bin, "chat", "--phone", demoMemberPhone, "--whatsapp", "http://"+whatsappAddr, "--wait", "20s", "hi")
	out, err := chat.CombinedOutput()
	if err != nil {
		t.Fatalf("vimbiso chat hi: %v\n%s\nserve log:\n%s\nmock log:\n%s", err, out, serve.output(), mock.output())
	}
	if bytes.Contains(out, []byte("refused")) {
		t.Errorf("the mock Graph API refused a reply:\n%s", out)
	}

	metrics := get(t, "http://"+botAddr+"/metrics")
	for _, sample := range []string{
		`vimbiso_credex_calls_total{endpoint="login",outcome="ok"}`,
		`vimbiso_graph_sends_total{code="ok",kind=`,
	} {
		if !strings.Contains(metrics, sample) {
			t.Errorf("after a chat, /metrics lacks %s: a secret or URL of env.example does not match the mock\nchat output:\n%s\nserve log:\n%s", sample, out, serve.output())
		}
	}

	// scrapeService re-creates the intake series by name and wires the
	// actors' series itself, so the real binary must serve the same names.
	served := sampleNames(t, []byte(metrics))
	for _, name := range append([]string{
		"vimbiso_conversations_activated_total",
		"vimbiso_conversations_active",
		"vimbiso_fsm_transitions_total",
		"vimbiso_turn_seconds_bucket",
		"vimbiso_snapshot_seconds_bucket",
		"vimbiso_inbox_oldest_age_seconds",
	}, intakeSeriesNames...) {
		if !served[name] {
			t.Errorf("after a chat, the /metrics of vimbiso serve lacks %s, which scrapeService serves", name)
		}
	}
}

// buildVimbiso builds the binary into a temporary directory.
func buildVimbiso(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vimbiso")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/vimbisopay/vimbiso/cmd/vimbiso").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// freeAddr returns a loopback address that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// process is a started binary with its combined output.
type process struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func (p *process) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.Write(b)
}

func (p *process) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// startProcess runs bin with args and exactly the environment env (nothing
// is inherited). Cleanup stops it with SIGTERM, then SIGKILL after
// stopTimeout.
func startProcess(t *testing.T, bin string, env []string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin, args...), done: make(chan struct{})}
	p.cmd.Env = append([]string{}, env...)
	p.cmd.Stdout, p.cmd.Stderr = p, p
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s %s: %v", bin, args[0], err)
	}
	go func() {
		p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(stopTimeout):
			p.cmd.Process.Kill()
			<-p.done
			t.Errorf("vimbiso %s did not stop within %s of SIGTERM:\n%s", args[0], stopTimeout, p.output())
		}
	})
	return p
}

// waitHTTP polls url until it responds with 200, failing when p exits first or
// startTimeout passes.
func waitHTTP(t *testing.T, url string, p *process) {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			t.Fatalf("%s exited before %s responded:\n%s", p.cmd.Args[1], url, p.output())
		default:
		}
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond) // polling another process, which has no way to signal us
	}
	t.Fatalf("%s did not respond with 200 within %s:\n%s", url, startTimeout, p.output())
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d, %v", url, resp.StatusCode, err)
	}
	return string(body)
}
