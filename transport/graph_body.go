package transport

import (
	"errors"
	"fmt"

	"github.com/vimbisopay/vimbiso"
)

// The outbound message shapes of the Cloud API. Field order follows Meta's
// documentation, so that request bodies read like its examples.
type (
	outMessage struct {
		MessagingProduct string          `json:"messaging_product"`
		RecipientType    string          `json:"recipient_type"`
		To               string          `json:"to,omitempty"`
		Recipient        string          `json:"recipient,omitempty"`
		Type             string          `json:"type"`
		Text             *outText        `json:"text,omitempty"`
		Interactive      *outInteractive `json:"interactive,omitempty"`
		Template         *outTemplate    `json:"template,omitempty"`
	}
	outText struct {
		PreviewURL bool   `json:"preview_url"`
		Body       string `json:"body"`
	}
	outInteractive struct {
		Type   string    `json:"type"`
		Body   outBody   `json:"body"`
		Action outAction `json:"action"`
	}
	outBody struct {
		Text string `json:"text"`
	}
	outAction struct {
		Button   string       `json:"button,omitempty"`
		Buttons  []outButton  `json:"buttons,omitempty"`
		Sections []outSection `json:"sections,omitempty"`
	}
	outButton struct {
		Type  string   `json:"type"`
		Reply outReply `json:"reply"`
	}
	outReply struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	outSection struct {
		Title string   `json:"title,omitempty"`
		Rows  []outRow `json:"rows"`
	}
	outRow struct {
		ID          string `json:"id"`
		Title       string `json:"title"`
		Description string `json:"description,omitempty"`
	}
	outTemplate struct {
		Name       string         `json:"name"`
		Language   outLanguage    `json:"language"`
		Components []outComponent `json:"components,omitempty"`
	}
	outLanguage struct {
		Code string `json:"code"`
	}
	outComponent struct {
		Type       string     `json:"type"`
		Parameters []outParam `json:"parameters"`
	}
	outParam struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	outRead struct {
		MessagingProduct string     `json:"messaging_product"`
		Status           string     `json:"status"`
		MessageID        string     `json:"message_id"`
		TypingIndicator  *outTyping `json:"typing_indicator,omitempty"`
	}
	outTyping struct {
		Type string `json:"type"`
	}
)

// defaultTemplateLanguage is used when a template reply names no language.
const defaultTemplateLanguage = "en_US"

// errInvalidReply reports a reply that Meta would refuse whole; it is never
// sent.
var errInvalidReply = errors.New("invalid reply")

// messageBody builds the request body of one reply. The user is addressed
// by phone number ("to"), or by business-scoped id ("recipient") when the
// phone number is unknown.
func messageBody(to vimbiso.User, bsuid string, r vimbiso.Reply) (outMessage, error) {
	m := outMessage{MessagingProduct: "whatsapp", RecipientType: "individual", To: to.WaID}
	if to.WaID == "" {
		if bsuid == "" {
			return outMessage{}, fmt.Errorf("%w: no wa_id and no business-scoped id to address", errInvalidReply)
		}
		m.Recipient = bsuid
	}

	switch r.Kind {
	case vimbiso.ReplyText:
		if r.Body == "" {
			return outMessage{}, fmt.Errorf("%w: empty text body", errInvalidReply)
		}
		m.Type = "text"
		m.Text = &outText{PreviewURL: false, Body: r.Body}
	case vimbiso.ReplyButtons:
		if len(r.Buttons) == 0 || len(r.Buttons) > vimbiso.MaxButtons {
			return outMessage{}, fmt.Errorf("%w: %d buttons, want 1 to %d", errInvalidReply, len(r.Buttons), vimbiso.MaxButtons)
		}
		m.Type = "interactive"
		m.Interactive = buttonsBody(r)
	case vimbiso.ReplyList:
		if rows := countRows(r.Sections); rows == 0 || rows > vimbiso.MaxListRows {
			return outMessage{}, fmt.Errorf("%w: %d list rows, want 1 to %d", errInvalidReply, rows, vimbiso.MaxListRows)
		}
		m.Type = "interactive"
		m.Interactive = listBody(r)
	case vimbiso.ReplyTemplate:
		if r.Template == nil || r.Template.Name == "" {
			return outMessage{}, fmt.Errorf("%w: template without a name", errInvalidReply)
		}
		m.Type = "template"
		m.Template = templateBody(r.Template)
	default:
		return outMessage{}, fmt.Errorf("%w: unknown kind %q", errInvalidReply, r.Kind)
	}
	return m, nil
}

func buttonsBody(r vimbiso.Reply) *outInteractive {
	buttons := make([]outButton, len(r.Buttons))
	for i, b := range r.Buttons {
		buttons[i] = outButton{Type: "reply", Reply: outReply{ID: b.ID, Title: b.Title}}
	}
	return &outInteractive{Type: "button", Body: outBody{Text: r.Body}, Action: outAction{Buttons: buttons}}
}

func listBody(r vimbiso.Reply) *outInteractive {
	sections := make([]outSection, len(r.Sections))
	for i, s := range r.Sections {
		rows := make([]outRow, len(s.Rows))
		for j, row := range s.Rows {
			rows[j] = outRow{ID: row.ID, Title: row.Title, Description: row.Description}
		}
		sections[i] = outSection{Title: s.Title, Rows: rows}
	}
	action := outAction{Button: r.ListButton, Sections: sections}
	return &outInteractive{Type: "list", Body: outBody{Text: r.Body}, Action: action}
}

func templateBody(t *vimbiso.Template) *outTemplate {
	lang := t.Language
	if lang == "" {
		lang = defaultTemplateLanguage
	}
	out := &outTemplate{Name: t.Name, Language: outLanguage{Code: lang}}
	if len(t.Params) > 0 {
		params := make([]outParam, len(t.Params))
		for i, p := range t.Params {
			params[i] = outParam{Type: "text", Text: p}
		}
		out.Components = []outComponent{{Type: "body", Parameters: params}}
	}
	return out
}

func countRows(sections []vimbiso.Section) int {
	n := 0
	for _, s := range sections {
		n += len(s.Rows)
	}
	return n
}
