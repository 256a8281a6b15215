package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestBucketLayout checks the invariants the error bound rests on: buckets
// tile [0, 2^40) without gaps or overlaps, bucketOf agrees with
// bucketBounds, and every bucket's representative is within
// RelativeError of each value in it.
func TestBucketLayout(t *testing.T) {
	var next int64
	for i := range numBuckets {
		lo, w := bucketBounds(i)
		if lo != next {
			t.Fatalf("bucket %d starts at %d, want %d", i, lo, next)
		}
		if w < 1 || w&(w-1) != 0 {
			t.Fatalf("bucket %d width %d is not a power of two", i, w)
		}
		if got := bucketOf(lo); got != i {
			t.Fatalf("bucketOf(%d) = %d, want %d", lo, got, i)
		}
		if got := bucketOf(lo + w - 1); got != i {
			t.Fatalf("bucketOf(%d) = %d, want %d", lo+w-1, got, i)
		}
		r := representative(i)
		if r < lo || r > lo+w-1 {
			t.Fatalf("bucket %d representative %d outside [%d,%d]", i, r, lo, lo+w-1)
		}
		// Worst case is the bucket's lowest value (largest relative error).
		for _, v := range []int64{lo, lo + w - 1} {
			if v > 0 && math.Abs(float64(r-v)) > RelativeError*float64(v) {
				t.Fatalf("bucket %d: |%d-%d| exceeds %v·%d", i, r, v, RelativeError, v)
			}
		}
		next = lo + w
	}
	if next != MaxTrackable+1 {
		t.Fatalf("buckets end at %d, want %d", next, MaxTrackable+1)
	}
	if RelativeError > 0.01 {
		t.Fatalf("RelativeError %v exceeds the required 1%%", RelativeError)
	}
}

// TestRelativeErrorIsTight shows the stated bound is exact, not loose:
// some value attains it.
func TestRelativeErrorIsTight(t *testing.T) {
	worst := 0.0
	for v := int64(1); v < 1<<16; v++ {
		r := representative(bucketOf(v))
		worst = math.Max(worst, math.Abs(float64(r-v))/float64(v))
	}
	if worst != RelativeError {
		t.Fatalf("worst relative error over [1,2^16) = %v, want exactly %v", worst, RelativeError)
	}
	for v := int64(0); v < exactLimit; v++ {
		if r := representative(bucketOf(v)); r != v {
			t.Fatalf("value %d below %d not exact: %d", v, exactLimit, r)
		}
	}
}

func exactNearestRank(sorted []int64, q float64) int64 {
	rank := int(math.Ceil(q * float64(len(sorted))))
	rank = max(rank, 1)
	return sorted[rank-1]
}

func TestHistogramQuantilesRandom(t *testing.T) {
	const n = 200_000
	dists := []struct {
		name string
		draw func(r *rand.Rand) int64
	}{
		{"uniform 0..1e6", func(r *rand.Rand) int64 { return r.Int64N(1_000_001) }},
		{"log-uniform 1..2^40", func(r *rand.Rand) int64 { return int64(math.Exp2(r.Float64() * 40)) }},
		{"exponential mean 50ms", func(r *rand.Rand) int64 { return int64(r.ExpFloat64() * 50e6) }},
		{"small ints with ties", func(r *rand.Rand) int64 { return r.Int64N(300) }},
	}
	qs := []float64{0, 1e-6, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 0.9999, 1}
	for i, d := range dists {
		t.Run(d.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(42, uint64(i)))
			h := NewHistogram()
			vals := make([]int64, n)
			var sum int64
			for k := range vals {
				v := d.draw(r)
				vals[k] = v
				sum += v
				h.Record(v)
			}
			slices.Sort(vals)
			if h.Count() != n {
				t.Fatalf("Count = %d, want %d", h.Count(), n)
			}
			if h.Min() != vals[0] || h.Max() != vals[n-1] {
				t.Fatalf("Min/Max = %d/%d, want %d/%d", h.Min(), h.Max(), vals[0], vals[n-1])
			}
			if want := float64(sum) / n; math.Abs(h.Mean()-want) > 1e-12*want {
				t.Fatalf("Mean = %v, want %v", h.Mean(), want)
			}
			for _, q := range qs {
				got, want := h.Quantile(q), exactNearestRank(vals, q)
				if math.Abs(float64(got-want)) > RelativeError*float64(want) {
					t.Errorf("Quantile(%v) = %d, exact %d: error %.4f%% > %.4f%%",
						q, got, want, 100*math.Abs(float64(got-want))/float64(want), 100*RelativeError)
				}
			}
			if h.Quantile(0) != h.Min() || h.Quantile(1) != h.Max() {
				t.Errorf("Quantile(0), Quantile(1) = %d, %d, want Min %d, Max %d",
					h.Quantile(0), h.Quantile(1), h.Min(), h.Max())
			}
		})
	}
}

func TestHistogramEdgeCases(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		var h Histogram // zero value is usable
		if h.Count() != 0 || h.Quantile(0.5) != 0 || !math.IsNaN(h.Mean()) || h.Min() != 0 || h.Max() != 0 {
			t.Errorf("empty histogram: count %d q50 %d mean %v", h.Count(), h.Quantile(0.5), h.Mean())
		}
	})
	t.Run("negative clamps to zero", func(t *testing.T) {
		h := NewHistogram()
		h.Record(-5)
		h.Record(10)
		if h.Min() != 0 || h.Quantile(0) != 0 || h.Mean() != 5 {
			t.Errorf("Min %d Quantile(0) %d Mean %v, want 0 0 5", h.Min(), h.Quantile(0), h.Mean())
		}
	})
	t.Run("single value", func(t *testing.T) {
		h := NewHistogram()
		h.Record(123_456_789)
		for _, q := range []float64{0, 0.5, 1} {
			if got := h.Quantile(q); got != 123_456_789 {
				t.Errorf("Quantile(%v) = %d, want the only value", q, got)
			}
		}
	})
	t.Run("above range is clamped and counted", func(t *testing.T) {
		h := NewHistogram()
		big := int64(1) << 45
		h.Record(1000)
		h.Record(big)
		h.Record(big)
		if h.Count() != 3 || h.Clamped() != 2 || h.Max() != big {
			t.Fatalf("Count %d Clamped %d Max %d", h.Count(), h.Clamped(), h.Max())
		}
		// Rank 2 of 3 falls in the top bucket: its representative, within [Min,Max].
		got := h.Quantile(0.5)
		if got != representative(numBuckets-1) {
			t.Errorf("Quantile(0.5) = %d, want top representative %d", got, representative(numBuckets-1))
		}
		if h.Quantile(1) != big {
			t.Errorf("Quantile(1) = %d, want exact Max %d", h.Quantile(1), big)
		}
	})
	t.Run("mean does not overflow", func(t *testing.T) {
		h := NewHistogram()
		for range 4 {
			h.Record(math.MaxInt64)
		}
		if got := h.Mean(); got != float64(math.MaxInt64) {
			t.Errorf("Mean = %v, want %v", got, float64(math.MaxInt64))
		}
	})
	t.Run("quantile out of range panics", func(t *testing.T) {
		for _, q := range []float64{-0.1, 1.1, math.NaN()} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("Quantile(%v) did not panic", q)
					}
				}()
				NewHistogram().Quantile(q)
			}()
		}
	})
}

func TestHistogramMergeEquivalence(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	all, a, b := NewHistogram(), NewHistogram(), NewHistogram()
	for i := range 50_000 {
		v := int64(r.ExpFloat64() * 1e7)
		if i%1000 == 0 {
			v = 1 << 42 // exercise clamped counts too
		}
		all.Record(v)
		if r.IntN(3) == 0 {
			a.Record(v)
		} else {
			b.Record(v)
		}
	}
	a.Merge(b)
	if *a != *all {
		t.Fatalf("merged histogram differs from one that recorded everything")
	}
	for _, q := range []float64{0, 0.5, 0.99, 1} {
		if a.Quantile(q) != all.Quantile(q) {
			t.Errorf("Quantile(%v): merged %d, direct %d", q, a.Quantile(q), all.Quantile(q))
		}
	}

	t.Run("into empty", func(t *testing.T) {
		var e Histogram
		e.Merge(all)
		if e != *all {
			t.Fatal("merge into empty histogram is not a copy")
		}
	})
	t.Run("empty into non-empty", func(t *testing.T) {
		before := *all
		all.Merge(NewHistogram())
		if *all != before {
			t.Fatal("merging an empty histogram changed the receiver")
		}
	})
	t.Run("min from other", func(t *testing.T) {
		x, y := NewHistogram(), NewHistogram()
		x.Record(100)
		y.Record(3)
		x.Merge(y)
		if x.Min() != 3 || x.Max() != 100 {
			t.Fatalf("Min/Max after merge = %d/%d, want 3/100", x.Min(), x.Max())
		}
	})
}

func TestHistogramReset(t *testing.T) {
	h := NewHistogram()
	h.Record(5)
	h.Record(1 << 50)
	h.Reset()
	if *h != (Histogram{}) {
		t.Fatal("Reset left state behind")
	}
	h.Record(7)
	if h.Min() != 7 || h.Max() != 7 || h.Count() != 1 {
		t.Fatalf("after Reset+Record(7): min %d max %d count %d", h.Min(), h.Max(), h.Count())
	}
}

func TestRecordDoesNotAllocate(t *testing.T) {
	h := NewHistogram()
	v := int64(1)
	allocs := testing.AllocsPerRun(1000, func() {
		h.Record(v)
		v = v*3 + 1
	})
	if allocs != 0 {
		t.Fatalf("Record allocates %v times per call", allocs)
	}
}

func BenchmarkHistogramRecord(b *testing.B) {
	h := NewHistogram()
	r := rand.New(rand.NewPCG(1, 2))
	vals := make([]int64, 4096)
	for i := range vals {
		vals[i] = int64(r.ExpFloat64() * 1e8)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		h.Record(vals[i&4095])
	}
}

func BenchmarkHistogramQuantile(b *testing.B) {
	h := NewHistogram()
	r := rand.New(rand.NewPCG(1, 2))
	for range 100_000 {
		h.Record(int64(r.ExpFloat64() * 1e8))
	}
	b.ReportAllocs()
	for b.Loop() {
		h.Quantile(0.99)
	}
}
