package mockwhatsapp

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
)

// handshakeResult is the outcome of one verification GET against the bot.
type handshakeResult struct {
	HTTPStatus int    `json:"http_status"`
	Echoed     bool   `json:"echoed_challenge"`   // the body is exactly the challenge
	Contains   bool   `json:"contains_challenge"` // the challenge appears in the body
	OK         bool   `json:"ok"`                 // the bot behaved as Meta expects
	Error      string `json:"error,omitempty"`
}

// handleVerify serves POST /mock/verify: it performs Meta's webhook
// verification handshake against the bot twice and reports both results.
// With the right verify token the bot must return 200 and the challenge as
// the whole body. With a wrong one it must return 403 without the challenge.
func (s *Server) handleVerify(w http.ResponseWriter, r *http.Request) {
	target := s.webhookURL()
	if target == "" {
		writeError(w, http.StatusBadGateway, errNoBotURL.Error(), nil)
		return
	}
	ctx, cancel := s.requestContext(r)
	defer cancel()

	right := s.handshake(ctx, target, s.cfg.VerifyToken)
	right.OK = right.HTTPStatus == http.StatusOK && right.Echoed
	wrong := s.handshake(ctx, target, "wrong-"+s.cfg.VerifyToken)
	wrong.OK = wrong.HTTPStatus == http.StatusForbidden && !wrong.Contains

	status := http.StatusOK
	if right.Error != "" || wrong.Error != "" {
		status = http.StatusBadGateway
	}
	writeJSON(w, status, map[string]any{
		"url":         target,
		"ok":          right.OK && wrong.OK,
		"right_token": right,
		"wrong_token": wrong,
	})
}

// handshake sends one verification GET with token and a fresh challenge.
func (s *Server) handshake(ctx context.Context, target, token string) handshakeResult {
	n, _ := rand.Int(rand.Reader, big.NewInt(1e9))
	challenge := fmt.Sprint(n.Int64() + 1e9)
	query := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {token}, "hub.challenge": {challenge}}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target+"?"+query.Encode(), nil)
	if err != nil {
		return handshakeResult{Error: fmt.Sprintf("get %s: %v", target, err)}
	}
	req.Header.Set("User-Agent", "facebookplatform/1.0 (+http://developers.facebook.com)")
	resp, err := s.client.Do(req)
	if err != nil {
		return handshakeResult{Error: fmt.Sprintf("get %s: %v", target, err)}
	}
	defer resp.Body.Close()

	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return handshakeResult{
		HTTPStatus: resp.StatusCode,
		Echoed:     string(body) == challenge,
		Contains:   strings.Contains(string(body), challenge),
	}
}
