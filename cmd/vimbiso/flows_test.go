package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vimbisopay/vimbiso/fsm"
)

var update = flag.Bool("update", false, "rewrite golden files (docs/flows.md) from the current code")

// flowsPagePath is docs/flows.md, seen from this package's directory.
var flowsPagePath = filepath.Join("..", "..", "docs", "flows.md")

// runFlowsCommand runs `vimbiso flows` with args and returns its exit
// status, stdout and stderr.
func runFlowsCommand(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := runFlows(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestFlowsPrintsEveryFlow(t *testing.T) {
	cases := []struct {
		format string
		header string // once per diagram
	}{
		{fsm.DiagramMermaid, "stateDiagram-v2\n"},
		{fsm.DiagramDOT, "\ndigraph "},
	}
	for _, tc := range cases {
		t.Run(tc.format, func(t *testing.T) {
			code, stdout, stderr := runFlowsCommand(t, "--format", tc.format)
			if code != 0 {
				t.Fatalf("exit status = %d, want 0; stderr:\n%s", code, stderr)
			}
			names := fsm.FlowNames()
			if n := strings.Count(stdout, tc.header); n != len(names) {
				t.Errorf("output has %d diagrams, want %d (one per flow)", n, len(names))
			}
			diagrams, err := fsm.Diagrams(tc.format)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range names {
				if !strings.Contains(stdout, diagrams[name]) {
					t.Errorf("output lacks the diagram of flow %s", name)
				}
			}
		})
	}
}

func TestFlowsDefaultFormatIsMermaid(t *testing.T) {
	_, byDefault, _ := runFlowsCommand(t)
	_, mermaid, _ := runFlowsCommand(t, "--format", "mermaid")
	if byDefault != mermaid {
		t.Errorf("output without --format differs from --format mermaid")
	}
}

func TestFlowsFilterPrintsOneFlow(t *testing.T) {
	for _, format := range []string{fsm.DiagramMermaid, fsm.DiagramDOT} {
		code, stdout, stderr := runFlowsCommand(t, "--format", format, "--flow", "registration")
		if code != 0 {
			t.Fatalf("%s: exit status = %d, want 0; stderr:\n%s", format, code, stderr)
		}
		want, err := fsm.Diagram("registration", format)
		if err != nil {
			t.Fatal(err)
		}
		if stdout != want {
			t.Errorf("%s: --flow registration printed\n%s\nwant\n%s", format, stdout, want)
		}
	}
}

func TestFlowsFilterMarkdown(t *testing.T) {
	code, stdout, stderr := runFlowsCommand(t, "--format", "markdown", "--flow", "registration")
	if code != 0 {
		t.Fatalf("exit status = %d, want 0; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "\n## registration\n") {
		t.Errorf("page lacks the registration section:\n%s", stdout)
	}
	if strings.Contains(stdout, "\n## login\n") {
		t.Errorf("page filtered to registration has a login section:\n%s", stdout)
	}
}

func TestFlowsBadUsageExits2(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"unknown format", []string{"--format", "svg"}, `invalid --format "svg"`},
		{"unknown flow", []string{"--flow", "no_such_flow"}, `unknown flow "no_such_flow"`},
		{"unknown flag", []string{"--colour"}, "flag provided but not defined: -colour"},
		{"missing flag value", []string{"--flow"}, "flag needs an argument"},
		{"positional argument", []string{"login"}, `unexpected argument "login"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runFlowsCommand(t, tc.args...)
			if code != 2 {
				t.Errorf("exit status = %d, want 2", code)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tc.stderr)
			}
		})
	}
}

func TestFlowsHelp(t *testing.T) {
	code, stdout, stderr := runFlowsCommand(t, "--help")
	if code != 0 {
		t.Errorf("exit status = %d, want 0", code)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
	if !strings.Contains(stderr, "Usage: vimbiso flows") {
		t.Errorf("help lacks the usage line:\n%s", stderr)
	}
	for _, name := range fsm.FlowNames() {
		if !strings.Contains(stderr, name) {
			t.Errorf("help does not list flow %s:\n%s", name, stderr)
		}
	}
}

func TestFlowsSummaryForEveryFlow(t *testing.T) {
	names := fsm.FlowNames()
	for _, name := range names {
		if flowSummaries[name] == "" {
			t.Errorf("flow %s has no summary: add one to flowSummaries in cmd/vimbiso/flows.go", name)
		}
	}
	for name := range flowSummaries {
		if !slices.Contains(names, name) {
			t.Errorf("flowSummaries describes %q, which is no flow: rename or remove it", name)
		}
	}
}

// TestFlowsDocsPage keeps docs/flows.md equal to the markdown output.
// Run with -update to rewrite it.
func TestFlowsDocsPage(t *testing.T) {
	code, got, stderr := runFlowsCommand(t, "--format", "markdown")
	if code != 0 {
		t.Fatalf("exit status = %d, want 0; stderr:\n%s", code, stderr)
	}
	if *update {
		if err := os.MkdirAll(filepath.Dir(flowsPagePath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(flowsPagePath, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(flowsPagePath)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/vimbiso -run Flows -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s is out of date (run go test ./cmd/vimbiso -run Flows -update and review the diff)\n--- got ---\n%s", flowsPagePath, got)
	}
}
