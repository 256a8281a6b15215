package readfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(file, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		path     string
		limit    int64
		want     string // contents; "" when an error is wanted
		notReg   bool
		tooLarge bool
	}{
		{"regular", file, 100, "0123456789", false, false},
		{"exactly the limit", file, 10, "0123456789", false, false},
		{"one byte over", file, 9, "", false, true},
		{"symbolic link to a regular file", link, 10, "0123456789", false, false},
		{"directory", dir, 100, "", true, false},
		{"/dev/zero, which never ends", "/dev/zero", 100, "", true, false},
		{"/dev/null", "/dev/null", 100, "", true, false},
		{"named pipe with no writer", fifo, 100, "", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan struct{})
			var data []byte
			var err error
			go func() {
				defer close(done)
				data, err = ReadFile(tt.path, tt.limit)
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("ReadFile blocked")
			}
			var pe *fs.PathError
			var tl *TooLargeError
			switch {
			case tt.want != "":
				if err != nil || string(data) != tt.want {
					t.Fatalf("got %q, %v", data, err)
				}
			case !errors.As(err, &pe) || pe.Path != tt.path:
				t.Fatalf("err = %v, want a PathError for %s", err, tt.path)
			case tt.notReg != errors.Is(err, ErrNotRegular), tt.tooLarge != errors.As(err, &tl):
				t.Fatalf("err = %v", err)
			}
		})
	}
}

// TestCapWhileReading: a file whose size says nothing (a /proc file reports 0) is still cut off once
// it passes the limit, after at most limit+1 bytes.
func TestCapWhileReading(t *testing.T) {
	const path = "/proc/self/maps"
	st, err := os.Stat(path)
	if err != nil || st.Size() != 0 {
		t.Skip("no /proc file reporting size 0")
	}
	data, err := ReadFile(path, 1<<20)
	if err != nil || len(data) < 100 {
		t.Fatalf("under a generous limit: %d bytes, %v", len(data), err)
	}
	r, err := Open(path, 50)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := io.ReadAll(r)
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Limit != 50 || len(got) > 50 {
		t.Fatalf("read %d bytes, err %v; want at most 50 and a TooLargeError", len(got), err)
	}
	if !strings.Contains(err.Error(), "larger than 50 bytes") {
		t.Fatalf("message %q", err)
	}
}

func TestOpenStreams(t *testing.T) {
	file := filepath.Join(t.TempDir(), "trials.csv")
	want := bytes.Repeat([]byte("a,b,c\n"), 10000)
	if err := os.WriteFile(file, want, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Open(file, ResultLimit)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read %d bytes, %v", len(got), err)
	}
}

func ExampleReadFile() {
	_, err := ReadFile("/dev/zero", SpecLimit)
	fmt.Println(err)
	// Output: read /dev/zero: not a regular file (a character device)
}
