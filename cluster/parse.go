package cluster

import (
	"fmt"
	"strings"
	"time"
)

// ParseTimeoutRange reads an election timeout range "MIN:MAX" (e.g. "150ms:300ms"); a single duration
// means no randomness (MIN = MAX).
func ParseTimeoutRange(s string) (lo, hi time.Duration, err error) {
	a, b, ok := strings.Cut(s, ":")
	if !ok {
		b = a
	}
	if lo, err = time.ParseDuration(strings.TrimSpace(a)); err != nil {
		return 0, 0, fmt.Errorf("%q: minimum %q is not a duration like 150ms", s, a)
	}
	if hi, err = time.ParseDuration(strings.TrimSpace(b)); err != nil {
		return 0, 0, fmt.Errorf("%q: maximum %q is not a duration like 300ms", s, b)
	}
	switch {
	case lo <= 0:
		return 0, 0, fmt.Errorf("%q: minimum %s must be positive", s, ascii(lo))
	case hi < lo:
		return 0, 0, fmt.Errorf("%q: maximum %s is below the minimum %s", s, ascii(hi), ascii(lo))
	}
	return lo, hi, nil
}

// FormatTimeoutRange is the inverse of ParseTimeoutRange.
func FormatTimeoutRange(lo, hi time.Duration) string {
	return ascii(lo) + ":" + ascii(hi)
}
