package results

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/raftsim/raftsim/internal/readfile"
)

// TestReadRefusesNonFiles: result files that are not regular files (a named pipe left in their place,
// a device) are refused at once rather than read for ever or waited on.
func TestReadRefusesNonFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "trials.csv")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, "/dev/zero"} {
		if _, err := ReadTrials(path); !errors.Is(err, readfile.ErrNotRegular) {
			t.Errorf("ReadTrials(%s): %v", path, err)
		}
		if _, err := ReadSummary(path); !errors.Is(err, readfile.ErrNotRegular) {
			t.Errorf("ReadSummary(%s): %v", path, err)
		}
		if _, err := ReadManifest(path); !errors.Is(err, readfile.ErrNotRegular) {
			t.Errorf("ReadManifest(%s): %v", path, err)
		}
	}
}
