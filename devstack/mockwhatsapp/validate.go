package mockwhatsapp

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits of the Cloud API that the mock enforces, in characters (runes).
const (
	maxTextBody        = 4096
	maxInteractiveBody = 1024
	maxHeaderText      = 60
	maxFooterText      = 60
	maxButtons         = 3
	maxButtonTitle     = 20
	maxButtonID        = 256
	maxListButton      = 20
	maxSections        = 10
	maxSectionTitle    = 24
	maxRows            = 10 // across all sections of one list
	maxRowTitle        = 24
	maxRowDescription  = 72
	maxRowID           = 200
	maxFlowCTA         = 20
)

// templateSpec describes an approved template: its language and the number
// of variables in its body.
type templateSpec struct {
	language       string
	bodyParameters int
}

// knownTemplates are the templates the mock treats as approved.
var knownTemplates = map[string]templateSpec{
	"incoming_notification": {language: "en_US", bodyParameters: 2},
}

// violation is a rule of the Cloud API that a send request breaks: the error
// code Meta returns, the JSON path of the offending field, and why.
type violation struct {
	code   int
	field  string
	reason string
}

// details is the error_data.details text: the field, then the reason.
func (v *violation) details() string {
	return v.field + ": " + v.reason
}

func missing(field string) *violation {
	return &violation{code: codeInvalidParameter, field: field, reason: "required parameter is missing"}
}

func unsupported(field, value string, allowed string) *violation {
	reason := fmt.Sprintf("%q is not supported, use %s", value, allowed)
	return &violation{code: codeInvalidParameter, field: field, reason: reason}
}

func invalid(field, format string, args ...any) *violation {
	return &violation{code: codeInvalidValue, field: field, reason: fmt.Sprintf(format, args...)}
}

// checkLength rejects value when it is longer than limit characters, or
// empty while required.
func checkLength(field, value string, limit int, required bool) *violation {
	n := utf8.RuneCountInString(value)
	if n == 0 && required {
		return missing(field)
	}
	if n > limit {
		return invalid(field, "%d characters, maximum %d", n, limit)
	}
	return nil
}

// validateMessage checks a send request against the Cloud API rules that
// need no state (the 24-hour window and rate limits are checked elsewhere).
// It returns nil when Meta would accept the request.
func validateMessage(m *outMessage) *violation {
	if m.MessagingProduct == "" {
		return missing("messaging_product")
	}
	if m.MessagingProduct != "whatsapp" {
		return unsupported("messaging_product", m.MessagingProduct, `"whatsapp"`)
	}
	if m.isReadReceipt() {
		return validateReadReceipt(m)
	}
	if m.recipient() == "" {
		return missing("to")
	}
	if m.RecipientType != "" && m.RecipientType != "individual" {
		return unsupported("recipient_type", m.RecipientType, `"individual"`)
	}

	switch messageType(m) {
	case "text":
		return validateText(m.Text)
	case "interactive":
		return validateInteractive(m.Interactive)
	case "template":
		return validateTemplate(m.Template)
	default:
		// TODO: accept media, location, contacts and reaction messages,
		// which Meta sends. The bot uses none, so the mock rejects them.
		return unsupported("type", m.Type, "text, interactive or template")
	}
}

// messageType returns the "type" of m, which defaults to "text" at Meta.
func messageType(m *outMessage) string {
	if m.Type == "" {
		return "text"
	}
	return m.Type
}

func validateReadReceipt(m *outMessage) *violation {
	if m.Status != "read" {
		return unsupported("status", m.Status, `"read"`)
	}
	if m.MessageID == "" {
		return missing("message_id")
	}
	if m.TypingIndicator != nil && m.TypingIndicator.Type != "text" {
		return unsupported("typing_indicator.type", m.TypingIndicator.Type, `"text"`)
	}
	return nil
}

func validateText(t *outText) *violation {
	if t == nil {
		return missing("text.body")
	}
	return checkLength("text.body", t.Body, maxTextBody, true)
}

// validateTemplate checks the name, language and body parameters against
// knownTemplates. Unknown templates get 132001 and a wrong parameter count
// 132000, as at Meta.
func validateTemplate(t *outTemplate) *violation {
	if t == nil || t.Name == "" {
		return missing("template.name")
	}
	spec, ok := knownTemplates[t.Name]
	if !ok {
		return &violation{code: codeTemplateMissing, field: "template.name", reason: fmt.Sprintf("template %q does not exist", t.Name)}
	}
	if t.Language == nil || t.Language.Code == "" {
		return missing("template.language.code")
	}
	if t.Language.Code != spec.language {
		reason := fmt.Sprintf("template %q has no translation %q", t.Name, t.Language.Code)
		return &violation{code: codeTemplateMissing, field: "template.language.code", reason: reason}
	}

	count := 0
	for i, c := range t.Components {
		if c.Type != "body" {
			reason := fmt.Sprintf("template %q has no %q component", t.Name, c.Type)
			return &violation{code: codeTemplateParams, field: fmt.Sprintf("template.components[%d].type", i), reason: reason}
		}
		for j, p := range c.Parameters {
			if v := validateTemplateParameter(fmt.Sprintf("template.components[%d].parameters[%d]", i, j), p); v != nil {
				return v
			}
			count++
		}
	}
	if count != spec.bodyParameters {
		reason := fmt.Sprintf("%d body parameters, template %q expects %d", count, t.Name, spec.bodyParameters)
		return &violation{code: codeTemplateParams, field: "template.components", reason: reason}
	}
	return nil
}

// validateTemplateParameter rejects parameter text that Meta rejects: empty,
// or containing a new line, a tab or more than four consecutive spaces.
func validateTemplateParameter(field string, p outParameter) *violation {
	if p.Type != "text" {
		return unsupported(field+".type", p.Type, `"text"`)
	}
	if p.Text == "" {
		return missing(field + ".text")
	}
	if strings.ContainsAny(p.Text, "\n\t") || strings.Contains(p.Text, "     ") {
		return &violation{
			code:   codeInvalidParameter,
			field:  field + ".text",
			reason: "parameter text must not contain new lines, tabs or more than 4 consecutive spaces",
		}
	}
	return nil
}
