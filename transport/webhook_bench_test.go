package transport

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkWebhookReceive measures the CPU of a delivery before Redis: the
// X-Hub-Signature-256 check over the raw body and the decoding of every
// message, for a text message and a list reply as Meta sends them.
func BenchmarkWebhookReceive(b *testing.B) {
	const secret = "bench-app-secret"
	s := &Server{cfg: ServerConfig{AppSecret: secret}}
	served := []string{"100000000000001"}
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)

	for _, name := range []string{"text", "list_reply"} {
		b.Run(name, func(b *testing.B) {
			body, err := os.ReadFile(filepath.Join("testdata", "webhook", name+".json"))
			if err != nil {
				b.Fatal(err)
			}
			mac := hmac.New(sha256.New, []byte(secret))
			mac.Write(body)
			header := "sha256=" + hex.EncodeToString(mac.Sum(nil))
			b.SetBytes(int64(len(body)))

			for b.Loop() {
				if err := s.checkSignature(header, body); err != nil {
					b.Fatal(err)
				}
				d, err := DecodeWebhook(body, served, now)
				if err != nil {
					b.Fatal(err)
				}
				if len(d.Messages) != 1 {
					b.Fatalf("DecodeWebhook: %d messages, want 1", len(d.Messages))
				}
			}
		})
	}
}
