package spec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/raftsim/raftsim/internal/readfile"
)

// TestSpecBounds: the bounds of cluster.Validate (the place flags and spec fields both go through)
// reach spec fields with the spec's names, and the registry's ranges are cluster's constants.
func TestSpecBounds(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"heartbeat 1ns", "name: x\ncluster: {heartbeat: 1ns}\n", "spec: t.yaml:2: cluster.heartbeat: heartbeat: 1ns: at least 1us ("},
		{"client timeout on an axis", "name: x\naxes:\n  - {param: client_timeout, values: [1ms, 1ns]}\n",
			"spec: t.yaml:3: axes[0] (client_timeout=1ns): client_timeout: 1ns: at least 1us ("},
		{"election timeout 1ns", "name: x\ncluster: {election_timeout: 1ns}\n", "cluster.election_timeout: election_timeout: minimum 1ns: at least 2us ("},
		{"op deadline 1ns", "name: x\ncluster: {op_deadline: 1ns}\n", "spec: t.yaml:2: cluster.op_deadline: op_deadline: 1ns: at least 1us ("},
		{"chaos interval on an axis", "name: x\nscenario: {chaos: true}\naxes:\n  - {param: chaos_interval, values: [1ms, 999ns]}\n",
			"spec: t.yaml:4: axes[0] (chaos_interval=999ns): chaos_interval: 999ns: at least 1us ("},
		{"mttf of mean 1ns", "name: x\nscenario:\n  crash_recovery: {mttf: exp:1ns, mttr: 1s}\n",
			"spec: t.yaml:3: scenario.crash_recovery.mttf: exp:1ns has mean 1ns: at least 1us ("},
		{"max_inflight", "name: x\ncluster: {max_inflight: 1048577}\n", "cluster.max_inflight: 1048577: want 1 to 1048576"},
		{"max_batch", "name: x\ncluster: {max_batch: 1048577}\n", "cluster.max_batch: 1048577: want 1 to 1048576"},
		{"clients", "name: x\ncluster: {clients: 100001}\n", "cluster.clients: 100001: want 0 to 100000"},
		{"value_size", "name: x\ncluster: {value_size: 1073741825}\n", "cluster.value_size: 1073741825: want 0 to 1073741824"},
		{"trials over all points", "name: x\ntrials: 1000000\naxes:\n  - {param: nodes, values: [1, 2]}\n",
			"spec: t.yaml:2: trials: 1000000 per point over 2 points or more: more than the 1000000 trials a sweep may run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.src), "t.yaml")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	// At the bounds themselves, specs parse.
	src := "name: x\ntrials: 1000\ncluster: {heartbeat: 1us, max_inflight: 1048576, clients: 2, op_deadline: 1us}\n" +
		"scenario: {chaos: true, chaos_interval: 1us, crash_recovery: {mttf: 1us, mttr: exp:1us}}\naxes:\n  - {param: nodes, from: 1, to: 1000}\n"
	if _, err := Parse([]byte(src), "t.yaml"); err != nil {
		t.Fatal(err)
	}
}

// TestLoadRefusesNonFiles: a spec path that is a device, a pipe or a directory is refused at once,
// before a byte is read; /dev/zero used to be read for ever.
func TestLoadRefusesNonFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "spec.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/dev/zero", fifo, dir} {
		_, err := Load(path)
		if !errors.Is(err, readfile.ErrNotRegular) || !strings.HasPrefix(err.Error(), "spec: read "+path) {
			t.Errorf("Load(%s): %v", path, err)
		}
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, readfile.SpecLimit+1); err != nil {
		t.Fatal(err)
	}
	var tl *readfile.TooLargeError
	if _, err := Load(big); !errors.As(err, &tl) {
		t.Errorf("Load of a file over the limit: %v", err)
	}
}

// TestAliasExpansionBounded: aliases are charged for what they expand to, not only counted. One 1 MB
// description quoted by 2,000 reference rows (a 1 MB file, 2,000 aliases) took 4.2 GB and 40 s to
// write out in canonical form, and 9,000 rows ran out of memory; it is refused at once, at the alias
// that goes past 16 MiB. The same value quoted a few times still parses.
func TestAliasExpansionBounded(t *testing.T) {
	quoted := func(rows int) string {
		var b strings.Builder
		b.WriteString("name: x\ndescription: &d \"" + strings.Repeat("a", 1<<20) + "\"\n")
		b.WriteString("axes:\n  - {param: nodes, values: [3]}\n")
		b.WriteString("reference:\n  axis: nodes\n  measure: availability\n  rows:\n")
		for range rows {
			b.WriteString("    - {value: 3, paper: 1, quote: *d}\n")
		}
		return b.String()
	}
	_, err := Parse([]byte(quoted(2000)), "t.yaml")
	// Line 9 holds the first row, and the 16th quote, on line 24, takes the expansion past 16 MiB.
	const want = "spec: t.yaml:24: the aliases followed so far expand to more than 16777216 bytes (16 MiB, the most read from a file): write the values out, or quote fewer"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
	s, err := Parse([]byte(quoted(3)), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Canonical()) < 4<<20 {
		t.Fatalf("canonical form of %d bytes: the quotes were not written out", len(s.Canonical()))
	}
}
