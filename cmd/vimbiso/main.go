// Command vimbiso runs the credex WhatsApp bot and its development tools.
//
//	vimbiso serve   the production server
//	vimbiso dev     the bot with mock WhatsApp, mock CredEx and an embedded Redis
//	vimbiso mock    the two mocks alone, in front of a separate vimbiso serve
//	vimbiso chat    act as a WhatsApp user against a running mock
//	vimbiso flows   print the conversation's state machines as diagrams
//	vimbiso health  check a running server, for container health checks
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usageText = `vimbiso runs the credex WhatsApp bot.

Usage:
  vimbiso serve [flags]   run the production server (configured by environment variables)
  vimbiso dev [flags]     run the bot with mock WhatsApp, mock CredEx and an embedded Redis
  vimbiso mock [flags]    run the mock WhatsApp and mock CredEx alone, in front of vimbiso serve
  vimbiso chat [flags] MESSAGE
                          send MESSAGE as a WhatsApp user through the mock and print the replies
  vimbiso flows [--format mermaid|dot|markdown] [--flow NAME]
                          print the conversation's state machines as diagrams
  vimbiso load [flags]    play many WhatsApp users against a bot on loopback and report throughput and latency
  vimbiso health [--url URL]
                          check a running server's /healthz (for container health checks)

Run "vimbiso COMMAND --help" for the flags and environment variables of a command.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a subcommand and returns the process exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "dev":
		return runDev(ctx, args[1:], stdout, stderr)
	case "mock":
		return runMock(ctx, args[1:], stdout, stderr)
	case "chat":
		return runChat(ctx, args[1:], stdout, stderr)
	case "health":
		return runHealth(ctx, args[1:], stdout, stderr)
	case "flows":
		return runFlows(ctx, args[1:], stdout, stderr)
	case "load":
		return runLoad(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usageText)
		return 0
	}
	fmt.Fprintf(stderr, "vimbiso: unknown command %q\n\n%s", args[0], usageText)
	return 2
}
