package transport

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vimbisopay/vimbiso"
	"github.com/vimbisopay/vimbiso/devstack/mockcredex"
)

// allCallOps lists every CredEx op, fast or not.
var allCallOps = []vimbiso.CallOp{
	vimbiso.CallLogin, vimbiso.CallOnboard, vimbiso.CallDashboard, vimbiso.CallAccountByHandle,
	vimbiso.CallMemberByHandle, vimbiso.CallCreateCredex, vimbiso.CallAcceptCredex, vimbiso.CallAcceptBulk,
	vimbiso.CallDeclineCredex, vimbiso.CallCancelCredex, vimbiso.CallGetCredex, vimbiso.CallGetLedger,
	vimbiso.CallAuthorize, vimbiso.CallUnauthorize, vimbiso.CallSendOffersTo, vimbiso.CallCreateRecurring,
}

// compareCredExPaths decodes body on both paths and reports the first op,
// status and Authorization header under which the fast path yields another
// Result, token or retry decision than the generic path. It returns whether
// the fast path decoded the body.
func compareCredExPaths(t testing.TB, body []byte, statuses []int) (fast bool) {
	t.Helper()
	fastBody, ok := decodeCredexFast(body)
	if !ok {
		return false
	}
	generic := parseResponse(0, nil, body)
	if generic.root == nil {
		t.Fatalf("fast path decoded a body that the generic path rejects: %q", body)
	}

	headers := []http.Header{nil, {"Authorization": {"Bearer header-token"}}}
	for _, op := range allCallOps {
		if !credexFastOp(op) {
			continue // decodeResponse sends these to the generic path
		}
		call := vimbiso.Call{Op: op}
		for _, status := range statuses {
			for _, header := range headers {
				g := generic
				g.status, g.header = status, header
				f := credexResponse{status: status, header: header, body: body, fast: fastBody}
				if diff := diffCredExPaths(call, g, f); diff != "" {
					t.Errorf("%s, status %d, Authorization %q: %s\nbody: %q", op, status, header.Get("Authorization"), diff, body)
					return true
				}
			}
		}
	}
	return true
}

// diffCredExPaths describes how the fast response f differs from the
// generic response g, or returns "".
func diffCredExPaths(call vimbiso.Call, g, f credexResponse) string {
	if gv, fv := unavailable(g, nil), unavailable(f, nil); gv != fv {
		return fmt.Sprintf("unavailable = %v on the fast path, %v on the generic path", fv, gv)
	}
	if gt, ft := g.token(), f.token(); gt != ft {
		return fmt.Sprintf("token = %q on the fast path, %q on the generic path", ft, gt)
	}
	if gr, fr := normalise(call, g), normalise(call, f); !reflect.DeepEqual(gr, fr) {
		return fmt.Sprintf("Result differs\nfast:    %s\ngeneric: %s", describeResult(fr), describeResult(gr))
	}
	return ""
}

// credexTestStatuses are the statuses the comparison tries each body with.
var credexTestStatuses = []int{200, 201, 400, 401, 403, 404, 409, 429, 500, 503}

// describeResult formats a Result with the dashboard behind its pointer.
func describeResult(r vimbiso.Result) string {
	s := fmt.Sprintf("%+v", r)
	if r.Dashboard != nil {
		s += fmt.Sprintf("\n  dashboard: %+v", *r.Dashboard)
		if usd := r.Dashboard.Member.RemainingUSD; usd != nil {
			s += fmt.Sprintf("\n  remainingAvailableUSD: %v", *usd)
		}
	}
	return s
}

func TestDecodeResponseFastOps(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "credex", "create_current.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range allCallOps {
		a := decodeResponse(op, 200, nil, body)
		if fast := a.fast != nil; fast != credexFastOp(op) {
			t.Errorf("decodeResponse(%s) on the fast path = %v, want %v", op, fast, credexFastOp(op))
		}
		if a.fast != nil && a.root != nil {
			t.Errorf("decodeResponse(%s) set both root and fast", op)
		}
	}
}

func TestCredExFastPathFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "credex", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no CredEx fixtures: %v", err)
	}
	// The fixtures in the current envelope that the fast path must read.
	wantFast := map[string]bool{
		"login_current": true, "onboard_current": true, "create_current": true, "create_refused": true,
		"recurring_current": true, "accept_single_account": true, "bulk_current": true, "account_found": true,
		"account_not_found": true, "login_not_found": true, "unauthorized_current": true, "validation_current": true,
		"ledger_current": true, "member_envelope": true, "ledger_dashboard_pagination": true, "ledger_empty": true,
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if fast := compareCredExPaths(t, body, credexTestStatuses); fast != wantFast[name] {
				t.Errorf("fast path decoded the body = %v, want %v", fast, wantFast[name])
			}
		})
	}
}

// credexEdgeBody is a body that probes one rule of the fast path.
type credexEdgeBody struct {
	name string
	body string
	fast bool // whether the fast path must decode it (true) or give up (false)
}

// Parts of the edge bodies: a login in the current envelope.
const (
	edgeAccount = `{"accountID":"b1","accountName":"Alice Example Personal","accountHandle":"263770000001",` +
		`"accountType":"PERSONAL","defaultDenom":"USD","isOwnedAccount":true,` +
		`"sendOffersTo":{"memberID":"a1","firstname":"Alice","lastname":"Example"},` +
		`"authFor":[{"memberID":"a1","firstname":"Alice","lastname":"Example"}],` +
		`"balanceData":{"securedNetBalancesByDenom":["25.00 USD","0.0500 XAU"],` +
		`"unsecuredBalancesInDefaultDenom":{"totalPayables":"0.00 USD","totalReceivables":"10.00 USD","netPayRec":"10.00 USD"},` +
		`"netCredexAssetsInDefaultDenom":"35.00 USD"},` +
		`"pendingInData":[{"credexID":"c1","formattedInitialAmount":"2.00 USD","counterpartyAccountName":"Bob Example Personal","secured":true}],` +
		`"pendingOutData":[{"credexID":"c2","formattedInitialAmount":"-10.00 USD","counterpartyAccountName":"Bob Example Personal","dueDate":"2025-02-11"}]}`
	edgeMember = `{"memberID":"a1","memberTier":1,"remainingAvailableUSD":8.5,"firstname":"Alice","lastname":"Example",` +
		`"memberHandle":"263770000001","defaultDenom":"USD"}`
	edgeDetails = `{"memberID":"a1","phone":"263770000001","token":"body-token"}`
)

// edgeLogin returns a login body built from the parts, each replaceable.
func edgeLogin(details, member, account string) string {
	return `{"message":"Successfully logged in","data":{"action":{"id":"a1","type":"MEMBER_LOGIN",` +
		`"timestamp":"2025-01-14T10:00:00.000Z","actor":"a1","details":` + details + `},` +
		`"dashboard":{"member":` + member + `,"accounts":[` + account + `]}}}`
}

// edgeFetch returns a dashboard fetch body with the given member and account.
func edgeFetch(member, account string) string {
	return `{"success":true,"data":{"memberDashboard":` + member + `,"accountDashboards":[` + account + `]},` +
		`"message":"Dashboard retrieved successfully"}`
}

func credexEdgeBodies() []credexEdgeBody {
	login := edgeLogin(edgeDetails, edgeMember, edgeAccount)
	account := func(old, new string) string {
		return edgeLogin(edgeDetails, edgeMember, strings.Replace(edgeAccount, old, new, 1))
	}
	member := func(old, new string) string {
		return edgeLogin(edgeDetails, strings.Replace(edgeMember, old, new, 1), edgeAccount)
	}
	details := func(d string) string { return edgeLogin(d, edgeMember, edgeAccount) }
	nested := func(depth int) string {
		return details(`{"token":"t","deep":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}`)
	}
	return []credexEdgeBody{
		{"login", login, true},
		{"leading space", " \n\t" + login, true},
		{"trailing text ignored", login + " trailing text", true},
		{"second object ignored", login + login, true},

		// Keys the fast path cannot compare as read.
		{"root key in another case", strings.Replace(login, `"data"`, `"Data"`, 1), false},
		{"escaped key", strings.Replace(login, `"accounts"`, `"acc\u006funts"`, 1), false},
		{"non-ASCII key", strings.Replace(login, `"phone"`, `"phöne"`, 1), false},
		{"repeated root key", strings.Replace(login, `{"message"`, `{"data":{},"message"`, 1), false},
		{"repeated member key", member(`"memberTier":1`, `"memberTier":1,"memberTier":null`), false},
		{"repeated skipped key", details(`{"token":"t","phone":"1","phone":"2"}`), false},
		{"same key in sibling objects", account(`"authFor":[`, `"authFor":[{"memberID":"x"},`), true},

		// Envelope keys that belong to other shapes.
		{"root dashboardData", strings.Replace(login, `{"message"`, `{"dashboardData":{},"message"`, 1), false},
		{"root unknown key", strings.Replace(login, `{"message"`, `{"status":"ok","message"`, 1), false},
		{"data token", strings.Replace(login, `"data":{`, `"data":{"token":"t",`, 1), false},
		{"action extra key", strings.Replace(login, `"type":"MEMBER_LOGIN"`, `"type":"MEMBER_LOGIN","extra":1`, 1), false},
		{"data not an object", `{"data":[],"message":"x"}`, false},
		{"data null", `{"data":null,"message":"x"}`, false},
		{"no data", `{"message":"Token expired"}`, false},
		{"action null", `{"data":{"action":null,"dashboard":{}}}`, false},
		{"dashboard without action", `{"data":{"dashboard":{"member":{},"accounts":[]}}}`, false},
		{"action with fetch keys", `{"data":{"action":{"type":"X"},"accountDashboards":[]}}`, false},
		{"legacy login", `{"success":true,"data":{"token":"t","memberID":"a1"},"message":"Login successful"}`, false},
		{"empty object", `{}`, false},

		// Values of the envelope.
		{"success false", strings.Replace(login, `{"message"`, `{"success":false,"message"`, 1), true},
		{"success true", strings.Replace(login, `{"message"`, `{"success":true,"message"`, 1), true},
		{"success as text", strings.Replace(login, `{"message"`, `{"success":"false","message"`, 1), true},
		{"success null", strings.Replace(login, `{"message"`, `{"success":null,"message"`, 1), true},
		{"message as number", `{"message":12.50,"data":{"action":{"type":"ERROR_VALIDATION"}}}`, true},
		{"error after empty message", `{"message":"","error":"Error: bad amount","data":{"action":{"type":"ERROR_VALIDATION"}}}`, true},
		{"reason wins", `{"message":"m","data":{"action":{"type":"ERROR_NOT_FOUND","details":{"code":"NOT_FOUND","reason":"  error: gone "}}}}`, true},
		{"long reason", `{"data":{"action":{"type":"ERROR_VALIDATION","details":{"reason":"` + strings.Repeat("é", 400) + `"}}}}`, true},
		{"type as number", `{"data":{"action":{"type":7,"id":42,"details":{"code":400}}}}`, true},
		{"details null", details(`null`), true},
		{"details text", details(`"x"`), true},
		{"token as number", details(`{"token":12345}`), true},
		{"token empty", details(`{"token":""}`), true},
		{"created id from details", `{"data":{"action":{"id":null,"type":"CREDEX_CREATED","details":{"credexID":"c9"}}}}`, true},

		// The dashboard.
		{"dashboard null", `{"data":{"action":{"type":"MEMBER_LOGIN","details":{"token":"t"}},"dashboard":null}}`, true},
		{"dashboard empty", `{"data":{"action":{"type":"MEMBER_LOGIN","details":{"token":"t"}},"dashboard":{}}}`, true},
		{"no accounts", `{"data":{"action":{"type":"MEMBER_LOGIN"},"dashboard":{"member":` + edgeMember + `}}}`, true},
		{"accounts null", `{"data":{"action":{"type":"MEMBER_LOGIN"},"dashboard":{"member":{},"accounts":null}}}`, true},
		{"accounts object", `{"data":{"action":{"type":"MEMBER_LOGIN"},"dashboard":{"member":{},"accounts":{}}}}`, true},
		{"accounts empty", `{"data":{"action":{"type":"MEMBER_LOGIN"},"dashboard":{"member":{},"accounts":[]}}}`, true},
		{"member null", `{"data":{"action":{"type":"X"},"dashboard":{"member":null,"accounts":[]}}}`, true},
		{"member array", `{"data":{"action":{"type":"X"},"dashboard":{"member":[],"accounts":[]}}}`, true},
		{"single account", `{"data":{"action":{"type":"X"},"dashboard":{"member":{},"account":` + edgeAccount + `}}}`, true},
		{"account elements not objects", edgeLogin(edgeDetails, edgeMember, `null,"x",3,[],`+edgeAccount), true},
		{"December 2024 dashboard", `{"data":{"action":{"type":"X"},"dashboard":{"memberTier":1,"accounts":[]}}}`, false},
		{"wrapped dashboard", `{"data":{"action":{"type":"X"},"dashboard":{"success":true,"data":{}}}}`, false},
		{"member from details", edgeLogin(`{"token":"t","memberID":"d1","firstname":"Dee","lastname":"Tail","memberHandle":"h","defaultDenom":"CAD"}`,
			`{"memberTier":2,"firstname":""}`, edgeAccount), true},
		{"member success skipped", member(`"memberTier":1`, `"success":false,"memberTier":1`), true},

		// Member numbers.
		{"tier as text", member(`"memberTier":1`, `"memberTier":" 3 "`), true},
		{"tier fraction", member(`"memberTier":1`, `"memberTier":2.7`), true},
		{"tier negative exponent", member(`"memberTier":1`, `"memberTier":-25E-1`), true},
		{"tier too large", member(`"memberTier":1`, `"memberTier":3000000000`), true},
		{"tier out of float range", member(`"memberTier":1`, `"memberTier":1e400`), true},
		{"tier true", member(`"memberTier":1`, `"memberTier":true`), true},
		{"tier Neo4j integer", member(`"memberTier":1`, `"memberTier":{"low":1,"high":0}`), false},
		{"remaining null", member(`8.5`, `null`), true},
		{"remaining text", member(`8.5`, `"8.25"`), true},
		{"remaining not a number", member(`8.5`, `"NaN"`), true},
		{"remaining zero", member(`8.5`, `0`), true},
		{"remaining array", member(`8.5`, `[1]`), true},

		// Accounts.
		{"account id as number", account(`"accountID":"b1"`, `"accountID":-0.5e+3`), true},
		{"owned as text", account(`"isOwnedAccount":true`, `"isOwnedAccount":"true"`), true},
		{"send offers to null", account(`"sendOffersTo":{`, `"sendOffersTo":null,"x":{`), true},
		{"send offers to text", account(`"sendOffersTo":{`, `"sendOffersTo":"a1","x":{`), true},
		{"flat send offers to", account(`"sendOffersTo":{`, `"sendOffersToFirstname":"A","x":{`), false},
		{"wrapped account", account(`"accountID":"b1"`, `"success":true,"accountID":"b1"`), false},
		{"account data key skipped", account(`"accountID":"b1"`, `"data":{},"accountID":"b1"`), true},
		{"auth for odd elements", account(`"authFor":[`, `"authFor":[null,"x",{},`), true},
		{"auth for null", account(`"authFor":[{"memberID":"a1","firstname":"Alice","lastname":"Example"}]`, `"authFor":null`), true},
		{"auth for text", account(`"authFor":[{"memberID":"a1","firstname":"Alice","lastname":"Example"}]`, `"authFor":"all"`), true},
		{"auth for empty", account(`"authFor":[{"memberID":"a1","firstname":"Alice","lastname":"Example"}]`, `"authFor":[]`), true},
		{"balances null", edgeLogin(edgeDetails, edgeMember, `{"accountID":"b1","balanceData":null}`), true},
		{"balances text", edgeLogin(edgeDetails, edgeMember, `{"accountID":"b1","balanceData":"x"}`), true},
		{"no balances", edgeLogin(edgeDetails, edgeMember, `{"accountID":"b1"}`), true},
		{"wrapped balances", account(`"balanceData":{`, `"balanceData":{"success":true,"data":{}},"x":{`), false},
		{"secured odd elements", account(`["25.00 USD","0.0500 XAU"]`, `[1.5,"",null,{},[],true,"25.00 USD"]`), true},
		{"secured not a list", account(`["25.00 USD","0.0500 XAU"]`, `"25.00 USD"`), true},
		{"unsecured null", account(`"unsecuredBalancesInDefaultDenom":{`, `"unsecuredBalancesInDefaultDenom":null,"x":{`), true},
		{"wrapped unsecured", account(`"unsecuredBalancesInDefaultDenom":{`, `"unsecuredBalancesInDefaultDenom":{"success":true,`), false},
		{"pending empty object", account(`"pendingInData":[`, `"pendingInData":{},"x":[`), false},
		{"pending wrapper", account(`"pendingInData":[`, `"pendingInData":{"success":true,"data":[]},"x":[`), false},
		{"pending null", account(`"pendingInData":[`, `"pendingInData":null,"x":[`), true},
		{"pending text", account(`"pendingInData":[`, `"pendingInData":"none","x":[`), true},
		{"pending odd elements", account(`"pendingInData":[`, `"pendingInData":[null,1,"x",[],`), true},
		{"pending secured as text", account(`"secured":true`, `"secured":"yes"`), true},

		// Strings.
		{"escapes", member(`"Alice"`, `"Al\u00efce \"A\" \\ \/ \b\f\n\r\t"`), true},
		{"surrogate pair", member(`"Alice"`, `"\ud83d\ude00"`), true},
		{"lone surrogate", member(`"Alice"`, `"\ud800x"`), true},
		{"non-ASCII", member(`"Alice"`, `"Zoë Ñandú"`), true},
		{"invalid UTF-8", member(`"Alice"`, "\"Al\xffce\xc3\""), true},
		{"encoded surrogate", member(`"Alice"`, "\"\xed\xa0\x80\""), true},
		{"control character", member(`"Alice"`, "\"Al\tice\""), false},
		{"bad escape", member(`"Alice"`, `"Al\xce"`), false},
		{"short unicode escape", member(`"Alice"`, `"\u12"`), false},
		{"unterminated", `{"data":{"action":{"type":"MEMBER_LOGIN`, false},

		// Syntax the generic path rejects too.
		{"leading zero", member(`"memberTier":1`, `"memberTier":01`), false},
		{"bare minus", member(`"memberTier":1`, `"memberTier":-`), false},
		{"dot without digits", member(`"memberTier":1`, `"memberTier":1.`), false},
		{"exponent without digits", member(`"memberTier":1`, `"memberTier":1e+`), false},
		{"plus sign", member(`"memberTier":1`, `"memberTier":+1`), false},
		{"leading dot", member(`"memberTier":1`, `"memberTier":.5`), false},
		{"hex number", member(`"memberTier":1`, `"memberTier":0x1`), false},
		{"two dots", member(`"memberTier":1`, `"memberTier":1.2.3`), false},
		{"short literal", account(`"isOwnedAccount":true`, `"isOwnedAccount":tru`), false},
		{"long literal", account(`"isOwnedAccount":true`, `"isOwnedAccount":truer`), false},
		{"capital literal", account(`"isOwnedAccount":true`, `"isOwnedAccount":True`), false},
		{"trailing comma in object", member(`"defaultDenom":"USD"`, `"defaultDenom":"USD",`), false},
		{"trailing comma in array", account(`"0.0500 XAU"]`, `"0.0500 XAU",]`), false},
		{"leading comma in array", account(`["25.00 USD"`, `[,"25.00 USD"`), false},
		{"missing comma", member(`,"firstname"`, ` "firstname"`), false},
		{"missing colon", member(`"firstname":`, `"firstname" `), false},
		{"single quotes", member(`"Alice"`, `'Alice'`), false},
		{"unclosed object", strings.TrimSuffix(login, "}"), false},
		{"mismatched close", strings.Replace(login, `"netPayRec":"10.00 USD"}`, `"netPayRec":"10.00 USD"]`, 1), false},
		{"skipped value invalid", details(`{"token":"t","phone":[1,2,}`), false},
		{"nested deep but allowed", nested(20), true},
		{"nested too deep", nested(40), false},

		// The dashboard fetch.
		{"fetch", edgeFetch(edgeMember, edgeAccount), true},
		{"fetch without success", strings.Replace(edgeFetch(edgeMember, edgeAccount), `"success":true,`, ``, 1), true},
		{"fetch refused", strings.Replace(edgeFetch(edgeMember, edgeAccount), `"success":true`, `"success":false`, 1), true},
		{"fetch empty data", `{"success":true,"data":{},"message":"Dashboard retrieved successfully"}`, true},
		{"fetch member null", edgeFetch(`null`, edgeAccount), true},
		{"fetch accounts only", `{"success":true,"data":{"accountDashboards":[]}}`, true},
		{"fetch wrapped member", edgeFetch(`{"success":true,"data":`+edgeMember+`}`, edgeAccount), false},
		{"fetch wrapped account", edgeFetch(edgeMember, `{"success":true,"data":`+edgeAccount+`}`), false},
		{"fetch Neo4j tier", edgeFetch(strings.Replace(edgeMember, `"memberTier":1`, `"memberTier":{"low":1,"high":0}`, 1), edgeAccount), false},
		{"fetch with dashboard", `{"success":true,"data":{"dashboard":{},"accountDashboards":[]}}`, false},
		{"fetch with accounts", `{"success":true,"data":{"memberDashboard":{},"accounts":[]}}`, false},

		// Bodies that are not a JSON object.
		{"empty", ``, false},
		{"white space", " \n", false},
		{"array", `[]`, false},
		{"string", `"x"`, false},
		{"null", `null`, false},
		{"rate limit text", `Too many requests, please try again later`, false},
		{"HTML", `<html>proxy</html>`, false},
		{"byte order mark", "\xef\xbb\xbf" + login, false},
	}
}

func TestCredExFastPathEdgeBodies(t *testing.T) {
	for _, tt := range credexEdgeBodies() {
		t.Run(tt.name, func(t *testing.T) {
			if fast := compareCredExPaths(t, []byte(tt.body), credexTestStatuses); fast != tt.fast {
				t.Errorf("fast path decoded the body = %v, want %v", fast, tt.fast)
			}
		})
	}
}

// TestCredExFastPathBodiesOfOtherTests runs the bodies that other CredEx
// tests write inline.
func TestCredExFastPathBodiesOfOtherTests(t *testing.T) {
	for _, body := range []string{
		`{"success":true,"data":{}}`,
		`{"success":true,"data":[]}`,
		`{"message":"Unauthorized client"}`,
		`{"message":"Token expired"}`,
		`{"message":"Server configuration error"}`,
		`{"message":"Account found","data":{}}`,
		`{"memberData":{}}`,
		`{}`,
		`<html>proxy</html>`,
		`<html>`,
		"Error: Bad things",
		"Too many requests, please try again later",
		`{"message":"` + strings.Repeat("x", 400) + `"}`,
	} {
		compareCredExPaths(t, []byte(body), credexTestStatuses)
	}
}

func TestCredExFastPathMockBodies(t *testing.T) {
	captures := captureMockCredEx(t)
	// The responses of the current shapes that the fast path must read.
	wantFast := map[string]bool{
		"login": true, "create": true, "create from business": true, "login with offers": true, "dashboard": true,
		"accept": true, "decline": true, "cancel": true, "accept again": true, "create refused": true,
		"create invalid": true, "onboard": true, "recurring": true, "login with tier 3": true, "login unknown": true,
	}
	seen := map[string]bool{}
	for _, c := range captures {
		fast := compareCredExPaths(t, c.body, []int{c.status})
		if c.shapes == "current" && wantFast[c.name] && !(fast && credexFastOp(c.op)) {
			t.Errorf("%s (%s %d): left to the generic path, want the fast path\n%s", c.name, c.op, c.status, c.body)
		}
		seen[c.name] = true
	}
	for name := range wantFast {
		if !seen[name] {
			t.Errorf("no mock response %q captured", name)
		}
	}
}

// credexCapture is one response of the mock CredEx.
type credexCapture struct {
	name   string // the step of captureMockCredEx
	shapes string // "current" or "legacy"
	op     vimbiso.CallOp
	status int
	header http.Header
	body   []byte
}

// credexRecorder is an http.RoundTripper that keeps every response it
// passes on. It sets X-Mock-Shapes, which selects the mock's shapes, on
// every request.
type credexRecorder struct {
	next     http.RoundTripper
	shapes   string // X-Mock-Shapes: "current" or "legacy"
	step     string
	captures []credexCapture
}

func (rec *credexRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("X-Mock-Shapes", rec.shapes)
	resp, err := rec.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	rec.captures = append(rec.captures, credexCapture{
		name: rec.step, shapes: rec.shapes, op: vimbiso.CallOp(path.Base(req.URL.Path)), status: resp.StatusCode, header: resp.Header.Clone(), body: body,
	})
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// captureMockCredEx plays a session of the bot against an in-process mock
// CredEx, first in the current shapes and then in the legacy ones, and
// returns every response. Alice ends up with her two accounts and a few
// pending offers, as in a busy conversation.
func captureMockCredEx(tb testing.TB) []credexCapture {
	tb.Helper()
	mock := mockcredex.New(mockcredex.Config{APIKey: testAPIKey})
	tb.Cleanup(mock.Close)
	srv := httptest.NewServer(mock)
	tb.Cleanup(srv.Close)

	var captures []credexCapture
	for _, shapes := range []string{"current", "legacy"} {
		rec := &credexRecorder{next: srv.Client().Transport, shapes: shapes}
		client := NewCredExClient(CredExConfig{
			BaseURL: srv.URL, APIKey: testAPIKey,
			Sleep: func(context.Context, time.Duration) error { return nil },
		}, &http.Client{Transport: rec}, nil)
		do := func(step, token string, call vimbiso.Call) (vimbiso.Result, string) {
			rec.step = step
			return client.Do(context.Background(), token, call)
		}
		playMockCredExSession(tb, do)
		captures = append(captures, rec.captures...)

		// The API key is checked before anything else, in either shape.
		rec.step = "bad key"
		badKey := NewCredExClient(CredExConfig{BaseURL: srv.URL, APIKey: "wrong"}, &http.Client{Transport: rec}, nil)
		badKey.Do(context.Background(), "", vimbiso.Call{Op: vimbiso.CallLogin, Phone: alicePhone})
		captures = append(captures, rec.captures[len(rec.captures)-1])
	}
	return captures
}

// playMockCredExSession makes the calls of captureMockCredEx. Offers it
// creates are accepted, declined or cancelled by the end, so that the
// session can be played again in the legacy shapes on the same mock.
func playMockCredExSession(tb testing.TB, do func(step, token string, call vimbiso.Call) (vimbiso.Result, string)) {
	tb.Helper()
	const carolPhone, carolHardware = "263770000004", "00000000-0000-4000-8000-0000000000b6"
	login := func(step, phone string) string {
		res, token := do(step, "", vimbiso.Call{Op: vimbiso.CallLogin, Phone: phone})
		if !res.OK() || token == "" {
			tb.Fatalf("%s: login = %+v with token %q, want ok", step, res, token)
		}
		return token
	}
	offer := func(from string, amount float64) *vimbiso.Offer {
		return &vimbiso.Offer{IssuerAccountID: from, ReceiverAccountID: bobAcct, Denomination: "USD", Amount: amount, Secured: true}
	}
	create := func(step, token string, o *vimbiso.Offer) string {
		res, _ := do(step, token, vimbiso.Call{Op: vimbiso.CallCreateCredex, Offer: o, IdempotencyKey: step})
		if !res.OK() || res.CredexID == "" {
			tb.Fatalf("%s: createCredex = %+v, want ok with an id", step, res)
		}
		return res.CredexID
	}

	alice := login("login", alicePhone)
	bob := login("login bob", bobPhone)
	carol := login("login carol", carolPhone)

	first := create("create", alice, offer(aliceAcct, 1))
	second := create("create again", alice, offer(aliceAcct, 0.5))
	third := create("create from business", alice, offer(tradersAcct, 1.25))
	login("login with offers", alicePhone)
	do("dashboard", alice, vimbiso.Call{Op: vimbiso.CallDashboard, Phone: alicePhone})

	do("accept", bob, vimbiso.Call{Op: vimbiso.CallAcceptCredex, CredexID: first, IdempotencyKey: "accept"})
	do("decline", bob, vimbiso.Call{Op: vimbiso.CallDeclineCredex, CredexID: second, IdempotencyKey: "decline"})
	do("cancel", alice, vimbiso.Call{Op: vimbiso.CallCancelCredex, CredexID: third, IdempotencyKey: "cancel"})
	do("accept again", bob, vimbiso.Call{Op: vimbiso.CallAcceptCredex, CredexID: first, IdempotencyKey: "accept again"})
	do("create refused", alice, vimbiso.Call{Op: vimbiso.CallCreateCredex, Offer: offer(aliceAcct, 5000), IdempotencyKey: "refused"})
	do("create invalid", alice, vimbiso.Call{Op: vimbiso.CallCreateCredex,
		Offer: &vimbiso.Offer{IssuerAccountID: aliceAcct, ReceiverAccountID: aliceAcct, Denomination: "USD", Amount: 1, Secured: true}})

	do("accept bulk", alice, vimbiso.Call{Op: vimbiso.CallAcceptBulk, CredexIDs: []string{offerFromBob, first, "missing"}})
	do("account by handle", alice, vimbiso.Call{Op: vimbiso.CallAccountByHandle, Handle: "example_traders"})
	do("account not found", alice, vimbiso.Call{Op: vimbiso.CallAccountByHandle, Handle: "nobody_here"})
	do("member by handle", alice, vimbiso.Call{Op: vimbiso.CallMemberByHandle, Handle: bobPhone})
	do("ledger", alice, vimbiso.Call{Op: vimbiso.CallGetLedger, AccountID: aliceAcct, NumRows: 1})
	do("get credex", alice, vimbiso.Call{Op: vimbiso.CallGetCredex, CredexID: first, AccountID: aliceAcct})
	do("authorize", carol, vimbiso.Call{Op: vimbiso.CallAuthorize, AccountID: carolHardware, Handle: alicePhone})
	do("send offers to", carol, vimbiso.Call{Op: vimbiso.CallSendOffersTo, AccountID: carolHardware, MemberID: aliceMemberID})
	do("unauthorize", carol, vimbiso.Call{Op: vimbiso.CallUnauthorize, AccountID: carolHardware, MemberID: aliceMemberID})
	do("onboard", "", vimbiso.Call{Op: vimbiso.CallOnboard, FirstName: "Joan", LastName: "Sample", Phone: joanPhone})
	do("recurring", alice, vimbiso.Call{Op: vimbiso.CallCreateRecurring, AccountID: aliceAcct,
		StartDate: time.Now().UTC().Format(time.DateOnly)})
	login("login with tier 3", alicePhone)
	do("login unknown", "", vimbiso.Call{Op: vimbiso.CallLogin, Phone: "263770000009"})
	do("no token", "", vimbiso.Call{Op: vimbiso.CallGetLedger, AccountID: aliceAcct})
}
