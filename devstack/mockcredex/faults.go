package mockcredex

import (
	"net/http"
	"time"
)

// fault is an injected failure of the next Times calls to Endpoint ("*"
// matches every endpoint). With only DelayMs set, the calls are delayed and
// then served normally; with nothing set, they fail with 500.
type fault struct {
	Endpoint    string `json:"endpoint"`
	Times       int    `json:"times"`       // default 1
	Status      int    `json:"status"`      // default 500 when the call fails
	DelayMs     int    `json:"delayMs"`     // wait before responding
	Timeout     bool   `json:"timeout"`     // send no response, and hold the request until the client gives up
	AfterCommit bool   `json:"afterCommit"` // run the call, then respond with Status instead of its result
}

// fails reports whether the fault replaces the response.
func (f *fault) fails() bool {
	return f.Status != 0 || f.Timeout || f.AfterCommit
}

// addFault arms f after filling its defaults.
func (s *Server) addFault(f fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	// A fault that neither delays nor names a failure fails with 500.
	if f.Status == 0 && (f.fails() || f.DelayMs <= 0) {
		f.Status = http.StatusInternalServerError
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
	s.log.Info("fault armed", "endpoint", f.Endpoint, "times", f.Times, "status", f.Status)
}

// takeFault uses up one call of the first fault armed for endpoint and
// returns a copy of it, or nil.
func (s *Server) takeFault(endpoint string) *fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Endpoint != endpoint && f.Endpoint != "*" {
			continue
		}
		f.Times--
		if f.Times == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		copied := *f
		return &copied
	}
	return nil
}

// delay waits f.DelayMs, or less when the client leaves or the Server
// closes.
func (s *Server) delay(r *http.Request, f *fault) {
	if f.DelayMs <= 0 {
		return
	}
	t := time.NewTimer(time.Duration(f.DelayMs) * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	case <-s.stop:
	}
}

// hang holds a request until the client gives up or the Server closes, then
// aborts the connection so that the client gets no response at all.
func (s *Server) hang(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.stop:
	}
	panic(http.ErrAbortHandler)
}

// faultReply is the body of an injected failure.
func (s *Server) faultReply(c *call, f *fault) (int, any) {
	if c.legacy {
		return f.Status, map[string]any{"status": "error", "statusCode": f.Status, "message": "Internal server error"}
	}
	e := &apiError{status: f.Status, code: "INTERNAL_ERROR", message: "Internal server error",
		reason: "Injected failure of " + c.endpoint}
	return s.errorReply(c, e)
}
