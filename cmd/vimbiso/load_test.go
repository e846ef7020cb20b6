package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadSmoke runs w1 and w2 for a second each, with two users, against
// a freshly built `vimbiso serve`, and checks that turns completed and the
// figures came out.
func TestLoadSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs the whole stack")
	}
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatalf("redis-server not found on PATH (make test-deps installs it): %v", err)
	}
	bin := filepath.Join(t.TempDir(), "vimbiso")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	results := filepath.Join(t.TempDir(), "results.jsonl")

	var stdout, stderr bytes.Buffer
	code := runLoad(t.Context(), []string{
		"--workload", "w1,w2", "--users", "2", "--duration", "1s",
		"--bot-binary", bin, "--out", results,
	}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("vimbiso load exited with %d\nstdout:\n%s\nstderr:\n%s", code, &stdout, &stderr)
	}

	data, err := os.ReadFile(results)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 2 {
		t.Fatalf("results file has %d lines, want 2 (one per workload):\n%s", len(lines), data)
	}
	for _, line := range lines {
		var r loadResult
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("result %q: %v", line, err)
		}
		if r.Turns == 0 {
			t.Errorf("%s: no turns completed: %s", r.Workload, line)
		}
		if r.Errors != 0 {
			t.Errorf("%s: %d errors, first: %s", r.Workload, r.Errors, r.FirstError)
		}
		if r.CPUPerTurnUS <= 0 || r.BotPeakRSS <= 0 {
			t.Errorf("%s: bot CPU %v µs/turn, peak RSS %d B; want both above 0", r.Workload, r.CPUPerTurnUS, r.BotPeakRSS)
		}
		if r.ReplyP50 <= 0 || r.WebhookP50 <= 0 {
			t.Errorf("%s: reply p50 %v ms, webhook p50 %v ms; want both above 0", r.Workload, r.ReplyP50, r.WebhookP50)
		}
	}
}

// TestLoadFlagsCheckProfileFolder checks that --cpuprofile into a folder
// that does not exist is rejected before any stack starts.
func TestLoadFlagsCheckProfileFolder(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing", "bot")
	if _, err := parseLoadFlags([]string{"--cpuprofile", missing}, io.Discard); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("parseLoadFlags(--cpuprofile %s) = %v, want an error naming the missing folder", missing, err)
	}
	if _, err := parseLoadFlags([]string{"--cpuprofile", filepath.Join(t.TempDir(), "bot")}, io.Discard); err != nil {
		t.Errorf("parseLoadFlags with an existing folder: %v", err)
	}
}
