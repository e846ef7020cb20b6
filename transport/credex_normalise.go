package transport

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/vimbisopay/vimbiso"
)

// maxReason is the longest reason shown to a user, in UTF-16 code units.
const maxReason = 300

// credexResponse is one HTTP response from CredEx, before normalisation.
// At most one of root and fast is set.
type credexResponse struct {
	status int
	header http.Header
	body   []byte
	root   jsonObject      // the body decoded on the generic path, or nil when it is not a JSON object
	fast   *credexFastBody // the body decoded on the fast path (see credex_fast.go)
}

// isObject reports whether the body is a JSON object.
func (a credexResponse) isObject() bool {
	return a.root != nil || a.fast != nil
}

// parseResponse decodes the body on the generic path, with exact numbers.
// A body that is not a JSON object leaves root nil.
func parseResponse(status int, header http.Header, body []byte) credexResponse {
	a := credexResponse{status: status, header: header, body: body}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) == nil {
		a.root, _ = v.(jsonObject)
	}
	return a
}

// envelope returns data, data.action and the details: data.action.details
// in the current envelope, else data itself (legacy responses).
func (a credexResponse) envelope() (data, action, details jsonObject) {
	data = objectAt(a.root, "data")
	action = objectAt(data, "action")
	if action != nil {
		return data, action, objectAt(action, "details")
	}
	return data, nil, data
}

// token returns the newest token of the response: the Authorization response
// header, which CredEx refreshes on every authenticated call, else the one
// in the body (details.token, then data.token).
func (a credexResponse) token() string {
	if h := a.header.Get("Authorization"); h != "" {
		if _, after, ok := strings.Cut(h, " "); ok {
			return strings.TrimSpace(after)
		}
		return strings.TrimSpace(h)
	}
	if a.fast != nil {
		return a.fast.details.token
	}
	data, _, details := a.envelope()
	if t := stringAt(details, "token"); t != "" {
		return t
	}
	return stringAt(data, "token")
}

// normalise turns a response into a Result: its outcome, action type, code,
// reason and, on success, the values the call asked for.
func normalise(call vimbiso.Call, a credexResponse) vimbiso.Result {
	if a.fast != nil {
		return normaliseFast(call, a)
	}
	data, action, details := a.envelope()
	res := vimbiso.Result{
		Op:         call.Op,
		Status:     a.status,
		ActionType: stringAt(action, "type"),
		Code:       stringAt(action, "details", "code"),
		Reason:     a.reason(details),
	}
	success, hasSuccess := boolAt(a.root, "success")
	res.Outcome = outcomeFor(call.Op, a.status, res.ActionType, hasSuccess && !success)

	if res.Outcome != vimbiso.OutcomeOK {
		return res
	}
	if a.root == nil {
		res.Outcome = vimbiso.OutcomeUnavailable
		return res
	}
	fillResult(&res, call, a.root, data, action, details)
	if !complete(res, call, a) {
		res.Outcome = vimbiso.OutcomeUnavailable
	}
	return res
}

// outcomeFor classifies a response. An ERROR_NOT_FOUND action is NotFound
// whatever the status; a 2xx response that carries an ERROR_ action or
// success=false is a refusal classified by its action type.
func outcomeFor(op vimbiso.CallOp, status int, actionType string, refused bool) vimbiso.Outcome {
	if actionType == "ERROR_NOT_FOUND" {
		return vimbiso.OutcomeNotFound
	}
	switch {
	case status >= 200 && status <= 299:
		if !strings.HasPrefix(actionType, "ERROR_") && !refused {
			return vimbiso.OutcomeOK
		}
		switch actionType {
		case "ERROR_UNAUTHORIZED":
			return vimbiso.OutcomeForbidden
		case "ERROR_INTERNAL":
			return vimbiso.OutcomeUnavailable
		}
		return vimbiso.OutcomeInvalid
	case status == http.StatusUnauthorized:
		if !op.NeedsToken() {
			return vimbiso.OutcomeClient
		}
		return vimbiso.OutcomeUnauthorized
	case status == http.StatusForbidden:
		return vimbiso.OutcomeForbidden
	case status == http.StatusNotFound:
		return vimbiso.OutcomeNotFound
	case status == http.StatusConflict:
		return vimbiso.OutcomeConflict
	case status == http.StatusTooManyRequests:
		return vimbiso.OutcomeRateLimited
	case status == http.StatusRequestTimeout, status >= 500:
		return vimbiso.OutcomeUnavailable
	case status >= 400:
		return vimbiso.OutcomeInvalid
	}
	return vimbiso.OutcomeUnavailable
}

// reason picks the text to show the user: details.reason, else message,
// else error, else the body when it is plain text. A leading "Error:" is
// dropped and the text is cut to maxReason.
func (a credexResponse) reason(details jsonObject) string {
	text := stringAt(details, "reason")
	if text == "" {
		text = firstString(a.root, "message", "error")
	}
	if text == "" && a.root == nil && !bytes.HasPrefix(bytes.TrimSpace(a.body), []byte("<")) {
		text = string(a.body)
	}
	return cleanReason(text)
}

// cleanReason drops a leading "Error:" and cuts the text to maxReason.
func cleanReason(text string) string {
	text = strings.TrimSpace(text)
	if rest, ok := cutPrefixFold(text, "error:"); ok {
		text = strings.TrimSpace(rest)
	}
	return vimbiso.Truncate(strings.ToValidUTF8(text, ""), maxReason)
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// complete reports whether a successful response carries what the caller
// cannot do without; a response that does not is treated as unreadable.
func complete(res vimbiso.Result, call vimbiso.Call, a credexResponse) bool {
	switch call.Op {
	case vimbiso.CallLogin, vimbiso.CallOnboard:
		return a.token() != ""
	case vimbiso.CallAccountByHandle:
		return res.Account != nil
	case vimbiso.CallMemberByHandle:
		return res.Member != nil
	case vimbiso.CallDashboard:
		return res.Dashboard != nil
	}
	return true
}
