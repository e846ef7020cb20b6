package fsm

import (
	"time"

	"testing"

	vimbiso "github.com/vimbisopay/vimbiso"
)

func TestLoginWithGreeting(t *testing.T) {
	s := newSession(t, "263770000001", newFakeCredEx())
	s.run("login_greeting",
		"Hi!",
		"tap acct_acct-alice",
		"hi",
		"tap offers_in",
		"tap switch_account",
		"tap acct_acct-traders",
		"something else",
		"thanks",
		"image",
	)
	s.wantState(StateDashboard)
	if got := s.conv.Snapshot().ActiveAccountID; got != "acct-traders" {
		t.Errorf("active account = %q, want acct-traders", got)
	}
}

func TestSessionExpiry(t *testing.T) {
	s := newSession(t, "263770000001", newFakeCredEx())
	s.run("session_expiry",
		"hi",
		"tap acct_acct-alice",
		"wait 6m",
		"5",
		"wait 30h",
		"hello there",
	)
	s.wantState(StateDashboard)
}

func TestStaleButton(t *testing.T) {
	s := newSession(t, "263770000001", newFakeCredEx())
	s.do("hi")
	picker := s.lastID
	s.do("tap acct_acct-alice")
	s.run("stale_button", "old acct_acct-traders "+picker, "old reg_start wamid.NOPE")
	if got := s.conv.Snapshot().ActiveAccountID; got != "acct-alice" {
		t.Errorf("active account = %q, want acct-alice: a stale tap must not act", got)
	}
}

func TestExpiredChoiceIsNotActedOn(t *testing.T) {
	s := newSession(t, "263770000001", newFakeCredEx())
	s.do("hi")
	s.do("tap acct_acct-alice")
	dashboard := s.lastID
	s.do("wait 10m")
	s.run("expired_choice", "old switch_account "+dashboard)
	s.wantState(StateDashboard)
}

func TestLoginFailures(t *testing.T) {
	cases := []struct {
		name   string
		result vimbiso.Result
	}{
		{"login_rejected_phone", vimbiso.Result{Outcome: vimbiso.OutcomeInvalid, Status: 400}},
		{"login_rate_limited", vimbiso.Result{Outcome: vimbiso.OutcomeRateLimited, Status: 429}},
		{"login_unavailable", vimbiso.Result{Outcome: vimbiso.OutcomeUnavailable}},
		{"login_bad_client_key", vimbiso.Result{Outcome: vimbiso.OutcomeClient, Status: 401}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFakeCredEx()
			fake.fail[vimbiso.CallLogin] = tc.result
			s := newSession(t, "263770000001", fake)
			s.run(tc.name, "hi")
			s.wantState(StateNoSession)
		})
	}
}

func TestLateMessage(t *testing.T) {
	s := newSession(t, "263770000001", newFakeCredEx())
	s.do("hi")
	s.do("tap acct_acct-alice")
	late := vimbiso.Input{Kind: vimbiso.InputText, Text: "menu", SentAt: s.now.Add(-10 * time.Minute), ReceivedAt: s.now}
	s.input("menu (sent 10 minutes ago)", late)
	s.input("menu (sent 11 minutes ago)", vimbiso.Input{Kind: vimbiso.InputText, Text: "menu", SentAt: s.now.Add(-11 * time.Minute), ReceivedAt: s.now})
	s.input("hi (sent 2 days ago)", vimbiso.Input{Kind: vimbiso.InputText, Text: "hi", SentAt: s.now.Add(-48 * time.Hour), ReceivedAt: s.now})
	s.golden("late_message")
	if n := s.countCalls(vimbiso.CallLogin); n != 1 {
		t.Errorf("login calls = %d, want 1: late messages must not act", n)
	}
}

func TestHelpAndAlerts(t *testing.T) {
	s := newSession(t, "263770000001", newFakeCredEx())
	s.do("help")
	s.do("hi")
	out := s.conv.Step(vimbiso.Input{Kind: vimbiso.InputText, Text: "Alerts off", SentAt: s.now, ReceivedAt: s.now}, s.now)
	if out.Alerts == nil || *out.Alerts {
		t.Errorf("alerts off: Output.Alerts = %v, want false", out.Alerts)
	}
	s.golden("help")
}

func TestSecondUnauthorizedEndsSession(t *testing.T) {
	fake := newFakeCredEx()
	s := newSession(t, "263770000001", fake)
	s.do("hi")
	fake.fail[vimbiso.CallLogin] = vimbiso.Result{Outcome: vimbiso.OutcomeUnauthorized, Status: 401}
	out := s.conv.Step(vimbiso.Input{Kind: vimbiso.InputText, Text: "menu", SentAt: s.now, ReceivedAt: s.now, MessageID: "m"}, s.now)
	if out.Call == nil {
		t.Fatal("menu made no call")
	}
	res := fake.do(*out.Call)
	out = s.conv.Step(vimbiso.Input{Kind: vimbiso.InputResult, Result: &res}, s.now)
	if !out.DropToken {
		t.Error("DropToken = false, want true after a second 401")
	}
	if len(out.Replies) != 1 || out.Replies[0].Body != msgAuth {
		t.Errorf("replies = %+v, want only E_AUTH", out.Replies)
	}
	s.wantState(StateNoSession)
}
