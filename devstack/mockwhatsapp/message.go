package mockwhatsapp

import "encoding/json"

// outMessage is the body of a Graph send request: a message (text,
// interactive or template) or a read receipt ("status":"read"). Fields the
// mock does not check are left out; Meta ignores unknown fields too.
type outMessage struct {
	MessagingProduct string           `json:"messaging_product"`
	RecipientType    string           `json:"recipient_type"`
	To               string           `json:"to"`
	Recipient        string           `json:"recipient"`
	Type             string           `json:"type"`
	Status           string           `json:"status"`
	MessageID        string           `json:"message_id"`
	TypingIndicator  *typingIndicator `json:"typing_indicator"`
	Text             *outText         `json:"text"`
	Interactive      *outInteractive  `json:"interactive"`
	Template         *outTemplate     `json:"template"`
}

type typingIndicator struct {
	Type string `json:"type"`
}

type outText struct {
	Body       string `json:"body"`
	PreviewURL bool   `json:"preview_url"`
}

type outInteractive struct {
	Type   string      `json:"type"`
	Header *outHeader  `json:"header"`
	Body   *textObject `json:"body"`
	Footer *textObject `json:"footer"`
	Action *outAction  `json:"action"`
}

type outHeader struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type textObject struct {
	Text string `json:"text"`
}

// outAction holds the fields of all three interactive kinds: Buttons for
// "button", Button and Sections for "list", Name and Parameters for "flow".
type outAction struct {
	Buttons    []outButton        `json:"buttons"`
	Button     *string            `json:"button"`
	Sections   []outSection       `json:"sections"`
	Name       string             `json:"name"`
	Parameters *outFlowParameters `json:"parameters"`
}

type outButton struct {
	Type  string    `json:"type"`
	Reply *outReply `json:"reply"`
}

type outReply struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type outSection struct {
	Title string   `json:"title"`
	Rows  []outRow `json:"rows"`
}

type outRow struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

type outFlowParameters struct {
	FlowMessageVersion string             `json:"flow_message_version"`
	FlowID             string             `json:"flow_id"`
	FlowName           string             `json:"flow_name"`
	FlowToken          string             `json:"flow_token"`
	FlowCTA            string             `json:"flow_cta"`
	FlowAction         string             `json:"flow_action"`
	FlowActionPayload  *flowActionPayload `json:"flow_action_payload"`
}

type flowActionPayload struct {
	Screen string          `json:"screen"`
	Data   json.RawMessage `json:"data"`
}

type outTemplate struct {
	Name       string         `json:"name"`
	Language   *templateLang  `json:"language"`
	Components []outComponent `json:"components"`
}

type templateLang struct {
	Code string `json:"code"`
}

type outComponent struct {
	Type       string         `json:"type"`
	SubType    string         `json:"sub_type"`
	Parameters []outParameter `json:"parameters"`
}

type outParameter struct {
	Type    string `json:"type"`
	Text    string `json:"text"`
	Payload string `json:"payload"`
}

// isReadReceipt reports whether m marks a message as read (with or without
// a typing indicator) instead of sending one.
func (m *outMessage) isReadReceipt() bool {
	return m.Status != ""
}

// recipient returns the addressee: the phone number in "to", else the
// business-scoped user id in "recipient".
func (m *outMessage) recipient() string {
	if m.To != "" {
		return m.To
	}
	return m.Recipient
}

// holdsChoice reports whether m offers the choice id, as a reply button, a
// list row or a template quick-reply payload.
func (m *outMessage) holdsChoice(id string) bool {
	if in := m.Interactive; in != nil && in.Action != nil {
		for _, b := range in.Action.Buttons {
			if b.Reply != nil && b.Reply.ID == id {
				return true
			}
		}
		for _, s := range in.Action.Sections {
			for _, r := range s.Rows {
				if r.ID == id {
					return true
				}
			}
		}
	}
	if m.Template != nil {
		for _, c := range m.Template.Components {
			for _, p := range c.Parameters {
				if c.Type == "button" && p.Payload == id {
					return true
				}
			}
		}
	}
	return false
}

// choiceTitle returns the title and description m shows for the choice id.
func (m *outMessage) choiceTitle(id string) (title, description string) {
	if in := m.Interactive; in != nil && in.Action != nil {
		for _, b := range in.Action.Buttons {
			if b.Reply != nil && b.Reply.ID == id {
				return b.Reply.Title, ""
			}
		}
		for _, s := range in.Action.Sections {
			for _, r := range s.Rows {
				if r.ID == id {
					return r.Title, r.Description
				}
			}
		}
	}
	return "", ""
}

// isFlow reports whether m is an interactive Flow message.
func (m *outMessage) isFlow() bool {
	return m.Interactive != nil && m.Interactive.Type == "flow"
}

// flowToken returns the flow_token of a Flow message, or "".
func (m *outMessage) flowToken() string {
	if !m.isFlow() || m.Interactive.Action == nil || m.Interactive.Action.Parameters == nil {
		return ""
	}
	return m.Interactive.Action.Parameters.FlowToken
}
