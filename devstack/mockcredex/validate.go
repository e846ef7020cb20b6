package mockcredex

import (
	"regexp"
	"strings"
	"time"
)

var (
	phonePattern  = regexp.MustCompile(`^\+?[1-9]\d{1,14}$`)
	handlePattern = regexp.MustCompile(`^[a-z0-9_]{3,30}$`)
)

// Due-date window of unsecured credex, in days after the business day:
// from minDueDays inclusive to credspanDays exclusive.
const (
	minDueDays   = 7
	credspanDays = 35
)

// sanitisePhone deletes every non-digit, as CredEx does, and checks the
// E.164 pattern.
func sanitisePhone(raw string) (string, *apiError) {
	if strings.TrimSpace(raw) == "" {
		e := errValidation("phone", "Phone number is required")
		e.code = "MISSING_PHONE"
		return "", e
	}
	phone := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, raw)
	if !phonePattern.MatchString(phone) {
		e := errValidation("phone", "Invalid phone number: "+raw+" must be in international format, digits only, e.g. 263770000001")
		e.code = "INVALID_PHONE"
		return "", e
	}
	return phone, nil
}

// sanitiseName deletes every character except ASCII letters, spaces and
// hyphens, as CredEx does, then checks the length.
func sanitiseName(raw, field string) (string, *apiError) {
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == ' ' || r == '-' {
			return r
		}
		return -1
	}, raw)
	name = strings.TrimSpace(name)
	if len(name) < 3 || len(name) > 50 {
		return "", errValidation(field, "Invalid name: must be between 3 and 50 characters long after removing everything but letters, spaces and hyphens")
	}
	return name, nil
}

// sanitiseHandle lower-cases a member or account handle and checks it.
func sanitiseHandle(raw, field string) (string, *apiError) {
	handle := strings.ToLower(strings.TrimSpace(raw))
	if !handlePattern.MatchString(handle) {
		return "", errValidation(field, "Invalid handle: "+raw+" must be 3 to 30 characters of a-z, 0-9 or underscore")
	}
	return handle, nil
}

// sanitiseDenom upper-cases a denomination and checks that CredEx accepts it.
func sanitiseDenom(raw, field string) (string, *apiError) {
	denom := strings.ToUpper(strings.TrimSpace(raw))
	if _, ok := denominations[denom]; !ok {
		return "", errValidation(field, "Invalid denomination: "+raw+" is not a recognized denomination")
	}
	return denom, nil
}

// sanitiseAmount converts a request amount to units of denom.
func sanitiseAmount(v *float64, denom, field string) (int64, *apiError) {
	if v == nil {
		return 0, errValidation(field, "Missing required field: "+field)
	}
	units := amountUnits(*v, denom)
	if units <= 0 {
		return 0, errValidation(field, "Must be a positive number")
	}
	return units, nil
}

// checkDueDate checks an unsecured credex's due date against the window
// counted from the business day.
func checkDueDate(raw string, today time.Time) *apiError {
	if raw == "" {
		return errValidation("dueDate", "Due date is required for unsecured credex")
	}
	due, err := time.Parse(time.DateOnly, raw)
	if err != nil {
		return errValidation("dueDate", "Invalid due date: "+raw+" must be YYYY-MM-DD")
	}
	first := today.AddDate(0, 0, minDueDays)
	last := today.AddDate(0, 0, credspanDays-1)
	if due.Before(first) || due.After(last) {
		return errValidation("dueDate", "Due date must be between "+formatDay(first)+" and "+formatDay(last)+
			" (at least 7 days from today and less than 35)")
	}
	return nil
}

// requireField returns a 400 for an empty required string field.
func requireField(value, field string) *apiError {
	if strings.TrimSpace(value) == "" {
		return errValidation(field, "Missing required field: "+field)
	}
	return nil
}

// errMemberNotFound is the 404 of login and member look-ups.
func errMemberNotFound(field string) *apiError {
	e := errNotFound(field, "Member not found")
	e.legacy = legacyFailMessage
	return e
}

// errAccountNotFound is the 404 of account look-ups.
func errAccountNotFound(field, description string) *apiError {
	e := errNotFound(field, "Account not found")
	e.reason = "No account " + description
	return e
}

// errCredexNotFound is the 404 of the offer endpoints.
func errCredexNotFound() *apiError {
	e := errNotFound("credexID", "Credex not found")
	e.legacy = legacyFailError
	return e
}
