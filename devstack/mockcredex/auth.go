package mockcredex

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// tokenClaims are the claims of a member token. lastActivity and
// absoluteExpiry are Unix milliseconds and iat is Unix seconds.
// NOTE: the units are a guess at what the TypeScript service writes
// (Date.now() and jsonwebtoken's iat). The bot only stores the token.
type tokenClaims struct {
	MemberID       string `json:"memberID"`
	LastActivity   int64  `json:"lastActivity"`
	AbsoluteExpiry int64  `json:"absoluteExpiry"`
	jwt.RegisteredClaims
}

var (
	errAuthRequired = errUnauthorized("Authentication required")
	errInvalidToken = errUnauthorized("Invalid token")
	errTokenExpired = errUnauthorized("Token expired")
)

// checkClientKey compares the x-client-api-key header with the configured
// key in constant time. It returns status 0 when the key is right.
func (s *Server) checkClientKey(r *http.Request) (int, any) {
	if s.cfg.APIKey == "" {
		return http.StatusInternalServerError, map[string]any{"message": "Server configuration error"}
	}
	got := r.Header.Get("x-client-api-key")
	if subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.APIKey)) != 1 {
		return http.StatusUnauthorized, map[string]any{"message": "Unauthorized client"}
	}
	return 0, nil
}

// issueToken signs a new token for a login at now.
func (s *Server) issueToken(memberID string, now time.Time) string {
	return s.signToken(memberID, now.Unix(), now.UnixMilli(), now.Add(s.cfg.TokenMax).UnixMilli())
}

func (s *Server) signToken(memberID string, issuedAt, lastActivity, absoluteExpiry int64) string {
	claims := tokenClaims{
		MemberID:         memberID,
		LastActivity:     lastActivity,
		AbsoluteExpiry:   absoluteExpiry,
		RegisteredClaims: jwt.RegisteredClaims{IssuedAt: jwt.NewNumericDate(time.Unix(issuedAt, 0))},
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(s.tokenKey)
	if err != nil {
		// SignedString fails only for a key of the wrong type, and tokenKey is a []byte.
		panic("mockcredex: sign token: " + err.Error())
	}
	return signed
}

// authenticate checks the bearer token, sets c.actor and returns the
// refreshed token: same iat and absoluteExpiry, lastActivity now.
func (s *Server) authenticate(r *http.Request, c *call) (string, *apiError) {
	// CredEx takes the part after the first space of the header.
	_, raw, found := strings.Cut(r.Header.Get("Authorization"), " ")
	raw = strings.TrimSpace(raw)
	if !found || raw == "" {
		return "", errAuthRequired
	}

	var claims tokenClaims
	_, err := jwt.ParseWithClaims(raw, &claims, func(*jwt.Token) (any, error) { return s.tokenKey, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithoutClaimsValidation())
	if err != nil {
		return "", errInvalidToken
	}

	nowMilli := c.now.UnixMilli()
	if nowMilli-claims.LastActivity > s.cfg.TokenIdle.Milliseconds() || nowMilli > claims.AbsoluteExpiry {
		return "", errTokenExpired
	}

	s.mu.Lock()
	m := s.data.members[claims.MemberID]
	s.mu.Unlock()
	if m == nil {
		return "", errInvalidToken
	}
	c.actor = m

	var issuedAt int64
	if claims.IssuedAt != nil {
		issuedAt = claims.IssuedAt.Unix()
	}
	return s.signToken(m.id, issuedAt, nowMilli, claims.AbsoluteExpiry), nil
}
