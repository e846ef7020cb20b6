package mockwhatsapp

import (
	"encoding/json"
	"fmt"
	"unicode"
)

// validateInteractive checks a reply-button, list or Flow message.
func validateInteractive(in *outInteractive) *violation {
	if in == nil {
		return missing("interactive")
	}
	switch in.Type {
	case "button", "list", "flow":
	case "":
		return missing("interactive.type")
	default:
		return unsupported("interactive.type", in.Type, "button, list or flow")
	}

	if in.Body == nil {
		return missing("interactive.body.text")
	}
	if v := checkLength("interactive.body.text", in.Body.Text, maxInteractiveBody, true); v != nil {
		return v
	}
	if in.Header != nil {
		// NOTE: Meta also allows image, video and document headers on
		// button messages; the bot sends none, so the mock rejects them.
		if in.Header.Type != "text" {
			return unsupported("interactive.header.type", in.Header.Type, `"text"`)
		}
		if v := checkLength("interactive.header.text", in.Header.Text, maxHeaderText, true); v != nil {
			return v
		}
	}
	if in.Footer != nil {
		if v := checkLength("interactive.footer.text", in.Footer.Text, maxFooterText, true); v != nil {
			return v
		}
	}

	if in.Action == nil {
		return missing("interactive.action")
	}
	switch in.Type {
	case "button":
		return validateButtons(in.Action.Buttons)
	case "list":
		return validateList(in.Action)
	default:
		return validateFlow(in.Action)
	}
}

// validateButtons checks 1 to 3 reply buttons with unique ids.
func validateButtons(buttons []outButton) *violation {
	const field = "interactive.action.buttons"
	if len(buttons) == 0 {
		return missing(field)
	}
	if len(buttons) > maxButtons {
		return invalid(field, "%d buttons, maximum %d", len(buttons), maxButtons)
	}

	seen := make(map[string]bool, len(buttons))
	for i, b := range buttons {
		at := fmt.Sprintf("%s[%d]", field, i)
		if b.Type != "reply" {
			return unsupported(at+".type", b.Type, `"reply"`)
		}
		if b.Reply == nil {
			return missing(at + ".reply")
		}
		if v := checkLength(at+".reply.id", b.Reply.ID, maxButtonID, true); v != nil {
			return v
		}
		if v := checkLength(at+".reply.title", b.Reply.Title, maxButtonTitle, true); v != nil {
			return v
		}
		if seen[b.Reply.ID] {
			return invalid(at+".reply.id", "duplicate id %q", b.Reply.ID)
		}
		seen[b.Reply.ID] = true
	}
	return nil
}

// validateList checks the list button label, 1 to 10 sections, their titles
// and at most 10 rows in total with unique ids.
func validateList(a *outAction) *violation {
	if a.Button == nil {
		return missing("interactive.action.button")
	}
	if v := checkLength("interactive.action.button", *a.Button, maxListButton, true); v != nil {
		return v
	}

	const field = "interactive.action.sections"
	if len(a.Sections) == 0 {
		return missing(field)
	}
	if len(a.Sections) > maxSections {
		return invalid(field, "%d sections, maximum %d", len(a.Sections), maxSections)
	}
	total := 0
	for _, s := range a.Sections {
		total += len(s.Rows)
	}
	if total > maxRows {
		return invalid(field, "%d rows in total, maximum %d", total, maxRows)
	}

	seen := make(map[string]bool, total)
	for i, s := range a.Sections {
		at := fmt.Sprintf("%s[%d]", field, i)
		// Every section needs a title once there are several.
		if v := checkLength(at+".title", s.Title, maxSectionTitle, len(a.Sections) > 1); v != nil {
			return v
		}
		if len(s.Rows) == 0 {
			return missing(at + ".rows")
		}
		for j, r := range s.Rows {
			if v := validateRow(fmt.Sprintf("%s.rows[%d]", at, j), r, seen); v != nil {
				return v
			}
		}
	}
	return nil
}

// validateRow checks one list row and adds its id to seen.
func validateRow(at string, r outRow, seen map[string]bool) *violation {
	if v := checkLength(at+".id", r.ID, maxRowID, true); v != nil {
		return v
	}
	if v := checkLength(at+".title", r.Title, maxRowTitle, true); v != nil {
		return v
	}
	if v := checkLength(at+".description", r.Description, maxRowDescription, false); v != nil {
		return v
	}
	if seen[r.ID] {
		return invalid(at+".id", "duplicate id %q", r.ID)
	}
	seen[r.ID] = true
	return nil
}

// validateFlow checks the parameters of a Flow message (version 3).
func validateFlow(a *outAction) *violation {
	if a.Name == "" {
		return missing("interactive.action.name")
	}
	if a.Name != "flow" {
		return unsupported("interactive.action.name", a.Name, `"flow"`)
	}
	const field = "interactive.action.parameters"
	p := a.Parameters
	if p == nil {
		return missing(field)
	}
	if p.FlowMessageVersion == "" {
		return missing(field + ".flow_message_version")
	}
	if p.FlowMessageVersion != "3" {
		return unsupported(field+".flow_message_version", p.FlowMessageVersion, `"3"`)
	}
	if p.FlowID == "" && p.FlowName == "" {
		return missing(field + ".flow_id")
	}
	if v := checkLength(field+".flow_cta", p.FlowCTA, maxFlowCTA, true); v != nil {
		return v
	}
	if hasEmoji(p.FlowCTA) {
		return invalid(field+".flow_cta", "must not contain emoji")
	}

	switch p.FlowAction {
	case "", "navigate":
		return validateFlowPayload(field+".flow_action_payload", p.FlowActionPayload)
	case "data_exchange":
		return nil
	default:
		return unsupported(field+".flow_action", p.FlowAction, "navigate or data_exchange")
	}
}

// validateFlowPayload checks the payload a "navigate" Flow needs: a screen,
// and data, when present, as a non-empty object.
func validateFlowPayload(field string, payload *flowActionPayload) *violation {
	if payload == nil || payload.Screen == "" {
		return missing(field + ".screen")
	}
	if len(payload.Data) == 0 || string(payload.Data) == "null" {
		return nil
	}
	var data map[string]json.RawMessage
	if err := json.Unmarshal(payload.Data, &data); err != nil || len(data) == 0 {
		return invalid(field+".data", "must be a non-empty object")
	}
	return nil
}

// hasEmoji reports whether s contains a pictograph, a variation selector, a
// zero-width joiner or a skin-tone modifier, the parts emoji are made of.
func hasEmoji(s string) bool {
	for _, r := range s {
		switch {
		case unicode.Is(unicode.So, r):
			return true
		case r == 0xFE0F || r == 0x200D:
			return true
		case r >= 0x1F3FB && r <= 0x1F3FF:
			return true
		}
	}
	return false
}
