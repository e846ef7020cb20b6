package fsm

import (
	"strconv"
	"testing"
	"time"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// benchDriver steps a Conversation the way the actor does. The fake CredEx
// returns each call's result at once, and no transcript is recorded.
type benchDriver struct {
	conv   *Conversation
	credex *fakeCredEx
	now    time.Time
	seq    int
	lastID string // wamid of the last interactive reply
}

func newBenchDriver(b *testing.B, phone string) *benchDriver {
	b.Helper()
	conv, err := New(Config{Location: harare, SupportContact: "support@example.com"}, phone, vimbiso.Snapshot{}, nil, time.Time{})
	if err != nil {
		b.Fatalf("New: %v", err)
	}
	return &benchDriver{conv: conv, credex: newFakeCredEx(), now: start}
}

// text sends a text message; tap taps id on the last interactive reply.
func (d *benchDriver) text(s string) Output {
	return d.step(vimbiso.Input{Kind: vimbiso.InputText, Text: s})
}

func (d *benchDriver) tap(id string) Output {
	return d.step(vimbiso.Input{Kind: vimbiso.InputChoice, ChoiceID: id, ContextID: d.lastID})
}

// step runs one input and every call it leads to, and returns the last
// output.
func (d *benchDriver) step(in vimbiso.Input) Output {
	d.seq++
	in.MessageID = "wamid.IN" + strconv.Itoa(d.seq)
	in.SentAt, in.ReceivedAt = d.now, d.now
	out := d.conv.Step(in, d.now)
	for range maxBenchCalls {
		d.sent(out)
		if out.Call == nil {
			break
		}
		res := d.credex.do(*out.Call)
		out = d.conv.Step(vimbiso.Input{Kind: vimbiso.InputResult, Result: &res}, d.now)
	}
	return out
}

const maxBenchCalls = 8

func (d *benchDriver) sent(out Output) {
	for _, r := range out.Replies {
		d.seq++
		id := "wamid.OUT" + strconv.Itoa(d.seq)
		d.conv.Sent(r, id)
		if r.Interactive() {
			d.lastID = id
		}
	}
}

// openDashboard logs Alice in and opens her personal account's dashboard.
func (d *benchDriver) openDashboard(b *testing.B) {
	b.Helper()
	d.text("hi")
	d.tap("acct_acct-alice")
	if got := d.conv.State(); got != StateDashboard {
		b.Fatalf("state after opening the dashboard = %q, want %q", got, StateDashboard)
	}
}

// BenchmarkStep measures the CPU of conversation steps, with an in-memory
// fake for CredEx. Each op is two inputs, each with the calls it causes,
// and ns/step is half an op.
//
//   - menu_tap: tap "Offer secured" on the dashboard's menu, which shows
//     the amount prompt, then send "menu" to return to the dashboard.
//   - quick_to_confirm: the quick command "1=>example_traders", which looks
//     the handle up and shows the confirm screen, then tap "offer_abort"
//     to return to the dashboard.
func BenchmarkStep(b *testing.B) {
	b.Run("menu_tap", func(b *testing.B) {
		d := newBenchDriver(b, "263770000001")
		d.openDashboard(b)
		for b.Loop() {
			d.tap("offer_secured")
			d.text("menu")
		}
		if got := d.conv.State(); got != StateDashboard {
			b.Fatalf("state after the loop = %q, want %q", got, StateDashboard)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(2*b.N), "ns/step")
	})
	b.Run("quick_to_confirm", func(b *testing.B) {
		d := newBenchDriver(b, "263770000001")
		d.openDashboard(b)
		for b.Loop() {
			d.text("1=>example_traders")
			if got := d.conv.State(); got != StateSecuredOfferConfirm {
				b.Fatalf("state after the quick command = %q, want %q", got, StateSecuredOfferConfirm)
			}
			d.tap("offer_abort")
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(2*b.N), "ns/step")
	})
}

// BenchmarkNew measures resuming a conversation from a snapshot, which an
// actor does once per activation. Most of its memory is the looplab/fsm
// machine: its transition maps are built per conversation.
func BenchmarkNew(b *testing.B) {
	d := newBenchDriver(b, "263770000001")
	d.openDashboard(b)
	snap := d.conv.Snapshot()
	for b.Loop() {
		if _, err := New(Config{Location: harare}, "263770000001", snap, nil, time.Time{}); err != nil {
			b.Fatal(err)
		}
	}
}
