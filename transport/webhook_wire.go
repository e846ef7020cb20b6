package transport

import "encoding/json"

// The wire shapes of a Cloud API webhook. Children that must be reported by
// position (entries, changes, messages) stay raw until their own step, so
// that a decode error can name its full path.
type (
	wireBody struct {
		Object *string          `json:"object"`
		Entry  *json.RawMessage `json:"entry"`
	}
	wireEntry struct {
		Changes *json.RawMessage `json:"changes"`
	}
	wireChange struct {
		Field string          `json:"field"`
		Value json.RawMessage `json:"value"`
	}
	wireValue struct {
		Metadata *struct {
			PhoneNumberID string `json:"phone_number_id"`
		} `json:"metadata"`
		Contacts []wireContact     `json:"contacts"`
		Messages []json.RawMessage `json:"messages"`
		Statuses []json.RawMessage `json:"statuses"`
		Errors   []wireError       `json:"errors"`
	}
	wireContact struct {
		Profile struct {
			Name string `json:"name"`
		} `json:"profile"`
		WaID   string `json:"wa_id"`
		UserID string `json:"user_id"`
	}
	wireMessage struct {
		From       string          `json:"from"`
		FromUserID string          `json:"from_user_id"`
		GroupID    string          `json:"group_id"`
		ID         string          `json:"id"`
		Timestamp  json.RawMessage `json:"timestamp"`
		Type       string          `json:"type"`
		Context    *struct {
			ID string `json:"id"`
		} `json:"context"`
		Text *struct {
			Body string `json:"body"`
		} `json:"text"`
		Interactive *wireInteractive `json:"interactive"`
		Button      *struct {
			Payload string `json:"payload"`
		} `json:"button"`
		Errors []wireError `json:"errors"`
	}
	wireInteractive struct {
		Type        string `json:"type"`
		ButtonReply *struct {
			ID string `json:"id"`
		} `json:"button_reply"`
		ListReply *struct {
			ID string `json:"id"`
		} `json:"list_reply"`
		NfmReply *struct {
			ResponseJSON json.RawMessage `json:"response_json"`
		} `json:"nfm_reply"`
	}
	wireStatus struct {
		ID              string          `json:"id"`
		Status          string          `json:"status"`
		Timestamp       json.RawMessage `json:"timestamp"`
		RecipientID     string          `json:"recipient_id"`
		RecipientUserID string          `json:"recipient_user_id"`
		Errors          []wireError     `json:"errors"`
	}
	wireError struct {
		Code      int    `json:"code"`
		Title     string `json:"title"`
		Message   string `json:"message"`
		ErrorData struct {
			Details string `json:"details"`
		} `json:"error_data"`
	}
)
