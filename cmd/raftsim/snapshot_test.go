package main

import (
	"strings"
	"testing"
)

// TestSnapshotFlags: the compaction settings are refused out of bounds with one line naming the flag
// and exit 2, and accepted in bounds, where a run that compacts and is checked finds no violation.
func TestSnapshotFlags(t *testing.T) {
	for _, tc := range []struct {
		flags []string
		want  string // stderr prefix after "raftsim: "; "" for success
	}{
		{[]string{"--snapshot-entries", "-1"}, "snapshot-entries"},
		{[]string{"--snapshot-entries", "8388609"}, "snapshot-entries"},
		{[]string{"--snapshot-bytes", "-5"}, "snapshot-bytes"},
		{[]string{"--snapshot-bytes", "1099511627777"}, "snapshot-bytes"},
		{[]string{"--snapshot-entries", "20", "--snapshot-bytes", "4096", "--chaos", "--check"}, ""},
	} {
		t.Run(strings.Join(tc.flags, " "), func(t *testing.T) {
			r := raftsim(t, nil, append([]string{"run", "--duration", "3s", "--clients", "3"}, tc.flags...)...)
			if tc.want == "" {
				if r.code != 0 || !strings.Contains(r.stdout, "no violation") {
					t.Errorf("exit %d, stdout %q, stderr %q; want a checked run without violation", r.code, r.stdout, r.stderr)
				}
				return
			}
			if r.code != 2 || !strings.HasPrefix(r.stderr, "raftsim: --"+tc.want+" ") || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want 2 and one line about %s", r.code, r.stderr, tc.want)
			}
		})
	}
}
