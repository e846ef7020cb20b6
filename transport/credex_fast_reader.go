package transport

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// Bounds of what the fast path reads. A body beyond them is left to the
// generic path. CredEx's responses nest about seven objects and arrays deep,
// with about 25 keys in the objects open at the deepest point.
const (
	credexReaderMaxDepth = 32
	credexReaderMaxKeys  = 64
)

// credexReader reads one JSON object from a response body for the fast
// path. It is at least as strict as encoding/json's decoder, so that any
// body it reads also decodes on the generic path. Like json.Decoder.Decode,
// it stops after the first value and ignores what follows.
//
// Errors are sticky: after the first failure every method returns zero
// values and ok reports false, so a decoder reads straight through and
// checks once at the end. The decoders also call fail for JSON that is
// valid but that the fast path leaves to the generic path.
type credexReader struct {
	data   []byte
	pos    int
	failed bool

	// key is the key of the field that field last returned.
	key []byte
	// keys holds the keys read so far in every open object, outermost
	// first, to catch a repeated key. Arrays rather than slices keep the
	// reader off the heap.
	keys  [credexReaderMaxKeys][]byte
	nkeys int
	// open is the stack of objects and arrays being read.
	open  [credexReaderMaxDepth]credexContainer
	depth int
}

// credexContainer is an object or array that credexReader is inside.
type credexContainer struct {
	firstKey int // index in keys of this object's first key, or -1 for an array
	items    int // fields or elements read so far
}

func (r *credexReader) ok() bool { return !r.failed }

func (r *credexReader) fail() { r.failed = true }

// peek returns the next byte that is not JSON white space, or 0 at the end
// of the data or after a failure.
func (r *credexReader) peek() byte {
	if r.failed {
		return 0
	}
	for r.pos < len(r.data) {
		switch c := r.data[r.pos]; c {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return c
		}
	}
	return 0
}

func (r *credexReader) isObject() bool { return r.peek() == '{' }

func (r *credexReader) isArray() bool { return r.peek() == '[' }

// object starts reading an object. Call field until it returns false and
// read or skip each field's value in between.
func (r *credexReader) object() {
	r.enter('{', r.nkeys)
}

// array starts reading an array. Call item until it returns false and read
// or skip one value after each true.
func (r *credexReader) array() {
	r.enter('[', -1)
}

func (r *credexReader) enter(open byte, firstKey int) {
	if r.peek() != open || r.depth == credexReaderMaxDepth {
		r.fail()
		return
	}
	r.pos++
	r.open[r.depth] = credexContainer{firstKey: firstKey}
	r.depth++
}

// leave consumes the closing byte of the innermost container.
func (r *credexReader) leave() {
	r.pos++
	r.depth--
	if first := r.open[r.depth].firstKey; first >= 0 {
		r.nkeys = first
	}
}

// field moves to the next field of the innermost object and sets key. It
// returns false at the end of the object and after a failure.
//
// A key that repeats an earlier key of the same object fails the reader:
// a map keeps the last value of a repeated key and the fast path would read
// every one in turn. So does a key with an escape or a non-ASCII byte, which
// the fast path does not decode before comparing it.
func (r *credexReader) field() bool {
	if r.failed || r.depth == 0 {
		r.fail()
		return false
	}
	top := &r.open[r.depth-1]
	c := r.peek()
	if c == '}' {
		r.leave()
		return false
	}
	if top.items > 0 {
		if c != ',' {
			r.fail()
			return false
		}
		r.pos++
		c = r.peek()
	}

	if c != '"' {
		r.fail()
		return false
	}
	key, plain := r.stringToken()
	if !plain || r.nkeys == credexReaderMaxKeys {
		r.fail()
		return false
	}

	for _, earlier := range r.keys[top.firstKey:r.nkeys] {
		if bytes.Equal(earlier, key) {
			r.fail()
			return false
		}
	}

	if r.peek() != ':' {
		r.fail()
		return false
	}
	r.pos++
	r.keys[r.nkeys] = key
	r.nkeys++
	r.key = key
	top.items++
	return true
}

// item moves to the next element of the innermost array. It returns false
// at the end of the array and after a failure.
func (r *credexReader) item() bool {
	if r.failed || r.depth == 0 {
		r.fail()
		return false
	}
	top := &r.open[r.depth-1]
	c := r.peek()
	if c == ']' {
		r.leave()
		return false
	}
	if top.items > 0 {
		if c != ',' {
			r.fail()
			return false
		}
		r.pos++
	}
	top.items++
	return true
}

// skip reads past one value of any type, checking its syntax.
func (r *credexReader) skip() {
	switch c := r.peek(); {
	case c == '{':
		for r.object(); r.field(); {
			r.skip()
		}
	case c == '[':
		for r.array(); r.item(); {
			r.skip()
		}
	case c == '"':
		r.stringToken()
	case c == '-' || isCredexDigit(c):
		r.numberToken()
	case c == 't':
		r.literal("true")
	case c == 'f':
		r.literal("false")
	case c == 'n':
		r.literal("null")
	default:
		r.fail()
	}
}

// text reads a value as stringAt does: a string, or a number as its JSON
// text. Any other value is skipped and reads as "".
func (r *credexReader) text() string {
	switch c := r.peek(); {
	case c == '"':
		return r.str()
	case c == '-' || isCredexDigit(c):
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
		return r.str()
	case c == '-' || isCredexDigit(c):
		return json.Number(r.numberToken())
	case c == '{':
		r.fail()
		return nil
	}
	r.skip()
	return nil
}

// str reads a string and decodes it exactly as encoding/json does. Strings
// without escapes that are valid UTF-8 are copied. The others are handed to
// encoding/json, which replaces invalid bytes and lone surrogates.
func (r *credexReader) str() string {
	start := r.pos
	raw, plain := r.stringToken()
	if r.failed {
		return ""
	}
	if plain || (bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw)) {
		return string(raw)
	}
	var s string
	if json.Unmarshal(r.data[start:r.pos], &s) != nil {
		r.fail()
	}
	return s
}

// stringToken reads a string token and returns its bytes between the
// quotes. plain reports that it has neither escapes nor bytes outside
// ASCII, so those bytes are the decoded string.
func (r *credexReader) stringToken() (raw []byte, plain bool) {
	if r.peek() != '"' {
		r.fail()
		return nil, false
	}
	start := r.pos + 1
	plain = true
	for i := start; i < len(r.data); i++ {
		switch c := r.data[i]; {
		case c == '"':
			r.pos = i + 1
			return r.data[start:i], plain
		case c == '\\':
			plain = false
			n := r.escapeLength(i)
			if n == 0 {
				r.fail()
				return nil, false
			}
			i += n - 1
		case c < 0x20:
			r.fail() // JSON requires control characters to be escaped
			return nil, false
		case c >= utf8.RuneSelf:
			plain = false
		}
	}
	r.fail() // unterminated string
	return nil, false
}

// escapeLength returns the length of the escape sequence at data[i], or 0
// when it is not one that JSON allows.
func (r *credexReader) escapeLength(i int) int {
	if i+1 >= len(r.data) {
		return 0
	}
	switch r.data[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2
	case 'u':
		if i+6 > len(r.data) {
			return 0
		}
		for _, c := range r.data[i+2 : i+6] {
			if !isCredexDigit(c) && (c|0x20 < 'a' || c|0x20 > 'f') {
				return 0
			}
		}
		return 6
	}
	return 0
}

// numberToken reads a number token as the JSON grammar defines it:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (r *credexReader) numberToken() []byte {
	if r.peek() == 0 {
		r.fail()
		return nil
	}
	start, i := r.pos, r.pos
	digits := func() int {
		n := 0
		for i < len(r.data) && isCredexDigit(r.data[i]) {
			i++
			n++
		}
		return n
	}
	if r.data[i] == '-' {
		i++
	}
	switch {
	case i < len(r.data) && r.data[i] == '0':
		i++
	case digits() == 0:
		r.fail()
		return nil
	}
	if i < len(r.data) && r.data[i] == '.' {
		i++
		if digits() == 0 {
			r.fail()
			return nil
		}
	}
	if i < len(r.data) && (r.data[i] == 'e' || r.data[i] == 'E') {
		i++
		if i < len(r.data) && (r.data[i] == '+' || r.data[i] == '-') {
			i++
		}
		if digits() == 0 {
			r.fail()
			return nil
		}
	}
	r.pos = i
	return r.data[start:i]
}

func (r *credexReader) literal(word string) {
	if !bytes.HasPrefix(r.data[r.pos:], []byte(word)) {
		r.fail()
		return
	}
	r.pos += len(word)
}

func isCredexDigit(c byte) bool { return '0' <= c && c <= '9' }
