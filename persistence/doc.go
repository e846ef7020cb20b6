// Package persistence stores conversations in Redis: the durable inbox of
// each user with its dedupe claims, the conversation snapshot with a
// compare-and-set on its version, the CredEx token, and small flags and
// indexes used by notifications. The dashboard cache lives on a second,
// lossy Redis.
//
// Two round trips carry a turn that moves no money. Accept claims each
// message id and appends the input to the user's inbox in one Lua script
// per input, and pipelines every input of a webhook body. Save checks the
// snapshot version, writes the snapshot and the token and removes the
// handled inputs from the inbox in one Lua script. All keys of one user
// share the hash tag {<phone_number_id>:<wa_id>}, so each script touches a
// single Redis Cluster slot. keys.go lists every key with its owner and
// expiry.
//
// Errors: a missing value is vimbiso.ErrNotFound, a lost compare-and-set
// is vimbiso.ErrVersionConflict, and any failure to reach Redis or to run a
// command wraps vimbiso.ErrUnavailable together with the Redis error. No
// error string contains a phone number or a token; a user appears as
// vimbiso.User.Hash.
//
// A Store is safe for concurrent use. Callers ensure that one user's
// snapshot is saved by one activation at a time. When a second, stale
// activation saves anyway, the version check turns its save into
// ErrVersionConflict instead of lost data.
package persistence
