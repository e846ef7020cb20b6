package persistence

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/vimbisopay/vimbiso"
)

// acceptScript claims a message id and appends the input to the inbox in
// one step, so that a crash leaves either both or neither.
//
// KEYS[1] dedupe claim, KEYS[2] inbox stream.
// ARGV[1] claim lifetime in ms, or 0 to skip the claim; ARGV[2] input JSON.
// Returns {1, new stream id} or, for a duplicate, {0, id stored by the claim}.
var acceptScript = redis.NewScript(`
local ttl = tonumber(ARGV[1])
if ttl > 0 then
  local prev = redis.call('GET', KEYS[1])
  if prev then
    return {0, prev}
  end
end
local id = redis.call('XADD', KEYS[2], '*', 'in', ARGV[2])
if ttl > 0 then
  redis.call('SET', KEYS[1], id, 'PX', ttl)
end
return {1, id}
`)

// inboxField is the stream entry field that holds the input JSON.
const inboxField = "in"

// Incoming is one decoded WhatsApp message, or CredEx event, for one user.
// DedupeID is the WhatsApp message id or the CredEx event id; an empty
// DedupeID is stored without a claim.
type Incoming struct {
	User     vimbiso.User
	Input    vimbiso.Input
	DedupeID string
}

// Accepted is the outcome of one Incoming. For a duplicate, Item.ID is the
// stream id under which the first copy was stored; that entry may already
// be handled and removed.
type Accepted struct {
	Item      vimbiso.InboxItem
	Duplicate bool
}

// Accept stores every item of one webhook body in one pipelined round trip
// and returns one Accepted per item, in order. For each item, one Lua
// script claims DedupeID for DedupeTTL and appends the input to the user's
// inbox stream, unless the id was claimed before. Two items with the same
// user and DedupeID in one call store the first and report the second as a
// duplicate.
//
// Every user of the call is also added to the pending set, duplicates
// included: when a body is redelivered after a failure between the script
// and that SADD, the redelivery still marks the user.
//
// On a Redis failure Accept returns an error wrapping vimbiso.ErrUnavailable
// and no results. Some items may have been stored even so, and a
// redelivery of the body finds them as duplicates.
func (s *Store) Accept(ctx context.Context, items []Incoming) ([]Accepted, error) {
	if len(items) == 0 {
		return nil, nil
	}
	calls, err := s.acceptCalls(items)
	if err != nil {
		return nil, err
	}

	cmds, err := s.runAccept(ctx, calls, allIndexes(len(calls)))
	if err != nil {
		return nil, err
	}
	if retry := noScriptIndexes(cmds); len(retry) > 0 {
		// NOTE: After a Redis restart emptied the script cache, another
		// client may load the script between two of our commands, so a
		// retried item can land after a later item of the same user.
		if err := acceptScript.Load(ctx, s.state).Err(); err != nil {
			return nil, unavailable("load accept script", err)
		}
		again, err := s.runAccept(ctx, calls, retry)
		if err != nil {
			return nil, err
		}
		for i, j := range retry {
			cmds[j] = again[i]
		}
	}
	return acceptResults(items, cmds)
}

// acceptCall holds the script arguments for one item.
type acceptCall struct {
	keys  []string
	ttl   int64
	input string
	user  string
	// business is the user's business number when the input came from
	// WhatsApp, recorded so that notifications go out from it.
	business vimbiso.User
}

func (s *Store) acceptCalls(items []Incoming) ([]acceptCall, error) {
	calls := make([]acceptCall, len(items))
	for i, it := range items {
		if err := checkUser(it.User); err != nil {
			return nil, fmt.Errorf("accept item %d: %w", i, err)
		}
		if it.Input.Kind == vimbiso.InputResult {
			// Input.Result is not encoded, so a stored result would come
			// back empty. Results go to the actor directly.
			return nil, fmt.Errorf("accept item %d: input kind %q cannot be stored in an inbox", i, it.Input.Kind)
		}
		data, err := json.Marshal(it.Input)
		if err != nil {
			return nil, fmt.Errorf("accept item %d: encode input: %w", i, err)
		}

		k := keysOf(it.User)
		calls[i] = acceptCall{
			keys:  []string{k.dedupe(it.DedupeID), k.inbox},
			input: string(data),
			user:  it.User.Key(),
		}
		if it.Input.Kind != vimbiso.InputEvent {
			calls[i].business = it.User
		}
		if it.DedupeID != "" {
			calls[i].ttl = s.opts.DedupeTTL.Milliseconds()
		}
	}
	return calls, nil
}

// runAccept runs the script for calls[i] for each i in which, then adds
// their users to the pending set, in one pipeline. It returns the script
// commands in the order of which.
func (s *Store) runAccept(ctx context.Context, calls []acceptCall, which []int) ([]*redis.Cmd, error) {
	pipe := s.state.Pipeline()
	cmds := make([]*redis.Cmd, len(which))
	users := make([]any, 0, len(which))
	seen := make(map[string]bool, len(which))
	for n, i := range which {
		c := calls[i]
		cmds[n] = acceptScript.EvalSha(ctx, pipe, c.keys, c.ttl, c.input)
		if !seen[c.user] {
			seen[c.user] = true
			users = append(users, c.user)
		}
	}
	// TODO: On a Redis Cluster the SADD goes to another node and may run
	// before the XADD, so a concurrent Idle can drop a user with pending
	// input from the set. The webhook still wakes the actor, so only a
	// crash in that window delays the input until the user writes again.
	sadd := pipe.SAdd(ctx, keyPending, users...)
	for _, i := range which {
		if b := calls[i].business; b.WaID != "" {
			pipe.Set(ctx, keyBusiness(b.WaID), b.PhoneNumberID, businessNumberTTL)
		}
	}

	_, _ = pipe.Exec(ctx) // each command keeps its own error
	if err := sadd.Err(); err != nil {
		return nil, unavailable("accept inputs: add pending users", err)
	}
	for _, c := range cmds {
		if err := c.Err(); err != nil && !redis.HasErrorPrefix(err, "NOSCRIPT") {
			return nil, unavailable("accept inputs", err)
		}
	}
	return cmds, nil
}

func noScriptIndexes(cmds []*redis.Cmd) []int {
	var idx []int
	for i, c := range cmds {
		if redis.HasErrorPrefix(c.Err(), "NOSCRIPT") {
			idx = append(idx, i)
		}
	}
	return idx
}

func allIndexes(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

func acceptResults(items []Incoming, cmds []*redis.Cmd) ([]Accepted, error) {
	out := make([]Accepted, len(items))
	for i, c := range cmds {
		added, id, err := parseAcceptReply(c)
		if err != nil {
			return nil, unavailable(fmt.Sprintf("accept item %d", i), err)
		}
		out[i] = Accepted{
			Item:      vimbiso.InboxItem{ID: id, User: items[i].User, Input: items[i].Input},
			Duplicate: !added,
		}
	}
	return out, nil
}

func parseAcceptReply(c *redis.Cmd) (added bool, id string, err error) {
	reply, err := c.Slice()
	if err != nil {
		return false, "", err
	}
	if len(reply) != 2 {
		return false, "", fmt.Errorf("accept script returned %d values, want 2", len(reply))
	}
	flag, ok1 := reply[0].(int64)
	id, ok2 := reply[1].(string)
	if !ok1 || !ok2 {
		return false, "", fmt.Errorf("accept script returned %T, %T, want integer and string", reply[0], reply[1])
	}
	return flag == 1, id, nil
}

// decodeInbox turns stream entries into inbox items, in stream order, and
// returns the ids of entries it cannot decode separately, so that one bad
// entry does not block the user's inbox.
func decodeInbox(u vimbiso.User, msgs []redis.XMessage) (items []vimbiso.InboxItem, unreadable []string) {
	items = make([]vimbiso.InboxItem, 0, len(msgs))
	for _, m := range msgs {
		raw, ok := m.Values[inboxField].(string)
		var in vimbiso.Input
		if !ok || json.Unmarshal([]byte(raw), &in) != nil {
			unreadable = append(unreadable, m.ID)
			continue
		}
		items = append(items, vimbiso.InboxItem{ID: m.ID, User: u, Input: in})
	}
	return items, unreadable
}
