package transport

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// floorServerEnv makes the test binary serve floorReply on the address it
// prints, instead of running tests: the far end of BenchmarkLoopbackHTTP.
const floorServerEnv = "VIMBISO_FLOOR_SERVER"

// floorReply is about the size of the Graph API's reply to a send.
var floorReply = []byte(`{"messaging_product":"whatsapp","contacts":[{"input":"263770000001","wa_id":"263770000001"}],"messages":[{"id":"wamid.HBgMMjYzNzcwMDAwMDAxFQIAERgSQjQ2RjE0QkE3RTM0NkZBQkUzAA=="}]}`)

func TestMain(m *testing.M) {
	if os.Getenv(floorServerEnv) != "" {
		serveFloor()
		return
	}
	os.Exit(m.Run())
}

// serveFloor replies to every request with floorReply until the process
// is killed.
func serveFloor() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(ln.Addr())
	_ = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(floorReply)
	}))
}

// BenchmarkLoopbackHTTP measures the CPU of one HTTP/1.1 exchange on
// loopback with net/http and nothing else: a 900-byte POST on a keep-alive
// connection and a 200-byte JSON reply, 32 at a time. The server runs in a
// child process, so that the two ends are measured apart.
//
// A bot turn makes four such exchanges: the webhook as server, and the read
// receipt, the CredEx call and the reply as client. Their sum is a lower
// bound on the CPU of a turn.
func BenchmarkLoopbackHTTP(b *testing.B) {
	server := exec.Command(os.Args[0], "-test.run=^$")
	server.Env = append(os.Environ(), floorServerEnv+"=1")
	out, err := server.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := server.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = server.Process.Kill(); _ = server.Wait() })
	var line [64]byte
	n, err := out.Read(line[:])
	if err != nil {
		b.Fatal(err)
	}
	url := "http://" + strings.TrimSpace(string(line[:n])) + "/v21.0/100000000000001/messages"

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	body := bytes.Repeat([]byte("x"), 900)
	post := func() {
		resp, err := client.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	post() // open the connection before measuring

	clientBefore, serverBefore := processCPU(b, 0), processCPU(b, server.Process.Pid)
	b.ResetTimer()
	// 32 exchanges at a time, as from the 32 users of the load's W1: one
	// exchange after another costs twice as much, in waking goroutines.
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			post()
		}
	})
	b.StopTimer()
	clientCPU := processCPU(b, 0) - clientBefore
	serverCPU := processCPU(b, server.Process.Pid) - serverBefore
	b.ReportMetric(float64(clientCPU.Microseconds())/float64(b.N), "client-cpu-µs/op")
	b.ReportMetric(float64(serverCPU.Microseconds())/float64(b.N), "server-cpu-µs/op")
}

// processCPU returns the user and system CPU time of process pid, or of
// this process when pid is 0, from /proc/<pid>/stat (Linux only).
func processCPU(b *testing.B, pid int) time.Duration {
	b.Helper()
	if pid == 0 {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		b.Skipf("no /proc: %v", err)
	}
	// The fields after the command name, which may hold spaces, start
	// after the last ')'; utime and stime are fields 14 and 15.
	fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const ticksPerSecond = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticksPerSecond
}
