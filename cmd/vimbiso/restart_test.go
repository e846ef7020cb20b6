package main

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildBinary builds vimbiso once per test run.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vimbiso")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
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

// serveProcess is `vimbiso serve` as its own process, configured with the
// development settings and pointed at the stack's mocks and Redis.
type serveProcess struct {
	cmd *exec.Cmd
	log *strings.Builder
}

func (s *stack) startServe(t *testing.T, bin, addr string) *serveProcess {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"VIMBISO_ADDR="+addr,
		"MYCREDEX_APP_URL="+s.mocks.credexServer.URL()+"/",
		"CLIENT_API_KEY="+devClientAPIKey,
		"CREDEX_WEBHOOK_SECRET="+devCredExSecret,
		"WHATSAPP_API_URL="+s.mocks.whatsappServer.URL()+"/"+devGraphVersion+"/",
		"WHATSAPP_ACCESS_TOKEN="+devAccessToken,
		"WHATSAPP_PHONE_NUMBER_ID="+devPhoneNumberID,
		"WHATSAPP_APP_SECRET="+devAppSecret,
		"WHATSAPP_VERIFY_TOKEN="+devVerifyToken,
		"REDIS_STATE_URL="+s.redis.URL,
		"REDIS_URL=",
		"CREDEX_RATE_LIMIT=100000",
	)
	p := &serveProcess{cmd: cmd, log: &strings.Builder{}}
	cmd.Stdout, cmd.Stderr = p.log, p.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.kill() })

	url := "http://" + addr
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url + "/healthz")
		if err == nil {
			resp.Body.Close()
			s.botURL = url
			s.mocks.pointAt(url)
			return p
		}
		time.Sleep(50 * time.Millisecond) // waiting for another process to listen
	}
	t.Fatalf("vimbiso serve did not answer on %s:\n%s", addr, p.log)
	return nil
}

// kill ends the process with SIGKILL: no shutdown, no final save.
func (p *serveProcess) kill() {
	if p.cmd.ProcessState != nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()
}

func TestRegistrationSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	s := startMockStack(t)
	bin := buildBinary(t)
	addr := freeAddr(t)
	const phone = "263770000003"

	first := s.startServe(t, bin, addr)
	wantInteractive(t, s.say(phone, "hi", 1)[0], "button", "reg_start")
	wantText(t, s.tap(phone, "button_reply", "reg_start", 1)[0], "first name")
	wantText(t, s.say(phone, "Joan", 1)[0], "last name")

	first.kill()

	second := s.startServe(t, bin, addr)
	defer second.kill()
	confirm := s.say(phone, "Sample", 1)[0]
	wantInteractive(t, confirm, "button", "reg_confirm", "reg_edit")
	if body := confirm.body(); !strings.Contains(body, "Joan") {
		t.Errorf("after the restart the confirmation lost the first name:\n%s\nserve log:\n%s", body, second.log)
	}
}
