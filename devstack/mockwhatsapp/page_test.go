package mockwhatsapp

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestPageServedOffline(t *testing.T) {
	_, srv, _ := newMock(t, Config{NoStatuses: true})

	page := do(t, http.MethodGet, srv.URL+"/", "", nil)
	if page.status != http.StatusOK || !strings.Contains(string(page.body), "<title>") {
		t.Fatalf("GET / = %d, want the page", page.status)
	}
	external := regexp.MustCompile(`(src|href)="(https?:)?//`)
	for _, asset := range []string{"/", "/assets/chat.js", "/assets/format.js", "/assets/chat.css"} {
		resp := do(t, http.MethodGet, srv.URL+asset, "", nil)
		if resp.status != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", asset, resp.status)
		}
		if external.Match(resp.body) || strings.Contains(string(resp.body), "@import") {
			t.Errorf("%s loads an external asset", asset)
		}
	}
	for _, demo := range []string{"263770000001", "263770000002", "263770000004", "263770000003"} {
		if !strings.Contains(string(page.body), demo) {
			t.Errorf("page lacks demo number %s", demo)
		}
	}
}

func TestPageShowsBusinessNumber(t *testing.T) {
	_, srv, _ := newMock(t, Config{NoStatuses: true, DisplayNumber: "263780000099", PhoneNumberID: "100000000000042"})

	page := string(do(t, http.MethodGet, srv.URL+"/", "", nil).body)
	if !strings.Contains(page, `data-business-number="263780000099"`) {
		t.Error("page lacks the configured display number in data-business-number")
	}
	if !strings.Contains(page, `data-phone-number-id="100000000000042"`) {
		t.Error("page lacks the configured phone number id in data-phone-number-id")
	}
	if strings.Contains(page, "__BUSINESS_NUMBER__") || strings.Contains(page, "__PHONE_NUMBER_ID__") {
		t.Error("page still holds a placeholder")
	}
}

func TestPageHasTestIDs(t *testing.T) {
	_, srv, _ := newMock(t, Config{NoStatuses: true})

	page := string(do(t, http.MethodGet, srv.URL+"/", "", nil).body)
	script := string(do(t, http.MethodGet, srv.URL+"/assets/chat.js", "", nil).body)
	// Browser tests find the controls by these ids, so renaming one breaks them.
	for _, id := range []string{"message-input", "send-button", "phone-input", "simulate-image", "send-form", "clear-conversation", "list-sheet"} {
		if !strings.Contains(page, `data-testid="`+id+`"`) {
			t.Errorf("page lacks data-testid %q", id)
		}
	}
	for _, id := range []string{"bubble", "reply-button", "list-button", "list-row", "phone-entry", "unread-count", "tick", "error-mark", "delivery-warning", "flow-button", "template-button"} {
		if !strings.Contains(script, `"`+id+`"`) {
			t.Errorf("chat.js never sets data-testid %q", id)
		}
	}
}
