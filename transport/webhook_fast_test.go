package transport

import (
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

// TestWireJSONNamesLowerCase checks the tags that wireJSONNames reads. Each
// field needs a JSON name in its tag: without one, encoding/json matches the
// Go field name, which wireJSONNames does not return. Lower-case names make
// sure that a key matches at most one name ignoring case.
func TestWireJSONNamesLowerCase(t *testing.T) {
	for typ, names := range wireTypeFields {
		for _, name := range names {
			if name == "" || name != strings.ToLower(name) {
				t.Errorf("%s field name %q: want a lower-case JSON name in the struct tag", typ, name)
			}
		}
	}
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
