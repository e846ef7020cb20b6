package vimbiso

import (
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
)

// User identifies one conversation: the business number a person wrote to
// (its Graph API phone_number_id) and the person's WhatsApp number (wa_id,
// digits only, country code first).
type User struct {
	PhoneNumberID string
	WaID          string
}

// Key returns the user's Redis hash tag body and routing key,
// "<phone_number_id>:<wa_id>". It contains a full phone number: never log it.
func (u User) Key() string { return u.PhoneNumberID + ":" + u.WaID }

// Hash returns a short stable hash of Key, safe for logs and actor names.
func (u User) Hash() string {
	sum := sha256.Sum256([]byte(u.Key()))
	return hex.EncodeToString(sum[:8])
}

// LogValue masks the phone number so that a User can be logged as is.
func (u User) LogValue() slog.Value {
	return slog.StringValue(MaskPhone(u.WaID))
}

// MaskPhone keeps the country code and the last two digits of a phone
// number: "263770000001" becomes "263*******01".
func MaskPhone(phone string) string {
	if len(phone) <= 5 {
		return "***"
	}
	masked := []byte(phone)
	for i := 3; i < len(masked)-2; i++ {
		masked[i] = '*'
	}
	return string(masked)
}
