package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/vimbisopay/vimbiso/devstack/mockwhatsapp"
)

// fieldFlags collects repeated --field k=v flags.
type fieldFlags map[string]string

func (f fieldFlags) String() string { return fmt.Sprint(map[string]string(f)) }

func (f fieldFlags) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("want key=value, got %q", v)
	}
	f[k] = val
	return nil
}

// runChat sends one message as a WhatsApp user through the mock and prints
// the bot's replies. Exit status: 0 when a reply arrived, 1 when none did,
// 2 on a usage or connection error.
func runChat(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("vimbiso chat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	req := mockwhatsapp.ChatRequest{Fields: map[string]string{}}
	fs.StringVar(&req.Phone, "phone", "263770000001", "the user's phone number (digits, country code first)")
	fs.StringVar(&req.Name, "name", "", "the user's WhatsApp profile name")
	fs.StringVar(&req.Type, "type", "text", "message type: text, button_reply, list_reply, button, flow, image, audio, video, document, sticker, location, reaction or unsupported; for the three choice types MESSAGE is the id")
	fs.Var(fieldFlags(req.Fields), "field", "a field of a flow form as key=value (repeatable)")
	fs.DurationVar(&req.Wait, "wait", 5*time.Second, "how long to wait for replies")
	whatsapp := fs.String("whatsapp", "http://127.0.0.1:8001", "base URL of the mock WhatsApp")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: vimbiso chat [flags] MESSAGE\n\nSends MESSAGE as a WhatsApp user through the mock WhatsApp and prints the bot's replies.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 && req.Type != "flow" {
		fs.Usage()
		fmt.Fprintln(stderr, "vimbiso chat: give exactly one MESSAGE (quote it when it has spaces)")
		return 2
	}
	req.Message = strings.Join(fs.Args(), " ")

	n, err := mockwhatsapp.Chat(ctx, &http.Client{Timeout: 30 * time.Second}, strings.TrimRight(*whatsapp, "/"), req, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "vimbiso chat: %v\n", err)
		return 2
	}
	if n == 0 {
		fmt.Fprintln(stderr, "vimbiso chat: no reply arrived")
		return 1
	}
	return 0
}
