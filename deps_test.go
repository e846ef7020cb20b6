package vimbiso_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/vimbisopay/vimbiso"

// TestImportDirections keeps the package boundaries: each package lists
// what it must never import, directly or through another package, and why.
func TestImportDirections(t *testing.T) {
	rules := []struct {
		pkg    string
		banned map[string]string
	}{
		{module, map[string]string{
			module + "/":       "the vocabulary imports nothing of ours",
			"github.com/redis": "the vocabulary knows no storage",
		}},
		{module + "/fsm", map[string]string{
			module + "/actors":                  "the conversation is pure: actors drive it",
			module + "/persistence":             "the conversation is pure: no storage",
			module + "/transport":               "the conversation is pure: no HTTP",
			module + "/devstack":                "production code never depends on the mocks",
			"net/http":                          "the conversation is pure: no HTTP",
			"github.com/redis":                  "the conversation is pure: no Redis",
			"github.com/asynkron/protoactor-go": "the conversation knows nothing of actors",
		}},
		{module + "/actors", map[string]string{
			module + "/transport": "actors reach HTTP through their ports",
			module + "/devstack":  "production code never depends on the mocks",
		}},
		{module + "/persistence", map[string]string{
			module + "/fsm":       "storage does not know the flows",
			module + "/actors":    "storage does not know the actors",
			module + "/transport": "storage does not know HTTP",
			module + "/devstack":  "production code never depends on the mocks",
		}},
		{module + "/transport", map[string]string{
			module + "/fsm":         "the front end hands inputs over without reading them",
			module + "/actors":      "the front end calls the interfaces it declares",
			module + "/persistence": "the front end calls the interfaces it declares",
			module + "/devstack":    "production code never depends on the mocks",
		}},
		{module + "/devstack/mockcredex", map[string]string{
			module + "/fsm":    "a mock behaves like the remote service, not like our bot",
			module + "/actors": "a mock behaves like the remote service, not like our bot",
		}},
		{module + "/devstack/mockwhatsapp", map[string]string{
			module + "/fsm":    "a mock behaves like the remote service, not like our bot",
			module + "/actors": "a mock behaves like the remote service, not like our bot",
		}},
	}
	for _, rule := range rules {
		for _, dep := range deps(t, rule.pkg) {
			for prefix, why := range rule.banned {
				if dep == rule.pkg || !strings.HasPrefix(dep, prefix) {
					continue
				}
				t.Errorf("%s imports %s: %s", rule.pkg, dep, why)
			}
		}
	}
}

// deps lists every package pkg imports, directly or not.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}
