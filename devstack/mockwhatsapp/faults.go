package mockwhatsapp

import (
	"encoding/json"
	"net/http"
	"sync"
)

// fault makes the next Times sends to To (anyone when To is empty) fail or
// wait. The JSON form is the body of POST /mock/faults.
type fault struct {
	To         string `json:"to,omitempty"`
	Times      int    `json:"times"`                 // sends left; 1 when not given
	HTTPStatus int    `json:"http_status,omitempty"` // default from Code
	Code       int    `json:"code,omitempty"`        // Graph error code
	Details    string `json:"details,omitempty"`     // error_data.details
	RetryAfter int    `json:"retry_after,omitempty"` // seconds, sent as Retry-After
	DelayMS    int    `json:"delay_ms,omitempty"`    // wait before responding
	AsStatus   bool   `json:"as_status,omitempty"`   // accept, then post a failed status
}

// fails reports whether f makes the send fail, at once or as a failed
// status. A fault with only DelayMS slows the send down and lets it pass.
func (f fault) fails() bool {
	return f.Code != 0 || f.HTTPStatus != 0 || f.AsStatus || f.DelayMS == 0
}

// graphError returns the error f injects, with its HTTP status.
func (f fault) graphError() (int, *GraphError) {
	code := f.Code
	if code == 0 {
		code = codeUnknown
	}
	status := f.HTTPStatus
	if status == 0 {
		status = defaultHTTPStatus(code)
	}
	details := f.Details
	if details == "" {
		details = "failure injected by POST /mock/faults"
	}
	return status, newGraphError(code, details)
}

// faults is the list of pending faults, oldest first. It is safe for
// concurrent use.
type faults struct {
	mu   sync.Mutex
	list []fault
}

// take returns the oldest fault that matches a send to user and uses one of
// its times.
func (fs *faults) take(user string) (fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()

	for i, f := range fs.list {
		if f.To != "" && f.To != user {
			continue
		}
		fs.list[i].Times--
		if fs.list[i].Times <= 0 {
			fs.list = append(fs.list[:i], fs.list[i+1:]...)
		}
		return f, true
	}
	return fault{}, false
}

func (fs *faults) add(f fault) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = append(fs.list, f)
}

func (fs *faults) snapshot() []fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]fault{}, fs.list...)
}

func (fs *faults) clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = nil
}

// handleAddFault serves POST /mock/faults.
func (s *Server) handleAddFault(w http.ResponseWriter, r *http.Request) {
	f := fault{Times: 1}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestBytes)).Decode(&f); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error(), nil)
		return
	}
	if field, problem := checkFault(f); field != "" {
		writeError(w, http.StatusBadRequest, "invalid fault: "+problem, map[string]any{"field": field})
		return
	}
	s.faults.add(f)
	writeJSON(w, http.StatusOK, map[string][]fault{"faults": s.faults.snapshot()})
}

// checkFault returns the invalid field of f and why, or two empty strings.
func checkFault(f fault) (field, problem string) {
	switch {
	case f.Times < 1:
		return "times", "times must be at least 1"
	case f.HTTPStatus != 0 && (f.HTTPStatus < 400 || f.HTTPStatus > 599):
		return "http_status", "http_status must be between 400 and 599"
	case f.Code < 0:
		return "code", "code must not be negative"
	case f.RetryAfter < 0:
		return "retry_after", "retry_after must not be negative"
	case f.DelayMS < 0 || f.DelayMS > 120_000:
		return "delay_ms", "delay_ms must be between 0 and 120000"
	}
	return "", ""
}

// handleListFaults serves GET /mock/faults.
func (s *Server) handleListFaults(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string][]fault{"faults": s.faults.snapshot()})
}

// handleClearFaults serves DELETE /mock/faults.
func (s *Server) handleClearFaults(w http.ResponseWriter, r *http.Request) {
	s.faults.clear()
	writeJSON(w, http.StatusOK, map[string][]fault{"faults": {}})
}
