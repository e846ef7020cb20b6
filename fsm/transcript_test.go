package fsm

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vimbiso "github.com/vimbisopay/vimbiso"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata")

// harare is the bot's default time zone; tests start at 09:00 local time.
var harare = func() *time.Location {
	loc, err := time.LoadLocation("Africa/Harare")
	if err != nil {
		panic(err)
	}
	return loc
}()

var start = time.Date(2026, 12, 4, 9, 0, 0, 0, harare)

// session drives one Conversation the way the actor does: it steps an
// input, answers each CredEx call with the fake, and feeds the result
// back, recording everything as a readable transcript.
type session struct {
	t      *testing.T
	conv   *Conversation
	credex *fakeCredEx
	now    time.Time
	msgSeq int
	outSeq int
	log    strings.Builder
	calls  []vimbiso.Call
	last   []vimbiso.Reply // replies of the last input
	lastID string          // wamid of the last interactive reply
	// offeredBy maps each tappable id to the wamid of the latest message
	// that offered it, which is the context WhatsApp sends with a tap.
	offeredBy map[string]string
}

func newSession(t *testing.T, phone string, credex *fakeCredEx) *session {
	t.Helper()
	conv, err := New(Config{Location: harare, SupportContact: "support@example.com"}, phone, vimbiso.Snapshot{}, nil, time.Time{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &session{t: t, conv: conv, credex: credex, now: start, offeredBy: map[string]string{}}
}

// do runs one transcript step: "hi" (text), "tap ID" (a choice on the last
// interactive message), "old ID WAMID" (a choice on an older message),
// "image", "wait DURATION".
func (s *session) do(step string) []vimbiso.Reply {
	s.t.Helper()
	in := vimbiso.Input{Kind: vimbiso.InputText, Text: step}
	switch {
	case strings.HasPrefix(step, "wait "):
		d, err := time.ParseDuration(strings.TrimPrefix(step, "wait "))
		if err != nil {
			s.t.Fatalf("bad step %q: %v", step, err)
		}
		s.now = s.now.Add(d)
		fmt.Fprintf(&s.log, "… %s later\n\n", d)
		return nil
	case strings.HasPrefix(step, "tap "):
		id := strings.TrimPrefix(step, "tap ")
		context, ok := s.offeredBy[id]
		if !ok {
			context = s.lastID
		}
		in = vimbiso.Input{Kind: vimbiso.InputChoice, ChoiceID: id, ContextID: context}
	case strings.HasPrefix(step, "old "):
		parts := strings.Fields(step)
		in = vimbiso.Input{Kind: vimbiso.InputChoice, ChoiceID: parts[1], ContextID: parts[2]}
	case step == "image":
		in = vimbiso.Input{Kind: vimbiso.InputUnsupported, Type: "image"}
	}
	return s.input(step, in)
}

func (s *session) input(label string, in vimbiso.Input) []vimbiso.Reply {
	s.t.Helper()
	s.msgSeq++
	in.MessageID = fmt.Sprintf("wamid.IN%03d", s.msgSeq)
	if in.SentAt.IsZero() {
		in.SentAt = s.now
	}
	if in.ReceivedAt.IsZero() {
		in.ReceivedAt = s.now
	}
	fmt.Fprintf(&s.log, "> %s\n", label)
	s.last = nil
	out := s.conv.Step(in, s.now)
	for range 10 {
		s.record(out)
		if out.Call == nil {
			break
		}
		s.calls = append(s.calls, *out.Call)
		fmt.Fprintf(&s.log, "  (credex %s)\n", out.Call.Op)
		res := s.credex.do(*out.Call)
		out = s.conv.Step(vimbiso.Input{Kind: vimbiso.InputResult, Result: &res}, s.now)
	}
	s.log.WriteString("\n")
	return s.last
}

func (s *session) record(out Output) {
	for _, r := range out.Replies {
		s.outSeq++
		id := fmt.Sprintf("wamid.OUT%03d", s.outSeq)
		s.conv.Sent(r, id)
		if r.Interactive() {
			s.lastID = id
			for _, choice := range r.ChoiceIDs() {
				s.offeredBy[choice] = id
			}
		}
		s.last = append(s.last, r)
		s.log.WriteString(renderReply(r))
	}
}

// renderReply prints a reply the way `vimbiso chat` does.
func renderReply(r vimbiso.Reply) string {
	var b strings.Builder
	body := r.Body
	if r.Kind == vimbiso.ReplyTemplate {
		body = fmt.Sprintf("template %s: %s", r.Template.Name, strings.Join(r.Template.Params, " | "))
	}
	for _, line := range strings.Split(body, "\n") {
		b.WriteString("< " + line + "\n")
	}
	for _, btn := range r.Buttons {
		fmt.Fprintf(&b, "  [%s] %s\n", btn.ID, btn.Title)
	}
	if r.Kind == vimbiso.ReplyList {
		fmt.Fprintf(&b, "  (list: %s)\n", r.ListButton)
		for _, sec := range r.Sections {
			for _, row := range sec.Rows {
				fmt.Fprintf(&b, "  [%s] %s — %s\n", row.ID, row.Title, row.Description)
			}
		}
	}
	return b.String()
}

// golden compares the transcript with testdata/NAME.golden.
func (s *session) golden(name string) {
	s.t.Helper()
	path := filepath.Join("testdata", name+".golden")
	got := s.log.String()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			s.t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		s.t.Fatalf("%v (run go test ./fsm -update to create it)", err)
	}
	if got != string(want) {
		s.t.Errorf("transcript %s differs from %s (run go test ./fsm -update and review the diff)\n--- got ---\n%s", name, path, got)
	}
}

// run plays steps and checks the golden transcript.
func (s *session) run(name string, steps ...string) {
	s.t.Helper()
	for _, step := range steps {
		s.do(step)
	}
	s.golden(name)
}

func (s *session) countCalls(op vimbiso.CallOp) int {
	n := 0
	for _, c := range s.calls {
		if c.Op == op {
			n++
		}
	}
	return n
}

func (s *session) wantState(want State) {
	s.t.Helper()
	if got := s.conv.State(); got != want {
		s.t.Errorf("state = %s, want %s", got, want)
	}
}
