// Package mockcredex is an in-memory stand-in for the CredEx core API, used
// by `vimbiso dev` and by end-to-end tests.
//
// It serves the CredEx endpoints at the root path (POST, JSON) with the real
// service's authentication, validation rules, limits, error bodies and
// response shapes. The current envelope is the default, and the legacy shapes
// are served with Config.Shapes "legacy" or the request header
// "X-Mock-Shapes: legacy". Offer and tier changes are posted to the bot's
// webhook, signed with HMAC-SHA256, from one background goroutine.
//
// Endpoints under /mock/ need no client key and let tests move the clock,
// inject failures, expire offers, change tiers, reset the demo data and read
// the recorded mutations and callbacks.
//
// A Server is safe for concurrent use: one mutex guards all of its state.
package mockcredex
