package fsm

import (
	"slices"
	"testing"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// event feeds a CredEx event to the session and returns its replies.
func (s *session) event(label string, e vimbiso.Event) []vimbiso.Reply {
	s.t.Helper()
	return s.input("(event) "+label, vimbiso.Input{Kind: vimbiso.InputEvent, Event: &e})
}

var bobOffersAlice = vimbiso.Event{
	ID: "evt-1", Kind: vimbiso.EventOfferUpdate, Status: "pending", Role: "receiver", OfferID: "offer-9",
	Amount: "3.00 USD", Secured: true, Counterparty: "Bob Example Personal", MemberName: "Alice Example",
}

// On the dashboard every choice is global, so the new offer comes with its
// buttons; they and the older dashboard's rows both work afterwards.
func TestNotifyNewOfferOnDashboard(t *testing.T) {
	s := newSession(t, "263770000001", newMembersFake())
	s.do("hi")
	s.do("tap acct_acct-alice")
	dashboard := s.lastID
	replies := s.event("new offer from Bob", bobOffersAlice)
	s.wantState(StateDashboard)
	if len(replies) != 1 || replies[0].Kind != vimbiso.ReplyButtons {
		t.Fatalf("replies = %+v, want one buttons message", replies)
	}
	if ids := replies[0].ChoiceIDs(); !onlyGlobalChoices(ids) {
		t.Errorf("notification choices %v are not all global choices", ids)
	}
	if !s.conv.dashStale {
		t.Error("dashboard not marked stale by the offer event")
	}
	s.run("notify_new_offer_dashboard", "old switch_account "+dashboard)
	s.wantState(StateAccountPick)
}

// The notification's buttons are global choices: a tap reaches the offer
// flow, never E_STALE_CHOICE, even after another screen was sent.
func TestNotifyButtonsStayUsable(t *testing.T) {
	s := newSession(t, "263770000001", newMembersFake())
	s.do("hi")
	s.do("tap acct_acct-alice")
	s.event("new offer from Bob", bobOffersAlice)
	notification := s.lastID
	s.do("tap switch_account")
	for _, id := range []string{"accept_offer-9", "decline_offer-9", "offers_in"} {
		for _, r := range s.do("old " + id + " " + notification) {
			if r.Body == msgStaleChoice {
				t.Errorf("tap on %s of the notification was answered as stale", id)
			}
		}
	}
}

// In the middle of a flow the new offer comes with its buttons, and the
// buttons of the confirmation on screen keep working.
func TestNotifyNewOfferMidFlow(t *testing.T) {
	s := carolOnWorks(t, newMembersFake())
	s.do("tap members")
	list := s.lastID
	s.do("tap member_add")
	s.do(membersPhoneBob)
	before := s.conv.Snapshot()
	e := bobOffersAlice
	e.MemberName = "Carol Sample"
	replies := s.event("new offer from Bob", e)
	s.wantState(StateMemberAddConfirm)
	if len(replies) != 1 || !slices.Contains(replies[0].ChoiceIDs(), "accept_"+e.OfferID) {
		t.Errorf("notification = %+v, want one message with the offer's Accept button", replies)
	}
	after := s.conv.Snapshot()
	if after.LastInteractiveID != before.LastInteractiveID {
		t.Errorf("last interactive id = %q, want %q kept", after.LastInteractiveID, before.LastInteractiveID)
	}
	// A choice of an older screen stays stale; the confirmation counts.
	s.run("notify_new_offer_mid_flow", "old member_add "+list, "tap member_add_confirm")
	s.wantState(StateMembersList)
	if n := s.countCalls(vimbiso.CallAuthorize); n != 1 {
		t.Errorf("authorizeForAccount calls = %d, want 1: the confirmation must still count", n)
	}
}

// Outside the 24-hour window only the template goes out, also to a user who
// never wrote.
func TestNotifyOutsideWindow(t *testing.T) {
	t.Run("notify_after_24h", func(t *testing.T) {
		s := newSession(t, "263770000001", newMembersFake())
		s.do("hi")
		s.do("tap acct_acct-alice")
		s.do("wait 24h")
		replies := s.event("new offer from Bob", bobOffersAlice)
		s.event("Bob accepted", vimbiso.Event{Kind: vimbiso.EventOfferUpdate, Status: "accepted", Role: "issuer", OfferID: "offer-2",
			Amount: "1.50 USD", Counterparty: "Bob Example Personal", MemberName: "Alice Example"})
		s.golden("notify_after_24h")
		s.wantState(StateDashboard)
		if len(replies) != 1 || replies[0].Template == nil {
			t.Fatalf("replies = %+v, want one template", replies)
		}
		tpl := replies[0].Template
		if tpl.Name != "incoming_notification" || tpl.Language != "en_US" || len(tpl.Params) != 2 {
			t.Errorf("template = %+v, want incoming_notification, en_US, two parameters", tpl)
		}
	})
	t.Run("notify_never_wrote", func(t *testing.T) {
		s := newSession(t, membersPhoneBob, newMembersFake())
		e := bobOffersAlice
		e.MemberName, e.Counterparty = "Bob Example", "Alice Example Personal"
		s.event("new offer from Alice", e)
		s.golden("notify_never_wrote")
		s.wantState(StateNoSession)
	})
}

func TestNotifyOfferChanges(t *testing.T) {
	s := newSession(t, "263770000001", newMembersFake())
	s.do("hi")
	s.do("tap acct_acct-alice")
	offer := func(status, role string, secured bool) vimbiso.Event {
		return vimbiso.Event{Kind: vimbiso.EventOfferUpdate, Status: status, Role: role, OfferID: "offer-3",
			Amount: "4.00 USD", Secured: secured, Counterparty: "Bob Example Personal", MemberName: "Alice Example"}
	}
	s.event("accepted, to the issuer", offer("accepted", "issuer", true))
	s.event("declined, to the issuer", offer("declined", "issuer", true))
	s.event("expired, to the issuer", offer("expired", "issuer", false))
	s.event("cancelled, to the receiver", offer("cancelled", "receiver", true))
	s.event("new unsecured offer, to the receiver", offer("pending", "receiver", false))
	s.event("new offer, to the issuer", offer("pending", "issuer", true))
	s.event("accepted, to the receiver", offer("accepted", "receiver", true))
	noID := offer("pending", "receiver", true)
	noID.OfferID, noID.Counterparty = "", ""
	s.event("new offer without id or name", noID)
	s.golden("notify_offer_changes")
	s.wantState(StateDashboard)
}

func TestNotifyMemberAndCompany(t *testing.T) {
	fake := newMembersFake()
	s := newSession(t, "263770000001", fake)
	s.do("hi")
	s.do("tap acct_acct-alice")
	upgraded := *fake.members["263770000001"]
	upgraded.Member.Tier, upgraded.Member.RemainingUSD = 3, nil
	fake.members["263770000001"] = &upgraded
	cases := []struct {
		label string
		event vimbiso.Event
	}{
		{"member tier changed", vimbiso.Event{Kind: vimbiso.EventMemberUpdate, MemberTier: 3, MemberName: "Alice Example"}},
		{"member changed, no tier", vimbiso.Event{Kind: vimbiso.EventMemberUpdate, MemberName: "Alice Example"}},
		{"company changed", vimbiso.Event{Kind: vimbiso.EventCompanyUpdate}},
	}
	for _, tc := range cases {
		s.conv.dashStale = false
		s.event(tc.label, tc.event)
		if !s.conv.dashStale {
			t.Errorf("%s: dashboard not marked stale", tc.label)
		}
		s.wantState(StateDashboard)
	}
	s.run("notify_member_company", "menu")
	if n := s.countCalls(vimbiso.CallLogin); n != 2 {
		t.Errorf("login calls = %d, want 2: the menu after the events fetches the dashboard again", n)
	}
}

// A direct notification is always the template, even inside the window;
// one with no message sends nothing.
func TestNotifyDirect(t *testing.T) {
	s := newSession(t, "263770000001", newMembersFake())
	s.do("hi")
	s.event("notify", vimbiso.Event{Kind: vimbiso.EventNotify, ID: "n-1", MemberName: "Alice Example", Message: "Your statement\nis ready"})
	s.event("notify without a message", vimbiso.Event{Kind: vimbiso.EventNotify, ID: "n-2", MemberName: "Alice Example"})
	s.event("notify without a name", vimbiso.Event{Kind: vimbiso.EventNotify, ID: "n-3", Message: "Hello"})
	s.golden("notify_direct")
	s.wantState(StateAccountPick)
}

func TestOnlyGlobalChoices(t *testing.T) {
	cases := []struct {
		ids  []string
		want bool
	}{
		{nil, true},
		{[]string{"accept_x", "decline_x", "offers_in"}, true},
		{[]string{"home", "members", "cancel_x"}, true},
		{[]string{"member_add", "home"}, false},
		{[]string{"upgrade_confirm"}, false},
		{[]string{"acct_acct-alice"}, false},
	}
	for _, tc := range cases {
		if got := onlyGlobalChoices(tc.ids); got != tc.want {
			t.Errorf("onlyGlobalChoices(%v) = %v, want %v", tc.ids, got, tc.want)
		}
	}
}
