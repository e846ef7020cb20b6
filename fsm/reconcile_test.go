package fsm

import (
	"strings"
	"testing"
	"time"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// crashAfterCall taps offer_send on the confirmation screen and stops
// like a process killed after the actor saved the intent: it returns the
// tap, the snapshot as saved before the call, and the call. Whether CredEx
// received the call is up to the caller.
func crashAfterCall(t *testing.T, s *session) (vimbiso.Input, vimbiso.Snapshot, vimbiso.Call) {
	t.Helper()
	tap := vimbiso.Input{Kind: vimbiso.InputChoice, ChoiceID: "offer_send", ContextID: s.lastID,
		MessageID: "wamid.CRASH", SentAt: s.now, ReceivedAt: s.now}
	out := s.conv.Step(tap, s.now)
	if out.Call == nil || out.Call.Op != vimbiso.CallCreateCredex {
		t.Fatalf("offer_send asked for %+v, want createCredex", out.Call)
	}
	saved := s.conv.Snapshot()
	if saved.Intent == nil || saved.Intent.Key != out.Call.IdempotencyKey {
		t.Fatalf("intent before the call = %+v, want one with the call's key", saved.Intent)
	}
	return tap, saved, *out.Call
}

// restart resumes the conversation from a saved snapshot, as a new
// activation on another process would, and replays in.
func restart(t *testing.T, s *session, saved vimbiso.Snapshot, in vimbiso.Input) []vimbiso.Call {
	t.Helper()
	dash, at, _ := s.conv.Dashboard()
	conv, err := New(s.conv.cfg, s.conv.phone, saved, dash, at)
	if err != nil {
		t.Fatal(err)
	}
	s.conv = conv
	s.now = s.now.Add(10 * time.Second)
	// Step directly: session.input would give the message a new id.
	var calls []vimbiso.Call
	s.last = nil
	out := s.conv.Step(in, s.now)
	for range 10 {
		s.record(out)
		if out.Call == nil {
			break
		}
		calls = append(calls, *out.Call)
		res := s.credex.do(*out.Call)
		out = s.conv.Step(vimbiso.Input{Kind: vimbiso.InputResult, Result: &res}, s.now)
	}
	return calls
}

func callOps(calls []vimbiso.Call) []vimbiso.CallOp {
	ops := make([]vimbiso.CallOp, len(calls))
	for i, c := range calls {
		ops[i] = c.Op
	}
	return ops
}

func TestReconcileOfferCreatedBeforeCrash(t *testing.T) {
	f := newOfferFake()
	s := aliceOnPersonal(t, f, true)
	s.reachConfirm()
	tap, saved, call := crashAfterCall(t, s)
	if res := f.do(call); !res.OK() {
		t.Fatalf("fake createCredex = %+v", res)
	}

	calls := restart(t, s, saved, tap)
	if got := callOps(calls); len(got) != 1 || got[0] != vimbiso.CallLogin {
		t.Errorf("calls after the restart = %v, want only the LOGIN that reconciles", got)
	}
	if body := s.lastBody(); !strings.Contains(body, "went through") || !strings.Contains(body, "2.00 USD") {
		t.Errorf("reply = %q, want the offer reported as made", body)
	}
	if s.conv.Snapshot().Intent != nil {
		t.Error("the intent is still open after reconciling")
	}
	s.wantState(StateDashboard)
}

func TestReconcileOfferNeverMade(t *testing.T) {
	f := newOfferFake()
	s := aliceOnPersonal(t, f, true)
	s.reachConfirm()
	tap, saved, call := crashAfterCall(t, s) // the call never left

	calls := restart(t, s, saved, tap)
	got := callOps(calls)
	if len(got) != 2 || got[0] != vimbiso.CallLogin || got[1] != vimbiso.CallCreateCredex {
		t.Fatalf("calls after the restart = %v, want LOGIN then createCredex", got)
	}
	if calls[1].IdempotencyKey != call.IdempotencyKey {
		t.Errorf("key of the repeated call = %q, want the first attempt's %q", calls[1].IdempotencyKey, call.IdempotencyKey)
	}
	if body := s.lastBody(); !strings.Contains(body, "You offered") {
		t.Errorf("reply = %q, want the offer made", body)
	}
}

func TestReconcileOtherInputAfterOfferMade(t *testing.T) {
	f := newOfferFake()
	s := aliceOnPersonal(t, f, true)
	s.reachConfirm()
	_, saved, call := crashAfterCall(t, s)
	f.do(call)

	menu := vimbiso.Input{Kind: vimbiso.InputText, Text: "menu", MessageID: "wamid.MENU", SentAt: s.now, ReceivedAt: s.now}
	calls := restart(t, s, saved, menu)
	for _, c := range calls {
		if c.Op == vimbiso.CallCreateCredex {
			t.Fatalf("a createCredex was made while reconciling: %v", callOps(calls))
		}
	}
	if body := s.lastBody(); !strings.Contains(body, "went through") {
		t.Errorf("reply = %q, want the dashboard saying the offer went through", body)
	}
}

func TestReconcileTellsOutcomeAfterUnsureOffer(t *testing.T) {
	f := newOfferFake()
	s := aliceOnPersonal(t, f, true)
	s.reachConfirm()
	f.fail[vimbiso.CallCreateCredex] = vimbiso.Result{Outcome: vimbiso.OutcomeUnavailable, Status: 504}
	s.do("tap offer_send")
	if body := s.lastBody(); !strings.Contains(body, "couldn't confirm") {
		t.Fatalf("reply = %q, want E_UNSURE_OFFER", body)
	}

	s.do("menu")
	if body := s.lastBody(); !strings.Contains(body, "did not go through") {
		t.Errorf("reply to the next message = %q, want the offer reported as not made", body)
	}
	if s.conv.Snapshot().Intent != nil {
		t.Error("the intent is still open after the next message")
	}
	if n := s.countCalls(vimbiso.CallCreateCredex); n != 1 {
		t.Errorf("createCredex calls = %d, want 1: an unclear offer is never repeated by itself", n)
	}
}

func TestIDDigestTellsSimilarIDsApart(t *testing.T) {
	a := idDigest("00000000-0000-4000-8000-0000000000c1")
	b := idDigest("00000000-0000-4000-8000-0000000000c2")
	if a == b {
		t.Errorf("ids that differ only at the end share digest %s", a)
	}
	if len(a) != 8 {
		t.Errorf("digest %q has %d characters, want 8", a, len(a))
	}
}
