package mockwhatsapp

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
)

// Graph error codes the mock returns. The bot branches on these values.
const (
	codeAccessToken      = 190
	codeInvalidParameter = 100
	codeInvalidValue     = 131009
	codeThroughput       = 130429
	codeUnknown          = 131000
	codeReEngagement     = 131047
	codeUnsupportedType  = 131051
	codePairRate         = 131056
	codeTemplateParams   = 132000
	codeTemplateMissing  = 132001
)

// errorTitles are the titles Meta gives each code, used in error messages and
// in the errors of failed statuses. Codes not listed get a generic title.
var errorTitles = map[int]string{
	0:                    "AuthException",
	4:                    "Application request limit reached",
	codeInvalidParameter: "Invalid parameter",
	codeAccessToken:      "Invalid OAuth access token",
	368:                  "Temporarily blocked for policies violations",
	80007:                "Rate limit issues",
	codeThroughput:       "Rate limit hit",
	codeUnknown:          "Something went wrong",
	131008:               "Required parameter is missing",
	codeInvalidValue:     "Parameter value is not valid",
	131026:               "Message undeliverable",
	codeReEngagement:     "Re-engagement message",
	131048:               "Spam rate limit hit",
	codeUnsupportedType:  "Message type unknown",
	codePairRate:         "(Business Account, Consumer Account) pair rate limit hit",
	codeTemplateParams:   "Number of parameters does not match the expected number of params",
	codeTemplateMissing:  "Template name does not exist in the translation",
	133010:               "Phone number not registered",
}

// GraphError is the "error" object of a Graph API error response, as Meta
// sends it. Callers branch on Code and read ErrorData.Details.
type GraphError struct {
	Message      string         `json:"message"`
	Type         string         `json:"type"`
	Code         int            `json:"code"`
	ErrorSubcode int            `json:"error_subcode,omitempty"`
	ErrorData    GraphErrorData `json:"error_data"`
	FBTraceID    string         `json:"fbtrace_id"`
}

// GraphErrorData is the "error_data" object of a GraphError.
type GraphErrorData struct {
	MessagingProduct string `json:"messaging_product"`
	Details          string `json:"details"`
}

// newGraphError returns the error Meta sends for code, with details naming
// the field or the reason.
func newGraphError(code int, details string) *GraphError {
	return &GraphError{
		Message:   fmt.Sprintf("(#%d) %s", code, errorTitle(code)),
		Type:      "OAuthException",
		Code:      code,
		ErrorData: GraphErrorData{MessagingProduct: "whatsapp", Details: details},
		FBTraceID: "A" + rand.Text(),
	}
}

// Error formats the code and details, for logs and the chat client.
func (e *GraphError) Error() string {
	return fmt.Sprintf("graph error %d: %s", e.Code, e.ErrorData.Details)
}

func errorTitle(code int) string {
	if title, ok := errorTitles[code]; ok {
		return title
	}
	return "Unknown error"
}

// defaultHTTPStatus is the HTTP status Meta pairs with code, for faults that
// name only a code.
func defaultHTTPStatus(code int) int {
	switch code {
	case 0, codeAccessToken:
		return http.StatusUnauthorized
	case 4, 80007, codeThroughput:
		return http.StatusTooManyRequests
	case codeUnknown:
		return http.StatusInternalServerError
	case codeTemplateMissing:
		return http.StatusNotFound
	default:
		return http.StatusBadRequest
	}
}

// writeGraphError writes {"error": e} with the given HTTP status.
func writeGraphError(w http.ResponseWriter, status int, e *GraphError) {
	writeJSON(w, status, map[string]*GraphError{"error": e})
}

// writeJSON writes v as the JSON body of a response with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encode response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

// writeError writes the common error body {"error": message, "details": details}
// of the /mock endpoints.
func writeError(w http.ResponseWriter, status int, message string, details map[string]any) {
	if details == nil {
		details = map[string]any{}
	}
	writeJSON(w, status, map[string]any{"error": message, "details": details})
}
