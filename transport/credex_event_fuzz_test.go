package transport

import (
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vimbisopay/vimbiso"
)

// FuzzDecodeCredExEvent checks that no body makes DecodeCredExEvent panic,
// that every failure is a *CallbackError naming a field, and that every
// decoded event has what its type requires. The seed corpus is every
// callback body in testdata.
func FuzzDecodeCredExEvent(f *testing.F) {
	addSeedFiles(f, filepath.Join("testdata", "callbacks"))
	f.Add([]byte(`{"metadata":`))
	f.Add([]byte(`{"metadata":{"webhook_id":"e","event_type":"offer_update","timestamp":"2025-01-14T10:00:00Z"},"payload":{"notify":[{}]}}`))

	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := DecodeCredExEvent(body, testNow, DefaultReplayWindow)
		if err != nil {
			var invalid *CallbackError
			if !errors.As(err, &invalid) || invalid.Field == "" || invalid.Summary == "" {
				t.Fatalf("DecodeCredExEvent error = %v, want a *CallbackError with a field and a summary", err)
			}
			return
		}
		checkFuzzedEvent(t, ev)
	})
}

func checkFuzzedEvent(t *testing.T, ev CredExEvent) {
	t.Helper()
	if blankString(ev.WebhookID) {
		t.Errorf("event without webhook id: %+v", ev)
	}
	if d := ev.Timestamp.Sub(testNow); d > DefaultReplayWindow || d < -DefaultReplayWindow {
		t.Errorf("event timestamp %v outside the replay window", ev.Timestamp)
	}

	switch ev.Type {
	case vimbiso.EventOfferUpdate:
		if blankString(ev.OfferID) || blankString(ev.CompanyID) || blankString(ev.Status) || blankString(ev.Denomination) || ev.Expiry.IsZero() {
			t.Errorf("offer update without a required field: %+v", ev)
		}
		if math.IsNaN(ev.Amount) || math.IsInf(ev.Amount, 0) {
			t.Errorf("offer amount = %v, want a finite number", ev.Amount)
		}
		for _, target := range ev.Notify {
			if !isPhoneNumber(target.Phone) || (target.Role != "receiver" && target.Role != "issuer") {
				t.Errorf("notify target %+v, want a phone of digits and role receiver or issuer", target)
			}
		}
	case vimbiso.EventMemberUpdate:
		if blankString(ev.MemberID) || blankString(ev.Status) {
			t.Errorf("member update without a required field: %+v", ev)
		}
	case vimbiso.EventCompanyUpdate:
		if blankString(ev.CompanyID) || blankString(ev.Name) || blankString(ev.Status) {
			t.Errorf("company update without a required field: %+v", ev)
		}
	default:
		t.Errorf("event type = %q, want a known one", ev.Type)
	}
}

func blankString(s string) bool { return strings.TrimSpace(s) == "" }
