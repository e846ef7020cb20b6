package transport

import "encoding/json"

// credexReader reads a response body for decodeCredexFast. It reads values
// as the generic path's helpers (stringAt, boolAt, numberAt) read them from
// the decoded map, and its callers compare keys exactly, as map lookups do.
// Like json.Decoder.Decode, the fast path stops after the first value and
// ignores what follows.
type credexReader struct{ jsonReader }

// text reads a value as stringAt does: a string, or a number as its JSON
// text. Any other value is skipped and reads as "".
func (r *credexReader) text() string {
	switch c := r.peek(); {
	case c == '"':
		return r.stringValue()
	case c == '-' || isDigit(c):
		return string(r.numberToken())
	}
	r.skip()
	return ""
}

// boolean reads a value as boolAt does: ok is false for a value that is not
// true or false.
func (r *credexReader) boolean() (value, ok bool) {
	switch r.peek() {
	case 't':
		r.literal("true")
		return true, true
	case 'f':
		r.literal("false")
		return false, true
	}
	r.skip()
	return false, false
}

// number reads a value for numberAt and intAt: a json.Number, a string, or
// nil for a value they do not read as a number. An object (a Neo4j integer)
// fails the reader and is left to the generic path.
func (r *credexReader) number() any {
	switch c := r.peek(); {
	case c == '"':
		return r.stringValue()
	case c == '-' || isDigit(c):
		return json.Number(r.numberToken())
	case c == '{':
		r.fail()
		return nil
	}
	r.skip()
	return nil
}
