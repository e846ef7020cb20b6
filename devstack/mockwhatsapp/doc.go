// Package mockwhatsapp is a stand-in for Meta's WhatsApp Cloud API, used by
// `vimbiso dev`, `vimbiso mock`, `vimbiso chat` and the end-to-end tests.
//
// A Server plays both sides of Meta. Toward the bot it serves the Graph send
// endpoint, POST /{version}/{phone-number-id}/messages, which checks the
// bearer token and rejects what Meta rejects (message limits, unknown
// templates, the 24-hour customer service window, optional pair rate and
// injected faults) with Meta's error body. After an accepted send it posts
// signed sent, delivered and read statuses to the bot's /webhook.
//
// Toward tests and people it acts as WhatsApp users: POST /mock/inbound
// builds the webhook body Meta would send, signs it with the app secret over
// the exact bytes and posts it to the bot. Every inbound message, outbound
// request and status is kept in a per-user conversation store that the web
// chat page at GET / and the Chat and Messages clients read.
//
// The package imports only the standard library, so that it cannot depend
// on the bot it replaces Meta for.
package mockwhatsapp
