package persistence

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vimbisopay/vimbiso"
)

// ErrSnapshotSchema reports a stored snapshot whose schema this build
// cannot read: one written by a newer build, or an older schema with no
// migration. The snapshot is left as it is.
var ErrSnapshotSchema = errors.New("unsupported snapshot schema")

// migrations turn the JSON of a snapshot of schema n into schema n+1,
// keyed by n. Add one whenever vimbiso.SnapshotSchema is bumped.
var migrations = map[int]func([]byte) ([]byte, error){}

// Snapshot hash fields.
const (
	fieldVersion = "v"
	fieldData    = "d"
)

// saveScript is the compare-and-set of a snapshot, together with the token
// and the removal of handled inputs.
//
// KEYS[1] snapshot hash, KEYS[2] token, KEYS[3] inbox stream.
// ARGV[1] expected version, ARGV[2] snapshot JSON, ARGV[3] snapshot
// lifetime in ms, ARGV[4] token or "" to delete it, ARGV[5] token lifetime
// in ms, ARGV[6...] inbox ids to delete.
// Returns {1, new version} or, on a version mismatch, {0, stored version}.
//
// XDEL comes first among the writes because it is the only one that can
// reject its arguments, and Redis does not undo the writes of a script
// that fails half-way. Ids are sent in chunks to stay within Lua's limit
// on unpack.
var saveScript = redis.NewScript(`
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if v ~= tonumber(ARGV[1]) then
  return {0, v}
end
if #ARGV > 5 then
  for i = 6, #ARGV, 1000 do
    redis.call('XDEL', KEYS[3], unpack(ARGV, i, math.min(i + 999, #ARGV)))
  end
  if redis.call('XLEN', KEYS[3]) == 0 then
    redis.call('DEL', KEYS[3])
  end
end
redis.call('HSET', KEYS[1], 'v', v + 1, 'd', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if ARGV[4] == '' then
  redis.call('DEL', KEYS[2])
else
  redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[5])
end
return {1, v + 1}
`)

// Loaded is the state an activation starts from: the snapshot, the CredEx
// token ("" if none) and the pending inputs in inbox order. Unreadable
// lists inbox ids whose entries could not be decoded. Pass them to Save
// with the handled ids to drop them.
type Loaded struct {
	Snapshot   vimbiso.Snapshot
	Token      string
	Pending    []vimbiso.InboxItem
	Unreadable []string
}

// Load reads u's snapshot, token and pending inputs in one pipelined round
// trip. A missing snapshot is not an error: Load returns a zero Snapshot
// with the current Schema and Version 0.
func (s *Store) Load(ctx context.Context, u vimbiso.User) (Loaded, error) {
	if err := checkUser(u); err != nil {
		return Loaded{}, fmt.Errorf("load: %w", err)
	}
	k := keysOf(u)

	pipe := s.state.Pipeline()
	snapCmd := pipe.HMGet(ctx, k.snap, fieldVersion, fieldData)
	tokenCmd := pipe.Get(ctx, k.token)
	inboxCmd := pipe.XRange(ctx, k.inbox, "-", "+")
	_, _ = pipe.Exec(ctx) // each command keeps its own error
	for _, c := range []redis.Cmder{snapCmd, tokenCmd, inboxCmd} {
		if err := c.Err(); err != nil && !errors.Is(err, redis.Nil) {
			return Loaded{}, unavailable("load user "+u.Hash(), err)
		}
	}

	snap, err := decodeSnapshotHash(snapCmd.Val())
	if err != nil {
		return Loaded{}, fmt.Errorf("load snapshot of user %s: %w", u.Hash(), err)
	}
	pending, unreadable := decodeInbox(u, inboxCmd.Val())
	return Loaded{
		Snapshot:   snap,
		Token:      tokenCmd.Val(),
		Pending:    pending,
		Unreadable: unreadable,
	}, nil
}

// Save stores snap as the next version of u's snapshot, stores token (""
// deletes it) and deletes the inbox entries done, in one Lua script. It
// returns an error wrapping vimbiso.ErrVersionConflict, and changes
// nothing, when the stored version is not snap.Version. On success
// snap.Version is incremented to the stored version.
//
// The snapshot key expires SessionTTL+24h after the save, the token
// TokenTTL after it.
func (s *Store) Save(ctx context.Context, u vimbiso.User, snap *vimbiso.Snapshot, token string, done ...string) error {
	keys, args, err := s.saveArgs(u, snap, token, done)
	if err != nil {
		return err
	}
	reply, err := saveScript.Run(ctx, s.state, keys, args...).Int64Slice()
	return saveResult(u, snap, reply, err)
}

// saveArgs checks a save's input and builds the save script's keys and
// arguments.
func (s *Store) saveArgs(u vimbiso.User, snap *vimbiso.Snapshot, token string, done []string) ([]string, []any, error) {
	if err := checkUser(u); err != nil {
		return nil, nil, fmt.Errorf("save: %w", err)
	}
	if snap == nil {
		return nil, nil, errors.New("save: nil snapshot")
	}
	for _, id := range done {
		if err := checkStreamID(id); err != nil {
			return nil, nil, fmt.Errorf("save snapshot of user %s: %w", u.Hash(), err)
		}
	}
	data, err := encodeSnapshot(snap)
	if err != nil {
		return nil, nil, fmt.Errorf("save snapshot of user %s: %w", u.Hash(), err)
	}

	k := keysOf(u)
	args := make([]any, 0, 5+len(done))
	args = append(args,
		snap.Version,
		data,
		(s.opts.SessionTTL + lastSeenTTL).Milliseconds(),
		token,
		s.opts.TokenTTL.Milliseconds(),
	)
	for _, id := range done {
		args = append(args, id)
	}
	return []string{k.snap, k.token, k.inbox}, args, nil
}

// saveResult reads the save script's reply and sets snap's new version.
func saveResult(u vimbiso.User, snap *vimbiso.Snapshot, reply []int64, err error) error {
	if err != nil {
		return unavailable("save snapshot of user "+u.Hash(), err)
	}
	if len(reply) != 2 {
		return unavailable("save snapshot of user "+u.Hash(), fmt.Errorf("script returned %d values, want 2", len(reply)))
	}
	if reply[0] == 0 {
		return fmt.Errorf("save snapshot of user %s: stored version %d, loaded version %d: %w",
			u.Hash(), reply[1], snap.Version, vimbiso.ErrVersionConflict)
	}
	snap.Version = reply[1]
	return nil
}

// encodeSnapshot returns the compact JSON of snap under the current schema.
func encodeSnapshot(snap *vimbiso.Snapshot) (string, error) {
	c := *snap
	c.Schema = vimbiso.SnapshotSchema
	data, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("encode snapshot: %w", err)
	}
	return string(data), nil
}

// decodeSnapshotHash decodes the values of HMGET v d.
func decodeSnapshotHash(vals []any) (vimbiso.Snapshot, error) {
	if len(vals) != 2 || vals[0] == nil {
		return vimbiso.Snapshot{Schema: vimbiso.SnapshotSchema}, nil
	}
	version, err := strconv.ParseInt(fmt.Sprint(vals[0]), 10, 64)
	if err != nil {
		return vimbiso.Snapshot{}, fmt.Errorf("invalid version %q", vals[0])
	}
	data, ok := vals[1].(string)
	if !ok {
		return vimbiso.Snapshot{}, fmt.Errorf("version %d has no data field", version)
	}

	snap, err := decodeSnapshot([]byte(data))
	if err != nil {
		return vimbiso.Snapshot{}, err
	}
	snap.Version = version
	return snap, nil
}

// decodeSnapshot decodes snapshot JSON, migrating it from an older schema.
func decodeSnapshot(data []byte) (vimbiso.Snapshot, error) {
	var head struct {
		Schema int `json:"v"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return vimbiso.Snapshot{}, fmt.Errorf("decode snapshot: %w", err)
	}
	if head.Schema > vimbiso.SnapshotSchema {
		return vimbiso.Snapshot{}, fmt.Errorf("%w: stored schema %d is newer than schema %d of this build; run the newer build",
			ErrSnapshotSchema, head.Schema, vimbiso.SnapshotSchema)
	}

	for schema := head.Schema; schema < vimbiso.SnapshotSchema; schema++ {
		migrate, ok := migrations[schema]
		if !ok {
			return vimbiso.Snapshot{}, fmt.Errorf("%w: no migration from schema %d", ErrSnapshotSchema, schema)
		}
		var err error
		if data, err = migrate(data); err != nil {
			return vimbiso.Snapshot{}, fmt.Errorf("migrate snapshot from schema %d: %w", schema, err)
		}
	}

	var snap vimbiso.Snapshot
	if err := json.Unmarshal(data, &snap); err != nil {
		return vimbiso.Snapshot{}, fmt.Errorf("decode snapshot: %w", err)
	}
	snap.Schema = vimbiso.SnapshotSchema
	return snap, nil
}

// checkStreamID accepts "<ms>-<seq>" with decimal parts, the form of the
// ids that Accept returns.
func checkStreamID(id string) error {
	ms, seq, ok := strings.Cut(id, "-")
	if ok {
		_, errMS := strconv.ParseUint(ms, 10, 64)
		_, errSeq := strconv.ParseUint(seq, 10, 64)
		ok = errMS == nil && errSeq == nil
	}
	if !ok {
		return fmt.Errorf("invalid inbox id %q: want <ms>-<seq>", id)
	}
	return nil
}

// SaveTurn saves a turn like Save and, when dash is not nil, caches the
// member's dashboard and indexes its accounts, all in one pipelined round
// trip when the cache is the state Redis. A turn that logged in thus costs
// no more round trips than one that did not.
func (s *Store) SaveTurn(ctx context.Context, u vimbiso.User, snap *vimbiso.Snapshot, token string, dash *vimbiso.Dashboard, dashAt time.Time, done ...string) error {
	if dash == nil {
		return s.Save(ctx, u, snap, token, done...)
	}
	keys, args, err := s.saveArgs(u, snap, token, done)
	if err != nil {
		return err
	}
	cached, err := json.Marshal(cachedDashboard{At: dashAt, Dashboard: dash})
	if err != nil {
		return fmt.Errorf("save dashboard of user %s: encode: %w", u.Hash(), err)
	}

	pipe := s.state.Pipeline()
	save := saveScript.EvalSha(ctx, pipe, keys, args...)
	expires := s.opts.Now().Add(s.opts.SessionTTL).UnixMilli()
	for _, a := range dash.Accounts {
		if a.AccountID == "" {
			continue
		}
		key := keyAccountUsers(a.AccountID)
		pipe.ZAdd(ctx, key, redis.Z{Score: float64(expires), Member: u.Key()})
		pipe.PExpire(ctx, key, s.opts.SessionTTL)
	}
	sameServer := s.cache == s.state
	if sameServer {
		pipe.Set(ctx, keyDashboard(u), cached, s.opts.DashboardTTL)
	}
	_, _ = pipe.Exec(ctx) // each command keeps its own error

	reply, err := save.Int64Slice()
	if redis.HasErrorPrefix(err, "NOSCRIPT") {
		// The script cache was flushed (a Redis restart): run it in full.
		reply, err = saveScript.Run(ctx, s.state, keys, args...).Int64Slice()
	}
	if err := saveResult(u, snap, reply, err); err != nil {
		return err
	}
	if !sameServer {
		// A lost cache write costs a LOGIN later, nothing more.
		_ = s.cache.Set(ctx, keyDashboard(u), cached, s.opts.DashboardTTL).Err()
	}
	return nil
}
