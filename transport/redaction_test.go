package transport

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/julienschmidt/httprouter"

	"github.com/vimbisopay/vimbiso"
)

// TestLogValuesRedact checks that logging the decoded values shows neither a
// full phone number nor what the user wrote.
func TestLogValuesRedact(t *testing.T) {
	d, err := DecodeWebhook(readTestdata(t, "webhook/text.json"), testServed, testNow)
	if err != nil {
		t.Fatal(err)
	}
	statuses, err := DecodeWebhook(readTestdata(t, "webhook/statuses.json"), testServed, testNow)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("inbound", "message", d.Messages[0])
	log.Info("status", "status", statuses.Statuses[0])
	log.Info("error", "error", statuses.Statuses[0].Errors[0])

	out := buf.String()
	if strings.Contains(out, alicePhone) {
		t.Errorf("log shows a full phone number:\n%s", out)
	}
	if strings.Contains(out, `"hi"`) {
		t.Errorf("log shows the message text:\n%s", out)
	}
	for _, want := range []string{vimbiso.MaskPhone(alicePhone), wamid(1), "131047"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

func TestServerPanicAnswersCommonBody(t *testing.T) {
	var buf bytes.Buffer
	s := NewServer(ServerConfig{Logger: slog.New(slog.NewTextHandler(&buf, nil))}, &fakeDeliverer{}, nil, nil)
	s.Router().GET("/boom", func(http.ResponseWriter, *http.Request, httprouter.Params) { panic("secret " + alicePhone) })
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)

	fe := &testFrontEnd{url: srv.URL}
	resp, body := fe.get(t, "/boom")
	checkRefusal(t, resp, body, http.StatusInternalServerError, "", "processing_error")
	if strings.Contains(buf.String(), alicePhone) {
		t.Errorf("log shows the panic value:\n%s", buf.String())
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	now := time.Date(2025, 1, 14, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		header string
		want   int
	}{
		{"", 0},
		{"6", 6},
		{"-3", 0},
		{"soon", 0},
		{now.Add(30 * time.Second).Format(http.TimeFormat), 30},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		if got := retryAfterSeconds(tt.header, now); got != tt.want {
			t.Errorf("retryAfterSeconds(%q) = %d, want %d", tt.header, got, tt.want)
		}
	}
}

func TestSleepContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepContext(ctx, time.Hour); err != context.Canceled {
		t.Errorf("sleepContext(cancelled) = %v, want context.Canceled", err)
	}
}
