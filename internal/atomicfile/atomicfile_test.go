//go:build unix

package atomicfile

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for a writer that gets killed: with ATOMICFILE_HELPER=PATH it
// starts an atomic write of PATH, writes into it, says "ready" and waits to be killed.
func TestMain(m *testing.M) {
	if path := os.Getenv("ATOMICFILE_HELPER"); path != "" {
		f, err := Create(context.Background(), path)
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		f.Write(bytes.Repeat([]byte("half-written\n"), 10000))
		f.w.Flush()
		fmt.Println("ready")
		select {}
	}
	os.Exit(m.Run())
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "trials.csv")
	if err := os.WriteFile(path, []byte("good\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(path, func(w io.Writer) error {
		io.WriteString(w, strings.Repeat("half-written ", 100000)) // more than the buffer: reaches the temp file
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "good\n" {
		t.Errorf("existing file changed to %d bytes", len(got))
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("left behind: %v", ents)
	}

	if err := Write(path, func(w io.Writer) error { _, err := io.WriteString(w, "new\n"); return err }); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "new\n" {
		t.Errorf("got %q after a successful write", got)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("left behind: %v", ents)
	}

	missing := filepath.Join(dir, "missing", "x.csv")
	if err := Write(missing, func(io.Writer) error { return nil }); err == nil {
		t.Error("writing into a missing directory: no error")
	}
}

// write writes text to path through Create and Commit.
func write(t *testing.T, path, text string) error {
	t.Helper()
	f, err := Create(context.Background(), path)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(f, text); err != nil {
		t.Fatal(err)
	}
	return f.Commit()
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}

// readAll reads the FIFO at path in the background; wait returns what it read.
func readAll(t *testing.T, path string) (wait func() string) {
	t.Helper()
	var got []byte
	var wg sync.WaitGroup
	opened := make(chan struct{})
	wg.Go(func() {
		f, err := os.Open(path) // blocks until the writer opens
		close(opened)
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		got, _ = io.ReadAll(f)
	})
	return func() string {
		wg.Wait()
		return string(got)
	}
}

// TestKinds: what Create does with each kind of path. Nothing that is not a regular file is ever
// replaced, and a link stays a link.
func TestKinds(t *testing.T) {
	type check func(t *testing.T, dir string)
	const text = "line 1\nline 2\n"
	regular := func(name, want string) check {
		return func(t *testing.T, dir string) {
			st, err := os.Lstat(filepath.Join(dir, name))
			if err != nil || !st.Mode().IsRegular() {
				t.Fatalf("%s: %v, %v; want a regular file", name, st, err)
			}
			if b, _ := os.ReadFile(filepath.Join(dir, name)); string(b) != want {
				t.Errorf("%s holds %q, want %q", name, b, want)
			}
		}
	}
	link := func(name, to string) check {
		return func(t *testing.T, dir string) {
			got, err := os.Readlink(filepath.Join(dir, name))
			if err != nil || got != to {
				t.Errorf("%s: link to %q (%v), want a link to %q", name, got, err, to)
			}
		}
	}
	mode := func(name string, want fs.FileMode) check {
		return func(t *testing.T, dir string) {
			if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Mode().Perm() != want {
				t.Errorf("%s: mode %v (%v), want %v", name, st.Mode().Perm(), err, want)
			}
		}
	}
	tests := []struct {
		name   string
		setup  func(t *testing.T, dir string)
		path   string
		checks []check
	}{
		{"new file", nil, "t.jsonl", []check{regular("t.jsonl", text), mode("t.jsonl", 0o644)}},
		{"existing file keeps its mode", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "t.jsonl"), []byte("old\n"), 0o600)
		}, "t.jsonl", []check{regular("t.jsonl", text), mode("t.jsonl", 0o600)}},
		{"link to a file", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "real.jsonl"), []byte("old\n"), 0o640)
			os.Symlink("real.jsonl", filepath.Join(dir, "t.jsonl"))
		}, "t.jsonl", []check{link("t.jsonl", "real.jsonl"), regular("real.jsonl", text), mode("real.jsonl", 0o640)}},
		{"chain of links across directories", func(t *testing.T, dir string) {
			os.Mkdir(filepath.Join(dir, "sub"), 0o755)
			os.WriteFile(filepath.Join(dir, "sub", "real.jsonl"), []byte("old\n"), 0o644)
			os.Symlink("real.jsonl", filepath.Join(dir, "sub", "l2"))
			os.Symlink("sub/l2", filepath.Join(dir, "t.jsonl"))
		}, "t.jsonl", []check{link("t.jsonl", "sub/l2"), link("sub/l2", "real.jsonl"), regular("sub/real.jsonl", text)}},
		{"link through a linked directory", func(t *testing.T, dir string) {
			// d -> a/b; d/l -> ../c: the kernel resolves .. from a/b, so the target is a/c, not c.
			os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755)
			os.Symlink("a/b", filepath.Join(dir, "d"))
			os.Symlink("../c", filepath.Join(dir, "a", "b", "l"))
		}, "d/l", []check{link("a/b/l", "../c"), regular("a/c", text)}},
		{"dangling link", func(t *testing.T, dir string) {
			os.Symlink("new.jsonl", filepath.Join(dir, "t.jsonl"))
		}, "t.jsonl", []check{link("t.jsonl", "new.jsonl"), regular("new.jsonl", text)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			if err := write(t, filepath.Join(dir, tt.path), text); err != nil {
				t.Fatal(err)
			}
			for _, c := range tt.checks {
				c(t, dir)
			}
			ents, _ := filepath.Glob(filepath.Join(dir, "*", ".*.tmp-*"))
			more, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
			if len(ents)+len(more) > 0 {
				t.Errorf("temporary files left: %v %v", ents, more)
			}
		})
	}
}

// TestDevNull: /dev/null is written through and stays the device it was (run as root, replacing it
// would succeed).
func TestDevNull(t *testing.T) {
	before, err := os.Stat(os.DevNull)
	if err != nil {
		t.Skip(err)
	}
	f, err := Create(context.Background(), os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Stream() {
		t.Error("/dev/null is not written as a stream")
	}
	io.WriteString(f, strings.Repeat("x", 1<<20))
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	after, err := os.Lstat(os.DevNull)
	if err != nil || after.Mode() != before.Mode() || after.Mode()&fs.ModeCharDevice == 0 || !os.SameFile(before, after) {
		t.Fatalf("/dev/null is now %v (%v), was %v", after.Mode(), err, before.Mode())
	}
	// And through a link.
	l := filepath.Join(t.TempDir(), "null")
	os.Symlink(os.DevNull, l)
	if err := write(t, l, "x\n"); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Lstat(l); st.Mode()&fs.ModeSymlink == 0 {
		t.Error("the link to /dev/null was replaced")
	}
}

// TestFIFO: a pipe with a reader gets the whole output and stays a pipe, directly or through a link.
func TestFIFO(t *testing.T) {
	for _, viaLink := range []bool{false, true} {
		t.Run(fmt.Sprintf("link=%v", viaLink), func(t *testing.T) {
			dir := t.TempDir()
			fifo := filepath.Join(dir, "pipe")
			mkfifo(t, fifo)
			path := fifo
			if viaLink {
				path = filepath.Join(dir, "link")
				os.Symlink("pipe", path)
			}
			wait := readAll(t, fifo)
			text := strings.Repeat("0123456789abcdef\n", 50000) // 850 kB, many times the pipe's buffer
			if err := write(t, path, text); err != nil {
				t.Fatal(err)
			}
			if got := wait(); got != text {
				t.Errorf("the reader got %d bytes, want %d", len(got), len(text))
			}
			if st, _ := os.Lstat(fifo); st.Mode()&fs.ModeNamedPipe == 0 {
				t.Errorf("the pipe is now %v", st.Mode())
			}
			if ents, _ := os.ReadDir(dir); len(ents) != map[bool]int{false: 1, true: 2}[viaLink] {
				t.Errorf("directory holds %v", ents)
			}
		})
	}
}

// TestFIFOCancel: the context ends the wait for a reader, and a write blocked by a reader that does not
// read.
func TestFIFOCancel(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe")
	mkfifo(t, fifo)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := Create(ctx, fifo); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("no reader: err %v after %v, want the context's error at once", err, time.Since(start))
	}

	r, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0) // a reader that never reads
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel = context.WithCancel(context.Background())
	f, err := Create(ctx, fifo)
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err = f.Write(make([]byte, 4<<20)) // far more than the pipe holds
	if err == nil {
		err = f.Commit()
	} else {
		f.Abort()
	}
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("blocked write: err %v, want it ended by the context", err)
	}
}

// TestAbort: an aborted regular file leaves the target as it was and no temporary file; an aborted
// stream keeps, flushed, what was written.
func TestAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.jsonl")
	os.WriteFile(path, []byte("old\n"), 0o644)
	f, err := Create(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(f, strings.Repeat("new\n", 100000))
	if err := f.Abort(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old\n" {
		t.Errorf("aborted: target holds %d bytes", len(b))
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("aborted: left %v", ents)
	}
	if _, err := f.Write([]byte("x")); err == nil {
		t.Error("write after Abort: no error")
	}

	fifo := filepath.Join(dir, "pipe")
	mkfifo(t, fifo)
	wait := readAll(t, fifo)
	f, err = Create(context.Background(), fifo)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(f, "a short line\n") // stays in the buffer until Abort flushes it
	f.Abort()
	if got := wait(); got != "a short line\n" {
		t.Errorf("aborted stream: reader got %q", got)
	}
}

// TestRefused: paths Create refuses, before writing anything, with a *PathError saying why.
func TestRefused(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "file"), []byte("x"), 0o644)
	os.Symlink("loop2", filepath.Join(dir, "loop1"))
	os.Symlink("loop1", filepath.Join(dir, "loop2"))
	os.Symlink("missing/t.jsonl", filepath.Join(dir, "dangling-dir"))
	sock := filepath.Join(dir, "sock")
	if l, err := net.Listen("unix", sock); err == nil {
		defer l.Close()
	}
	tests := []struct{ path, want string }{
		{"", "no file name"},
		{dir, "is a directory"},
		{dir + "/", "is a directory"},
		{filepath.Join(dir, "new") + "/", "ends with /"},
		{filepath.Join(dir, "missing", "t.jsonl"), "directory " + filepath.Join(dir, "missing") + " does not exist"},
		{filepath.Join(dir, "file", "t.jsonl"), "not a directory"},
		{filepath.Join(dir, "loop1"), "too many levels of symbolic links"},
		{filepath.Join(dir, "dangling-dir"), "does not exist"},
		{sock, "is a socket"},
	}
	if _, err := os.Stat("/proc/self"); err == nil {
		tests = append(tests, struct{ path, want string }{"/proc/raftsim-trace", ""}) // not writable, even by root
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o555)
		os.WriteFile(filepath.Join(dir, "readonly"), []byte("keep"), 0o444)
		tests = append(tests, struct{ path, want string }{filepath.Join(ro, "t.jsonl"), "permission denied"},
			struct{ path, want string }{filepath.Join(dir, "readonly"), "is read-only"})
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			before, _ := os.ReadDir(dir)
			f, err := Create(context.Background(), tt.path)
			var pe *PathError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.want) {
				if f != nil {
					f.Abort()
				}
				t.Fatalf("err = %v, want a *PathError saying %q", err, tt.want)
			}
			if after, _ := os.ReadDir(dir); len(after) != len(before) {
				t.Errorf("refused, but the directory went from %d to %d entries", len(before), len(after))
			}
		})
	}
}

// TestStdout: "-" writes to standard output, which Commit does not close.
func TestStdout(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = w
	defer func() { os.Stdout = saved }()
	f, err := Create(context.Background(), Stdout)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(f, "to stdout\n")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("still open\n")); err != nil {
		t.Fatalf("standard output closed by Commit: %v", err)
	}
	w.Close()
	if b, _ := io.ReadAll(r); string(b) != "to stdout\nstill open\n" {
		t.Errorf("got %q", b)
	}
}

// killedWriter starts a process that begins an atomic write of path and kills it with SIGKILL once it
// has written; it returns the temporary file it left.
func killedWriter(t *testing.T, path string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ATOMICFILE_HELPER="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "ready\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper: %q", line)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*"))
	if len(left) != 1 {
		t.Fatalf("the killed writer left %v, want one temporary file", left)
	}
	return left[0]
}

// TestCleanAfterKill: the temporary file of a writer killed with SIGKILL is removed by Clean and by the
// next write of the same file, while the temporary file of a live writer, and every other file, stays.
func TestCleanAfterKill(t *testing.T) {
	dir := t.TempDir()
	dead := killedWriter(t, filepath.Join(dir, "trials.csv"))
	deadOther := killedWriter(t, filepath.Join(dir, "summary.csv"))

	live, err := Create(context.Background(), filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(live, "live\n")
	keep := []string{filepath.Join(dir, "notes.txt"), filepath.Join(dir, ".notes.tmp-draft"), filepath.Join(dir, ".x.tmp-")}
	for _, k := range keep {
		os.WriteFile(k, []byte("mine"), 0o644)
	}

	// The next write of trials.csv removes its dead writer's file only.
	if err := write(t, filepath.Join(dir, "trials.csv"), "new\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dead); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("writing trials.csv again left its dead writer's %s", filepath.Base(dead))
	}
	if _, err := os.Stat(deadOther); err != nil {
		t.Errorf("writing trials.csv removed another file's temporary file: %v", err)
	}

	if err := Clean(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(deadOther); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Clean left %s", filepath.Base(deadOther))
	}
	if _, err := os.Stat(live.tmp); err != nil {
		t.Fatalf("Clean removed a live writer's temporary file: %v", err)
	}
	for _, k := range keep {
		if _, err := os.Stat(k); err != nil {
			t.Errorf("Clean removed %s", filepath.Base(k))
		}
	}
	if err := live.Commit(); err != nil {
		t.Fatalf("the live writer could not commit after Clean: %v", err)
	}
}

// TestCleanRace: writers committing while Clean runs over and over never fail and never lose output.
func TestCleanRace(t *testing.T) {
	dir := t.TempDir()
	stop := make(chan struct{})
	var cleaner sync.WaitGroup
	cleaner.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
				Clean(dir)
			}
		}
	})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 100 {
				path := filepath.Join(dir, fmt.Sprintf("f%d", w))
				text := fmt.Sprintf("%d %d\n", w, i)
				if err := write(t, path, text); err != nil {
					t.Error(err)
					return
				}
				if b, _ := os.ReadFile(path); string(b) != text {
					t.Errorf("%s holds %q, want %q", path, b, text)
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	cleaner.Wait()
}
