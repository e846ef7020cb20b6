package transport

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// checkFastMatchesPrecise fails when decodeWebhookFast returns a Delivery
// for body and the precise path rejects the body or returns another
// Delivery. The fast path may always decline.
func checkFastMatchesPrecise(t *testing.T, body []byte) (accepted bool) {
	t.Helper()
	fast, ok := decodeWebhookFast(body, testServed, testNow)
	if !ok {
		return false
	}
	precise, err := decodeWebhookPrecise(body, testServed, testNow)
	if err != nil {
		t.Fatalf("fast path accepted a body the precise path rejects with %v\nbody: %s", err, body)
	}
	if !reflect.DeepEqual(fast, precise) {
		t.Fatalf("fast and precise paths differ\nbody: %s\n fast:    %+v\n precise: %+v", body, fast, precise)
	}
	return true
}

// TestDecodeWebhookFastTestdata runs every testdata body through both paths.
// Each is a body Meta sends, so the fast path must accept it.
func TestDecodeWebhookFastTestdata(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "webhook", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no webhook bodies in testdata: %v", err)
	}
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			body, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if !checkFastMatchesPrecise(t, body) {
				_, err := decodeWebhookPrecise(body, testServed, testNow)
				t.Errorf("fast path declined a body Meta sends (precise path error: %v)", err)
			}
		})
	}
}

// fastPathBodies are hand-made bodies on the edges where a one-pass decoder
// could part from encoding/json. The fuzz target uses them as seeds too.
// accept is true when the fast path must decode the body itself.
var fastPathBodies = []struct {
	name   string
	body   string
	accept bool
}{
	{"every field", wrapValue(`"metadata":{"phone_number_id":"100000000000001"},` +
		`"contacts":[{"profile":{"name":"Alice"},"wa_id":"263770000001","user_id":"ZW.1"}],` +
		`"errors":[{"code":1,"title":"t","message":"m","error_data":{"details":"d"}}],` +
		`"messages":[` +
		`{"from":"263770000001","from_user_id":"ZW.1","group_id":"","id":"w1","timestamp":"5","type":"text",` +
		`"context":{"id":"c"},"text":{"body":" x "},"button":{"payload":"p"},` +
		`"interactive":{"type":"nfm_reply","button_reply":{"id":"b"},"list_reply":{"id":"l"},"nfm_reply":{"response_json":"{\"a\":1}"}},` +
		`"errors":[{"code":2}]},` +
		`{"from":"263770000001","id":"w2","timestamp":6,"type":"interactive","interactive":{"type":"nfm_reply","nfm_reply":{"response_json":"{\"a\":1}"}}}],` +
		`"statuses":[{"id":"s","status":"failed","timestamp":"7","recipient_id":"2","recipient_user_id":"ZW.2","errors":[{"code":3}]}]`), true},
	{"keys in other case", wrapValue(`"METADATA":{"Phone_Number_ID":"100000000000001"},` +
		`"Messages":[{"FROM":"1","Id":"w","TimeStamp":"1","TYPE":"text","Text":{"BODY":"hi"}}]`), true},
	{"fields in reverse order", `{"entry":[{"changes":[{"value":{"messages":[{"text":{"body":"hi"},"type":"text","timestamp":"1","id":"w","from":"1"}],` +
		`"metadata":{"phone_number_id":"100000000000001"}},"field":"messages"}]}],"object":"whatsapp_business_account"}`, true},
	{"nulls", wrapValue(`"metadata":{"phone_number_id":"100000000000001"},"contacts":null,"errors":[null],` +
		`"messages":[{"from":"1","id":"w","timestamp":"1","type":null,"text":null,"context":null,"group_id":null}],` +
		`"statuses":[null,{"timestamp":null,"errors":null}]`), true},
	{"escaped strings", wrapValue(`"metadata":{"phone_number_id":"100000000000001"},` +
		`"messages":[{"from":"1","id":"w\u0031","timestamp":"1","type":"text","text":{"body":"a\"b\\c\/\n\ud83d\ude00 \ud800 \u00e9"}}]`), true},
	{"non-ASCII text", wrapValue(`"metadata":{"phone_number_id":"100000000000001"},` +
		`"messages":[{"from":"1","id":"w","timestamp":"1","type":"text","text":{"body":"Mhoro 👋 é"}}]`), true},
	{"invalid UTF-8 text", wrapValue(`"metadata":{"phone_number_id":"100000000000001"},` +
		`"messages":[{"from":"1","id":"w","timestamp":"1","type":"text","text":{"body":"a` + "\xff\xc3" + `b"}}]`), true},
	{"unknown values skipped", wrapValue(`"x":[1,-2.5e+3,true,false,null,{"a":[{}]},"s\u0041"],"metadata":{"phone_number_id":"100000000000001"}`), true},
	{"white space everywhere", " \t\n{ \"object\" : \"whatsapp_business_account\" , \"entry\" : [ { \"changes\" : [ ] } ] }\r\n", true},
	{"empty entry", `{"object":"whatsapp_business_account","entry":[]}`, true},
	{"null change skipped", `{"object":"whatsapp_business_account","entry":[{"changes":[null,{"field":null}]}]}`, true},
	{"other field with any value", `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"account_update","value":{"event":"x"}}]}]}`, true},
	{"unserved with bad message", wrapValue(`"metadata":{"phone_number_id":"999"},"messages":[{"type":"text"}]`), true},
	{"status without timestamp", wrapValue(`"metadata":{"phone_number_id":"100000000000001"},"statuses":[{"id":"s"}]`), true},
	{"profile null", wrapValue(`"metadata":{"phone_number_id":"100000000000001"},"contacts":[{"profile":null,"wa_id":"1"}],` +
		`"messages":[{"from":"1","id":"w","timestamp":"1","type":"reaction"}]`), true},
	{"form not an object", wrapValue(`"metadata":{"phone_number_id":"100000000000001"},` +
		`"messages":[{"from":"1","id":"w","timestamp":"1","type":"interactive","interactive":{"type":"nfm_reply","nfm_reply":{"response_json":[1]}}}]`), true},
	{"form given as object", wrapValue(`"metadata":{"phone_number_id":"100000000000001"},` +
		`"messages":[{"from":"1","id":"w","timestamp":"1","type":"interactive","interactive":{"type":"nfm_reply","nfm_reply":{"response_json":{"a": [1, 2]}}}}]`), true},

	// Bodies the fast path leaves to the precise path, which accepts some of
	// them and rejects the others.
	{"repeated value", `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages",` +
		`"value":{"metadata":{"phone_number_id":"100000000000001"},"messages":[{"from":"1","id":"w","timestamp":"1","type":"text"}]},` +
		`"value":{"metadata":{"phone_number_id":"100000000000001"}}}]}]}`, false},
	{"repeated key in other case", wrapValue(`"metadata":{"phone_number_id":"100000000000001"},` +
		`"messages":[{"from":"1","id":"a","ID":"b","timestamp":"1","type":"text"}]`), false},
	{"repeated entry", `{"object":"whatsapp_business_account","entry":[{"changes":[]}],"entry":[]}`, false},
	{"escaped key", wrapValue(`"metadata":{"phone_number_id":"100000000000001"},` +
		`"messages":[{"from":"1","\u0069d":"w","timestamp":"1","type":"text"}]`), false},
	{"non-ASCII key folding to a field", wrapValue(`"metadata":{"phone_number_id":"100000000000001"},` +
		`"messages":[{"from":"1","id":"w","timestamp":"1","type":"text","ſtatus":"x"}],"ſtatuses":[{"id":"s"}]`), false},
	{"value of another type in a skipped change", `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"other","value":{"messages":5}}]}]}`, false},
	{"value null", `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":null}]}]}`, false},
	{"message null", wrapValue(`"metadata":{"phone_number_id":"100000000000001"},"messages":[null]`), false},
	{"code with fraction", wrapValue(`"metadata":{"phone_number_id":"100000000000001"},"errors":[{"code":1.5}]`), false},
	{"code as string", wrapValue(`"metadata":{"phone_number_id":"100000000000001"},"errors":[{"code":"1"}]`), false},
	{"trailing data", `{"object":"whatsapp_business_account","entry":[]} x`, false},
	{"leading zero", `{"object":"whatsapp_business_account","entry":[],"n":01}`, false},
	{"control character in string", "{\"object\":\"whatsapp_business_account\",\"entry\":[],\"s\":\"a\tb\"}", false},
	{"object in other case", `{"object":"WhatsApp_Business_Account","entry":[]}`, false},
	{"body null", `null`, false},
	{"deep nesting", `{"object":"whatsapp_business_account","entry":[],"x":` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `}`, false},
}

// wrapValue returns a body with one change whose value has the given fields.
func wrapValue(fields string) string {
	return `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{` + fields + `}}]}]}`
}

func TestDecodeWebhookFastEdges(t *testing.T) {
	for _, tt := range fastPathBodies {
		t.Run(tt.name, func(t *testing.T) {
			accepted := checkFastMatchesPrecise(t, []byte(tt.body))
			if accepted != tt.accept {
				t.Errorf("fast path accepted = %v, want %v", accepted, tt.accept)
			}
		})
	}
}

// wireTypeFields lists the JSON field names of every wire type, by type.
var wireTypeFields = map[string][]string{
	"wireBody": bodyFields, "wireEntry": entryFields, "wireChange": changeFields, "wireValue": valueFields,
	"wireMetadata": metadataFields, "wireContact": contactFields, "wireProfile": profileFields,
	"wireMessage": messageFields, "wireContext": contextFields, "wireText": textFields, "wireButton": buttonFields,
	"wireInteractive": interactiveFields, "wireReply": replyFields, "wireNfmReply": nfmReplyFields,
	"wireStatus": statusFields, "wireError": errorFields, "wireErrorData": errorDataFields,
}

// TestDecodeWebhookFastEveryField checks that the fast path reads every
// field of the wire types: a tag without a case in its reader would make it
// decline the body that sets them all.
func TestDecodeWebhookFastEveryField(t *testing.T) {
	every := fastPathBodies[0]
	for typ, names := range wireTypeFields {
		for _, name := range names {
			if !strings.Contains(every.body, `"`+name+`":`) {
				t.Errorf("body %q sets no field %s.%s", every.name, typ, name)
			}
		}
	}
	if !checkFastMatchesPrecise(t, []byte(every.body)) {
		t.Errorf("fast path declined the body that sets every field")
	}
}

// TestWireJSONNamesLowerCase checks what webhookScanner.fields relies on.
func TestWireJSONNamesLowerCase(t *testing.T) {
	for typ, names := range wireTypeFields {
		if len(names) > 64 {
			t.Errorf("%s has %d fields, more than webhookScanner.fields tracks", typ, len(names))
		}
		for _, name := range names {
			if name == "" || name != strings.ToLower(name) {
				t.Errorf("%s field name %q: want a lower-case JSON name in the struct tag", typ, name)
			}
		}
	}
}

// scannerSamples are JSON texts, valid and not, on the edges of the
// scanner's grammar.
var scannerSamples = []string{
	`""`, `"a"`, `"\"\\\/\b\f\n\r\t"`, `"\u00e9\u20AC"`, `"\ud83d\ude00"`, `"\uD83D\uDE00x"`,
	`"\ud800"`, `"\udc00"`, `"\udc00\ud800"`, `"\ud800\u0041"`, `"\ud800\ud800\udc00"`, `"\ud800x"`,
	`"\uDBFF\uDFFF"`, `"\ud800\\"`, "\"a\xffb\xc3\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\x7f\"",
	`"\x"`, `"\u12"`, `"\u12G4"`, `"\'"`, "\"a\nb\"", `"abc`, `"\`,
	`0`, `-0`, `1.5e+10`, `-12.0E-3`, `01`, `1.`, `.5`, `-`, `1e`, `+1`, `1e+`,
	`true`, `false`, `null`, `nul`, `tru`, `True`,
	`{}`, `[]`, `{"a":[1,{"b":null}]}`, ` [ 1 , 2 ] `, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{a:1}`, `[1 2]`, `{"a":1}}`,
}

// TestWebhookScannerSyntax checks that the scanner accepts no text that
// encoding/json rejects, and accepts the valid samples.
func TestWebhookScannerSyntax(t *testing.T) {
	for _, text := range scannerSamples {
		s := webhookScanner{data: []byte(text)}
		s.skipValue()
		accepted := s.atEnd()
		if valid := json.Valid([]byte(text)); accepted != valid {
			t.Errorf("scanner accepted %q = %v, encoding/json accepts it = %v", text, accepted, valid)
		}
	}
}

// TestWebhookScannerStrings checks that readString decodes every string
// sample as encoding/json does.
func TestWebhookScannerStrings(t *testing.T) {
	for _, text := range scannerSamples {
		checkReadString(t, []byte(text))
	}
}

// checkReadString compares readString with encoding/json on data, when the
// scanner reads data as one string.
func checkReadString(t *testing.T, data []byte) {
	t.Helper()
	s := webhookScanner{data: data}
	var got string
	s.readString(&got)
	if !s.atEnd() {
		return
	}
	var want string
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatalf("readString accepted %q, encoding/json rejects it: %v", data, err)
	}
	if got != want {
		t.Errorf("readString(%q) = %q, want %q", data, got, want)
	}
}

// FuzzWebhookScanner checks the scanner against encoding/json: it must
// accept no invalid JSON, and read every string as encoding/json does.
func FuzzWebhookScanner(f *testing.F) {
	for _, text := range scannerSamples {
		f.Add([]byte(text))
	}
	for _, tt := range fastPathBodies {
		f.Add([]byte(tt.body))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := webhookScanner{data: data}
		s.skipValue()
		if s.atEnd() && !json.Valid(data) {
			t.Fatalf("scanner accepted invalid JSON %q", data)
		}
		checkReadString(t, data)
	})
}

// BenchmarkDecodeWebhookPaths measures each decoder alone, without the
// signature check that BenchmarkWebhookReceive includes.
func BenchmarkDecodeWebhookPaths(b *testing.B) {
	for _, name := range []string{"text", "list_reply", "nfm_reply", "statuses"} {
		body := readTestdata(b, filepath.Join("webhook", name+".json"))
		b.Run(name+"/fast", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, ok := decodeWebhookFast(body, testServed, testNow); !ok {
					b.Fatal("fast path declined the body")
				}
			}
		})
		b.Run(name+"/precise", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := decodeWebhookPrecise(body, testServed, testNow); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
