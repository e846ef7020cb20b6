package mockwhatsapp

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestVerifyHandshake(t *testing.T) {
	// A bot that echoes the challenge whatever the token, as the original did.
	careless := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.URL.Query().Get("hub.challenge"))
	}))
	t.Cleanup(careless.Close)

	tests := []struct {
		name   string
		botURL string // "" for the correct fake bot
		wantOK bool
	}{
		{"correct bot", "", true},
		{"bot echoing any token", careless.URL, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, srv, _ := newMock(t, Config{BotURL: tt.botURL, NoStatuses: true})
			resp := do(t, http.MethodPost, srv.URL+"/mock/verify", "", nil)
			if resp.status != http.StatusOK {
				t.Fatalf("verify = %d %s, want 200", resp.status, resp.body)
			}
			var report struct {
				OK         bool            `json:"ok"`
				RightToken handshakeResult `json:"right_token"`
				WrongToken handshakeResult `json:"wrong_token"`
			}
			json.Unmarshal(resp.body, &report)
			if report.OK != tt.wantOK {
				t.Errorf("ok = %v, want %v (%s)", report.OK, tt.wantOK, resp.body)
			}
			if !report.RightToken.OK || report.RightToken.HTTPStatus != 200 {
				t.Errorf("right token = %+v, want 200 with the challenge", report.RightToken)
			}
		})
	}
}
