package mockwhatsapp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Timing of Chat.
const (
	chatQuiet        = time.Second            // stop this long after the last reply
	chatPollInterval = 100 * time.Millisecond // how often Chat reads the conversation
	chatDefaultWait  = 5 * time.Second
	chatDefaultPhone = "263770000001"
)

// ChatRequest is one message that `vimbiso chat` sends.
type ChatRequest struct {
	Phone   string            // sender; default 263770000001
	Name    string            // profile name; default the mock's
	Type    string            // text (default), button_reply, list_reply, button or flow
	Message string            // the text, or the tapped id for button_reply, list_reply and button
	Fields  map[string]string // the form fields, for type flow
	Wait    time.Duration     // maximum wait for replies; default 5 s
}

// Chat posts one inbound message through POST {baseURL}/mock/inbound and
// prints every outbound message for that user to out, until 1 s passes with
// no new one after at least one arrived, or req.Wait passes. It returns how
// many messages it printed, rejected sends included (read receipts and
// statuses are not printed). Errors name the URL that failed. A bot response
// other than 200 to the webhook delivery is an error too.
func Chat(ctx context.Context, client *http.Client, baseURL string, req ChatRequest, out io.Writer) (int, error) {
	phone := orDefault(req.Phone, chatDefaultPhone)
	wait := req.Wait
	if wait <= 0 {
		wait = chatDefaultWait
	}

	result, err := Inbound(ctx, client, baseURL, req.inbound(phone))
	if err != nil {
		return 0, err
	}
	if result.Status != http.StatusOK {
		return 0, fmt.Errorf("POST %s/mock/inbound: the bot responded to the webhook delivery with HTTP %d", strings.TrimRight(baseURL, "/"), result.Status)
	}
	return printReplies(ctx, client, baseURL, phone, result.Seq, wait, out)
}

// inbound converts the chat request into the mock's inbound request.
func (req ChatRequest) inbound(phone string) InboundRequest {
	in := InboundRequest{From: phone, Name: req.Name, Type: orDefault(req.Type, "text")}
	switch in.Type {
	case "text":
		in.Text = req.Message
	case "button_reply", "list_reply":
		in.ID = req.Message
	case "button":
		in.Payload = req.Message
	case "flow":
		in.Text = req.Message
		in.Fields = make(map[string]any, len(req.Fields))
		for k, v := range req.Fields {
			in.Fields[k] = v
		}
	case "image":
		in.Caption = req.Message
	case "reaction":
		in.Emoji = req.Message
	}
	return in
}

// printReplies polls user's conversation after seq and prints each new
// outbound message until the quiet period or the wait ends.
func printReplies(ctx context.Context, client *http.Client, baseURL, user string, seq int64, wait time.Duration, out io.Writer) (int, error) {
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	poll := time.NewTicker(chatPollInterval)
	defer poll.Stop()

	printed := 0
	var lastReply time.Time
	for {
		items, err := Messages(ctx, client, baseURL, user, seq)
		if err != nil {
			return printed, err
		}
		for _, it := range items {
			seq = it.Seq
			text, ok := formatReply(it)
			if !ok {
				continue
			}
			if printed > 0 {
				fmt.Fprintln(out)
			}
			fmt.Fprint(out, text)
			printed++
			lastReply = time.Now()
		}
		if printed > 0 && time.Since(lastReply) >= chatQuiet {
			return printed, nil
		}

		select {
		case <-ctx.Done():
			return printed, ctx.Err()
		case <-deadline.C:
			return printed, nil
		case <-poll.C:
		}
	}
}

// formatReply renders an outbound item as plain text: the body, buttons as
// "[id] Title", list rows as "[id] Title — description", templates as
// "template <name>: <parameters>", a rejected send as "refused <code>:
// <details>" (the CLI's fixed output format). It reports false for items
// that are not printed: inbound messages, statuses and read receipts.
func formatReply(it Item) (string, bool) {
	if it.Direction != DirectionOut {
		return "", false
	}
	var m outMessage
	if json.Unmarshal(it.Body, &m) != nil || m.isReadReceipt() {
		return "", false
	}
	if it.Result != nil && it.Result.Error != nil {
		return fmt.Sprintf("refused %d: %s\n", it.Result.Error.Code, it.Result.Error.ErrorData.Details), true
	}

	var b strings.Builder
	switch messageType(&m) {
	case "text":
		if m.Text != nil {
			b.WriteString(m.Text.Body + "\n")
		}
	case "interactive":
		formatInteractive(&b, m.Interactive)
	case "template":
		formatTemplate(&b, m.Template)
	default:
		fmt.Fprintf(&b, "(%s message)\n", m.Type)
	}
	return b.String(), true
}

func formatInteractive(b *strings.Builder, in *outInteractive) {
	if in == nil {
		return
	}
	if in.Body != nil {
		b.WriteString(in.Body.Text + "\n")
	}
	if in.Action == nil {
		return
	}
	for _, button := range in.Action.Buttons {
		if button.Reply != nil {
			fmt.Fprintf(b, "[%s] %s\n", button.Reply.ID, button.Reply.Title)
		}
	}
	for _, section := range in.Action.Sections {
		for _, row := range section.Rows {
			if row.Description == "" {
				fmt.Fprintf(b, "[%s] %s\n", row.ID, row.Title)
				continue
			}
			fmt.Fprintf(b, "[%s] %s — %s\n", row.ID, row.Title, row.Description)
		}
	}
	if p := in.Action.Parameters; p != nil {
		fmt.Fprintf(b, "[flow] %s\n", p.FlowCTA)
	}
}

// formatTemplate writes "template <name>: <parameters>", the parameters
// separated by " | " because they may contain commas.
func formatTemplate(b *strings.Builder, t *outTemplate) {
	if t == nil {
		return
	}
	var params []string
	for _, c := range t.Components {
		for _, p := range c.Parameters {
			params = append(params, orDefault(p.Text, p.Payload))
		}
	}
	fmt.Fprintf(b, "template %s: %s\n", t.Name, strings.Join(params, " | "))
}
