package transport

import (
	"path/filepath"
	"testing"
)

// FuzzCredExFastPath checks that for any body the fast path either gives
// up or yields the Result, token and retry decision of the generic path.
// The seed corpus is every CredEx body in testdata and the edge bodies of
// TestCredExFastPathEdgeBodies.
func FuzzCredExFastPath(f *testing.F) {
	addSeedFiles(f, filepath.Join("testdata", "credex"))
	for _, edge := range credexEdgeBodies() {
		f.Add([]byte(edge.body))
	}

	f.Fuzz(func(t *testing.T, body []byte) {
		compareCredExPaths(t, body, []int{200, 401, 404, 500})
	})
}
