package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vimbisopay/vimbiso"
)

// maxResponseBytes bounds how much of an API response is read.
const maxResponseBytes = 1 << 20

// defaultHTTPTimeout is used when a client is built without an http.Client.
const defaultHTTPTimeout = 15 * time.Second

// GraphClient sends WhatsApp messages through Meta's Graph API, with the
// retries, rate limits and token health of graph_retry.go. It is safe for
// concurrent use.
type GraphClient struct {
	baseURL string
	token   string
	hc      *http.Client
	metrics *Metrics
	log     *slog.Logger
	sleep   func(context.Context, time.Duration) error
	now     func() time.Time
	jitter  func(time.Duration) time.Duration
	limits  *sendLimits
	health  tokenHealth
}

// NewGraphClient returns a client for baseURL, the Graph API root with its
// version ("https://graph.facebook.com/v21.0/"); a missing final slash is
// added. A nil hc gets a client with a 15-second timeout; a nil m records
// no metrics. It sends at most DefaultSendRate messages per second per
// business number; NewGraphClientWithOptions sets another rate.
func NewGraphClient(baseURL, accessToken string, hc *http.Client, m *Metrics) *GraphClient {
	return NewGraphClientWithOptions(baseURL, accessToken, GraphOptions{HTTPClient: hc, Metrics: m})
}

// Send sends r from the business number from (its phone_number_id) to the
// user: to.WaID, or bsuid when the user has no phone number. It returns the
// wamid Meta gave the message, which is empty only when Meta's 200 response
// lacked it. Send waits for the number's send rate and repeats the request
// after the refusals that graph_retry.go lists as temporary. A refusal that
// remains returns a *vimbiso.SendError. A failure to reach Meta wraps
// vimbiso.ErrUnavailable, and so does a rate-limit wait that would pass
// ctx's deadline. A reply that Meta would refuse (no buttons, more
// than 10 rows...) is not sent and returns an error.
//
// NOTE: a request that got no response (connection reset, timeout) is not
// repeated, because Meta may have accepted it and the Graph API has no
// idempotency key.
func (g *GraphClient) Send(ctx context.Context, from string, to vimbiso.User, bsuid string, r vimbiso.Reply) (string, error) {
	body, err := messageBody(to, bsuid, r)
	if err != nil {
		return "", err
	}

	var result struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
	}
	out := outbound{from: from, to: recipient(to, bsuid), kind: string(r.Kind), retry: true}
	if err := g.send(ctx, out, body, &result); err != nil {
		return "", err
	}
	if len(result.Messages) == 0 {
		return "", nil
	}
	return result.Messages[0].ID, nil
}

// MarkRead marks the user's message messageID as read, and shows the typing
// indicator until our next message (at most 25 seconds) when typing is set.
// It waits for the number's send rate but makes one attempt only: a failure
// costs the blue ticks, and retrying would delay the reply that follows.
func (g *GraphClient) MarkRead(ctx context.Context, from, messageID string, typing bool) error {
	body := outRead{MessagingProduct: "whatsapp", Status: "read", MessageID: messageID}
	if typing {
		body.TypingIndicator = &outTyping{Type: "text"}
	}
	return g.send(ctx, outbound{from: from, kind: "read"}, body, nil)
}

func (g *GraphClient) sendOnce(ctx context.Context, from, kind string, body, result any) error {
	if from == "" {
		return fmt.Errorf("graph api: %w: empty phone_number_id", errInvalidReply)
	}
	payload, err := encodeJSON(body)
	if err != nil {
		return fmt.Errorf("graph api: encode %s: %w", kind, err)
	}
	endpoint := g.baseURL + url.PathEscape(from) + "/messages"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(payload))
	if err != nil {
		return fmt.Errorf("graph api: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+g.token)
	req.Header.Set("Content-Type", "application/json")

	resp, err := g.hc.Do(req)
	if err != nil {
		g.metrics.graphSend(kind, "network")
		return fmt.Errorf("graph api: %w: %w", vimbiso.ErrUnavailable, err)
	}
	defer resp.Body.Close()
	data, readErr := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		sendErr := decodeSendError(resp, data)
		g.metrics.graphSend(kind, sendErrorLabel(sendErr))
		return sendErr
	}
	g.metrics.graphSend(kind, "ok")
	if result != nil && readErr == nil {
		// Meta accepted the message whatever the body contains, so an
		// unreadable body only loses the message id.
		_ = json.Unmarshal(data, result)
	}
	return nil
}

// decodeSendError reads Meta's error response. A body that is not Meta's
// error object still gives a SendError with the HTTP status and code 0.
func decodeSendError(resp *http.Response, data []byte) *vimbiso.SendError {
	var result struct {
		Error struct {
			Code      int    `json:"code"`
			Message   string `json:"message"`
			ErrorData struct {
				Details string `json:"details"`
			} `json:"error_data"`
		} `json:"error"`
	}
	_ = json.Unmarshal(data, &result)

	details := result.Error.ErrorData.Details
	if details == "" {
		details = result.Error.Message
	}
	return &vimbiso.SendError{
		HTTPStatus: resp.StatusCode,
		Code:       result.Error.Code,
		Details:    details,
		RetryAfter: retryAfterSeconds(resp.Header.Get("Retry-After"), time.Now()),
	}
}

func sendErrorLabel(e *vimbiso.SendError) string {
	if e.Code != 0 {
		return strconv.Itoa(e.Code)
	}
	return "http_" + strconv.Itoa(e.HTTPStatus)
}

// retryAfterSeconds reads a Retry-After header: delay seconds or an HTTP
// date. It returns 0 when the header is absent, invalid or in the past.
func retryAfterSeconds(header string, now time.Time) int {
	header = strings.TrimSpace(header)
	if header == "" {
		return 0
	}
	if secs, err := strconv.Atoi(header); err == nil {
		return max(secs, 0)
	}
	at, err := http.ParseTime(header)
	if err != nil {
		return 0
	}
	return max(int(at.Sub(now).Round(time.Second)/time.Second), 0)
}

// encodeJSON encodes v without HTML escaping, so that "<" and "&" in a
// message reach Meta as written.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
