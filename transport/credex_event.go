package transport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/vimbisopay/vimbiso"
)

// DefaultReplayWindow is how far a CredEx event's metadata.timestamp may be
// from our clock, in either direction, before the event is rejected.
const DefaultReplayWindow = 5 * time.Minute

// maxPhoneDigits is the longest phone number E.164 allows.
const maxPhoneDigits = 15

// processedMessages are the "message" of the 200 response, by event type.
// Its keys are the event types DecodeCredExEvent accepts.
var processedMessages = map[vimbiso.EventKind]string{
	vimbiso.EventOfferUpdate:   "Offer update processed",
	vimbiso.EventMemberUpdate:  "Member update processed",
	vimbiso.EventCompanyUpdate: "Company update processed",
}

// CredExEvent is a validated CredEx callback. Which fields are set depends
// on Type. Phone numbers are digits only.
type CredExEvent struct {
	WebhookID string
	Type      vimbiso.EventKind
	Timestamp time.Time // UTC

	// offer_update
	OfferID, CompanyID, Status, Denomination string
	Amount                                   float64
	Expiry                                   time.Time // UTC
	Secured                                  bool
	IssuerAccountID, IssuerAccountName       string
	ReceiverAccountID, ReceiverAccountName   string
	// Notify lists whom to tell. It is empty when CredEx sent only the
	// original fields, and then the bot sends no message.
	Notify []NotifyTarget

	// member_update (Status, UpdatedFields and CompanyID are shared)
	MemberID      string
	MemberTier    int // 0 when absent
	UpdatedFields []string
	Phone         string

	// company_update
	Name, OwnerPhone string
}

// NotifyTarget is one member to tell about an offer update.
type NotifyTarget struct {
	Phone      string
	MemberName string // may be empty
	Role       string // receiver or issuer
}

// CallbackError is a CredEx callback or notification request that fails
// validation. Summary is the public "error" text of the 400 response, and
// Field the JSON path of the offending value ("payload.amount", or "body" for a
// body that is not a JSON object). Neither contains a phone number.
type CallbackError struct {
	Field   string
	Summary string
}

func (e *CallbackError) Error() string {
	return "invalid callback: " + e.Field + ": " + e.Summary
}

// LogValue leaves out phone numbers and personal names.
func (ev CredExEvent) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("webhook_id", ev.WebhookID),
		slog.String("event_type", string(ev.Type)),
	}
	switch ev.Type {
	case vimbiso.EventOfferUpdate:
		attrs = append(attrs, slog.String("offer_id", ev.OfferID), slog.String("status", ev.Status),
			slog.Int("notify", len(ev.Notify)))
	case vimbiso.EventMemberUpdate:
		attrs = append(attrs, slog.String("member_id", ev.MemberID), slog.String("status", ev.Status))
	case vimbiso.EventCompanyUpdate:
		attrs = append(attrs, slog.String("company_id", ev.CompanyID), slog.String("status", ev.Status))
	}
	return slog.GroupValue(attrs...)
}

// LogValue masks the phone number and leaves out the name.
func (t NotifyTarget) LogValue() slog.Value {
	return slog.GroupValue(slog.String("phone", vimbiso.MaskPhone(t.Phone)), slog.String("role", t.Role))
}

// DecodeCredExEvent validates the body of a POST /credex/webhook whose API
// key and signature were already checked. It checks, in this order:
//   - the body is a JSON object;
//   - metadata.timestamp (ISO 8601) is within window of now, either way;
//   - metadata.event_type is offer_update, member_update or company_update;
//   - metadata.webhook_id and the payload fields of that type are present
//     and well formed.
//
// A window of 0 or less means DefaultReplayWindow. The first failure is
// returned as a *CallbackError.
func DecodeCredExEvent(body []byte, now time.Time, window time.Duration) (CredExEvent, error) {
	if window <= 0 {
		window = DefaultReplayWindow
	}
	root, err := decodeJSONObject(body)
	if err != nil {
		return CredExEvent{}, err
	}
	meta, err := section(root, "metadata")
	if err != nil {
		return CredExEvent{}, err
	}

	m := &fieldReader{obj: meta, scope: "metadata", part: "metadata"}
	ev := CredExEvent{Timestamp: checkTimestamp(m, now, window)}
	ev.Type = checkEventType(m)
	m.require("webhook_id")
	ev.WebhookID = m.text("webhook_id")
	if m.err != nil {
		return CredExEvent{}, m.err
	}

	payload, err := section(root, "payload")
	if err != nil {
		return CredExEvent{}, err
	}
	p := &fieldReader{obj: payload, scope: "payload", part: strings.TrimSuffix(string(ev.Type), "_update")}
	switch ev.Type {
	case vimbiso.EventOfferUpdate:
		readOffer(p, &ev)
	case vimbiso.EventMemberUpdate:
		readMember(p, &ev)
	case vimbiso.EventCompanyUpdate:
		readCompany(p, &ev)
	}
	if p.err != nil {
		return CredExEvent{}, p.err
	}
	return ev, nil
}

// checkTimestamp reads metadata.timestamp and rejects one outside the
// replay window.
func checkTimestamp(m *fieldReader, now time.Time, window time.Duration) time.Time {
	m.require("timestamp")
	ts := m.time("timestamp")
	if m.err != nil {
		return time.Time{}
	}
	if d := ts.Sub(now); d > window || d < -window {
		m.reject("timestamp", fmt.Sprintf("Webhook timestamp is more than %v away from the server time", window))
	}
	return ts
}

// checkEventType reads metadata.event_type and rejects an unknown one.
func checkEventType(m *fieldReader) vimbiso.EventKind {
	m.require("event_type")
	kind := vimbiso.EventKind(m.text("event_type"))
	if m.err != nil {
		return ""
	}
	if _, known := processedMessages[kind]; !known {
		m.reject("event_type", "Unsupported webhook type: "+truncateForError(string(kind)))
	}
	return kind
}

func readOffer(p *fieldReader, ev *CredExEvent) {
	p.require("offer_id", "company_id", "status", "amount", "denomination", "expiry")
	ev.OfferID = p.text("offer_id")
	ev.CompanyID = p.text("company_id")
	// NOTE: status may be any non-blank string, not only the five documented
	// ones, so that a status CredEx adds later is stored instead of rejected.
	// The consumer must skip values it does not know.
	ev.Status = p.text("status")
	ev.Amount = p.number("amount")
	ev.Denomination = p.text("denomination")
	ev.Expiry = p.time("expiry")
	ev.Secured = p.flag("secured")
	ev.IssuerAccountID = p.text("issuer_account_id")
	ev.IssuerAccountName = p.text("issuer_account_name")
	ev.ReceiverAccountID = p.text("receiver_account_id")
	ev.ReceiverAccountName = p.text("receiver_account_name")
	ev.Notify = readNotifyTargets(p)
}

// readNotifyTargets reads payload.notify: a list of objects, each with a
// phone and a role. An absent or null list is an empty one.
func readNotifyTargets(p *fieldReader) []NotifyTarget {
	entries := p.objects("notify")
	if p.err != nil {
		return nil
	}
	var targets []NotifyTarget
	for i, entry := range entries {
		e := &fieldReader{obj: entry, scope: p.scope, part: p.part, at: fmt.Sprintf("notify[%d].", i)}
		e.require("phone", "role")
		t := NotifyTarget{Phone: e.phone("phone"), MemberName: e.text("member_name"), Role: e.text("role")}
		if e.err == nil && t.Role != "receiver" && t.Role != "issuer" {
			e.fail("role", "expected receiver or issuer")
		}
		if e.err != nil {
			p.err = e.err
			return nil
		}
		targets = append(targets, t)
	}
	return targets
}

func readMember(p *fieldReader, ev *CredExEvent) {
	p.require("member_id", "status", "updated_fields")
	ev.MemberID = p.text("member_id")
	ev.Status = p.text("status")
	ev.UpdatedFields = p.list("updated_fields")
	ev.CompanyID = p.text("company_id")
	ev.Phone = p.phone("phone")
	ev.MemberTier = p.integer("member_tier")
}

func readCompany(p *fieldReader, ev *CredExEvent) {
	p.require("company_id", "name", "status", "updated_fields")
	ev.CompanyID = p.text("company_id")
	ev.Name = p.text("name")
	ev.Status = p.text("status")
	ev.UpdatedFields = p.list("updated_fields")
	ev.OwnerPhone = p.phone("owner_phone")
}

// checkJSONObject rejects a body that is not one JSON object.
func checkJSONObject(body []byte) error {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' || !json.Valid(body) {
		return &CallbackError{Field: "body", Summary: "Request body is not a JSON object"}
	}
	return nil
}

// decodeJSONObject decodes a body that must be one JSON object, keeping
// numbers as json.Number so that none loses precision.
func decodeJSONObject(body []byte) (jsonObject, error) {
	if err := checkJSONObject(body); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var obj jsonObject
	if err := dec.Decode(&obj); err != nil {
		return nil, &CallbackError{Field: "body", Summary: "Request body is not a JSON object"}
	}
	return obj, nil
}

// section returns root[key] as an object. An absent or null section is an
// empty object, so that its fields are reported missing one by one.
func section(root jsonObject, key string) (jsonObject, error) {
	switch v := root[key].(type) {
	case nil:
		return jsonObject{}, nil
	case jsonObject:
		return v, nil
	}
	return nil, &CallbackError{Field: key, Summary: "Invalid " + key + ": expected an object"}
}

// fieldReader reads the fields of one JSON object and keeps the first
// validation failure in err, so that a decoder can read every field and
// check err once. A failure's Field is scope.at+key, and its Summary names
// at+key and the part ("offer", "metadata").
type fieldReader struct {
	obj   jsonObject
	scope string // "metadata" or "payload"
	at    string // "" or the path of a nested object inside scope, such as "notify[0]."
	part  string
	err   error
}

// fail records that key is invalid, with reason saying what was expected.
func (r *fieldReader) fail(key, reason string) {
	r.reject(key, fmt.Sprintf("Invalid %s field %s%s: %s", r.part, r.at, key, reason))
}

// reject records a failure of key with summary as the public text.
func (r *fieldReader) reject(key, summary string) {
	if r.err == nil {
		r.err = &CallbackError{Field: r.scope + "." + r.at + key, Summary: summary}
	}
}

// require fails when any of keys is absent, null or a blank string, naming
// them all in the summary and the first in Field.
func (r *fieldReader) require(keys ...string) {
	if r.err != nil {
		return
	}
	var missing []string
	for _, k := range keys {
		if isMissing(r.obj[k]) {
			missing = append(missing, r.at+k)
		}
	}
	if len(missing) > 0 {
		r.err = &CallbackError{
			Field:   r.scope + "." + missing[0],
			Summary: fmt.Sprintf("Missing required %s fields: %s", r.part, strings.Join(missing, ", ")),
		}
	}
}

// text reads a string. An absent or null field is "".
func (r *fieldReader) text(key string) string {
	switch v := r.obj[key].(type) {
	case nil:
		return ""
	case string:
		return v
	}
	r.fail(key, "expected a string")
	return ""
}

// number reads a JSON number or a numeric string, which must be finite.
func (r *fieldReader) number(key string) float64 {
	var text string
	switch v := r.obj[key].(type) {
	case nil:
		return 0
	case json.Number:
		text = v.String()
	case string:
		text = strings.TrimSpace(v)
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		r.fail(key, "expected a number")
		return 0
	}
	return f
}

// integer reads a whole number in the int32 range, given as a JSON number or
// a numeric string.
func (r *fieldReader) integer(key string) int {
	f := r.number(key)
	if r.err == nil && (f != math.Trunc(f) || f > math.MaxInt32 || f < math.MinInt32) {
		r.fail(key, "expected a whole number")
		return 0
	}
	return int(f)
}

func (r *fieldReader) flag(key string) bool {
	switch v := r.obj[key].(type) {
	case nil:
		return false
	case bool:
		return v
	}
	r.fail(key, "expected true or false")
	return false
}

// time reads an ISO 8601 time.
func (r *fieldReader) time(key string) time.Time {
	text := r.text(key)
	if text == "" {
		return time.Time{}
	}
	t, ok := parseISO8601(text)
	if !ok {
		r.fail(key, "expected an ISO 8601 time such as 2025-01-14T10:00:00Z")
	}
	return t
}

// phone reads a phone number of digits only, at most maxPhoneDigits long.
func (r *fieldReader) phone(key string) string {
	text := r.text(key)
	if text != "" && !isPhoneNumber(text) {
		r.fail(key, fmt.Sprintf("expected digits only, at most %d", maxPhoneDigits))
		return ""
	}
	return text
}

// list reads a list of strings. An absent or null field is nil.
func (r *fieldReader) list(key string) []string {
	items, isList := r.obj[key].([]any)
	if r.obj[key] != nil && !isList {
		r.fail(key, "expected a list")
	}
	var out []string
	for _, item := range items {
		s, ok := item.(string)
		if !ok {
			r.fail(key, "expected a list of strings")
			return nil
		}
		out = append(out, s)
	}
	return out
}

// objects reads a list of objects. An absent or null field is nil.
func (r *fieldReader) objects(key string) []jsonObject {
	items, isList := r.obj[key].([]any)
	if r.obj[key] != nil && !isList {
		r.fail(key, "expected a list")
	}
	var out []jsonObject
	for _, item := range items {
		o, ok := item.(jsonObject)
		if !ok {
			r.fail(key, "expected a list of objects")
			return nil
		}
		out = append(out, o)
	}
	return out
}

// iso8601Layouts are the ISO 8601 forms accepted, tried in order.
// NOTE: a time without a zone offset is taken as UTC. CredEx documents no
// rule for it, and its examples end in "Z".
var iso8601Layouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02",
}

// parseISO8601 parses s with the first layout of iso8601Layouts that fits,
// and returns the time in UTC.
func parseISO8601(s string) (time.Time, bool) {
	for _, layout := range iso8601Layouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// isMissing reports whether a required value is absent, null or a blank
// string.
func isMissing(v any) bool {
	s, isString := v.(string)
	return v == nil || isString && strings.TrimSpace(s) == ""
}

func isPhoneNumber(s string) bool {
	if s == "" || len(s) > maxPhoneDigits {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
