package sim

import (
	"testing"
	"time"
)

// FuzzFormatDuration: every duration FormatDuration writes is ASCII and time.ParseDuration reads it
// back to the same duration — the form every flag, spec, result file and message of raftsim uses.
func FuzzFormatDuration(f *testing.F) {
	for _, d := range []int64{0, 1, 999, 1000, 1500, 1e6, 1e9, 90e9, -1, 1<<63 - 1, -1 << 63} {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, ns int64) {
		d := time.Duration(ns)
		s := FormatDuration(d)
		for i := range len(s) {
			if s[i] >= 0x80 {
				t.Fatalf("%d formats as %q, not ASCII", ns, s)
			}
		}
		if back, err := time.ParseDuration(s); err != nil || back != d {
			t.Fatalf("%d formats as %q, which reads back as %v, %v", ns, s, back, err)
		}
	})
}
