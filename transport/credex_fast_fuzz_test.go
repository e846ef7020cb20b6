package transport

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzCredExFastPath checks that for any body the fast path either gives
// up or yields the Result, token and retry decision of the generic path.
// The seed corpus is every CredEx body in testdata and the edge bodies of
// TestCredExFastPathEdgeBodies.
func FuzzCredExFastPath(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "credex", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed corpus: %v", err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, edge := range credexEdgeBodies() {
		f.Add([]byte(edge.body))
	}

	f.Fuzz(func(t *testing.T, body []byte) {
		compareCredExPaths(t, body, []int{200, 401, 404, 500})
	})
}
