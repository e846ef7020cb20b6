package main

import (
	"bytes"
	"errors"
	"flag"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// Secret values of requiredEnv, each unique enough to find in any output.
const (
	testAPIKey        = "client-key-4f1a"
	testWebhookSecret = "credex-secret-9b2c"
	testAccessToken   = "access-token-7d3e"
	testAppSecret     = "app-secret-2e8f"
	testVerifyToken   = "verify-token-6a5d"
	testRedisPassword = "redis-pass-1c7b"
)

// requiredEnv returns an environment with only the required variables set.
func requiredEnv() map[string]string {
	return map[string]string{
		"MYCREDEX_APP_URL":         "https://credex.example/api/v1",
		"CLIENT_API_KEY":           testAPIKey,
		"CREDEX_WEBHOOK_SECRET":    testWebhookSecret,
		"WHATSAPP_ACCESS_TOKEN":    testAccessToken,
		"WHATSAPP_PHONE_NUMBER_ID": "1234567890",
		"WHATSAPP_APP_SECRET":      testAppSecret,
		"WHATSAPP_VERIFY_TOKEN":    testVerifyToken,
		"REDIS_STATE_URL":          "redis://:" + testRedisPassword + "@127.0.0.1:6379/0",
	}
}

// loadConfig runs LoadConfig on env and args and returns the usage output too.
func loadConfig(t *testing.T, env map[string]string, args ...string) (Config, string, error) {
	t.Helper()
	var usage bytes.Buffer
	c, err := LoadConfig(func(name string) string { return env[name] }, args, &usage)
	return c, usage.String(), err
}

// withEnv returns requiredEnv with the changes applied.
func withEnv(changes map[string]string) map[string]string {
	env := requiredEnv()
	maps.Copy(env, changes)
	return env
}

func TestLoadConfigDefaults(t *testing.T) {
	c, _, err := loadConfig(t, requiredEnv())
	if err != nil {
		t.Fatalf("LoadConfig(required only) error: %v", err)
	}

	texts := []struct{ name, got, want string }{
		{"Addr", c.Addr, ":8000"},
		{"MetricsAddr", c.MetricsAddr, ""},
		{"CredExURL", c.CredExURL, "https://credex.example/api/v1/"},
		{"ClientAPIKey", c.ClientAPIKey, testAPIKey},
		{"CredExRateLimitBypass", c.CredExRateLimitBypass, ""},
		{"CredExWebhookSecret", c.CredExWebhookSecret, testWebhookSecret},
		{"WhatsAppURL", c.WhatsAppURL, "https://graph.facebook.com/v21.0/"},
		{"AccessToken", c.AccessToken, testAccessToken},
		{"PhoneNumberID", c.PhoneNumberID, "1234567890"},
		{"BusinessID", c.BusinessID, ""},
		{"AppSecret", c.AppSecret, testAppSecret},
		{"VerifyToken", c.VerifyToken, testVerifyToken},
		{"RegistrationFlowID", c.RegistrationFlowID, ""},
		{"TemplateName", c.TemplateName, "incoming_notification"},
		{"TemplateLanguage", c.TemplateLanguage, "en_US"},
		{"RedisStateURL", c.RedisStateURL, requiredEnv()["REDIS_STATE_URL"]},
		{"RedisURL", c.RedisURL, requiredEnv()["REDIS_STATE_URL"]},
		{"SupportContact", c.SupportContact, "the CredEx support team"},
		{"TermsURL", c.TermsURL, ""},
	}
	for _, f := range texts {
		if f.got != f.want {
			t.Errorf("Config.%s = %q, want %q", f.name, f.got, f.want)
		}
	}

	numbers := []struct {
		name      string
		got, want int64
	}{
		{"CredExRateLimit", int64(c.CredExRateLimit), 30},
		{"SendRate", int64(c.SendRate), 80},
		{"SessionTTL", int64(c.SessionTTL), int64(300 * time.Second)},
		{"DedupeTTL", int64(c.DedupeTTL), int64(48 * time.Hour)},
		{"IdleTimeout", int64(c.IdleTimeout), int64(10 * time.Minute)},
		{"LogLevel", int64(c.LogLevel), int64(slog.LevelInfo)},
	}
	for _, f := range numbers {
		if f.got != f.want {
			t.Errorf("Config.%s = %d, want %d", f.name, f.got, f.want)
		}
	}

	if !slices.Equal(c.PhoneNumberIDs, []string{"1234567890"}) {
		t.Errorf("Config.PhoneNumberIDs = %q, want [1234567890]", c.PhoneNumberIDs)
	}
	if c.Timezone == nil || c.Timezone.String() != "Africa/Harare" {
		t.Errorf("Config.Timezone = %v, want Africa/Harare", c.Timezone)
	}
}

func TestLoadConfigInvalidValue(t *testing.T) {
	tests := []struct {
		env, value string
	}{
		// Listen addresses.
		{"VIMBISO_ADDR", "8000"},
		{"VIMBISO_ADDR", ":http"},
		{"METRICS_ADDR", "localhost:99999"},
		{"METRICS_ADDR", ":8000"}, // the same as VIMBISO_ADDR

		// CredEx.
		{"MYCREDEX_APP_URL", ""},
		{"MYCREDEX_APP_URL", "credex.example/api"},
		{"MYCREDEX_APP_URL", "ftp://credex.example/"},
		{"MYCREDEX_APP_URL", "https://credex.example/api?v=1"},
		{"MYCREDEX_APP_URL", "https://cre dex.example/"},
		{"CLIENT_API_KEY", ""},
		{"CLIENT_API_KEY", testAPIKey + "\n"},
		{"CREDEX_RATE_LIMIT", "0"},
		{"CREDEX_RATE_LIMIT", "-5"},
		{"CREDEX_RATE_LIMIT", "thirty"},
		{"CREDEX_RATE_LIMIT_BYPASS", " bypass"},
		{"CREDEX_WEBHOOK_SECRET", ""},

		// WhatsApp.
		{"WHATSAPP_API_URL", "graph.facebook.com/v21.0"},
		{"WHATSAPP_ACCESS_TOKEN", ""},
		{"WHATSAPP_PHONE_NUMBER_ID", ""},
		{"WHATSAPP_PHONE_NUMBER_ID", "+263770000001"},
		{"WHATSAPP_PHONE_NUMBER_IDS", "1234567890,,55"},
		{"WHATSAPP_PHONE_NUMBER_IDS", "1234567890,abc"},
		{"WHATSAPP_PHONE_NUMBER_IDS", "1234567890,1234567890"},
		{"WHATSAPP_PHONE_NUMBER_IDS", "555,666"}, // lacks WHATSAPP_PHONE_NUMBER_ID
		{"WHATSAPP_BUSINESS_ID", "biz-1"},
		{"WHATSAPP_APP_SECRET", ""},
		{"WHATSAPP_VERIFY_TOKEN", ""},
		{"WHATSAPP_REGISTRATION_FLOW_ID", "flow 1"},
		{"WHATSAPP_TEMPLATE_NAME", "Incoming-Notification"},
		{"WHATSAPP_TEMPLATE_LANGUAGE", "english"},
		{"WHATSAPP_TEMPLATE_LANGUAGE", "en_us"},
		{"WHATSAPP_TEMPLATE_LANGUAGE", "en-US"},
		{"WHATSAPP_SEND_RATE", "0"},
		{"WHATSAPP_SEND_RATE", "1.5"},

		// Redis.
		{"REDIS_STATE_URL", ""},
		{"REDIS_STATE_URL", "http://127.0.0.1:6379"},
		{"REDIS_STATE_URL", "redis:///0"},
		{"REDIS_URL", "127.0.0.1:6379"},

		// Durations.
		{"SESSION_TTL", "0"},
		{"SESSION_TTL", "-5m"},
		{"SESSION_TTL", "5 minutes"},
		{"SESSION_TTL", "99999999999999999"},
		{"DEDUPE_TTL", "1m"}, // shorter than SESSION_TTL
		{"IDLE_TIMEOUT", "0s"},

		// Others.
		{"BOT_TIMEZONE", "Africa/Nowhere"},
		{"LOG_LEVEL", "verbose"},
		{"SUPPORT_CONTACT", "line one\nline two"},
		{"TERMS_URL", "/terms"},
	}
	for _, tt := range tests {
		_, _, err := loadConfig(t, withEnv(map[string]string{tt.env: tt.value}))
		if err == nil {
			t.Errorf("LoadConfig(%s=%q) error = nil, want an error naming %s", tt.env, tt.value, tt.env)
			continue
		}
		problems := configProblems(err)
		if len(problems) != 1 {
			t.Errorf("LoadConfig(%s=%q) reported %d problems, want 1:\n%v", tt.env, tt.value, len(problems), err)
			continue
		}
		if !strings.HasPrefix(problems[0], tt.env+" (--") {
			t.Errorf("LoadConfig(%s=%q) error = %q, want it to start with %s", tt.env, tt.value, problems[0], tt.env)
		}
	}
}

// configProblems returns the lines of a LoadConfig error after its heading.
func configProblems(err error) []string {
	lines := strings.Split(err.Error(), "\n")
	return lines[1:]
}

func TestLoadConfigReportsAllProblems(t *testing.T) {
	env := withEnv(map[string]string{
		"CLIENT_API_KEY":     "",
		"CREDEX_RATE_LIMIT":  "0",
		"WHATSAPP_SEND_RATE": "fast",
		"SESSION_TTL":        "soon",
		"LOG_LEVEL":          "loud",
	})
	_, _, err := loadConfig(t, env)
	if err == nil {
		t.Fatal("LoadConfig(five bad variables) error = nil")
	}

	want := []string{"CLIENT_API_KEY", "CREDEX_RATE_LIMIT", "WHATSAPP_SEND_RATE", "SESSION_TTL", "LOG_LEVEL"}
	problems := configProblems(err)
	if len(problems) != len(want) {
		t.Errorf("LoadConfig(five bad variables) reported %d problems, want %d:\n%v", len(problems), len(want), err)
	}
	for _, name := range want {
		if !strings.Contains(err.Error(), name+" (--") {
			t.Errorf("LoadConfig(five bad variables) error does not name %s:\n%v", name, err)
		}
	}
}

func TestLoadConfigFlagsOverrideEnv(t *testing.T) {
	env := withEnv(map[string]string{
		"VIMBISO_ADDR":     ":9000",
		"LOG_LEVEL":        "error",
		"SESSION_TTL":      "60",
		"MYCREDEX_APP_URL": "https://env.example/",
		"CLIENT_API_KEY":   "env-key",
	})
	args := []string{
		"--addr", "127.0.0.1:0",
		"--log-level=debug",
		"--session-ttl", "2m",
		"--credex-url", "http://127.0.0.1:8001/api",
		"--client-api-key", "flag-key",
		"--whatsapp-phone-number-ids", "1234567890, 42",
		"--redis-url", "rediss://cache.example:6380/1",
		"-bot-timezone", "UTC",
	}
	c, _, err := loadConfig(t, env, args...)
	if err != nil {
		t.Fatalf("LoadConfig(%q) error: %v", args, err)
	}

	fields := []struct{ name, got, want string }{
		{"Addr", c.Addr, "127.0.0.1:0"},
		{"LogLevel", c.LogLevel.String(), "DEBUG"},
		{"SessionTTL", c.SessionTTL.String(), "2m0s"},
		{"CredExURL", c.CredExURL, "http://127.0.0.1:8001/api/"},
		{"ClientAPIKey", c.ClientAPIKey, "flag-key"},
		{"PhoneNumberIDs", strings.Join(c.PhoneNumberIDs, ","), "1234567890,42"},
		{"RedisURL", c.RedisURL, "rediss://cache.example:6380/1"},
		{"Timezone", c.Timezone.String(), "UTC"},
		{"TemplateName", c.TemplateName, "incoming_notification"}, // no flag, default kept
	}
	for _, f := range fields {
		if f.got != f.want {
			t.Errorf("Config.%s = %q, want %q", f.name, f.got, f.want)
		}
	}
}

func TestLoadConfigEmptyFlagRestoresDefault(t *testing.T) {
	c, _, err := loadConfig(t, withEnv(map[string]string{"WHATSAPP_SEND_RATE": "5"}), "--whatsapp-send-rate=")
	if err != nil {
		t.Fatalf("LoadConfig(--whatsapp-send-rate=) error: %v", err)
	}
	if c.SendRate != 80 {
		t.Errorf("Config.SendRate = %d, want the default 80", c.SendRate)
	}
}

func TestLoadConfigPhoneNumberIDs(t *testing.T) {
	tests := []struct {
		value   string
		want    []string
		wantErr bool
	}{
		{"", []string{"1234567890"}, false},
		{"1234567890", []string{"1234567890"}, false},
		{"42,1234567890", []string{"42", "1234567890"}, false},
		{" 42 , 1234567890 ", []string{"42", "1234567890"}, false},
		{"42", nil, true},
		{"42,43", nil, true},
	}
	for _, tt := range tests {
		c, _, err := loadConfig(t, withEnv(map[string]string{"WHATSAPP_PHONE_NUMBER_IDS": tt.value}))
		if tt.wantErr {
			if err == nil || !strings.Contains(err.Error(), "must include WHATSAPP_PHONE_NUMBER_ID") {
				t.Errorf("LoadConfig(WHATSAPP_PHONE_NUMBER_IDS=%q) error = %v, want the must-include error", tt.value, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("LoadConfig(WHATSAPP_PHONE_NUMBER_IDS=%q) error: %v", tt.value, err)
			continue
		}
		if !slices.Equal(c.PhoneNumberIDs, tt.want) {
			t.Errorf("LoadConfig(WHATSAPP_PHONE_NUMBER_IDS=%q).PhoneNumberIDs = %q, want %q", tt.value, c.PhoneNumberIDs, tt.want)
		}
	}
}

func TestLoadConfigBaseURLTrailingSlash(t *testing.T) {
	tests := []struct {
		env, value, want string
	}{
		{"MYCREDEX_APP_URL", "https://credex.example", "https://credex.example/"},
		{"MYCREDEX_APP_URL", "https://credex.example/api/v1", "https://credex.example/api/v1/"},
		{"MYCREDEX_APP_URL", "https://credex.example/api/v1/", "https://credex.example/api/v1/"},
		{"WHATSAPP_API_URL", "http://127.0.0.1:8002/v21.0", "http://127.0.0.1:8002/v21.0/"},
		{"WHATSAPP_API_URL", "https://graph.facebook.com/v23.0/", "https://graph.facebook.com/v23.0/"},
	}
	for _, tt := range tests {
		c, _, err := loadConfig(t, withEnv(map[string]string{tt.env: tt.value}))
		if err != nil {
			t.Errorf("LoadConfig(%s=%q) error: %v", tt.env, tt.value, err)
			continue
		}
		got := c.CredExURL
		if tt.env == "WHATSAPP_API_URL" {
			got = c.WhatsAppURL
		}
		if got != tt.want {
			t.Errorf("LoadConfig(%s=%q) URL = %q, want %q", tt.env, tt.value, got, tt.want)
		}
	}
}

func TestLoadConfigDurations(t *testing.T) {
	tests := []struct {
		value string
		want  time.Duration
	}{
		{"300", 300 * time.Second},
		{"1", time.Second},
		{"300s", 300 * time.Second},
		{"5m", 5 * time.Minute},
		{"1h30m", 90 * time.Minute},
		{"1.5s", 1500 * time.Millisecond},
		{" 90 ", 90 * time.Second},
	}
	for _, tt := range tests {
		c, _, err := loadConfig(t, withEnv(map[string]string{"SESSION_TTL": tt.value, "IDLE_TIMEOUT": tt.value}))
		if err != nil {
			t.Errorf("LoadConfig(SESSION_TTL=%q) error: %v", tt.value, err)
			continue
		}
		if c.SessionTTL != tt.want {
			t.Errorf("LoadConfig(SESSION_TTL=%q).SessionTTL = %v, want %v", tt.value, c.SessionTTL, tt.want)
		}
		if c.IdleTimeout != tt.want {
			t.Errorf("LoadConfig(IDLE_TIMEOUT=%q).IdleTimeout = %v, want %v", tt.value, c.IdleTimeout, tt.want)
		}
	}

	c, _, err := loadConfig(t, withEnv(map[string]string{"SESSION_TTL": "600", "DEDUPE_TTL": "600"}))
	if err != nil {
		t.Fatalf("LoadConfig(DEDUPE_TTL equal to SESSION_TTL) error: %v", err)
	}
	if c.DedupeTTL != 10*time.Minute {
		t.Errorf("Config.DedupeTTL = %v, want 10m0s", c.DedupeTTL)
	}
}

func TestLoadConfigTimezoneHarare(t *testing.T) {
	c, _, err := loadConfig(t, withEnv(map[string]string{"BOT_TIMEZONE": "Africa/Harare"}))
	if err != nil {
		t.Fatalf("LoadConfig(BOT_TIMEZONE=Africa/Harare) error: %v", err)
	}

	// Harare is UTC+2 all year, with no daylight saving time.
	for _, month := range []time.Month{time.January, time.July} {
		_, offset := time.Date(2026, month, 1, 12, 0, 0, 0, time.UTC).In(c.Timezone).Zone()
		if offset != 2*60*60 {
			t.Errorf("Africa/Harare offset in %v = %ds, want 7200s", month, offset)
		}
	}
}

func TestLoadConfigLogLevels(t *testing.T) {
	tests := []struct {
		value string
		want  slog.Level
	}{
		{"debug", slog.LevelDebug},
		{"info", slog.LevelInfo},
		{"warn", slog.LevelWarn},
		{"error", slog.LevelError},
		{"DEBUG", slog.LevelDebug},
	}
	for _, tt := range tests {
		c, _, err := loadConfig(t, withEnv(map[string]string{"LOG_LEVEL": tt.value}))
		if err != nil {
			t.Errorf("LoadConfig(LOG_LEVEL=%q) error: %v", tt.value, err)
			continue
		}
		if c.LogLevel != tt.want {
			t.Errorf("LoadConfig(LOG_LEVEL=%q).LogLevel = %v, want %v", tt.value, c.LogLevel, tt.want)
		}
	}
}

func TestLoadConfigTemplate(t *testing.T) {
	tests := []struct {
		name, language string
	}{
		{"incoming_notification", "en_US"},
		{"offer_alert_2", "en"},
		{"offer_alert", "fil"},
		{"offer_alert", "pt_BR"},
		{"offer_alert", "prs_AF"},
	}
	for _, tt := range tests {
		env := withEnv(map[string]string{"WHATSAPP_TEMPLATE_NAME": tt.name, "WHATSAPP_TEMPLATE_LANGUAGE": tt.language})
		c, _, err := loadConfig(t, env)
		if err != nil {
			t.Errorf("LoadConfig(template %s/%s) error: %v", tt.name, tt.language, err)
			continue
		}
		if c.TemplateName != tt.name {
			t.Errorf("Config.TemplateName = %q, want %q", c.TemplateName, tt.name)
		}
		if c.TemplateLanguage != tt.language {
			t.Errorf("Config.TemplateLanguage = %q, want %q", c.TemplateLanguage, tt.language)
		}
	}
}

// secretValues returns every secret that requiredEnv sets.
func secretValues() []string {
	return []string{testAPIKey, testWebhookSecret, testAccessToken, testAppSecret, testVerifyToken, testRedisPassword}
}

func TestLoadConfigErrorHidesSecrets(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"secrets with white space", withEnv(map[string]string{
			"CLIENT_API_KEY":        " " + testAPIKey,
			"CREDEX_WEBHOOK_SECRET": testWebhookSecret + "\n",
			"WHATSAPP_ACCESS_TOKEN": testAccessToken + "\t",
			"WHATSAPP_APP_SECRET":   testAppSecret + " ",
			"WHATSAPP_VERIFY_TOKEN": "\r" + testVerifyToken,
		}), nil},
		{"secret flags with white space", requiredEnv(), []string{
			"--client-api-key", testAPIKey + " ",
			"--whatsapp-app-secret", testAppSecret + "\n",
		}},
		{"redis URL with a bad scheme", withEnv(map[string]string{
			"REDIS_STATE_URL": "http://:" + testRedisPassword + "@127.0.0.1:6379",
		}), nil},
		{"unparsable redis URL", withEnv(map[string]string{
			"REDIS_STATE_URL": "redis://:" + testRedisPassword + "@127.0.0.1:port",
			"REDIS_URL":       "redis://user:" + testRedisPassword + "@[::1",
		}), nil},
		{"redis URL with a bad escape in the password", withEnv(map[string]string{
			"REDIS_STATE_URL": "redis://:" + testRedisPassword + "%zz@127.0.0.1:6379",
		}), nil},
		{"secret as a stray argument", requiredEnv(), []string{testAPIKey}},
	}
	for _, tt := range tests {
		_, usage, err := loadConfig(t, tt.env, tt.args...)
		if err == nil {
			t.Errorf("%s: LoadConfig error = nil, want one", tt.name)
			continue
		}
		for _, secret := range secretValues() {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("%s: LoadConfig error contains secret %q:\n%v", tt.name, secret, err)
			}
			if strings.Contains(usage, secret) {
				t.Errorf("%s: usage output contains secret %q:\n%s", tt.name, secret, usage)
			}
		}
	}
}

func TestConfigLogValueHidesSecrets(t *testing.T) {
	env := withEnv(map[string]string{
		"CREDEX_RATE_LIMIT_BYPASS":  "bypass-5e9a",
		"WHATSAPP_PHONE_NUMBER_IDS": "1234567890,9876543210",
		"REDIS_URL":                 "rediss://" + testRedisPassword + "@cache.example:6380/1",
		"SUPPORT_CONTACT":           "+263 77 000 0009",
	})
	c, _, err := loadConfig(t, env)
	if err != nil {
		t.Fatalf("LoadConfig error: %v", err)
	}
	var out bytes.Buffer
	slog.New(slog.NewTextHandler(&out, nil)).Info("starting", "config", c)
	logged := out.String()

	hiddenValues := append(secretValues(), "bypass-5e9a", "1234567890", "9876543210", "+263 77 000 0009")
	for _, value := range hiddenValues {
		if strings.Contains(logged, value) {
			t.Errorf("log line contains %q:\n%s", value, logged)
		}
	}

	wantAttrs := []string{
		"config.client_api_key=set",
		"config.credex_rate_limit_bypass=set",
		"config.whatsapp_phone_numbers=2",
		"config.credex_url=https://credex.example/api/v1/",
		"config.redis_state_url=redis://xxxxx@127.0.0.1:6379/0",
		"config.redis_url=rediss://xxxxx@cache.example:6380/1",
		"config.session_ttl=5m0s",
		"config.timezone=Africa/Harare",
		"config.support_contact=custom",
	}
	for _, attr := range wantAttrs {
		if !strings.Contains(logged, attr) {
			t.Errorf("log line lacks %s:\n%s", attr, logged)
		}
	}
}

func TestConfigLogValueMissingSecret(t *testing.T) {
	var out bytes.Buffer
	slog.New(slog.NewTextHandler(&out, nil)).Info("starting", "config", Config{})
	if !strings.Contains(out.String(), "config.credex_rate_limit_bypass=missing") {
		t.Errorf("log line of an empty Config lacks credex_rate_limit_bypass=missing:\n%s", out.String())
	}
}

func TestLoadConfigHelp(t *testing.T) {
	for _, arg := range []string{"--help", "-h"} {
		_, usage, err := loadConfig(t, requiredEnv(), arg)
		if !errors.Is(err, flag.ErrHelp) {
			t.Errorf("LoadConfig(%s) error = %v, want flag.ErrHelp", arg, err)
		}
		for _, s := range configSettings() {
			if !strings.Contains(usage, s.env) {
				t.Errorf("LoadConfig(%s) usage lacks %s", arg, s.env)
			}
			if !strings.Contains(usage, "--"+s.flag+" ") {
				t.Errorf("LoadConfig(%s) usage lacks --%s", arg, s.flag)
			}
		}
	}

	_, usage, _ := loadConfig(t, requiredEnv(), "--help")
	wantLines := []string{"--session-ttl duration", "(default 5m0s)", "calls per minute", "(required)"}
	for _, want := range wantLines {
		if !strings.Contains(usage, want) {
			t.Errorf("usage lacks %q:\n%s", want, usage)
		}
	}
}

func TestLoadConfigHelpWithoutEnv(t *testing.T) {
	_, _, err := loadConfig(t, map[string]string{}, "--help")
	if !errors.Is(err, flag.ErrHelp) {
		t.Errorf("LoadConfig(--help, empty env) error = %v, want flag.ErrHelp", err)
	}
}

func TestLoadConfigBadCommandLine(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"unknown flag", []string{"--no-such-flag=1"}},
		{"flag without value", []string{"--addr"}},
		{"stray argument", []string{"extra"}},
	}
	for _, tt := range tests {
		_, _, err := loadConfig(t, requiredEnv(), tt.args...)
		if err == nil {
			t.Errorf("%s: LoadConfig(%q) error = nil, want one", tt.name, tt.args)
		}
	}

	_, usage, _ := loadConfig(t, requiredEnv(), "--no-such-flag")
	if !strings.Contains(usage, "Usage: vimbiso serve") {
		t.Errorf("LoadConfig(--no-such-flag) printed no usage:\n%s", usage)
	}
}

func TestLoadConfigNilUsageWriter(t *testing.T) {
	env := requiredEnv()
	_, err := LoadConfig(func(name string) string { return env[name] }, nil, nil)
	if err != nil {
		t.Errorf("LoadConfig(usage nil) error: %v", err)
	}
}
