package fsm

import (
	vimbiso "github.com/vimbisopay/vimbiso"
)

// The tier upgrade flow: a subscription to the Hustler tier (3), paid from
// the personal account's secured USD balance. Tiers 1 and 2 are offered it.
const (
	StateUpgradeConfirm State = "upg_confirm"

	EventUpgradeRequested Event = "upgrade_requested"
)

const (
	choiceUpgradeConfirm = "upgrade_confirm"
	choiceUpgradeDecline = "upgrade_decline"

	// hustlerTier is the tier the subscription buys.
	hustlerTier = 3
)

func upgradeFlow() flow {
	return flow{
		name: "upgrade_tier",
		transitions: []Transition{
			{EventUpgradeRequested, nil, StateUpgradeConfirm},
		},
		screens: map[State]screen{
			StateUpgradeConfirm: {enter: enterUpgradeConfirm, input: inputUpgradeConfirm, result: resultUpgradeConfirm, buttons: true},
		},
	}
}

// startUpgrade opens UPG_CONFIRM. The row is a global choice, so an old
// dashboard's row can arrive after the member upgraded.
func startUpgrade(t *turn) Event {
	if tier := t.c.dash.Member.Tier; tier >= hustlerTier {
		return t.showDashboard(msgUpgradeNotNeeded(tierName(tier)))
	}
	if _, ok := t.c.dash.PersonalAccount(); !ok {
		return t.showDashboard(msgService)
	}
	return EventUpgradeRequested
}

func enterUpgradeConfirm(t *turn) {
	if loginIfNoDashboard(t) {
		return
	}
	personal, _ := t.c.dash.PersonalAccount()
	body := withBanner(t, msgUpgradeOffer(tierName(t.c.dash.Member.Tier), personal.Name))
	t.send(vimbiso.Buttons(body,
		vimbiso.Button{ID: choiceUpgradeConfirm, Title: "⭐ Upgrade"},
		vimbiso.Button{ID: choiceUpgradeDecline, Title: "Not now"},
	))
}

func inputUpgradeConfirm(t *turn, in vimbiso.Input) Event {
	if t.c.dash == nil {
		return t.showDashboard("")
	}
	switch {
	case in.Kind == vimbiso.InputChoice && in.ChoiceID == choiceUpgradeDecline:
		return t.showDashboard(msgUpgradeDeclined)
	case in.Kind == vimbiso.InputChoice && in.ChoiceID == choiceUpgradeConfirm:
		if t.tooOld() {
			t.c.repeatWith(t, msgLate)
			return ""
		}
		// The tier belongs to the person, so the personal account pays even
		// when a company account is active.
		personal, ok := t.c.dash.PersonalAccount()
		if !ok {
			return t.showDashboard(msgService)
		}
		callAccountChange(t, vimbiso.Call{
			Op:        vimbiso.CallCreateRecurring,
			AccountID: personal.AccountID,
			StartDate: t.now.In(t.c.cfg.Location).Format("2006-01-02"),
		})
		return ""
	}
	t.text(msgUnknownButtons)
	return ""
}

// resultUpgradeConfirm shows the outcome on a dashboard fetched again with
// LOGIN. The dashboard in CredEx's response is not used, because CredEx
// builds differ on whether it shows the new tier yet, and LOGIN does.
func resultUpgradeConfirm(t *turn, r *vimbiso.Result) Event {
	if r.Op == vimbiso.CallLogin {
		return refreshed(t, r)
	}
	t.c.snap.Intent = nil
	switch r.Outcome {
	case vimbiso.OutcomeOK:
		t.c.dashStale = true
		return t.showDashboard(msgUpgradeDone)
	case vimbiso.OutcomeRateLimited:
		// CredEx did nothing, so the member may tap Upgrade again.
		t.text(msgRateLimited)
		return ""
	case vimbiso.OutcomeUnavailable:
		// The subscription may exist: the refreshed dashboard shows the
		// tier, and staying here would invite a second subscription.
		t.c.dashStale = true
	}
	return t.showDashboard(accountChangeFailure(r))
}
