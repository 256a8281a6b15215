package topology

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/raftsim/raftsim/models/latency"
)

// Link is the static description of one directed edge.
type Link struct {
	Latency   *latency.Dist // one-way delay; nil is not allowed in a built graph
	Loss      float64       // drop probability in [0,1]
	Bandwidth float64       // bytes per second; 0 means unlimited
	// Dup is the probability that a message is delivered twice: a copy follows it, with its own
	// latency. Reorder is the probability that a message does not keep its place in the link's FIFO
	// order: it arrives after its own latency even if an earlier message is still on the way (with a
	// constant latency nothing can overtake, so nothing is reordered). Each draws from its own stream.
	Dup, Reorder float64
}

// Validate reports whether l may be put in a Graph.
func (l Link) Validate() error {
	switch {
	case l.Latency == nil:
		return errors.New("topology: link has no latency")
	case !(l.Loss >= 0 && l.Loss <= 1):
		return fmt.Errorf("topology: link loss %v not in [0,1]", l.Loss)
	case !(l.Bandwidth >= 0) || math.IsInf(l.Bandwidth, 1):
		return fmt.Errorf("topology: link bandwidth %v is not a finite number >= 0", l.Bandwidth)
	case !(l.Dup >= 0 && l.Dup <= 1):
		return fmt.Errorf("topology: link dup %v not in [0,1]", l.Dup)
	case !(l.Reorder >= 0 && l.Reorder <= 1):
		return fmt.Errorf("topology: link reorder %v not in [0,1]", l.Reorder)
	}
	return nil
}

// String formats l for logs and golden files, e.g.
// "latency=const:5ms loss=0.01 bandwidth=1Gbps".
func (l Link) String() string {
	lat := "<nil>"
	if l.Latency != nil {
		lat = l.Latency.String()
	}
	s := fmt.Sprintf("latency=%s loss=%s bandwidth=%s", lat,
		strconv.FormatFloat(l.Loss, 'g', -1, 64), FormatBandwidth(l.Bandwidth))
	// Only when set, so that the links of golden files read as they always have.
	if l.Dup != 0 {
		s += " dup=" + strconv.FormatFloat(l.Dup, 'g', -1, 64)
	}
	if l.Reorder != 0 {
		s += " reorder=" + strconv.FormatFloat(l.Reorder, 'g', -1, 64)
	}
	return s
}

// Equal reports whether l and o describe the same link. Latencies are
// compared by value, not by pointer.
func (l Link) Equal(o Link) bool {
	if l.Loss != o.Loss || l.Bandwidth != o.Bandwidth || l.Dup != o.Dup || l.Reorder != o.Reorder {
		return false
	}
	if l.Latency == nil || o.Latency == nil {
		return l.Latency == o.Latency
	}
	return l.Latency.Equal(o.Latency)
}

// bandwidthUnit is one accepted unit: its lower-case spelling, its canonical
// spelling and how many bytes per second one of it is.
type bandwidthUnit struct {
	lower, canon string
	bytes        float64
}

// bandwidthUnits lists the units, bit rates first (largest first) because
// FormatBandwidth prefers them, then byte rates. Matching is
// case-insensitive, so bits and bytes are told apart by "bps" versus "B/s".
var bandwidthUnits = []bandwidthUnit{
	{"tbps", "Tbps", 1e12 / 8},
	{"gbps", "Gbps", 1e9 / 8},
	{"mbps", "Mbps", 1e6 / 8},
	{"kbps", "Kbps", 1e3 / 8},
	{"bps", "bps", 1.0 / 8},
	{"tib/s", "TiB/s", 1 << 40},
	{"gib/s", "GiB/s", 1 << 30},
	{"mib/s", "MiB/s", 1 << 20},
	{"kib/s", "KiB/s", 1 << 10},
	{"tb/s", "TB/s", 1e12},
	{"gb/s", "GB/s", 1e9},
	{"mb/s", "MB/s", 1e6},
	{"kb/s", "KB/s", 1e3},
	{"b/s", "B/s", 1},
}

const bandwidthUnitList = "bps, Kbps, Mbps, Gbps, Tbps, B/s, KB/s, MB/s, GB/s, TB/s, KiB/s, MiB/s, GiB/s, TiB/s"

// ParseBandwidth parses a link bandwidth and returns it in bytes per
// second. "0" and "unlimited" give 0 (no limit). Otherwise the text is a
// non-negative number followed by a unit, optionally separated by spaces:
// bit rates bps, Kbps, Mbps, Gbps, Tbps (decimal, so "1Gbps" is 1.25e8
// bytes/s) or byte rates B/s, KB/s, MB/s, GB/s, TB/s (decimal) and KiB/s,
// MiB/s, GiB/s, TiB/s (binary). Units are case-insensitive.
func ParseBandwidth(s string) (float64, error) {
	v, problem := parseBandwidth(s)
	if problem != "" {
		return 0, fmt.Errorf("topology: bandwidth %q: %s", s, problem)
	}
	return v, nil
}

// parseBandwidth returns the bandwidth, or a description of what is wrong
// with s, so that callers can place it in their own context.
func parseBandwidth(s string) (float64, string) {
	t := strings.TrimSpace(s)
	switch strings.ToLower(t) {
	case "":
		return 0, "empty"
	case "0", "unlimited":
		return 0, ""
	}
	// The unit is the trailing run of ASCII letters and slashes.
	i := len(t)
	for i > 0 && isUnitByte(t[i-1]) {
		i--
	}
	num, unit := strings.TrimSpace(t[:i]), t[i:]
	if unit == "" {
		return 0, "missing unit (want " + bandwidthUnitList + ")"
	}
	var scale float64
	for _, u := range bandwidthUnits {
		if strings.EqualFold(u.lower, unit) {
			scale = u.bytes
			break
		}
	}
	if scale == 0 {
		return 0, fmt.Sprintf("unknown unit %q (want %s)", unit, bandwidthUnitList)
	}
	if num == "" {
		return 0, "missing number before " + unit
	}
	x, err := strconv.ParseFloat(num, 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange) || math.IsNaN(x):
		// "inf" and "nan" cannot reach here: letters belong to the unit.
		return 0, fmt.Sprintf("%q is not a number", num)
	case x < 0:
		return 0, fmt.Sprintf("%s is negative", num)
	}
	v := x * scale
	if err != nil || math.IsInf(v, 0) {
		return 0, fmt.Sprintf("%s%s is out of range", num, unit)
	}
	if v == 0 {
		v = 0 // no negative zero from "-0Mbps"
	}
	return v, ""
}

func isUnitByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/'
}

// FormatBandwidth formats bytesPerSec canonically: 0 is "unlimited", other
// values use the largest bit-rate unit that keeps the number >= 1 and
// parses back to exactly bytesPerSec (e.g. 1.25e8 is "1Gbps"). Only values
// accepted by ParseBandwidth round-trip; others (negative, NaN, Inf) are
// formatted as "invalid(...)".
func FormatBandwidth(bytesPerSec float64) string {
	x := bytesPerSec
	switch {
	case x == 0:
		return "unlimited"
	case !(x > 0) || math.IsInf(x, 1):
		return "invalid(" + strconv.FormatFloat(x, 'g', -1, 64) + ")"
	}
	// Bit rates first. bps always round-trips (x*8 and /8 are exact)
	// unless x*8 overflows; B/s, the last unit, always round-trips.
	for i, u := range bandwidthUnits {
		v := x / u.bytes
		if math.IsInf(v, 0) || v < 1 && u.lower != "bps" && i != len(bandwidthUnits)-1 {
			continue
		}
		s := strconv.FormatFloat(v, 'g', -1, 64)
		if back, problem := parseBandwidth(s + u.canon); problem == "" && back == x {
			return s + u.canon
		}
	}
	panic("unreachable: B/s always round-trips")
}
