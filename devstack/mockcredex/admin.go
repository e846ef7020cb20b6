package mockcredex

import (
	"encoding/json"
	"net/http"
	"strings"

	"golang.org/x/time/rate"
)

// adminRoutes serves the /mock/ endpoints. They need no client key, and
// refusals use the bot's common body {"error","details"}.
func (s *Server) adminRoutes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /mock/fail", s.adminAddFault)
	mux.HandleFunc("GET /mock/fail", s.adminListFaults)
	mux.HandleFunc("DELETE /mock/fail", s.adminClearFaults)
	mux.HandleFunc("POST /mock/clock", s.adminClock)
	mux.HandleFunc("POST /mock/reset", s.adminReset)
	mux.HandleFunc("GET /mock/state", s.adminState)
	mux.HandleFunc("GET /mock/mutations", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, nil, map[string]any{"mutations": s.Mutations()})
	})
	mux.HandleFunc("GET /mock/events", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, nil, map[string]any{"events": s.Events()})
	})
	mux.HandleFunc("POST /mock/offers/{credexID}/expire", s.adminExpire)
	mux.HandleFunc("POST /mock/members/{phone}/tier", s.adminSetTier)
	mux.HandleFunc("/mock/", func(w http.ResponseWriter, r *http.Request) {
		writeAdminError(w, http.StatusNotFound, "Unknown mock endpoint: "+r.Method+" "+r.URL.Path, "")
	})
	return mux
}

func (s *Server) adminAddFault(w http.ResponseWriter, r *http.Request) {
	var f fault
	if !decodeAdmin(w, r, &f) {
		return
	}
	if f.Endpoint != "*" {
		if _, ok := routes[strings.TrimPrefix(f.Endpoint, "/")]; !ok {
			writeAdminError(w, http.StatusBadRequest, "Unknown endpoint "+f.Endpoint+": use a CredEx endpoint name such as createCredex, or *", "endpoint")
			return
		}
		f.Endpoint = strings.TrimPrefix(f.Endpoint, "/")
	}
	s.addFault(f)
	s.adminListFaults(w, r)
}

func (s *Server) adminListFaults(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	faults := make([]fault, len(s.faults))
	for i, f := range s.faults {
		faults[i] = *f
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, nil, map[string]any{"faults": faults})
}

func (s *Server) adminClearFaults(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
	s.adminListFaults(w, r)
}

func (s *Server) adminClock(w http.ResponseWriter, r *http.Request) {
	var req struct {
		OffsetDays *int `json:"offsetDays"`
	}
	if !decodeAdmin(w, r, &req) {
		return
	}
	if req.OffsetDays == nil {
		writeAdminError(w, http.StatusBadRequest, "Missing offsetDays: send the number of days to move the business day", "offsetDays")
		return
	}
	s.mu.Lock()
	s.offsetDays = *req.OffsetDays
	today := formatDay(s.todayLocked())
	s.mu.Unlock()
	s.log.Info("business day moved", "offset_days", *req.OffsetDays, "today", today)
	writeJSON(w, http.StatusOK, nil, map[string]any{"offsetDays": *req.OffsetDays, "today": today})
}

// adminReset restores the demo data and clears faults, mutations, events,
// rate-limit buckets and the clock offset. Webhook ids keep counting so that
// the bot's dedupe does not drop events sent after a reset.
func (s *Server) adminReset(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.offsetDays = 0
	s.data = demoLedger(s.now(), s.todayLocked())
	s.faults, s.mutations, s.events, s.queue = nil, nil, nil, nil
	s.limiters = make(map[string]*rate.Limiter)
	s.mu.Unlock()
	s.log.Info("demo data reset")
	writeJSON(w, http.StatusOK, nil, map[string]any{"status": "reset"})
}

func (s *Server) adminExpire(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("credexID")
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.data.offers[id]
	if o == nil {
		writeAdminError(w, http.StatusNotFound, "Credex not found: "+id, "credexID")
		return
	}
	if o.state != statePending {
		writeAdminError(w, http.StatusConflict, "Credex "+id+" is "+string(o.state)+", not pending", "credexID")
		return
	}
	now := s.now()
	s.data.closeOffer(o, stateExpired, now, s.todayLocked())
	s.emitOfferLocked(o, stateExpired, now)
	writeJSON(w, http.StatusOK, nil, map[string]any{"credexID": id, "state": string(o.state)})
}

func (s *Server) adminSetTier(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Tier int `json:"tier"`
	}
	if !decodeAdmin(w, r, &req) {
		return
	}
	if req.Tier < 1 {
		writeAdminError(w, http.StatusBadRequest, "Invalid tier: must be 1 or more", "tier")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.data.memberByPhone(r.PathValue("phone"))
	if m == nil {
		writeAdminError(w, http.StatusNotFound, "Member not found: no member with phone "+r.PathValue("phone"), "phone")
		return
	}
	s.setTierLocked(m, req.Tier, s.now())
	writeJSON(w, http.StatusOK, nil, map[string]any{"memberID": m.id, "tier": m.tier})
}

// decodeAdmin decodes an admin request body. It writes a 400 response and
// returns false when the body is not valid JSON.
func decodeAdmin(w http.ResponseWriter, r *http.Request, dst any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes)).Decode(dst); err != nil {
		writeAdminError(w, http.StatusBadRequest, "Invalid JSON body: "+err.Error(), "")
		return false
	}
	return true
}

func writeAdminError(w http.ResponseWriter, status int, message, field string) {
	details := map[string]any{}
	if field != "" {
		details["field"] = field
	}
	writeJSON(w, status, nil, map[string]any{"error": message, "details": details})
}
