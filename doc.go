// Package vimbiso holds the vocabulary of the credex WhatsApp bot: who a user
// is, what a user sends (Input), what the bot answers (Reply), the CredEx
// domain types, the calls the conversation asks CredEx to make, and the
// snapshot that carries a conversation across restarts.
//
// The package imports nothing of ours. The conversation itself lives in fsm,
// the per-user actors in actors, Redis in persistence and HTTP in transport.
package vimbiso
