package fsm

import (
	"testing"
	"time"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// carolOnWorks logs Carol in and picks Sample Works, the company account
// she owns.
func carolOnWorks(t *testing.T, fake *fakeCredEx) *session {
	t.Helper()
	s := newSession(t, membersPhoneCarol, fake)
	s.do("hi")
	s.do("tap acct_acct-works")
	return s
}

func TestMembersAdd(t *testing.T) {
	fake := newMembersFake()
	s := carolOnWorks(t, fake)
	s.run("members_add",
		"tap members",
		"tap member_add",
		"@x",
		"Bob Example",
		"+263 77 000 0004",
		"263770000009",
		"263770000005",
		"@263770000002",
		"maybe",
		"tap member_add_confirm",
	)
	s.wantState(StateMembersList)

	if n := s.countCalls(vimbiso.CallAuthorize); n != 1 {
		t.Fatalf("authorizeForAccount calls = %d, want 1", n)
	}
	call := s.calls[len(s.calls)-2] // the authorisation, before the refreshing login
	want := vimbiso.Call{Op: vimbiso.CallAuthorize, AccountID: "acct-works", Handle: membersPhoneBob, MemberID: "member-carol"}
	if call.Op != want.Op || call.AccountID != want.AccountID || call.Handle != want.Handle || call.MemberID != want.MemberID {
		t.Errorf("authorize call = %+v, want %+v", call, want)
	}
	if call.IdempotencyKey == "" {
		t.Error("authorize call has no idempotency key")
	}

	if got := s.conv.Snapshot().Intent; got != nil {
		t.Errorf("intent after the response = %+v, want none", got)
	}
	works, _ := fake.members[membersPhoneCarol].Account("acct-works")
	if len(works.AuthFor) != 3 {
		t.Errorf("people on Sample Works = %d, want 3", len(works.AuthFor))
	}
}

func TestMembersAddRecordsIntent(t *testing.T) {
	s := carolOnWorks(t, newMembersFake())
	s.do("tap members")
	s.do("tap member_add")
	s.do(membersPhoneBob)
	out := s.conv.Step(vimbiso.Input{Kind: vimbiso.InputChoice, ChoiceID: choiceMemberAddConfirm, ContextID: s.lastID,
		MessageID: "wamid.CONFIRM", SentAt: s.now, ReceivedAt: s.now}, s.now)
	if out.Call == nil || out.Call.Op != vimbiso.CallAuthorize {
		t.Fatalf("confirm asked for %+v, want authorizeForAccount", out.Call)
	}
	intent := s.conv.Snapshot().Intent
	if intent == nil {
		t.Fatal("no intent recorded before authorizeForAccount")
	}
	if intent.Key != out.Call.IdempotencyKey || intent.Call.Op != vimbiso.CallAuthorize || !intent.At.Equal(s.now) {
		t.Errorf("intent = %+v, want the call %+v at %v", intent, *out.Call, s.now)
	}
}

func TestMembersAddAbort(t *testing.T) {
	s := carolOnWorks(t, newMembersFake())
	s.run("members_add_abort", "tap members", "tap member_add", "263770000002", "tap member_add_abort")
	s.wantState(StateMembersList)
	if n := s.countCalls(vimbiso.CallAuthorize); n != 0 {
		t.Errorf("authorizeForAccount calls = %d, want 0", n)
	}
}

func TestMembersRemove(t *testing.T) {
	fake := newMembersFake()
	s := carolOnWorks(t, fake)
	s.run("members_remove",
		"tap members",
		"tap member_rm_member-dave",
		"tap back_members",
		"tap member_rm_member-dave",
		"tap member_rm_confirm",
	)
	s.wantState(StateMembersList)
	if n := s.countCalls(vimbiso.CallUnauthorize); n != 1 {
		t.Fatalf("unauthorizeForAccount calls = %d, want 1", n)
	}
	call := s.calls[len(s.calls)-2]
	if call.AccountID != "acct-works" || call.MemberID != "member-dave" || call.IdempotencyKey == "" {
		t.Errorf("unauthorize call = %+v, want Dave on acct-works with a key", call)
	}
	if got := s.conv.Snapshot().Intent; got != nil {
		t.Errorf("intent after the response = %+v, want none", got)
	}
}

// Each failure of authorizeForAccount that the member can see.
func TestMembersAuthorizeFailures(t *testing.T) {
	cases := []struct {
		name   string
		result vimbiso.Result
		state  State
	}{
		{"members_authorize_forbidden", vimbiso.Result{Outcome: vimbiso.OutcomeForbidden, Status: 403,
			Reason: "You can only authorize someone to transact on behalf of your account when you are on the Entrepreneur tier or above."}, StateMembersList},
		{"members_authorize_limit", vimbiso.Result{Outcome: vimbiso.OutcomeInvalid, Status: 400,
			Reason: "Limit of 5 authorized accounts reached. Remove an authorized account if you want to add another."}, StateMembersList},
		{"members_authorize_not_found", vimbiso.Result{Outcome: vimbiso.OutcomeNotFound, Status: 404, Reason: "Member not found"}, StateMemberAddHandle},
		{"members_authorize_rate_limited", vimbiso.Result{Outcome: vimbiso.OutcomeRateLimited, Status: 429}, StateMemberAddConfirm},
		{"members_authorize_unavailable", vimbiso.Result{Outcome: vimbiso.OutcomeUnavailable}, StateMemberAddConfirm},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := newMembersFake()
			s := carolOnWorks(t, fake)
			fake.fail[vimbiso.CallAuthorize] = tc.result
			s.run(tc.name, "tap members", "tap member_add", membersPhoneBob, "tap member_add_confirm")
			s.wantState(tc.state)
			if got := s.conv.Snapshot().Intent; got != nil {
				t.Errorf("intent after the response = %+v, want none", got)
			}
		})
	}
}

// After a failure that leaves the confirmation on screen, tapping it again
// authorises.
func TestMembersAuthorizeRetry(t *testing.T) {
	fake := newMembersFake()
	s := carolOnWorks(t, fake)
	fake.fail[vimbiso.CallAuthorize] = vimbiso.Result{Outcome: vimbiso.OutcomeUnavailable}
	s.do("tap members")
	s.do("tap member_add")
	s.do(membersPhoneBob)
	s.do("tap member_add_confirm")
	s.do("tap member_add_confirm")
	s.wantState(StateMembersList)
	if n := s.countCalls(vimbiso.CallAuthorize); n != 2 {
		t.Errorf("authorizeForAccount calls = %d, want 2", n)
	}
}

func TestMembersLookupFailures(t *testing.T) {
	fake := newMembersFake()
	s := carolOnWorks(t, fake)
	s.do("tap members")
	s.do("tap member_add")
	fake.fail[vimbiso.CallMemberByHandle] = vimbiso.Result{Outcome: vimbiso.OutcomeInvalid, Status: 400, Reason: "Invalid handle"}
	s.do(membersPhoneBob)
	fake.fail[vimbiso.CallMemberByHandle] = vimbiso.Result{Outcome: vimbiso.OutcomeRateLimited, Status: 429}
	s.do(membersPhoneBob)
	fake.fail[vimbiso.CallMemberByHandle] = vimbiso.Result{Outcome: vimbiso.OutcomeUnavailable, Status: 502}
	s.do(membersPhoneBob)
	s.do("image")
	s.do(membersPhoneBob)
	s.golden("members_lookup_failures")
	s.wantState(StateMemberAddConfirm)
}

func TestMembersUnauthorizeFailures(t *testing.T) {
	cases := []struct {
		name   string
		result vimbiso.Result
		state  State
	}{
		{"members_unauthorize_forbidden", vimbiso.Result{Outcome: vimbiso.OutcomeForbidden, Status: 403, Reason: "Only the account owner can remove members"}, StateMembersList},
		{"members_unauthorize_unavailable", vimbiso.Result{Outcome: vimbiso.OutcomeUnavailable}, StateMemberRemoveConfirm},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := newMembersFake()
			s := carolOnWorks(t, fake)
			fake.fail[vimbiso.CallUnauthorize] = tc.result
			s.run(tc.name, "tap members", "tap member_rm_member-dave", "tap member_rm_confirm")
			s.wantState(tc.state)
		})
	}
}

// Dave lost his access between the list and the confirmation, so CredEx
// returns 404 and the refreshed list no longer shows him.
func TestMembersUnauthorizeGone(t *testing.T) {
	fake := newMembersFake()
	s := carolOnWorks(t, fake)
	s.do("tap members")
	s.do("tap member_rm_member-dave")
	fake.membersSetAccount(membersPhoneCarol, func(a *vimbiso.Account) {
		if a.AccountID == "acct-works" {
			a.AuthFor = a.AuthFor[:1]
		}
	})
	s.run("members_unauthorize_not_found", "tap member_rm_confirm")
	s.wantState(StateMembersList)
}

func TestMembersListFull(t *testing.T) {
	fake := newMembersFake()
	fake.membersSetAccount(membersPhoneCarol, func(a *vimbiso.Account) {
		if a.AccountID == "acct-works" {
			a.AuthFor = append(a.AuthFor,
				vimbiso.PersonName{MemberID: "member-erin", FirstName: "Erin", LastName: "Sample"},
				vimbiso.PersonName{MemberID: "member-fay", FirstName: "Fay", LastName: "Sample"},
				vimbiso.PersonName{MemberID: "member-gus", FirstName: "Gus", LastName: "Sample"},
			)
		}
	})
	s := carolOnWorks(t, fake)
	// With 5 people the add row is not offered, so a tap on it does not count.
	s.run("members_list_full", "tap members", "tap member_add")
	s.wantState(StateMembersList)
}

func TestMembersListWithoutAuthFor(t *testing.T) {
	fake := newMembersFake()
	fake.membersSetAccount(membersPhoneCarol, func(a *vimbiso.Account) { a.AuthFor = nil })
	s := carolOnWorks(t, fake)
	s.run("members_list_without_authfor", "tap members", "what now")
	s.wantState(StateMembersList)
}

func TestMembersListRefreshesOldDashboard(t *testing.T) {
	fake := newMembersFake()
	s := carolOnWorks(t, fake)
	s.do("tap members")
	if n := s.countCalls(vimbiso.CallLogin); n != 1 {
		t.Errorf("login calls for a fresh dashboard = %d, want 1", n)
	}
	// Someone else added Bob meanwhile.
	fake.membersSetAccount(membersPhoneCarol, func(a *vimbiso.Account) {
		if a.AccountID == "acct-works" {
			a.AuthFor = append(a.AuthFor, vimbiso.PersonName{MemberID: "member-bob", FirstName: "Bob", LastName: "Example"})
		}
	})
	s.run("members_list_refresh", "tap home", "wait 31s", "tap members")
	if n := s.countCalls(vimbiso.CallLogin); n != 2 {
		t.Errorf("login calls = %d, want 2: one refresh of the 31-second-old dashboard", n)
	}
}

func TestMembersNotAllowed(t *testing.T) {
	t.Run("members_open_tier", func(t *testing.T) {
		s := newSession(t, "263770000001", newMembersFake())
		s.do("hi")
		s.do("tap acct_acct-traders")
		s.run("members_open_tier", "tap members")
		s.wantState(StateDashboard)
	})
	t.Run("members_not_owner", func(t *testing.T) {
		s := newSession(t, membersPhoneDave, newMembersFake())
		s.do("hi")
		s.do("tap acct_acct-works")
		s.run("members_not_owner", "tap members")
		s.wantState(StateDashboard)
	})
}

// A confirmation processed more than a session after it was sent (a
// backlog after a crash) is refused and shown again.
func TestMembersLateConfirm(t *testing.T) {
	s := carolOnWorks(t, newMembersFake())
	s.do("tap members")
	s.do("tap member_add")
	s.do(membersPhoneBob)
	sent := s.now.Add(-6 * time.Minute)
	s.input("tap member_add_confirm (sent 6 minutes ago)", vimbiso.Input{Kind: vimbiso.InputChoice, ChoiceID: choiceMemberAddConfirm,
		ContextID: s.lastID, SentAt: sent, ReceivedAt: sent})
	s.do("tap member_add_abort")
	s.do("tap member_rm_member-dave")
	s.input("tap member_rm_confirm (sent 6 minutes ago)", vimbiso.Input{Kind: vimbiso.InputChoice, ChoiceID: choiceMemberRmConfirm,
		ContextID: s.lastID, SentAt: sent, ReceivedAt: sent})
	s.golden("members_late_confirm")
	if n := s.countCalls(vimbiso.CallAuthorize) + s.countCalls(vimbiso.CallUnauthorize); n != 0 {
		t.Errorf("authorisation calls = %d, want 0 for late confirmations", n)
	}
}

func TestMemberHandle(t *testing.T) {
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"263770000002", "263770000002", true},
		{" +263 (77) 000-0002 ", "263770000002", true},
		{"@Sample_Works", "sample_works", true},
		{"@@bob", "", false},
		{"ab", "", false},
		{"bob example", "", false},
		{"bob-example", "", false},
		{"+", "", false},
		{"abcdefghijabcdefghijabcdefghij", "abcdefghijabcdefghijabcdefghij", true},
		{"abcdefghijabcdefghijabcdefghijk", "", false},
	}
	for _, tc := range cases {
		got, ok := memberHandle(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("memberHandle(%q) = %q, %v, want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
