package persistence

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vimbisopay/vimbiso"
)

// Defaults for the zero fields of Options.
const (
	DefaultSessionTTL   = 300 * time.Second
	DefaultDedupeTTL    = 48 * time.Hour
	DefaultTokenTTL     = 5 * time.Minute
	DefaultDashboardTTL = 10 * time.Minute

	// lastSeenTTL is how long a snapshot outlives its session, so that the
	// active account is remembered for a day after the last message.
	lastSeenTTL = 24 * time.Hour
)

// Options sets expiry times. A zero or negative field takes its default.
type Options struct {
	// SessionTTL is how long a conversation lives after its last input.
	// The snapshot key lives SessionTTL+24h, and the account index
	// SessionTTL.
	SessionTTL time.Duration
	// DedupeTTL is how long a message id is remembered after it is first
	// accepted. A redelivery after that is stored again.
	DedupeTTL time.Duration
	// TokenTTL is how long a CredEx token lives after its last save.
	TokenTTL time.Duration
	// DashboardTTL is how long a cached dashboard lives.
	DashboardTTL time.Duration
	// Now returns the current time for the account index; nil means
	// time.Now. Key expiry always follows the Redis server's clock.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.SessionTTL <= 0 {
		o.SessionTTL = DefaultSessionTTL
	}
	if o.DedupeTTL <= 0 {
		o.DedupeTTL = DefaultDedupeTTL
	}
	if o.TokenTTL <= 0 {
		o.TokenTTL = DefaultTokenTTL
	}
	if o.DashboardTTL <= 0 {
		o.DashboardTTL = DefaultDashboardTTL
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Store is the Redis store of conversations. It is safe for concurrent use.
type Store struct {
	state redis.UniversalClient // durable: AOF, noeviction
	cache redis.UniversalClient // lossy; may be the same client as state
	opts  Options
}

// New returns a Store on the given clients and takes ownership of them:
// Close closes them. A nil cache means that state also serves the cache.
func New(state, cache redis.UniversalClient, opts Options) *Store {
	if cache == nil {
		cache = state
	}
	return &Store{state: state, cache: cache, opts: opts.withDefaults()}
}

// Open connects to the state Redis at stateURL and the cache Redis at
// cacheURL, both in the redis:// or rediss:// form that redis.ParseURL
// reads. An empty cacheURL uses the state Redis for the cache. Open does
// not dial; call Ping to check the servers.
func Open(stateURL, cacheURL string, opts Options) (*Store, error) {
	stateOpts, err := redis.ParseURL(stateURL)
	if err != nil {
		return nil, fmt.Errorf("parse state redis url: %w", redactURL(err, stateURL))
	}
	failFast(stateOpts, stateURL)
	state := redis.NewClient(stateOpts)
	if cacheURL == "" || cacheURL == stateURL {
		// One client for both: SaveTurn then writes the dashboard cache in
		// the same pipeline as the snapshot, one round trip instead of two.
		return New(state, nil, opts), nil
	}

	cacheOpts, err := redis.ParseURL(cacheURL)
	if err != nil {
		_ = state.Close()
		return nil, fmt.Errorf("parse cache redis url: %w", redactURL(err, cacheURL))
	}
	failFast(cacheOpts, cacheURL)
	return New(state, redis.NewClient(cacheOpts), opts), nil
}

// failFast shortens go-redis's retry defaults (3 retries after dial
// attempts of 5 s) unless the URL sets them: the webhook must respond 503
// within about a second when Redis is down, so that Meta redelivers.
func failFast(o *redis.Options, rawURL string) {
	if !strings.Contains(rawURL, "max_retries=") {
		o.MaxRetries = 1
	}
	if !strings.Contains(rawURL, "dial_timeout=") {
		o.DialTimeout = time.Second
	}
}

// Close closes the clients.
func (s *Store) Close() error {
	err := s.state.Close()
	if s.cache != s.state {
		err = errors.Join(err, s.cache.Close())
	}
	return err
}

// Ping sends PING to both Redis servers and returns the first failure.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.state.Ping(ctx).Err(); err != nil {
		return unavailable("ping state redis", err)
	}
	if s.cache == s.state {
		return nil
	}
	if err := s.cache.Ping(ctx).Err(); err != nil {
		return unavailable("ping cache redis", err)
	}
	return nil
}

// unavailable wraps a Redis failure so that callers can test it with
// errors.Is(err, vimbiso.ErrUnavailable) and still see the cause.
func unavailable(op string, err error) error {
	return fmt.Errorf("%s: %w: %w", op, vimbiso.ErrUnavailable, err)
}

// checkUser rejects a user whose key would not be one valid hash tag.
func checkUser(u vimbiso.User) error {
	switch {
	case u.PhoneNumberID == "":
		return errors.New("invalid user: empty phone_number_id")
	case u.WaID == "":
		return errors.New("invalid user: empty wa_id")
	case strings.ContainsAny(u.PhoneNumberID, "{}:"):
		return errors.New("invalid user: phone_number_id contains '{', '}' or ':'")
	case strings.ContainsAny(u.WaID, "{}"):
		return errors.New("invalid user: wa_id contains '{' or '}'")
	}
	return nil
}

// redactURL removes the password of rawURL from a parse error, because
// url.Parse quotes the whole URL in its errors.
func redactURL(err error, rawURL string) error {
	_, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return err
	}
	userinfo, _, ok := strings.Cut(rest, "@")
	if !ok {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), userinfo, "xxxxx"))
}

// EvictionPolicy returns the state Redis' maxmemory-policy. Snapshots and
// inboxes must never be evicted, so anything but noeviction loses
// conversations under memory pressure. Managed services that disable
// CONFIG return an error.
func (s *Store) EvictionPolicy(ctx context.Context) (string, error) {
	res, err := s.state.ConfigGet(ctx, "maxmemory-policy").Result()
	if err != nil {
		return "", unavailable("read maxmemory-policy", err)
	}
	return res["maxmemory-policy"], nil
}
