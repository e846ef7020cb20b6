package mockcredex

import (
	"cmp"
	"net/http"
	"slices"
)

// Authorisation rules: the owner needs the Entrepreneur tier (4) or above,
// and an account has at most maxAuthorised members besides its owner.
const (
	minTierToAuthorise = 4
	maxAuthorised      = 5
)

func handleAuthorizeForAccount(s *Server, c *call) (reply, *apiError) {
	var req struct {
		AccountID                  string `json:"accountID"`
		MemberHandleToBeAuthorized string `json:"memberHandleToBeAuthorized"`
	}
	if e := decodeBody(c, &req); e != nil {
		return reply{}, e
	}
	if e := requireField(req.AccountID, "accountID"); e != nil {
		return reply{}, e
	}
	handle, e := sanitiseHandle(req.MemberHandleToBeAuthorized, "memberHandleToBeAuthorized")
	if e != nil {
		return reply{}, e
	}
	a, e := s.data.ownedAccount(c, req.AccountID)
	if e != nil {
		return reply{}, e
	}
	if c.actor.tier < minTierToAuthorise {
		return reply{}, errForbidden("You can only authorize someone to transact on behalf of your account when you are on the Entrepreneur tier or above.")
	}
	m := s.data.memberByPhone(handle)
	if m == nil {
		return reply{}, errMemberNotFound("memberHandleToBeAuthorized")
	}

	// Authorising the owner or someone already authorised changes nothing.
	if !a.canAct(m) {
		if len(a.authorised) >= maxAuthorised {
			e := errValidation("memberHandleToBeAuthorized", "Limit of 5 authorized accounts reached. Remove an authorized account if you want to add another.")
			e.legacy = legacyFailMessage
			return reply{}, e
		}
		a.authorised = append(a.authorised, m.id)
	}
	data := map[string]any{"accountID": a.id, "memberIdAuthorized": m.id}
	return reply{http.StatusOK, legacySuccess("Account authorized successfully", data)}, nil
}

func handleUnauthorizeForAccount(s *Server, c *call) (reply, *apiError) {
	var req struct {
		AccountID                string `json:"accountID"`
		MemberID                 string `json:"memberID"`
		MemberIDtoBeUnauthorized string `json:"memberIDtoBeUnauthorized"`
	}
	if e := decodeBody(c, &req); e != nil {
		return reply{}, e
	}
	memberID := cmp.Or(req.MemberID, req.MemberIDtoBeUnauthorized)
	if e := requireField(req.AccountID, "accountID"); e != nil {
		return reply{}, e
	}
	if e := requireField(memberID, "memberID"); e != nil {
		return reply{}, e
	}
	a, e := s.data.ownedAccount(c, req.AccountID)
	if e != nil {
		return reply{}, e
	}
	i := slices.Index(a.authorised, memberID)
	if i < 0 {
		e := errNotFound("memberID", "Member is not authorized on this account")
		e.legacy = legacyFailMessage
		return reply{}, e
	}

	a.authorised = slices.Delete(a.authorised, i, i+1)
	if a.sendOffersTo == memberID {
		a.sendOffersTo = a.ownerID
	}
	data := map[string]any{"accountID": a.id, "memberIdUnauthorized": memberID}
	return reply{http.StatusOK, legacySuccess("Authorization removed successfully", data)}, nil
}

func handleUpdateSendOffersTo(s *Server, c *call) (reply, *apiError) {
	var req struct {
		AccountID            string `json:"accountID"`
		MemberID             string `json:"memberID"`
		MemberIDtoSendOffers string `json:"memberIDtoSendOffers"`
	}
	if e := decodeBody(c, &req); e != nil {
		return reply{}, e
	}
	memberID := cmp.Or(req.MemberID, req.MemberIDtoSendOffers)
	if e := requireField(req.AccountID, "accountID"); e != nil {
		return reply{}, e
	}
	a, e := s.data.ownedAccount(c, req.AccountID)
	if e != nil {
		return reply{}, e
	}
	m := s.data.members[memberID]
	if m == nil || !a.canAct(m) {
		return reply{}, errValidation("memberIDtoSendOffers", "Invalid memberIDtoSendOffers")
	}

	a.sendOffersTo = m.id
	data := map[string]any{"accountID": a.id, "memberIDtoSendOffers": m.id}
	return reply{http.StatusOK, legacySuccess("Offer recipient updated successfully", data)}, nil
}

// ownedAccount finds an account that c.actor owns: 404 when it does not
// exist, 403 when someone else owns it.
func (l *ledger) ownedAccount(c *call, accountID string) (*account, *apiError) {
	a := l.accounts[accountID]
	if a == nil {
		return nil, errAccountNotFound("accountID", "with id "+accountID)
	}
	if a.ownerID != c.actor.id {
		return nil, errForbidden("Only the account owner can change who may act on this account")
	}
	return a, nil
}
