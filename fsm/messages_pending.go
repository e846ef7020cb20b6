package fsm

import (
	"fmt"
	"strings"
)

// The words of the incoming and outgoing offer screens and of the ledger.
// Ids in comments are those of the product's error and notice catalogue.
const (
	msgOfferGone = "That offer is no longer waiting (it was accepted, declined or cancelled)." // E_OFFER_GONE
	msgNotIssuer = "Only the account that made an offer can cancel it."                        // E_NOT_ISSUER

	msgNoIncoming = "You have no incoming offers."
	msgNoOutgoing = "You have no outgoing offers waiting."
	msgNoLedger   = "No transactions on this account yet."

	msgOfferTapAgain     = "Nothing has been accepted or declined yet. Check the offer and tap a button to answer it."
	msgOfferAnswerLost   = "⚠️ I couldn't confirm whether your last answer to an offer went through. Check *Incoming* and *Outgoing* before you try again."
	msgLedgerPageEmpty   = "There are no entries on this page."
	msgPendingListButton = "Offers"
	msgLedgerListButton  = "Entries"
)

// msgUnknownInList is E_UNKNOWN on a screen whose list button has the
// given label.
func msgUnknownInList(label string) string {
	return fmt.Sprintf("🤔 I didn't get that. Tap *%s* below, or send *menu*.", label)
}

// msgOfferOtherAccount explains why the active account changed: the offer
// a button named belongs to another of the member's accounts.
func msgOfferOtherAccount(account string) string {
	return fmt.Sprintf("This offer is for *%s*, so I've switched to that account. Tap a button to answer it.", account)
}

func msgAccepted(amount, from string) string {
	return fmt.Sprintf("✅ Accepted %s from %s.", amount, from)
}

func msgDeclined(amount, from string) string {
	return fmt.Sprintf("Declined %s from %s.", amount, from)
}

func msgCancelledOffer(amount, to string) string {
	return fmt.Sprintf("🚫 Your offer of %s to %s is cancelled.", amount, to)
}

// msgAcceptedOf is the first line of the result of "accept all".
func msgAcceptedOf(accepted, asked int) string {
	return fmt.Sprintf("✅ Accepted %d of %d offers.", accepted, asked)
}

func msgBulkFailure(amount, from, reason string) string {
	if reason == "" {
		reason = "not accepted"
	}
	return fmt.Sprintf("%s from %s: %s", amount, from, reason)
}

// msgAndMore closes a list cut short.
func msgAndMore(n int) string { return fmt.Sprintf("and %d more", n) }

func msgShowingOf(shown, total int) string {
	return fmt.Sprintf("Showing %d of %d.", shown, total)
}

func msgIncomingTitle(n int) string { return fmt.Sprintf("*📥 Incoming offers (%d)*", n) }
func msgOutgoingTitle(n int) string { return fmt.Sprintf("*📤 Outgoing offers (%d)*", n) }

func msgLedgerTitle(account string, page int) string {
	return fmt.Sprintf("*📒 %s: page %d*", account, page)
}

// msgAcceptAllQuestion requests confirmation of "accept all", with the totals per
// denomination that could be read.
func msgAcceptAllQuestion(n int, totals []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Accept all %d incoming offers?", n)
	if len(totals) > 0 {
		b.WriteString("\n\n*Totals*")
		for _, total := range totals {
			b.WriteString("\n" + total)
		}
	}
	b.WriteString("\n\nTapping *Accept all* signs every one of them.")
	return b.String()
}

// Button and row titles.
const (
	titleAccept     = "✅ Accept"
	titleDecline    = "❌ Decline"
	titleBack       = "⬅️ Back"
	titleDashboard  = "🏠 Dashboard"
	titleAcceptAll  = "✅ Accept all"
	titleCancel     = "🚫 Cancel offer"
	titlePrevPage   = "⬅️ Previous page"
	titleNextPage   = "Next page ➡️"
	titleBackLedger = "⬅️ Ledger"

	descDashboard = "Back to your account"
	descAcceptAll = "Check the totals, then sign"
)

func titleAcceptAllCount(n int) string { return fmt.Sprintf("✅ Accept all (%d)", n) }
