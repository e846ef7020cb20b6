package actors

import (
	"context"
	"fmt"
	"github.com/vimbisopay/vimbiso/fsm"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	vimbiso "github.com/vimbisopay/vimbiso"
	"github.com/vimbisopay/vimbiso/persistence"
	"github.com/vimbisopay/vimbiso/persistence/redistest"
)

// storeAdapter gives the actors the real Redis store through their port.
type storeAdapter struct{ *persistence.Store }

func (s storeAdapter) Load(ctx context.Context, u vimbiso.User) (Loaded, error) {
	l, err := s.Store.Load(ctx, u)
	return Loaded{Snapshot: l.Snapshot, Token: l.Token, Pending: l.Pending, Unreadable: l.Unreadable}, err
}

// recordingSender stands in for the Graph API: it accepts every message
// and records it.
type recordingSender struct {
	mu   sync.Mutex
	sent []vimbiso.Reply
	seq  int
}

func (s *recordingSender) Send(_ context.Context, _ string, _ vimbiso.User, _ string, r vimbiso.Reply) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	s.sent = append(s.sent, r)
	return fmt.Sprintf("wamid.OUT%d", s.seq), nil
}

func (s *recordingSender) MarkRead(context.Context, string, string, bool) error { return nil }

func (s *recordingSender) replies() []vimbiso.Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]vimbiso.Reply(nil), s.sent...)
}

// tokenCredEx stands in for CredEx: login answers 404 (not a member), and
// a member token is refused once to test the single re-login.
type tokenCredEx struct {
	mu     sync.Mutex
	calls  []vimbiso.CallOp
	tokens []string
}

func (c *tokenCredEx) Do(_ context.Context, token string, call vimbiso.Call) (vimbiso.Result, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, call.Op)
	c.tokens = append(c.tokens, token)
	return vimbiso.Result{Op: call.Op, Outcome: vimbiso.OutcomeNotFound, Status: 404}, ""
}

func (c *tokenCredEx) count(op vimbiso.CallOp) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, o := range c.calls {
		if o == op {
			n++
		}
	}
	return n
}

type harness struct {
	t      *testing.T
	store  *persistence.Store
	router *LocalRouter
	sender *recordingSender
	credex *tokenCredEx
	seq    int
}

func newHarness(t *testing.T, idle time.Duration) *harness {
	t.Helper()
	redis := redistest.Start(t)
	store := persistence.New(redis.Client(t), nil, persistence.Options{})
	h := &harness{t: t, store: store, sender: &recordingSender{}, credex: &tokenCredEx{}}
	system := NewSystem(slog.New(slog.DiscardHandler))
	t.Cleanup(system.Shutdown)
	h.router = NewLocalRouter(system, Config{IdleTimeout: idle}, Deps{Store: storeAdapter{store}, CredEx: h.credex, Sender: h.sender})
	return h
}

var alice = vimbiso.User{PhoneNumberID: "100000000000001", WaID: "263770000003"}

// accept stores a text input as the webhook would, and returns its item.
func (h *harness) accept(u vimbiso.User, text string) vimbiso.InboxItem {
	h.t.Helper()
	h.seq++
	now := time.Now()
	in := vimbiso.Input{Kind: vimbiso.InputText, Text: text, MessageID: fmt.Sprintf("wamid.T%d", h.seq), SentAt: now, ReceivedAt: now}
	got, err := h.store.Accept(context.Background(), []persistence.Incoming{{User: u, Input: in, DedupeID: in.MessageID}})
	if err != nil {
		h.t.Fatal(err)
	}
	return got[0].Item
}

// waitReplies waits until n replies were sent in all.
func (h *harness) waitReplies(n int) []vimbiso.Reply {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if r := h.sender.replies(); len(r) >= n {
			return r
		}
		time.Sleep(5 * time.Millisecond) // the actor works on its own goroutine
	}
	h.t.Fatalf("got %d replies, want %d", len(h.sender.replies()), n)
	return nil
}

// waitSaved waits until the inbox of u is empty, which happens when the
// last turn's snapshot is saved.
func (h *harness) waitSaved(u vimbiso.User) persistence.Loaded {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		l, err := h.store.Load(context.Background(), u)
		if err != nil {
			h.t.Fatal(err)
		}
		if len(l.Pending) == 0 && l.Snapshot.Version > 0 {
			return l
		}
		time.Sleep(5 * time.Millisecond)
	}
	h.t.Fatal("the inbox was not emptied")
	return persistence.Loaded{}
}

func TestActorProcessesInOrderAndSaves(t *testing.T) {
	h := newHarness(t, time.Minute)
	items := []vimbiso.InboxItem{h.accept(alice, "hi"), h.accept(alice, "what?")}
	h.router.Deliver(items...)

	replies := h.waitReplies(3)
	if replies[0].Kind != vimbiso.ReplyButtons {
		t.Errorf("first reply kind = %s, want the welcome buttons", replies[0].Kind)
	}
	if replies[1].Body != "Tap a button to continue." {
		t.Errorf("second reply = %q, want the hint of the welcome screen", replies[1].Body)
	}
	loaded := h.waitSaved(alice)
	if got := loaded.Snapshot.State; got != "reg_welcome" {
		t.Errorf("saved state = %q, want reg_welcome", got)
	}
}

func TestActorIgnoresSecondDeliveryOfItem(t *testing.T) {
	h := newHarness(t, time.Minute)
	item := h.accept(alice, "hi")
	h.router.Deliver(item, item)
	h.router.Wake(alice)
	h.waitReplies(1)
	h.waitSaved(alice)

	second := h.accept(alice, "what?")
	h.router.Deliver(second)
	h.waitReplies(3)
	h.waitSaved(alice)
	if n := len(h.sender.replies()); n != 3 {
		t.Errorf("replies = %d, want 3: the first input ran twice", n)
	}
	if n := h.credex.count(vimbiso.CallLogin); n != 1 {
		t.Errorf("login calls = %d, want 1", n)
	}
}

func TestActorPassivatesAndResumes(t *testing.T) {
	h := newHarness(t, 50*time.Millisecond)
	h.router.Deliver(h.accept(alice, "hi"))
	h.waitReplies(1)
	h.waitSaved(alice)

	deadline := time.Now().Add(5 * time.Second)
	for h.router.Active() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond) // the idle timer runs on its own goroutine
	}
	if n := h.router.Active(); n != 0 {
		t.Fatalf("active actors = %d after the idle timeout, want 0", n)
	}

	// A fresh activation resumes from the snapshot: still on the welcome
	// screen, so other text gets the welcome hint.
	h.router.Deliver(h.accept(alice, "what?"))
	replies := h.waitReplies(3)
	if replies[1].Body != "Tap a button to continue." {
		t.Errorf("after passivation the reply was %q, want the welcome hint", replies[1].Body)
	}
}

func TestActorRecoversStoredInputOnWake(t *testing.T) {
	h := newHarness(t, time.Minute)
	h.accept(alice, "hi") // stored, as by a process that died before delivering
	pending, err := h.store.PendingUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0] != alice {
		t.Fatalf("pending users = %v, want only alice", pending)
	}
	h.router.Wake(pending...)
	h.waitReplies(1)
	h.waitSaved(alice)
}

// windowSender refuses every free-form message with 131047, as Meta does
// when the user's last message is more than 24 hours old.
type windowSender struct{ recordingSender }

func (s *windowSender) Send(ctx context.Context, from string, u vimbiso.User, bsuid string, r vimbiso.Reply) (string, error) {
	if r.Kind != vimbiso.ReplyTemplate {
		return "", &vimbiso.SendError{HTTPStatus: 400, Code: 131047}
	}
	return s.recordingSender.Send(ctx, from, u, bsuid, r)
}

func TestActorSendsTemplateWhenWindowClosed(t *testing.T) {
	h := newHarness(t, time.Minute)
	sender := &windowSender{}
	h.router = NewLocalRouter(NewSystem(slog.New(slog.DiscardHandler)), Config{IdleTimeout: time.Minute},
		Deps{Store: storeAdapter{h.store}, CredEx: h.credex, Sender: sender})

	// A message from the user opens the window as far as the bot knows.
	h.router.Deliver(h.accept(alice, "hi"))
	h.waitSaved(alice)

	now := time.Now()
	event := vimbiso.Input{Kind: vimbiso.InputEvent, SentAt: now, ReceivedAt: now, Event: &vimbiso.Event{
		ID: "e1", Kind: vimbiso.EventOfferUpdate, Status: "accepted", Role: "issuer",
		OfferID: "c1", Amount: "2.00 USD", Counterparty: "Bob Example Personal", MemberName: "Joan Sample",
	}}
	got, err := h.store.Accept(context.Background(), []persistence.Incoming{{User: alice, Input: event, DedupeID: "event:e1"}})
	if err != nil {
		t.Fatal(err)
	}
	h.router.Deliver(got[0].Item)

	deadline := time.Now().Add(10 * time.Second)
	for len(sender.replies()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond) // the actor works on its own goroutine
	}
	replies := sender.replies()
	if len(replies) != 1 || replies[0].Kind != vimbiso.ReplyTemplate {
		t.Fatalf("sent = %+v, want one template in place of the refused text", replies)
	}
	if params := replies[0].Template.Params; len(params) != 2 || !strings.Contains(params[1], "accepted") {
		t.Errorf("template parameters = %q, want the name and the notification text", params)
	}
}

// fakeClock is a clock whose Sleep moves time on at once.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(_ context.Context, d time.Duration) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	c.now = c.now.Add(d)
	return true
}

func TestActorHoldsBackFastUser(t *testing.T) {
	h := newHarness(t, time.Minute)
	clock := &fakeClock{now: time.Now()}
	h.router = NewLocalRouter(NewSystem(slog.New(slog.DiscardHandler)),
		Config{IdleTimeout: time.Minute, InputRate: 2, Now: clock.Now, Sleep: clock.Sleep},
		Deps{Store: storeAdapter{h.store}, CredEx: h.credex, Sender: h.sender})

	items := []vimbiso.InboxItem{h.accept(alice, "hi"), h.accept(alice, "one"), h.accept(alice, "two"), h.accept(alice, "three")}
	h.router.Deliver(items...)
	h.waitSaved(alice)

	replies := h.sender.replies()
	notices := 0
	for _, r := range replies {
		if r.Body == fsmSlowDown() {
			notices++
		}
	}
	if notices != 1 {
		t.Errorf("slow-down notices = %d, want 1 per burst", notices)
	}
	clock.mu.Lock()
	waits := len(clock.slept)
	clock.mu.Unlock()
	if waits != 2 {
		t.Errorf("inputs held back = %d, want 2 (the third and fourth of a minute with a limit of 2)", waits)
	}
	// Every input was still answered: the welcome, then for each of the
	// three others a hint and the welcome again.
	if got := len(replies) - notices; got != 7 {
		t.Errorf("answers = %d, want 7: held-back inputs must not be dropped", got)
	}
}

func fsmSlowDown() string { return fsm.SlowDownReply().Body }

// rotatingCredEx stands in for CredEx's token refresh: every answer to an
// authenticated call carries a new token, and only the newest one is
// accepted.
type rotatingCredEx struct {
	mu     sync.Mutex
	newest string
	issued int
	calls  []vimbiso.CallOp
	logins int
	dash   *vimbiso.Dashboard
}

func (c *rotatingCredEx) Do(_ context.Context, token string, call vimbiso.Call) (vimbiso.Result, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, call.Op)
	if call.Op == vimbiso.CallLogin {
		c.logins++
	} else if token != c.newest {
		return vimbiso.Result{Op: call.Op, Outcome: vimbiso.OutcomeUnauthorized, Status: 401}, ""
	}
	c.issued++
	c.newest = fmt.Sprintf("token-%d", c.issued)
	res := vimbiso.Result{Op: call.Op, Outcome: vimbiso.OutcomeOK, Status: 200, Dashboard: c.dash}
	if call.Op == vimbiso.CallGetLedger {
		res.Dashboard = nil
		res.Ledger = []vimbiso.LedgerEntry{{CredexID: "c1", Amount: "2.00 USD", Counterparty: "Bob Example Personal"}}
	}
	return res, c.newest
}

func TestActorUsesNewestToken(t *testing.T) {
	h := newHarness(t, time.Minute)
	member := vimbiso.User{PhoneNumberID: alice.PhoneNumberID, WaID: "263770000001"}
	credex := &rotatingCredEx{dash: &vimbiso.Dashboard{
		Member:   vimbiso.Member{MemberID: "m1", Tier: 1, FirstName: "Alice"},
		Accounts: []vimbiso.Account{{AccountID: "a1", Name: "Alice Example Personal", Handle: "263770000001", Type: "PERSONAL", Owned: true}},
	}}
	h.router = NewLocalRouter(NewSystem(slog.New(slog.DiscardHandler)), Config{IdleTimeout: time.Minute},
		Deps{Store: storeAdapter{h.store}, CredEx: credex, Sender: h.sender})

	h.router.Deliver(h.accept(member, "hi"))
	h.waitSaved(member)
	now := time.Now()
	tap := vimbiso.Input{Kind: vimbiso.InputChoice, ChoiceID: "ledger", MessageID: "wamid.LEDGER", SentAt: now, ReceivedAt: now}
	got, err := h.store.Accept(context.Background(), []persistence.Incoming{{User: member, Input: tap, DedupeID: tap.MessageID}})
	if err != nil {
		t.Fatal(err)
	}
	h.router.Deliver(got[0].Item)
	h.waitReplies(2)
	loaded := h.waitSaved(member)

	credex.mu.Lock()
	defer credex.mu.Unlock()
	if credex.logins != 1 {
		t.Errorf("logins = %d (calls %v), want 1: the ledger call must use the token of the last answer", credex.logins, credex.calls)
	}
	if last := credex.calls[len(credex.calls)-1]; last != vimbiso.CallGetLedger {
		t.Errorf("last call = %s, want getLedger", last)
	}
	if loaded.Token != credex.newest {
		t.Errorf("stored token = %q, want the newest %q", loaded.Token, credex.newest)
	}
}

// TestActorSkipsUnchangedDashboardWrite checks that a turn whose fresh
// dashboard equals the one last cached leaves the cache alone, and that a
// changed dashboard, or one cached over cacheRefresh ago, is written.
func TestActorSkipsUnchangedDashboardWrite(t *testing.T) {
	h := newHarness(t, time.Minute)
	member := vimbiso.User{PhoneNumberID: alice.PhoneNumberID, WaID: "263770000001"}
	dash := func(net string) *vimbiso.Dashboard {
		return &vimbiso.Dashboard{
			Member: vimbiso.Member{MemberID: "m1", Tier: 1, FirstName: "Alice"},
			Accounts: []vimbiso.Account{{AccountID: "a1", Name: "Alice Example Personal", Handle: "263770000001",
				Type: "PERSONAL", Owned: true, Balances: vimbiso.Balances{NetPayRec: net}}},
		}
	}
	credex := &rotatingCredEx{dash: dash("0.00 USD")}
	var mu sync.Mutex
	clock := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	h.router = NewLocalRouter(NewSystem(slog.New(slog.DiscardHandler)), Config{IdleTimeout: time.Minute, Now: now},
		Deps{Store: storeAdapter{h.store}, CredEx: credex, Sender: h.sender})

	say := func(text string, at time.Duration) time.Time {
		t.Helper()
		mu.Lock()
		clock = time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC).Add(at)
		mu.Unlock()
		h.router.Deliver(h.accept(member, text))
		h.waitSaved(member)
		_, cachedAt, err := h.store.LoadDashboard(context.Background(), member)
		if err != nil {
			t.Fatalf("after %q: %v", text, err)
		}
		return cachedAt
	}
	start := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	if got := say("hi", 0); !got.Equal(start) {
		t.Fatalf("first dashboard cached at %v, want %v", got, start)
	}
	if got := say("menu", 5*time.Second); !got.Equal(start) {
		t.Errorf("an unchanged dashboard was written again (cached at %v, want %v)", got, start)
	}
	credex.mu.Lock()
	credex.dash = dash("5.00 USD")
	credex.mu.Unlock()
	if got, want := say("menu", 6*time.Second), start.Add(6*time.Second); !got.Equal(want) {
		t.Errorf("a changed dashboard cached at %v, want %v", got, want)
	}
	if got, want := say("menu", 6*time.Second+cacheRefresh), start.Add(6*time.Second+cacheRefresh); !got.Equal(want) {
		t.Errorf("an unchanged dashboard %v after the last write cached at %v, want %v", cacheRefresh, got, want)
	}
}

// TestActorHandlesReusedInboxID checks that a new input is handled when
// its inbox id repeats the id of one handled before, as Redis does when
// the emptied inbox was deleted and a new one starts in the same
// millisecond.
func TestActorHandlesReusedInboxID(t *testing.T) {
	h := newHarness(t, time.Minute)
	first := h.accept(alice, "hi")
	h.router.Deliver(first)
	h.waitReplies(1)

	second := h.accept(alice, "hi")
	second.ID = first.ID
	h.router.Deliver(second)
	h.waitReplies(2)
}
