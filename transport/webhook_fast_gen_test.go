package transport

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// webhookBodyGenerator writes random webhook bodies that are valid JSON and
// mostly shaped like Meta's. They vary where the two decode paths could
// disagree: absent, null, mistyped and repeated fields, keys in other case,
// escaped or folding to a field name, escaped strings, unknown keys and
// white space. Byte-level fuzzing seldom keeps a body valid JSON, but these
// bodies reach deep into both paths.
type webhookBodyGenerator struct {
	rand *rand.Rand
	out  strings.Builder
}

// generateWebhookBody returns one random body for the given seeds.
func generateWebhookBody(seed1, seed2 uint64) string {
	g := webhookBodyGenerator{rand: rand.New(rand.NewPCG(seed1, seed2))}
	g.space()
	g.object(genBody)
	g.space()
	return g.out.String()
}

// genField is a field of a generated object: its JSON name and a writer for
// a value of its expected type.
type genField struct {
	name  string
	value func(*webhookBodyGenerator)
}

func (g *webhookBodyGenerator) chance(p float64) bool { return g.rand.Float64() < p }

func (g *webhookBodyGenerator) space() {
	if g.chance(0.1) {
		g.out.WriteString([]string{" ", "\n  ", "\t", "\r\n"}[g.rand.IntN(4)])
	}
}

// object writes the fields in random order, each usually once, sometimes
// absent and sometimes twice, and sometimes an unknown key.
func (g *webhookBodyGenerator) object(fields []genField) {
	g.out.WriteByte('{')
	written := 0
	separate := func() {
		if written > 0 {
			g.out.WriteByte(',')
		}
		written++
		g.space()
	}
	for _, i := range g.rand.Perm(len(fields)) {
		f := fields[i]
		times := 1
		switch {
		case g.chance(0.12):
			times = 0
		case g.chance(0.03):
			times = 2
		}
		for range times {
			separate()
			g.key(f.name)
			g.space()
			g.out.WriteByte(':')
			g.space()
			g.fieldValue(f.value)
			g.space()
		}
	}
	if g.chance(0.15) {
		separate()
		g.key([]string{"extra", "messaging_product", "display_phone_number", "x"}[g.rand.IntN(4)])
		g.out.WriteByte(':')
		g.anyValue(2)
	}
	g.out.WriteByte('}')
}

// key writes name, or now and then a variant that encoding/json matches to
// the same field.
func (g *webhookBodyGenerator) key(name string) {
	if !g.chance(0.05) {
		g.quote(name)
		return
	}
	switch g.rand.IntN(4) {
	case 0:
		g.quote(strings.ToUpper(name))
	case 1:
		g.quote(strings.ToUpper(name[:1]) + name[1:])
	case 2:
		fmt.Fprintf(&g.out, `"\u%04x%s"`, name[0], name[1:])
	default:
		// U+017F LATIN SMALL LETTER LONG S and U+212A KELVIN SIGN fold to
		// s and k.
		g.quote(strings.NewReplacer("s", "ſ", "k", "\u212a").Replace(name))
	}
}

// fieldValue writes a value of the field's type, or sometimes null or a
// value of another type.
func (g *webhookBodyGenerator) fieldValue(value func(*webhookBodyGenerator)) {
	switch {
	case g.chance(0.04):
		g.out.WriteString("null")
	case g.chance(0.03):
		g.anyValue(1)
	default:
		value(g)
	}
}

// anyValue writes a JSON value of a random type, nested up to depth.
func (g *webhookBodyGenerator) anyValue(depth int) {
	kinds := 4
	if depth > 0 {
		kinds = 6
	}
	switch g.rand.IntN(kinds) {
	case 0:
		g.out.WriteString([]string{"true", "false", "null"}[g.rand.IntN(3)])
	case 1:
		g.out.WriteString([]string{"0", "-1", "2.5", "1e3", "131051"}[g.rand.IntN(5)])
	case 2:
		g.str("a", "", "1736848810")
	case 3:
		g.out.WriteString("{}")
	case 4:
		g.out.WriteByte('[')
		g.anyValue(depth - 1)
		g.out.WriteByte(']')
	default:
		g.out.WriteString(`{"k":`)
		g.anyValue(depth - 1)
		g.out.WriteByte('}')
	}
}

// str writes one of choices as a JSON string, sometimes with its first
// character escaped as \uXXXX.
func (g *webhookBodyGenerator) str(choices ...string) {
	s := choices[g.rand.IntN(len(choices))]
	runes := []rune(s)
	if len(runes) == 0 || runes[0] > 0xffff || !g.chance(0.05) {
		g.quote(s)
		return
	}
	fmt.Fprintf(&g.out, `"\u%04x`, runes[0])
	g.out.WriteString(quoteJSON(string(runes[1:]))[1:])
}

func (g *webhookBodyGenerator) quote(s string) { g.out.WriteString(quoteJSON(s)) }

// quoteJSON quotes s as a JSON string, escaping only what JSON requires.
func quoteJSON(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range []byte(s) {
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// array writes up to three elements, sometimes null.
func (g *webhookBodyGenerator) array(elem func(*webhookBodyGenerator)) {
	g.out.WriteByte('[')
	for i := range g.rand.IntN(4) {
		if i > 0 {
			g.out.WriteByte(',')
		}
		g.space()
		if g.chance(0.03) {
			g.out.WriteString("null")
		} else {
			elem(g)
		}
	}
	g.out.WriteByte(']')
}

func genString(choices ...string) func(*webhookBodyGenerator) {
	return func(g *webhookBodyGenerator) { g.str(choices...) }
}

func genLiteral(choices ...string) func(*webhookBodyGenerator) {
	return func(g *webhookBodyGenerator) { g.out.WriteString(choices[g.rand.IntN(len(choices))]) }
}

func genObject(fields *[]genField) func(*webhookBodyGenerator) {
	return func(g *webhookBodyGenerator) { g.object(*fields) }
}

func genArray(fields *[]genField) func(*webhookBodyGenerator) {
	return func(g *webhookBodyGenerator) { g.array(genObject(fields)) }
}

// The shapes of generated bodies. Pointers let a shape refer to one defined
// after it.
var (
	genBody = []genField{
		{"object", genString("whatsapp_business_account", "whatsapp_business_account", "page")},
		{"entry", genArray(&genEntry)},
	}
	genEntry = []genField{
		{"id", genString("200000000000001")},
		{"changes", genArray(&genChange)},
	}
	genChange = []genField{
		{"field", genString("messages", "messages", "messages", "account_update", "")},
		{"value", genObject(&genValue)},
	}
	genValue = []genField{
		{"messaging_product", genString("whatsapp")},
		{"metadata", genObject(&genMetadata)},
		{"contacts", genArray(&genContact)},
		{"messages", genArray(&genMessage)},
		{"statuses", genArray(&genStatus)},
		{"errors", genArray(&genError)},
	}
	genMetadata = []genField{
		{"display_phone_number", genString("263780000000")},
		{"phone_number_id", genString(testPhoneNumberID, testPhoneNumberID, "100000000000009", "")},
	}
	genContact = []genField{
		{"profile", genObject(&genProfile)},
		{"wa_id", genString(alicePhone, bobPhone, "")},
		{"user_id", genString(testBSUID, "")},
	}
	genProfile = []genField{
		{"name", genString("Alice Example", "Bob \"B\" Example", "Tendai 👋", "")},
	}
	genMessage = []genField{
		{"from", genString(alicePhone, bobPhone, "")},
		{"from_user_id", genString(testBSUID, "")},
		{"group_id", genString("", "G1")},
		{"id", genString("wamid.1", "wamid.2", "")},
		{"timestamp", genLiteral(`"1736848810"`, `"1736848810"`, `1736848810`, `"0012"`, `"\u0031"`, `"abc"`,
			`-5`, `"-5"`, `1.5`, `""`, `99999999999999999999`, `"123456789012345678"`, `"1234567890123456789"`, `{}`)},
		{"type", genString("text", "interactive", "button", "reaction", "system", "image", "")},
		{"context", genObject(&genContext)},
		{"text", genObject(&genText)},
		{"interactive", genObject(&genInteractive)},
		{"button", genObject(&genButton)},
		{"errors", genArray(&genError)},
	}
	genContext = []genField{
		{"from", genString("263780000000")},
		{"id", genString("wamid.OUT1", "")},
	}
	genText = []genField{
		{"body", genString("hi", "  menu \n", "Mhoro 👋", "tab\there", `quote " and \ slash`, "")},
	}
	genButton = []genField{
		{"payload", genString("offers_in", "")},
		{"text", genString("Offers")},
	}
	genInteractive = []genField{
		{"type", genString("button_reply", "list_reply", "nfm_reply", "other")},
		{"button_reply", genObject(&genReply)},
		{"list_reply", genObject(&genReply)},
		{"nfm_reply", genObject(&genNfmReply)},
	}
	genReply = []genField{
		{"id", genString("offer_send", "")},
		{"title", genString("Send")},
	}
	genNfmReply = []genField{
		{"name", genString("flow")},
		{"response_json", genLiteral(`"{\"flow_token\":\"t\",\"age\":30,\"tags\":[\"a\"],\"none\":null}"`,
			`{"a":"b","n":[1, 2]}`, `"[1]"`, `"not json"`, `"null"`, `3`, `"{\"a\":{\"b\":1}}"`)},
	}
	genStatus = []genField{
		{"id", genString("wamid.OUT2")},
		{"status", genString("sent", "delivered", "read", "failed")},
		{"timestamp", genLiteral(`"1736848910"`, `1736848910`, `"soon"`, `null`)},
		{"recipient_id", genString(alicePhone)},
		{"recipient_user_id", genString(testBSUID, "")},
		{"errors", genArray(&genError)},
	}
	genError = []genField{
		{"code", genLiteral(`131047`, `0`, `-1`, `1.5`, `"131047"`, `1e2`)},
		{"title", genString("Re-engagement message")},
		{"message", genString("Re-engagement message")},
		{"error_data", genObject(&genErrorData)},
	}
	genErrorData = []genField{
		{"details", genString("Message failed to send.")},
	}
)

// TestDecodeWebhookFastGenerated compares the two paths on generated bodies.
func TestDecodeWebhookFastGenerated(t *testing.T) {
	const bodies = 4000
	var fastAccepted, preciseAccepted int
	for seed := range uint64(bodies) {
		body := []byte(generateWebhookBody(seed, 1))
		if !json.Valid(body) {
			t.Fatalf("generated body is not valid JSON: %s", body)
		}
		if checkFastMatchesPrecise(t, body) {
			fastAccepted++
		}
		if _, err := decodeWebhookPrecise(body, testServed, testNow); err == nil {
			preciseAccepted++
		}
	}
	t.Logf("%d bodies: precise path accepted %d, fast path %d", bodies, preciseAccepted, fastAccepted)
	if fastAccepted < bodies/20 {
		t.Errorf("fast path accepted %d of %d generated bodies, want at least 5%%: the generator no longer exercises it", fastAccepted, bodies)
	}
}

// FuzzDecodeWebhookGenerated compares the two paths on bodies generated from
// the fuzzed seeds.
func FuzzDecodeWebhookGenerated(f *testing.F) {
	f.Add(uint64(0), uint64(0))
	f.Add(uint64(1), uint64(2))
	f.Fuzz(func(t *testing.T, seed1, seed2 uint64) {
		checkFastMatchesPrecise(t, []byte(generateWebhookBody(seed1, seed2)))
	})
}
