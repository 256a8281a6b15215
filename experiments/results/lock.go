package results

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/raftsim/raftsim/internal/atomicfile"
)

// LockFile is the lock file of a results directory. It is created by the first Lock and never removed:
// removing a lock file while another process waits to open it would let two processes hold "the" lock.
const LockFile = ".raftsim.lock"

// Files are the files of a results directory that this package writes, and that a sweep replacing the
// results removes (the sweep's journal and what is drawn from the results are the callers').
var Files = []string{ManifestFile, TrialsFile, SummaryFile, SummaryLongFile}

// DirLock is a results directory held by this process: no other process holds it until Unlock.
type DirLock struct {
	f *os.File
}

// LockedError is returned by Lock when another process holds the directory.
type LockedError struct {
	Dir string
	PID int // of the holder, as it wrote it in the lock file; 0 when unknown
}

func (e *LockedError) Error() string {
	who := "another raftsim"
	if e.PID > 0 {
		who = fmt.Sprintf("another raftsim (pid %d)", e.PID)
	}
	return fmt.Sprintf("results: %s is in use by %s", e.Dir, who)
}

// Lock takes the results directory dir, which must exist, for this process, without waiting: the loser
// gets a *LockedError and has written nothing. The lock is an exclusive flock(2) on dir/LockFile, so it
// is released when the process dies, however it dies: a killed sweep leaves no stale lock. The holder
// writes its process ID into the lock file, for the loser's message.
func Lock(dir string) (*DirLock, error) {
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	ok, err := atomicfile.TryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("results: lock %s: %w", path, err)
	}
	if !ok {
		pid := readPID(f)
		f.Close()
		return nil, &LockedError{Dir: dir, PID: pid}
	}
	// The PID is only for messages: failing to write it is no reason to fail.
	if f.Truncate(0) == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &DirLock{f: f}, nil
}

// Held returns a *LockedError if another process holds dir, and nil otherwise; unlike Lock it never
// creates the lock file, so it may ask about a directory it is about to refuse.
func Held(dir string) error {
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDWR, 0)
	if err != nil {
		return nil // no lock file: nobody ever held it
	}
	defer f.Close()
	if ok, err := atomicfile.TryLock(f); err != nil || ok {
		return nil
	}
	return &LockedError{Dir: dir, PID: readPID(f)}
}

// readPID reads the holder's process ID from the lock file. The holder writes it just after it takes
// the lock, so a loser that comes in between finds the file empty: it looks again for up to 100 ms
// (the message is better for it, and nothing depends on it).
func readPID(f *os.File) int {
	for range 20 {
		b, err := io.ReadAll(io.NewSectionReader(f, 0, 32))
		if err != nil {
			return 0
		}
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
			return pid
		}
		time.Sleep(5 * time.Millisecond)
	}
	return 0
}

// Unlock releases the directory. Unlock of a nil or released lock does nothing.
func (l *DirLock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	f.Truncate(0) // no stale PID for the next loser to report
	if err := f.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
		return fmt.Errorf("results: unlock: %w", err)
	}
	return nil
}
