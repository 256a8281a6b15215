package readfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// The limits of the kinds of file raftsim reads (see the package documentation).
const (
	SpecLimit   = 16 << 20
	ResultLimit = 1 << 30
)

// ErrNotRegular is wrapped by the error for a path that is not a regular file.
var ErrNotRegular = errors.New("not a regular file")

// TooLargeError is the error for a file longer than the limit it was read with.
type TooLargeError struct {
	Limit int64 // bytes
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("larger than %s, the most raftsim reads from a file of this kind", size(e.Limit))
}

// ReadFile returns the contents of the regular file at path, or an error if it is not a regular file
// or holds more than limit bytes.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := Open(path, limit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	return data, nil
}

// OpenRegular opens path for reading, without blocking, and returns it with its FileInfo only if it is
// a regular file; otherwise the error wraps ErrNotRegular. It is for callers that need the *os.File
// itself (to read at an offset, say) and cap what they read on their own; the caller closes it.
func OpenRegular(path string) (*os.File, fs.FileInfo, error) {
	// O_NONBLOCK: opening a named pipe would otherwise wait for a writer; on a regular file it does
	// nothing.
	f, err := os.OpenFile(path, os.O_RDONLY|nonBlock, 0)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w (%s)", ErrNotRegular, kind(st.Mode()))}
	}
	return f, st, nil
}

// Open opens the regular file at path for reading at most limit bytes: a read past the limit fails
// with a *TooLargeError (in an *fs.PathError). The caller closes it.
func Open(path string, limit int64) (io.ReadCloser, error) {
	f, st, err := OpenRegular(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > limit {
		f.Close()
		return nil, &fs.PathError{Op: "read", Path: path, Err: &TooLargeError{Limit: limit}}
	}
	return &capped{f: f, path: path, left: limit + 1, limit: limit}, nil
}

// capped reads at most limit+1 bytes of a file and fails if it gets the extra one.
type capped struct {
	f     *os.File
	path  string
	left  int64
	limit int64
}

func (c *capped) Read(p []byte) (int, error) {
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.f.Read(p)
	c.left -= int64(n)
	if c.left == 0 {
		return n - 1, &fs.PathError{Op: "read", Path: c.path, Err: &TooLargeError{Limit: c.limit}}
	}
	return n, err
}

func (c *capped) Close() error { return c.f.Close() }

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a plain file"
}

func size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
