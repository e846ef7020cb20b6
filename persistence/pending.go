package persistence

import (
	"context"
	"fmt"

	"github.com/vimbisopay/vimbiso"
)

// PendingUsers returns the users that may have input in their inbox: every
// user added by Accept and not yet removed by Idle. A member that is not a
// valid user key is skipped and reported in the error, next to the valid
// users.
func (s *Store) PendingUsers(ctx context.Context) ([]vimbiso.User, error) {
	var (
		users []vimbiso.User
		bad   int
	)
	iter := s.state.SScan(ctx, keyPending, 0, "", 1000).Iterator()
	for iter.Next(ctx) {
		u, ok := parseUserKey(iter.Val())
		if !ok {
			bad++
			continue
		}
		users = append(users, u)
	}
	if err := iter.Err(); err != nil {
		return nil, unavailable("scan pending users", err)
	}
	if bad > 0 {
		return users, fmt.Errorf("scan pending users: skipped %d members of %s that are not <phone_number_id>:<wa_id>", bad, keyPending)
	}
	return users, nil
}

// Idle removes u from the pending set, then adds it back if its inbox is
// not empty. An actor calls it when it stops with an empty inbox. The
// order matters: Accept appends before it adds to the set, so an input
// accepted during Idle is either seen by the length check or re-adds the
// user after the removal.
func (s *Store) Idle(ctx context.Context, u vimbiso.User) error {
	if err := checkUser(u); err != nil {
		return fmt.Errorf("idle: %w", err)
	}

	if err := s.state.SRem(ctx, keyPending, u.Key()).Err(); err != nil {
		return unavailable("idle: remove pending user", err)
	}
	n, err := s.state.XLen(ctx, keysOf(u).inbox).Result()
	if err != nil {
		return unavailable("idle: read inbox length", err)
	}
	if n == 0 {
		return nil
	}
	if err := s.state.SAdd(ctx, keyPending, u.Key()).Err(); err != nil {
		return unavailable("idle: add pending user", err)
	}
	return nil
}
