package topology

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/raftsim/raftsim/internal/readfile"
)

// TestLoadRefusesNonFiles: a topology path that is a named pipe is refused at once instead of blocking
// until someone writes to it, and a device is never read.
func TestLoadRefusesNonFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "net.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, "/dev/null/net.json"} {
		_, err := Load(path, Link{})
		if err == nil || path == fifo && !errors.Is(err, readfile.ErrNotRegular) {
			t.Errorf("Load(%s): %v", path, err)
		}
	}
}
