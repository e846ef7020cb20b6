package transport

import (
	"bytes"
	"encoding/json"
	"iter"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// webhookScanner reads one JSON document in a single pass for
// decodeWebhookFast. It checks syntax as it goes and accepts only text that
// encoding/json accepts too, so it may be stricter than encoding/json but
// never more lenient. Any doubt makes it fail. Failure is sticky: after the
// first problem every method returns zero values and loops end, and the
// caller leaves the body to the precise decoder.
//
// Objects are read through fields, which matches keys to the names of a wire
// type as encoding/json does for ASCII keys (exact first, then
// case-insensitively). A key with an escape or a non-ASCII byte, or a field
// given twice, makes it fail, because encoding/json would fold the key or
// merge the values.
type webhookScanner struct {
	data   []byte
	pos    int
	depth  int // containers skipContainer is inside
	failed bool
}

// maxWebhookSkipDepth bounds the nesting of skipped values. A body nested
// deeper goes to the precise decoder, so the scanner never accepts a body
// that encoding/json rejects for its nesting of more than 10000 levels.
const maxWebhookSkipDepth = 512

func (s *webhookScanner) fail() { s.failed = true }

func (s *webhookScanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// next consumes c, after any white space, when it is the next byte.
func (s *webhookScanner) next(c byte) bool {
	s.skipSpace()
	if s.failed || s.pos >= len(s.data) || s.data[s.pos] != c {
		return false
	}
	s.pos++
	return true
}

// expect consumes c, or fails.
func (s *webhookScanner) expect(c byte) bool {
	if !s.next(c) {
		s.fail()
		return false
	}
	return true
}

// atEnd reports whether the document was read without failure and only
// white space follows it.
func (s *webhookScanner) atEnd() bool {
	s.skipSpace()
	return !s.failed && s.pos == len(s.data)
}

// null consumes a null literal when it is the next value.
func (s *webhookScanner) null() bool {
	s.skipSpace()
	if s.failed || !bytes.HasPrefix(s.data[s.pos:], []byte("null")) {
		return false
	}
	s.pos += len("null")
	return true
}

// fields reads an object and yields the name of each field of names that
// appears in it, leaving the scanner at the field's value, which the loop
// body must read. Values of other keys are skipped. A null yields nothing,
// because encoding/json leaves a struct untouched for null.
func (s *webhookScanner) fields(names []string) iter.Seq[string] {
	return func(yield func(string) bool) {
		if s.null() || !s.expect('{') || s.next('}') {
			return
		}
		var seen uint64
		for !s.failed {
			i := s.key(names)
			switch {
			case s.failed:
				return
			case i < 0:
				s.skipValue()
			case seen&(1<<i) != 0:
				s.fail()
				return
			default:
				seen |= 1 << i
				if !yield(names[i]) {
					return
				}
			}
			if !s.next(',') {
				s.expect('}')
				return
			}
		}
	}
}

// key reads an object key and its colon, and returns the index of the
// matching name in names, or -1.
func (s *webhookScanner) key(names []string) int {
	token, escaped := s.stringToken()
	s.expect(':')
	if s.failed {
		return -1
	}
	key := token[1 : len(token)-1]
	if escaped {
		s.fail()
		return -1
	}
	for _, c := range key {
		if c >= utf8.RuneSelf {
			s.fail()
			return -1
		}
	}
	for i, name := range names {
		if webhookKeyMatches(key, name) {
			return i
		}
	}
	return -1
}

// webhookKeyMatches reports whether key equals name ignoring ASCII case. name
// must be lower case, as the wire types' JSON names are.
func webhookKeyMatches(key []byte, name string) bool {
	if len(key) != len(name) {
		return false
	}
	for i, c := range key {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != name[i] {
			return false
		}
	}
	return true
}

// readWebhookArray reads an array, each element with read, or a null as a nil
// slice. An empty array gives an empty, non-nil slice, as in encoding/json.
func readWebhookArray[T any](s *webhookScanner, read func(*webhookScanner, *T)) []T {
	if s.null() || !s.expect('[') {
		return nil
	}
	list := []T{}
	if s.next(']') {
		return list
	}
	for !s.failed {
		var elem T
		read(s, &elem)
		list = append(list, elem)
		if !s.next(',') {
			s.expect(']')
			break
		}
	}
	return list
}

// readWebhookPointer reads an object into a new T with read, or a null as nil.
func readWebhookPointer[T any](s *webhookScanner, read func(*webhookScanner, *T)) *T {
	if s.null() {
		return nil
	}
	v := new(T)
	read(s, v)
	return v
}

// readString reads a string into dst. A null leaves dst as it is, like
// encoding/json. Any other value fails.
func (s *webhookScanner) readString(dst *string) {
	if s.null() {
		return
	}
	token, escaped := s.stringToken()
	if s.failed {
		return
	}
	text := token[1 : len(token)-1]
	if escaped || !utf8.Valid(text) {
		*dst = unescapeWebhookString(text)
		return
	}
	*dst = string(text)
}

// unescapeWebhookString decodes the content of a string that stringToken
// accepted, as encoding/json does: an invalid UTF-8 byte and an escaped
// surrogate that is not part of a valid pair each become U+FFFD.
func unescapeWebhookString(text []byte) string {
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

// hexRune returns the value of four hexadecimal digits, which skipEscape
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

// readInt reads an integer into dst. A null leaves dst as it is. A fraction,
// an exponent or a value out of range fails, as in encoding/json.
func (s *webhookScanner) readInt(dst *int) {
	if s.null() {
		return
	}
	token := s.numberToken()
	if s.failed {
		return
	}
	n, err := strconv.ParseInt(string(token), 10, 0)
	if err != nil {
		s.fail()
		return
	}
	*dst = int(n)
}

// readRaw stores the text of the next value, a null included, in dst, as
// json.RawMessage does. dst shares the scanner's data.
func (s *webhookScanner) readRaw(dst *json.RawMessage) {
	s.skipSpace()
	start := s.pos
	s.skipValue()
	if !s.failed {
		*dst = s.data[start:s.pos]
	}
}

// skipValue checks the syntax of the next value and moves past it.
func (s *webhookScanner) skipValue() {
	s.skipSpace()
	if s.failed || s.pos >= len(s.data) {
		s.fail()
		return
	}
	switch c := s.data[s.pos]; {
	case c == '{' || c == '[':
		s.skipContainer(c)
	case c == '"':
		s.stringToken()
	case c == '-' || '0' <= c && c <= '9':
		s.numberToken()
	default:
		for _, literal := range []string{"true", "false", "null"} {
			if bytes.HasPrefix(s.data[s.pos:], []byte(literal)) {
				s.pos += len(literal)
				return
			}
		}
		s.fail()
	}
}

// skipContainer skips an object (open is '{') or an array (open is '[').
func (s *webhookScanner) skipContainer(open byte) {
	s.depth++
	defer func() { s.depth-- }()
	if s.depth > maxWebhookSkipDepth {
		s.fail()
		return
	}

	closing := byte(']')
	if open == '{' {
		closing = '}'
	}
	s.pos++
	if s.next(closing) {
		return
	}
	for !s.failed {
		if open == '{' {
			s.skipSpace()
			s.stringToken()
			s.expect(':')
		}
		s.skipValue()
		if !s.next(',') {
			break
		}
	}
	s.expect(closing)
}

// stringToken reads a string and returns it with its quotes, and whether it
// contains an escape. Control characters and unknown escapes fail. Other
// bytes, invalid UTF-8 included, pass, as in encoding/json.
func (s *webhookScanner) stringToken() (token []byte, escaped bool) {
	s.skipSpace()
	if s.failed || s.pos >= len(s.data) || s.data[s.pos] != '"' {
		s.fail()
		return nil, false
	}
	start := s.pos
	s.pos++
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			return s.data[start:s.pos], escaped
		case c == '\\':
			escaped = true
			if !s.skipEscape() {
				s.fail()
				return nil, false
			}
		case c < 0x20:
			s.fail()
			return nil, false
		default:
			s.pos++
		}
	}
	s.fail()
	return nil, false
}

// skipEscape moves past the escape sequence at s.pos and reports whether it
// is valid JSON.
func (s *webhookScanner) skipEscape() bool {
	rest := s.data[s.pos:]
	if len(rest) < 2 {
		return false
	}
	switch rest[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		s.pos += 2
		return true
	case 'u':
		if len(rest) < 6 {
			return false
		}
		for _, c := range rest[2:6] {
			if !isWebhookHexDigit(c) {
				return false
			}
		}
		s.pos += 6
		return true
	}
	return false
}

func isWebhookHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// numberToken reads a number in JSON's grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *webhookScanner) numberToken() []byte {
	s.skipSpace()
	start := s.pos
	s.nextByte('-')
	if !s.nextByte('0') && s.digits() == 0 {
		s.fail()
		return nil
	}
	if s.nextByte('.') && s.digits() == 0 {
		s.fail()
		return nil
	}
	if s.nextByte('e') || s.nextByte('E') {
		if !s.nextByte('+') {
			s.nextByte('-')
		}
		if s.digits() == 0 {
			s.fail()
			return nil
		}
	}
	return s.data[start:s.pos]
}

// nextByte consumes c when it is the very next byte, without skipping white
// space.
func (s *webhookScanner) nextByte(c byte) bool {
	if s.pos < len(s.data) && s.data[s.pos] == c {
		s.pos++
		return true
	}
	return false
}

// digits consumes a run of decimal digits and returns its length.
func (s *webhookScanner) digits() int {
	start := s.pos
	for s.pos < len(s.data) && '0' <= s.data[s.pos] && s.data[s.pos] <= '9' {
		s.pos++
	}
	return s.pos - start
}
