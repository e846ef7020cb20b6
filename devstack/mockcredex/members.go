package mockcredex

import (
	"net/http"
)

func handleLogin(s *Server, c *call) (reply, *apiError) {
	var req struct {
		Phone string `json:"phone"`
	}
	if e := decodeBody(c, &req); e != nil {
		return reply{}, e
	}
	phone, e := sanitisePhone(req.Phone)
	if e != nil {
		return reply{}, e
	}
	m := s.data.memberByPhone(phone)
	if m == nil {
		return reply{}, errMemberNotFound("phone")
	}

	c.actor = m
	token := s.issueToken(m.id, c.now)
	if c.legacy {
		// Legacy login carries no dashboard, so the bot then calls
		// getMemberDashboardByPhone.
		return reply{http.StatusOK, legacySuccess("Login successful", map[string]any{"token": token, "memberID": m.id})}, nil
	}
	details := map[string]any{"memberID": m.id, "phone": m.phone, "token": token}
	body := envelope(c, "Successfully logged in", m.id, "MEMBER_LOGIN", details, s.data.dashboardFor(m, formatDay(c.today)))
	return reply{http.StatusOK, body}, nil
}

func handleOnboardMember(s *Server, c *call) (reply, *apiError) {
	var req struct {
		Firstname    string `json:"firstname"`
		Lastname     string `json:"lastname"`
		Phone        string `json:"phone"`
		DefaultDenom string `json:"defaultDenom"`
	}
	if e := decodeBody(c, &req); e != nil {
		return reply{}, e
	}
	first, e := sanitiseName(req.Firstname, "firstname")
	if e != nil {
		return reply{}, e
	}
	last, e := sanitiseName(req.Lastname, "lastname")
	if e != nil {
		return reply{}, e
	}
	phone, e := sanitisePhone(req.Phone)
	if e != nil {
		return reply{}, e
	}
	// The phone becomes the member and account handle, so it must pass the
	// handle rule too: "12" is a valid phone pattern but too short a handle.
	if _, e := sanitiseHandle(phone, "phone"); e != nil {
		return reply{}, e
	}
	denom, e := sanitiseDenom(req.DefaultDenom, "defaultDenom")
	if e != nil {
		return reply{}, e
	}
	if s.data.memberByPhone(phone) != nil || s.data.accountByHandle(phone) != nil {
		e := &apiError{status: http.StatusConflict, code: "VALIDATION_ERROR", field: "phone",
			message: "Phone number or handle already in use", legacy: legacyFailMessage}
		return reply{}, e
	}

	m := &member{id: s.data.newID('a'), firstname: first, lastname: last, phone: phone, tier: 1, defaultDenom: denom}
	s.data.addMember(m)
	a := addPersonalAccount(s.data, m, s.data.newID('b'))
	c.actor = m
	token := s.issueToken(m.id, c.now)
	d := s.data.dashboardFor(m, formatDay(c.today))

	if c.legacy {
		data := map[string]any{"memberDashboard": memberDashboard(d, true)["memberDashboard"], "token": token, "defaultAccountID": a.id}
		return reply{http.StatusCreated, legacySuccess("Member onboarded successfully", data)}, nil
	}
	details := map[string]any{
		"memberID": m.id, "firstname": first, "lastname": last, "memberHandle": phone,
		"defaultDenom": denom, "token": token, "defaultAccountID": a.id,
	}
	message := m.name() + ": Personal account created with a default denomination of " + denom + "."
	return reply{http.StatusCreated, envelope(c, message, m.id, "MEMBER_ONBOARDED", details, d)}, nil
}

// handleDashboardByPhone serves the legacy dashboard endpoint. Its success
// body has one known shape, which the current mode serves without the 2024
// quirks.
func handleDashboardByPhone(s *Server, c *call) (reply, *apiError) {
	var req struct {
		Phone string `json:"phone"`
	}
	if e := decodeBody(c, &req); e != nil {
		return reply{}, e
	}
	phone, e := sanitisePhone(req.Phone)
	if e != nil {
		return reply{}, e
	}
	m := s.data.memberByPhone(phone)
	if m == nil {
		return reply{}, errMemberNotFound("phone")
	}
	data := memberDashboard(s.data.dashboardFor(m, formatDay(c.today)), c.legacy)
	return reply{http.StatusOK, legacySuccess("Dashboard retrieved successfully", data)}, nil
}

func handleAccountByHandle(s *Server, c *call) (reply, *apiError) {
	var req struct {
		AccountHandle string `json:"accountHandle"`
	}
	if e := decodeBody(c, &req); e != nil {
		return reply{}, e
	}
	handle, e := sanitiseHandle(req.AccountHandle, "accountHandle")
	if e != nil {
		e.message = "Invalid account handle. " + e.message
		return reply{}, e
	}
	a := s.data.accountByHandle(handle)
	if a == nil {
		return reply{}, errAccountNotFound("accountHandle", "with handle "+handle)
	}

	if c.legacy {
		return reply{http.StatusOK, map[string]any{"accountData": map[string]any{"accountID": a.id, "accountName": a.name}}}, nil
	}
	details := map[string]any{"accountID": a.id, "accountName": a.name, "accountHandle": a.handle, "defaultDenom": a.defaultDenom}
	return reply{http.StatusOK, envelope(c, "Account found", a.id, "ACCOUNT_FOUND", details, struct{}{})}, nil
}

func handleMemberByHandle(s *Server, c *call) (reply, *apiError) {
	var req struct {
		MemberHandle string `json:"memberHandle"`
	}
	if e := decodeBody(c, &req); e != nil {
		return reply{}, e
	}
	handle, e := sanitiseHandle(req.MemberHandle, "memberHandle")
	if e != nil {
		return reply{}, e
	}
	m := s.data.memberByPhone(handle)
	if m == nil {
		e := errMemberNotFound("memberHandle")
		e.legacy = legacyMessage
		return reply{}, e
	}

	if c.legacy {
		return reply{http.StatusOK, map[string]any{"memberData": map[string]any{"memberID": m.id, "memberName": m.name()}}}, nil
	}
	// NOTE: the current shape of this response is not documented, and the
	// action type MEMBER_FOUND is the mock's own name.
	details := map[string]any{"memberID": m.id, "firstname": m.firstname, "lastname": m.lastname, "memberHandle": m.phone}
	return reply{http.StatusOK, envelope(c, "Member found", m.id, "MEMBER_FOUND", details, struct{}{})}, nil
}
