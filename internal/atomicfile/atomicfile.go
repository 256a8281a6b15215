package atomicfile

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"strings"
	"syscall"
	"time"
)

// Stdout is the path that names standard output.
const Stdout = "-"

// bufSize is the write buffer of a File.
const bufSize = 64 << 10

// fifoPoll is how often Create retries opening a FIFO that has no reader yet.
const fifoPoll = 20 * time.Millisecond

// PathError is a path Create refuses: Err says why ("is a directory", "directory x does not exist",
// "permission denied", ...). Nothing was written.
type PathError struct {
	Path string
	Err  error
}

func (e *PathError) Error() string { return "atomicfile: " + e.Path + ": " + e.Err.Error() }

func (e *PathError) Unwrap() error { return e.Err }

// File is an output opened by Create. Write to it, then Commit to make the output final or Abort to
// drop it; exactly one of them must be called. A File is used by one goroutine.
type File struct {
	path   string // as given to Create, for messages
	f      *os.File
	w      *bufio.Writer
	stream bool // written in place: standard output, a device, a FIFO

	// Atomic replacement only.
	tmp, target string      // the temporary file, and the file it replaces (links followed)
	replacing   bool        // a file is there: the new one takes its mode and owner
	mode        fs.FileMode // of the file replaced
	owner       owner       // of the file replaced, where the platform says

	stop func() bool // ends the context watch of a stream
	done bool
}

// Create opens path for output (see the package documentation for what happens with each kind of
// file). A path Create refuses gives a *PathError; ctx, done while waiting for a FIFO's reader, gives
// its cause.
func Create(ctx context.Context, path string) (*File, error) {
	if path == Stdout {
		return &File{path: path, f: os.Stdout, w: bufio.NewWriterSize(os.Stdout, bufSize), stream: true}, nil
	}
	bad := func(format string, args ...any) error {
		return &PathError{Path: path, Err: fmt.Errorf(format, args...)}
	}
	if path == "" {
		return nil, bad("no file name")
	}
	target, fi, err := resolve(path)
	if err != nil {
		return nil, &PathError{Path: path, Err: err}
	}
	if fi == nil {
		// Nothing there yet: a new regular file, in a directory that must exist.
		if strings.HasSuffix(target, "/") {
			return nil, bad("is not a file name (ends with /)")
		}
		return createAtomic(path, target, nil)
	}
	switch m := fi.Mode(); {
	case m.IsRegular():
		return createAtomic(path, target, fi)
	case m.IsDir():
		return nil, bad("is a directory")
	case m&fs.ModeNamedPipe != 0:
		return openFIFO(ctx, path, target)
	case m&fs.ModeDevice != 0:
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return nil, &PathError{Path: path, Err: reason(err)}
		}
		return newStream(ctx, path, f, fs.ModeDevice)
	case m&fs.ModeSocket != 0:
		return nil, bad("is a socket")
	default:
		return nil, bad("is not a regular file, a device or a pipe (%v)", m.Type())
	}
}

// reason is what went wrong, without the operation and path an *fs.PathError repeats.
func reason(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// maxLinks bounds a chain of symbolic links, as the kernel does (40 on Linux).
const maxLinks = 40

// resolve follows path's symbolic links to the file they lead to; fi is nil when nothing is there.
// Relative link targets are relative to the link's own directory, and the path is not cleaned
// lexically, so ".." means what the kernel makes of it.
func resolve(path string) (target string, fi fs.FileInfo, err error) {
	p := path
	for range maxLinks {
		fi, err := os.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return p, nil, nil
		case err != nil:
			return "", nil, reason(err)
		case fi.Mode()&fs.ModeSymlink == 0:
			return p, fi, nil
		}
		to, err := os.Readlink(p)
		if err != nil {
			return "", nil, reason(err)
		}
		if !strings.HasPrefix(to, "/") {
			to = parent(p) + "/" + to
		}
		p = to
	}
	return "", nil, errors.New("too many levels of symbolic links")
}

// parent is the directory part of p, without cleaning ("a/b/../c" gives "a/b/..").
func parent(p string) string {
	p = strings.TrimRight(p, "/")
	i := strings.LastIndexByte(p, '/')
	switch {
	case i < 0:
		return "."
	case i == 0:
		return "/"
	}
	return p[:i]
}

// base is the last element of p.
func base(p string) string {
	return p[strings.LastIndexByte(p, '/')+1:]
}

// createAtomic starts the atomic replacement of target (fi: what is there now, nil for nothing).
func createAtomic(path, target string, fi fs.FileInfo) (*File, error) {
	dir := parent(target)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, &PathError{Path: path, Err: fmt.Errorf("directory %s does not exist", dir)}
	case err != nil:
		return nil, &PathError{Path: path, Err: reason(err)}
	case !st.IsDir():
		return nil, &PathError{Path: path, Err: fmt.Errorf("%s is not a directory", dir)}
	}
	a := &File{path: path, target: target}
	if fi != nil {
		// Replacing a file the user made read-only would defeat the point of making it so.
		if err := writable(target); err != nil {
			return nil, &PathError{Path: path, Err: fmt.Errorf("is read-only (%w)", err)}
		}
		a.replacing, a.mode, a.owner = true, fi.Mode().Perm(), ownerOf(fi)
	}
	// Temporary files of dead writers of the same target go first; errors do not matter here.
	cleanPrefix(dir, tempPrefix(base(target)))
	f, err := createTemp(dir, base(target))
	if err != nil {
		return nil, &PathError{Path: path, Err: reason(err)}
	}
	a.f, a.tmp = f, f.Name()
	a.w = bufio.NewWriterSize(f, bufSize)
	return a, nil
}

// tempPrefix is the name of name's temporary files without their random suffix. A long name is cut so
// that the temporary name stays within the 255 bytes a file name may have.
func tempPrefix(name string) string {
	if len(name) > 200 {
		name = name[:200]
	}
	return "." + name + ".tmp-"
}

// createTemp creates and locks a new temporary file for name in dir.
func createTemp(dir, name string) (*os.File, error) {
	for range 1000 {
		p := dir + "/" + tempPrefix(name) + fmt.Sprintf("%016x", rand.Uint64())
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := lock(f); err != nil {
			f.Close()
			os.Remove(p)
			return nil, err
		}
		// Clean may have taken the lock between the create and ours and removed the file: then it is
		// not ours any more, and we start again with another name.
		if !stillAt(f, p) {
			f.Close()
			continue
		}
		return f, nil
	}
	return nil, errors.New("cannot find a free temporary file name")
}

// stillAt says whether path is still the name of the open file f.
func stillAt(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Lstat(path)
	return err == nil && os.SameFile(a, b)
}

// openFIFO opens a named pipe for writing once a reader has it open, or ctx is done.
func openFIFO(ctx context.Context, path, target string) (*File, error) {
	for {
		// O_NONBLOCK: open fails with ENXIO instead of blocking while there is no reader, so that the
		// wait can end with ctx; the open file then sits in Go's poller, where writes block a goroutine
		// and honour deadlines.
		f, err := os.OpenFile(target, os.O_WRONLY|syscall.O_NONBLOCK, 0)
		if err == nil {
			return newStream(ctx, path, f, fs.ModeNamedPipe)
		}
		if !errors.Is(err, syscall.ENXIO) {
			return nil, &PathError{Path: path, Err: reason(err)}
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("atomicfile: %s: waiting for a reader of the pipe: %w", path, context.Cause(ctx))
		case <-time.After(fifoPoll):
		}
	}
}

// newStream wraps an opened device or FIFO, after checking that it is still the kind of file Create
// saw: what Lstat saw may have been replaced before the open.
func newStream(ctx context.Context, path string, f *os.File, kind fs.FileMode) (*File, error) {
	fi, err := f.Stat()
	if err != nil || fi.Mode()&kind == 0 {
		f.Close()
		return nil, &PathError{Path: path, Err: errors.New("changed while being opened")}
	}
	s := &File{path: path, f: f, w: bufio.NewWriterSize(f, bufSize), stream: true}
	// A pipe whose reader stopped reading blocks the writer: ctx ends the wait. A file outside Go's
	// poller (most devices) has no deadlines and never blocks for long.
	s.stop = context.AfterFunc(ctx, func() { f.SetWriteDeadline(time.Unix(1, 0)) })
	return s, nil
}

// Stream says whether the output is written in place (standard output, a device or a pipe) rather
// than replaced atomically.
func (f *File) Stream() bool { return f.stream }

// Write buffers p for the output.
func (f *File) Write(p []byte) (int, error) {
	if f.done {
		return 0, fmt.Errorf("atomicfile: %s: write after Commit or Abort", f.path)
	}
	return f.w.Write(p)
}

// Commit makes the output final: a regular file is synced and renamed over the target, a stream is
// flushed and closed (standard output is flushed only). After an error the output is aborted.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("atomicfile: %s: Commit after Commit or Abort", f.path)
	}
	if err := f.commit(); err != nil {
		f.Abort()
		return fmt.Errorf("atomicfile: %s: %w", f.path, err)
	}
	return nil
}

func (f *File) commit() error {
	if err := f.w.Flush(); err != nil {
		return err
	}
	if f.stream {
		f.done = true
		return f.closeStream()
	}
	if f.replacing {
		if err := f.f.Chmod(f.mode); err != nil {
			return err
		}
		// Best effort: only a privileged process may give a file away, and it should, rather than
		// leave a user's file owned by root.
		f.owner.apply(f.f)
	}
	if err := f.f.Sync(); err != nil {
		return err
	}
	// Renamed while still open, so still locked: Clean cannot take the file between the two.
	if err := os.Rename(f.tmp, f.target); err != nil {
		return err
	}
	f.done = true
	if err := f.f.Close(); err != nil {
		return err
	}
	return syncDir(parent(f.target))
}

// Abort drops the output: the temporary file of a regular file is removed and the target left as it
// was; a stream keeps what was written, flushed. Abort after Commit does nothing.
func (f *File) Abort() error {
	if f.done {
		return nil
	}
	f.done = true
	if f.stream {
		ferr := f.w.Flush()
		if err := f.closeStream(); ferr == nil {
			ferr = err
		}
		return ferr
	}
	// Removed while still locked, for the same reason as in Commit.
	err := os.Remove(f.tmp)
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (f *File) closeStream() error {
	if f.stop != nil {
		f.stop()
	}
	if f.f == os.Stdout {
		return nil
	}
	return f.f.Close()
}

// Write writes path through write with Create and Commit, or Abort when write fails. Its errors are
// Create's, write's wrapped, and Commit's.
func Write(path string, write func(w io.Writer) error) error {
	return WriteContext(context.Background(), path, write)
}

// WriteContext is Write for a write that ctx may stop: Create waits for a FIFO's reader only until ctx
// is done, and once ctx is done the output is aborted rather than committed, whatever write returned,
// so that an interrupted writer leaves a regular file as it was. Its error then wraps ctx's cause.
// write itself should watch ctx in its long loops (or write through a writer that does).
func WriteContext(ctx context.Context, path string, write func(w io.Writer) error) error {
	f, err := Create(ctx, path)
	if err != nil {
		return err
	}
	err = write(f)
	if err == nil && ctx.Err() != nil {
		err = context.Cause(ctx)
	}
	if err != nil {
		f.Abort()
		return fmt.Errorf("atomicfile: %s: %w", path, err)
	}
	return f.Commit()
}

// Content is a file for WriteAll: its path and everything it is to hold.
type Content struct {
	Path string
	Data []byte
}

// WriteAll writes files that belong together (the formats of one figure, the two forms of a
// comparison) as WriteContext writes one, but commits none of them until every one is written, and
// looks at ctx once, before the first commit: once ctx is done, or a file cannot be created or
// written, every regular file is left as it was and the error (wrapping ctx's cause) returned. Only a
// commit that fails (a full disk while syncing) can leave the files before it new and those after it
// old. A stream among files (a device, a FIFO) is written as it is reached and cannot be taken back.
func WriteAll(ctx context.Context, files []Content) error {
	opened := make([]*File, 0, len(files))
	abort := func() {
		for _, f := range opened {
			f.Abort()
		}
	}
	for _, c := range files {
		f, err := Create(ctx, c.Path)
		if err != nil {
			abort()
			return err
		}
		opened = append(opened, f)
		if _, err := f.Write(c.Data); err != nil {
			abort()
			return fmt.Errorf("atomicfile: %s: %w", c.Path, err)
		}
	}
	if ctx.Err() != nil {
		abort()
		return fmt.Errorf("atomicfile: %s: %w", files[0].Path, context.Cause(ctx))
	}
	for i, f := range opened {
		if err := f.Commit(); err != nil {
			for _, g := range opened[i+1:] {
				g.Abort()
			}
			return err
		}
	}
	return nil
}

// SyncDir makes the directory entries of dir (files created, renamed or removed in it) durable.
func SyncDir(dir string) error {
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	// Some file systems cannot sync a directory; the rename is then as durable as they make it.
	if err != nil && !errors.Is(err, os.ErrInvalid) && !errors.Is(err, syscall.EINVAL) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
