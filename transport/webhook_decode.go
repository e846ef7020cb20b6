package transport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vimbisopay/vimbiso"
)

// DecodeWebhook decodes a Cloud API webhook body: every entry, every change
// and every message, status and error in it. served lists the
// phone_number_ids of the business numbers this service serves; a change
// for any other number, or with a field other than "messages", is only
// counted in Skipped. now becomes each input's ReceivedAt.
//
// Messages become inputs: text (body trimmed), choice (button_reply.id,
// list_reply.id or a template button's payload), form (the object decoded
// from nfm_reply.response_json), ignored (reactions, system notices and
// messages written in a group) and unsupported (everything else, including
// a form whose response_json is not a JSON object). Each message is matched
// to its contact by wa_id, or by user_id for a user without a phone number.
//
// A body that is not JSON, not a whatsapp_business_account object, or that
// lacks a field every message needs (id, sender, timestamp, metadata) returns
// a *DecodeError naming the field, and no Delivery.
//
// Two decoders do the work. decodeWebhookFast reads the body once and covers
// the bodies Meta sends. It passes anything it cannot decode exactly as the
// precise path would to decodeWebhookPrecise, which decodes level by level so
// that every error names its field. The precise path defines the behaviour,
// and the fast path must return the same Delivery for every body it accepts.
func DecodeWebhook(body []byte, served []string, now time.Time) (Delivery, error) {
	if d, ok := decodeWebhookFast(body, served, now); ok {
		return d, nil
	}
	return decodeWebhookPrecise(body, served, now)
}

// decodeWebhookPrecise decodes the body one level at a time, each child from
// its own json.RawMessage, so that a failure is reported with its path.
func decodeWebhookPrecise(body []byte, served []string, now time.Time) (Delivery, error) {
	var wb wireBody
	if err := unmarshalAt("body", body, &wb); err != nil {
		return Delivery{}, err
	}
	if wb.Object == nil {
		return Delivery{}, &DecodeError{Field: "object", Reason: "missing"}
	}
	if *wb.Object != "whatsapp_business_account" {
		return Delivery{}, &DecodeError{Field: "object", Reason: fmt.Sprintf("expected whatsapp_business_account, got %q", *wb.Object)}
	}
	if wb.Entry == nil {
		return Delivery{}, &DecodeError{Field: "entry", Reason: "missing"}
	}
	var entries []json.RawMessage
	if err := unmarshalAt("entry", *wb.Entry, &entries); err != nil {
		return Delivery{}, err
	}

	var d Delivery
	for i, raw := range entries {
		if err := d.addEntry(fmt.Sprintf("entry[%d]", i), raw, served, now); err != nil {
			return Delivery{}, err
		}
	}
	return d, nil
}

func (d *Delivery) addEntry(path string, raw json.RawMessage, served []string, now time.Time) error {
	var e wireEntry
	if err := unmarshalAt(path, raw, &e); err != nil {
		return err
	}
	if e.Changes == nil {
		return &DecodeError{Field: path + ".changes", Reason: "missing"}
	}
	var changes []json.RawMessage
	if err := unmarshalAt(path+".changes", *e.Changes, &changes); err != nil {
		return err
	}

	for j, rawChange := range changes {
		changePath := fmt.Sprintf("%s.changes[%d]", path, j)
		var c wireChange
		if err := unmarshalAt(changePath, rawChange, &c); err != nil {
			return err
		}
		if c.Field != "messages" {
			d.Skipped++
			continue
		}
		if err := d.addValue(changePath+".value", c.Value, served, now); err != nil {
			return err
		}
	}
	return nil
}

func (d *Delivery) addValue(path string, raw json.RawMessage, served []string, now time.Time) error {
	if len(raw) == 0 {
		return &DecodeError{Field: path, Reason: "missing"}
	}
	var v wireValue
	if err := unmarshalAt(path, raw, &v); err != nil {
		return err
	}
	if v.Metadata == nil || v.Metadata.PhoneNumberID == "" {
		return &DecodeError{Field: path + ".metadata.phone_number_id", Reason: "missing"}
	}
	phoneNumberID := v.Metadata.PhoneNumberID
	if !slices.Contains(served, phoneNumberID) {
		d.Skipped++
		return nil
	}

	for _, e := range v.Errors {
		d.Errors = append(d.Errors, e.item())
	}
	for k, rawMsg := range v.Messages {
		in, errs, err := decodeMessage(fmt.Sprintf("%s.messages[%d]", path, k), rawMsg, phoneNumberID, v.Contacts, now)
		if err != nil {
			return err
		}
		d.Messages = append(d.Messages, in)
		d.Errors = append(d.Errors, errs...)
	}
	for k, rawStatus := range v.Statuses {
		s, err := decodeStatus(fmt.Sprintf("%s.statuses[%d]", path, k), rawStatus, phoneNumberID)
		if err != nil {
			return err
		}
		d.Statuses = append(d.Statuses, s)
	}
	return nil
}

// decodeMessage turns one message object into an Inbound and the errors
// Meta attached to it.
func decodeMessage(path string, raw json.RawMessage, phoneNumberID string, contacts []wireContact, now time.Time) (Inbound, []GraphErrorItem, error) {
	var m wireMessage
	if err := unmarshalAt(path, raw, &m); err != nil {
		return Inbound{}, nil, err
	}
	return inboundFromWire(path, &m, phoneNumberID, contacts, now)
}

// inboundFromWire checks a decoded message and builds its Inbound. Both
// decoders call it, so they validate and classify messages alike.
func inboundFromWire(path string, m *wireMessage, phoneNumberID string, contacts []wireContact, now time.Time) (Inbound, []GraphErrorItem, error) {
	if m.ID == "" {
		return Inbound{}, nil, &DecodeError{Field: path + ".id", Reason: "missing"}
	}
	if m.From == "" && m.FromUserID == "" {
		return Inbound{}, nil, &DecodeError{Field: path + ".from", Reason: "missing, and no from_user_id either"}
	}
	sentAt, err := parseTimestamp(path+".timestamp", m.Timestamp, true)
	if err != nil {
		return Inbound{}, nil, err
	}

	contact := findContact(contacts, m.From, m.FromUserID)
	in := classify(m)
	in.MessageID = m.ID
	in.Type = m.Type
	in.SentAt = sentAt
	in.ReceivedAt = now
	in.BSUID = m.FromUserID
	if in.BSUID == "" {
		in.BSUID = contact.UserID
	}
	if m.Context != nil {
		in.ContextID = m.Context.ID
	}

	var errs []GraphErrorItem
	for _, e := range m.Errors {
		errs = append(errs, e.item())
	}
	inbound := Inbound{
		User:  vimbiso.User{PhoneNumberID: phoneNumberID, WaID: m.From},
		Input: in,
		Name:  contact.Profile.Name,
	}
	return inbound, errs, nil
}

// classify sets the kind of an input and the value that goes with it.
func classify(m *wireMessage) vimbiso.Input {
	if m.GroupID != "" {
		// A message written in a group we belong to is recorded and never replied to.
		return vimbiso.Input{Kind: vimbiso.InputIgnored}
	}
	switch m.Type {
	case "text":
		body := ""
		if m.Text != nil {
			body = strings.TrimSpace(m.Text.Body)
		}
		return vimbiso.Input{Kind: vimbiso.InputText, Text: body}
	case "interactive":
		return classifyInteractive(m.Interactive)
	case "button":
		if m.Button != nil && m.Button.Payload != "" {
			return vimbiso.Input{Kind: vimbiso.InputChoice, ChoiceID: m.Button.Payload}
		}
	case "reaction", "system":
		return vimbiso.Input{Kind: vimbiso.InputIgnored}
	}
	return vimbiso.Input{Kind: vimbiso.InputUnsupported}
}

func classifyInteractive(it *wireInteractive) vimbiso.Input {
	unsupported := vimbiso.Input{Kind: vimbiso.InputUnsupported}
	if it == nil {
		return unsupported
	}
	choice := ""
	switch {
	case it.Type == "button_reply" && it.ButtonReply != nil:
		choice = it.ButtonReply.ID
	case it.Type == "list_reply" && it.ListReply != nil:
		choice = it.ListReply.ID
	case it.Type == "nfm_reply" && it.NfmReply != nil:
		form, ok := decodeForm(it.NfmReply.ResponseJSON)
		if !ok {
			return unsupported
		}
		return vimbiso.Input{Kind: vimbiso.InputForm, Form: form}
	}
	if choice == "" {
		return unsupported
	}
	return vimbiso.Input{Kind: vimbiso.InputChoice, ChoiceID: choice}
}

// decodeForm decodes nfm_reply.response_json, a string that contains a JSON
// object. An object sent directly instead of as a string is accepted too.
// String values are kept as they are. Any other value is kept as its
// compact JSON text (a number as "3", a list as "[...]"), and null as "".
func decodeForm(raw json.RawMessage) (map[string]string, bool) {
	var text string
	if err := json.Unmarshal(raw, &text); err == nil {
		raw = json.RawMessage(text)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return nil, false
	}

	form := make(map[string]string, len(fields))
	for name, value := range fields {
		var s string
		switch {
		case json.Unmarshal(value, &s) == nil:
			form[name] = s
		case string(value) == "null":
			form[name] = ""
		default:
			var compact bytes.Buffer
			if json.Compact(&compact, value) != nil {
				return nil, false
			}
			form[name] = compact.String()
		}
	}
	return form, true
}

func decodeStatus(path string, raw json.RawMessage, phoneNumberID string) (Status, error) {
	var ws wireStatus
	if err := unmarshalAt(path, raw, &ws); err != nil {
		return Status{}, err
	}
	return statusFromWire(path, &ws, phoneNumberID)
}

// statusFromWire checks a decoded status and builds its Status. Both decoders
// call it.
func statusFromWire(path string, ws *wireStatus, phoneNumberID string) (Status, error) {
	at, err := parseTimestamp(path+".timestamp", ws.Timestamp, false)
	if err != nil {
		return Status{}, err
	}

	s := Status{
		PhoneNumberID:   phoneNumberID,
		ID:              ws.ID,
		Status:          ws.Status,
		RecipientID:     ws.RecipientID,
		RecipientUserID: ws.RecipientUserID,
		Timestamp:       at,
	}
	for _, e := range ws.Errors {
		s.Errors = append(s.Errors, e.item())
	}
	return s, nil
}

// findContact returns the contact whose wa_id is waID, else the one whose
// user_id is userID, else an empty contact.
func findContact(contacts []wireContact, waID, userID string) wireContact {
	for _, c := range contacts {
		if waID != "" && c.WaID == waID {
			return c
		}
	}
	for _, c := range contacts {
		if userID != "" && c.UserID == userID {
			return c
		}
	}
	return wireContact{}
}

// parseTimestamp reads Meta's timestamp: Unix seconds as a string ("1736848800"),
// or as a number. An absent timestamp is an error only when required.
func parseTimestamp(path string, raw json.RawMessage, required bool) (time.Time, error) {
	if len(raw) == 0 || string(raw) == "null" {
		if required {
			return time.Time{}, &DecodeError{Field: path, Reason: "missing"}
		}
		return time.Time{}, nil
	}
	if secs, ok := plainUnixSeconds(raw); ok {
		return time.Unix(secs, 0).UTC(), nil
	}
	text := string(raw)
	var s string
	if json.Unmarshal(raw, &s) == nil {
		text = s
	}
	secs, err := strconv.ParseInt(text, 10, 64)
	if err != nil || secs < 0 || secs > maxUnixSeconds {
		return time.Time{}, &DecodeError{Field: path, Reason: "expected Unix seconds up to the year 9999, got " + strconv.Quote(truncateForError(text))}
	}
	return time.Unix(secs, 0).UTC(), nil
}

// maxUnixSeconds is the last second of the year 9999. time.Time cannot
// encode a later time as JSON, so the inbox could never store the input.
// Rejecting it here gives Meta a 400 instead of a 503 that it retries.
const maxUnixSeconds = 253402300799

// plainUnixSeconds reads the common forms of a timestamp, digits with or
// without quotes, without a general JSON decode. It declines more than 18
// digits, which could overflow int64, and times after maxUnixSeconds.
func plainUnixSeconds(raw []byte) (int64, bool) {
	digits := raw
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		digits = raw[1 : len(raw)-1]
	}
	if len(digits) == 0 || len(digits) > 18 {
		return 0, false
	}
	var secs int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		secs = secs*10 + int64(c-'0')
	}
	return secs, secs <= maxUnixSeconds
}

func (e wireError) item() GraphErrorItem {
	return GraphErrorItem{Code: e.Code, Title: e.Title, Message: e.Message, Details: e.ErrorData.Details}
}
