package vimbiso

import (
	"unicode/utf16"
	"unicode/utf8"
)

// Limits of the WhatsApp Cloud API. Meta refuses a whole message when one
// value passes its limit (error 100 or 131009), so the builders below cut
// every value to fit. Lengths are counted in UTF-16 code units, which is
// never less than the character count, so a value within the limit is safe
// however Meta counts.
const (
	MaxTextBody        = 4096
	MaxInteractiveBody = 1024
	MaxButtons         = 3
	MaxButtonTitle     = 20
	MaxListButton      = 20
	MaxListRows        = 10
	MaxRowTitle        = 24
	MaxRowDescription  = 72
	MaxSectionTitle    = 24
	MaxID              = 200
)

// ReplyKind is the shape of an outbound WhatsApp message.
type ReplyKind string

const (
	ReplyText     ReplyKind = "text"
	ReplyButtons  ReplyKind = "buttons"
	ReplyList     ReplyKind = "list"
	ReplyTemplate ReplyKind = "template"
)

// Reply is one outbound message, already within Meta's limits when it was
// made by Text, Buttons, List or Template.
type Reply struct {
	Kind       ReplyKind
	Body       string
	Buttons    []Button  // ReplyButtons
	ListButton string    // ReplyList: the label of the button that opens the list
	Sections   []Section // ReplyList
	Template   *Template // ReplyTemplate
}

// Button is a reply button.
type Button struct {
	ID    string
	Title string
}

// Row is a list row.
type Row struct {
	ID          string
	Title       string
	Description string
}

// Section groups list rows. Title may be empty when a list has one section.
type Section struct {
	Title string
	Rows  []Row
}

// Template is an approved template message with body parameters.
type Template struct {
	Name     string
	Language string
	Params   []string
}

// Interactive reports whether the reply carries buttons or rows that the
// user can tap.
func (r Reply) Interactive() bool {
	return r.Kind == ReplyButtons || r.Kind == ReplyList
}

// Text builds a text message.
func Text(body string) Reply {
	return Reply{Kind: ReplyText, Body: Truncate(body, MaxTextBody)}
}

// Buttons builds a reply-button message; buttons past the third are dropped.
func Buttons(body string, buttons ...Button) Reply {
	if len(buttons) > MaxButtons {
		buttons = buttons[:MaxButtons]
	}
	fitted := make([]Button, len(buttons))
	for i, b := range buttons {
		fitted[i] = Button{ID: Truncate(b.ID, MaxID), Title: Truncate(b.Title, MaxButtonTitle)}
	}
	return Reply{Kind: ReplyButtons, Body: Truncate(body, MaxInteractiveBody), Buttons: fitted}
}

// List builds a list message with one untitled section; rows past the tenth
// are dropped.
func List(body, button string, rows ...Row) Reply {
	if len(rows) > MaxListRows {
		rows = rows[:MaxListRows]
	}
	fitted := make([]Row, len(rows))
	for i, r := range rows {
		fitted[i] = Row{
			ID:          Truncate(r.ID, MaxID),
			Title:       Truncate(r.Title, MaxRowTitle),
			Description: Truncate(r.Description, MaxRowDescription),
		}
	}
	return Reply{
		Kind:       ReplyList,
		Body:       Truncate(body, MaxInteractiveBody),
		ListButton: Truncate(button, MaxListButton),
		Sections:   []Section{{Rows: fitted}},
	}
}

// NewTemplate builds a template message. WhatsApp refuses parameters with
// new lines, tabs or more than four spaces in a row, so those are replaced
// by single spaces.
func NewTemplate(name, language string, params ...string) Reply {
	clean := make([]string, len(params))
	for i, p := range params {
		clean[i] = flattenParam(p)
	}
	return Reply{Kind: ReplyTemplate, Template: &Template{Name: name, Language: language, Params: clean}}
}

// ChoiceIDs returns the ids the user can tap in r.
func (r Reply) ChoiceIDs() []string {
	var ids []string
	for _, b := range r.Buttons {
		ids = append(ids, b.ID)
	}
	for _, s := range r.Sections {
		for _, row := range s.Rows {
			ids = append(ids, row.ID)
		}
	}
	return ids
}

// Length returns the length of s in UTF-16 code units.
func Length(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// Truncate cuts s to at most max UTF-16 code units, on a character
// boundary, ending it with "…" when anything was cut.
func Truncate(s string, max int) string {
	if Length(s) <= max {
		return s
	}
	budget := max - 1 // room for the ellipsis
	n := 0
	for i, r := range s {
		n += utf16.RuneLen(r)
		if n > budget {
			return s[:i] + "…"
		}
	}
	return s
}

func flattenParam(p string) string {
	out := make([]byte, 0, len(p))
	spaces := 0
	for len(p) > 0 {
		r, size := utf8.DecodeRuneInString(p)
		p = p[size:]
		if r == '\n' || r == '\t' || r == '\r' || r == ' ' {
			spaces++
			if spaces > 1 {
				continue
			}
			out = append(out, ' ')
			continue
		}
		spaces = 0
		out = utf8.AppendRune(out, r)
	}
	return string(out)
}
