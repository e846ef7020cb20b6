package transport

import (
	"cmp"
	"net/http"

	"github.com/vimbisopay/vimbiso"
)

// CredEx responses have two decoders. The generic one (parseResponse and
// the helpers of jsonvalue.go) decodes any body into maps and reads every
// shape CredEx has used. It is the reference, but it is slow on the
// frequent responses that carry a dashboard, because most of its cost is
// maps and boxed values that are read once. The fast path reads the two
// shapes of those responses straight into a vimbiso.Dashboard, in one pass:
//
//   - the current envelope, {"message", "data": {"action", "dashboard"}},
//     of login, onboardMember, createCredex, acceptCredex, declineCredex,
//     cancelCredex and createRecurring,
//   - the dashboard fetch, {"success", "message", "data": {"memberDashboard",
//     "accountDashboards"}}, with its accounts unwrapped.
//
// Any other body, including the legacy forms (Neo4j integers, {success,
// data} wrappers, flat sendOffersTo fields, {} for an empty list), makes the
// fast path give up and goes to the generic path. For every body the fast
// path either gives up or yields the Result and token of the generic path.
// The tests in credex_fast_test.go and FuzzCredExFastPath check this.

// credexFastOp reports whether op's response goes through the fast path:
// the ops whose Result holds nothing but the envelope, the dashboard and,
// for createCredex, the new offer's id. The other ops read fields the fast
// path does not decode.
func credexFastOp(op vimbiso.CallOp) bool {
	switch op {
	case vimbiso.CallLogin, vimbiso.CallOnboard, vimbiso.CallDashboard, vimbiso.CallCreateCredex,
		vimbiso.CallAcceptCredex, vimbiso.CallDeclineCredex, vimbiso.CallCancelCredex, vimbiso.CallCreateRecurring:
		return true
	}
	return false
}

// decodeResponse decodes a response to op, on the fast path when op and
// the body allow it and on the generic path otherwise.
func decodeResponse(op vimbiso.CallOp, status int, header http.Header, body []byte) credexResponse {
	if credexFastOp(op) {
		if fast, ok := decodeCredexFast(body); ok {
			return credexResponse{status: status, header: header, body: body, fast: fast}
		}
	}
	return parseResponse(status, header, body)
}

// credexFastBody contains the values of a body that normalise and token
// read, decoded on the fast path. Fields missing from the body are empty.
type credexFastBody struct {
	success    bool // root "success"
	hasSuccess bool // whether "success" is a boolean
	message    string
	errorText  string // root "error"

	actionID   string
	actionType string
	details    credexFastDetails

	// dashboard is the dashboard findDashboard would return, or nil.
	dashboard *vimbiso.Dashboard
}

// credexFastDetails are the fields of data.action.details that the generic
// path reads for the fast ops.
type credexFastDetails struct {
	code, reason, token, credexID string
	// member fills the dashboard member's empty fields, as convertMember
	// does with its fallback.
	member vimbiso.Member
}

// normaliseFast is normalise for a body decoded on the fast path. The
// Result shares the decoded dashboard, so a response is normalised once, as
// CredExClient does.
func normaliseFast(call vimbiso.Call, a credexResponse) vimbiso.Result {
	b := a.fast
	res := vimbiso.Result{
		Op:         call.Op,
		Status:     a.status,
		ActionType: b.actionType,
		Code:       b.details.code,
		Reason:     cleanReason(cmp.Or(b.details.reason, b.message, b.errorText)),
	}
	res.Outcome = outcomeFor(call.Op, a.status, res.ActionType, b.hasSuccess && !b.success)
	if res.Outcome != vimbiso.OutcomeOK {
		return res
	}

	res.Dashboard = b.dashboard
	if call.Op == vimbiso.CallCreateCredex {
		res.CredexID = cmp.Or(b.actionID, b.details.credexID)
	}
	if !complete(res, call, a) {
		res.Outcome = vimbiso.OutcomeUnavailable
	}
	return res
}

// decodeCredexFast decodes body on the fast path. It returns false when the
// body is not one of the two shapes the fast path reads.
//
// The envelope objects (the root, data and action) may contain only the
// keys listed here, because the generic path reads other keys there for
// legacy shapes. In details and the dashboard objects, keys the generic path
// reads are decoded, keys that would make it unwrap or convert a legacy form
// make the fast path give up, and other keys are skipped.
func decodeCredexFast(body []byte) (*credexFastBody, bool) {
	r := credexReader{jsonReader{data: body}}
	var b credexFastBody // moved to the heap only on success
	hasData := false
	for key := range r.object() {
		switch string(key) {
		case "success":
			b.success, b.hasSuccess = r.boolean()
		case "message":
			b.message = r.text()
		case "error":
			b.errorText = r.text()
		case "data":
			hasData = true
			b.readData(&r)
		default:
			r.fail()
		}
	}
	if !r.ok() || !hasData {
		return nil, false
	}
	decoded := b
	return &decoded, true
}

// readData reads data, which contains either action and dashboard (the
// current envelope) or memberDashboard and accountDashboards (the
// dashboard fetch).
func (b *credexFastBody) readData(r *credexReader) {
	if !r.isObject() {
		r.fail()
		return
	}
	var current, fetch credexFastDashboard
	hasAction, hasDashboard, hasFetch := false, false, false
	for key := range r.object() {
		switch string(key) {
		case "action":
			hasAction = true
			b.readAction(r)
		case "dashboard":
			hasDashboard = true
			current.read(r)
		case "memberDashboard":
			hasFetch = true
			fetch.readMemberDashboard(r)
		case "accountDashboards":
			hasFetch = true
			fetch.readAccounts(r)
		default:
			r.fail()
		}
	}

	switch {
	case hasAction && !hasFetch:
		// details supplies the member fields that the dashboard lacks.
		b.dashboard = current.build(b.details.member)
	case !hasAction && !hasDashboard:
		// Without an action, details is data itself, which has no member
		// fields here.
		b.dashboard = fetch.build(vimbiso.Member{})
	default:
		r.fail()
	}
}

// readAction reads data.action. A value that is not an object leaves the
// body to the generic path, which then reads data as a legacy body.
func (b *credexFastBody) readAction(r *credexReader) {
	if !r.isObject() {
		r.fail()
		return
	}
	for key := range r.object() {
		switch string(key) {
		case "id":
			b.actionID = r.text()
		case "type":
			b.actionType = r.text()
		case "details":
			b.details.read(r)
		case "timestamp", "actor":
			r.skip()
		default:
			r.fail()
		}
	}
}

func (d *credexFastDetails) read(r *credexReader) {
	if !r.isObject() {
		r.skip()
		return
	}
	for key := range r.object() {
		switch string(key) {
		case "code":
			d.code = r.text()
		case "reason":
			d.reason = r.text()
		case "token":
			d.token = r.text()
		case "credexID":
			d.credexID = r.text()
		case "memberID":
			d.member.MemberID = r.text()
		case "firstname":
			d.member.FirstName = r.text()
		case "lastname":
			d.member.LastName = r.text()
		case "memberHandle":
			d.member.Handle = r.text()
		case "defaultDenom":
			d.member.DefaultDenom = r.text()
		default:
			r.skip()
		}
	}
}
