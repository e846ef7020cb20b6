package transport

import (
	"encoding/json"
	"iter"
	"strconv"
)

// webhookScanner reads the wire types for decodeWebhookFast as encoding/json
// decodes them into struct fields: keys match field names as they do for
// json.Unmarshal, and a null leaves a field as it is.
type webhookScanner struct{ jsonReader }

// fields reads an object and yields the name of each field of names that
// appears in it, leaving the scanner at the field's value, which the loop
// body must read. Values of other keys are skipped. A null yields nothing,
// because encoding/json leaves a struct untouched for null.
//
// A key matches a name exactly or else ignoring ASCII case, as encoding/json
// matches struct fields. Keys that encoding/json would fold in other ways,
// and two keys for one field, fail the scanner in nextKey.
//
// fields loops over nextKey itself rather than over object, because with a
// range over object inside this iterator the Go 1.26 compiler moves the
// scanner to the heap.
func (s *webhookScanner) fields(names []string) iter.Seq[string] {
	return func(yield func(string) bool) {
		if s.null() || !s.enter('{') {
			return
		}
		first := s.nkeys
		for n := 0; ; n++ {
			key, ok := s.nextKey(first, n)
			if !ok {
				return
			}
			i := fieldIndex(key, names)
			if i < 0 {
				s.skip()
				continue
			}
			if !yield(names[i]) {
				s.fail()
				return
			}
		}
	}
}

// fieldIndex returns the index of the name in names that key matches, or -1.
func fieldIndex(key []byte, names []string) int {
	for i, name := range names {
		if string(key) == name {
			return i
		}
	}
	for i, name := range names {
		if equalFoldASCII(key, name) {
			return i
		}
	}
	return -1
}

// readWebhookArray reads an array, each element with read, or a null as a nil
// slice. An empty array gives an empty, non-nil slice, as in encoding/json.
// Callers pass a method value such as s.entry, because with a method
// expression such as (*webhookScanner).entry the Go 1.26 compiler moves the
// scanner to the heap.
func readWebhookArray[T any](s *webhookScanner, read func(*T)) []T {
	if s.null() {
		return nil
	}
	list := []T{}
	for range s.array() {
		var elem T
		read(&elem)
		list = append(list, elem)
	}
	return list
}

// readWebhookPointer reads an object into a new T with read, or a null as nil.
func readWebhookPointer[T any](s *webhookScanner, read func(*T)) *T {
	if s.null() {
		return nil
	}
	v := new(T)
	read(v)
	return v
}

// readString reads a string into dst. A null leaves dst as it is. Any other
// value fails.
func (s *webhookScanner) readString(dst *string) {
	if s.null() {
		return
	}
	if text := s.stringValue(); s.ok() {
		*dst = text
	}
}

// readInt reads an integer into dst. A null leaves dst as it is. A fraction,
// an exponent or a value out of range fails, as in encoding/json.
func (s *webhookScanner) readInt(dst *int) {
	if s.null() {
		return
	}
	token := s.numberToken()
	if !s.ok() {
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
	s.peek()
	start := s.pos
	s.skip()
	if s.ok() {
		*dst = s.data[start:s.pos]
	}
}
