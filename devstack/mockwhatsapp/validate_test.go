package mockwhatsapp

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// chars returns n characters of two bytes each, so that a limit counted in
// bytes would fail.
func chars(n int) string { return strings.Repeat("é", n) }

func textMessage(body string) *outMessage {
	return &outMessage{MessagingProduct: "whatsapp", To: testUser, Type: "text", Text: &outText{Body: body}}
}

func interactive(kind string, action *outAction) *outMessage {
	return &outMessage{
		MessagingProduct: "whatsapp",
		To:               testUser,
		Type:             "interactive",
		Interactive:      &outInteractive{Type: kind, Body: &textObject{Text: "Choose"}, Action: action},
	}
}

func replyButton(id, title string) outButton {
	return outButton{Type: "reply", Reply: &outReply{ID: id, Title: title}}
}

func buttonMessage(buttons ...outButton) *outMessage {
	return interactive("button", &outAction{Buttons: buttons})
}

func listMessage(label string, sections ...outSection) *outMessage {
	return interactive("list", &outAction{Button: &label, Sections: sections})
}

// section returns a section with n rows whose ids start with prefix.
func section(title, prefix string, n int) outSection {
	s := outSection{Title: title}
	for i := range n {
		s.Rows = append(s.Rows, outRow{ID: fmt.Sprintf("%s%d", prefix, i), Title: "Row", Description: "About"})
	}
	return s
}

func rowSection(r outRow) outSection { return outSection{Title: "S", Rows: []outRow{r}} }

func flowMessage(cta string) *outMessage {
	return interactive("flow", &outAction{Name: "flow", Parameters: &outFlowParameters{
		FlowMessageVersion: "3",
		FlowID:             "400000000000001",
		FlowToken:          "reg-1",
		FlowCTA:            cta,
		FlowAction:         "navigate",
		FlowActionPayload:  &flowActionPayload{Screen: "MEMBER_SIGNUP"},
	}})
}

func templateMessage(name, language string, params ...string) *outMessage {
	body := outComponent{Type: "body"}
	for _, p := range params {
		body.Parameters = append(body.Parameters, outParameter{Type: "text", Text: p})
	}
	return &outMessage{
		MessagingProduct: "whatsapp",
		To:               testUser,
		Type:             "template",
		Template:         &outTemplate{Name: name, Language: &templateLang{Code: language}, Components: []outComponent{body}},
	}
}

func with(m *outMessage, change func(*outMessage)) *outMessage {
	change(m)
	return m
}

func TestValidateMessage(t *testing.T) {
	tests := []struct {
		name      string
		msg       *outMessage
		wantCode  int // 0: accepted
		wantField string
	}{
		// Envelope.
		{"text ok", textMessage("hi"), 0, ""},
		{"messaging_product missing", with(textMessage("hi"), func(m *outMessage) { m.MessagingProduct = "" }), 100, "messaging_product"},
		{"messaging_product wrong", with(textMessage("hi"), func(m *outMessage) { m.MessagingProduct = "sms" }), 100, "messaging_product"},
		{"to missing", with(textMessage("hi"), func(m *outMessage) { m.To = "" }), 100, "to"},
		{"recipient instead of to", with(textMessage("hi"), func(m *outMessage) { m.To, m.Recipient = "", "ZW.1234" }), 0, ""},
		{"recipient_type group", with(textMessage("hi"), func(m *outMessage) { m.RecipientType = "group" }), 100, "recipient_type"},
		{"type defaults to text", with(textMessage("hi"), func(m *outMessage) { m.Type = "" }), 0, ""},
		{"type image unsupported", with(textMessage("hi"), func(m *outMessage) { m.Type = "image" }), 100, "type"},

		// Text.
		{"text body at limit", textMessage(chars(4096)), 0, ""},
		{"text body over limit", textMessage(chars(4097)), 131009, "text.body"},
		{"text body empty", textMessage(""), 100, "text.body"},
		{"text object missing", with(textMessage("x"), func(m *outMessage) { m.Text = nil }), 100, "text.body"},

		// Interactive body, header, footer.
		{"interactive body at limit", with(buttonMessage(replyButton("a", "A")), func(m *outMessage) { m.Interactive.Body.Text = chars(1024) }), 0, ""},
		{"interactive body over limit", with(buttonMessage(replyButton("a", "A")), func(m *outMessage) { m.Interactive.Body.Text = chars(1025) }), 131009, "interactive.body.text"},
		{"interactive body missing", with(buttonMessage(replyButton("a", "A")), func(m *outMessage) { m.Interactive.Body = nil }), 100, "interactive.body.text"},
		{"header at limit", with(buttonMessage(replyButton("a", "A")), func(m *outMessage) { m.Interactive.Header = &outHeader{Type: "text", Text: chars(60)} }), 0, ""},
		{"header over limit", with(buttonMessage(replyButton("a", "A")), func(m *outMessage) { m.Interactive.Header = &outHeader{Type: "text", Text: chars(61)} }), 131009, "interactive.header.text"},
		{"header image", with(buttonMessage(replyButton("a", "A")), func(m *outMessage) { m.Interactive.Header = &outHeader{Type: "image"} }), 100, "interactive.header.type"},
		{"footer at limit", with(buttonMessage(replyButton("a", "A")), func(m *outMessage) { m.Interactive.Footer = &textObject{Text: chars(60)} }), 0, ""},
		{"footer over limit", with(buttonMessage(replyButton("a", "A")), func(m *outMessage) { m.Interactive.Footer = &textObject{Text: chars(61)} }), 131009, "interactive.footer.text"},
		{"interactive type unknown", with(buttonMessage(replyButton("a", "A")), func(m *outMessage) { m.Interactive.Type = "carousel" }), 100, "interactive.type"},
		{"interactive action missing", with(buttonMessage(replyButton("a", "A")), func(m *outMessage) { m.Interactive.Action = nil }), 100, "interactive.action"},

		// Reply buttons.
		{"buttons three", buttonMessage(replyButton("a", "A"), replyButton("b", "B"), replyButton("c", "C")), 0, ""},
		{"buttons four", buttonMessage(replyButton("a", "A"), replyButton("b", "B"), replyButton("c", "C"), replyButton("d", "D")), 131009, "interactive.action.buttons"},
		{"buttons none", buttonMessage(), 100, "interactive.action.buttons"},
		{"button title at limit", buttonMessage(replyButton("a", chars(20))), 0, ""},
		{"button title over limit", buttonMessage(replyButton("a", chars(21))), 131009, "interactive.action.buttons[0].reply.title"},
		{"button title empty", buttonMessage(replyButton("a", "")), 100, "interactive.action.buttons[0].reply.title"},
		{"button id at limit", buttonMessage(replyButton(chars(256), "A")), 0, ""},
		{"button id over limit", buttonMessage(replyButton(chars(257), "A")), 131009, "interactive.action.buttons[0].reply.id"},
		{"button ids duplicate", buttonMessage(replyButton("a", "A"), replyButton("a", "B")), 131009, "interactive.action.buttons[1].reply.id"},
		{"button type not reply", buttonMessage(outButton{Type: "url", Reply: &outReply{ID: "a", Title: "A"}}), 100, "interactive.action.buttons[0].type"},

		// Lists.
		{"list ok", listMessage("Choose", section("", "r", 3)), 0, ""},
		{"list label at limit", listMessage(chars(20), section("", "r", 1)), 0, ""},
		{"list label over limit", listMessage(chars(21), section("", "r", 1)), 131009, "interactive.action.button"},
		{"list label empty", listMessage("", section("", "r", 1)), 100, "interactive.action.button"},
		{"list rows 10 in total", listMessage("Go", section("A", "a", 6), section("B", "b", 4)), 0, ""},
		{"list rows 11 in total", listMessage("Go", section("A", "a", 6), section("B", "b", 5)), 131009, "interactive.action.sections"},
		{"list sections none", listMessage("Go"), 100, "interactive.action.sections"},
		{"list sections 11", listMessage("Go", section("1", "a", 1), section("2", "b", 1), section("3", "c", 1), section("4", "d", 1), section("5", "e", 1), section("6", "f", 1), section("7", "g", 1), section("8", "h", 1), section("9", "i", 1), section("10", "j", 1), section("11", "k", 1)), 131009, "interactive.action.sections"},
		{"list section title needed", listMessage("Go", section("A", "a", 1), section("", "b", 1)), 100, "interactive.action.sections[1].title"},
		{"list section title at limit", listMessage("Go", section(chars(24), "a", 1)), 0, ""},
		{"list section title over limit", listMessage("Go", section(chars(25), "a", 1)), 131009, "interactive.action.sections[0].title"},
		{"list section without rows", listMessage("Go", section("A", "a", 1), section("B", "b", 0)), 100, "interactive.action.sections[1].rows"},
		{"row title at limit", listMessage("Go", rowSection(outRow{ID: "r", Title: chars(24)})), 0, ""},
		{"row title over limit", listMessage("Go", rowSection(outRow{ID: "r", Title: chars(25)})), 131009, "interactive.action.sections[0].rows[0].title"},
		{"row title empty", listMessage("Go", rowSection(outRow{ID: "r"})), 100, "interactive.action.sections[0].rows[0].title"},
		{"row description at limit", listMessage("Go", rowSection(outRow{ID: "r", Title: "T", Description: chars(72)})), 0, ""},
		{"row description over limit", listMessage("Go", rowSection(outRow{ID: "r", Title: "T", Description: chars(73)})), 131009, "interactive.action.sections[0].rows[0].description"},
		{"row id at limit", listMessage("Go", rowSection(outRow{ID: chars(200), Title: "T"})), 0, ""},
		{"row id over limit", listMessage("Go", rowSection(outRow{ID: chars(201), Title: "T"})), 131009, "interactive.action.sections[0].rows[0].id"},
		{"row ids duplicate across sections", listMessage("Go", section("A", "x", 2), section("B", "x", 1)), 131009, "interactive.action.sections[1].rows[0].id"},

		// Flows.
		{"flow ok", flowMessage("Become a member"), 0, ""},
		{"flow cta at limit", flowMessage(strings.Repeat("a", 20)), 0, ""},
		{"flow cta over limit", flowMessage(" " + strings.Repeat("a", 20)), 131009, "interactive.action.parameters.flow_cta"},
		{"flow cta emoji", flowMessage("Join ✅"), 131009, "interactive.action.parameters.flow_cta"},
		{"flow cta emoji astral", flowMessage("Join 🚀"), 131009, "interactive.action.parameters.flow_cta"},
		{"flow cta empty", flowMessage(""), 100, "interactive.action.parameters.flow_cta"},
		{"flow version wrong", with(flowMessage("Go"), func(m *outMessage) { m.Interactive.Action.Parameters.FlowMessageVersion = "2" }), 100, "interactive.action.parameters.flow_message_version"},
		{"flow id missing", with(flowMessage("Go"), func(m *outMessage) { m.Interactive.Action.Parameters.FlowID = "" }), 100, "interactive.action.parameters.flow_id"},
		{"flow name instead of id", with(flowMessage("Go"), func(m *outMessage) {
			m.Interactive.Action.Parameters.FlowID, m.Interactive.Action.Parameters.FlowName = "", "signup"
		}), 0, ""},
		{"flow action name wrong", with(flowMessage("Go"), func(m *outMessage) { m.Interactive.Action.Name = "cta_url" }), 100, "interactive.action.name"},
		{"flow screen missing", with(flowMessage("Go"), func(m *outMessage) { m.Interactive.Action.Parameters.FlowActionPayload = nil }), 100, "interactive.action.parameters.flow_action_payload.screen"},
		{"flow data empty object", with(flowMessage("Go"), func(m *outMessage) {
			m.Interactive.Action.Parameters.FlowActionPayload.Data = json.RawMessage(`{}`)
		}), 131009, "interactive.action.parameters.flow_action_payload.data"},
		{"flow data object", with(flowMessage("Go"), func(m *outMessage) {
			m.Interactive.Action.Parameters.FlowActionPayload.Data = json.RawMessage(`{"a":1}`)
		}), 0, ""},
		{"flow data_exchange", with(flowMessage("Go"), func(m *outMessage) {
			m.Interactive.Action.Parameters.FlowAction, m.Interactive.Action.Parameters.FlowActionPayload = "data_exchange", nil
		}), 0, ""},

		// Templates.
		{"template ok", templateMessage("incoming_notification", "en_US", "Alice Example", "Bob offered 2.00 USD"), 0, ""},
		{"template unknown", templateMessage("hello_world", "en_US", "a", "b"), 132001, "template.name"},
		{"template language unknown", templateMessage("incoming_notification", "fr", "a", "b"), 132001, "template.language.code"},
		{"template name missing", templateMessage("", "en_US", "a", "b"), 100, "template.name"},
		{"template one parameter", templateMessage("incoming_notification", "en_US", "a"), 132000, "template.components"},
		{"template three parameters", templateMessage("incoming_notification", "en_US", "a", "b", "c"), 132000, "template.components"},
		{"template parameter new line", templateMessage("incoming_notification", "en_US", "a", "b\nc"), 100, "template.components[0].parameters[1].text"},
		{"template parameter tab", templateMessage("incoming_notification", "en_US", "a\tb", "c"), 100, "template.components[0].parameters[0].text"},
		{"template parameter four spaces", templateMessage("incoming_notification", "en_US", "a    b", "c"), 0, ""},
		{"template parameter five spaces", templateMessage("incoming_notification", "en_US", "a     b", "c"), 100, "template.components[0].parameters[0].text"},
		{"template header component", with(templateMessage("incoming_notification", "en_US", "a", "b"), func(m *outMessage) {
			m.Template.Components = append(m.Template.Components, outComponent{Type: "header"})
		}), 132000, "template.components[1].type"},

		// Read receipts.
		{"read receipt", &outMessage{MessagingProduct: "whatsapp", Status: "read", MessageID: "wamid.X"}, 0, ""},
		{"read receipt typing", &outMessage{MessagingProduct: "whatsapp", Status: "read", MessageID: "wamid.X", TypingIndicator: &typingIndicator{Type: "text"}}, 0, ""},
		{"read receipt typing audio", &outMessage{MessagingProduct: "whatsapp", Status: "read", MessageID: "wamid.X", TypingIndicator: &typingIndicator{Type: "audio"}}, 100, "typing_indicator.type"},
		{"read receipt without id", &outMessage{MessagingProduct: "whatsapp", Status: "read"}, 100, "message_id"},
		{"status delivered", &outMessage{MessagingProduct: "whatsapp", Status: "delivered", MessageID: "wamid.X"}, 100, "status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := validateMessage(tt.msg)
			if tt.wantCode == 0 {
				if v != nil {
					t.Fatalf("validateMessage = %d %q, want accepted", v.code, v.details())
				}
				return
			}
			if v == nil {
				t.Fatalf("validateMessage accepted, want %d on %s", tt.wantCode, tt.wantField)
			}
			if v.code != tt.wantCode {
				t.Errorf("code = %d, want %d (%s)", v.code, tt.wantCode, v.details())
			}
			if v.field != tt.wantField {
				t.Errorf("field = %q, want %q", v.field, tt.wantField)
			}
			if !strings.HasPrefix(v.details(), tt.wantField+": ") {
				t.Errorf("details = %q, want it to start with the field", v.details())
			}
		})
	}
}
