package transport

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vimbisopay/vimbiso"
)

// FuzzDecodeWebhook checks that no body makes DecodeWebhook panic, that
// every failure names a field, that every decoded message carries what the
// inbox needs, and that the fast path returns what the precise path returns
// for every body it accepts. The seed corpus is every webhook body in
// testdata and the edge cases of the fast path.
func FuzzDecodeWebhook(f *testing.F) {
	addSeedFiles(f, filepath.Join("testdata", "webhook"))
	f.Add([]byte(`{"object":`))
	f.Add([]byte(`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{}}]}]}`))
	for _, tt := range fastPathBodies {
		f.Add([]byte(tt.body))
	}

	kinds := []vimbiso.InputKind{vimbiso.InputText, vimbiso.InputChoice, vimbiso.InputForm,
		vimbiso.InputUnsupported, vimbiso.InputIgnored}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkFastMatchesPrecise(t, body)
		d, err := DecodeWebhook(body, testServed, testNow)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || de.Field == "" {
				t.Fatalf("DecodeWebhook error = %v, want a *DecodeError naming a field", err)
			}
			return
		}
		for _, in := range d.Messages {
			checkFuzzedInbound(t, in, kinds)
		}
	})
}

func checkFuzzedInbound(t *testing.T, in Inbound, kinds []vimbiso.InputKind) {
	t.Helper()
	if in.Input.MessageID == "" {
		t.Errorf("message without id: %+v", in)
	}
	if !slices.Contains(kinds, in.Input.Kind) {
		t.Errorf("message kind = %q, want one of %v", in.Input.Kind, kinds)
	}
	if in.User.PhoneNumberID != testPhoneNumberID {
		t.Errorf("message for business number %q, want %q", in.User.PhoneNumberID, testPhoneNumberID)
	}
	if in.User.WaID == "" && in.Input.BSUID == "" {
		t.Errorf("message with neither wa_id nor business-scoped id: %+v", in)
	}
	if (in.Input.Form != nil) != (in.Input.Kind == vimbiso.InputForm) {
		t.Errorf("message kind %q with form %v", in.Input.Kind, in.Input.Form)
	}
	if _, err := json.Marshal(in.Input); err != nil {
		t.Errorf("input does not encode for the inbox: %v", err)
	}
}
