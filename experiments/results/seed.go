package results

import (
	"fmt"
	"strconv"
	"strings"
)

// FormatSeed writes a trial's seed as the result files do: "0x" and 16 lower-case hex digits in groups
// of four joined by "_", e.g. "0xa8b0_e2c6_f7e3_1a17". Half of all seeds exceed 2^63, and a tool that
// reads a decimal or a plain hex number as a number rounds it to a float64 (R reads "0x…" hex too;
// SQLite turns a decimal above 2^63 into a REAL): with the underscores no tool takes the text for a
// number, so pandas, R and SQLite all keep it exactly as text. It is a Go and a Python integer literal
// (int(s, 16)) and `raftsim run --seed` reads it as it is; being of fixed width, it sorts as the
// numbers do.
func FormatSeed(seed uint64) string {
	return string(AppendSeed(nil, seed))
}

// AppendSeed appends FormatSeed(seed) to b.
func AppendSeed(b []byte, seed uint64) []byte {
	const digits = "0123456789abcdef"
	b = append(b, '0', 'x')
	for i := 15; i >= 0; i-- {
		b = append(b, digits[seed>>(4*i)&0xf])
		if i%4 == 0 && i > 0 {
			b = append(b, '_')
		}
	}
	return b
}

// ParseSeed reads a seed written by FormatSeed, or in any other "0x" hex form Go accepts (underscores
// between digits optional), or in decimal.
func ParseSeed(s string) (uint64, error) {
	var v uint64
	var err error
	switch {
	case strings.HasPrefix(s, "0x"):
		v, err = strconv.ParseUint(s, 0, 64) // base 0 takes the prefix and the underscores
	case s != "" && strings.Trim(s, "0123456789") == "":
		v, err = strconv.ParseUint(s, 10, 64)
	default:
		err = strconv.ErrSyntax
	}
	if err != nil {
		return 0, fmt.Errorf("results: %q is not a seed like 0x9f3c_0a12_77e4_b5d1", s)
	}
	return v, nil
}
