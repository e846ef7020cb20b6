// Package transport is the HTTP edge of vimbiso: the httprouter front end
// that takes WhatsApp webhooks and serves health and metrics, the Graph API
// client that sends replies, and the CredEx API client.
//
// The package contains no conversation logic. The webhook decodes each
// delivery into vimbiso.Input values and hands them to a Deliverer, which
// stores them durably and wakes their conversations. The clients turn a
// vimbiso.Reply or a vimbiso.Call into one HTTP exchange and return plain
// results. Every refusal of our own endpoints uses one JSON shape,
// {"error": "...", "details": {...}}, built in one place (httperror.go).
package transport
