package transport

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// credexShape is the expected form of a value in a CredEx body, for
// credexBodyGenerator: an object with its fields, an array of one element
// shape, or a scalar kind.
type credexShape struct {
	kind   byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' boolean
	fields []credexShapeField
	elem   *credexShape
}

type credexShapeField struct {
	key   string
	shape *credexShape
}

func credexObject(fields ...credexShapeField) *credexShape {
	return &credexShape{kind: 'o', fields: fields}
}

func credexArray(elem *credexShape) *credexShape { return &credexShape{kind: 'a', elem: elem} }

func credexField(key string, shape *credexShape) credexShapeField {
	return credexShapeField{key, shape}
}

var (
	credexString  = &credexShape{kind: 's'}
	credexNumber  = &credexShape{kind: 'n'}
	credexBoolean = &credexShape{kind: 'b'}
)

func credexStrings(keys ...string) []credexShapeField {
	fields := make([]credexShapeField, len(keys))
	for i, k := range keys {
		fields[i] = credexField(k, credexString)
	}
	return fields
}

// credexBodyShapes are the two shapes the fast path reads: the current
// envelope and the dashboard fetch.
var credexBodyShapes = func() []*credexShape {
	person := credexObject(credexStrings("memberID", "firstname", "lastname")...)
	pending := credexObject(append(credexStrings("credexID", "formattedInitialAmount", "counterpartyAccountName", "dueDate"),
		credexField("secured", credexBoolean))...)
	balances := credexObject(
		credexField("securedNetBalancesByDenom", credexArray(credexString)),
		credexField("unsecuredBalancesInDefaultDenom", credexObject(credexStrings("totalPayables", "totalReceivables", "netPayRec")...)),
		credexField("netCredexAssetsInDefaultDenom", credexString),
	)
	account := credexObject(append(credexStrings("accountID", "accountName", "accountHandle", "accountType", "defaultDenom"),
		credexField("isOwnedAccount", credexBoolean),
		credexField("sendOffersTo", person),
		credexField("authFor", credexArray(person)),
		credexField("balanceData", balances),
		credexField("pendingInData", credexArray(pending)),
		credexField("pendingOutData", credexArray(pending)),
	)...)
	member := credexObject(append(credexStrings("memberID", "firstname", "lastname", "memberHandle", "defaultDenom"),
		credexField("memberTier", credexNumber),
		credexField("remainingAvailableUSD", credexNumber),
	)...)
	details := credexObject(credexStrings("code", "reason", "token", "credexID", "memberID", "firstname", "lastname",
		"memberHandle", "defaultDenom", "phone")...)
	action := credexObject(append(credexStrings("id", "type", "timestamp", "actor"), credexField("details", details))...)
	envelope := credexObject(
		credexField("action", action),
		credexField("dashboard", credexObject(credexField("member", member), credexField("accounts", credexArray(account)))),
	)
	fetch := credexObject(credexField("memberDashboard", member), credexField("accountDashboards", credexArray(account)))

	var roots []*credexShape
	for _, data := range []*credexShape{envelope, fetch} {
		roots = append(roots, credexObject(credexField("success", credexBoolean), credexField("message", credexString),
			credexField("error", credexString), credexField("data", data)))
	}
	return roots
}()

// credexBodyGenerator writes random bodies that mostly follow one of
// credexBodyShapes: fields go missing, values change type, keys repeat and
// legacy forms appear, each with a small probability.
type credexBodyGenerator struct {
	rng *rand.Rand
	b   strings.Builder
}

var (
	credexRandomStrings = []string{`""`, `"Alice"`, `"USD"`, `"Error: refused"`, `"  padded  "`, `"Zo\u00eb"`, `"Zoë"`,
		`"\ud800"`, `"12"`, `" 3 "`, `"NaN"`, `"` + strings.Repeat("long ", 70) + `"`}
	credexRandomNumbers = []string{`1`, `0`, `-1`, `2.7`, `8.5`, `1e400`, `3000000000`, `-0.0`, `1E2`}
	// credexRandomKeys are keys that the generic path reads somewhere, and
	// "x", which it never reads.
	credexRandomKeys = []string{"success", "data", "dashboardData", "accounts", "accountDashboards", "member",
		"memberDashboard", "memberTier", "memberID", "token", "account", "sendOffersToFirstname", "low", "high", "x"}
)

func (g *credexBodyGenerator) body() []byte {
	g.b.Reset()
	g.value(credexBodyShapes[g.rng.IntN(len(credexBodyShapes))], 0)
	return []byte(g.b.String())
}

func (g *credexBodyGenerator) chance(percent int) bool { return g.rng.IntN(100) < percent }

func (g *credexBodyGenerator) value(shape *credexShape, depth int) {
	if g.chance(8) {
		g.other(depth)
		return
	}
	switch shape.kind {
	case 'o':
		g.object(shape, depth)
	case 'a':
		g.b.WriteByte('[')
		for i := range g.rng.IntN(4) {
			if i > 0 {
				g.b.WriteByte(',')
			}
			g.value(shape.elem, depth+1)
		}
		g.b.WriteByte(']')
	case 's':
		g.b.WriteString(credexRandomStrings[g.rng.IntN(len(credexRandomStrings))])
	case 'n':
		g.b.WriteString(credexRandomNumbers[g.rng.IntN(len(credexRandomNumbers))])
	case 'b':
		g.b.WriteString([]string{"true", "false"}[g.rng.IntN(2)])
	}
}

func (g *credexBodyGenerator) object(shape *credexShape, depth int) {
	g.b.WriteByte('{')
	n := 0
	field := func(key string, write func()) {
		if n > 0 {
			g.b.WriteByte(',')
		}
		n++
		g.b.WriteString(`"` + key + `":`)
		write()
	}
	for _, f := range shape.fields {
		if g.chance(25) {
			continue
		}
		field(f.key, func() { g.value(f.shape, depth+1) })
		if g.chance(2) {
			field(f.key, func() { g.value(f.shape, depth+1) })
		}
	}
	if g.chance(4) {
		field(credexRandomKeys[g.rng.IntN(len(credexRandomKeys))], func() { g.other(depth + 1) })
	}
	g.b.WriteByte('}')
}

// other writes a value of any type, including the legacy wrappers.
func (g *credexBodyGenerator) other(depth int) {
	choices := 7
	if depth > 8 {
		choices = 4 // scalars only, to keep the bodies small
	}
	switch g.rng.IntN(choices) {
	case 0:
		g.b.WriteString("null")
	case 1:
		g.b.WriteString(credexRandomStrings[g.rng.IntN(len(credexRandomStrings))])
	case 2:
		g.b.WriteString(credexRandomNumbers[g.rng.IntN(len(credexRandomNumbers))])
	case 3:
		g.b.WriteString("true")
	case 4:
		g.b.WriteString(`{}`)
	case 5:
		g.b.WriteString(`{"low":1,"high":0}`)
	case 6:
		g.b.WriteString(`{"success":true,"data":`)
		g.other(depth + 1)
		g.b.WriteByte('}')
	}
}

// TestCredExFastPathRandomBodies compares both paths on bodies generated
// around the shapes the fast path reads, which reach its rules more often
// than mutated bytes do.
func TestCredExFastPathRandomBodies(t *testing.T) {
	const bodies = 4000
	g := &credexBodyGenerator{rng: rand.New(rand.NewPCG(1, 2))}
	fast := 0
	for range bodies {
		if compareCredExPaths(t, g.body(), []int{200, 401}) {
			fast++
		}
		if t.Failed() {
			return
		}
	}
	// Both outcomes must be common, or the test checks little.
	if fast < bodies/20 || fast > bodies*19/20 {
		t.Errorf("fast path decoded %d of %d random bodies, want between 5%% and 95%%", fast, bodies)
	}
	t.Logf("fast path decoded %d of %d random bodies", fast, bodies)
}
