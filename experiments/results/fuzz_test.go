package results

import (
	"math"
	"strings"
	"testing"
)

// FuzzParseSeed: a seed as `raftsim run --seed` and the result files read it fails with a one-line
// error prefixed "results: ", or is a number that FormatSeed writes in a form read back to it.
func FuzzParseSeed(f *testing.F) {
	for _, s := range []string{"0x1a17_76b1_c64c_4e63", "0x1a1776b1c64c4e63", "42", "0", "18446744073709551615",
		"18446744073709551616", "0x", "-1", "0x_1", "1_000", "", " 1", "0X1F"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseSeed(s)
		if err != nil {
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "results: ") {
				t.Fatalf("%q: error %q", s, msg)
			}
			return
		}
		text := FormatSeed(v)
		if back, err := ParseSeed(text); err != nil || back != v || len(text) != len("0x0000_0000_0000_0000") {
			t.Fatalf("%q = %d formats as %q, which reads back as %d, %v", s, v, text, back, err)
		}
	})
}

// FuzzNumber: every float64 FormatNumber writes reads back to the same value (NaN to NaN, the sign
// of zero aside: zero is "0"), and a number read from arbitrary text writes back to a form that reads
// to it again.
func FuzzNumber(f *testing.F) {
	for _, x := range []float64{0, 1, -1, 0.1, 1e300, math.MaxFloat64, math.SmallestNonzeroFloat64, 1 << 53, -(1 << 53) + 1, math.Inf(1)} {
		f.Add(math.Float64bits(x), "")
	}
	f.Add(uint64(0), "1e309")
	f.Add(uint64(0), "NaN")
	f.Add(uint64(0), "0x1p-2")
	f.Fuzz(func(t *testing.T, bits uint64, s string) {
		x := math.Float64frombits(bits)
		text := FormatNumber(x)
		back, err := ParseNumber(text)
		if err != nil || !(back == x || math.IsNaN(x) && math.IsNaN(back)) {
			t.Fatalf("%v formats as %q, which reads back as %v, %v", x, text, back, err)
		}
		y, err := ParseNumber(s)
		if err != nil {
			return // strconv's own error; the callers name the file and the cell
		}
		if back, err := ParseNumber(FormatNumber(y)); err != nil || !(back == y || math.IsNaN(y) && math.IsNaN(back)) {
			t.Fatalf("%q = %v formats as %q, which reads back as %v, %v", s, y, FormatNumber(y), back, err)
		}
	})
}
