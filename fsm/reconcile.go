package fsm

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// maxBefore bounds the ids an intent keeps. An account with more pending
// offers reconciles by amount and receiver alone, which can mistake an
// older identical offer for the new one.
const maxBefore = 20

// pendingOutIDs returns the prefixes of the issuer's pending offer ids for
// a createCredex call, and nil for any other call.
func (t *turn) pendingOutIDs(c vimbiso.Call) []string {
	if c.Op != vimbiso.CallCreateCredex || c.Offer == nil {
		return nil
	}
	account, ok := t.c.dash.Account(c.Offer.IssuerAccountID)
	if !ok {
		return nil
	}
	ids := []string{}
	for _, o := range account.PendingOut {
		if len(ids) == maxBefore {
			break
		}
		ids = append(ids, idDigest(o.CredexID))
	}
	return ids
}

// idDigest shortens an offer id to 8 hex digits of its FNV-1a hash, to keep
// the snapshot small. A prefix would not do: ids from one CredEx often
// share their first characters.
func idDigest(id string) string {
	h := fnv.New32a()
	h.Write([]byte(id))
	return fmt.Sprintf("%08x", h.Sum32())
}

// startReconcile begins a turn whose snapshot still holds an intent: the
// previous attempt stopped (a crash, a timeout) between recording a
// mutation and learning its outcome. The conversation refreshes the
// dashboard and decides from it whether CredEx carried the mutation out,
// before in can act. It reports whether it took the turn over.
func (c *Conversation) startReconcile(t *turn, in vimbiso.Input) bool {
	if c.snap.Intent == nil || c.reconciling != nil {
		return false
	}
	waiting := in
	c.reconciling = &waiting
	t.call(vimbiso.Call{Op: vimbiso.CallLogin, Phone: c.phone})
	return true
}

// finishReconcile takes the LOGIN result of startReconcile, settles the
// intent, then handles the waiting input unless it was the very message
// that made the mutation and the mutation is known to be done.
func (c *Conversation) finishReconcile(t *turn, r *vimbiso.Result) {
	waiting := *c.reconciling
	c.reconciling = nil
	intent := c.snap.Intent
	if !r.OK() || r.Dashboard == nil {
		// The intent stays open; the member can try again.
		c.repeatWith(t, msgService)
		return
	}
	t.setDashboard(r.Dashboard)
	c.snap.Intent = nil

	done, banner := intentOutcome(intent, r.Dashboard)
	sameMessage := intent.Key == t.idempotencyKey(intent.Call.Op)
	if done && sameMessage {
		c.fire(t, t.showDashboard(banner))
		return
	}
	switch {
	case done:
		t.setBanner(banner)
	case intent.Call.Op == vimbiso.CallCreateCredex && intent.Call.Offer != nil:
		// The member got E_UNSURE_OFFER earlier. Now the outcome is known.
		o := intent.Call.Offer
		t.setBanner(msgOfferNotMade(formatAmount(o.Amount, o.Denomination)))
	}
	c.handleInput(t, waiting)
}

// intentOutcome reports whether the dashboard shows the intent's mutation
// as carried out, and the line that reports it to the member.
func intentOutcome(intent *vimbiso.Intent, d *vimbiso.Dashboard) (bool, string) {
	call := intent.Call
	switch call.Op {
	case vimbiso.CallCreateCredex:
		if call.Offer == nil {
			return false, ""
		}
		account, ok := d.Account(call.Offer.IssuerAccountID)
		if !ok {
			return false, ""
		}
		amount := formatAmount(call.Offer.Amount, call.Offer.Denomination)
		for _, o := range account.PendingOut {
			if slices.Contains(intent.Before, idDigest(o.CredexID)) {
				continue
			}
			if strings.TrimPrefix(o.Amount, "-") == amount {
				return true, "✅ Your offer of " + amount + " to " + o.Counterparty + " went through."
			}
		}
		return false, ""
	case vimbiso.CallAcceptCredex, vimbiso.CallDeclineCredex, vimbiso.CallCancelCredex:
		if offerPendingAnywhere(d, call.CredexID) {
			return false, ""
		}
		return true, msgOfferGone
	case vimbiso.CallAcceptBulk:
		for _, id := range call.CredexIDs {
			if offerPendingAnywhere(d, id) {
				return false, ""
			}
		}
		return true, msgOfferGone
	}
	// Authorisations, offer alerts and subscriptions can be asked again:
	// CredEx refuses a repeat with a clear reason.
	return false, ""
}

// msgOfferNotMade reports that an offer whose outcome was unknown was not
// created.
func msgOfferNotMade(amount string) string {
	return "Your offer of " + amount + " did not go through, so nothing was sent. You can make it again."
}

// offerPendingAnywhere reports whether any account of d still lists the
// offer as pending, in or out.
func offerPendingAnywhere(d *vimbiso.Dashboard, credexID string) bool {
	for _, a := range d.Accounts {
		for _, o := range slices.Concat(a.PendingIn, a.PendingOut) {
			if o.CredexID == credexID {
				return true
			}
		}
	}
	return false
}
