package fsm

import (
	"fmt"
	"slices"
	"strings"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// The dashboard and the account picker.
const (
	StateDashboard   State = "dashboard"
	StateAccountPick State = "account_pick"

	EventDashboardShown         Event = "dashboard_shown"
	EventAccountSwitchRequested Event = "account_switch_requested"
	EventAccountChosen          Event = "account_chosen"
)

// Menu row ids; they work from any state while a member is logged in.
const (
	choiceHome           = "home"
	choiceOfferSecured   = "offer_secured"
	choiceOfferUnsecured = "offer_unsecured"
	choiceOffersIn       = "offers_in"
	choiceOffersOut      = "offers_out"
	choiceLedger         = "ledger"
	choiceMembers        = "members"
	choiceOfferRecipient = "offer_recipient"
	choiceSwitchAccount  = "switch_account"
	choiceUpgradeTier    = "upgrade_tier"

	accountChoicePrefix = "acct_"
)

var menuRowIDs = []string{
	choiceOfferSecured, choiceOfferUnsecured, choiceOffersIn, choiceOffersOut, choiceLedger,
	choiceMembers, choiceOfferRecipient, choiceSwitchAccount, choiceUpgradeTier,
}

func dashboardFlow() flow {
	return flow{
		name: "dashboard",
		transitions: []Transition{
			{EventDashboardShown, nil, StateDashboard},
			{EventAccountSwitchRequested, nil, StateAccountPick},
			{EventAccountChosen, []State{StateAccountPick}, StateDashboard},
		},
		screens: map[State]screen{
			StateDashboard:   {enter: enterDashboard, input: inputDashboard, result: loginResult},
			StateAccountPick: {enter: enterAccountPick, input: inputAccountPick, result: loginResult, buttons: true},
		},
	}
}

// enterDashboard shows the dashboard of the active account, logging in
// first when the dashboard is missing or stale.
func enterDashboard(t *turn) {
	account, ok := t.activeAccount()
	if t.c.dash == nil || t.c.dashStale || !ok {
		t.flow().After = afterMenu
		t.call(vimbiso.Call{Op: vimbiso.CallLogin, Phone: t.c.phone})
		return
	}
	body := dashboardBody(t.takeBanner(), t.c.dash.Member, account, t.c.cfg)
	list := vimbiso.List(body, "Choose action", menuRows(t.c.dash, account)...)
	t.interactive(list, body)
}

func inputDashboard(t *turn, in vimbiso.Input) Event {
	t.text(msgUnknownMenu)
	return ""
}

// dashboardBody writes the dashboard text: banner, account, balances,
// unsecured totals and the daily limit.
func dashboardBody(banner string, m vimbiso.Member, a vimbiso.Account, cfg Config) string {
	var b strings.Builder
	if banner != "" {
		b.WriteString(banner)
		b.WriteString("\n\n")
	}
	fmt.Fprintf(&b, "*💳 %s*\nHandle: %s\n\n", a.Name, a.Handle)

	b.WriteString("*💰 Secured balances*\n")
	if len(a.Balances.SecuredNet) == 0 {
		fmt.Fprintf(&b, "0.00 %s\n", firstNonEmpty(a.DefaultDenom, "USD"))
	}
	for _, line := range a.Balances.SecuredNet {
		b.WriteString(line)
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\n*📊 Net assets*\n%s", firstNonEmpty(a.Balances.NetAssets, "0.00 "+firstNonEmpty(a.DefaultDenom, "USD")))

	bal := a.Balances
	if m.Tier >= 2 || !isZeroAmount(bal.TotalPayables) || !isZeroAmount(bal.TotalReceivables) || !isZeroAmount(bal.NetPayRec) {
		fmt.Fprintf(&b, "\n\n*🧾 Unsecured*\nOwed by you: %s\nOwed to you: %s\nNet: %s",
			orDash(bal.TotalPayables), orDash(bal.TotalReceivables), orDash(bal.NetPayRec))
	}
	if m.Tier < 3 && m.RemainingUSD != nil {
		fmt.Fprintf(&b, "\n\n*⏳ Daily limit left (%s tier)*\n%.2f USD", tierName(m.Tier), *m.RemainingUSD)
	}
	return b.String()
}

// menuRows lists the menu rows that apply to the member and account.
func menuRows(d *vimbiso.Dashboard, a vimbiso.Account) []vimbiso.Row {
	m := d.Member
	rows := []vimbiso.Row{{ID: choiceOfferSecured, Title: "💸 Offer secured", Description: "Pay from your secured balance"}}
	if m.Tier >= 2 {
		rows = append(rows, vimbiso.Row{ID: choiceOfferUnsecured, Title: "🤝 Offer unsecured", Description: "Promise to pay by a due date"})
	}
	rows = append(rows,
		vimbiso.Row{ID: choiceOffersIn, Title: fmt.Sprintf("📥 Incoming (%d)", len(a.PendingIn)), Description: "Offers waiting for your answer"},
		vimbiso.Row{ID: choiceOffersOut, Title: fmt.Sprintf("📤 Outgoing (%d)", len(a.PendingOut)), Description: "Your offers not yet accepted"},
		vimbiso.Row{ID: choiceLedger, Title: "📒 Ledger", Description: "Past credex on this account"},
	)
	if a.Owned && m.Tier >= 4 {
		rows = append(rows, vimbiso.Row{ID: choiceMembers, Title: "👥 Members", Description: "Who may use this account"})
	}
	if a.Owned && len(a.AuthFor) >= 2 {
		rows = append(rows, vimbiso.Row{ID: choiceOfferRecipient, Title: "🛎️ Offer alerts", Description: "Who gets offers for this account"})
	}
	if len(d.Accounts) >= 2 {
		rows = append(rows, vimbiso.Row{ID: choiceSwitchAccount, Title: "🔁 Switch account", Description: "Use another of your accounts"})
	}
	if m.Tier <= 2 {
		rows = append(rows, vimbiso.Row{ID: choiceUpgradeTier, Title: "⭐ Upgrade tier", Description: "Hustler: no daily limit"})
	}
	return rows
}

// startMenuRow starts the flow of a dashboard row, dropping the flow in
// progress.
func (c *Conversation) startMenuRow(t *turn, id string) Event {
	t.dropFlow()
	switch id {
	case choiceSwitchAccount:
		return EventAccountSwitchRequested
	case choiceOfferSecured:
		return startSecuredOffer(t)
	case choiceOfferUnsecured:
		return startUnsecuredOffer(t)
	case choiceOffersIn:
		return startIncoming(t)
	case choiceOffersOut:
		return startOutgoing(t)
	case choiceLedger:
		return startLedger(t)
	case choiceMembers:
		return startMembers(t)
	case choiceOfferRecipient:
		return startRecipient(t)
	case choiceUpgradeTier:
		return startUpgrade(t)
	}
	return ""
}

func enterAccountPick(t *turn) {
	d := t.c.dash
	if d == nil {
		t.flow().After = afterMenu
		t.call(vimbiso.Call{Op: vimbiso.CallLogin, Phone: t.c.phone})
		return
	}
	body := withBanner(t, msgWhichAccount)
	t.interactive(vimbiso.List(body, "Accounts", accountRows(d)...), body)
}

func inputAccountPick(t *turn, in vimbiso.Input) Event {
	if in.Kind == vimbiso.InputChoice && strings.HasPrefix(in.ChoiceID, accountChoicePrefix) {
		id := strings.TrimPrefix(in.ChoiceID, accountChoicePrefix)
		if _, ok := t.c.dash.Account(id); ok {
			t.c.snap.ActiveAccountID = id
			return EventAccountChosen
		}
	}
	t.setBanner(msgPickAccount)
	t.repeat()
	return ""
}

// accountRows lists the member's accounts: owned first, the personal
// account first among them; at most ten.
func accountRows(d *vimbiso.Dashboard) []vimbiso.Row {
	accounts := slices.Clone(d.Accounts)
	rank := func(a vimbiso.Account) int {
		switch {
		case a.Owned && a.Personal():
			return 0
		case a.Owned:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(accounts, func(a, b vimbiso.Account) int { return rank(a) - rank(b) })
	rows := make([]vimbiso.Row, 0, len(accounts))
	for _, a := range accounts {
		rows = append(rows, vimbiso.Row{
			ID:          accountChoicePrefix + a.AccountID,
			Title:       "💳 " + a.Handle,
			Description: a.Name + " · " + a.Balances.NetAssets,
		})
	}
	return rows
}

// tierName names a member tier.
func tierName(tier int) string {
	switch {
	case tier <= 1:
		return "Open"
	case tier == 2:
		return "Verified"
	case tier == 3:
		return "Hustler"
	}
	return "Entrepreneur"
}

// isZeroAmount reports whether a formatted amount such as "0.00 USD" is
// zero. An empty or unreadable value counts as zero.
func isZeroAmount(s string) bool {
	for _, r := range s {
		if r >= '1' && r <= '9' {
			return false
		}
	}
	return true
}

func orDash(s string) string { return firstNonEmpty(s, "–") }
