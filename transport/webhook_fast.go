package transport

import (
	"reflect"
	"slices"
	"strings"
	"time"
)

// decodeWebhookFast is DecodeWebhook's fast path. The precise path decodes
// the body level by level through json.RawMessage, so it scans the same bytes
// five times or more. This one reads the body once, straight into the wire
// types, and builds the Delivery with the same helpers.
//
// It returns ok == false, and DecodeWebhook falls back to the precise path,
// for every body it cannot decode exactly as the precise path would: invalid
// JSON, a value of an unexpected type, an escaped, non-ASCII or repeated key
// in a decoded object, a missing field and any other body the precise path
// rejects. It does not say why, because the precise path reports the error.
func decodeWebhookFast(body []byte, served []string, now time.Time) (d Delivery, ok bool) {
	s := webhookScanner{jsonReader{data: body}}
	var b fastBody
	s.body(&b)
	if !s.atEnd() || b.Object != "whatsapp_business_account" || b.Entry == nil {
		return Delivery{}, false
	}

	for _, e := range b.Entry {
		if e.Changes == nil {
			return Delivery{}, false
		}
		for _, c := range e.Changes {
			if c.Field != "messages" {
				d.Skipped++
				continue
			}
			if !d.addFastValue(c.Value, served, now) {
				return Delivery{}, false
			}
		}
	}
	return d, true
}

// addFastValue adds what one decoded change value carries, in the order
// addValue uses, and reports false where addValue returns an error.
func (d *Delivery) addFastValue(v *fastValue, served []string, now time.Time) bool {
	// v is nil for an absent or a null value, and the precise path rejects
	// both.
	if v == nil || v.Metadata == nil || v.Metadata.PhoneNumberID == "" {
		return false
	}
	phoneNumberID := v.Metadata.PhoneNumberID
	if !slices.Contains(served, phoneNumberID) {
		d.Skipped++
		return true
	}

	for _, e := range v.Errors {
		d.Errors = append(d.Errors, e.item())
	}
	for i := range v.Messages {
		in, errs, err := inboundFromWire("", &v.Messages[i], phoneNumberID, v.Contacts, now)
		if err != nil {
			return false
		}
		d.Messages = append(d.Messages, in)
		d.Errors = append(d.Errors, errs...)
	}
	for i := range v.Statuses {
		st, err := statusFromWire("", &v.Statuses[i], phoneNumberID)
		if err != nil {
			return false
		}
		d.Statuses = append(d.Statuses, st)
	}
	return true
}

// Typed counterparts of wireBody, wireEntry, wireChange and wireValue, whose
// children the precise path keeps raw. A nil slice or pointer means the key
// was absent or null.
type (
	fastBody struct {
		Object string
		Entry  []fastEntry
	}
	fastEntry struct {
		Changes []fastChange
	}
	fastChange struct {
		Field string
		Value *fastValue
	}
	fastValue struct {
		Metadata *wireMetadata
		Contacts []wireContact
		Messages []wireMessage
		Statuses []wireStatus
		Errors   []wireError
	}
)

// The JSON names of each wire type's fields, read from its struct tags so
// that both paths match the same keys to the same fields.
var (
	bodyFields        = wireJSONNames[wireBody]()
	entryFields       = wireJSONNames[wireEntry]()
	changeFields      = wireJSONNames[wireChange]()
	valueFields       = wireJSONNames[wireValue]()
	metadataFields    = wireJSONNames[wireMetadata]()
	contactFields     = wireJSONNames[wireContact]()
	profileFields     = wireJSONNames[wireProfile]()
	messageFields     = wireJSONNames[wireMessage]()
	contextFields     = wireJSONNames[wireContext]()
	textFields        = wireJSONNames[wireText]()
	buttonFields      = wireJSONNames[wireButton]()
	interactiveFields = wireJSONNames[wireInteractive]()
	replyFields       = wireJSONNames[wireReply]()
	nfmReplyFields    = wireJSONNames[wireNfmReply]()
	statusFields      = wireJSONNames[wireStatus]()
	errorFields       = wireJSONNames[wireError]()
	errorDataFields   = wireJSONNames[wireErrorData]()
)

// wireJSONNames returns the JSON name in the tag of each field of T, in
// field order. Every field of a wire type has a lower-case name in its tag.
func wireJSONNames[T any]() []string {
	t := reflect.TypeFor[T]()
	names := make([]string, t.NumField())
	for i := range names {
		names[i], _, _ = strings.Cut(t.Field(i).Tag.Get("json"), ",")
	}
	return names
}

// The readers below fill one wire type each, and every case names a field of
// the type's name list. Only a field that has a tag but no case reaches the
// default case, which sends the body to the precise path.

func (s *webhookScanner) body(b *fastBody) {
	for name := range s.fields(bodyFields) {
		switch name {
		case "object":
			s.readString(&b.Object)
		case "entry":
			b.Entry = readWebhookArray(s, s.entry)
		default:
			s.fail()
		}
	}
}

func (s *webhookScanner) entry(e *fastEntry) {
	for name := range s.fields(entryFields) {
		switch name {
		case "changes":
			e.Changes = readWebhookArray(s, s.change)
		default:
			s.fail()
		}
	}
}

// change reads the value whatever the field is, because the field may come
// after it. A value that fails to decode sends the body to the precise
// path even where that path would skip the change.
func (s *webhookScanner) change(c *fastChange) {
	for name := range s.fields(changeFields) {
		switch name {
		case "field":
			s.readString(&c.Field)
		case "value":
			c.Value = readWebhookPointer(s, s.value)
		default:
			s.fail()
		}
	}
}

func (s *webhookScanner) value(v *fastValue) {
	for name := range s.fields(valueFields) {
		switch name {
		case "metadata":
			v.Metadata = readWebhookPointer(s, s.metadata)
		case "contacts":
			v.Contacts = readWebhookArray(s, s.contact)
		case "messages":
			v.Messages = readWebhookArray(s, s.message)
		case "statuses":
			v.Statuses = readWebhookArray(s, s.status)
		case "errors":
			v.Errors = readWebhookArray(s, s.graphError)
		default:
			s.fail()
		}
	}
}

func (s *webhookScanner) metadata(m *wireMetadata) {
	for name := range s.fields(metadataFields) {
		switch name {
		case "phone_number_id":
			s.readString(&m.PhoneNumberID)
		default:
			s.fail()
		}
	}
}

func (s *webhookScanner) contact(c *wireContact) {
	for name := range s.fields(contactFields) {
		switch name {
		case "profile":
			s.profile(&c.Profile)
		case "wa_id":
			s.readString(&c.WaID)
		case "user_id":
			s.readString(&c.UserID)
		default:
			s.fail()
		}
	}
}

func (s *webhookScanner) profile(p *wireProfile) {
	for name := range s.fields(profileFields) {
		switch name {
		case "name":
			s.readString(&p.Name)
		default:
			s.fail()
		}
	}
}

func (s *webhookScanner) message(m *wireMessage) {
	for name := range s.fields(messageFields) {
		switch name {
		case "from":
			s.readString(&m.From)
		case "from_user_id":
			s.readString(&m.FromUserID)
		case "group_id":
			s.readString(&m.GroupID)
		case "id":
			s.readString(&m.ID)
		case "timestamp":
			s.readRaw(&m.Timestamp)
		case "type":
			s.readString(&m.Type)
		case "context":
			m.Context = readWebhookPointer(s, s.context)
		case "text":
			m.Text = readWebhookPointer(s, s.text)
		case "interactive":
			m.Interactive = readWebhookPointer(s, s.interactive)
		case "button":
			m.Button = readWebhookPointer(s, s.button)
		case "errors":
			m.Errors = readWebhookArray(s, s.graphError)
		default:
			s.fail()
		}
	}
}

func (s *webhookScanner) context(c *wireContext) {
	for name := range s.fields(contextFields) {
		switch name {
		case "id":
			s.readString(&c.ID)
		default:
			s.fail()
		}
	}
}

func (s *webhookScanner) text(t *wireText) {
	for name := range s.fields(textFields) {
		switch name {
		case "body":
			s.readString(&t.Body)
		default:
			s.fail()
		}
	}
}

func (s *webhookScanner) button(b *wireButton) {
	for name := range s.fields(buttonFields) {
		switch name {
		case "payload":
			s.readString(&b.Payload)
		default:
			s.fail()
		}
	}
}

func (s *webhookScanner) interactive(it *wireInteractive) {
	for name := range s.fields(interactiveFields) {
		switch name {
		case "type":
			s.readString(&it.Type)
		case "button_reply":
			it.ButtonReply = readWebhookPointer(s, s.reply)
		case "list_reply":
			it.ListReply = readWebhookPointer(s, s.reply)
		case "nfm_reply":
			it.NfmReply = readWebhookPointer(s, s.nfmReply)
		default:
			s.fail()
		}
	}
}

func (s *webhookScanner) reply(r *wireReply) {
	for name := range s.fields(replyFields) {
		switch name {
		case "id":
			s.readString(&r.ID)
		default:
			s.fail()
		}
	}
}

func (s *webhookScanner) nfmReply(r *wireNfmReply) {
	for name := range s.fields(nfmReplyFields) {
		switch name {
		case "response_json":
			s.readRaw(&r.ResponseJSON)
		default:
			s.fail()
		}
	}
}

func (s *webhookScanner) status(st *wireStatus) {
	for name := range s.fields(statusFields) {
		switch name {
		case "id":
			s.readString(&st.ID)
		case "status":
			s.readString(&st.Status)
		case "timestamp":
			s.readRaw(&st.Timestamp)
		case "recipient_id":
			s.readString(&st.RecipientID)
		case "recipient_user_id":
			s.readString(&st.RecipientUserID)
		case "errors":
			st.Errors = readWebhookArray(s, s.graphError)
		default:
			s.fail()
		}
	}
}

func (s *webhookScanner) graphError(e *wireError) {
	for name := range s.fields(errorFields) {
		switch name {
		case "code":
			s.readInt(&e.Code)
		case "title":
			s.readString(&e.Title)
		case "message":
			s.readString(&e.Message)
		case "error_data":
			s.errorData(&e.ErrorData)
		default:
			s.fail()
		}
	}
}

func (s *webhookScanner) errorData(ed *wireErrorData) {
	for name := range s.fields(errorDataFields) {
		switch name {
		case "details":
			s.readString(&ed.Details)
		default:
			s.fail()
		}
	}
}
