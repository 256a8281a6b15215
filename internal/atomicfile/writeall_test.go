package atomicfile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteAll: files written together are committed together: a cancelled context or a path that
// cannot be written (a directory where the second file goes) leaves every file as it was and no
// temporary file; otherwise every file holds its new content.
func TestWriteAll(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name  string
		ctx   context.Context
		setup func(dir string)
		ok    bool
	}{
		{"written", context.Background(), func(string) {}, true},
		{"cancelled", cancelled, func(string) {}, false},
		{"a directory in the way", context.Background(), func(dir string) { os.Mkdir(filepath.Join(dir, "b.svg"), 0o755) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			a, b := filepath.Join(dir, "a.png"), filepath.Join(dir, "b.svg")
			os.WriteFile(a, []byte("old a"), 0o644)
			tt.setup(dir)
			before, _ := os.ReadDir(dir)
			err := WriteAll(tt.ctx, []Content{{a, []byte("new a")}, {b, []byte("new b")}})
			got, _ := os.ReadFile(a)
			if tt.ok {
				gotB, _ := os.ReadFile(b)
				if err != nil || string(got) != "new a" || string(gotB) != "new b" {
					t.Fatalf("err %v, a %q, b %q", err, got, gotB)
				}
				return
			}
			if err == nil || string(got) != "old a" {
				t.Fatalf("err %v, a %q: want an error and a as it was", err, got)
			}
			if tt.ctx == cancelled && !errors.Is(err, context.Canceled) {
				t.Errorf("err %v does not wrap the context's cause", err)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != len(before) {
				t.Errorf("left behind: %v", ents)
			}
		})
	}
}
