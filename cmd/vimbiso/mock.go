package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// runMock runs the two mocks alone, delivering to a separately started
// `vimbiso serve`, until ctx ends.
func runMock(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, err := parseDevFlags("mock", args, stderr, true)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "vimbiso mock: %v\n", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevel(os.Getenv("LOG_LEVEL"))}))

	m, err := startMocks(f, log)
	if err != nil {
		fmt.Fprintf(stderr, "vimbiso mock: %v\n", err)
		return 1
	}
	defer m.stop(log)

	botURL := strings.TrimRight(f.botURL, "/")
	m.pointAt(botURL)
	addrs := newDevAddresses(botURL, m.whatsappServer.URL(), m.credexServer.URL())
	if err := addrs.write(f.addrFile); err != nil {
		fmt.Fprintf(stderr, "vimbiso mock: %v\n", err)
		return 1
	}
	addrs.printBanner(stdout, "")

	if err := waitAll(ctx, m.whatsappServer, m.credexServer); err != nil {
		log.Error("vimbiso mock stopped", "err", err)
		return 1
	}
	return 0
}
