package transport

import (
	"os"
	"path/filepath"
	"testing"
)

// addSeedFiles adds every JSON file in dir to f's seed corpus. A missing
// or empty folder fails the target, so that it never fuzzes from nothing.
func addSeedFiles(f *testing.F, dir string) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed corpus in %s: %v", dir, err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}
