package transport

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/vimbisopay/vimbiso"
)

// Errors that the handlers return and errorResponse turns into a status and
// the common body. Storage failures wrap vimbiso.ErrUnavailable.
var (
	errNotFound          = errors.New("not found")
	errMethodNotAllowed  = errors.New("method not allowed")
	errBodyTooLarge      = errors.New("request body too large")
	errMissingSignature  = errors.New("missing X-Hub-Signature-256 header")
	errInvalidSignature  = errors.New("invalid webhook signature")
	errVerifyTokenDenied = errors.New("verification failed")
	errNotReady          = errors.New("not ready")
	errReadBody          = errors.New("failed to read request body")
)

// errorBody is the common refusal body of every endpoint of the service.
type errorBody struct {
	Error   string       `json:"error"`
	Details errorDetails `json:"details"`
}

type errorDetails struct {
	Field     string `json:"field,omitempty"`
	ErrorType string `json:"error_type,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// errorStatuses maps each error the handlers return to its status, the
// public summary and details.error_type. The first entry that matches with
// errors.Is wins; input errors (*DecodeError) are handled before the table.
var errorStatuses = []struct {
	err       error
	status    int
	summary   string
	errorType string
}{
	{errNotFound, http.StatusNotFound, "Not found", "not_found"},
	{errMethodNotAllowed, http.StatusMethodNotAllowed, "Method not allowed", "method_not_allowed"},
	{errBodyTooLarge, http.StatusRequestEntityTooLarge, "Request body too large", "payload_too_large"},
	{errMissingSignature, http.StatusUnauthorized, "Missing webhook signature", "signature_validation"},
	{errInvalidSignature, http.StatusUnauthorized, "Invalid webhook signature", "signature_validation"},
	{errInvalidAPIKey, http.StatusUnauthorized, "Invalid API key", "authentication"},
	{errVerifyTokenDenied, http.StatusForbidden, "Verification failed", "authentication"},
	{errNotReady, http.StatusServiceUnavailable, "Not ready", "not_ready"},
	{errReadBody, http.StatusBadRequest, "Could not read request body", "processing_error"},
	{vimbiso.ErrUnavailable, http.StatusServiceUnavailable, "Storage unavailable, retry later", "processing_error"},
}

// errorResponse returns the status and common body for err. Unknown errors
// become 500 with a generic summary, so that no internal detail leaks.
func errorResponse(err error) (int, errorBody) {
	var decodeErr *DecodeError
	if errors.As(err, &decodeErr) {
		return http.StatusBadRequest, errorBody{
			Error:   "Malformed webhook body: " + decodeErr.Reason,
			Details: errorDetails{Field: decodeErr.Field},
		}
	}

	for _, e := range errorStatuses {
		if errors.Is(err, e.err) {
			return e.status, errorBody{Error: e.summary, Details: errorDetails{ErrorType: e.errorType}}
		}
	}
	return http.StatusInternalServerError, errorBody{
		Error:   "Internal error",
		Details: errorDetails{ErrorType: "processing_error"},
	}
}

// writeError answers the request with the status and common body for err.
// reason, when not empty, goes to details.reason.
func writeError(w http.ResponseWriter, err error, reason string) int {
	status, body := errorResponse(err)
	body.Details.Reason = reason
	writeJSON(w, status, body)
	return status
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	// An encoding error here means the client has gone; nothing is left to do.
	_ = json.NewEncoder(w).Encode(v)
}

// okBody is the encoding of map[string]string{"status": "ok"}, byte for
// byte as writeJSON produces it.
var okBody = []byte(`{"status":"ok"}` + "\n")

// writeOK writes the webhook's 200 reply without encoding it each time.
func writeOK(w http.ResponseWriter) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["X-Content-Type-Options"] = []string{"nosniff"}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(okBody)
}
