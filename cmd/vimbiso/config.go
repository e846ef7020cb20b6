package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	_ "time/tzdata" // BOT_TIMEZONE must load on hosts without a zoneinfo database.
	"unicode"
)

// Config is the configuration of `vimbiso serve`, which LoadConfig fills from
// the environment and the command line. Each field names its environment variable.
type Config struct {
	Addr        string // VIMBISO_ADDR: host:port of the webhook, health and metrics listener
	MetricsAddr string // METRICS_ADDR: separate /metrics listener, "" to serve it on Addr

	CredExURL             string // MYCREDEX_APP_URL: CredEx base URL, ends in "/"
	ClientAPIKey          string // CLIENT_API_KEY: secret
	CredExRateLimit       int    // CREDEX_RATE_LIMIT: CredEx calls per minute for the whole service
	CredExRateLimitBypass string // CREDEX_RATE_LIMIT_BYPASS: secret, "" when none was issued
	CredExWebhookSecret   string // CREDEX_WEBHOOK_SECRET: HMAC key of CredEx events, secret

	WhatsAppURL        string   // WHATSAPP_API_URL: Graph API base URL with version, ends in "/"
	AccessToken        string   // WHATSAPP_ACCESS_TOKEN: secret
	PhoneNumberID      string   // WHATSAPP_PHONE_NUMBER_ID: default business number
	PhoneNumberIDs     []string // WHATSAPP_PHONE_NUMBER_IDS: served business numbers, contains PhoneNumberID
	BusinessID         string   // WHATSAPP_BUSINESS_ID: optional
	AppSecret          string   // WHATSAPP_APP_SECRET: key of X-Hub-Signature-256, secret
	VerifyToken        string   // WHATSAPP_VERIFY_TOKEN: webhook handshake token, secret
	RegistrationFlowID string   // WHATSAPP_REGISTRATION_FLOW_ID: optional
	TemplateName       string   // WHATSAPP_TEMPLATE_NAME
	TemplateLanguage   string   // WHATSAPP_TEMPLATE_LANGUAGE
	SendRate           int      // WHATSAPP_SEND_RATE: sends per second per business number

	RedisStateURL string // REDIS_STATE_URL: durable state, may contain a password
	RedisURL      string // REDIS_URL: cache, defaults to RedisStateURL, may contain a password

	SessionTTL    time.Duration // SESSION_TTL: session lifetime after the last message
	DedupeTTL     time.Duration // DEDUPE_TTL: how long message ids are remembered, at least SessionTTL
	UserInputRate int           // USER_INPUT_RATE, messages per minute per user, default 40
	IdleTimeout   time.Duration // IDLE_TIMEOUT: an idle conversation actor stops after this

	Timezone       *time.Location // BOT_TIMEZONE
	LogLevel       slog.Level     // LOG_LEVEL
	SupportContact string         // SUPPORT_CONTACT: text shown to users, e.g. an email address
	TermsURL       string         // TERMS_URL: optional
}

// LoadConfig reads every setting through getenv, then lets the flags in args
// override it, and validates the result. A flag given with an empty value
// counts as unset, like an empty variable.
//
// The flag set writes flag errors and the usage text to usage (os.Stderr when
// nil), and --help returns flag.ErrHelp. Otherwise a failed load returns one
// error that lists every invalid or missing variable with its flag and the
// expected value. Error messages never contain a secret or a Redis URL.
func LoadConfig(getenv func(string) string, args []string, usage io.Writer) (Config, error) {
	if usage == nil {
		usage = os.Stderr
	}
	settings := configSettings()
	values := make(map[string]string, len(settings))
	for _, s := range settings {
		values[s.env] = getenv(s.env)
	}

	fs := flag.NewFlagSet("vimbiso serve", flag.ContinueOnError)
	fs.SetOutput(usage)
	fs.Usage = func() { printUsage(usage, settings) }
	for _, s := range settings {
		// The callback never fails, so the flag package never prints a value.
		fs.Func(s.flag, s.usage, func(v string) error {
			values[s.env] = v
			return nil
		})
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		// The arguments are not shown because one may be a misplaced secret.
		return Config{}, fmt.Errorf("vimbiso serve: takes only flags, got %d other arguments", fs.NArg())
	}

	return buildConfig(settings, values)
}

// LogValue returns a summary of c for the start log. Secrets appear only as
// "set" or "missing", URLs have their passwords masked, the business numbers
// are counted and the support contact is not shown.
func (c Config) LogValue() slog.Value {
	timezone := ""
	if c.Timezone != nil {
		timezone = c.Timezone.String()
	}
	supportContact := "custom"
	if c.SupportContact == defaultSupportContact {
		supportContact = "default"
	}

	return slog.GroupValue(
		slog.String("addr", c.Addr),
		slog.String("metrics_addr", c.MetricsAddr),
		slog.String("credex_url", redactURL(c.CredExURL)),
		slog.String("client_api_key", secretState(c.ClientAPIKey)),
		slog.Int("credex_rate_limit", c.CredExRateLimit),
		slog.String("credex_rate_limit_bypass", secretState(c.CredExRateLimitBypass)),
		slog.String("credex_webhook_secret", secretState(c.CredExWebhookSecret)),
		slog.String("whatsapp_api_url", redactURL(c.WhatsAppURL)),
		slog.String("whatsapp_access_token", secretState(c.AccessToken)),
		slog.Int("whatsapp_phone_numbers", len(c.PhoneNumberIDs)),
		slog.String("whatsapp_business_id", c.BusinessID),
		slog.String("whatsapp_app_secret", secretState(c.AppSecret)),
		slog.String("whatsapp_verify_token", secretState(c.VerifyToken)),
		slog.String("whatsapp_registration_flow_id", c.RegistrationFlowID),
		slog.String("whatsapp_template", c.TemplateName+"/"+c.TemplateLanguage),
		slog.Int("whatsapp_send_rate", c.SendRate),
		slog.String("redis_state_url", redactURL(c.RedisStateURL)),
		slog.String("redis_url", redactURL(c.RedisURL)),
		slog.Duration("session_ttl", c.SessionTTL),
		slog.Duration("dedupe_ttl", c.DedupeTTL),
		slog.Duration("idle_timeout", c.IdleTimeout),
		slog.String("timezone", timezone),
		slog.String("log_level", c.LogLevel.String()),
		slog.String("support_contact", supportContact),
		slog.String("terms_url", redactURL(c.TermsURL)),
	)
}

const defaultSupportContact = "the CredEx support team"

// setting describes one configuration value: its environment variable, its
// flag, its default and how it is stored in a Config.
type setting struct {
	env      string
	flag     string
	kind     string // value syntax shown in the usage text
	def      string // used when the value is empty; "" leaves the field at its zero value
	usage    string
	required bool
	secret   bool // never printed, and kept exactly as given
	set      func(c *Config, value string) error
}

// configSettings returns every setting in the order of the usage text.
func configSettings() []setting {
	return []setting{
		{env: "VIMBISO_ADDR", flag: "addr", kind: "host:port", def: ":8000",
			usage: "listen address for webhooks, health checks and metrics, behind a proxy that ends TLS",
			set:   func(c *Config, v string) (err error) { c.Addr, err = parseAddr(v); return err }},
		{env: "METRICS_ADDR", flag: "metrics-addr", kind: "host:port",
			usage: "separate listen address for /metrics (default: served on VIMBISO_ADDR)",
			set:   func(c *Config, v string) (err error) { c.MetricsAddr, err = parseAddr(v); return err }},

		{env: "MYCREDEX_APP_URL", flag: "credex-url", kind: "url", required: true,
			usage: "CredEx API base URL including any version prefix, to which a missing trailing / is added",
			set:   func(c *Config, v string) (err error) { c.CredExURL, err = parseBaseURL(v); return err }},
		{env: "CLIENT_API_KEY", flag: "client-api-key", kind: "secret", required: true, secret: true,
			usage: "API key shared with CredEx, sent on every CredEx call and expected on CredEx's calls to us",
			set:   func(c *Config, v string) error { c.ClientAPIKey = v; return nil }},
		{env: "CREDEX_RATE_LIMIT", flag: "credex-rate-limit", kind: "int", def: "30",
			usage: "CredEx calls per minute for the whole service",
			set:   func(c *Config, v string) (err error) { c.CredExRateLimit, err = parsePositiveInt(v); return err }},
		{env: "CREDEX_RATE_LIMIT_BYPASS", flag: "credex-rate-limit-bypass", kind: "secret", secret: true,
			usage: "x-skip-rate-limit header value, when the CredEx operators issue one",
			set:   func(c *Config, v string) error { c.CredExRateLimitBypass = v; return nil }},
		{env: "CREDEX_WEBHOOK_SECRET", flag: "credex-webhook-secret", kind: "secret", required: true, secret: true,
			usage: "HMAC key that signs the events CredEx posts to /credex/webhook",
			set:   func(c *Config, v string) error { c.CredExWebhookSecret = v; return nil }},

		{env: "WHATSAPP_API_URL", flag: "whatsapp-api-url", kind: "url", def: "https://graph.facebook.com/v21.0/",
			usage: "Graph API base URL including the version segment, to which a missing trailing / is added",
			set:   func(c *Config, v string) (err error) { c.WhatsAppURL, err = parseBaseURL(v); return err }},
		{env: "WHATSAPP_ACCESS_TOKEN", flag: "whatsapp-access-token", kind: "secret", required: true, secret: true,
			usage: "Graph API access token",
			set:   func(c *Config, v string) error { c.AccessToken = v; return nil }},
		{env: "WHATSAPP_PHONE_NUMBER_ID", flag: "whatsapp-phone-number-id", kind: "digits", required: true,
			usage: "phone number ID of the default business number, from WhatsApp Manager",
			set:   func(c *Config, v string) (err error) { c.PhoneNumberID, err = parseDigits(v); return err }},
		{env: "WHATSAPP_PHONE_NUMBER_IDS", flag: "whatsapp-phone-number-ids", kind: "list",
			usage: "comma-separated phone number IDs served by this webhook, including WHATSAPP_PHONE_NUMBER_ID (default: WHATSAPP_PHONE_NUMBER_ID alone)",
			set:   func(c *Config, v string) (err error) { c.PhoneNumberIDs, err = parseDigitList(v); return err }},
		{env: "WHATSAPP_BUSINESS_ID", flag: "whatsapp-business-id", kind: "digits",
			usage: "WhatsApp Business account ID (optional)",
			set:   func(c *Config, v string) (err error) { c.BusinessID, err = parseDigits(v); return err }},
		{env: "WHATSAPP_APP_SECRET", flag: "whatsapp-app-secret", kind: "secret", required: true, secret: true,
			usage: "Meta app secret, the key of the X-Hub-Signature-256 header on webhook deliveries",
			set:   func(c *Config, v string) error { c.AppSecret = v; return nil }},
		{env: "WHATSAPP_VERIFY_TOKEN", flag: "whatsapp-verify-token", kind: "secret", required: true, secret: true,
			usage: "token that Meta's webhook verification request must present",
			set:   func(c *Config, v string) error { c.VerifyToken = v; return nil }},
		{env: "WHATSAPP_REGISTRATION_FLOW_ID", flag: "whatsapp-registration-flow-id", kind: "digits",
			usage: "WhatsApp Flow ID used for registration (optional)",
			set:   func(c *Config, v string) (err error) { c.RegistrationFlowID, err = parseDigits(v); return err }},
		{env: "WHATSAPP_TEMPLATE_NAME", flag: "whatsapp-template-name", kind: "name", def: "incoming_notification",
			usage: "message template for notifications outside the 24-hour window",
			set:   func(c *Config, v string) (err error) { c.TemplateName, err = parseTemplateName(v); return err }},
		{env: "WHATSAPP_TEMPLATE_LANGUAGE", flag: "whatsapp-template-language", kind: "code", def: "en_US",
			usage: "language code of that template",
			set:   func(c *Config, v string) (err error) { c.TemplateLanguage, err = parseLanguageCode(v); return err }},
		{env: "WHATSAPP_SEND_RATE", flag: "whatsapp-send-rate", kind: "int", def: "80",
			usage: "messages sent per second per business number",
			set:   func(c *Config, v string) (err error) { c.SendRate, err = parsePositiveInt(v); return err }},

		{env: "REDIS_STATE_URL", flag: "redis-state-url", kind: "url", required: true,
			usage: "redis:// or rediss:// URL of the Redis that stores snapshots, inboxes and dedupe claims",
			set:   func(c *Config, v string) (err error) { c.RedisStateURL, err = parseRedisURL(v); return err }},
		{env: "REDIS_URL", flag: "redis-url", kind: "url",
			usage: "redis:// or rediss:// URL of the cache Redis (default: REDIS_STATE_URL)",
			set:   func(c *Config, v string) (err error) { c.RedisURL, err = parseRedisURL(v); return err }},

		{env: "SESSION_TTL", flag: "session-ttl", kind: "duration", def: "5m0s",
			usage: "session lifetime after the last message",
			set:   func(c *Config, v string) (err error) { c.SessionTTL, err = parseDuration(v); return err }},
		{env: "DEDUPE_TTL", flag: "dedupe-ttl", kind: "duration", def: "48h0m0s",
			usage: "how long message ids are remembered, at least SESSION_TTL",
			set:   func(c *Config, v string) (err error) { c.DedupeTTL, err = parseDuration(v); return err }},
		{env: "USER_INPUT_RATE", flag: "user-input-rate", kind: "int", def: "40",
			usage: "messages per minute one user may send before the rest wait their turn in the inbox",
			set:   func(c *Config, v string) (err error) { c.UserInputRate, err = parsePositiveInt(v); return err }},
		{env: "IDLE_TIMEOUT", flag: "idle-timeout", kind: "duration", def: "10m0s",
			usage: "time after which an idle conversation actor stops",
			set:   func(c *Config, v string) (err error) { c.IdleTimeout, err = parseDuration(v); return err }},

		{env: "BOT_TIMEZONE", flag: "bot-timezone", kind: "zone", def: "Africa/Harare",
			usage: "IANA time zone of the dates shown to users",
			set:   func(c *Config, v string) (err error) { c.Timezone, err = parseTimezone(v); return err }},
		{env: "LOG_LEVEL", flag: "log-level", kind: "level", def: "info",
			usage: "minimum log level: debug, info, warn or error",
			set:   func(c *Config, v string) (err error) { c.LogLevel, err = parseLogLevel(v); return err }},
		{env: "SUPPORT_CONTACT", flag: "support-contact", kind: "text", def: defaultSupportContact,
			usage: "whom the help reply and E_PHONE_REJECTED tell users to contact",
			set:   func(c *Config, v string) (err error) { c.SupportContact, err = parseText(v); return err }},
		{env: "TERMS_URL", flag: "terms-url", kind: "url",
			usage: "http or https URL of the terms page named at registration (optional)",
			set:   func(c *Config, v string) (err error) { c.TermsURL, err = parseHTTPURL(v); return err }},
	}
}

// buildConfig parses values, keyed by environment variable, into a Config and
// checks the rules that join two settings.
func buildConfig(settings []setting, values map[string]string) (Config, error) {
	var c Config
	var errs []error
	invalid := make(map[string]bool)
	for _, s := range settings {
		if err := applySetting(&c, s, values[s.env]); err != nil {
			errs = append(errs, fmt.Errorf("%s (--%s): %w", s.env, s.flag, err))
			invalid[s.env] = true
		}
	}

	errs = append(errs, c.resolveDependencies(invalid)...)
	if len(errs) > 0 {
		return Config{}, fmt.Errorf("invalid configuration:\n%w", errors.Join(errs...))
	}
	return c, nil
}

// applySetting stores value, or the default of s when value is empty, in c.
func applySetting(c *Config, s setting, value string) error {
	if !s.secret {
		value = strings.TrimSpace(value)
	}
	if value == "" {
		if s.required {
			return fmt.Errorf("missing, but required (%s)", s.usage)
		}
		if s.def == "" {
			return nil
		}
		value = s.def
	}

	if s.secret && (strings.TrimSpace(value) != value || strings.ContainsFunc(value, unicode.IsControl)) {
		return errors.New("invalid value: white space at either end or a control character, which must be removed (the value is secret and not shown)")
	}
	return s.set(c, value)
}

// resolveDependencies fills the defaults that come from other settings and
// checks the rules between settings. It skips a rule when a setting it reads
// is in invalid, which already has an error of its own.
func (c *Config) resolveDependencies(invalid map[string]bool) []error {
	var errs []error

	idsValid := !invalid["WHATSAPP_PHONE_NUMBER_ID"] && !invalid["WHATSAPP_PHONE_NUMBER_IDS"]
	switch {
	case !idsValid || c.PhoneNumberID == "":
		// An error about the IDs is already reported.
	case len(c.PhoneNumberIDs) == 0:
		c.PhoneNumberIDs = []string{c.PhoneNumberID}
	case !slices.Contains(c.PhoneNumberIDs, c.PhoneNumberID):
		errs = append(errs, errors.New("WHATSAPP_PHONE_NUMBER_IDS (--whatsapp-phone-number-ids): must include WHATSAPP_PHONE_NUMBER_ID, the number that sends notifications by default"))
	}

	if c.RedisURL == "" && !invalid["REDIS_URL"] {
		c.RedisURL = c.RedisStateURL
	}

	if !invalid["SESSION_TTL"] && !invalid["DEDUPE_TTL"] && c.DedupeTTL < c.SessionTTL {
		errs = append(errs, fmt.Errorf("DEDUPE_TTL (--dedupe-ttl): %v is shorter than SESSION_TTL %v, expected at least SESSION_TTL so that a message redelivered within a session is not handled twice", c.DedupeTTL, c.SessionTTL))
	}

	if c.MetricsAddr != "" && c.MetricsAddr == c.Addr && !strings.HasSuffix(c.Addr, ":0") {
		errs = append(errs, fmt.Errorf("METRICS_ADDR (--metrics-addr): %q is also VIMBISO_ADDR, so leave METRICS_ADDR empty to serve /metrics on VIMBISO_ADDR", c.MetricsAddr))
	}
	return errs
}

// printUsage writes the usage text: one line per flag with its value syntax,
// environment variable, meaning and default.
func printUsage(w io.Writer, settings []setting) {
	fmt.Fprintf(w, "Usage: vimbiso serve [flags]\n\n")
	fmt.Fprintf(w, "Each flag overrides the environment variable named next to it. Prefer the\n")
	fmt.Fprintf(w, "variables for secrets, because other local users can read command lines.\n")
	fmt.Fprintf(w, "Durations take Go syntax (90s, 5m, 48h) or plain seconds (300).\n\n")

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range settings {
		note := ""
		switch {
		case s.required:
			note = " (required)"
		case s.def != "":
			note = fmt.Sprintf(" (default %s)", s.def)
			if strings.Contains(s.def, " ") {
				note = fmt.Sprintf(" (default %q)", s.def)
			}
		}
		fmt.Fprintf(tw, "  --%s %s\t%s\t%s%s\n", s.flag, s.kind, s.env, s.usage, note)
	}
	tw.Flush()
}

func parseAddr(v string) (string, error) {
	_, port, err := net.SplitHostPort(v)
	if err != nil {
		return "", fmt.Errorf("invalid address %q, expected host:port such as :8000 or 127.0.0.1:8000", v)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return "", fmt.Errorf("invalid port in %q, expected a number from 0 to 65535", v)
	}
	return v, nil
}

// parseBaseURL parses an http or https base URL and appends the "/" that
// request paths are joined to.
func parseBaseURL(v string) (string, error) {
	u, err := parseHTTP(v)
	if err != nil {
		return "", err
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", fmt.Errorf("invalid base URL %q, expected no query or fragment because request paths are appended to it", redactUserInfo(u))
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
	}
	return u.String(), nil
}

func parseHTTPURL(v string) (string, error) {
	u, err := parseHTTP(v)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

func parseHTTP(v string) (*url.URL, error) {
	u, err := url.Parse(v)
	if err != nil {
		return nil, fmt.Errorf("invalid URL: %w", urlErrorCause(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("invalid URL %q, expected an absolute http:// or https:// URL with a host", redactUserInfo(u))
	}
	return u, nil
}

// parseRedisURL returns v if it is a Redis URL with a host. Its errors never
// contain the URL, because the URL may carry a password.
func parseRedisURL(v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil {
		// Not even the cause is shown, because an escape error quotes part of the password.
		return "", errors.New("invalid URL that cannot be parsed, expected redis://host:port/db or rediss:// for TLS (the URL is not shown because it may contain a password)")
	}
	if u.Scheme != "redis" && u.Scheme != "rediss" {
		return "", errors.New("invalid URL scheme, expected redis://host:port/db or rediss:// for TLS (the URL is not shown because it may contain a password)")
	}
	if u.Host == "" {
		return "", errors.New("invalid URL without a host, expected redis://host:port/db or rediss:// for TLS (the URL is not shown because it may contain a password)")
	}
	return v, nil
}

// urlErrorCause drops the URL from a url.Parse error, so that a message does
// not repeat user information that redactUserInfo would mask.
func urlErrorCause(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err
	}
	return err
}

func parsePositiveInt(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("invalid value %q, expected a whole number greater than 0", v)
	}
	return n, nil
}

// parseDuration accepts Go duration syntax or a whole number of seconds,
// which the earlier Python service used.
func parseDuration(v string) (time.Duration, error) {
	syntax := v
	if _, err := strconv.ParseInt(v, 10, 64); err == nil {
		syntax += "s"
	}
	d, err := time.ParseDuration(syntax)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q, expected Go syntax such as 90s, 5m or 48h, or a whole number of seconds", v)
	}
	if d <= 0 {
		return 0, fmt.Errorf("invalid duration %q, expected more than 0", v)
	}
	return d, nil
}

// parseDigits returns v if it is a Meta ID, which is all digits. Its error does
// not show v, because a phone number pasted in place of its ID is personal data.
func parseDigits(v string) (string, error) {
	if strings.ContainsFunc(v, func(r rune) bool { return r < '0' || r > '9' }) {
		return "", errors.New("invalid ID, expected digits only: the numeric ID from WhatsApp Manager, not a phone number (the value is not shown)")
	}
	return v, nil
}

func parseDigitList(v string) ([]string, error) {
	var ids []string
	for i, item := range strings.Split(v, ",") {
		id := strings.TrimSpace(item)
		if id == "" {
			return nil, fmt.Errorf("item %d is empty, expected comma-separated phone number IDs", i+1)
		}
		if _, err := parseDigits(id); err != nil {
			return nil, fmt.Errorf("item %d: %w", i+1, err)
		}
		if slices.Contains(ids, id) {
			return nil, fmt.Errorf("item %d repeats an earlier item, expected each phone number ID once", i+1)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// parseTemplateName returns v if it contains only the lower-case letters,
// digits and underscores that WhatsApp Manager allows in template names.
func parseTemplateName(v string) (string, error) {
	if strings.ContainsFunc(v, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') }) {
		return "", fmt.Errorf("invalid template name %q, expected lower-case letters, digits and underscores", v)
	}
	return v, nil
}

// parseLanguageCode returns v if it has the form of a WhatsApp template
// language code, which is case-sensitive: "en", "fil", "en_US" or "prs_AF"
// (Meta's supported-languages list as copied by YCloud's docs, May 2026).
func parseLanguageCode(v string) (string, error) {
	language, region, hasRegion := strings.Cut(v, "_")
	valid := len(language) >= 2 && len(language) <= 3 && isASCIIRange(language, 'a', 'z')
	if hasRegion {
		valid = valid && len(region) == 2 && isASCIIRange(region, 'A', 'Z')
	}
	if !valid {
		return "", fmt.Errorf("invalid language code %q, expected a case-sensitive code such as en, en_US or pt_BR", v)
	}
	return v, nil
}

func parseTimezone(v string) (*time.Location, error) {
	loc, err := time.LoadLocation(v)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q, expected an IANA name such as Africa/Harare or UTC", v)
	}
	return loc, nil
}

func parseLogLevel(v string) (slog.Level, error) {
	switch strings.ToLower(v) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("invalid level %q, expected debug, info, warn or error", v)
}

// parseText returns v if it has no control characters, because the text goes
// into messages shown to users.
func parseText(v string) (string, error) {
	if strings.ContainsFunc(v, unicode.IsControl) {
		return "", errors.New("invalid text with a control character such as a line break, expected one line")
	}
	return v, nil
}

func isASCIIRange(s string, lo, hi byte) bool {
	for i := range len(s) {
		if s[i] < lo || s[i] > hi {
			return false
		}
	}
	return true
}

// secretState returns "set" or "missing", never the secret.
func secretState(secret string) string {
	if secret == "" {
		return "missing"
	}
	return "set"
}

// redactURL returns raw with its user information, if any, replaced by "xxxxx",
// so that neither a password nor a token in the user name position is shown.
func redactURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	return redactUserInfo(u)
}

func redactUserInfo(u *url.URL) string {
	if u.User == nil {
		return u.String()
	}
	redacted := *u
	redacted.User = url.User("xxxxx")
	return redacted.String()
}
