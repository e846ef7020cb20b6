package deploy

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// promtoolTimeout bounds one promtool run; each takes about a second.
const promtoolTimeout = 2 * time.Minute

// severities are the values of the severity label that deploy/README.md
// explains.
var severities = []string{"critical", "warning"}

// runPromtool runs promtool with args in dir, feeding it stdin when not
// nil, and returns its combined output. It fails the test when promtool is
// missing or reports a problem.
func runPromtool(t *testing.T, dir string, stdin []byte, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("promtool")
	if err != nil {
		t.Fatalf("promtool not found on PATH: `make test-deps` installs it (Debian package prometheus): %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), promtoolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool %s (in %s) failed: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

func TestAlertRulesValid(t *testing.T) {
	runPromtool(t, "prometheus", nil, "check", "rules", "alerts.yml")
}

func TestAlertRulesUnitTests(t *testing.T) {
	runPromtool(t, "prometheus", nil, "test", "rules", "alerts_test.yml")
}

func TestPrometheusConfigValid(t *testing.T) {
	runPromtool(t, "prometheus", nil, "check", "config", "prometheus.yml")
}

// alertRule is one alerting rule of a Prometheus rule file.
type alertRule struct {
	Alert       string            `yaml:"alert"`
	Record      string            `yaml:"record"`
	Expr        string            `yaml:"expr"`
	For         string            `yaml:"for"`
	Labels      map[string]string `yaml:"labels"`
	Annotations map[string]string `yaml:"annotations"`
}

type ruleFile struct {
	Groups []struct {
		Name  string      `yaml:"name"`
		Rules []alertRule `yaml:"rules"`
	} `yaml:"groups"`
}

// ruleTestFile is the part of a promtool test file that lists the alerts
// each case expects at each evaluation time.
type ruleTestFile struct {
	Tests []struct {
		AlertRuleTest []struct {
			EvalTime  string `yaml:"eval_time"`
			AlertName string `yaml:"alertname"`
			ExpAlerts []any  `yaml:"exp_alerts"`
		} `yaml:"alert_rule_test"`
	} `yaml:"tests"`
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
}

func alertRules(t *testing.T) []alertRule {
	t.Helper()
	var file ruleFile
	readYAML(t, filepath.Join("prometheus", "alerts.yml"), &file)
	var rules []alertRule
	for _, g := range file.Groups {
		rules = append(rules, g.Rules...)
	}
	if len(rules) == 0 {
		t.Fatal("prometheus/alerts.yml has no rules")
	}
	return rules
}

func TestAlertRulesComplete(t *testing.T) {
	for _, r := range alertRules(t) {
		if r.Alert == "" {
			t.Errorf("rule %q is not an alert: alerts.yml holds alerting rules only", r.Record)
			continue
		}
		if r.For == "" {
			t.Errorf("%s has no for:, so one bad evaluation fires it", r.Alert)
		}
		if !slices.Contains(severities, r.Labels["severity"]) {
			t.Errorf("%s severity = %q, want one of %v", r.Alert, r.Labels["severity"], severities)
		}
		for _, key := range []string{"summary", "description", "runbook"} {
			if r.Annotations[key] == "" {
				t.Errorf("%s has no %s annotation", r.Alert, key)
			}
		}
		if !strings.Contains(r.Annotations["description"], "$value") {
			t.Errorf("%s description does not show $value", r.Alert)
		}
		if !strings.Contains(r.Annotations["runbook"], "deploy/README.md, "+r.Alert) {
			t.Errorf("%s runbook does not point to its section: want %q", r.Alert, "deploy/README.md, "+r.Alert)
		}
	}
}

// TestAlertRulesTestedBothWays requires, for every alert, a test case in
// which it fires and one in which it stays silent.
func TestAlertRulesTestedBothWays(t *testing.T) {
	var file ruleTestFile
	readYAML(t, filepath.Join("prometheus", "alerts_test.yml"), &file)
	fires, silent := map[string]bool{}, map[string]bool{}
	for _, test := range file.Tests {
		for _, c := range test.AlertRuleTest {
			if len(c.ExpAlerts) > 0 {
				fires[c.AlertName] = true
			} else {
				silent[c.AlertName] = true
			}
		}
	}
	for _, r := range alertRules(t) {
		if !fires[r.Alert] {
			t.Errorf("alerts_test.yml has no case in which %s fires", r.Alert)
		}
		if !silent[r.Alert] {
			t.Errorf("alerts_test.yml has no case in which %s stays silent", r.Alert)
		}
	}
}

func TestAlertRulesUseServedMetrics(t *testing.T) {
	served := sampleNames(t, scrapeService(t))
	for _, r := range alertRules(t) {
		for _, name := range metricNames(r.Expr) {
			if !served[name] && !prometheusMadeNames[name] {
				t.Errorf("%s reads %s, which the service does not serve", r.Alert, name)
			}
		}
	}
}
