package fsm

import (
	"slices"
	"strings"
	"time"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// lateReplyWindow is the maximum age of a late message that still gets a
// reply. Past it Meta would reject a free-form reply anyway.
const lateReplyWindow = 24 * time.Hour

// handleInput runs the checks every user input passes before it reaches
// the current state: late, session, global words, global and stale choices.
func (c *Conversation) handleInput(t *turn, in vimbiso.Input) {
	if sent := in.SentAt; sent.After(c.snap.LastInboundAt) {
		c.snap.LastInboundAt = sent
	}
	if c.late(t, in) {
		return
	}
	if c.startReconcile(t, in) {
		return
	}

	live := c.hasSession(t.now)
	recent := !c.snap.LastInputAt.IsZero() && t.now.Sub(c.snap.LastInputAt) < lateReplyWindow
	c.snap.LastInputAt = t.now
	if !live {
		c.startOver()
		c.fire(t, c.firstContact(t, in, recent))
		return
	}

	switch in.Kind {
	case vimbiso.InputText:
		if ev, ok := c.globalText(t, in.Text); ok {
			c.fire(t, ev)
			return
		}
	case vimbiso.InputChoice:
		if ev, ok := c.globalChoice(t, in.ChoiceID); ok {
			c.fire(t, ev)
			return
		}
		if !c.tapCounts(in) {
			c.repeatWith(t, msgStaleChoice)
			return
		}
	case vimbiso.InputUnsupported:
		t.text(msgUnsupported)
		if c.chart.screens[c.State()].prompt {
			t.repeat()
		}
		return
	}
	c.fire(t, c.chart.screens[c.State()].input(t, in))
}

// hasSession reports whether the session is still alive at now.
func (c *Conversation) hasSession(now time.Time) bool {
	if c.State() == StateNoSession || c.snap.LastInputAt.IsZero() {
		return false
	}
	return now.Sub(c.snap.LastInputAt) <= c.cfg.SessionTTL
}

// startOver clears the expired session. The active account stays, as the
// "last seen" marker, so that LOGIN can keep it.
func (c *Conversation) startOver() {
	c.state = StateNoSession
	c.snap.State = string(StateNoSession)
	c.snap.Flow = vimbiso.FlowData{}
	c.snap.LastInteractiveID = ""
	c.snap.LastChoices = nil
	c.awaiting = ""
}

// endSession ends the session on purpose, so that the next message is a
// first contact rather than one after a timeout.
func (c *Conversation) endSession() {
	c.startOver()
	c.snap.LastInputAt = time.Time{}
}

// late replies to a message that reached us more than SessionTTL after it
// was sent, without acting on it. It reports whether the input was late.
func (c *Conversation) late(t *turn, in vimbiso.Input) bool {
	if in.SentAt.IsZero() || in.ReceivedAt.Sub(in.SentAt) <= c.cfg.SessionTTL {
		return false
	}
	if t.now.Sub(in.SentAt) >= lateReplyWindow {
		return true
	}
	if !c.snap.LateNoticeAt.IsZero() && t.now.Sub(c.snap.LateNoticeAt) < c.cfg.SessionTTL {
		return true // this burst of late messages got its notice already
	}
	c.snap.LateNoticeAt = t.now
	if c.hasSession(t.now) {
		c.repeatWith(t, msgLate)
		return true
	}
	c.snap.LastInputAt = t.now
	c.startOver()
	t.setBanner(msgLate)
	c.fire(t, t.login(afterMenu, ""))
	return true
}

// repeatWith answers msg and shows the current screen again; on the
// dashboard msg becomes its first line.
func (c *Conversation) repeatWith(t *turn, msg string) {
	switch c.State() {
	case StateDashboard, StateAccountPick:
		t.setBanner(msg)
	default:
		t.text(msg)
	}
	t.repeat()
}

// firstContact handles an input that arrives with no live session.
// Choices are never acted on here: an old button must not act on a new
// session.
func (c *Conversation) firstContact(t *turn, in vimbiso.Input, recent bool) Event {
	if in.Kind == vimbiso.InputText {
		word := normalize(in.Text)
		switch {
		case greetingWords[word]:
			return t.login(afterGreet, "")
		case menuWords[word], cancelWords[word]:
			return t.login(afterMenu, "")
		case helpWords[word]:
			t.text(msgHelp(c.cfg.SupportContact, dueWindowAt(t.now, c.cfg.Location).def.Format(time.DateOnly)))
			return ""
		case thanksWords[word]:
			t.text(msgThanks)
			return ""
		case word == "alerts off" || word == "alerts on":
			c.setAlerts(t, word == "alerts on")
			return ""
		case isQuickCommand(in.Text):
			return t.login(afterQuick, in.Text)
		}
	}
	if in.Kind == vimbiso.InputChoice && isOfferChoice(in.ChoiceID) {
		return t.login(afterOffer, in.ChoiceID)
	}
	if recent {
		t.setBanner(msgSessionExpired)
		return t.login(afterMenu, "")
	}
	return t.login(afterGreet, "")
}

// globalText handles the words that work in every state of a live session.
func (c *Conversation) globalText(t *turn, text string) (Event, bool) {
	word := normalize(text)
	state := c.State()
	switch {
	case greetingWords[word]:
		t.dropFlow()
		return t.login(afterGreet, ""), true
	case menuWords[word]:
		t.dropFlow()
		return t.login(afterMenu, ""), true
	case cancelWords[word]:
		if inRegistration(state) {
			t.text(msgRegistrationStopped)
			c.endSession()
			return "", true
		}
		banner := ""
		if state != StateDashboard && state != StateAccountPick {
			banner = msgCancelled
		}
		return t.showDashboard(banner), true
	case thanksWords[word] && state != StateRegFirst && state != StateRegLast:
		t.text(msgThanks)
		return "", true
	case helpWords[word]:
		t.text(msgHelp(c.cfg.SupportContact, dueWindowAt(t.now, c.cfg.Location).def.Format(time.DateOnly)))
		return "", true
	case word == "alerts off" || word == "alerts on":
		c.setAlerts(t, word == "alerts on")
		return "", true
	case isQuickCommand(text):
		if inRegistration(state) {
			t.text(msgRegisterFirst)
			t.repeat()
			return "", true
		}
		return c.quickCommand(t, text), true
	}
	return "", false
}

func (c *Conversation) setAlerts(t *turn, on bool) {
	t.out.Alerts = &on
	if on {
		t.text(msgAlertsOn)
	} else {
		t.text(msgAlertsOff)
	}
}

// globalChoice handles the choice ids that work from any state while a
// member is logged in: home, the dashboard rows, and the offer buttons of
// notifications.
func (c *Conversation) globalChoice(t *turn, id string) (Event, bool) {
	if c.dash == nil || inRegistration(c.State()) {
		return "", false
	}
	if id == choiceHome {
		return t.showDashboard(""), true
	}
	if _, ok := t.activeAccount(); !ok {
		// The member has not picked an account yet: the picker answers.
		return "", false
	}
	if slices.Contains(menuRowIDs, id) {
		return c.startMenuRow(t, id), true
	}
	if isOfferChoice(id) || strings.HasPrefix(id, "cancel_") {
		return c.offerChoice(t, id), true
	}
	return "", false
}

// tapCounts reports whether a choice came from the last interactive
// message we sent and names one of its ids.
func (c *Conversation) tapCounts(in vimbiso.Input) bool {
	return in.ContextID != "" &&
		in.ContextID == c.snap.LastInteractiveID &&
		slices.Contains(c.snap.LastChoices, in.ChoiceID)
}

// isOfferChoice reports whether id accepts or declines one offer. The
// accept-all confirmation shares the prefix but is a screen's own button.
func isOfferChoice(id string) bool {
	if id == "accept_all_confirm" {
		return false
	}
	return strings.HasPrefix(id, "accept_") || strings.HasPrefix(id, "decline_")
}
