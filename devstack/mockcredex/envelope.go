package mockcredex

import (
	"net/http"
	"time"
)

// legacyForm is the body a refusal gets in the legacy shapes.
type legacyForm int

const (
	legacyMessage     legacyForm = iota // {"message":"..."}: validation and auth
	legacyFailMessage                   // {"success":false,"message":"..."}
	legacyFailError                     // {"success":false,"error":"..."}
)

// apiError is a refusal as CredEx sends it, in either shape.
type apiError struct {
	status       int
	code         string // details.code of the current envelope
	message      string // top-level message; also the legacy text
	reason       string // details.reason; message when empty
	field        string
	suggestion   string
	legacy       legacyForm
	legacyStatus int // status in the legacy shapes when it differs
}

func (e *apiError) Error() string { return e.message }

func errValidation(field, message string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "VALIDATION_ERROR", message: message, field: field}
}

func errUnauthorized(message string) *apiError {
	return &apiError{status: http.StatusUnauthorized, code: "UNAUTHORIZED", message: message}
}

func errForbidden(message string) *apiError {
	return &apiError{status: http.StatusForbidden, code: "FORBIDDEN", message: message, legacy: legacyFailMessage}
}

func errNotFound(field, message string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "NOT_FOUND", message: message, field: field}
}

func errConflict(message string) *apiError {
	return &apiError{status: http.StatusConflict, code: "INVALID_STATE", message: message, legacy: legacyFailError}
}

// errorReply renders e in the shape the call requests.
func (s *Server) errorReply(c *call, e *apiError) (int, any) {
	if c.legacy {
		status := e.status
		if e.legacyStatus != 0 {
			status = e.legacyStatus
		}
		switch e.legacy {
		case legacyFailMessage:
			return status, map[string]any{"success": false, "message": e.message}
		case legacyFailError:
			return status, map[string]any{"success": false, "error": e.message}
		}
		return status, map[string]any{"message": e.message}
	}

	details := map[string]any{"code": e.code, "reason": e.message}
	if e.reason != "" {
		details["reason"] = e.reason
	}
	if e.field != "" {
		details["field"] = e.field
	}
	if e.suggestion != "" {
		details["suggestion"] = e.suggestion
	}
	return e.status, envelope(c, e.message, nil, errorActionType(e.status), details, struct{}{})
}

// errorActionType maps a status to the action type of an error envelope.
// CredEx names no type for 409, so the mock uses ERROR_VALIDATION with the
// code INVALID_STATE.
func errorActionType(status int) string {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return "ERROR_UNAUTHORIZED"
	case http.StatusNotFound:
		return "ERROR_NOT_FOUND"
	case http.StatusBadRequest, http.StatusConflict:
		return "ERROR_VALIDATION"
	}
	return "ERROR_INTERNAL"
}

// envelope builds the current success or error envelope. A nil actionID
// encodes as null, as in CredEx's error responses.
func envelope(c *call, message string, actionID any, actionType string, details, dashboard any) map[string]any {
	var actor any
	if c.actor != nil {
		actor = c.actor.id
	}
	if id, ok := actionID.(string); ok && id == "" {
		actionID = nil
	}
	return map[string]any{
		"message": message,
		"data": map[string]any{
			"action": map[string]any{
				"id":        actionID,
				"type":      actionType,
				"timestamp": formatTimestamp(c.now),
				"actor":     actor,
				"details":   details,
			},
			"dashboard": dashboard,
		},
	}
}

// legacySuccess builds the legacy {"success":true,...} body.
func legacySuccess(message string, data any) map[string]any {
	return map[string]any{"success": true, "data": data, "message": message}
}

// formatTimestamp formats t as CredEx does: ISO 8601 UTC with milliseconds.
func formatTimestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// formatDay formats the date part of t as YYYY-MM-DD.
func formatDay(t time.Time) string {
	return t.UTC().Format(time.DateOnly)
}
