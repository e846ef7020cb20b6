package persistence

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vimbisopay/vimbiso"
)

// cachedDashboard is the JSON stored in the dashboard key.
type cachedDashboard struct {
	At        time.Time          `json:"at"`
	Dashboard *vimbiso.Dashboard `json:"d"`
}

// SaveDashboard caches d, fetched from CredEx at at, on the cache Redis for
// DashboardTTL.
func (s *Store) SaveDashboard(ctx context.Context, u vimbiso.User, d *vimbiso.Dashboard, at time.Time) error {
	if err := checkUser(u); err != nil {
		return fmt.Errorf("save dashboard: %w", err)
	}
	if d == nil {
		return errors.New("save dashboard: nil dashboard")
	}
	data, err := json.Marshal(cachedDashboard{At: at, Dashboard: d})
	if err != nil {
		return fmt.Errorf("save dashboard of user %s: encode: %w", u.Hash(), err)
	}

	if err := s.cache.Set(ctx, keyDashboard(u), data, s.opts.DashboardTTL).Err(); err != nil {
		return unavailable("save dashboard of user "+u.Hash(), err)
	}
	return nil
}

// LoadDashboard returns u's cached dashboard and when it was fetched, or an
// error wrapping vimbiso.ErrNotFound when none is cached. A cached value
// that does not decode is also reported as not found, after it is deleted,
// because the cache may always be refilled from CredEx.
func (s *Store) LoadDashboard(ctx context.Context, u vimbiso.User) (*vimbiso.Dashboard, time.Time, error) {
	if err := checkUser(u); err != nil {
		return nil, time.Time{}, fmt.Errorf("load dashboard: %w", err)
	}
	key := keyDashboard(u)

	data, err := s.cache.Get(ctx, key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, time.Time{}, fmt.Errorf("load dashboard of user %s: %w", u.Hash(), vimbiso.ErrNotFound)
	}
	if err != nil {
		return nil, time.Time{}, unavailable("load dashboard of user "+u.Hash(), err)
	}

	var c cachedDashboard
	if err := json.Unmarshal(data, &c); err != nil || c.Dashboard == nil {
		_ = s.cache.Del(ctx, key).Err() // a failure leaves the value to expire
		return nil, time.Time{}, fmt.Errorf("load dashboard of user %s: cached value does not decode: %w", u.Hash(), vimbiso.ErrNotFound)
	}
	return c.Dashboard, c.At, nil
}

// DropDashboard deletes u's cached dashboard, after a change that makes it
// stale. Dropping a dashboard that is not cached is not an error.
func (s *Store) DropDashboard(ctx context.Context, u vimbiso.User) error {
	if err := checkUser(u); err != nil {
		return fmt.Errorf("drop dashboard: %w", err)
	}
	if err := s.cache.Del(ctx, keyDashboard(u)).Err(); err != nil {
		return unavailable("drop dashboard of user "+u.Hash(), err)
	}
	return nil
}
