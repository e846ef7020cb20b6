package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/vimbisopay/vimbiso"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

const (
	testAccessToken = "test-access-token"
	sentWamid       = "wamid.OUT0000000000000000000000022"
)

// graphRequest is one request the Graph stand-in received.
type graphRequest struct {
	method, path, auth, contentType string
	body                            []byte
}

// graphStandIn is a loopback Graph API that records requests and answers
// with a fixed status, body and headers.
type graphStandIn struct {
	mu       sync.Mutex
	requests []graphRequest
	status   int
	answer   string
	header   http.Header
}

func startGraph(t *testing.T, status int, answer string) (*graphStandIn, *GraphClient) {
	t.Helper()
	g := &graphStandIn{status: status, answer: answer, header: http.Header{}}
	srv := httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(srv.Close)
	// No trailing slash: the client must add it. The fake clock keeps the
	// retries of refusals from waiting in real time.
	clock := newFakeClock()
	return g, NewGraphClientWithOptions(srv.URL+"/v21.0", testAccessToken, GraphOptions{
		HTTPClient: srv.Client(), Logger: slog.New(slog.DiscardHandler), Sleep: clock.Sleep, Now: clock.Now,
	})
}

func (g *graphStandIn) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	g.mu.Lock()
	g.requests = append(g.requests, graphRequest{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), body})
	for k, v := range g.header {
		w.Header()[k] = v
	}
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(g.status)
	_, _ = io.WriteString(w, g.answer)
}

func (g *graphStandIn) only(t *testing.T) graphRequest {
	t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.requests) != 1 {
		t.Fatalf("Graph stand-in got %d requests, want 1", len(g.requests))
	}
	return g.requests[0]
}

// checkGolden compares a request body, indented, with testdata/graph/<name>.golden.
func checkGolden(t *testing.T, name string, body []byte) {
	t.Helper()
	var indented bytes.Buffer
	if err := json.Indent(&indented, body, "", "  "); err != nil {
		t.Fatalf("request body is not JSON: %v\n%s", err, body)
	}
	indented.WriteByte('\n')
	path := filepath.Join("testdata", "graph", name+".golden")
	if *update {
		if err := os.WriteFile(path, indented.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(indented.Bytes(), want) {
		t.Errorf("request body for %s:\n%s\nwant (%s):\n%s", name, indented.Bytes(), path, want)
	}
}

const okAnswer = `{"messaging_product":"whatsapp","contacts":[{"input":"263770000001","wa_id":"263770000001"}],"messages":[{"id":"` + sentWamid + `"}]}`

func TestGraphSendBodies(t *testing.T) {
	alice := vimbiso.User{PhoneNumberID: testPhoneNumberID, WaID: alicePhone}
	tests := []struct {
		golden string
		to     vimbiso.User
		bsuid  string
		reply  vimbiso.Reply
	}{
		{"text", alice, "", vimbiso.Text("✅ You offered 1.50 USD to Bob Example Personal.")},
		{"text_bsuid", vimbiso.User{PhoneNumberID: testPhoneNumberID}, testBSUID, vimbiso.Text("To use credex I need your phone number.")},
		{"buttons", alice, testBSUID, vimbiso.Buttons(
			"*1.50 USD secured credex*\nFrom: Alice Example Personal (263770000001)\nTo: Bob Example Personal (263770000002)",
			vimbiso.Button{ID: "offer_send", Title: "✅ Sign & send"}, vimbiso.Button{ID: "offer_abort", Title: "❌ Cancel"})},
		{"list", alice, "", vimbiso.Reply{
			Kind:       vimbiso.ReplyList,
			Body:       "*💳 Alice Example Personal*\nHandle: 263770000001\n\n*💰 Secured balances*\n25.00 USD\n\n*📊 Net assets*\n35.00 USD",
			ListButton: "Choose action",
			Sections: []vimbiso.Section{
				{Title: "Credex", Rows: []vimbiso.Row{
					{ID: "offer_secured", Title: "💸 Offer secured", Description: "Pay from your secured balance"},
					{ID: "offers_in", Title: "📥 Incoming (1)", Description: "Offers waiting for your answer"},
				}},
				{Title: "Account", Rows: []vimbiso.Row{{ID: "ledger", Title: "📒 Ledger", Description: "Past credex on this account"}}},
			},
		}},
		{"template", alice, "", vimbiso.NewTemplate("incoming_notification", "en_US", "Alice Example", "Bob Example offered you\n2.00 USD")},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			g, client := startGraph(t, http.StatusOK, okAnswer)
			id, err := client.Send(context.Background(), testPhoneNumberID, tt.to, tt.bsuid, tt.reply)
			if err != nil {
				t.Fatalf("Send error = %v", err)
			}
			if id != sentWamid {
				t.Errorf("Send id = %q, want %q", id, sentWamid)
			}
			req := g.only(t)
			if req.method != http.MethodPost || req.path != "/v21.0/"+testPhoneNumberID+"/messages" {
				t.Errorf("request = %s %s, want POST /v21.0/%s/messages", req.method, req.path, testPhoneNumberID)
			}
			if req.auth != "Bearer "+testAccessToken {
				t.Errorf("Authorization = %q, want the bearer token", req.auth)
			}
			if req.contentType != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", req.contentType)
			}
			checkGolden(t, tt.golden, req.body)
		})
	}
}

func TestGraphMarkRead(t *testing.T) {
	for _, tt := range []struct {
		golden string
		typing bool
	}{{"read", true}, {"read_no_typing", false}} {
		t.Run(tt.golden, func(t *testing.T) {
			g, client := startGraph(t, http.StatusOK, `{"success":true}`)
			if err := client.MarkRead(context.Background(), testPhoneNumberID, "wamid.TEST000000000000000000000002", tt.typing); err != nil {
				t.Fatalf("MarkRead error = %v", err)
			}
			checkGolden(t, tt.golden, g.only(t).body)
		})
	}
}

func TestGraphSendRefused(t *testing.T) {
	const pairLimit = `{"error":{"message":"(#131056) (Business Account, Consumer Account) pair rate limit hit","type":"OAuthException","code":131056,` +
		`"error_data":{"messaging_product":"whatsapp","details":"Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time."},"fbtrace_id":"ATESTtrace0001"}}`
	tests := []struct {
		name       string
		status     int
		answer     string
		retryAfter string
		want       vimbiso.SendError
	}{
		{"pair rate limit", http.StatusBadRequest, pairLimit, "6", vimbiso.SendError{
			HTTPStatus: 400, Code: 131056, RetryAfter: 6,
			Details: "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.",
		}},
		{"expired token", http.StatusUnauthorized, `{"error":{"message":"Error validating access token","type":"OAuthException","code":190}}`, "",
			vimbiso.SendError{HTTPStatus: 401, Code: 190, Details: "Error validating access token"}},
		{"not json", http.StatusBadGateway, `<html>bad gateway</html>`, "",
			vimbiso.SendError{HTTPStatus: 502}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, client := startGraph(t, tt.status, tt.answer)
			if tt.retryAfter != "" {
				g.header.Set("Retry-After", tt.retryAfter)
			}
			_, err := client.Send(context.Background(), testPhoneNumberID, vimbiso.User{WaID: alicePhone}, "", vimbiso.Text("hi"))
			var sendErr *vimbiso.SendError
			if !errors.As(err, &sendErr) {
				t.Fatalf("Send error = %v, want *vimbiso.SendError", err)
			}
			if *sendErr != tt.want {
				t.Errorf("Send error = %+v, want %+v", *sendErr, tt.want)
			}
		})
	}
}

func TestGraphSendInvalidReply(t *testing.T) {
	tests := []struct {
		name  string
		to    vimbiso.User
		reply vimbiso.Reply
	}{
		{"no recipient", vimbiso.User{}, vimbiso.Text("hi")},
		{"empty text", vimbiso.User{WaID: alicePhone}, vimbiso.Reply{Kind: vimbiso.ReplyText}},
		{"no buttons", vimbiso.User{WaID: alicePhone}, vimbiso.Reply{Kind: vimbiso.ReplyButtons, Body: "x"}},
		{"eleven rows", vimbiso.User{WaID: alicePhone}, vimbiso.Reply{Kind: vimbiso.ReplyList, Body: "x", ListButton: "x",
			Sections: []vimbiso.Section{{Rows: make([]vimbiso.Row, 11)}}}},
		{"template without name", vimbiso.User{WaID: alicePhone}, vimbiso.Reply{Kind: vimbiso.ReplyTemplate}},
		{"unknown kind", vimbiso.User{WaID: alicePhone}, vimbiso.Reply{Kind: "flow"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, client := startGraph(t, http.StatusOK, okAnswer)
			_, err := client.Send(context.Background(), testPhoneNumberID, tt.to, "", tt.reply)
			if !errors.Is(err, errInvalidReply) {
				t.Errorf("Send error = %v, want errInvalidReply", err)
			}
			if n := len(g.requests); n != 0 {
				t.Errorf("Graph stand-in got %d requests, want 0", n)
			}
		})
	}
}

func TestGraphSendUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	client := NewGraphClient(url+"/", testAccessToken, nil, nil)
	_, err := client.Send(context.Background(), testPhoneNumberID, vimbiso.User{WaID: alicePhone}, "", vimbiso.Text("hi"))
	if !errors.Is(err, vimbiso.ErrUnavailable) {
		t.Errorf("Send error = %v, want vimbiso.ErrUnavailable", err)
	}
}
