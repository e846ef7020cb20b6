package transport

import "encoding/json"

// The wire shapes of a Cloud API webhook. Children that must be reported by
// position (entries, changes, messages) stay raw until their own step, so
// that a decode error can name its full path.
//
// The fast path (webhook_fast.go) takes the JSON name of every field from
// these struct tags, so a field added here must also get a case there.
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
		Metadata *wireMetadata     `json:"metadata"`
		Contacts []wireContact     `json:"contacts"`
		Messages []json.RawMessage `json:"messages"`
		Statuses []json.RawMessage `json:"statuses"`
		Errors   []wireError       `json:"errors"`
	}
	wireMetadata struct {
		PhoneNumberID string `json:"phone_number_id"`
	}
	wireContact struct {
		Profile wireProfile `json:"profile"`
		WaID    string      `json:"wa_id"`
		UserID  string      `json:"user_id"`
	}
	wireProfile struct {
		Name string `json:"name"`
	}
	wireMessage struct {
		From        string           `json:"from"`
		FromUserID  string           `json:"from_user_id"`
		GroupID     string           `json:"group_id"`
		ID          string           `json:"id"`
		Timestamp   json.RawMessage  `json:"timestamp"`
		Type        string           `json:"type"`
		Context     *wireContext     `json:"context"`
		Text        *wireText        `json:"text"`
		Interactive *wireInteractive `json:"interactive"`
		Button      *wireButton      `json:"button"`
		Errors      []wireError      `json:"errors"`
	}
	wireContext struct {
		ID string `json:"id"`
	}
	wireText struct {
		Body string `json:"body"`
	}
	wireButton struct {
		Payload string `json:"payload"`
	}
	wireInteractive struct {
		Type        string        `json:"type"`
		ButtonReply *wireReply    `json:"button_reply"`
		ListReply   *wireReply    `json:"list_reply"`
		NfmReply    *wireNfmReply `json:"nfm_reply"`
	}
	// wireReply is a button_reply or a list_reply.
	wireReply struct {
		ID string `json:"id"`
	}
	wireNfmReply struct {
		ResponseJSON json.RawMessage `json:"response_json"`
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
		Code      int           `json:"code"`
		Title     string        `json:"title"`
		Message   string        `json:"message"`
		ErrorData wireErrorData `json:"error_data"`
	}
	wireErrorData struct {
		Details string `json:"details"`
	}
)
