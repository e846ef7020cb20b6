package mockcredex

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"time"
)

const (
	shapesCurrent = "current"
	shapesLegacy  = "legacy"

	maxBodyBytes = 1 << 20
)

// authKind names the credentials a route requires besides the rate limit.
type authKind int

const (
	authKey   authKind = iota // the client API key only
	authToken                 // the client API key and a member token
)

// route is one CredEx endpoint.
type route struct {
	auth     authKind
	mutation bool // recorded in Mutations with its Idempotency-Key
	handle   handler
}

// handler serves one endpoint. It runs with Server.mu held, so it must not
// block. Webhooks are queued with emitLocked and sent later.
type handler func(s *Server, c *call) (reply, *apiError)

// call is the parsed request passed to a handler.
type call struct {
	endpoint string
	legacy   bool      // serve the legacy shapes
	now      time.Time // wall clock, UTC
	today    time.Time // business day, midnight UTC
	actor    *member   // the token's member; nil on key-only endpoints
	body     []byte
}

// reply is a handler's success response. Its body is encoded as JSON.
type reply struct {
	status int
	body   any
}

var routes = map[string]route{
	"login":                     {authKey, false, handleLogin},
	"onboardMember":             {authKey, true, handleOnboardMember},
	"getMemberDashboardByPhone": {authToken, false, handleDashboardByPhone},
	"getAccountByHandle":        {authToken, false, handleAccountByHandle},
	"getMemberByHandle":         {authToken, false, handleMemberByHandle},
	"createCredex":              {authToken, true, handleCreateCredex},
	"acceptCredex":              {authToken, true, handleAcceptCredex},
	"acceptCredexBulk":          {authToken, true, handleAcceptCredexBulk},
	"declineCredex":             {authToken, true, handleDeclineCredex},
	"cancelCredex":              {authToken, true, handleCancelCredex},
	"getCredex":                 {authToken, false, handleGetCredex},
	"getLedger":                 {authToken, false, handleGetLedger},
	"authorizeForAccount":       {authToken, true, handleAuthorizeForAccount},
	"unauthorizeForAccount":     {authToken, true, handleUnauthorizeForAccount},
	"updateSendOffersTo":        {authToken, true, handleUpdateSendOffersTo},
	"createRecurring":           {authToken, true, handleCreateRecurring},
	"authForTierSpendLimit":     {authToken, false, handleAuthForTierSpendLimit},
	"devadmin/gimmeSecured":     {authKey, true, handleGimmeSecured},
}

// ServeHTTP serves the CredEx endpoints and the /mock/ admin endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/mock/") {
		s.admin.ServeHTTP(w, r)
		return
	}

	// The real limiter runs before routing and authentication.
	if retryAfter, ok := s.allowRequest(r); !ok {
		writeRateLimited(w, retryAfter)
		return
	}

	name := strings.TrimPrefix(r.URL.Path, "/")
	rt, ok := routes[name]
	if !ok || r.Method != http.MethodPost {
		writeJSON(w, http.StatusNotFound, nil, map[string]any{"message": "Not found: " + r.Method + " " + r.URL.Path})
		return
	}

	c := &call{endpoint: name, legacy: s.legacyShapes(r), now: s.now()}
	out := s.serveCall(w, r, rt, c)
	if rt.mutation {
		status := out.status
		if out.hang {
			status = 0 // no answer
		}
		s.recordMutation(name, r.Header.Get("Idempotency-Key"), status, out.committed)
	}
	if out.hang {
		s.hang(r)
	}
	s.log.Debug("credex request", "endpoint", name, "status", out.status)
	writeJSON(w, out.status, out.header, out.body)
}

// outcome is the result of serving one call.
type outcome struct {
	status    int
	body      any
	header    http.Header // the refreshed token, on authenticated calls
	committed bool        // the handler ran and succeeded, so its effect happened
	hang      bool        // a timeout fault, so no response is sent
}

// serveCall runs the client key check, the body read, authentication, the
// fault if one is armed, and the handler.
func (s *Server) serveCall(w http.ResponseWriter, r *http.Request, rt route, c *call) outcome {
	if status, body := s.checkClientKey(r); status != 0 {
		return outcome{status: status, body: body}
	}

	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		status, body := s.errorReply(c, errValidation("", "Invalid request body: "+err.Error()))
		return outcome{status: status, body: body}
	}
	c.body = raw

	var out outcome
	if rt.auth == authToken {
		token, e := s.authenticate(r, c)
		if e != nil {
			out.status, out.body = s.errorReply(c, e)
			return out
		}
		out.header = http.Header{"Authorization": {"Bearer " + token}}
	}

	f := s.takeFault(c.endpoint)
	if f != nil {
		s.delay(r, f)
	}
	if f != nil && f.fails() && !f.AfterCommit {
		out.status, out.body = s.faultReply(c, f)
		out.hang = f.Timeout
		return out
	}

	s.mu.Lock()
	c.today = s.todayLocked()
	rep, e := s.runHandlerLocked(rt, c)
	s.mu.Unlock()

	switch {
	case e != nil:
		out.status, out.body = s.errorReply(c, e)
	default:
		out.status, out.body, out.committed = rep.status, rep.body, true
	}
	if f != nil && f.AfterCommit {
		out.status, out.body = s.faultReply(c, f)
		out.hang = f.Timeout
	}
	return out
}

// runHandlerLocked runs the handler. The token's member is looked up again
// because a reset may have replaced the data since authentication.
func (s *Server) runHandlerLocked(rt route, c *call) (reply, *apiError) {
	if c.actor != nil {
		c.actor = s.data.members[c.actor.id]
		if c.actor == nil {
			return reply{}, errInvalidToken
		}
	}
	return rt.handle(s, c)
}

// legacyShapes reports whether the request gets the legacy shapes. The
// X-Mock-Shapes header overrides the configured default for one request.
func (s *Server) legacyShapes(r *http.Request) bool {
	switch strings.ToLower(r.Header.Get("X-Mock-Shapes")) {
	case shapesLegacy:
		return true
	case shapesCurrent:
		return false
	}
	return s.cfg.Shapes == shapesLegacy
}

// decodeBody decodes the request body into dst, a pointer to a struct.
// Fields whose names are not exactly one of dst's JSON names are dropped
// first, as CredEx's validation strips fields its schema does not name.
// (encoding/json alone would match names case-insensitively, so a bot
// sending "denomination" for "Denomination" would pass here and fail at
// CredEx.)
func decodeBody(c *call, dst any) *apiError {
	if len(strings.TrimSpace(string(c.body))) == 0 {
		return nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(c.body, &fields); err != nil {
		return errValidation("", "Invalid JSON body: "+err.Error())
	}
	known := jsonNames(dst)
	for name := range fields {
		if !known[name] {
			delete(fields, name)
		}
	}

	stripped, err := json.Marshal(fields)
	if err != nil {
		return errValidation("", "Invalid JSON body: "+err.Error())
	}
	err = json.Unmarshal(stripped, dst)
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		return errValidation(te.Field, "Invalid value for "+te.Field+": expected "+te.Type.String())
	}
	if err != nil {
		return errValidation("", "Invalid JSON body: "+err.Error())
	}
	return nil
}

// jsonNames returns the JSON field names of the struct dst points to.
func jsonNames(dst any) map[string]bool {
	t := reflect.TypeOf(dst).Elem()
	names := make(map[string]bool, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "" {
			name = t.Field(i).Name
		}
		names[name] = true
	}
	return names
}

// writeJSON writes body as JSON with the given status and extra headers.
func writeJSON(w http.ResponseWriter, status int, header http.Header, body any) {
	for k, v := range header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}
