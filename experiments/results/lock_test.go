package results

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestLock: a results directory is held by one lock at a time; the loser learns who holds it; Unlock
// (or the holder's death, see experiments/sweep's TestKilledSweep) frees it.
func TestLock(t *testing.T) {
	dir := t.TempDir()
	if err := Held(dir); err != nil {
		t.Fatalf("Held of a directory never locked: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, LockFile)); err == nil {
		t.Fatal("Held created the lock file")
	}
	l, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, LockFile)); strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Errorf("lock file holds %q, want our pid", b)
	}
	for what, err := range map[string]error{"Lock": second(dir), "Held": Held(dir)} {
		var le *LockedError
		if !errors.As(err, &le) || le.PID != os.Getpid() || le.Dir != dir ||
			err.Error() != "results: "+dir+" is in use by another raftsim (pid "+strconv.Itoa(os.Getpid())+")" {
			t.Errorf("%s while held: %v", what, err)
		}
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := l.Unlock(); err != nil {
		t.Errorf("second Unlock: %v", err)
	}
	if err := Held(dir); err != nil {
		t.Errorf("Held after Unlock: %v", err)
	}
	l2, err := Lock(dir)
	if err != nil {
		t.Fatalf("Lock after Unlock: %v", err)
	}
	l2.Unlock()

	if _, err := Lock(filepath.Join(dir, "missing")); err == nil {
		t.Error("Lock of a missing directory: no error")
	}
}

func second(dir string) error {
	l, err := Lock(dir)
	if err == nil {
		l.Unlock()
	}
	return err
}
