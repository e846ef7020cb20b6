package transport

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/vimbisopay/vimbiso"
)

const (
	testPhoneNumberID = "100000000000001"
	alicePhone        = "263770000001"
	bobPhone          = "263770000002"
	joanPhone         = "263770000003"
	testBSUID         = "ZW.1234567890ABCDEF"
)

var (
	testServed = []string{testPhoneNumberID}
	testNow    = time.Date(2025, 1, 14, 10, 0, 0, 0, time.UTC)
)

// wamid returns the id the testdata gives inbound message n.
func wamid(n int) string { return fmt.Sprintf("wamid.TEST%024d", n) }

// sentAt returns the timestamp the testdata gives inbound message n.
func sentAt(n int) time.Time { return time.Unix(int64(1736848800+10*n), 0).UTC() }

// message builds the Inbound expected for message n from phone, filling the
// fields every message has.
func message(n int, phone, name, typ string, in vimbiso.Input) Inbound {
	in.MessageID = wamid(n)
	in.Type = typ
	in.SentAt = sentAt(n)
	in.ReceivedAt = testNow
	return Inbound{User: vimbiso.User{PhoneNumberID: testPhoneNumberID, WaID: phone}, Input: in, Name: name}
}

func withSentAt(in Inbound, at time.Time) Inbound {
	in.Input.SentAt = at
	return in
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestDecodeWebhookPayloads(t *testing.T) {
	unsupported := func(n int, typ string) Delivery {
		return Delivery{Messages: []Inbound{message(n, alicePhone, "Alice Example", typ, vimbiso.Input{Kind: vimbiso.InputUnsupported})}}
	}
	nfmUnsupported := Delivery{Messages: []Inbound{message(4, joanPhone, "Joan Sample", "interactive",
		vimbiso.Input{Kind: vimbiso.InputUnsupported, ContextID: "wamid.OUT0000000000000000000000019"})}}

	tests := []struct {
		file string
		want Delivery
	}{
		// Inputs a conversation acts on.
		{"text", Delivery{Messages: []Inbound{message(1, alicePhone, "Alice Example", "text",
			vimbiso.Input{Kind: vimbiso.InputText, Text: "hi"})}}},
		{"button_reply", Delivery{Messages: []Inbound{message(2, alicePhone, "Alice Example", "interactive",
			vimbiso.Input{Kind: vimbiso.InputChoice, ChoiceID: "offer_send", ContextID: "wamid.OUT0000000000000000000000017"})}}},
		{"list_reply", Delivery{Messages: []Inbound{message(3, alicePhone, "Alice Example", "interactive",
			vimbiso.Input{Kind: vimbiso.InputChoice, ChoiceID: "offers_in", ContextID: "wamid.OUT0000000000000000000000018"})}}},
		{"template_button", Delivery{Messages: []Inbound{message(5, alicePhone, "Alice Example", "button",
			vimbiso.Input{Kind: vimbiso.InputChoice, ChoiceID: "offers_in", ContextID: "wamid.OUT0000000000000000000000020"})}}},
		{"nfm_reply", Delivery{Messages: []Inbound{message(4, joanPhone, "Joan Sample", "interactive", vimbiso.Input{
			Kind:      vimbiso.InputForm,
			ContextID: "wamid.OUT0000000000000000000000019",
			Form: map[string]string{
				"flow_token": "reg-263770000003-1", "firstName": "Joan", "lastName": "Sample",
				"age": "30", "tags": `["a","b"]`, "none": "",
			},
		})}}},
		{"nfm_reply_not_object", nfmUnsupported},
		{"nfm_reply_bad_json", nfmUnsupported},

		// Kinds the bot answers with E_UNSUPPORTED.
		{"media_image", unsupported(6, "image")},
		{"media_audio", unsupported(6, "audio")},
		{"media_video", unsupported(6, "video")},
		{"media_document", unsupported(6, "document")},
		{"media_sticker", unsupported(6, "sticker")},
		{"media_location", unsupported(6, "location")},
		{"media_contacts", unsupported(6, "contacts")},
		{"media_order", unsupported(6, "order")},
		{"unsupported", Delivery{
			Messages: []Inbound{message(8, alicePhone, "Alice Example", "unsupported", vimbiso.Input{Kind: vimbiso.InputUnsupported})},
			Errors: []GraphErrorItem{{Code: 131051, Title: "Message type unknown", Message: "Message type unknown",
				Details: "Message type is currently not supported."}},
		}},

		// Kinds that are recorded and never answered.
		{"reaction", Delivery{Messages: []Inbound{message(7, alicePhone, "Alice Example", "reaction", vimbiso.Input{Kind: vimbiso.InputIgnored})}}},
		{"system", Delivery{Messages: []Inbound{message(11, alicePhone, "", "system", vimbiso.Input{Kind: vimbiso.InputIgnored})}}},
		{"group", Delivery{Messages: []Inbound{message(12, alicePhone, "Alice Example", "text", vimbiso.Input{Kind: vimbiso.InputIgnored})}}},

		// Identity: business-scoped ids and contacts matched by wa_id.
		{"bsuid_only", Delivery{Messages: []Inbound{{
			User: vimbiso.User{PhoneNumberID: testPhoneNumberID},
			Input: vimbiso.Input{Kind: vimbiso.InputText, Text: "hi", MessageID: wamid(13), Type: "text",
				BSUID: testBSUID, SentAt: sentAt(13), ReceivedAt: testNow},
			Name: "alice_handle",
		}}}},
		{"bsuid_from_contact", Delivery{Messages: []Inbound{message(14, alicePhone, "Alice Example", "text",
			vimbiso.Input{Kind: vimbiso.InputText, Text: "menu", BSUID: testBSUID})}}},
		{"several_messages", Delivery{Messages: []Inbound{
			// Both messages of this body share one timestamp.
			withSentAt(message(9, alicePhone, "Alice Example", "text", vimbiso.Input{Kind: vimbiso.InputText, Text: "menu"}), sentAt(10)),
			message(10, bobPhone, "Bob Example", "text", vimbiso.Input{Kind: vimbiso.InputText, Text: "hi"}),
		}}},

		// Several entries and changes; another field and an unserved number
		// in the same body are skipped.
		{"several_entries", Delivery{
			Messages: []Inbound{
				message(21, alicePhone, "Alice Example", "text", vimbiso.Input{Kind: vimbiso.InputText, Text: "one"}),
				message(22, bobPhone, "Bob Example", "text", vimbiso.Input{Kind: vimbiso.InputText, Text: "two"}),
			},
			Skipped: 2,
		}},

		// Deliveries without messages.
		{"statuses", Delivery{Statuses: []Status{
			{
				PhoneNumberID: testPhoneNumberID, ID: "wamid.OUT0000000000000000000000021", Status: "failed",
				RecipientID: alicePhone, Timestamp: time.Unix(1736848910, 0).UTC(),
				Errors: []GraphErrorItem{{Code: 131047, Title: "Re-engagement message", Message: "Re-engagement message",
					Details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number."}},
			},
			{
				PhoneNumberID: testPhoneNumberID, ID: "wamid.OUT0000000000000000000000022", Status: "delivered",
				RecipientID: alicePhone, Timestamp: time.Unix(1736848911, 0).UTC(),
			},
		}}},
		{"value_errors", Delivery{Errors: []GraphErrorItem{{Code: 131000, Title: "Something went wrong",
			Message: "Something went wrong", Details: "Unknown error. Please retry."}}}},
		{"other_field", Delivery{Skipped: 1}},
		{"unserved", Delivery{Skipped: 1}},
	}

	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body := readTestdata(t, filepath.Join("webhook", tt.file+".json"))
			got, err := DecodeWebhook(body, testServed, testNow)
			if err != nil {
				t.Fatalf("DecodeWebhook(%s) error = %v", tt.file, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("DecodeWebhook(%s)\n got %+v\nwant %+v", tt.file, got, tt.want)
			}
		})
	}
}

func TestDecodeWebhookMalformed(t *testing.T) {
	const value = `"metadata":{"phone_number_id":"100000000000001"}`
	wrap := func(value string) string {
		return `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{` + value + `}}]}]}`
	}
	tests := []struct {
		name, body, field string
	}{
		{"not json", `{"object":`, "body"},
		{"empty", ``, "body"},
		{"array", `[]`, "body"},
		{"object missing", `{"entry":[]}`, "object"},
		{"object wrong", `{"object":"page","entry":[]}`, "object"},
		{"object not string", `{"object":5,"entry":[]}`, "object"},
		{"entry missing", `{"object":"whatsapp_business_account"}`, "entry"},
		{"entry not array", `{"object":"whatsapp_business_account","entry":{}}`, "entry"},
		{"entry item not object", `{"object":"whatsapp_business_account","entry":[3]}`, "entry[0]"},
		{"changes missing", `{"object":"whatsapp_business_account","entry":[{"id":"1"}]}`, "entry[0].changes"},
		{"change not object", `{"object":"whatsapp_business_account","entry":[{"changes":["x"]}]}`, "entry[0].changes[0]"},
		{"value missing", `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages"}]}]}`, "entry[0].changes[0].value"},
		{"metadata missing", wrap(`"messages":[]`), "entry[0].changes[0].value.metadata.phone_number_id"},
		{"messages not array", wrap(value + `,"messages":{}`), "entry[0].changes[0].value.messages"},
		{"contacts not array", wrap(value + `,"contacts":"x"`), "entry[0].changes[0].value.contacts"},
		{"message id missing", wrap(value + `,"messages":[{"from":"1","timestamp":"1","type":"text"}]`),
			"entry[0].changes[0].value.messages[0].id"},
		{"message sender missing", wrap(value + `,"messages":[{"id":"w","timestamp":"1","type":"text"}]`),
			"entry[0].changes[0].value.messages[0].from"},
		{"message timestamp missing", wrap(value + `,"messages":[{"id":"w","from":"1","type":"text"}]`),
			"entry[0].changes[0].value.messages[0].timestamp"},
		{"message timestamp bad", wrap(value + `,"messages":[{"id":"w","from":"1","timestamp":"yesterday","type":"text"}]`),
			"entry[0].changes[0].value.messages[0].timestamp"},
		{"text body not string", wrap(value + `,"messages":[{"id":"w","from":"1","timestamp":"1","type":"text","text":{"body":5}}]`),
			"entry[0].changes[0].value.messages[0].text.body"},
		{"status timestamp bad", wrap(value + `,"statuses":[{"id":"w","status":"read","timestamp":"soon"}]`),
			"entry[0].changes[0].value.statuses[0].timestamp"},
		// A time after the year 9999 cannot be stored as JSON: a 400 now,
		// not a 503 at the inbox that Meta would retry for ever.
		{"message timestamp after year 9999", wrap(value + `,"messages":[{"id":"w","from":"1","timestamp":"253402300800","type":"text"}]`),
			"entry[0].changes[0].value.messages[0].timestamp"},
		{"message timestamp number after year 9999", wrap(value + `,"messages":[{"id":"w","from":"1","timestamp":1796430000000000000,"type":"text"}]`),
			"entry[0].changes[0].value.messages[0].timestamp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeWebhook([]byte(tt.body), testServed, testNow)
			de, ok := err.(*DecodeError)
			if !ok {
				t.Fatalf("DecodeWebhook(%s) error = %v, want *DecodeError", tt.body, err)
			}
			if de.Field != tt.field {
				t.Errorf("DecodeWebhook(%s) field = %q, want %q (error %v)", tt.body, de.Field, tt.field, err)
			}
		})
	}
}

func TestDecodeWebhookTimestampAsNumber(t *testing.T) {
	body := `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{` +
		`"metadata":{"phone_number_id":"100000000000001"},` +
		`"messages":[{"from":"263770000001","id":"w1","timestamp":1736848800,"type":"text","text":{"body":"hi"}}]}}]}]}`
	got, err := DecodeWebhook([]byte(body), testServed, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Unix(1736848800, 0).UTC(); !got.Messages[0].Input.SentAt.Equal(want) {
		t.Errorf("SentAt = %v, want %v", got.Messages[0].Input.SentAt, want)
	}
}

// TestDecodeWebhookLastTimestamp checks that the last second of the year
// 9999, the latest time the inbox can store, is accepted.
func TestDecodeWebhookLastTimestamp(t *testing.T) {
	body := `{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{` +
		`"metadata":{"phone_number_id":"100000000000001"},` +
		`"messages":[{"from":"263770000001","id":"w1","timestamp":"253402300799","type":"text","text":{"body":"hi"}}]}}]}]}`
	got, err := DecodeWebhook([]byte(body), testServed, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := json.Marshal(got.Messages[0].Input.SentAt); err != nil {
		t.Errorf("SentAt %v does not encode: %v", got.Messages[0].Input.SentAt, err)
	}
}
