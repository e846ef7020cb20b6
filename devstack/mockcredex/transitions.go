package mockcredex

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

type credexIDRequest struct {
	CredexID string `json:"credexID"`
}

func handleAcceptCredex(s *Server, c *call) (reply, *apiError) {
	o, e := s.transitionRequest(c, stateAccepted)
	if e != nil {
		return reply{}, e
	}
	receiver := s.data.accounts[o.receiverID]
	if c.legacy {
		data := map[string]any{"credexID": o.id, "acceptorAccountID": receiver.id, "acceptorSignerID": c.actor.id}
		return reply{http.StatusOK, legacySuccess("Credex accepted successfully", data)}, nil
	}
	details := map[string]any{
		"credexID": o.id, "amount": formatAmount(o.amount, o.denom), "denomination": o.denom,
		"securedCredex": o.secured, "acceptorAccountID": receiver.id,
	}
	message := securedWord(o) + " credex for " + formatAmount(o.amount, o.denom) + " accepted successfully"
	d := s.data.dashboardFor(c.actor, formatDay(c.today))
	return reply{http.StatusOK, envelope(c, message, o.id, "CREDEX_ACCEPTED", details, d)}, nil
}

func handleDeclineCredex(s *Server, c *call) (reply, *apiError) {
	o, e := s.transitionRequest(c, stateDeclined)
	if e != nil {
		return reply{}, e
	}
	if c.legacy {
		return reply{http.StatusOK, legacySuccess("Credex declined successfully", map[string]any{"credexID": o.id})}, nil
	}
	d := s.data.dashboardFor(c.actor, formatDay(c.today))
	details := map[string]any{"credexID": o.id, "declinedAt": formatTimestamp(o.closedAt)}
	return reply{http.StatusOK, envelope(c, "Credex declined successfully", o.id, "CREDEX_DECLINED", details, d)}, nil
}

func handleCancelCredex(s *Server, c *call) (reply, *apiError) {
	o, e := s.transitionRequest(c, stateCancelled)
	if e != nil {
		return reply{}, e
	}
	data := map[string]any{"credexID": o.id, "cancelledAt": formatTimestamp(o.closedAt)}
	if c.legacy {
		return reply{http.StatusOK, legacySuccess("Credex cancelled successfully", data)}, nil
	}
	d := s.data.dashboardFor(c.actor, formatDay(c.today))
	return reply{http.StatusOK, envelope(c, "Credex cancelled successfully", o.id, "CREDEX_CANCELLED", data, d)}, nil
}

func handleAcceptCredexBulk(s *Server, c *call) (reply, *apiError) {
	var req struct {
		CredexIDs []string `json:"credexIDs"`
	}
	if e := decodeBody(c, &req); e != nil {
		return reply{}, e
	}
	var ids []string
	for _, id := range req.CredexIDs {
		if strings.TrimSpace(id) != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		e := errValidation("credexIDs", "No valid credex ids: send at least one id in credexIDs")
		e.code = "NO_VALID_IDS"
		return reply{}, e
	}

	accepted, already, failed := []string{}, []string{}, []map[string]string{}
	for _, id := range ids {
		_, e := s.transitionLocked(c, id, stateAccepted)
		switch {
		case e == nil:
			accepted = append(accepted, id)
		case e.status == http.StatusConflict && s.data.offers[id].state == stateAccepted:
			already = append(already, id)
		default:
			failed = append(failed, map[string]string{"credexID": id, "error": e.message})
		}
	}

	success := len(accepted) + len(already)
	summary := map[string]any{"accepted": accepted, "alreadyAccepted": already, "failed": failed}
	message := fmt.Sprintf("Successfully processed %d out of %d Credex transactions", success, len(ids))
	if c.legacy {
		return reply{http.StatusOK, map[string]any{"summary": summary, "message": message}}, nil
	}
	details := map[string]any{
		"summary": summary, "totalProcessed": len(ids), "successCount": success, "failureCount": len(failed),
	}
	d := s.data.dashboardFor(c.actor, formatDay(c.today))
	return reply{http.StatusOK, envelope(c, message, nil, "CREDEX_BULK_ACCEPTED", details, d)}, nil
}

// transitionRequest decodes {"credexID"} and moves that offer to state to.
func (s *Server) transitionRequest(c *call, to offerState) (*offer, *apiError) {
	var req credexIDRequest
	if e := decodeBody(c, &req); e != nil {
		return nil, e
	}
	if e := requireField(req.CredexID, "credexID"); e != nil {
		return nil, e
	}
	return s.transitionLocked(c, req.CredexID, to)
}

// transitionLocked moves a pending offer to accepted, declined or
// cancelled on behalf of c.actor. Accepting and declining need a member
// authorised on the receiving account, cancelling one on the issuing account.
func (s *Server) transitionLocked(c *call, id string, to offerState) (*offer, *apiError) {
	o := s.data.offers[id]
	if o == nil {
		return nil, errCredexNotFound()
	}
	side := s.data.accounts[o.receiverID]
	if to == stateCancelled {
		side = s.data.accounts[o.issuerID]
	}
	if !side.canAct(c.actor) {
		return nil, errForbidden(fmt.Sprintf("You are not authorized to %s this credex", verbFor(to)))
	}
	if o.state == stateAccepted {
		return nil, errConflict("Credex has already been accepted")
	}
	if o.state != statePending {
		return nil, errConflict("Credex has already been processed: it is " + string(o.state))
	}

	s.data.closeOffer(o, to, c.now, c.today)
	s.emitOfferLocked(o, to, c.now)
	return o, nil
}

// closeOffer moves a pending offer to its final state. On acceptance the
// secured amount moves from issuer to receiver. On any other end the
// reservation lapses, because reservations are derived from pending offers.
func (l *ledger) closeOffer(o *offer, to offerState, now, today time.Time) {
	o.state = to
	o.closedAt = now
	o.closedDay = formatDay(today)
	if to != stateAccepted {
		return
	}
	l.acceptSeq++
	o.acceptSeq = l.acceptSeq
	if o.secured {
		l.accounts[o.issuerID].secured[o.denom] -= o.amount
		l.accounts[o.receiverID].secured[o.denom] += o.amount
	}
}

func verbFor(to offerState) string {
	switch to {
	case stateAccepted:
		return "accept"
	case stateDeclined:
		return "decline"
	}
	return "cancel"
}

func securedWord(o *offer) string {
	if o.secured {
		return "Secured"
	}
	return "Unsecured"
}
