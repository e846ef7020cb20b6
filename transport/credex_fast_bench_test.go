package transport

import (
	"testing"

	"github.com/vimbisopay/vimbiso"
)

// BenchmarkCredExNormalise measures turning a CredEx response into a Result
// and a token, as CredExClient does for each response, on the generic path
// and through decodeResponse. The bodies come from the mock CredEx: Alice's
// two accounts with one pending incoming and three pending outgoing offers.
// dashboardLegacy is a body that the fast path gives up on, which measures
// what the attempt adds.
func BenchmarkCredExNormalise(b *testing.B) {
	captures := captureMockCredEx(b)
	bodies := []struct{ name, shapes, step string }{
		{"login", "current", "login with offers"},
		{"dashboard", "current", "dashboard"},
		{"createCredex", "current", "create from business"},
		{"dashboardLegacy", "legacy", "dashboard"},
	}
	for _, body := range bodies {
		c, ok := findCredExCapture(captures, body.shapes, body.step)
		if !ok {
			b.Fatalf("no mock response %q in the %s shapes captured", body.step, body.shapes)
		}
		wantFast := body.shapes == "current"
		call := vimbiso.Call{Op: c.op}

		b.Run(body.name+"/generic", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.body)))
			for b.Loop() {
				a := parseResponse(c.status, c.header, c.body)
				normalise(call, a)
				a.token()
			}
		})
		b.Run(body.name+"/fast", func(b *testing.B) {
			if fast := decodeResponse(c.op, c.status, c.header, c.body).fast != nil; fast != wantFast {
				b.Fatalf("fast path decoded the %s body = %v, want %v", body.name, fast, wantFast)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(c.body)))
			for b.Loop() {
				a := decodeResponse(c.op, c.status, c.header, c.body)
				normalise(call, a)
				a.token()
			}
		})
	}
}

// findCredExCapture returns the last response of a step in the given
// shapes. A login in the legacy shapes leaves two responses under one step.
func findCredExCapture(captures []credexCapture, shapes, step string) (credexCapture, bool) {
	for i := len(captures) - 1; i >= 0; i-- {
		if c := captures[i]; c.shapes == shapes && c.name == step {
			return c, true
		}
	}
	return credexCapture{}, false
}
