package fsm

import "fmt"

// The words of the members, offer alerts and tier upgrade flows and of the
// notifications. Ids in comments are those of the product's error and
// notice catalogue.
const (
	msgMemberHandleFormat = "Handles have 3 to 30 characters: letters, digits and _ only."       // E_HANDLE_FORMAT
	msgSelfMember         = "You already have access to this account."                           // E_SELF_MEMBER
	msgTierAuthorize      = "Adding people to an account needs the Entrepreneur tier or higher." // E_TIER_AUTHORIZE
	msgMembersNotOwner    = "Only the owner of this account can choose who uses it."
	msgMemberAskHandle    = "Send the *member handle* of the person to add. It is usually their phone number, like 263770000002."
	msgMemberAddAborted   = "Nothing changed."
	msgMembersMax         = "Up to 5 people, you included."

	msgRecipientUnknownList = "🤔 I didn't get that. Tap *Choose person* below, or send *menu*." // E_UNKNOWN
	msgRecipientNotOffered  = "Offer alerts can be chosen for an account you own that two or more people use."

	msgUpgradeDeclined = "No problem. Nothing changed."
	msgUpgradeDone     = "🎉 You're on the Hustler tier now."

	// The same words as the home rows of the offer lists.
	choiceTitleHome       = "🏠 Dashboard"
	choiceDescriptionHome = "Back to your account"
)

// msgMemberNotFound is E_MEMBER_NOT_FOUND.
func msgMemberNotFound(handle string) string {
	return fmt.Sprintf("No member has the handle %s. Check it and send it again.", handle)
}

func msgMemberAlreadyIn(name, account string) string {
	return fmt.Sprintf("%s can already use %s. Send another handle, or *cancel*.", name, account)
}

func msgMemberAddConfirm(name, handle, account string) string {
	return fmt.Sprintf("Allow *%s* (%s) to make and accept offers for *%s*?", name, handle, account)
}

func msgMemberAdded(name, account string) string {
	return fmt.Sprintf("✅ %s can now transact for %s.", name, account)
}

func msgMemberRemoveConfirm(name, account string) string {
	return fmt.Sprintf("Stop *%s* from using *%s*?", name, account)
}

func msgMemberRemoved(name, account string) string {
	return fmt.Sprintf("%s can no longer transact for %s.", name, account)
}

// msgMemberNotAuthorized reports a 404 from unauthorizeForAccount, sent
// when CredEx found no authorisation to remove.
func msgMemberNotAuthorized(name, account string) string {
	return fmt.Sprintf("%s has no access to %s any more.", name, account)
}

func msgMembersTitle(account string) string {
	return fmt.Sprintf("*👥 Who can use %s*", account)
}

func msgMembersUnavailable(account string) string {
	return fmt.Sprintf("I can't show who uses %s right now: credex didn't send the list.", account)
}

func msgRecipientQuestion(account, current string) string {
	return fmt.Sprintf("Offers to *%s* are announced to *%s*. Who should get them?", account, current)
}

func msgRecipientChanged(account, name string) string {
	return fmt.Sprintf("🛎️ Offers to %s now go to %s.", account, name)
}

func msgRecipientUnchanged(account, name string) string {
	return fmt.Sprintf("🛎️ Offers to %s already go to %s. Nothing changed.", account, name)
}

// msgUpgradeOffer is the body of UPG_CONFIRM.
func msgUpgradeOffer(currentTier, personalAccount string) string {
	return fmt.Sprintf("*⭐ Hustler tier*\n\n"+
		"No daily limit on the credex you offer.\n\n"+
		"Price: 1.00 USD every 28 days, paid automatically from the secured USD balance of your personal account (%s). "+
		"The first payment is today.\n\n"+
		"Your tier now: %s.", personalAccount, currentTier)
}

func msgUpgradeNotNeeded(tier string) string {
	return fmt.Sprintf("You're on the %s tier already: it has no daily limit.", tier)
}

// Notifications of CredEx events.

func msgNotifyOfferPending(counterparty, amount string, secured bool) string {
	kind := "unsecured"
	if secured {
		kind = "secured"
	}
	return fmt.Sprintf("📥 %s offered you %s (%s).", counterparty, amount, kind)
}

// msgNotifyOfferWaiting follows a new-offer notification that is sent
// without buttons, so that the screen the member is on keeps working.
const msgNotifyOfferWaiting = "It's waiting for you under *Incoming* in the menu."

func msgNotifyOfferAccepted(name, amount string) string {
	return fmt.Sprintf("✅ %s accepted your offer of %s.", name, amount)
}

func msgNotifyOfferDeclined(name, amount string) string {
	return fmt.Sprintf("%s declined your offer of %s.", name, amount)
}

func msgNotifyOfferExpired(name, amount string) string {
	return fmt.Sprintf("Your offer of %s to %s expired.", amount, name)
}

func msgNotifyOfferCancelled(name, amount string) string {
	return fmt.Sprintf("%s cancelled the offer of %s.", name, amount)
}

func msgNotifyTier(tier string) string {
	return fmt.Sprintf("Your member tier is now %s.", tier)
}
