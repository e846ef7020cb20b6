// Package redistest runs a real redis-server on a loopback port for tests
// and benchmarks. Each Start gets its own process, port and data directory,
// so tests in any package can call it without a TestMain and run in
// parallel.
//
// The server is configured like the state Redis in production: append-only
// file on, fsync on every write, no eviction and no RDB snapshots. Restart
// reloads the same directory, so a test can check what survives a clean
// shutdown (Stop) or a crash (Kill).
package redistest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startTimeout bounds how long Start and Restart wait for the server to
// load its data and accept connections.
const startTimeout = 15 * time.Second

// readyLine is the log line that redis-server writes once it has loaded
// its data and accepts connections (Redis 7.0.15 on Debian, as tested).
const readyLine = "Ready to accept connections"

// Server is one redis-server process owned by a test. Addr is host:port,
// URL is the redis:// form that redis.ParseURL reads, and Dir is the
// working directory that contains the append-only files.
//
// The methods must be called from the test's goroutine or under its
// control; they are not meant to be called concurrently with each other.
type Server struct {
	Addr, URL, Dir string

	config  map[string]string
	proc    *exec.Cmd
	exited  chan struct{} // closed when proc has exited and its output is read
	logMu   sync.Mutex
	logTail []string // last lines of output, for failure messages
}

// Option changes one setting of the server.
type Option func(map[string]string)

// WithAppendfsync sets the appendfsync policy: "always" (the default),
// "everysec" or "no".
func WithAppendfsync(policy string) Option {
	return WithConfig("appendfsync", policy)
}

// WithConfig sets any redis.conf directive, for example
// WithConfig("maxmemory", "10mb").
func WithConfig(name, value string) Option {
	return func(c map[string]string) { c[name] = value }
}

// Start runs redis-server on 127.0.0.1 and a free port, with its data in a
// directory from t.TempDir, and stops it in t.Cleanup. It fails the test
// when redis-server is not installed.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()

	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redistest: redis-server not found on PATH: `make test` installs it (Debian package redis-server): %v", err)
	}

	// An empty value reaches redis-server as an empty argument, which it
	// reads as "" (no RDB save points, log to stdout).
	config := map[string]string{
		"bind":             "127.0.0.1",
		"protected-mode":   "yes",
		"appendonly":       "yes",
		"appendfsync":      "always",
		"maxmemory-policy": "noeviction",
		"save":             "",
		"daemonize":        "no",
		"logfile":          "",
	}
	for _, opt := range opts {
		opt(config)
	}

	s := &Server{Dir: t.TempDir(), config: config}
	s.listen(t, bin)
	t.Cleanup(func() { s.terminate(t) })
	return s
}

// Client returns a client connected to the server, closed in t.Cleanup.
func (s *Server) Client(t testing.TB) *redis.Client {
	t.Helper()

	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	t.Cleanup(func() { _ = c.Close() }) // a second Close only returns an error
	return c
}

// Stop shuts the server down with SHUTDOWN, which flushes and fsyncs the
// append-only file, and waits for the process to exit.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	if s.proc == nil {
		return
	}

	c := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1})
	defer c.Close()
	// SHUTDOWN closes the connection instead of replying, so its error
	// tells nothing. Waiting for the exit below is the check.
	_ = c.Shutdown(context.Background()).Err()
	s.wait(t)
}

// Kill ends the server with SIGKILL, as a crash would, and waits for the
// process to exit. With appendfsync always, every acknowledged write is
// already on disk.
func (s *Server) Kill(t testing.TB) {
	t.Helper()
	if s.proc == nil {
		return
	}

	if err := s.proc.Process.Kill(); err != nil {
		t.Fatalf("redistest: kill redis-server: %v", err)
	}
	s.wait(t)
}

// Restart stops the server if it runs, then starts it again on the same
// port and directory and waits until it has loaded its data and replies
// to PING.
func (s *Server) Restart(t testing.TB) {
	t.Helper()

	s.Stop(t)
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redistest: redis-server not found on PATH: %v", err)
	}
	s.listen(t, bin)
}

// listen starts the process, on a new free port when s.Addr is empty,
// and waits for it to be ready. A port taken between the probe and the
// start is retried on another port, but only for a first start.
func (s *Server) listen(t testing.TB, bin string) {
	t.Helper()

	const attempts = 3
	var err error
	for range attempts {
		fresh := s.Addr == ""
		if fresh {
			s.Addr, err = freeAddr()
			if err != nil {
				t.Fatalf("redistest: find a free port: %v", err)
			}
			s.URL = "redis://" + s.Addr
		}
		if err = s.launch(bin); err == nil {
			return
		}
		if !fresh {
			break
		}
		s.Addr = ""
	}
	t.Fatalf("redistest: start redis-server in %s: %v\nlast output:\n%s", s.Dir, err, s.tail())
}

// launch runs redis-server once and waits for its ready line, then for a
// PING answer.
func (s *Server) launch(bin string) error {
	_, port, _ := net.SplitHostPort(s.Addr)
	args := []string{"--port", port, "--dir", s.Dir}
	for name, value := range s.config {
		args = append(args, "--"+name, value)
	}

	proc := exec.Command(bin, args...)
	proc.SysProcAttr = sysProcAttr()
	out, err := proc.StdoutPipe()
	if err != nil {
		return err
	}
	proc.Stderr = proc.Stdout
	if err := proc.Start(); err != nil {
		return err
	}
	s.proc = proc
	s.exited = make(chan struct{})
	ready := make(chan struct{})
	go s.readOutput(proc, out, ready, s.exited)

	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case <-ready:
	case <-s.exited:
		s.proc = nil
		return fmt.Errorf("redis-server exited before it was ready")
	case <-timer.C:
		_ = proc.Process.Kill()
		<-s.exited
		s.proc = nil
		return fmt.Errorf("redis-server not ready after %v", startTimeout)
	}
	return s.ping()
}

// readOutput keeps the last lines of the server's output, closes ready at
// the ready line, and closes exited once proc has exited.
func (s *Server) readOutput(proc *exec.Cmd, out io.Reader, ready, exited chan struct{}) {
	scanner := bufio.NewScanner(out)
	signalled := false
	for scanner.Scan() {
		line := scanner.Text()
		s.logMu.Lock()
		s.logTail = append(s.logTail, line)
		if len(s.logTail) > 40 {
			s.logTail = s.logTail[len(s.logTail)-40:]
		}
		s.logMu.Unlock()
		if !signalled && strings.Contains(line, readyLine) {
			close(ready)
			signalled = true
		}
	}
	_ = proc.Wait()
	close(exited)
}

func (s *Server) ping() error {
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	return c.Ping(ctx).Err()
}

// wait waits for the running process to exit.
func (s *Server) wait(t testing.TB) {
	t.Helper()

	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case <-s.exited:
	case <-timer.C:
		_ = s.proc.Process.Kill()
		<-s.exited
		t.Errorf("redistest: redis-server did not exit within %v; killed it", startTimeout)
	}
	s.proc = nil
}

// terminate ends a server still running at cleanup. SIGTERM makes Redis
// shut down cleanly, as SHUTDOWN does.
func (s *Server) terminate(t testing.TB) {
	if s.proc == nil {
		return
	}
	_ = s.proc.Process.Signal(sigterm)
	s.wait(t)
}

func (s *Server) tail() string {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return strings.Join(s.logTail, "\n")
}

// freeAddr returns a loopback address with a port that was free a moment
// ago. Another process can take it before redis-server binds it, which
// listen handles by trying again.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), nil
}
