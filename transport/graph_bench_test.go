package transport

import (
	"testing"

	"github.com/vimbisopay/vimbiso"
)

// dashboardReply is the size of the dashboard screen: a body of about 300
// characters and a menu of six rows.
var dashboardReply = vimbiso.Reply{
	Kind: vimbiso.ReplyList,
	Body: "*💳 Alice Example Personal*\nHandle: 263770000001\n\n*💰 Secured balances*\n25.00 USD\n\n" +
		"*📊 Net assets*\n27.00 USD\n\n*⏳ Daily limit left (Open tier)*\n10.00 USD",
	ListButton: "Choose action",
	Sections: []vimbiso.Section{{Rows: []vimbiso.Row{
		{ID: "offer_secured", Title: "💸 Offer secured", Description: "Pay from your secured balance"},
		{ID: "offers_in", Title: "📥 Incoming (1)", Description: "Offers waiting for your answer"},
		{ID: "offers_out", Title: "📤 Outgoing (0)", Description: "Your offers not yet accepted"},
		{ID: "ledger", Title: "📒 Ledger", Description: "Past credex on this account"},
		{ID: "switch_account", Title: "🔁 Switch account", Description: "Use another of your accounts"},
		{ID: "upgrade_tier", Title: "⭐ Upgrade tier", Description: "Hustler: no daily limit"},
	}}},
}

// confirmReply is the confirm screen of an offer: two buttons.
var confirmReply = vimbiso.Reply{
	Kind: vimbiso.ReplyButtons,
	Body: "*1.50 USD secured credex*\n\nFrom: Alice Example Personal (263770000001)\nTo: Bob Example Personal (263770000002)\n\n" +
		"Tapping *Sign & send* signs this offer with your account and sends it.",
	Buttons: []vimbiso.Button{{ID: "offer_send", Title: "✅ Sign & send"}, {ID: "offer_abort", Title: "❌ Cancel"}},
}

// BenchmarkGraphMessage measures building an outbound message, with the
// checks of Meta's limits, and encoding it as the request body.
func BenchmarkGraphMessage(b *testing.B) {
	to := vimbiso.User{PhoneNumberID: "100000000000001", WaID: "263770000001"}
	for _, tc := range []struct {
		name  string
		reply vimbiso.Reply
	}{
		{"list", dashboardReply},
		{"buttons", confirmReply},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var size int
			for b.Loop() {
				body, err := messageBody(to, "", tc.reply)
				if err != nil {
					b.Fatal(err)
				}
				payload, err := encodeJSON(body)
				if err != nil {
					b.Fatal(err)
				}
				size = len(payload)
			}
			b.ReportMetric(float64(size), "body-bytes")
		})
	}
}
