package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/creack/pty"
)

// onTerminal runs raftsim with standard error on a pseudo-terminal of the given width and returns what
// it drew there. (github.com/creack/pty: a real terminal, so that the width is the terminal's own.)
func onTerminal(t *testing.T, cols uint16, args ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "RAFTSIM_BE_MAIN=1")
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: cols}); err != nil {
		t.Fatal(err)
	}
	cmd.Stderr, cmd.Stdout = tty, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	var out bytes.Buffer
	done := make(chan struct{})
	go func() { io.Copy(&out, ptmx); close(done) }() // ends with EIO when the child exits
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out.String())
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	return out.String()
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[a-zA-Z]`)

// TestProgressFitsTerminal: on a 50-column terminal, every redraw of the progress bars of sweep and of
// a long run fits the width (a line wider than the terminal wraps, and each redraw left a new line).
func TestProgressFitsTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a sweep and a run of a few seconds each")
	}
	dir := t.TempDir()
	for _, args := range [][]string{
		{"sweep", "testdata/sweep.yaml", "--out", filepath.Join(dir, "s"), "--workers", "1"},
		{"run", "--duration", "6m", "--clients", "20"},
	} {
		out := onTerminal(t, 50, args...)
		lines := strings.FieldsFunc(ansi.ReplaceAllString(out, ""), func(r rune) bool { return r == '\r' || r == '\n' })
		drawn := 0
		for _, l := range lines {
			if strings.TrimSpace(l) == "" {
				continue
			}
			drawn++
			if w := utf8.RuneCountInString(l); w > 50 {
				t.Errorf("%s: a line of %d columns on a 50-column terminal: %q", args[0], w, l)
			}
		}
		if drawn == 0 {
			t.Errorf("%s: drew no progress on a terminal: %q", args[0], out)
		}
		if strings.Contains(out, "\n") {
			t.Errorf("%s: the progress bar wrote a new line: %q", args[0], out)
		}
	}
}
