package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/vimbisopay/vimbiso/devstack/mockcredex"
)

// The fixed, public development settings. `vimbiso dev` uses them whatever
// the shell sets, so that a shell prepared for production never points it
// at real services.
const (
	devAppSecret     = "dev-app-secret"
	devVerifyToken   = "dev-verify-token"
	devAccessToken   = "dev-access-token"
	devPhoneNumberID = "100000000000001"
	devDisplayNumber = "263780000000"
	devBusinessID    = "200000000000001"
	devGraphVersion  = "v21.0"
	devClientAPIKey  = "dev-client-key"
	devCredExSecret  = "dev-credex-secret"
)

// devBotConfig returns the bot's configuration pointed at the mocks.
func devBotConfig(botAddr, whatsappURL, credexURL string) (Config, error) {
	env := map[string]string{
		"VIMBISO_ADDR":             botAddr,
		"MYCREDEX_APP_URL":         credexURL + "/",
		"CLIENT_API_KEY":           devClientAPIKey,
		"CREDEX_WEBHOOK_SECRET":    devCredExSecret,
		"WHATSAPP_API_URL":         whatsappURL + "/" + devGraphVersion + "/",
		"WHATSAPP_ACCESS_TOKEN":    devAccessToken,
		"WHATSAPP_PHONE_NUMBER_ID": devPhoneNumberID,
		"WHATSAPP_BUSINESS_ID":     devBusinessID,
		"WHATSAPP_APP_SECRET":      devAppSecret,
		"WHATSAPP_VERIFY_TOKEN":    devVerifyToken,
		// Replaced by the embedded Redis when the shell sets no Redis URL.
		"REDIS_STATE_URL": firstSet(os.Getenv("REDIS_STATE_URL"), os.Getenv("REDIS_URL"), "redis://embedded:6379/0"),
		"REDIS_URL":       os.Getenv("REDIS_URL"),
		// The mock CredEx has no rate limit unless asked for one; the
		// production default of 30 calls a minute would only slow dev down.
		"CREDEX_RATE_LIMIT": firstSet(os.Getenv("CREDEX_RATE_LIMIT"), "100000"),
	}
	// Settings that only tune the bot may come from the shell.
	for _, name := range []string{"SESSION_TTL", "BOT_TIMEZONE", "IDLE_TIMEOUT", "DEDUPE_TTL", "USER_INPUT_RATE", "LOG_LEVEL", "SUPPORT_CONTACT", "TERMS_URL"} {
		env[name] = os.Getenv(name)
	}
	return LoadConfig(func(k string) string { return env[k] }, nil, io.Discard)
}

func firstSet(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// devAddresses is the --addr-file content: where each part serves.
type devAddresses struct {
	Bot           string `json:"bot,omitempty"`
	WhatsApp      string `json:"whatsapp"`
	CredEx        string `json:"credex"`
	PhoneNumberID string `json:"phone_number_id"`
	AppSecret     string `json:"app_secret"`
	VerifyToken   string `json:"verify_token"`
	GraphVersion  string `json:"graph_version"`
}

func newDevAddresses(bot, whatsapp, credex string) devAddresses {
	return devAddresses{
		Bot: bot, WhatsApp: whatsapp, CredEx: credex,
		PhoneNumberID: devPhoneNumberID, AppSecret: devAppSecret,
		VerifyToken: devVerifyToken, GraphVersion: devGraphVersion,
	}
}

// write stores the addresses in path, atomically, so that a reader never
// sees half a file.
func (a devAddresses) write(path string) error {
	if path == "" {
		return nil
	}
	data, err := json.Marshal(a)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write address file: %w", err)
	}
	return os.Rename(tmp, path)
}

// printBanner prints where everything listens and the demo members.
func (a devAddresses) printBanner(w io.Writer, redis string) {
	data, _ := json.Marshal(a)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", data)
	if a.Bot != "" {
		fmt.Fprintf(&b, "bot          %s (webhook %s/webhook)\n", a.Bot, a.Bot)
	}
	fmt.Fprintf(&b, "web chat     %s/\n", a.WhatsApp)
	fmt.Fprintf(&b, "mock CredEx  %s/\n", a.CredEx)
	if redis != "" {
		fmt.Fprintf(&b, "redis        %s\n", redis)
	}
	fmt.Fprintf(&b, "secrets      CLIENT_API_KEY=%s CREDEX_WEBHOOK_SECRET=%s (development values, public)\n", devClientAPIKey, devCredExSecret)
	b.WriteString("\nDemo members:\n")
	for _, m := range mockcredex.DemoMembers() {
		tier := "not registered"
		if m.Tier > 0 {
			tier = fmt.Sprintf("tier %d", m.Tier)
		}
		fmt.Fprintf(&b, "  %s  %-17s %-15s %s\n", m.Phone, m.Name, tier, m.Note)
	}
	b.WriteString("\nTry: vimbiso chat --phone 263770000003 hi\n")
	fmt.Fprint(w, b.String())
}
