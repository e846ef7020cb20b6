// Package actors runs one protoactor-go actor per user. The actor owns the
// user's fsm.Conversation: it loads the snapshot and the durable inbox when
// it starts, processes inputs one at a time in inbox order, makes the
// CredEx calls and Graph API sends the conversation asks for, saves the
// snapshot after every turn, and stops when the user has been idle.
//
// The actors reach the world only through the ports declared in ports.go;
// cmd/vimbiso wires them to persistence and transport.
package actors
