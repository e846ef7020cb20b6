package deploy

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// composeFile is the subset of the Compose specification that compose.yaml
// uses. Decoding rejects any other key, so a misspelt key fails the test.
type composeFile struct {
	Name     string                    `yaml:"name"`
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Profiles []string `yaml:"profiles"`
	Build    *struct {
		Context    string `yaml:"context"`
		Dockerfile string `yaml:"dockerfile"`
	} `yaml:"build"`
	Image       string            `yaml:"image"`
	Command     []string          `yaml:"command"`
	EnvFile     string            `yaml:"env_file"`
	Environment map[string]string `yaml:"environment"`
	Ports       []string          `yaml:"ports"`
	Volumes     []string          `yaml:"volumes"`
	Healthcheck *struct {
		Test        []string `yaml:"test"`
		Interval    string   `yaml:"interval"`
		Timeout     string   `yaml:"timeout"`
		StartPeriod string   `yaml:"start_period"`
		Retries     int      `yaml:"retries"`
	} `yaml:"healthcheck"`
	DependsOn map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
	Restart string `yaml:"restart"`
}

func readCompose(t *testing.T) composeFile {
	t.Helper()
	data, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var c composeFile
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("parse compose.yaml: %v", err)
	}
	return c
}

func TestComposeServices(t *testing.T) {
	c := readCompose(t)
	var names []string
	for name := range c.Services {
		names = append(names, name)
	}
	slices.Sort(names)
	want := []string{"app", "mock", "prometheus", "redis-cache", "redis-state"}
	if !slices.Equal(names, want) {
		t.Fatalf("services = %v, want %v", names, want)
	}

	app, mock := c.Services["app"], c.Services["mock"]
	if app.Build == nil || app.Build.Context != ".." || app.Build.Dockerfile != "Dockerfile" {
		t.Errorf("app build = %+v, want the repository's Dockerfile (context .., dockerfile Dockerfile)", app.Build)
	}
	if _, err := os.Stat(filepath.Join("..", "Dockerfile")); err != nil {
		t.Errorf("app build: %v", err)
	}
	if !slices.Equal(app.Command, []string{"serve"}) {
		t.Errorf("app command = %q, want [serve]", app.Command)
	}
	if app.EnvFile != ".env" {
		t.Errorf("app env_file = %q, want .env (a copy of env.example)", app.EnvFile)
	}
	if len(app.Profiles) != 0 {
		t.Errorf("app profiles = %q, want none: the app always runs", app.Profiles)
	}

	if mock.Image != app.Image || mock.Build == nil || *mock.Build != *app.Build {
		t.Errorf("mock image = %q build %+v, want the app's image %q and build", mock.Image, mock.Build, app.Image)
	}
	wantMock := []string{"mock", "--bot-url", "http://app:8000", "--whatsapp-addr", "0.0.0.0:8001", "--credex-addr", "0.0.0.0:8002"}
	if !slices.Equal(mock.Command, wantMock) {
		t.Errorf("mock command = %q, want %q", mock.Command, wantMock)
	}
	if !slices.Equal(mock.Profiles, []string{"mock"}) {
		t.Errorf("mock profiles = %q, want [mock]", mock.Profiles)
	}
}

// redisArgs returns the redis-server options of a command as name → value.
func redisArgs(t *testing.T, service string, command []string) map[string]string {
	t.Helper()
	if len(command) == 0 || command[0] != "redis-server" || len(command)%2 != 1 {
		t.Fatalf("%s command = %q, want redis-server followed by --name value pairs", service, command)
	}
	args := make(map[string]string)
	for i := 1; i < len(command); i += 2 {
		args[strings.TrimPrefix(command[i], "--")] = command[i+1]
	}
	return args
}

func TestComposeRedisServers(t *testing.T) {
	c := readCompose(t)
	tests := []struct {
		service     string
		want        map[string]string
		wantVolumes bool
	}{
		// The cache may lose everything: no RDB, no AOF, LRU eviction.
		{"redis-cache", map[string]string{
			"save": "", "appendonly": "no", "maxmemory": "256mb", "maxmemory-policy": "allkeys-lru",
		}, false},
		// The state keeps every acknowledged write and never evicts.
		{"redis-state", map[string]string{
			"appendonly": "yes", "appendfsync": "always", "maxmemory": "256mb", "maxmemory-policy": "noeviction",
		}, true},
	}
	for _, tt := range tests {
		s := c.Services[tt.service]
		got := redisArgs(t, tt.service, s.Command)
		for name, want := range tt.want {
			if value, ok := got[name]; !ok || value != want {
				t.Errorf("%s --%s = %q (set %v), want %q", tt.service, name, value, ok, want)
			}
		}
		if hasData := slices.ContainsFunc(s.Volumes, func(v string) bool { return strings.HasSuffix(v, ":/data") }); hasData != tt.wantVolumes {
			t.Errorf("%s volume on /data = %v, want %v (volumes %q)", tt.service, hasData, tt.wantVolumes, s.Volumes)
		}
	}
}

func TestComposeHealthAndDependencies(t *testing.T) {
	c := readCompose(t)
	conditions := []string{"service_started", "service_healthy", "service_completed_successfully"}
	for name, s := range c.Services {
		if s.Healthcheck == nil || len(s.Healthcheck.Test) < 2 || s.Healthcheck.Test[0] != "CMD" {
			t.Errorf("%s healthcheck = %+v, want a CMD test", name, s.Healthcheck)
		}
		for dep, d := range s.DependsOn {
			target, ok := c.Services[dep]
			switch {
			case !ok:
				t.Errorf("%s depends on %s, which is no service", name, dep)
			case !slices.Contains(conditions, d.Condition):
				t.Errorf("%s depends on %s with condition %q, want one of %v", name, dep, d.Condition, conditions)
			case d.Condition == "service_healthy" && target.Healthcheck == nil:
				t.Errorf("%s waits for %s to be healthy, but %s has no healthcheck", name, dep, dep)
			case len(target.Profiles) > 0 && !slices.Equal(target.Profiles, s.Profiles):
				t.Errorf("%s depends on %s, which runs only in profiles %q", name, dep, target.Profiles)
			}
		}
		for _, port := range s.Ports {
			if !strings.HasPrefix(port, "127.0.0.1:") {
				t.Errorf("%s publishes %q on every interface, want 127.0.0.1:", name, port)
			}
		}
		for _, volume := range s.Volumes {
			source, _, _ := strings.Cut(volume, ":")
			if strings.HasPrefix(source, ".") {
				if _, err := os.Stat(source); err != nil {
					t.Errorf("%s mounts %s: %v", name, source, err)
				}
			} else if _, ok := c.Volumes[source]; !ok {
				t.Errorf("%s mounts volume %s, which the top-level volumes do not declare", name, source)
			}
		}
	}

	app := c.Services["app"]
	for _, dep := range []string{"redis-state", "redis-cache"} {
		if app.DependsOn[dep].Condition != "service_healthy" {
			t.Errorf("app depends on %s with condition %q, want service_healthy", dep, app.DependsOn[dep].Condition)
		}
	}
	if c.Services["mock"].DependsOn["app"].Condition != "service_healthy" {
		t.Errorf("mock depends on app with condition %q, want service_healthy", c.Services["mock"].DependsOn["app"].Condition)
	}
	wantProbe := []string{"CMD", "/vimbiso", "health", "--url", "http://127.0.0.1:8000/readyz"}
	if app.Healthcheck != nil && !slices.Equal(app.Healthcheck.Test, wantProbe) {
		t.Errorf("app healthcheck = %q, want %q: the alert on the state Redis counts these probes", app.Healthcheck.Test, wantProbe)
	}
}

// readmeVariable matches a backquoted environment variable name in a row of
// the README's configuration table.
var readmeVariable = regexp.MustCompile("`([A-Z][A-Z0-9_]+)`")

// readmeVariables returns the variables of the "Configuration of `vimbiso
// serve`" table in the repository's README.
func readmeVariables(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "## Configuration of `vimbiso serve`")
	if !ok {
		t.Fatal("README.md has no section \"Configuration of `vimbiso serve`\"")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var names []string
	for line := range strings.SplitSeq(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		firstCell, _, _ := strings.Cut(strings.TrimPrefix(line, "|"), "|")
		for _, m := range readmeVariable.FindAllStringSubmatch(firstCell, -1) {
			names = append(names, m[1])
		}
	}
	if len(names) == 0 {
		t.Fatal("README.md's configuration table lists no variables")
	}
	return names
}

// readEnvFile returns the NAME=value lines of an env file in order.
func readEnvFile(t *testing.T, path string) [][2]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var pairs [][2]string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok || name == "" {
			t.Fatalf("%s:%d: %q is not NAME=value", path, n, line)
		}
		pairs = append(pairs, [2]string{name, value})
	}
	return pairs
}

func TestEnvExampleMatchesReadme(t *testing.T) {
	documented := readmeVariables(t)
	seen := make(map[string]bool)
	for _, pair := range readEnvFile(t, "env.example") {
		name := pair[0]
		if seen[name] {
			t.Errorf("env.example sets %s twice", name)
		}
		seen[name] = true
		if !slices.Contains(documented, name) {
			t.Errorf("env.example sets %s, which README.md's configuration table does not list", name)
		}
	}
	for _, name := range documented {
		if !seen[name] {
			t.Errorf("env.example lacks %s, which README.md's configuration table lists", name)
		}
	}
	for name := range readCompose(t).Services["app"].Environment {
		if !slices.Contains(documented, name) {
			t.Errorf("compose.yaml sets %s for the app, which README.md does not list", name)
		}
	}
}

// TestEnvExamplePointsAtServices checks that the addresses in env.example
// are the compose services and ports.
func TestEnvExamplePointsAtServices(t *testing.T) {
	env := make(map[string]string)
	for _, pair := range readEnvFile(t, "env.example") {
		env[pair[0]] = pair[1]
	}
	want := map[string]string{
		"MYCREDEX_APP_URL": "http://mock:8002/",
		"WHATSAPP_API_URL": "http://mock:8001/v21.0/",
		"REDIS_STATE_URL":  "redis://redis-state:6379/0",
		"REDIS_URL":        "redis://redis-cache:6379/0",
		"VIMBISO_ADDR":     ":8000",
		"METRICS_ADDR":     "",
	}
	for name, value := range want {
		if env[name] != value {
			t.Errorf("env.example %s = %q, want %q", name, env[name], value)
		}
	}
}
