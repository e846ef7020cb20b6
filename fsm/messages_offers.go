package fsm

import (
	"fmt"
	"strings"
)

// The words of the offer flows and quick commands. Ids in comments are
// those of the product's error and notice catalogue.
const (
	msgAmountFormat  = "I couldn't read that amount. Try 5, 2.50, 10 USD or ZWG 100 (use a dot for cents, no commas)." // E_AMOUNT_FORMAT
	msgAmountZero    = "The amount must be more than zero."                                                            // E_AMOUNT_ZERO
	msgHandleFormat  = "Handles have 3 to 30 characters: letters, digits and _ only."                                  // E_HANDLE_FORMAT
	msgSelf          = "That's the account you're sending from. Send another handle."                                  // E_SELF
	msgSecuredNoDate = "Secured offers (=>) have no due date. Use -> for a promise with a due date."                   // E_SECURED_NO_DATE
	msgTierUnsecured = "Unsecured offers start at the Verified tier. Tap *⭐ Upgrade tier* in the menu to move up."     // E_TIER_UNSECURED
	msgUnsureOffer   = "⚠️ I couldn't confirm whether your offer went through. Check *Outgoing* before you try again." // E_UNSURE_OFFER

	msgOfferAborted    = "Offer cancelled. Nothing was sent."
	msgTapSendOrCancel = "Please tap *Sign & send* or *Cancel*."
	msgAskHandle       = "*Who should receive it?*\n\nSend the handle of their account. " +
		"A personal account's handle is its owner's phone number, like 263770000002."
)

// msgDenom is E_DENOM.
func msgDenom(word string) string {
	return fmt.Sprintf("I don't know \"%s\". Use %s.", truncateWord(word), denomList())
}

// msgDecimals is E_DECIMALS.
func msgDecimals(denom string, places int) string {
	return fmt.Sprintf("%s amounts can have at most %d decimals.", denom, places)
}

// msgSecuredBalance is E_SECURED_BALANCE. The balance is CredEx's line for
// the denomination, empty when there is none.
func msgSecuredBalance(denom, balance, offered string) string {
	if balance == "" {
		return fmt.Sprintf("You have no secured %s balance, so you can't offer %s.", denom, offered)
	}
	return fmt.Sprintf("Your secured %s balance is %s, so you can't offer %s.", denom, balance, offered)
}

// msgDailyLimit is E_DAILY_LIMIT.
func msgDailyLimit(left, tier string) string {
	return fmt.Sprintf("You can offer up to %s more today on the %s tier. Upgrade to remove the limit.", left, tier)
}

// msgHandleNotFound is E_HANDLE_NOT_FOUND.
func msgHandleNotFound(handle string) string {
	return fmt.Sprintf("I couldn't find an account with the handle %s. Check it and send it again.", handle)
}

// msgDateFormat is E_DATE_FORMAT.
func msgDateFormat(example string) string {
	return fmt.Sprintf("Please send the date as YYYY-MM-DD, for example %s.", example)
}

// msgDateRange is E_DATE_RANGE.
func msgDateRange(first, last string) string {
	return fmt.Sprintf("The due date must be between %s and %s.", first, last)
}

// msgQuickUsage is E_QUICK_USAGE: the five quick command forms, with a
// due date that is valid today. It stays short so that an error line and
// the usage fit together in the dashboard's banner.
func msgQuickUsage(due string) string {
	return "Quick offers:\n" +
		"• `0.5=>263770000002` secured\n" +
		"• `5 ZWG=>263770000002`\n" +
		"• `10->263770000002` unsecured, due in 28 days\n" +
		"• `10->263770000002=" + due + "`\n" +
		"• `USD 10->263770000002=" + due + "`"
}

// msgOffered is the result line after createCredex succeeded.
func msgOffered(offered, receiver string) string {
	return fmt.Sprintf("✅ You offered %s to %s. It waits for them to accept.", offered, receiver)
}

// msgAskAmount is the OS_AMOUNT and OU_AMOUNT prompt.
func msgAskAmount(secured bool, defaultDenom string) string {
	title := "*💸 Secured offer: how much?*"
	if !secured {
		title = "*🤝 Unsecured offer: how much will you promise?*"
	}
	return title + "\n\n" +
		"Send an amount, like 5, 2.50, 10 USD or ZWG 100.\n" +
		"Currencies: USD, ZWG (ZiG), XAU (gold), CAD, CXX.\n" +
		"Default: " + defaultDenom
}

// msgAskDueDate is the OU_DUE body.
func msgAskDueDate(first, last string) string {
	return fmt.Sprintf("*📅 When will you pay?*\n\nSend a date from %s to %s as YYYY-MM-DD, or tap the button.", first, last)
}

// offerSummary contains the fields of the confirmation screen.
type offerSummary struct {
	amount               string
	secured              bool
	fromName, fromHandle string
	toName, toHandle     string
	dueDate              string // unsecured only
}

// msgConfirmOffer is the OS_CONFIRM and OU_CONFIRM body.
func msgConfirmOffer(o offerSummary) string {
	var b strings.Builder
	kind := "secured"
	if !o.secured {
		kind = "unsecured"
	}
	fmt.Fprintf(&b, "*%s %s credex*\n\n", o.amount, kind)
	fmt.Fprintf(&b, "From: %s (%s)\n", o.fromName, o.fromHandle)
	fmt.Fprintf(&b, "To: %s (%s)\n", o.toName, o.toHandle)
	if !o.secured {
		fmt.Fprintf(&b, "Due: %s\n", o.dueDate)
	}
	b.WriteString("\nTapping *Sign & send* signs this offer with your account and sends it.")
	if !o.secured {
		fmt.Fprintf(&b, " You promise to pay by %s.", o.dueDate)
	}
	return b.String()
}
