package fsm

import (
	"slices"
	"strings"
	"time"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// customerServiceWindow is how long after the user's last message Meta
// accepts free-form messages. After it only an approved template goes out.
const customerServiceWindow = 24 * time.Hour

// Offer statuses and roles of an offer_update event.
const (
	offerStatusPending   = "pending"
	offerStatusAccepted  = "accepted"
	offerStatusDeclined  = "declined"
	offerStatusExpired   = "expired"
	offerStatusCancelled = "cancelled"

	offerRoleReceiver = "receiver"
	offerRoleIssuer   = "issuer"
)

// handleEvent turns a CredEx callback into a notification. It never changes
// the conversation state, the session's lifetime or the 24-hour window. The
// actor skips this for users who turned alerts off (it only marks their
// dashboard stale), and duplicates are expected to be dropped by webhook_id
// before they get here.
func (c *Conversation) handleEvent(t *turn, e *vimbiso.Event) {
	if e == nil {
		return
	}
	switch e.Kind {
	case vimbiso.EventOfferUpdate:
		c.dashStale = true
		c.notifyOffer(t, e)
	case vimbiso.EventMemberUpdate:
		c.dashStale = true
		if e.MemberTier > 0 {
			c.notifyText(t, e, msgNotifyTier(tierName(e.MemberTier)))
		}
	case vimbiso.EventCompanyUpdate:
		c.dashStale = true
	case vimbiso.EventNotify:
		// NOTE: Meta rejects a template with an empty parameter, so nothing
		// is sent. The transport is expected to reject such a request first.
		if e.Message != "" {
			t.send(c.notificationTemplate(e, e.Message))
		}
	}
}

// notifyOffer notifies the member of an offer change: the receiver of a new
// or cancelled offer, the issuer of an acceptance, a decline or the expiry.
// Other combinations get no message.
func (c *Conversation) notifyOffer(t *turn, e *vimbiso.Event) {
	who := firstNonEmpty(e.Counterparty, "Someone")
	amount := firstNonEmpty(e.Amount, "credex")
	switch {
	case e.Status == offerStatusPending && e.Role == offerRoleReceiver:
		c.notifyNewOffer(t, e, msgNotifyOfferPending(who, amount, e.Secured))
	case e.Status == offerStatusAccepted && e.Role == offerRoleIssuer:
		c.notifyText(t, e, msgNotifyOfferAccepted(who, amount))
	case e.Status == offerStatusDeclined && e.Role == offerRoleIssuer:
		c.notifyText(t, e, msgNotifyOfferDeclined(who, amount))
	case e.Status == offerStatusExpired && e.Role == offerRoleIssuer:
		c.notifyText(t, e, msgNotifyOfferExpired(who, amount))
	case e.Status == offerStatusCancelled && e.Role == offerRoleReceiver:
		// NOTE: CredEx's event contract lists no message for a cancelled
		// offer, but the product spec notifies the receiver, and so does this.
		c.notifyText(t, e, msgNotifyOfferCancelled(who, amount))
	}
}

// notifyNewOffer sends a new offer with its accept and decline buttons.
// Those are global choices, so Conversation.Sent does not record the
// message as the last screen and the buttons of the screen the member is
// on keep working.
func (c *Conversation) notifyNewOffer(t *turn, e *vimbiso.Event, text string) {
	if !c.inWindow(t.now) {
		t.send(c.notificationTemplate(e, text))
		return
	}
	t.out.Template = ptr(c.notificationTemplate(e, text))
	if e.OfferID == "" {
		t.text(text + "\n" + msgNotifyOfferWaiting)
		return
	}
	t.send(vimbiso.Buttons(text,
		vimbiso.Button{ID: "accept_" + e.OfferID, Title: "✅ Accept"},
		vimbiso.Button{ID: "decline_" + e.OfferID, Title: "❌ Decline"},
		vimbiso.Button{ID: choiceOffersIn, Title: "📥 All offers"},
	))
}

// notifyText sends text as a TEXT inside the 24-hour window and as the
// template outside it. Inside, the template goes along as Output.Template
// for the case where Meta finds the window closed after all.
func (c *Conversation) notifyText(t *turn, e *vimbiso.Event, text string) {
	if c.inWindow(t.now) {
		t.text(text)
		t.out.Template = ptr(c.notificationTemplate(e, text))
		return
	}
	t.send(c.notificationTemplate(e, text))
}

// inWindow reports whether Meta still accepts free-form messages to the
// user: their last message is less than 24 hours old.
func (c *Conversation) inWindow(now time.Time) bool {
	last := c.snap.LastInboundAt
	return !last.IsZero() && now.Sub(last) < customerServiceWindow
}

// notificationTemplate builds the approved template with its two body
// parameters: the member's name and the message.
func (c *Conversation) notificationTemplate(e *vimbiso.Event, text string) vimbiso.Reply {
	name := e.MemberName
	if name == "" && c.dash != nil {
		m := c.dash.Member
		name = strings.TrimSpace(m.FirstName + " " + m.LastName)
	}
	// Meta refuses an empty template parameter.
	name = firstNonEmpty(name, "credex member")
	return vimbiso.NewTemplate(c.cfg.TemplateName, c.cfg.TemplateLanguage, name, text)
}

// onlyGlobalChoices reports whether every id works from any state of a
// live session (home, the menu rows, and the offer buttons), so that a
// message offering only these ids never needs its context checked. It is
// true for no ids at all.
func onlyGlobalChoices(ids []string) bool {
	for _, id := range ids {
		global := id == choiceHome || slices.Contains(menuRowIDs, id) ||
			isOfferChoice(id) || strings.HasPrefix(id, "cancel_")
		if !global {
			return false
		}
	}
	return true
}
