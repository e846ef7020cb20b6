package mockcredex

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

const (
	shapesCurrent = "current"
	shapesLegacy  = "legacy"

	maxBodyBytes = 1 << 20
)

// authKind says what a route requires besides the rate limit.
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
// block; webhooks are queued with emitLocked and sent later.
type handler func(s *Server, c *call) (reply, *apiError)

// call is one request as a handler sees it.
type call struct {
	endpoint string
	legacy   bool      // serve the legacy shapes
	now      time.Time // wall clock, UTC
	today    time.Time // business day, midnight UTC
	actor    *member   // the token's member; nil on key-only endpoints
	body     []byte
}

// reply is a handler's success answer; body is encoded as JSON.
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
	status, body, header := s.serveCall(w, r, rt, c)
	if rt.mutation {
		s.recordMutation(name, r.Header.Get("Idempotency-Key"), status)
	}
	s.log.Debug("credex request", "endpoint", name, "status", status)
	writeJSON(w, status, header, body)
}

// serveCall runs the checks, the fault if one is armed, and the handler.
// It returns the status, the body and the refreshed token header.
func (s *Server) serveCall(w http.ResponseWriter, r *http.Request, rt route, c *call) (int, any, http.Header) {
	if status, body := s.checkClientKey(r); status != 0 {
		return status, body, nil
	}

	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		e := errValidation("", "Invalid request body: "+err.Error())
		st, body := s.errorReply(c, e)
		return st, body, nil
	}
	c.body = raw

	var header http.Header
	if rt.auth == authToken {
		token, e := s.authenticate(r, c)
		if e != nil {
			st, body := s.errorReply(c, e)
			return st, body, nil
		}
		header = http.Header{"Authorization": {"Bearer " + token}}
	}

	f := s.takeFault(c.endpoint)
	if f != nil && !f.AfterCommit {
		s.applyFault(r, f)
		st, body := s.faultReply(c, f)
		return st, body, header
	}

	s.mu.Lock()
	c.today = s.todayLocked()
	rep, e := s.runHandlerLocked(rt, c)
	s.mu.Unlock()

	if f != nil {
		s.applyFault(r, f)
		st, body := s.faultReply(c, f)
		return st, body, header
	}
	if e != nil {
		st, body := s.errorReply(c, e)
		return st, body, header
	}
	return rep.status, rep.body, header
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

// decodeBody decodes the request body into dst. Fields that dst does not name
// are dropped, as CredEx's validation strips fields its schema does not name.
func decodeBody(c *call, dst any) *apiError {
	if len(strings.TrimSpace(string(c.body))) == 0 {
		return nil
	}
	err := json.Unmarshal(c.body, dst)
	if err == nil {
		return nil
	}
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		return errValidation(te.Field, "Invalid value for "+te.Field+": expected "+te.Type.String())
	}
	return errValidation("", "Invalid JSON body: "+err.Error())
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
