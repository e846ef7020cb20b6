package mockwhatsapp

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// errNoBotURL is returned by deliver when no bot URL is configured yet.
var errNoBotURL = errors.New("bot URL not set: start the mock with a bot URL or call SetBotURL")

// webhookPayload is the body of a Cloud API webhook delivery.
type webhookPayload struct {
	Object string         `json:"object"`
	Entry  []webhookEntry `json:"entry"`
}

type webhookEntry struct {
	ID      string          `json:"id"`
	Changes []webhookChange `json:"changes"`
}

type webhookChange struct {
	Field string       `json:"field"`
	Value webhookValue `json:"value"`
}

type webhookValue struct {
	MessagingProduct string           `json:"messaging_product"`
	Metadata         webhookMetadata  `json:"metadata"`
	Contacts         []webhookContact `json:"contacts,omitempty"`
	Messages         []inMessage      `json:"messages,omitempty"`
	Statuses         []statusObject   `json:"statuses,omitempty"`
}

type webhookMetadata struct {
	DisplayPhoneNumber string `json:"display_phone_number"`
	PhoneNumberID      string `json:"phone_number_id"`
}

type webhookContact struct {
	Profile profile `json:"profile"`
	WaID    string  `json:"wa_id,omitempty"`
	UserID  string  `json:"user_id,omitempty"`
}

type profile struct {
	Name string `json:"name"`
}

// errorItem is an error inside a webhook message or status.
type errorItem struct {
	Code      int       `json:"code"`
	Title     string    `json:"title"`
	Message   string    `json:"message"`
	ErrorData errorData `json:"error_data"`
}

type errorData struct {
	Details string `json:"details"`
}

func newErrorItem(code int, details string) errorItem {
	title := errorTitle(code)
	return errorItem{Code: code, Title: title, Message: title, ErrorData: errorData{Details: details}}
}

// newValue returns a change value for phoneNumberID with our metadata.
func (s *Server) newValue(phoneNumberID string) webhookValue {
	return webhookValue{
		MessagingProduct: "whatsapp",
		Metadata:         webhookMetadata{DisplayPhoneNumber: s.cfg.DisplayNumber, PhoneNumberID: phoneNumberID},
	}
}

// encodeWebhook wraps values in one entry of our business account, with one
// "messages" change each, and encodes it as Meta does.
func (s *Server) encodeWebhook(values []webhookValue) ([]byte, error) {
	entry := webhookEntry{ID: s.cfg.BusinessID}
	for _, v := range values {
		entry.Changes = append(entry.Changes, webhookChange{Field: "messages", Value: v})
	}
	body, err := json.Marshal(webhookPayload{Object: "whatsapp_business_account", Entry: []webhookEntry{entry}})
	if err != nil {
		return nil, fmt.Errorf("encode webhook: %w", err)
	}
	return escapeLikeMeta(body), nil
}

// escapeLikeMeta rewrites every non-ASCII character of encoded JSON as a
// \uXXXX escape (UTF-16 surrogate pairs above U+FFFF) and "/" as "\/", as
// Meta's serialiser does. The decoded value is unchanged, but a receiver
// that re-encodes the JSON gets other bytes, so only a signature check over
// the raw body passes.
func escapeLikeMeta(body []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(body) + len(body)/8)
	for len(body) > 0 {
		r, size := utf8.DecodeRune(body)
		body = body[size:]
		switch {
		case r == '/':
			out.WriteString(`\/`)
		case r < utf8.RuneSelf:
			out.WriteByte(byte(r))
		case r > 0xFFFF:
			hi, lo := utf16.EncodeRune(r)
			fmt.Fprintf(&out, `\u%04x\u%04x`, hi, lo)
		default:
			fmt.Fprintf(&out, `\u%04x`, r)
		}
	}
	return out.Bytes()
}

// sign returns the X-Hub-Signature-256 value for body.
func sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// webhookURL returns the bot's webhook URL, or "" when no bot URL is set.
func (s *Server) webhookURL() string {
	base := s.currentBotURL()
	if base == "" {
		return ""
	}
	return base + "/webhook"
}

// deliver POSTs body, signed, to the bot's webhook and returns the HTTP
// status of the response.
func (s *Server) deliver(ctx context.Context, body []byte) (int, error) {
	url := s.webhookURL()
	if url == "" {
		return 0, errNoBotURL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("post %s: %w", url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "facebookexternalua")
	req.Header.Set("X-Hub-Signature-256", sign(s.cfg.AppSecret, body))

	resp, err := s.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("post %s: %w", url, err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxRequestBytes))
	return resp.StatusCode, nil
}

// unixString formats Unix seconds as Meta does in webhooks: a JSON string.
func unixString(sec int64) string {
	return strconv.FormatInt(sec, 10)
}
