package mockwhatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Inbound acts as a user: it posts req to POST {baseURL}/mock/inbound and
// returns the mock's result. A status other than 200 is an error that names
// the URL and the mock's message.
func Inbound(ctx context.Context, client *http.Client, baseURL string, req InboundRequest) (InboundResult, error) {
	target := strings.TrimRight(baseURL, "/") + "/mock/inbound"
	body, err := json.Marshal(req)
	if err != nil {
		return InboundResult{}, fmt.Errorf("encode inbound request: %w", err)
	}
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return InboundResult{}, fmt.Errorf("post %s: %w", target, err)
	}
	httpReq.Header.Set("Content-Type", "application/json")

	var result InboundResult
	if err := doJSON(client, httpReq, &result); err != nil {
		return result, err
	}
	return result, nil
}

// Messages returns the items of user's conversation with a seq greater than
// after, oldest first, from GET {baseURL}/mock/conversations/{user}/messages.
func Messages(ctx context.Context, client *http.Client, baseURL, user string, after int64) ([]Item, error) {
	target := fmt.Sprintf("%s/mock/conversations/%s/messages?after=%s",
		strings.TrimRight(baseURL, "/"), url.PathEscape(user), strconv.FormatInt(after, 10))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", target, err)
	}

	var page struct {
		Messages []Item `json:"messages"`
	}
	if err := doJSON(client, req, &page); err != nil {
		return nil, err
	}
	return page.Messages, nil
}

// doJSON sends req and decodes a 200 response body into v. Other statuses
// become an error with the message of the common error body, and the body
// is still decoded into v when it is JSON.
func doJSON(client *http.Client, req *http.Request, v any) error {
	target := req.Method + " " + req.URL.Redacted()
	resp, err := client.Do(req)
	if err != nil {
		// err is a *url.Error, whose message names the method and URL.
		return fmt.Errorf("mock whatsapp unreachable: %w", err)
	}
	defer resp.Body.Close()

	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("%s: read response: %w", target, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		json.Unmarshal(body, &e)
		json.Unmarshal(body, v)
		return fmt.Errorf("%s: HTTP %d: %s", target, resp.StatusCode, orDefault(e.Error, strings.TrimSpace(string(body))))
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%s: decode response: %w", target, err)
	}
	return nil
}
