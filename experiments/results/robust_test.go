package results

import (
	"context"
	"errors"
	"path/filepath"
	"syscall"
	"testing"
	"time"

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
		if _, err := ReadTable(path); !errors.Is(err, readfile.ErrNotRegular) {
			t.Errorf("ReadTable(%s): %v", path, err)
		}
		var fe *FileError
		if _, err := ReadManifest(path); !errors.As(err, &fe) || fe.Msg != "not a regular file" {
			t.Errorf("ReadManifest(%s): %v", path, err)
		}
	}
}

// TestLoadTrialsRefusesAPipe: a named pipe in the place of trials.csv is refused at once; opening it
// for reading used to wait for a writer that never comes.
func TestLoadTrialsRefusesAPipe(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "trials.csv")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := LoadTrials(context.Background(), fifo, testPlan(), []string{"m"})
		done <- err
	}()
	select {
	case err := <-done:
		var fe *FileError
		if !errors.As(err, &fe) || fe.Msg != "not a regular file" {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("LoadTrials blocked on a named pipe")
	}
}
