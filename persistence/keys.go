package persistence

import (
	"strings"

	"github.com/vimbisopay/vimbiso"
)

// Every key this package reads or writes is built in this file.
//
// Per-user keys carry the hash tag {<phone_number_id>:<wa_id>}, so that the
// Lua scripts, which touch several keys of one user, run on one Redis
// Cluster slot. Global keys are used outside scripts, or alone in one.
//
//	key                                   redis  type    owner (writer)           expiry
//	vimbiso:{pn:wa}:inbox                 state  stream  Accept adds, Save XDELs  none: deleted by Save once empty
//	vimbiso:{pn:wa}:dedupe:<id>           state  string  Accept                   DedupeTTL (default 48h)
//	vimbiso:{pn:wa}:snap                  state  hash    Save                     SessionTTL+24h, renewed by Save
//	vimbiso:{pn:wa}:token                 state  string  Save                     TokenTTL (default 5m), renewed by Save
//	vimbiso:{pn:wa}:alerts                state  string  SetAlerts                none; absent means on
//	vimbiso:{pn:wa}:dashboard             cache  string  SaveDashboard            DashboardTTL (default 10m)
//	vimbiso:pending                       state  set     Accept adds, Idle SREMs  none: members leave in Idle
//	vimbiso:business:<wa_id>              state  string  Accept, SetLastBusinessNumber  90 days; overwritten
//	vimbiso:account:<account_id>:users    state  zset    IndexAccounts            SessionTTL, renewed by IndexAccounts; members expire by score
//	vimbiso:claim:<id>                    state  string  ClaimOnce                the ttl of the claim
//	vimbiso:credex:budget                 state  zset    TakeCredExToken          1 min after the latest reservation, renewed by TakeCredExToken
//
// The snapshot hash has two fields: v, the version (a count of saves), and
// d, the snapshot as compact JSON. The inbox stream entries have one field,
// in, the input as JSON. A dedupe claim stores the stream id of the entry
// it admitted. The pending set and the account index store user keys,
// "<phone_number_id>:<wa_id>".
const prefix = "vimbiso:"

// Global keys.
const (
	keyPending      = prefix + "pending"
	keyCredExBudget = prefix + "credex:budget" // the only key of takeBudgetScript
)

// userKeys are the state keys of one user, all on one cluster slot.
type userKeys struct {
	inbox, snap, token, alerts string
	tag                        string // "vimbiso:{pn:wa}:", for dedupe keys
}

func keysOf(u vimbiso.User) userKeys {
	tag := prefix + "{" + u.Key() + "}:"
	return userKeys{
		inbox:  tag + "inbox",
		snap:   tag + "snap",
		token:  tag + "token",
		alerts: tag + "alerts",
		tag:    tag,
	}
}

// dedupe returns the key of the claim on one message id. Claims are per
// user: a CredEx event fanned out to several members is one input for each.
func (k userKeys) dedupe(id string) string { return k.tag + "dedupe:" + id }

func keyDashboard(u vimbiso.User) string { return prefix + "{" + u.Key() + "}:dashboard" }

func keyBusiness(waID string) string { return prefix + "business:" + waID }

func keyAccountUsers(accountID string) string { return prefix + "account:" + accountID + ":users" }

func keyClaim(id string) string { return prefix + "claim:" + id }

// parseUserKey is the inverse of vimbiso.User.Key. A phone_number_id never
// contains a colon, so the first colon splits the two parts.
func parseUserKey(s string) (vimbiso.User, bool) {
	pn, wa, ok := strings.Cut(s, ":")
	if !ok || pn == "" || wa == "" {
		return vimbiso.User{}, false
	}
	return vimbiso.User{PhoneNumberID: pn, WaID: wa}, true
}
