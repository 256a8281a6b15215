package topology

import (
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/raftsim/raftsim/internal/readfile"
)

// TestLoadRefusesNonFiles: a topology path that is a named pipe is refused at once instead of blocking
// until someone writes to it, and a device is never read.
func TestLoadRefusesNonFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "net.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, "/dev/null/net.json"} {
		_, err := Load(path, Link{})
		if err == nil || path == fifo && !errors.Is(err, readfile.ErrNotRegular) {
			t.Errorf("Load(%s): %v", path, err)
		}
	}
}

// TestAliasesBounded: a topology file's aliases are bounded as a spec's are, by count and by what they
// expand to. The decoder used to follow any number of them: a group of 300,000 node IDs quoted by a
// thousand other groups is a 1 MB file that expands to 300 million IDs. Here a 1 MB latency quoted by
// 20 edges goes past 16 MiB at the 16th; a few aliases still read as before.
func TestAliasesBounded(t *testing.T) {
	var wide strings.Builder
	wide.WriteString("nodes: 3\ndefaults: {latency: &l \"1ms" + strings.Repeat(" ", 1<<20) + "\"}\nedges:\n")
	for range 20 {
		wide.WriteString("  - {from: 1, to: 2, latency: *l}\n")
	}
	many := "nodes: 3\ngroups:\n  a: [&x 1" + strings.Repeat(", *x", 10001) + "]\n"
	tests := []struct{ name, src, want string }{
		{"one large latency quoted 20 times", wide.String(),
			"topology: t.yaml:19: the aliases followed so far expand to more than 16777216 bytes (16 MiB, the most read from a file): write the values out, or quote fewer"},
		{"more than 10000 aliases", many, "topology: t.yaml:3: more than 10000 aliases followed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse([]byte(tt.src), "t.yaml", ms1, MaxFileNodes)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v\nwant %s", err, tt.want)
			}
		})
	}
	g, err := parse([]byte("nodes: 3\ngroups:\n  a: &a [1, 2]\n  b: *a\nedges:\n  - &e {from: 1, to: 2, latency: 2ms}\n  - *e\n"), "t.yaml", ms1, MaxFileNodes)
	if err != nil {
		t.Fatal(err)
	}
	if ids, _ := g.Group("b"); len(ids) != 2 {
		t.Fatalf("group b = %v, want the nodes of a", ids)
	}
}
