package vimbiso

import (
	"errors"
	"fmt"
)

var (
	// ErrNotFound reports that a stored value does not exist.
	ErrNotFound = errors.New("not found")
	// ErrVersionConflict reports that a snapshot was saved by another
	// activation since it was loaded; the turn must be retried from the
	// newer snapshot.
	ErrVersionConflict = errors.New("snapshot version conflict")
	// ErrUnavailable reports that a store or service could not be reached.
	ErrUnavailable = errors.New("unavailable")
)

// SendError is a refusal from the Graph API.
type SendError struct {
	HTTPStatus int
	Code       int    // Meta's error.code
	Details    string // error_data.details
	RetryAfter int    // seconds, from the Retry-After header; 0 when absent
}

func (e *SendError) Error() string {
	return fmt.Sprintf("graph api: http %d, code %d: %s", e.HTTPStatus, e.Code, e.Details)
}
