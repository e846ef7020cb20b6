package transport

import (
	"bytes"
	"iter"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonReader reads one JSON value in a single pass for the fast decoding
// paths, decodeWebhookFast and decodeCredexFast. Each fast path reads the
// shapes it expects straight into its own types and leaves every other body
// to a reference decoder built on encoding/json. So the reader accepts only
// text that encoding/json accepts too: it may be stricter, never more
// lenient, and any doubt makes it fail.
//
// Failure is sticky: after the first problem every method returns zero
// values and every loop ends, so a caller reads straight through and checks
// ok once at the end. Callers also call fail for valid JSON that they leave
// to the reference decoder.
type jsonReader struct {
	data   []byte
	pos    int
	failed bool
	depth  int // objects and arrays open

	// keys holds the keys that nextKey has read in each open object,
	// outermost first, to catch a repeated key. An array rather than a slice
	// keeps the reader off the heap.
	keys  [maxJSONKeys][]byte
	nkeys int
}

// jsonReader fails beyond these bounds. The bodies that the fast paths read
// nest about ten levels deep, with about 25 keys in the objects open at the
// deepest point. The depth bound also keeps the reader far below the 10000
// levels that encoding/json accepts (maxNestingDepth in its scanner.go).
const (
	maxJSONDepth = 32
	maxJSONKeys  = 64
)

func (r *jsonReader) ok() bool { return !r.failed }

func (r *jsonReader) fail() { r.failed = true }

// peek skips white space and returns the next byte, or 0 at the end of the
// data or after a failure.
func (r *jsonReader) peek() byte {
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

func (r *jsonReader) isObject() bool { return r.peek() == '{' }

func (r *jsonReader) isArray() bool { return r.peek() == '[' }

// atEnd reports whether the reader has not failed and only white space
// follows what it has read.
func (r *jsonReader) atEnd() bool {
	r.peek()
	return !r.failed && r.pos == len(r.data)
}

// expect consumes c, after any white space, or fails.
func (r *jsonReader) expect(c byte) {
	if r.peek() != c {
		r.fail()
		return
	}
	r.pos++
}

// null consumes a null when it is the next value.
func (r *jsonReader) null() bool {
	if r.peek() == 'n' && bytes.HasPrefix(r.data[r.pos:], []byte("null")) {
		r.pos += len("null")
		return true
	}
	return false
}

// object reads an object and yields each key, leaving the reader at the
// key's value, which the loop body must read or skip. Anything but an
// object fails the reader, and so does breaking out of the loop, which
// leaves the reader inside the object.
//
// Keys are yielded as read, without decoding, so a key with an escape or a
// byte outside ASCII fails the reader. So does a key that repeats an earlier
// key of the object, even in another ASCII case. encoding/json keeps only
// the last value of a repeated key in a map, and decodes keys that differ
// only in case into the same struct field, while a caller would read each
// key in turn. For a caller that compares keys exactly, as a map lookup
// does, the case rule is stricter than it needs to be.
func (r *jsonReader) object() iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		if !r.enter('{') {
			return
		}
		first := r.nkeys
		for n := 0; ; n++ {
			key, ok := r.nextKey(first, n)
			if !ok {
				return
			}
			if !yield(key) {
				r.fail()
				return
			}
		}
	}
}

// nextKey moves to the next key of the innermost object, after the n read
// so far, and reads it with its colon. It returns false at the end of the
// object, which it consumes, and after a failure. first is the index in keys
// of the object's first key. object and webhookScanner.fields loop over it.
func (r *jsonReader) nextKey(first, n int) (key []byte, ok bool) {
	c := r.peek()
	if c == '}' {
		r.pos++
		r.depth--
		r.nkeys = first
		return nil, false
	}
	if n > 0 {
		if c != ',' {
			r.fail()
			return nil, false
		}
		r.pos++
	}

	key, plain := r.stringToken()
	if !plain || r.nkeys == maxJSONKeys {
		r.fail()
		return nil, false
	}
	for _, earlier := range r.keys[first:r.nkeys] {
		if equalFoldASCII(earlier, key) {
			r.fail()
			return nil, false
		}
	}
	if r.peek() != ':' {
		r.fail()
		return nil, false
	}
	r.pos++
	r.keys[r.nkeys] = key
	r.nkeys++
	return key, true
}

// array reads an array and yields once for each element, leaving the
// reader at the element, which the loop body must read or skip. Anything
// but an array fails the reader, and so does breaking out of the loop.
func (r *jsonReader) array() func(yield func() bool) {
	return func(yield func() bool) {
		if !r.enter('[') {
			return
		}
		for n := 0; r.more(']', n); n++ {
			if !yield() {
				r.fail()
				return
			}
		}
	}
}

// enter consumes open, the first byte of an object or an array.
func (r *jsonReader) enter(open byte) bool {
	if r.peek() != open || r.depth == maxJSONDepth {
		r.fail()
		return false
	}
	r.pos++
	r.depth++
	return true
}

// more reports whether the innermost open object or array has another
// member after the n read so far, and consumes the comma before it. At the
// end it consumes closing, the last byte of the object or array. It runs
// once per element, and its cost of 80 just fits the inlining budget of the
// Go 1.26 compiler.
func (r *jsonReader) more(closing byte, n int) bool {
	c := r.peek()
	switch {
	case c == closing:
		r.depth--
	case n == 0:
		return !r.failed
	case c != ',':
		r.fail()
		return false
	}
	r.pos++
	return c != closing
}

// skip reads past the next value and checks its syntax. The keys of objects
// in the value are neither checked nor kept, because no caller reads them.
func (r *jsonReader) skip() {
	switch c := r.peek(); {
	case c == '{':
		r.skipContainer('{', '}')
	case c == '[':
		r.skipContainer('[', ']')
	case c == '"':
		r.stringToken()
	case c == '-' || isDigit(c):
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

func (r *jsonReader) skipContainer(open, closing byte) {
	r.enter(open)
	for n := 0; r.more(closing, n); n++ {
		if open == '{' {
			r.stringToken()
			r.expect(':')
		}
		r.skip()
	}
}

func (r *jsonReader) literal(word string) {
	if !bytes.HasPrefix(r.data[r.pos:], []byte(word)) {
		r.fail()
		return
	}
	r.pos += len(word)
}

// stringValue reads a string and returns it decoded as encoding/json
// decodes it. Anything but a string fails the reader.
func (r *jsonReader) stringValue() string {
	raw, plain := r.stringToken()
	if r.failed {
		return ""
	}
	if plain || (bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw)) {
		return string(raw)
	}
	return unescapeJSON(raw)
}

// stringToken reads a string and returns the bytes between its quotes.
// plain reports that they contain neither an escape nor a byte outside
// ASCII, so that they are the decoded string. A control character or an
// escape that JSON does not define fails the reader. Other bytes, invalid
// UTF-8 included, pass, as in encoding/json.
func (r *jsonReader) stringToken() (raw []byte, plain bool) {
	if r.peek() != '"' {
		r.fail()
		return nil, false
	}
	start := r.pos + 1
	plain = true
	for i := start; i < len(r.data); i++ {
		c := r.data[i]
		if plainStringByte[c] {
			continue
		}
		switch {
		case c == '"':
			r.pos = i + 1
			return r.data[start:i], plain
		case c == '\\':
			plain = false
			n := escapeLength(r.data[i:])
			if n == 0 {
				r.fail()
				return nil, false
			}
			i += n - 1
		case c < 0x20:
			r.fail()
			return nil, false
		default: // a byte outside ASCII
			plain = false
		}
	}
	r.fail() // unterminated string
	return nil, false
}

// plainStringByte marks the ASCII bytes that a JSON string may contain
// unescaped, other than the quote and the backslash, so that stringToken
// passes over them with one lookup.
var plainStringByte = func() (table [256]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		table[c] = c != '"' && c != '\\'
	}
	return table
}()

// escapeLength returns the length of the escape sequence at the start of
// text, or 0 when JSON does not define it.
func escapeLength(text []byte) int {
	if len(text) < 2 {
		return 0
	}
	switch text[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2
	case 'u':
		if len(text) < 6 {
			return 0
		}
		for _, c := range text[2:6] {
			if !isDigit(c) && (c|0x20 < 'a' || c|0x20 > 'f') {
				return 0
			}
		}
		return 6
	}
	return 0
}

// unescapeJSON decodes the content of a string that stringToken accepted,
// as encoding/json does: an invalid UTF-8 byte and an escaped surrogate
// that is not part of a valid pair each become U+FFFD.
func unescapeJSON(text []byte) string {
	var b strings.Builder
	b.Grow(len(text))
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '\\' && text[i+1] == 'u':
			r := hexRune(text[i+2 : i+6])
			i += len(`\uXXXX`)
			if utf16.IsSurrogate(r) {
				low := rune(-1)
				if i+1 < len(text) && text[i] == '\\' && text[i+1] == 'u' {
					low = hexRune(text[i+2 : i+6])
				}
				r = utf16.DecodeRune(r, low)
				if r != utf8.RuneError {
					i += len(`\uXXXX`)
				}
			}
			b.WriteRune(r)
		case c == '\\':
			b.WriteByte(unescapedByte[text[i+1]])
			i += 2
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			i++
		default:
			r, size := utf8.DecodeRune(text[i:])
			b.WriteRune(r)
			i += size
		}
	}
	return b.String()
}

// unescapedByte maps the letter of each one-letter escape to its byte.
var unescapedByte = [256]byte{
	'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t',
}

// hexRune returns the value of four hexadecimal digits, which escapeLength
// has checked.
func hexRune(digits []byte) rune {
	var r rune
	for _, c := range digits {
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// numberToken reads a number in JSON's grammar and returns its text:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (r *jsonReader) numberToken() []byte {
	if r.peek() == 0 {
		r.fail()
		return nil
	}
	start := r.pos
	r.nextByte('-')
	if !r.nextByte('0') && r.digits() == 0 {
		r.fail()
		return nil
	}
	if r.nextByte('.') && r.digits() == 0 {
		r.fail()
		return nil
	}
	if r.nextByte('e') || r.nextByte('E') {
		if !r.nextByte('+') {
			r.nextByte('-')
		}
		if r.digits() == 0 {
			r.fail()
			return nil
		}
	}
	return r.data[start:r.pos]
}

// nextByte consumes c when it is the very next byte, without skipping white
// space.
func (r *jsonReader) nextByte(c byte) bool {
	if r.pos < len(r.data) && r.data[r.pos] == c {
		r.pos++
		return true
	}
	return false
}

// digits consumes a run of decimal digits and returns its length.
func (r *jsonReader) digits() int {
	start := r.pos
	for r.pos < len(r.data) && isDigit(r.data[r.pos]) {
		r.pos++
	}
	return r.pos - start
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// equalFoldASCII reports whether a and b are equal when ASCII letters are
// compared ignoring case.
func equalFoldASCII[A, B ~string | ~[]byte](a A, b B) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
