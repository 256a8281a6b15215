package stats

import (
	"math"
	"math/bits"
)

// Histogram layout. Values below 2^(subBits+1) get one bucket each (exact).
// Above that, each power-of-two range [2^e, 2^(e+1)) is split into
// 2^subBits equal buckets of width 2^(e-subBits). A bucket [L, L+w) with
// w > 1 therefore has L >= 2^subBits·w, and its representative L + w/2 is
// within w/2 <= L/2^(subBits+1) of every value in it.
const (
	subBits      = 6
	subCount     = 1 << subBits // buckets per power of two
	exactLimit   = 2 * subCount // values in [0, exactLimit) are exact
	maxExp       = 40           // tracked range is [0, 2^maxExp)
	numBuckets   = exactLimit + (maxExp-subBits-1)*subCount
	maxTrackable = 1<<maxExp - 1

	// RelativeError bounds the error of Histogram.Quantile: the returned
	// value r and the exact nearest-rank quantile v of the recorded
	// (clamped) values satisfy |r - v| <= RelativeError·v. It is
	// 2^-(subBits+1) = 1/128 = 0.78125%; values below 128 are exact.
	RelativeError = 1.0 / (2 * subCount)

	// MaxTrackable is the largest value the buckets resolve, 2^40-1
	// (about 18.3 minutes in nanoseconds). Larger values are counted in
	// the top bucket; Min, Max and Mean still use their exact values.
	MaxTrackable int64 = maxTrackable
)

// Histogram records non-negative int64 values in fixed memory (about
// 18 KB) with O(1), allocation-free Record, and answers quantile queries
// within RelativeError. Count, Min, Max and Mean are exact.
//
// The zero value is an empty histogram ready to use. A Histogram is not
// safe for concurrent use.
type Histogram struct {
	counts       [numBuckets]int64
	count        int64
	min, max     int64
	sumHi, sumLo uint64 // 128-bit exact sum of recorded values
	clamped      int64  // values above MaxTrackable
}

// NewHistogram returns an empty histogram.
func NewHistogram() *Histogram { return &Histogram{} }

// bucketOf returns the bucket index of v, which must be in [0, maxTrackable].
func bucketOf(v int64) int {
	if v < exactLimit {
		return int(v)
	}
	e := bits.Len64(uint64(v)) - 1 // v in [2^e, 2^(e+1)), e >= subBits+1
	sub := int(v>>(e-subBits)) - subCount
	return exactLimit + (e-subBits-1)*subCount + sub
}

// bucketBounds returns the lowest value and the width of bucket i.
func bucketBounds(i int) (lo, width int64) {
	if i < exactLimit {
		return int64(i), 1
	}
	j := i - exactLimit
	shift := j/subCount + 1 // = e - subBits
	lo = int64(subCount+j%subCount) << shift
	return lo, 1 << shift
}

// representative returns the value Quantile reports for bucket i.
func representative(i int) int64 {
	lo, w := bucketBounds(i)
	return lo + w/2
}

// Record adds v to the histogram. Negative values are recorded as 0.
func (h *Histogram) Record(v int64) {
	if v < 0 {
		v = 0
	}
	if h.count == 0 || v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
	h.count++
	var carry uint64
	h.sumLo, carry = bits.Add64(h.sumLo, uint64(v), 0)
	h.sumHi += carry
	b := v
	if b > maxTrackable {
		b = maxTrackable
		h.clamped++
	}
	h.counts[bucketOf(b)]++
}

// Count returns the number of recorded values.
func (h *Histogram) Count() int64 { return h.count }

// Clamped returns how many recorded values exceeded MaxTrackable; they are
// included in Count and in the top bucket.
func (h *Histogram) Clamped() int64 { return h.clamped }

// Min returns the smallest recorded value, or 0 if the histogram is empty.
func (h *Histogram) Min() int64 { return h.min }

// Max returns the largest recorded value, or 0 if the histogram is empty.
func (h *Histogram) Max() int64 { return h.max }

// Mean returns the mean of the recorded values (from an exact 128-bit
// sum), or NaN if the histogram is empty.
func (h *Histogram) Mean() float64 {
	if h.count == 0 {
		return math.NaN()
	}
	return (float64(h.sumHi)*0x1p64 + float64(h.sumLo)) / float64(h.count)
}

// Quantile returns the q-quantile (q in [0, 1]) by nearest rank: the
// value of rank ceil(q·Count) (at least 1) in the sorted records. The
// result is the representative of the bucket holding that value, so it
// is within RelativeError of the exact answer; rank 1 returns Min and
// rank Count returns Max exactly, and every result lies in [Min, Max].
// Quantile returns 0 for an empty histogram and panics if q is outside
// [0, 1]. It costs O(number of buckets).
func (h *Histogram) Quantile(q float64) int64 {
	if !(q >= 0 && q <= 1) {
		panic("stats: histogram quantile q not in [0,1]")
	}
	if h.count == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(h.count)))
	if rank <= 1 {
		return h.min
	}
	if rank >= h.count {
		return h.max
	}
	var cum int64
	for i := range h.counts {
		cum += h.counts[i]
		if cum >= rank {
			return min(max(representative(i), h.min), h.max)
		}
	}
	panic("stats: histogram counts inconsistent with count")
}

// Merge adds every value recorded in o to h, as if h had recorded them.
func (h *Histogram) Merge(o *Histogram) {
	if o.count == 0 {
		return
	}
	if h.count == 0 || o.min < h.min {
		h.min = o.min
	}
	if o.max > h.max {
		h.max = o.max
	}
	h.count += o.count
	h.clamped += o.clamped
	var carry uint64
	h.sumLo, carry = bits.Add64(h.sumLo, o.sumLo, 0)
	h.sumHi += o.sumHi + carry
	for i := range h.counts {
		h.counts[i] += o.counts[i]
	}
}

// Reset empties the histogram without releasing its memory.
func (h *Histogram) Reset() { *h = Histogram{} }
