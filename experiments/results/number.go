package results

import (
	"math"
	"strconv"
)

// maxExactInt is 2^53: every integer of smaller magnitude is exactly a float64.
const maxExactInt = 1 << 53

// FormatNumber formats a value of a result file: integral values below 2^53 in magnitude as integers,
// other finite values in the shortest form that parses back to x (strconv 'g', -1), NaN as "NaN",
// infinities as "+Inf" and "-Inf". Zero is "0" whatever its sign.
func FormatNumber(x float64) string {
	return string(AppendNumber(nil, x))
}

// AppendNumber appends FormatNumber(x) to b.
func AppendNumber(b []byte, x float64) []byte {
	switch {
	case x == 0:
		return append(b, '0')
	case math.IsNaN(x):
		return append(b, "NaN"...)
	case math.IsInf(x, 1):
		return append(b, "+Inf"...)
	case math.IsInf(x, -1):
		return append(b, "-Inf"...)
	case x == math.Trunc(x) && math.Abs(x) < maxExactInt:
		return strconv.AppendInt(b, int64(x), 10)
	}
	return strconv.AppendFloat(b, x, 'g', -1, 64)
}

// ParseNumber parses a value written by FormatNumber (and any other form strconv.ParseFloat accepts).
func ParseNumber(s string) (float64, error) {
	return strconv.ParseFloat(s, 64)
}
