package transport

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vimbisopay/vimbiso"
)

const (
	testAPIKey    = "test-client-api-key"
	testBypass    = "test-bypass"
	aliceMemberID = "00000000-0000-4000-8000-0000000000a1"
	bobMemberID   = "00000000-0000-4000-8000-0000000000a2"
	aliceAcct     = "00000000-0000-4000-8000-0000000000b1"
	tradersAcct   = "00000000-0000-4000-8000-0000000000b2"
	bobAcct       = "00000000-0000-4000-8000-0000000000b3"
	offerFromBob  = "00000000-0000-4000-8000-0000000000c1"
	offerToBob    = "00000000-0000-4000-8000-0000000000c2"
)

// credexReply is one scripted answer of the CredEx stand-in.
type credexReply struct {
	status int
	body   string
	header map[string]string
	// hang makes the stand-in wait until the client gives up.
	hang bool
}

type credexRequest struct {
	path   string
	header http.Header
	body   map[string]any
}

// credexStandIn is a loopback CredEx that records requests and plays its
// replies in order, repeating the last one.
type credexStandIn struct {
	mu       sync.Mutex
	replies  []credexReply
	requests []credexRequest
}

func (c *credexStandIn) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)

	c.mu.Lock()
	c.requests = append(c.requests, credexRequest{r.URL.Path, r.Header.Clone(), body})
	reply := c.replies[min(len(c.requests), len(c.replies))-1]
	c.mu.Unlock()

	if reply.hang {
		<-r.Context().Done()
		return
	}
	for k, v := range reply.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(reply.status)
	_, _ = io.WriteString(w, reply.body)
}

func (c *credexStandIn) got() []credexRequest {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]credexRequest(nil), c.requests...)
}

// sleepRecorder replaces the client's Sleep and records each wait.
type sleepRecorder struct {
	mu     sync.Mutex
	waits  []time.Duration
	result error
}

func (s *sleepRecorder) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return s.result
}

func (s *sleepRecorder) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// startCredEx starts a stand-in with the given replies and a client for it.
func startCredEx(t *testing.T, replies ...credexReply) (*credexStandIn, *CredExClient, *sleepRecorder) {
	t.Helper()
	standIn := &credexStandIn{replies: replies}
	srv := httptest.NewServer(http.HandlerFunc(standIn.serve))
	t.Cleanup(srv.Close)
	sleeps := &sleepRecorder{}
	client := NewCredExClient(CredExConfig{
		BaseURL:         srv.URL + "/v1", // no final slash: the client adds it
		APIKey:          testAPIKey,
		RateLimitBypass: testBypass,
		Timeout:         2 * time.Second,
		Sleep:           sleeps.sleep,
	}, srv.Client(), NewMetrics(nil))
	return standIn, client, sleeps
}

// fixture returns a reply with status and the body of testdata/credex/<name>.json.
func fixture(t *testing.T, status int, name string) credexReply {
	t.Helper()
	return credexReply{status: status, body: string(readTestdata(t, filepath.Join("credex", name+".json")))}
}

// testJWT builds an unsigned token whose payload names memberID.
func testJWT(memberID string) string {
	enc := base64.RawURLEncoding
	payload, _ := json.Marshal(map[string]any{"memberID": memberID, "iat": 1736848800})
	return enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc.EncodeToString(payload) + ".c2ln"
}

func decodeJSON(t *testing.T, text string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("bad test JSON %s: %v", text, err)
	}
	return v
}

func TestCredExRequests(t *testing.T) {
	token := testJWT(aliceMemberID)
	offer := &vimbiso.Offer{IssuerAccountID: aliceAcct, ReceiverAccountID: bobAcct, Denomination: "usd", Amount: 1.5, Secured: true}
	unsecured := &vimbiso.Offer{IssuerAccountID: aliceAcct, ReceiverAccountID: bobAcct, Denomination: "USD", Amount: 10, DueDate: "2025-02-11"}
	tests := []struct {
		name string
		call vimbiso.Call
		want string // the JSON body
	}{
		{"login", vimbiso.Call{Op: vimbiso.CallLogin, Phone: alicePhone}, `{"phone":"263770000001"}`},
		{"onboard", vimbiso.Call{Op: vimbiso.CallOnboard, FirstName: "Joan", LastName: "Sample", Phone: joanPhone},
			`{"firstname":"Joan","lastname":"Sample","phone":"263770000003","defaultDenom":"USD"}`},
		{"dashboard", vimbiso.Call{Op: vimbiso.CallDashboard, Phone: alicePhone}, `{"phone":"263770000001"}`},
		{"account by handle", vimbiso.Call{Op: vimbiso.CallAccountByHandle, Handle: "Example_Traders"}, `{"accountHandle":"example_traders"}`},
		{"member by handle", vimbiso.Call{Op: vimbiso.CallMemberByHandle, Handle: bobPhone}, `{"memberHandle":"263770000002"}`},
		{"create secured", vimbiso.Call{Op: vimbiso.CallCreateCredex, Offer: offer, IdempotencyKey: "k1"},
			`{"issuerAccountID":"` + aliceAcct + `","receiverAccountID":"` + bobAcct + `","Denomination":"USD","InitialAmount":1.5,` +
				`"credexType":"PURCHASE","OFFERSorREQUESTS":"OFFERS","securedCredex":true}`},
		{"create unsecured", vimbiso.Call{Op: vimbiso.CallCreateCredex, Offer: unsecured, IdempotencyKey: "k2"},
			`{"issuerAccountID":"` + aliceAcct + `","receiverAccountID":"` + bobAcct + `","Denomination":"USD","InitialAmount":10,` +
				`"credexType":"PURCHASE","OFFERSorREQUESTS":"OFFERS","securedCredex":false,"dueDate":"2025-02-11"}`},
		{"accept", vimbiso.Call{Op: vimbiso.CallAcceptCredex, CredexID: offerFromBob, IdempotencyKey: "k3"}, `{"credexID":"` + offerFromBob + `"}`},
		{"accept bulk", vimbiso.Call{Op: vimbiso.CallAcceptBulk, CredexIDs: []string{offerFromBob, offerToBob}, IdempotencyKey: "k4"},
			`{"credexIDs":["` + offerFromBob + `","` + offerToBob + `"]}`},
		{"decline", vimbiso.Call{Op: vimbiso.CallDeclineCredex, CredexID: offerFromBob, IdempotencyKey: "k5"}, `{"credexID":"` + offerFromBob + `"}`},
		{"cancel", vimbiso.Call{Op: vimbiso.CallCancelCredex, CredexID: offerToBob, IdempotencyKey: "k6"}, `{"credexID":"` + offerToBob + `"}`},
		{"get credex", vimbiso.Call{Op: vimbiso.CallGetCredex, CredexID: offerFromBob, AccountID: aliceAcct},
			`{"credexID":"` + offerFromBob + `","accountID":"` + aliceAcct + `"}`},
		{"ledger", vimbiso.Call{Op: vimbiso.CallGetLedger, AccountID: aliceAcct, StartRow: 8, NumRows: 8},
			`{"accountID":"` + aliceAcct + `","startRow":8,"numRows":8}`},
		{"ledger defaults", vimbiso.Call{Op: vimbiso.CallGetLedger, AccountID: aliceAcct}, `{"accountID":"` + aliceAcct + `","startRow":0,"numRows":10}`},
		{"authorize", vimbiso.Call{Op: vimbiso.CallAuthorize, AccountID: tradersAcct, Handle: bobPhone, IdempotencyKey: "k7"},
			`{"accountID":"` + tradersAcct + `","memberHandleToBeAuthorized":"263770000002","ownerID":"` + aliceMemberID + `"}`},
		{"unauthorize", vimbiso.Call{Op: vimbiso.CallUnauthorize, AccountID: tradersAcct, MemberID: bobMemberID, IdempotencyKey: "k8"},
			`{"accountID":"` + tradersAcct + `","memberID":"` + bobMemberID + `","memberIDtoBeUnauthorized":"` + bobMemberID + `","ownerID":"` + aliceMemberID + `"}`},
		{"send offers to", vimbiso.Call{Op: vimbiso.CallSendOffersTo, AccountID: tradersAcct, MemberID: bobMemberID, IdempotencyKey: "k9"},
			`{"accountID":"` + tradersAcct + `","memberID":"` + bobMemberID + `","memberIDtoSendOffers":"` + bobMemberID + `","ownerID":"` + aliceMemberID + `"}`},
		{"recurring", vimbiso.Call{Op: vimbiso.CallCreateRecurring, AccountID: aliceAcct, StartDate: "2025-01-14", IdempotencyKey: "k10"},
			`{"sourceAccountID":"` + aliceAcct + `","templateType":"MEMBERTIER_SUBSCRIPTION","memberTier":3,"payFrequency":28,` +
				`"startDate":"2025-01-14","amount":1,"denomination":"USD","securedCredex":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			standIn, client, _ := startCredEx(t, credexReply{status: 200, body: `{"success":true,"data":{}}`})
			client.Do(context.Background(), token, tt.call)

			reqs := standIn.got()
			if len(reqs) < 1 {
				t.Fatal("no request made")
			}
			req := reqs[0]
			if want := "/v1/" + string(tt.call.Op); req.path != want {
				t.Errorf("path = %q, want %q", req.path, want)
			}
			if want := decodeJSON(t, tt.want); !reflect.DeepEqual(req.body, want) {
				t.Errorf("body = %v, want %v", req.body, want)
			}
			checkCredExHeaders(t, req.header, tt.call, token)
		})
	}
}

func checkCredExHeaders(t *testing.T, h http.Header, call vimbiso.Call, token string) {
	t.Helper()
	if got := h.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got)
	}
	if got := h.Get("x-client-api-key"); got != testAPIKey {
		t.Errorf("x-client-api-key = %q, want %q", got, testAPIKey)
	}
	if got := h.Get("x-skip-rate-limit"); got != testBypass {
		t.Errorf("x-skip-rate-limit = %q, want %q", got, testBypass)
	}
	wantAuth := ""
	if call.Op.NeedsToken() {
		wantAuth = "Bearer " + token
	}
	if got := h.Get("Authorization"); got != wantAuth {
		t.Errorf("Authorization = %q, want %q", got, wantAuth)
	}
	wantKey := ""
	if call.Op.Mutates() {
		wantKey = call.IdempotencyKey
	}
	if got := h.Get("Idempotency-Key"); got != wantKey {
		t.Errorf("Idempotency-Key = %q, want %q", got, wantKey)
	}
}

func TestCredExIdempotencyKeyOnlyOnMutations(t *testing.T) {
	standIn, client, _ := startCredEx(t, credexReply{status: 200, body: `{"success":true,"data":[]}`})
	client.Do(context.Background(), "t", vimbiso.Call{Op: vimbiso.CallGetLedger, AccountID: aliceAcct, IdempotencyKey: "read-key"})
	if got := standIn.got()[0].header.Get("Idempotency-Key"); got != "" {
		t.Errorf("Idempotency-Key on a read = %q, want none", got)
	}
}

func TestCredExOutcomes(t *testing.T) {
	ledger := vimbiso.Call{Op: vimbiso.CallGetLedger, AccountID: aliceAcct}
	create := vimbiso.Call{Op: vimbiso.CallCreateCredex, Offer: &vimbiso.Offer{Amount: 1, Secured: true}}
	login := vimbiso.Call{Op: vimbiso.CallLogin, Phone: alicePhone}
	accept := vimbiso.Call{Op: vimbiso.CallAcceptCredex, CredexID: offerFromBob}
	long := strings.Repeat("x", 400)
	tests := []struct {
		name       string
		call       vimbiso.Call
		reply      credexReply
		outcome    vimbiso.Outcome
		reason     string
		code       string
		actionType string
	}{
		{"ok legacy", ledger, fixture(t, 200, "ledger_legacy"), vimbiso.OutcomeOK, "Ledger retrieved successfully", "", ""},
		{"success false on 200", create, fixture(t, 200, "create_legacy_refused"), vimbiso.OutcomeInvalid,
			"Insufficient secured balance in USD", "", ""},
		{"error action on 200", create, fixture(t, 200, "validation_current"), vimbiso.OutcomeInvalid,
			"Invalid handle: must be 3 to 30 characters", "VALIDATION_ERROR", "ERROR_VALIDATION"},
		{"400", create, fixture(t, 400, "validation_current"), vimbiso.OutcomeInvalid,
			"Invalid handle: must be 3 to 30 characters", "VALIDATION_ERROR", "ERROR_VALIDATION"},
		{"401 on login is our key", login, credexReply{status: 401, body: `{"message":"Unauthorized client"}`}, vimbiso.OutcomeClient, "Unauthorized client", "", ""},
		{"401 on onboard is our key", vimbiso.Call{Op: vimbiso.CallOnboard}, credexReply{status: 401, body: `{"message":"Unauthorized client"}`},
			vimbiso.OutcomeClient, "Unauthorized client", "", ""},
		{"401 with token", ledger, fixture(t, 401, "unauthorized_current"), vimbiso.OutcomeUnauthorized, "Token expired", "UNAUTHORIZED", "ERROR_UNAUTHORIZED"},
		{"401 legacy", ledger, credexReply{status: 401, body: `{"message":"Token expired"}`}, vimbiso.OutcomeUnauthorized, "Token expired", "", ""},
		{"403", create, fixture(t, 403, "create_refused"), vimbiso.OutcomeForbidden,
			"Available secured balance in USD is 1.00", "INSUFFICIENT_SECURED_BALANCE", "ERROR_UNAUTHORIZED"},
		{"403 legacy", vimbiso.Call{Op: vimbiso.CallAuthorize}, fixture(t, 403, "authorize_refused_legacy"), vimbiso.OutcomeForbidden,
			"You can only authorize someone to transact on behalf of your account when you are on the Entrepreneur tier or above.", "", ""},
		{"404", login, fixture(t, 404, "login_not_found"), vimbiso.OutcomeNotFound, "Member not found", "NOT_FOUND", "ERROR_NOT_FOUND"},
		{"404 legacy", login, fixture(t, 404, "login_not_found_legacy"), vimbiso.OutcomeNotFound, "Member not found", "", ""},
		{"not found action on 400", vimbiso.Call{Op: vimbiso.CallAccountByHandle, Handle: "bob_shop"}, fixture(t, 400, "account_not_found"),
			vimbiso.OutcomeNotFound, "No account with handle bob_shop", "NOT_FOUND", "ERROR_NOT_FOUND"},
		{"409", accept, fixture(t, 409, "accept_conflict_legacy"), vimbiso.OutcomeConflict, "Credex has already been accepted", "", ""},
		{"500 on a mutation", create, fixture(t, 500, "error_generic"), vimbiso.OutcomeUnavailable, "Internal server error", "", ""},
		{"500 key not configured", login, credexReply{status: 500, body: `{"message":"Server configuration error"}`},
			vimbiso.OutcomeUnavailable, "Server configuration error", "", ""},
		{"unreadable 200 on a mutation", accept, credexReply{status: 200, body: `<html>proxy</html>`}, vimbiso.OutcomeUnavailable, "", "", ""},
		{"text body", create, credexReply{status: 400, body: "Error: Bad things"}, vimbiso.OutcomeInvalid, "Bad things", "", ""},
		{"long reason", create, credexReply{status: 400, body: `{"message":"` + long + `"}`}, vimbiso.OutcomeInvalid, long[:299] + "…", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			standIn, client, _ := startCredEx(t, tt.reply)
			res, _ := client.Do(context.Background(), "t", tt.call)
			if res.Outcome != tt.outcome {
				t.Errorf("Outcome = %q, want %q", res.Outcome, tt.outcome)
			}
			if res.Reason != tt.reason {
				t.Errorf("Reason = %q, want %q", res.Reason, tt.reason)
			}
			if res.Code != tt.code {
				t.Errorf("Code = %q, want %q", res.Code, tt.code)
			}
			if res.ActionType != tt.actionType {
				t.Errorf("ActionType = %q, want %q", res.ActionType, tt.actionType)
			}
			if res.Status != tt.reply.status || res.Op != tt.call.Op {
				t.Errorf("Status, Op = %d, %q, want %d, %q", res.Status, res.Op, tt.reply.status, tt.call.Op)
			}
			wantRequests := 1
			if tt.outcome == vimbiso.OutcomeUnavailable && !tt.call.Op.Mutates() {
				wantRequests = 2 // a read is repeated once
			}
			if n := len(standIn.got()); n != wantRequests {
				t.Errorf("requests = %d, want %d", n, wantRequests)
			}
		})
	}
}

func TestCredExToken(t *testing.T) {
	login := vimbiso.Call{Op: vimbiso.CallLogin, Phone: alicePhone}
	ledger := vimbiso.Call{Op: vimbiso.CallGetLedger, AccountID: aliceAcct}
	withHeader := func(r credexReply, value string) credexReply {
		r.header = map[string]string{"Authorization": value}
		return r
	}
	tests := []struct {
		name  string
		call  vimbiso.Call
		reply credexReply
		want  string
	}{
		{"body details", login, fixture(t, 200, "login_current"), "body-token"},
		{"header wins over body", login, withHeader(fixture(t, 200, "login_current"), "Bearer header-token"), "header-token"},
		{"header on a jwt call", ledger, withHeader(fixture(t, 200, "ledger_legacy"), "Bearer refreshed"), "refreshed"},
		{"header on a refusal", ledger, withHeader(fixture(t, 403, "create_refused"), "Bearer refreshed"), "refreshed"},
		{"none", ledger, fixture(t, 200, "ledger_legacy"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, client, _ := startCredEx(t, tt.reply)
			if _, got := client.Do(context.Background(), "old", tt.call); got != tt.want {
				t.Errorf("token = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCredExLegacyLoginFetchesDashboard(t *testing.T) {
	dashboard := fixture(t, 200, "dashboard_legacy")
	dashboard.header = map[string]string{"Authorization": "Bearer newest-token"}
	standIn, client, _ := startCredEx(t, fixture(t, 200, "login_legacy"), dashboard)

	res, token := client.Do(context.Background(), "", vimbiso.Call{Op: vimbiso.CallLogin, Phone: alicePhone})
	if res.Outcome != vimbiso.OutcomeOK || res.Dashboard == nil {
		t.Fatalf("Do(login) = %+v, want OK with a dashboard", res)
	}
	if res.Op != vimbiso.CallLogin {
		t.Errorf("Op = %q, want login", res.Op)
	}
	if token != "newest-token" {
		t.Errorf("token = %q, want the dashboard call's refreshed token", token)
	}
	reqs := standIn.got()
	if len(reqs) != 2 || reqs[1].path != "/v1/getMemberDashboardByPhone" {
		t.Fatalf("requests = %d, want login then getMemberDashboardByPhone", len(reqs))
	}
	if got := reqs[1].header.Get("Authorization"); got != "Bearer legacy-login-token" {
		t.Errorf("dashboard call Authorization = %q, want the login token", got)
	}
	if !reflect.DeepEqual(reqs[1].body, map[string]any{"phone": alicePhone}) {
		t.Errorf("dashboard call body = %v", reqs[1].body)
	}
	if !reflect.DeepEqual(res.Dashboard, legacyDashboard()) {
		t.Errorf("Dashboard =\n%+v\nwant\n%+v", res.Dashboard, legacyDashboard())
	}
}

func TestCredExLegacyLoginDashboardFails(t *testing.T) {
	_, client, _ := startCredEx(t, fixture(t, 200, "login_legacy"), fixture(t, 404, "login_not_found_legacy"))
	res, token := client.Do(context.Background(), "", vimbiso.Call{Op: vimbiso.CallLogin, Phone: alicePhone})
	if res.Outcome != vimbiso.OutcomeUnavailable {
		t.Errorf("Outcome = %q, want unavailable: the member exists, only the dashboard is missing", res.Outcome)
	}
	if token != "legacy-login-token" {
		t.Errorf("token = %q, want the login token", token)
	}
}

func TestCredExRateLimit(t *testing.T) {
	tooMany := credexReply{status: 429, body: "Too many requests, please try again later"}
	waitSeven := credexReply{status: 429, body: "Too many requests, please try again later", header: map[string]string{"Retry-After": "7"}}
	create := vimbiso.Call{Op: vimbiso.CallCreateCredex, Offer: &vimbiso.Offer{Amount: 1, Secured: true}, IdempotencyKey: "k"}
	ledger := vimbiso.Call{Op: vimbiso.CallGetLedger, AccountID: aliceAcct}
	tests := []struct {
		name     string
		call     vimbiso.Call
		replies  []credexReply
		outcome  vimbiso.Outcome
		requests int
		waits    []time.Duration
	}{
		{"passes on third try", ledger, []credexReply{tooMany, tooMany, fixture(t, 200, "ledger_legacy")},
			vimbiso.OutcomeOK, 3, []time.Duration{2 * time.Second, 4 * time.Second}},
		{"gives up after three", ledger, []credexReply{tooMany},
			vimbiso.OutcomeRateLimited, 3, []time.Duration{2 * time.Second, 4 * time.Second}},
		{"mutation is repeated too", create, []credexReply{tooMany, fixture(t, 200, "create_current")},
			vimbiso.OutcomeOK, 2, []time.Duration{2 * time.Second}},
		{"retry after", ledger, []credexReply{waitSeven, fixture(t, 200, "ledger_legacy")},
			vimbiso.OutcomeOK, 2, []time.Duration{7 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			standIn, client, sleeps := startCredEx(t, tt.replies...)
			res, _ := client.Do(context.Background(), "t", tt.call)
			if res.Outcome != tt.outcome {
				t.Errorf("Outcome = %q, want %q", res.Outcome, tt.outcome)
			}
			if n := len(standIn.got()); n != tt.requests {
				t.Errorf("requests = %d, want %d", n, tt.requests)
			}
			if got := sleeps.got(); !reflect.DeepEqual(got, tt.waits) {
				t.Errorf("waits = %v, want %v", got, tt.waits)
			}
			if tt.outcome == vimbiso.OutcomeRateLimited && res.Reason != "Too many requests, please try again later" {
				t.Errorf("Reason = %q, want CredEx's text", res.Reason)
			}
		})
	}
}

func TestCredExRateLimitWaitCancelled(t *testing.T) {
	standIn, client, sleeps := startCredEx(t, credexReply{status: 429, body: "Too many requests"})
	sleeps.result = context.Canceled
	res, _ := client.Do(context.Background(), "t", vimbiso.Call{Op: vimbiso.CallGetLedger})
	if res.Outcome != vimbiso.OutcomeRateLimited || len(standIn.got()) != 1 {
		t.Errorf("Outcome, requests = %q, %d, want rate_limited, 1", res.Outcome, len(standIn.got()))
	}
}

func TestCredExUnavailableRetry(t *testing.T) {
	down := fixture(t, 503, "error_generic")
	ok := fixture(t, 200, "ledger_legacy")
	okCreate := fixture(t, 200, "create_current")
	hang := credexReply{hang: true}
	ledger := vimbiso.Call{Op: vimbiso.CallGetLedger, AccountID: aliceAcct}
	create := vimbiso.Call{Op: vimbiso.CallCreateCredex, Offer: &vimbiso.Offer{Amount: 1, Secured: true}, IdempotencyKey: "k"}
	tests := []struct {
		name     string
		call     vimbiso.Call
		replies  []credexReply
		outcome  vimbiso.Outcome
		requests int
		waits    []time.Duration
	}{
		{"read repeated once and passes", ledger, []credexReply{down, ok}, vimbiso.OutcomeOK, 2, []time.Duration{time.Second}},
		{"read repeated only once", ledger, []credexReply{down, down, ok}, vimbiso.OutcomeUnavailable, 2, []time.Duration{time.Second}},
		{"read unreadable answer repeated", ledger, []credexReply{{status: 200, body: "<html>"}, ok}, vimbiso.OutcomeOK, 2, []time.Duration{time.Second}},
		{"read timeout repeated", ledger, []credexReply{hang, ok}, vimbiso.OutcomeOK, 2, []time.Duration{time.Second}},
		{"mutation not repeated on 5xx", create, []credexReply{down, okCreate}, vimbiso.OutcomeUnavailable, 1, nil},
		{"mutation not repeated on timeout", create, []credexReply{hang, okCreate}, vimbiso.OutcomeUnavailable, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			standIn, client, sleeps := startCredEx(t, tt.replies...)
			client.cfg.Timeout = 100 * time.Millisecond
			res, _ := client.Do(context.Background(), "t", tt.call)
			if res.Outcome != tt.outcome {
				t.Errorf("Outcome = %q, want %q", res.Outcome, tt.outcome)
			}
			if n := len(standIn.got()); n != tt.requests {
				t.Errorf("requests = %d, want %d", n, tt.requests)
			}
			if got := sleeps.got(); !reflect.DeepEqual(got, tt.waits) {
				t.Errorf("waits = %v, want %v", got, tt.waits)
			}
		})
	}
}

func TestCredExUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL + "/"
	srv.Close()
	sleeps := &sleepRecorder{}
	client := NewCredExClient(CredExConfig{BaseURL: base, Sleep: sleeps.sleep}, nil, nil)
	res, token := client.Do(context.Background(), "t", vimbiso.Call{Op: vimbiso.CallLogin, Phone: alicePhone})
	if res.Outcome != vimbiso.OutcomeUnavailable || res.Status != 0 || token != "" {
		t.Errorf("Do = %+v, %q, want unavailable with status 0 and no token", res, token)
	}
	if got := sleeps.got(); len(got) != 1 {
		t.Errorf("waits = %v, want one retry of the read", got)
	}
}

func TestCredExBadCall(t *testing.T) {
	standIn, client, _ := startCredEx(t, credexReply{status: 200, body: `{}`})
	res, _ := client.Do(context.Background(), "t", vimbiso.Call{Op: vimbiso.CallCreateCredex})
	if res.Outcome != vimbiso.OutcomeInvalid || len(standIn.got()) != 0 {
		t.Errorf("Do(createCredex without offer) = %q with %d requests, want invalid and none", res.Outcome, len(standIn.got()))
	}
}
