package transport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// jsonSamples are JSON texts, valid and not, on the edges of jsonReader's
// grammar and of its rules for keys.
var jsonSamples = []string{
	`""`, `"a"`, `"\"\\\/\b\f\n\r\t"`, `"\u00e9\u20AC"`, `"\ud83d\ude00"`, `"\uD83D\uDE00x"`,
	`"\ud800"`, `"\udc00"`, `"\udc00\ud800"`, `"\ud800\u0041"`, `"\ud800\ud800\udc00"`, `"\ud800x"`,
	`"\uDBFF\uDFFF"`, `"\ud800\\"`, "\"a\xffb\xc3\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\x7f\"",
	`"\x"`, `"\u12"`, `"\u12G4"`, `"\'"`, "\"a\nb\"", `"abc`, `"\`,
	`0`, `-0`, `1.5e+10`, `-12.0E-3`, `01`, `1.`, `.5`, `-`, `1e`, `+1`, `1e+`,
	`true`, `false`, `null`, `nul`, `tru`, `True`, "\x00",
	`{}`, `[]`, `{"a":[1,{"b":null}]}`, ` [ 1 , 2 ] `, `[1,]`, `[,1]`, `{"a":1,}`, `{,"a":1}`, `{"a" 1}`, `{a:1}`,
	`[1 2]`, `{"a":1}}`, `{"a":1]`, `[1}`, `{"a"}`, `{"a":}`, `{`, `[`,
	`{"a":1,"a":2}`, `{"a":1,"A":2}`, `{"\u0061":1}`, `{"é":1}`, `{"a":[{"b":1,"b":2}]}`,
	`{"a":{"a":1},"b":[{"a":1},{"a":2}]}`, `{"a":1,"b":{"c":1},"c":2}`,
}

// TestJSONReaderSyntax checks that skip accepts no text that encoding/json
// rejects, and accepts the valid samples.
func TestJSONReaderSyntax(t *testing.T) {
	for _, text := range jsonSamples {
		r := jsonReader{data: []byte(text)}
		r.skip()
		accepted := r.atEnd()
		if valid := json.Valid([]byte(text)); accepted != valid {
			t.Errorf("skip accepted %q = %v, encoding/json accepts it = %v", text, accepted, valid)
		}
	}
}

// TestJSONReaderStrings checks that stringValue decodes every string sample
// as encoding/json does.
func TestJSONReaderStrings(t *testing.T) {
	for _, text := range jsonSamples {
		checkReadString(t, []byte(text))
	}
}

// checkReadString compares stringValue with encoding/json on data, when the
// reader reads data as one string.
func checkReadString(t *testing.T, data []byte) {
	t.Helper()
	r := jsonReader{data: data}
	got := r.stringValue()
	if !r.atEnd() {
		return
	}
	var want string
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatalf("stringValue accepted %q, encoding/json rejects it: %v", data, err)
	}
	if got != want {
		t.Errorf("stringValue(%q) = %q, want %q", data, got, want)
	}
}

// readJSONValue reads any value with object, array and the other readers,
// into the types encoding/json decodes it to with UseNumber.
func readJSONValue(r *jsonReader) any {
	switch c := r.peek(); {
	case c == '{':
		object := map[string]any{}
		for key := range r.object() {
			object[string(key)] = readJSONValue(r)
		}
		return object
	case c == '[':
		list := []any{}
		for range r.array() {
			list = append(list, readJSONValue(r))
		}
		return list
	case c == '"':
		return r.stringValue()
	case c == '-' || isDigit(c):
		return json.Number(r.numberToken())
	case c == 't':
		r.literal("true")
		return true
	case c == 'f':
		r.literal("false")
		return false
	}
	r.literal("null")
	return nil
}

// checkReadValue compares readJSONValue with encoding/json on data, and
// reports whether the reader accepted data.
func checkReadValue(t *testing.T, data []byte) (accepted bool) {
	t.Helper()
	r := jsonReader{data: data}
	got := readJSONValue(&r)
	if !r.atEnd() {
		return false
	}
	var want any
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.UseNumber()
	if err := decoder.Decode(&want); err != nil {
		t.Fatalf("reader accepted %q, encoding/json rejects it: %v", data, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reader read %q as %#v, encoding/json as %#v", data, got, want)
	}
	return true
}

// TestJSONReaderObjects checks the rules for keys of the objects read with
// object, and that values decode as encoding/json decodes them.
func TestJSONReaderObjects(t *testing.T) {
	deep := func(depth int) string { return strings.Repeat("[", depth) + strings.Repeat("]", depth) }
	keys := func(n int) string {
		fields := make([]string, n)
		for i := range fields {
			fields[i] = fmt.Sprintf(`"k%d":%d`, i, i)
		}
		return "{" + strings.Join(fields, ",") + "}"
	}
	for _, tt := range []struct {
		name   string
		text   string
		accept bool
	}{
		{"every kind of value", `{"s":"x\n","n":-1.5e3,"t":true,"f":false,"z":null,"a":[{},[]],"o":{"p":"q"}}`, true},
		{"white space", " { \"a\" : [ 1 , 2 ] , \"b\" : { } } \n", true},
		{"same key in nested and sibling objects", `{"a":{"a":1},"b":[{"a":1},{"a":2}]}`, true},
		{"key of a closed object used again", `{"a":1,"b":{"c":1},"c":2}`, true},
		{"repeated key", `{"a":1,"a":2}`, false},
		{"key repeated in other case", `{"id":1,"ID":2}`, false},
		{"repeated key in nested object", `{"a":[{"b":1,"b":2}]}`, false},
		{"escaped key", `{"\u0061":1}`, false},
		{"escaped quote in key", `{"a\"":1}`, false},
		{"non-ASCII key", `{"é":1}`, false},
		{"invalid UTF-8 key", "{\"\xff\":1}", false},
		{"deepest nesting", deep(maxJSONDepth), true},
		{"nesting too deep", deep(maxJSONDepth + 1), false},
		{"most keys", keys(maxJSONKeys), true},
		{"too many keys", keys(maxJSONKeys + 1), false},
		{"most keys in open objects", `{"x":` + keys(maxJSONKeys-1) + `}`, true},
		{"too many keys in open objects", `{"x":1,"y":` + keys(maxJSONKeys-1) + `}`, false},
		{"keys of closed objects freed", `[` + keys(maxJSONKeys) + `,` + keys(maxJSONKeys) + `]`, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if accepted := checkReadValue(t, []byte(tt.text)); accepted != tt.accept {
				t.Errorf("reader accepted %q = %v, want %v", tt.text, accepted, tt.accept)
			}
		})
	}
}

// TestJSONReaderSkipIgnoresKeys checks that skip accepts objects whose keys
// object rejects, because encoding/json accepts them and no caller reads
// them, but still bounds their nesting.
func TestJSONReaderSkipIgnoresKeys(t *testing.T) {
	for _, text := range []string{`{"a":1,"a":2}`, `{"id":1,"ID":2}`, `{"\u0061":1}`, `{"é":1}`} {
		r := jsonReader{data: []byte(text)}
		r.skip()
		if !r.atEnd() {
			t.Errorf("skip rejected %q", text)
		}
	}
	deep := strings.Repeat("[", maxJSONDepth+1) + strings.Repeat("]", maxJSONDepth+1)
	r := jsonReader{data: []byte(deep)}
	r.skip()
	if r.ok() {
		t.Errorf("skip accepted %d nested arrays, want at most %d", maxJSONDepth+1, maxJSONDepth)
	}
}

// TestJSONReaderBreakFails checks that leaving a loop early fails the
// reader, which is then inside the object or array.
func TestJSONReaderBreakFails(t *testing.T) {
	r := jsonReader{data: []byte(`{"a":1,"b":2}`)}
	for range r.object() {
		r.skip()
		break
	}
	if r.ok() {
		t.Error("reader is ok after a break out of object")
	}

	r = jsonReader{data: []byte(`[1,2]`)}
	for range r.array() {
		r.skip()
		break
	}
	if r.ok() {
		t.Error("reader is ok after a break out of array")
	}
}

// FuzzWebhookScanner checks jsonReader, which both fast paths read with,
// against encoding/json. skip must accept no invalid JSON, stringValue must
// read every string as encoding/json does, and object and array must read
// every value they accept as encoding/json does. The target keeps its name
// from before the CredEx path shared the reader.
func FuzzWebhookScanner(f *testing.F) {
	for _, text := range jsonSamples {
		f.Add([]byte(text))
	}
	for _, tt := range fastPathBodies {
		f.Add([]byte(tt.body))
	}
	for _, edge := range credexEdgeBodies() {
		f.Add([]byte(edge.body))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := jsonReader{data: data}
		r.skip()
		if r.atEnd() && !json.Valid(data) {
			t.Fatalf("skip accepted invalid JSON %q", data)
		}
		checkReadString(t, data)
		checkReadValue(t, data)
	})
}
