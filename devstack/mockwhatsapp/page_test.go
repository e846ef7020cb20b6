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
