// Package fsm is the conversation of the credex WhatsApp bot: every flow as
// a table of transitions on github.com/looplab/fsm, the parsing and
// validation of what the user sends in each state, and the screens the bot
// answers with.
//
// The package is pure. A Conversation takes an input and the time, and
// returns replies to send and at most one CredEx call to make; the caller
// makes the call and feeds its Result back as the next input. Nothing here
// does I/O, reads the clock or knows about actors, Redis or HTTP, so every
// flow is tested as a transcript of inputs and replies.
package fsm
