package fsm

import (
	vimbiso "github.com/vimbisopay/vimbiso"

	"fmt"
	"strings"
)

// The bot's words. Ids in comments are those of the product's error and
// notice catalogue, so that support can match a screenshot to its cause.
const (
	msgSessionExpired = "⌛ Our last chat timed out after 5 minutes, so I've started again."                                                                  // E_SESSION_EXPIRED
	msgLate           = "⌛ Your message reached me late, so I didn't act on it. Here is where we are."                                                       // E_LATE
	msgUnknownMenu    = "🤔 I didn't get that. Tap *Choose action* on the menu above, or send *menu*."                                                        // E_UNKNOWN
	msgUnknownButtons = "🤔 I didn't get that. Tap a button above, or send *menu*."                                                                           // E_UNKNOWN
	msgUnsupported    = "📎 I can only read text messages and button taps."                                                                                   // E_UNSUPPORTED
	msgStaleChoice    = "That button belongs to an earlier screen and no longer works."                                                                      // E_STALE_CHOICE
	msgNoPhone        = "To use credex I need your phone number, and WhatsApp did not share it. Please write from a WhatsApp account that shows its number." // E_NO_PHONE
	msgRegisterFirst  = "You need a credex account first. Let's set one up."                                                                                 // E_REGISTER_FIRST
	msgName           = "Names need 3 to 50 letters (A–Z, spaces and hyphens only). Please send it again."                                                   // E_NAME
	msgAuth           = "🔐 I couldn't sign you in. Send *hi* to try again."                                                                                  // E_AUTH
	msgRateLimited    = "⏳ Lots of traffic right now. Please try again in a minute."                                                                         // E_RATE_LIMITED
	msgService        = "⚠️ The credex service isn't answering right now. Please try again in a minute."                                                     // E_SERVICE

	msgThanks              = "🙏"
	msgCancelled           = "Cancelled. Nothing was sent."
	msgRegistrationStopped = "Registration stopped. Send *hi* when you're ready."
	msgAlreadyMember       = "You already have a credex account."
	msgNotYet              = "🚧 That part of the menu isn't ready yet. Please choose another action."
	msgChooseAction        = "Choose an action."
	msgAlertsOff           = "🔕 Alerts are off. Offers still wait for you under *Incoming*. Send *alerts on* to get them again."
	msgAlertsOn            = "🔔 Alerts are on. I'll tell you when offers arrive or change."

	msgWelcomeTapButton = "Tap a button to continue."
	msgUseButtons       = "Please use the buttons."
	msgPickAccount      = "Pick an account from the list."
	msgAskFirstName     = "What is your *first name*?"
	msgAskLastName      = "And your *last name*?"
	msgWhichAccount     = "Which account do you want to use?"
)

// msgPhoneRejected is E_PHONE_REJECTED.
func msgPhoneRejected(support string) string {
	return fmt.Sprintf("Your number can't be used for a credex account. Please contact %s.", support)
}

// msgReason shows a refusal from CredEx.
func msgReason(reason string) string {
	if reason == "" {
		reason = "The credex service refused the request."
	}
	return "❌ " + reason
}

func msgWelcome(termsURL string) string {
	var b strings.Builder
	b.WriteString("👋 Welcome to *credex* on WhatsApp.\n\n")
	b.WriteString("Credex lets you pay and get paid with promises of value, right here in this chat. ")
	b.WriteString("Membership and your first account are free.\n\n")
	b.WriteString("Creating an account shares your name and phone number with CredEx")
	if termsURL != "" {
		b.WriteString(", under the terms at ")
		b.WriteString(termsURL)
	}
	b.WriteString(".")
	return b.String()
}

const msgAbout = "*What is credex?*\n\n" +
	"A credex is a promise of value from one account to another: you can offer one to pay for goods or work, and accept the ones others offer you.\n\n" +
	"The credex network looks for loops of promises (Alice owes Bob, Bob owes Carol, Carol owes Alice) and clears them, so debts cancel out without cash changing hands.\n\n" +
	"Opening an account, receiving credex and accepting it are free."

func msgConfirmNames(first, last string) string {
	return fmt.Sprintf("*Please check your details*\n\nFirst name: %s\nLast name: %s\n\nYour account will use USD by default.", first, last)
}

// msgRegDone is REG_DONE.
func msgRegDone(first, phone string) string {
	return fmt.Sprintf("🎉 Welcome to credex, %s!\n\n"+
		"Your free personal account is open. Your member handle and your account handle are both your phone number:\n\n*%s*\n\n"+
		"Share that handle with people who want to send you credex. "+
		"Offers to you wait under *Incoming* in the menu until you accept them.", first, phone)
}

func msgHelp(support, dueExample string) string {
	return "*How to use credex here*\n\n" +
		"Open the menu with *menu* (or *hi*) and tap *Choose action*: offer credex, answer offers, see your ledger, switch accounts.\n\n" +
		"Words that work anywhere:\n" +
		"- *menu*: back to your dashboard\n" +
		"- *cancel*: stop what you are doing\n" +
		"- *alerts off* / *alerts on*: stop or resume offer alerts\n" +
		"- *help*: this message\n\n" +
		"Quick offers, typed in one message:\n" +
		"- `5=>263770000002`: 5 in your account's currency, secured\n" +
		"- `5 ZWG=>263770000002`: with a currency\n" +
		"- `10->263770000002`: unsecured, due in 28 days\n" +
		"- `10->263770000002=" + dueExample + "`: unsecured, with a due date\n\n" +
		"Need a person? Contact " + support + "."
}

// NoPhoneReply is the reply to a user whose webhook carried no phone
// number: credex finds members by phone number, so no conversation starts.
func NoPhoneReply() vimbiso.Reply { return vimbiso.Text(msgNoPhone) }

// SlowDownReply is the notice to a user who sends faster than the bot takes
// input: their messages wait their turn and none is lost.
func SlowDownReply() vimbiso.Reply {
	return vimbiso.Text("⏳ You're sending messages faster than I can answer. I'll get to each of them in order.")
}
