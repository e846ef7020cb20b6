package fsm

import (
	"fmt"
	"strings"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// The members flow: who may make and accept offers for a company account
// the member owns. CredEx refuses authorisations from owners below tier 4
// (Entrepreneur) and allows at most 5 people on an account, the owner
// included.
const (
	StateMembersList         State = "mem_list"
	StateMemberAddHandle     State = "mem_add_handle"
	StateMemberAddConfirm    State = "mem_add_confirm"
	StateMemberRemoveConfirm State = "mem_rm_confirm"

	EventMembersRequested      Event = "members_requested"
	EventMemberAddRequested    Event = "member_add_requested"
	EventMemberRemoveRequested Event = "member_remove_requested"
	EventMemberHandleFound     Event = "member_handle_found"
	EventMemberHandleRejected  Event = "member_handle_rejected"
	EventMemberAuthorized      Event = "member_authorized"
	EventMemberUnauthorized    Event = "member_unauthorized"
)

const (
	choiceMemberAdd        = "member_add"
	choiceMemberAddConfirm = "member_add_confirm"
	choiceMemberAddAbort   = "member_add_abort"
	choiceMemberRmConfirm  = "member_rm_confirm"
	choiceBackMembers      = "back_members"

	memberRemovePrefix = "member_rm_"

	// maxAccountMembers is CredEx's limit of people on one account, the
	// owner included.
	maxAccountMembers = 5
	// minMemberTier is the lowest member tier CredEx lets authorise others.
	minMemberTier = 4
)

func membersFlow() flow {
	list := []State{StateMembersList}
	return flow{
		name: "members",
		transitions: []Transition{
			{EventMembersRequested, nil, StateMembersList},
			{EventMemberAddRequested, list, StateMemberAddHandle},
			{EventMemberRemoveRequested, list, StateMemberRemoveConfirm},
			{EventMemberHandleFound, []State{StateMemberAddHandle}, StateMemberAddConfirm},
			{EventMemberHandleRejected, []State{StateMemberAddConfirm}, StateMemberAddHandle},
			{EventMemberAuthorized, []State{StateMemberAddConfirm}, StateMembersList},
			{EventMemberUnauthorized, []State{StateMemberRemoveConfirm}, StateMembersList},
		},
		screens: map[State]screen{
			StateMembersList:         {enter: enterMembersList, input: inputMembersList, result: resultRefreshOnly},
			StateMemberAddHandle:     {enter: enterMemberAddHandle, input: inputMemberAddHandle, result: resultMemberAddHandle, prompt: true},
			StateMemberAddConfirm:    {enter: enterMemberAddConfirm, input: inputMemberAddConfirm, result: resultMemberAddConfirm, buttons: true},
			StateMemberRemoveConfirm: {enter: enterMemberRemoveConfirm, input: inputMemberRemoveConfirm, result: resultMemberRemoveConfirm, buttons: true},
		},
	}
}

// startMembers opens MEM_LIST. The members row is a global choice, so an
// old dashboard's row can arrive for an account that no longer qualifies.
func startMembers(t *turn) Event {
	account, ok := t.activeAccount()
	switch {
	case !ok:
		return t.showDashboard("")
	case !account.Owned:
		return t.showDashboard(msgMembersNotOwner)
	case t.c.dash.Member.Tier < minMemberTier:
		return t.showDashboard(msgTierAuthorize)
	}
	return EventMembersRequested
}

// enterMembersList lists the people on the active account, refreshing a
// dashboard older than dashboardMaxAge first.
func enterMembersList(t *turn) {
	if t.refreshIfOld() {
		return
	}
	account, _ := t.activeAccount()
	body := withBanner(t, membersBody(account, t.c.dash.Member.MemberID))
	list := vimbiso.List(body, "Choose action", membersRows(account, t.c.dash.Member.MemberID)...)
	t.interactive(list, body)
}

// membersBody names the people on an account, the owner marked.
func membersBody(a vimbiso.Account, ownerID string) string {
	if a.AuthFor == nil {
		return msgMembersTitle(a.Name) + "\n\n" + msgMembersUnavailable(a.Name)
	}
	var b strings.Builder
	b.WriteString(msgMembersTitle(a.Name))
	b.WriteString("\n")
	for _, p := range a.AuthFor {
		b.WriteString("\n• ")
		b.WriteString(personFullName(p))
		if p.MemberID == ownerID {
			b.WriteString(" (owner)")
		}
	}
	b.WriteString("\n\n")
	b.WriteString(msgMembersMax)
	return b.String()
}

// membersRows offers to add someone while there is room, to remove each
// person but the owner, and the way home. Without an authFor list only
// adding is offered, and CredEx still enforces its limit.
func membersRows(a vimbiso.Account, ownerID string) []vimbiso.Row {
	var rows []vimbiso.Row
	if len(a.AuthFor) < maxAccountMembers {
		rows = append(rows, vimbiso.Row{ID: choiceMemberAdd, Title: "➕ Add someone", Description: "Let another member use this account"})
	}
	for _, p := range a.AuthFor {
		if p.MemberID == ownerID || len(rows) >= vimbiso.MaxListRows-1 {
			continue
		}
		rows = append(rows, vimbiso.Row{ID: memberRemovePrefix + p.MemberID, Title: "➖ " + personShortName(p), Description: "Remove from this account"})
	}
	return append(rows, memberAreaHomeRow())
}

func inputMembersList(t *turn, in vimbiso.Input) Event {
	if in.Kind != vimbiso.InputChoice {
		t.text(msgUnknownMenu)
		return ""
	}
	if in.ChoiceID == choiceMemberAdd {
		return EventMemberAddRequested
	}
	id, ok := strings.CutPrefix(in.ChoiceID, memberRemovePrefix)
	account, _ := t.activeAccount()
	if p, found := findAuthorized(account.AuthFor, id); ok && found {
		f := t.flow()
		f.MemberID, f.MemberName = p.MemberID, personFullName(p)
		return EventMemberRemoveRequested
	}
	t.text(msgUnknownMenu)
	return ""
}

func enterMemberAddHandle(t *turn) {
	t.text(withBanner(t, msgMemberAskHandle))
}

func inputMemberAddHandle(t *turn, in vimbiso.Input) Event {
	if t.c.dash == nil {
		return t.showDashboard("")
	}
	if in.Kind != vimbiso.InputText {
		t.text(msgMemberAskHandle)
		return ""
	}
	handle, ok := memberHandle(in.Text)
	if !ok {
		t.text(msgMemberHandleFormat)
		return ""
	}
	if handle == strings.ToLower(t.c.dash.Member.Handle) {
		t.text(msgSelfMember)
		return ""
	}
	t.flow().Handle = handle
	t.call(vimbiso.Call{Op: vimbiso.CallMemberByHandle, Handle: handle})
	return ""
}

func resultMemberAddHandle(t *turn, r *vimbiso.Result) Event {
	if r.Op == vimbiso.CallLogin {
		return refreshed(t, r)
	}
	f := t.flow()
	switch {
	case r.OK() && r.Member != nil && r.Member.MemberID != "":
		account, _ := t.activeAccount()
		if r.Member.MemberID == t.c.dash.Member.MemberID {
			t.text(msgSelfMember)
			return ""
		}
		if _, in := findAuthorized(account.AuthFor, r.Member.MemberID); in {
			t.text(msgMemberAlreadyIn(personFullName(*r.Member), account.Name))
			return ""
		}
		f.MemberID, f.MemberName = r.Member.MemberID, personFullName(*r.Member)
		return EventMemberHandleFound
	case r.Outcome == vimbiso.OutcomeNotFound:
		t.text(msgMemberNotFound(f.Handle))
	default:
		t.text(accountChangeFailure(r))
	}
	return ""
}

func enterMemberAddConfirm(t *turn) {
	if loginIfNoDashboard(t) {
		return
	}
	f := t.flow()
	account, _ := t.activeAccount()
	t.send(vimbiso.Buttons(withBanner(t, msgMemberAddConfirm(f.MemberName, f.Handle, account.Name)),
		vimbiso.Button{ID: choiceMemberAddConfirm, Title: "✅ Allow"},
		vimbiso.Button{ID: choiceMemberAddAbort, Title: "❌ Cancel"},
	))
}

func inputMemberAddConfirm(t *turn, in vimbiso.Input) Event {
	if t.c.dash == nil {
		return t.showDashboard("")
	}
	switch {
	case in.Kind == vimbiso.InputChoice && in.ChoiceID == choiceMemberAddAbort:
		t.setBanner(msgMemberAddAborted)
		return EventMembersRequested
	case in.Kind == vimbiso.InputChoice && in.ChoiceID == choiceMemberAddConfirm:
		if t.tooOld() {
			t.c.repeatWith(t, msgLate)
			return ""
		}
		// The owner's member id fills the legacy ownerID field.
		callAccountChange(t, vimbiso.Call{
			Op:        vimbiso.CallAuthorize,
			AccountID: t.c.snap.ActiveAccountID,
			Handle:    t.flow().Handle,
			MemberID:  t.c.dash.Member.MemberID,
		})
		return ""
	}
	t.text(msgUnknownButtons)
	return ""
}

func resultMemberAddConfirm(t *turn, r *vimbiso.Result) Event {
	if r.Op == vimbiso.CallLogin {
		return refreshed(t, r)
	}
	t.c.snap.Intent = nil
	f := t.flow()
	account, _ := t.activeAccount()
	switch r.Outcome {
	case vimbiso.OutcomeOK:
		t.c.dashStale = true
		t.setBanner(msgMemberAdded(f.MemberName, account.Name))
		return EventMemberAuthorized
	case vimbiso.OutcomeForbidden:
		t.setBanner(msgTierAuthorize)
		return EventMembersRequested
	case vimbiso.OutcomeInvalid, vimbiso.OutcomeConflict:
		t.c.dashStale = true
		t.setBanner(msgReason(r.Reason))
		return EventMembersRequested
	case vimbiso.OutcomeNotFound:
		t.setBanner(msgMemberNotFound(f.Handle))
		return EventMemberHandleRejected
	}
	// Nothing changed on a 429, and adding someone twice does no harm, so
	// the member may tap the same button again.
	t.text(accountChangeFailure(r))
	return ""
}

func enterMemberRemoveConfirm(t *turn) {
	if loginIfNoDashboard(t) {
		return
	}
	account, _ := t.activeAccount()
	t.send(vimbiso.Buttons(withBanner(t, msgMemberRemoveConfirm(t.flow().MemberName, account.Name)),
		vimbiso.Button{ID: choiceMemberRmConfirm, Title: "✅ Remove"},
		vimbiso.Button{ID: choiceBackMembers, Title: "⬅️ Back"},
	))
}

func inputMemberRemoveConfirm(t *turn, in vimbiso.Input) Event {
	switch {
	case in.Kind == vimbiso.InputChoice && in.ChoiceID == choiceBackMembers:
		return EventMembersRequested
	case in.Kind == vimbiso.InputChoice && in.ChoiceID == choiceMemberRmConfirm:
		if t.tooOld() {
			t.c.repeatWith(t, msgLate)
			return ""
		}
		callAccountChange(t, vimbiso.Call{
			Op:        vimbiso.CallUnauthorize,
			AccountID: t.c.snap.ActiveAccountID,
			MemberID:  t.flow().MemberID,
		})
		return ""
	}
	t.text(msgUnknownButtons)
	return ""
}

func resultMemberRemoveConfirm(t *turn, r *vimbiso.Result) Event {
	if r.Op == vimbiso.CallLogin {
		return refreshed(t, r)
	}
	t.c.snap.Intent = nil
	name := t.flow().MemberName
	account, _ := t.activeAccount()
	switch r.Outcome {
	case vimbiso.OutcomeOK:
		t.c.dashStale = true
		t.setBanner(msgMemberRemoved(name, account.Name))
		return EventMemberUnauthorized
	case vimbiso.OutcomeNotFound:
		t.c.dashStale = true
		t.setBanner(msgMemberNotAuthorized(name, account.Name))
		return EventMembersRequested
	case vimbiso.OutcomeForbidden, vimbiso.OutcomeInvalid, vimbiso.OutcomeConflict:
		t.setBanner(msgReason(r.Reason))
		return EventMembersRequested
	}
	// Removing someone twice does no harm: the button may be tapped again.
	t.text(accountChangeFailure(r))
	return ""
}

// memberHandle applies steps 1 to 4 of the product's HANDLE rule to a
// member handle: trim, drop one leading "@", keep only the digits of
// anything that looks like a phone number, lower-case, then CredEx's
// pattern ^[a-z0-9_]{3,30}$.
func memberHandle(s string) (string, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "@")
	if memberHandleIsPhone(s) {
		s = strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
	}
	s = strings.ToLower(s)
	if len(s) < 3 || len(s) > 30 {
		return "", false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return "", false
		}
	}
	return s, true
}

// memberHandleIsPhone reports whether s has only digits, spaces, '-', '(' and
// ')', with an optional leading '+'.
func memberHandleIsPhone(s string) bool {
	s = strings.TrimPrefix(s, "+")
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != ' ' && r != '-' && r != '(' && r != ')' {
			return false
		}
	}
	return true
}

// callAccountChange makes a CredEx call that changes who may act for an
// account or what the member pays, recording it as the snapshot's Intent so
// that a crash before the response is reconciled instead of repeated. The
// state's result function clears the Intent.
func callAccountChange(t *turn, c vimbiso.Call) {
	t.call(c) // records the intent
}

// loginIfNoDashboard starts a LOGIN when the dashboard is missing (a session
// resumed without its cached dashboard), and reports whether it did.
func loginIfNoDashboard(t *turn) bool {
	return t.c.dash == nil && t.refreshIfOld()
}

// resultRefreshOnly is the result function of screens whose only call is the
// LOGIN of refreshIfOld.
func resultRefreshOnly(t *turn, r *vimbiso.Result) Event {
	if r.Op == vimbiso.CallLogin {
		return refreshed(t, r)
	}
	return ""
}

// accountChangeFailure is the message for a CredEx call that failed for a reason
// other than the ones the state handles itself.
func accountChangeFailure(r *vimbiso.Result) string {
	switch r.Outcome {
	case vimbiso.OutcomeInvalid, vimbiso.OutcomeForbidden, vimbiso.OutcomeConflict:
		return msgReason(r.Reason)
	case vimbiso.OutcomeRateLimited:
		return msgRateLimited
	}
	return msgService
}

func findAuthorized(people []vimbiso.PersonName, memberID string) (vimbiso.PersonName, bool) {
	for _, p := range people {
		if p.MemberID == memberID {
			return p, true
		}
	}
	return vimbiso.PersonName{}, false
}

func personFullName(p vimbiso.PersonName) string {
	return strings.TrimSpace(p.FirstName + " " + p.LastName)
}

// personShortName is "<First> <L>.", as the rows of MEM_LIST name people.
func personShortName(p vimbiso.PersonName) string {
	if p.LastName == "" {
		return p.FirstName
	}
	initial := []rune(p.LastName)[0]
	return fmt.Sprintf("%s %c.", p.FirstName, initial)
}

func memberAreaHomeRow() vimbiso.Row {
	return vimbiso.Row{ID: choiceHome, Title: choiceTitleHome, Description: choiceDescriptionHome}
}
