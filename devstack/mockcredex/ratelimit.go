package mockcredex

import (
	"net"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/time/rate"
)

// rateLimitText is CredEx's plain-text 429 body.
const rateLimitText = "Too many requests, please try again later"

// allowRequest takes one token from the bucket of the client IP. It returns
// false and the seconds to wait when the bucket is empty. With
// Config.RateLimit 0 every request is allowed.
func (s *Server) allowRequest(r *http.Request) (int, bool) {
	perMinute := s.cfg.RateLimit
	if perMinute <= 0 {
		return 0, true
	}
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	lim := s.limiters[ip]
	if lim == nil {
		// NOTE: buckets are never dropped, which is fine for the few client IPs of a dev setup.
		lim = rate.NewLimiter(rate.Every(time.Minute/time.Duration(perMinute)), perMinute)
		s.limiters[ip] = lim
	}
	now := s.now()
	if lim.AllowN(now, 1) {
		return 0, true
	}
	wait := time.Minute / time.Duration(perMinute)
	return int((wait + time.Second - 1) / time.Second), false
}

func writeRateLimited(w http.ResponseWriter, retryAfter int) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	w.WriteHeader(http.StatusTooManyRequests)
	w.Write([]byte(rateLimitText))
}
