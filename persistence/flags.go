package persistence

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vimbisopay/vimbiso"
)

// alertsOff is the value of the alerts key of a user who turned alerts off.
const alertsOff = "off"

// ClaimOnce claims id for ttl and reports whether this call made the claim:
// true the first time, false while the claim lives. Claims are global, not
// per user.
func (s *Store) ClaimOnce(ctx context.Context, id string, ttl time.Duration) (bool, error) {
	if id == "" {
		return false, errors.New("claim: empty id")
	}
	if ttl <= 0 {
		return false, fmt.Errorf("claim: ttl %v is not positive", ttl)
	}
	ok, err := s.state.SetNX(ctx, keyClaim(id), 1, ttl).Result()
	if err != nil {
		return false, unavailable("claim", err)
	}
	return ok, nil
}

// Claimed reports whether id is claimed now, without claiming it.
func (s *Store) Claimed(ctx context.Context, id string) (bool, error) {
	n, err := s.state.Exists(ctx, keyClaim(id)).Result()
	if err != nil {
		return false, unavailable("read claim", err)
	}
	return n > 0, nil
}

// SetAlerts turns u's notifications on or off. The setting does not
// expire. On is the default, so turning alerts on deletes the key.
func (s *Store) SetAlerts(ctx context.Context, u vimbiso.User, on bool) error {
	if err := checkUser(u); err != nil {
		return fmt.Errorf("set alerts: %w", err)
	}
	key := keysOf(u).alerts

	var err error
	if on {
		err = s.state.Del(ctx, key).Err()
	} else {
		err = s.state.Set(ctx, key, alertsOff, 0).Err()
	}
	if err != nil {
		return unavailable("set alerts of user "+u.Hash(), err)
	}
	return nil
}

// AlertsOn reports whether u gets notifications; true unless u turned them
// off.
func (s *Store) AlertsOn(ctx context.Context, u vimbiso.User) (bool, error) {
	if err := checkUser(u); err != nil {
		return false, fmt.Errorf("read alerts: %w", err)
	}
	v, err := s.state.Get(ctx, keysOf(u).alerts).Result()
	if errors.Is(err, redis.Nil) {
		return true, nil
	}
	if err != nil {
		return false, unavailable("read alerts of user "+u.Hash(), err)
	}
	return v != alertsOff, nil
}

// businessNumberTTL is how long the business number a person last wrote to
// is remembered. Past it, notifications go out from the default number.
const businessNumberTTL = 90 * 24 * time.Hour

// SetLastBusinessNumber records the business number that waID last wrote
// to, so that notifications go out from it. Accept records it too, for
// every WhatsApp message.
func (s *Store) SetLastBusinessNumber(ctx context.Context, waID, phoneNumberID string) error {
	if waID == "" || phoneNumberID == "" {
		return errors.New("set last business number: empty wa_id or phone_number_id")
	}
	if err := s.state.Set(ctx, keyBusiness(waID), phoneNumberID, businessNumberTTL).Err(); err != nil {
		return unavailable("set last business number", err)
	}
	return nil
}

// LastBusinessNumber returns the phone_number_id that waID last wrote to,
// or an error wrapping vimbiso.ErrNotFound when none is recorded.
func (s *Store) LastBusinessNumber(ctx context.Context, waID string) (string, error) {
	pn, err := s.state.Get(ctx, keyBusiness(waID)).Result()
	if errors.Is(err, redis.Nil) {
		return "", fmt.Errorf("last business number of %s: %w", vimbiso.MaskPhone(waID), vimbiso.ErrNotFound)
	}
	if err != nil {
		return "", unavailable("read last business number", err)
	}
	return pn, nil
}
