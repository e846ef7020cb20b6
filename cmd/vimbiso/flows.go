package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/vimbisopay/vimbiso/fsm"
)

// formatMarkdown is the flows command's extra format: the docs/flows.md
// page, with a Mermaid block per flow.
const formatMarkdown = "markdown"

// runFlows prints the conversation's state machines as diagrams drawn from
// the transition tables the bot runs. Exit status: 0 on success, 1 when the
// tables cannot be drawn or stdout fails, 2 on a usage error.
func runFlows(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("vimbiso flows", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", fsm.DiagramMermaid, "output format: mermaid, dot (Graphviz) or markdown (the docs/flows.md page)")
	only := fs.String("flow", "", "print only the flow with this name (default: every flow)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: vimbiso flows [--format mermaid|dot|markdown] [--flow NAME]\n\n"+
			"Prints each conversation flow's state machine, drawn from the transition tables the bot runs.\n"+
			"Without --flow it prints every flow, one diagram after another: Graphviz reads them all from one\n"+
			"file, but Mermaid tools read one diagram at a time.\n\n")
		fs.PrintDefaults()
		fmt.Fprintf(stderr, "\nFlows: %s\n", strings.Join(fsm.FlowNames(), ", "))
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fs.Usage()
		fmt.Fprintf(stderr, "vimbiso flows: unexpected argument %q (name a flow with --flow)\n", fs.Arg(0))
		return 2
	}
	if !slices.Contains([]string{fsm.DiagramMermaid, fsm.DiagramDOT, formatMarkdown}, *format) {
		fmt.Fprintf(stderr, "vimbiso flows: invalid --format %q: use mermaid, dot or markdown\n", *format)
		return 2
	}
	names := fsm.FlowNames()
	if *only != "" {
		if !slices.Contains(names, *only) {
			fmt.Fprintf(stderr, "vimbiso flows: unknown flow %q: use one of %s\n", *only, strings.Join(names, ", "))
			return 2
		}
		names = []string{*only}
	}

	out, err := renderFlows(*format, names)
	if err != nil {
		fmt.Fprintf(stderr, "vimbiso flows: %v\n", err)
		return 1
	}
	if _, err := io.WriteString(stdout, out); err != nil {
		fmt.Fprintf(stderr, "vimbiso flows: write output: %v\n", err)
		return 1
	}
	return 0
}

// renderFlows returns the diagrams of the named flows in format, separated
// by blank lines, or the docs page for formatMarkdown.
func renderFlows(format string, names []string) (string, error) {
	if format == formatMarkdown {
		return flowsPage(names)
	}
	diagrams, err := fsm.Diagrams(format)
	if err != nil {
		return "", err
	}
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = diagrams[name]
	}
	return strings.Join(parts, "\n"), nil
}

// flowSummaries describes each flow for docs/flows.md, keyed by flow name.
// A test fails when a flow has no entry, or an entry names no flow.
var flowSummaries = map[string]string{
	"login": "Starts every session and has no screen of its own. It fetches the member's " +
		"token and dashboard from CredEx, keeps or picks the active account, and hands over to " +
		"the dashboard, the account picker or registration. A phone number that CredEx rejects " +
		"ends the session.",
	"registration": "Signs up a phone number that CredEx does not know: a welcome screen, then " +
		"the first and last name, or both at once from a WhatsApp Flow form. A confirmation comes " +
		"before the member is created, because that cannot be undone from the chat.",
	"dashboard": "The home screen: the active account's balances and a menu of what the member " +
		"can do next. Each menu row starts one of the flows below, from any state. A member with " +
		"several accounts picks the active one in the account picker.",
	"offer_secured": "Offers secured credex, paid from the secured balance: the amount, the " +
		"receiver's account handle, then a confirmation before the offer is signed. A quick " +
		"command such as `5=>263770000002` goes straight to the confirmation.",
	"offer_unsecured": "Offers unsecured credex, a promise to pay by a due date, for members of " +
		"tier 2 and up: the amount, the receiver, the due date, then a confirmation. A quick " +
		"command with `->` goes straight to the confirmation.",
	"incoming": "Offers waiting for the member's answer: the list, one offer's details with " +
		"accept and decline buttons, and a confirmation before accepting them all. The " +
		"`offer_choice` state waits for CredEx to carry out an accept, decline or cancel " +
		"button, which works from any state.",
	"outgoing": "The member's own offers that nobody has accepted yet: the list, and one " +
		"offer's details with a button to cancel it.",
	"ledger": "Past credex on the active account, a page of entries at a time, and one " +
		"entry's details.",
	"members": "Who may use a company account. The owner, on tier 4 or higher, adds a person " +
		"by member handle after a confirmation, or removes one.",
	"offer_recipient": "Chooses which of the people authorised on an owned account is told " +
		"about offers to it.",
	"upgrade_tier": "Upgrades a member on tier 1 or 2 to the Hustler tier, a subscription paid " +
		"from the personal account's secured USD balance, after a confirmation.",
}

// flowsPage writes the docs/flows.md page for the named flows: how to
// read the diagrams, the transitions from any state, and one section per
// flow with its summary and Mermaid diagram.
func flowsPage(names []string) (string, error) {
	diagrams, err := fsm.Diagrams(fsm.DiagramMermaid)
	if err != nil {
		return "", err
	}

	var b strings.Builder
	b.WriteString(`# Conversation flows

<!-- Generated by "go run ./cmd/vimbiso flows --format markdown": do not edit.
     Change the summaries in cmd/vimbiso/flows.go, then run
     go test ./cmd/vimbiso -run Flows -update to rewrite this page. -->

The bot's conversation is a set of flows. Each flow is a table of
transitions in package ` + "`fsm`" + `, and the bot runs the merged tables as one
state machine on github.com/looplab/fsm. The diagrams below are drawn from
the same tables, and a test fails when this page no longer matches them.

How to read a diagram:

- A box is a state. Its name is the value stored in the user's snapshot.
- An arrow is a transition, labelled with the event that fires it.
- ` + "`[*]`" + ` is where a new conversation starts, and where one whose stored
  state is unknown starts again.
- *any state* stands for every state of the conversation: the transition
  leaves whichever state the user is in. It is drawn only in the flow that
  defines it, so the table below lists all of them.
- A dashed box is a state of another flow, named in brackets: where this
  flow is entered from or where it hands over.

Print one flow with ` + "`vimbiso flows --flow NAME`" + `, or as Graphviz with
` + "`--format dot`" + `.

## Transitions from any state

| event | goes to | defined in |
|---|---|---|
`)
	for _, g := range fsm.GlobalTransitions() {
		fmt.Fprintf(&b, "| `%s` | `%s` | %s |\n", g.Event, g.To, g.Flow)
	}

	for _, name := range names {
		summary, ok := flowSummaries[name]
		if !ok {
			summary = "No summary yet: add one to flowSummaries in cmd/vimbiso/flows.go."
		}
		fmt.Fprintf(&b, "\n## %s\n\n%s\n\n```mermaid\n%s```\n", name, summary, diagrams[name])
	}
	return b.String(), nil
}
