package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"strings"
)

// Clean removes from dir the temporary files (see the package documentation) whose writers are dead:
// those whose lock it can take without waiting. The temporary files of live writers, in this process
// or another, and every other file are left alone. A directory that does not exist holds nothing to
// clean. It returns the first error met, having gone on past it.
func Clean(dir string) error {
	return cleanPrefix(dir, ".")
}

// cleanPrefix is Clean for the temporary files whose names start with prefix.
func cleanPrefix(dir, prefix string) error {
	if !haveFlock {
		return nil
	}
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var first error
	for _, e := range ents {
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), prefix) || !isTemp(e.Name()) {
			continue
		}
		if err := removeDead(dir + "/" + e.Name()); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// isTemp says whether name is a temporary file's: "." + name + ".tmp-" + hex digits. The digits may be
// fewer than 16 for files left by earlier versions (os.CreateTemp's decimal suffix).
func isTemp(name string) bool {
	i := strings.LastIndex(name, ".tmp-")
	if i < 2 || name[0] != '.' || i+len(".tmp-") == len(name) {
		return false
	}
	for _, c := range name[i+len(".tmp-"):] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// removeDead removes the temporary file path if its writer is dead.
func removeDead(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // committed or aborted meanwhile
	}
	if err != nil {
		return err
	}
	defer f.Close()
	ok, err := TryLock(f)
	if !ok {
		return err // a live writer holds it
	}
	// Between our open and our lock the writer may have renamed it over its target and exited: the
	// file open here is then the committed output, which must stay. Remove the name only if it is
	// still this file's.
	if !stillAt(f, path) {
		return nil
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
