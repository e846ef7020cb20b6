package persistence

import (
	"context"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/vimbisopay/vimbiso"
)

// IndexAccounts records that u holds the accounts accountIDs in a live
// session, until SessionTTL from now. Each account keeps a sorted set of
// user keys scored by the time, in Unix ms, at which the entry expires, so
// an entry ends with the session even while other users of the account
// keep the key alive. All accounts are written in one pipelined round trip.
func (s *Store) IndexAccounts(ctx context.Context, u vimbiso.User, accountIDs []string) error {
	if err := checkUser(u); err != nil {
		return fmt.Errorf("index accounts: %w", err)
	}
	if len(accountIDs) == 0 {
		return nil
	}
	expires := s.opts.Now().Add(s.opts.SessionTTL).UnixMilli()

	pipe := s.state.Pipeline()
	for _, id := range accountIDs {
		if id == "" {
			continue
		}
		key := keyAccountUsers(id)
		pipe.ZAdd(ctx, key, redis.Z{Score: float64(expires), Member: u.Key()})
		pipe.PExpire(ctx, key, s.opts.SessionTTL)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return unavailable("index accounts of user "+u.Hash(), err)
	}
	return nil
}

// UsersOfAccount returns the users that hold accountID in a live session,
// and removes the expired entries of the account.
func (s *Store) UsersOfAccount(ctx context.Context, accountID string) ([]vimbiso.User, error) {
	key := keyAccountUsers(accountID)
	now := strconv.FormatInt(s.opts.Now().UnixMilli(), 10)

	pipe := s.state.Pipeline()
	pipe.ZRemRangeByScore(ctx, key, "-inf", now)
	members := pipe.ZRangeByScore(ctx, key, &redis.ZRangeBy{Min: "(" + now, Max: "+inf"})
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, unavailable("read users of account", err)
	}

	users := make([]vimbiso.User, 0, len(members.Val()))
	for _, m := range members.Val() {
		if u, ok := parseUserKey(m); ok {
			users = append(users, u)
		}
	}
	return users, nil
}
