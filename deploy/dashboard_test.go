package deploy

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const (
	dashboardPath = "grafana/vimbiso.json"
	// datasourceRef is the data source uid of every panel: the __inputs
	// entry DS_PROMETHEUS, which Grafana replaces with the data source
	// picked at import.
	datasourceRef = "${DS_PROMETHEUS}"
	// minSchemaVersion is the dashboard schema of Grafana 9.0, in which
	// panels and queries name their data source by uid.
	minSchemaVersion = 36
)

type dashboard struct {
	Inputs []struct {
		Name     string `json:"name"`
		Type     string `json:"type"`
		PluginID string `json:"pluginId"`
	} `json:"__inputs"`
	UID           string  `json:"uid"`
	Title         string  `json:"title"`
	SchemaVersion int     `json:"schemaVersion"`
	Panels        []panel `json:"panels"`
	Templating    struct {
		List []struct {
			Name       string      `json:"name"`
			Type       string      `json:"type"`
			Datasource *datasource `json:"datasource"`
			Query      any         `json:"query"`
		} `json:"list"`
	} `json:"templating"`
}

type panel struct {
	ID         int         `json:"id"`
	Type       string      `json:"type"`
	Title      string      `json:"title"`
	Datasource *datasource `json:"datasource"`
	Targets    []struct {
		RefID      string      `json:"refId"`
		Expr       string      `json:"expr"`
		Datasource *datasource `json:"datasource"`
	} `json:"targets"`
	Panels []panel `json:"panels"` // of a collapsed row
}

type datasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

func readDashboard(t *testing.T) dashboard {
	t.Helper()
	data, err := os.ReadFile(dashboardPath)
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("parse %s: %v", dashboardPath, err)
	}
	return d
}

// allPanels returns the panels with those of collapsed rows, rows left out.
func (d dashboard) allPanels() []panel {
	var out []panel
	var walk func([]panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			if p.Type == "row" {
				walk(p.Panels)
				continue
			}
			out = append(out, p)
		}
	}
	walk(d.Panels)
	return out
}

// queries returns every PromQL expression of the dashboard, keyed by where
// it is: "panel <id> <refId>" or "variable <name>".
func (d dashboard) queries() map[string]string {
	out := make(map[string]string)
	for _, p := range d.allPanels() {
		for _, target := range p.Targets {
			out[fmt.Sprintf("panel %d %q %s", p.ID, p.Title, target.RefID)] = target.Expr
		}
	}
	for _, v := range d.Templating.List {
		switch q := v.Query.(type) {
		case string:
			out["variable "+v.Name] = q
		case map[string]any:
			out["variable "+v.Name], _ = q["query"].(string)
		}
	}
	return out
}

func TestDashboardShape(t *testing.T) {
	d := readDashboard(t)
	if d.SchemaVersion < minSchemaVersion {
		t.Errorf("schemaVersion = %d, want at least %d", d.SchemaVersion, minSchemaVersion)
	}
	if d.UID == "" || d.Title == "" {
		t.Errorf("uid = %q, title = %q, want both set", d.UID, d.Title)
	}
	if len(d.Inputs) != 1 || d.Inputs[0].Name != "DS_PROMETHEUS" || d.Inputs[0].Type != "datasource" || d.Inputs[0].PluginID != "prometheus" {
		t.Errorf("__inputs = %+v, want one Prometheus data source input named DS_PROMETHEUS", d.Inputs)
	}

	ids := make(map[int]string)
	for _, p := range d.allPanels() {
		if other, ok := ids[p.ID]; ok {
			t.Errorf("panels %q and %q share id %d", other, p.Title, p.ID)
		}
		ids[p.ID] = p.Title
		if p.Datasource == nil || p.Datasource.UID != datasourceRef {
			t.Errorf("panel %q data source = %+v, want uid %s", p.Title, p.Datasource, datasourceRef)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, target := range p.Targets {
			if strings.TrimSpace(target.Expr) == "" {
				t.Errorf("panel %q query %s is empty", p.Title, target.RefID)
			}
			if target.Datasource != nil && target.Datasource.UID != datasourceRef {
				t.Errorf("panel %q query %s data source = %+v, want uid %s", p.Title, target.RefID, target.Datasource, datasourceRef)
			}
		}
	}
	for _, v := range d.Templating.List {
		if v.Type == "query" && (v.Datasource == nil || v.Datasource.UID != datasourceRef) {
			t.Errorf("variable %s data source = %+v, want uid %s", v.Name, v.Datasource, datasourceRef)
		}
	}
}

// labelValuesCall matches Grafana's label_values(selector, label) query.
var labelValuesCall = regexp.MustCompile(`^label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\)$`)

func TestDashboardUsesServedMetrics(t *testing.T) {
	served := sampleNames(t, scrapeService(t))
	used := make(map[string]bool)
	for where, expr := range readDashboard(t).queries() {
		if m := labelValuesCall.FindStringSubmatch(expr); m != nil {
			expr = m[1]
		}
		for _, name := range metricNames(expr) {
			used[name] = true
			if !served[name] && !prometheusMadeNames[name] {
				t.Errorf("%s reads %s, which the front end does not serve after the test traffic of scrapeService", where, name)
			}
		}
	}

	// The panels that operators rely on.
	for _, name := range []string{
		"vimbiso_webhook_requests_total",
		"vimbiso_inbound_messages_total",
		"vimbiso_graph_sends_total",
		"vimbiso_credex_calls_total",
		"vimbiso_credex_request_duration_seconds_bucket",
		"vimbiso_conversations_active",
		"vimbiso_conversations_activated_total",
		"vimbiso_fsm_transitions_total",
		"vimbiso_inbox_oldest_age_seconds",
		"vimbiso_input_wait_seconds_bucket",
		"vimbiso_turn_seconds_bucket",
		"vimbiso_snapshot_seconds_bucket",
		"vimbiso_redis_errors_total",
		"vimbiso_dedupe_hits_total",
		"vimbiso_graph_retries_total",
		"vimbiso_rate_limit_waits_total",
		"vimbiso_rate_limit_wait_seconds_bucket",
		"vimbiso_build_info",
		"go_goroutines",
		"go_memstats_heap_inuse_bytes",
		"process_cpu_seconds_total",
	} {
		if !used[name] {
			t.Errorf("no panel reads %s", name)
		}
	}
}

// grafanaVariables are replaced by values that promtool accepts.
var grafanaVariables = strings.NewReplacer(
	"$__rate_interval", "1m",
	"$__interval", "1m",
	"$instance", ".*",
)

// TestDashboardQueriesParse checks every panel query with promtool, as the
// expressions of recording rules in a temporary rule file.
func TestDashboardQueriesParse(t *testing.T) {
	type rule struct {
		Record string `yaml:"record"`
		Expr   string `yaml:"expr"`
	}
	var rules []rule
	for _, p := range readDashboard(t).allPanels() {
		for _, target := range p.Targets {
			expr := grafanaVariables.Replace(target.Expr)
			if strings.Contains(expr, "$") {
				t.Errorf("panel %q query %s has a variable that this test does not replace: %s", p.Title, target.RefID, target.Expr)
				continue
			}
			rules = append(rules, rule{Record: fmt.Sprintf("dashboard:panel_%d_%s", p.ID, target.RefID), Expr: expr})
		}
	}
	file := map[string]any{"groups": []any{map[string]any{"name": "dashboard", "rules": rules}}}
	data, err := yaml.Marshal(file)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "dashboard_rules.yml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	runPromtool(t, dir, nil, "check", "rules", "dashboard_rules.yml")
}
