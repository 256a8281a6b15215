package latency

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }

func TestParseValid(t *testing.T) {
	tests := []struct {
		spec      string
		canonical string
		mean      time.Duration // independently computed (see comments)
		isConst   bool
	}{
		{"5ms", "const:5ms", 5 * time.Millisecond, true},
		{"  5ms ", "const:5ms", 5 * time.Millisecond, true},
		{"const:5ms", "const:5ms", 5 * time.Millisecond, true},
		{"0", "const:0s", 0, true},
		{"1.5ms", "const:1.5ms", 1500 * time.Microsecond, true},
		{"const:1h2m", "const:1h2m0s", time.Hour + 2*time.Minute, true},
		{"uniform:2ms:8ms", "uniform:2ms:8ms", 5 * time.Millisecond, false},
		{"uniform:1ns:2ns", "uniform:1ns:2ns", 2, false}, // 1.5ns rounds half up
		{"uniform:1ns:4ns", "uniform:1ns:4ns", 3, false}, // 2.5ns rounds half up
		{"uniform:3ns:5ns", "uniform:3ns:5ns", 4, false},
		{"uniform:5ms:5ms", "const:5ms", 5 * time.Millisecond, true},
		// truncation at 0 is 5 sd below: python 10+2*phi(-5)/(1-Phi(-5)) = 10.000002973439882
		{"normal:10ms:2ms", "normal:10ms:2ms", 10000003, false},
		// python: 1+phi(-1)/(1-Phi(-1)) = 1.2875999709391783
		{"normal:1ms:1ms", "normal:1ms:1ms", 1287600, false},
		{"normal:1ms:1ms:0s:inf", "normal:1ms:1ms", 1287600, false},
		// python: (phi(2)-phi(3))/(Phi(3)-Phi(2)) = 2.3158213267437833
		{"normal:0s:1ms:2ms:3ms", "normal:0s:1ms:2ms:3ms", 2315821, false},
		{"normal:5ms:2ms:4ms:6ms", "normal:5ms:2ms:4ms:6ms", 5 * time.Millisecond, false},
		{"normal:5ms:2ms:4ms:inf", "normal:5ms:2ms:4ms:inf", 0, false}, // mean checked statistically
		{"normal:5ms:0s", "const:5ms", 5 * time.Millisecond, true},
		{"normal:5ms:0s:6ms:7ms", "const:6ms", 6 * time.Millisecond, true},
		{"normal:5ms:1ms:3ms:3ms", "const:3ms", 3 * time.Millisecond, true},
		{"exp:10ms", "exp:10ms", 10 * time.Millisecond, false},
		{"exp:10ms:5ms", "exp:10ms:5ms", 15 * time.Millisecond, false},
		{"exp:10ms:0s", "exp:10ms", 10 * time.Millisecond, false},
		{"exp:0s:3ms", "const:3ms", 3 * time.Millisecond, true},
		// python: 5*exp(0.125) = 5.665742265334131
		{"lognormal:5ms:0.5", "lognormal:5ms:0.5", 5665742, false},
		// python: 10+40*exp(0.02) = 50.80805360107023
		{"lognormal:40ms:0.2:10ms", "lognormal:40ms:0.2:10ms", 50808054, false},
		{"lognormal:40ms:2e-1", "lognormal:40ms:0.2", 40808054, false},
		{"pareto:1ms:3", "pareto:1ms:3", 1500 * time.Microsecond, false},
		// infinite mean: Mean is the median 2^(1/0.8) ms = 2.378414230005442ms
		{"pareto:1ms:0.8", "pareto:1ms:0.8", 2378414, false},
		{"pareto:1ms:1", "pareto:1ms:1", 2 * time.Millisecond, false},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			d, err := Parse(tt.spec)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := d.String(); got != tt.canonical {
				t.Errorf("String() = %q, want %q", got, tt.canonical)
			}
			if got := d.IsConst(); got != tt.isConst {
				t.Errorf("IsConst() = %v, want %v", got, tt.isConst)
			}
			if tt.mean != 0 {
				if got := d.Mean(); got != tt.mean {
					t.Errorf("Mean() = %v (%d), want %v (%d)", got, int64(got), tt.mean, int64(tt.mean))
				}
			}
			back, err := Parse(d.String())
			if err != nil {
				t.Fatalf("Parse(String()=%q): %v", d.String(), err)
			}
			if !back.Equal(d) {
				t.Errorf("Parse(%q) = %+v, want %+v", d.String(), *back, *d)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ spec, err string }{
		{"", `latency: "": empty spec`},
		{"   ", `latency: "   ": empty spec`},
		{"gauss:1ms", `latency: "gauss:1ms": unknown distribution "gauss" (want const, uniform, normal, exp, lognormal, pareto)`},
		{"fast", `latency: "fast": unknown distribution "fast" (want const, uniform, normal, exp, lognormal, pareto)`},
		{"Uniform:1ms:2ms", `latency: "Uniform:1ms:2ms": unknown distribution "Uniform" (want const, uniform, normal, exp, lognormal, pareto)`},
		{"uniform:8ms:2ms", `latency: "uniform:8ms:2ms": min 8ms > max 2ms`},
		{"uniform:1ms", `latency: "uniform:1ms": want uniform:MIN:MAX, got 1 argument(s)`},
		{"uniform", `latency: "uniform": want uniform:MIN:MAX, got 0 argument(s)`},
		{"uniform:1ms:2ms:3ms", `latency: "uniform:1ms:2ms:3ms": want uniform:MIN:MAX, got 3 argument(s)`},
		{"uniform::2ms", `latency: "uniform::2ms": min "" is not a duration like 5ms, 1.5s or 250us`},
		{"uniform:x:2ms", `latency: "uniform:x:2ms": min "x" is not a duration like 5ms, 1.5s or 250us`},
		{"5", `latency: "5": value "5" is not a duration like 5ms, 1.5s or 250us`},
		{"-5ms", `latency: "-5ms": value -5ms is negative`},
		{"5xs", `latency: "5xs": value "5xs" is not a duration like 5ms, 1.5s or 250us`},
		{"const:", `latency: "const:": value "" is not a duration like 5ms, 1.5s or 250us`},
		{"const:1ms:2ms", `latency: "const:1ms:2ms": want const:DURATION, got 2 argument(s)`},
		{"const:-1ns", `latency: "const:-1ns": value -1ns is negative`},
		{"normal:5ms", `latency: "normal:5ms": want normal:MEAN:STDDEV or normal:MEAN:STDDEV:MIN:MAX, got 1 argument(s)`},
		{"normal:5ms:1ms:0s", `latency: "normal:5ms:1ms:0s": want normal:MEAN:STDDEV or normal:MEAN:STDDEV:MIN:MAX, got 3 argument(s)`},
		{"normal:5ms:-1ms", `latency: "normal:5ms:-1ms": stddev -1ms is negative`},
		{"normal:5ms:1ms:6ms:4ms", `latency: "normal:5ms:1ms:6ms:4ms": min 6ms > max 4ms`},
		{"normal:5ms:1ms:0s:x", `latency: "normal:5ms:1ms:0s:x": max "x" is not a duration like 5ms, 1.5s or 250us`},
		{"normal:0s:1ms:10ms:inf", `latency: "normal:0s:1ms:10ms:inf": bounds [10ms, inf] hold probability < 1e-09 under normal(0s, 1ms)`},
		{"normal:0s:1h:1ms:1.000001ms", `latency: "normal:0s:1h:1ms:1.000001ms": bounds [1ms, 1.000001ms] hold probability < 1e-09 under normal(0s, 1h0m0s)`},
		{"exp", `latency: "exp": want exp:MEAN or exp:MEAN:OFFSET, got 0 argument(s)`},
		{"exp:1ms:2ms:3ms", `latency: "exp:1ms:2ms:3ms": want exp:MEAN or exp:MEAN:OFFSET, got 3 argument(s)`},
		{"exp:1ms:-2ms", `latency: "exp:1ms:-2ms": offset -2ms is negative`},
		{"lognormal:5ms", `latency: "lognormal:5ms": want lognormal:MEDIAN:SIGMA or lognormal:MEDIAN:SIGMA:OFFSET, got 1 argument(s)`},
		{"lognormal:0s:0.5", `latency: "lognormal:0s:0.5": median must be > 0`},
		{"lognormal:5ms:0", `latency: "lognormal:5ms:0": sigma 0 must be finite and > 0`},
		{"lognormal:5ms:-1", `latency: "lognormal:5ms:-1": sigma -1 must be finite and > 0`},
		{"lognormal:5ms:NaN", `latency: "lognormal:5ms:NaN": sigma NaN must be finite and > 0`},
		{"lognormal:5ms:inf", `latency: "lognormal:5ms:inf": sigma inf must be finite and > 0`},
		{"lognormal:5ms:1ms", `latency: "lognormal:5ms:1ms": sigma: "1ms" is not a number`},
		{"lognormal:5ms:0.5:x", `latency: "lognormal:5ms:0.5:x": offset "x" is not a duration like 5ms, 1.5s or 250us`},
		{"pareto:1ms", `latency: "pareto:1ms": want pareto:SCALE:ALPHA, got 1 argument(s)`},
		{"pareto:0s:2", `latency: "pareto:0s:2": scale must be > 0`},
		{"pareto:1ms:0", `latency: "pareto:1ms:0": alpha 0 must be finite and > 0`},
		{"pareto:1ms:", `latency: "pareto:1ms:": alpha: "" is not a number`},
		{"const:99999999999h", `latency: "const:99999999999h": value "99999999999h" is not a duration like 5ms, 1.5s or 250us`},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			d, err := Parse(tt.spec)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want error %q", tt.spec, d, tt.err)
			}
			if err.Error() != tt.err {
				t.Errorf("Parse(%q) error\n got: %s\nwant: %s", tt.spec, err, tt.err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans several lines: %q", err)
			}
		})
	}
}

func TestParseWrapsDurationError(t *testing.T) {
	_, err := Parse("uniform:x:1ms")
	// time.ParseDuration's errors are plain, but the chain must still be
	// there for callers using errors.Unwrap.
	if err == nil || !strings.Contains(err.Error(), `min "x" is not a duration`) || strings.Contains(err.Error(), "time:") {
		t.Fatalf("err = %v, want the user's words, not the time package's", err)
	}
	type unwrapper interface{ Unwrap() error }
	if _, ok := err.(unwrapper); !ok {
		t.Errorf("error %T does not wrap the duration error", err)
	}
}

func TestZeroValueAndConst(t *testing.T) {
	var zero Dist
	r := newRand(1)
	if got := zero.Sample(r); got != 0 {
		t.Errorf("zero Dist Sample = %v, want 0", got)
	}
	if got := zero.String(); got != "const:0s" {
		t.Errorf("zero Dist String = %q", got)
	}
	if !zero.Equal(MustParse("0s")) {
		t.Errorf("zero Dist != Parse(0s)")
	}
	c := Const(7 * time.Millisecond)
	if !c.Equal(MustParse("7ms")) || !c.IsConst() || c.Mean() != 7*time.Millisecond || c.Quantile(0.3) != 7*time.Millisecond {
		t.Errorf("Const(7ms) = %+v", *c)
	}
	// A constant draws nothing from r.
	before := *r
	c.Sample(r)
	if *r != before {
		t.Errorf("constant Sample consumed randomness")
	}
	mustPanic(t, "Const(-1)", func() { Const(-1) })
	mustPanic(t, "MustParse", func() { MustParse("bogus") })
}

func TestQuantilePanics(t *testing.T) {
	d := MustParse("uniform:1ms:2ms")
	for _, p := range []float64{-0.1, 1.1, math.NaN()} {
		mustPanic(t, "Quantile", func() { d.Quantile(p) })
	}
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s did not panic", what)
		}
	}()
	f()
}

// statSpecs have finite variance, so their sample mean is checked against
// Mean with a standard-error tolerance.
var statSpecs = []string{
	"uniform:2ms:8ms",
	"normal:10ms:2ms",
	"normal:1ms:1ms",
	"normal:5ms:2ms:4ms:6ms",
	"normal:5ms:2ms:4ms:inf",
	"normal:0s:1ms:2ms:3ms", // inverse-CDF path, mirrored upper tail
	"normal:0s:1ms:0s:10us", // inverse-CDF path, narrow interval at the mean
	"normal:10ms:1ms:0s:7ms",
	"exp:10ms",
	"exp:10ms:5ms",
	"lognormal:5ms:0.5",
	"lognormal:40ms:0.2:10ms",
	"pareto:1ms:3",
}

// quantileSpecs include heavy tails where only quantiles can be checked.
var quantileSpecs = append(slices.Clone(statSpecs), "pareto:1ms:0.8", "pareto:1ms:1.5", "lognormal:1ms:3")

func TestSampleMean(t *testing.T) {
	const n = 100_000
	for _, spec := range statSpecs {
		t.Run(spec, func(t *testing.T) {
			d := MustParse(spec)
			r := newRand(42)
			var sum, sumSq float64
			for range n {
				x := float64(d.Sample(r))
				sum += x
				sumSq += x * x
			}
			mean := sum / n
			sd := math.Sqrt(sumSq/n - mean*mean)
			tol := 5*sd/math.Sqrt(n) + 1
			if diff := math.Abs(mean - float64(d.Mean())); diff > tol {
				t.Errorf("sample mean %v, Mean() %v: |diff| %v > tolerance %v",
					time.Duration(mean), d.Mean(), time.Duration(diff), time.Duration(tol))
			}
		})
	}
}

// TestSampleQuantiles checks that the fraction of samples at or below
// Quantile(p) is p, within five binomial standard errors, and that every
// sample lies in [Quantile(0), Quantile(1)] and is non-negative.
func TestSampleQuantiles(t *testing.T) {
	const n = 100_000
	ps := []float64{0.01, 0.1, 0.5, 0.9, 0.99}
	for _, spec := range quantileSpecs {
		t.Run(spec, func(t *testing.T) {
			d := MustParse(spec)
			r := newRand(7)
			lo, hi := d.Quantile(0), d.Quantile(1)
			qs := make([]time.Duration, len(ps))
			for i, p := range ps {
				qs[i] = d.Quantile(p)
				if i > 0 && qs[i] < qs[i-1] {
					t.Errorf("Quantile not monotone: Q(%v)=%v < Q(%v)=%v", p, qs[i], ps[i-1], qs[i-1])
				}
			}
			below := make([]int, len(ps))
			for range n {
				x := d.Sample(r)
				if x < 0 || x < lo || x > hi {
					t.Fatalf("sample %v outside [%v, %v]", x, lo, hi)
				}
				for i, q := range qs {
					if x <= q {
						below[i]++
					}
				}
			}
			for i, p := range ps {
				frac := float64(below[i]) / n
				tol := 5 * math.Sqrt(p*(1-p)/n)
				if math.Abs(frac-p) > tol {
					t.Errorf("P(X <= Q(%v)=%v) = %v, want %v ± %.4f", p, qs[i], frac, p, tol)
				}
			}
		})
	}
}

func TestKnownQuantiles(t *testing.T) {
	tests := []struct {
		spec string
		p    float64
		want time.Duration
	}{
		{"uniform:2ms:8ms", 0.25, 3500 * time.Microsecond},
		{"uniform:2ms:8ms", 0, 2 * time.Millisecond},
		{"uniform:2ms:8ms", 1, 8 * time.Millisecond},
		{"exp:10ms:5ms", 0, 5 * time.Millisecond},
		{"exp:10ms:5ms", 0.5, 5*time.Millisecond + 6931472}, // 10ms*ln 2
		{"exp:10ms", 1, maxDuration},
		{"lognormal:5ms:0.5", 0.5, 5 * time.Millisecond},
		{"lognormal:5ms:0.5:1ms", 0.5, 6 * time.Millisecond},
		{"normal:10ms:2ms", 0.5, 10000001}, // python: 10+2*inv_cdf(a+0.5*(1-a)), a=Phi(-5) = 10.0000007185
		{"normal:10ms:2ms", 0, 0},
		{"normal:10ms:2ms", 1, maxDuration},
		{"normal:5ms:2ms:4ms:6ms", 0.5, 5 * time.Millisecond},
		{"normal:5ms:2ms:4ms:6ms", 1, 6 * time.Millisecond},
		{"pareto:1ms:0.8", 0.5, 2378414},
		{"pareto:1ms:2", 0.75, 2 * time.Millisecond},
		{"pareto:1ms:2", 0, time.Millisecond},
	}
	for _, tt := range tests {
		if got := MustParse(tt.spec).Quantile(tt.p); got != tt.want {
			t.Errorf("%s Quantile(%v) = %v (%d), want %v (%d)", tt.spec, tt.p, got, int64(got), tt.want, int64(tt.want))
		}
	}
}

func TestDeterminism(t *testing.T) {
	for _, spec := range quantileSpecs {
		t.Run(spec, func(t *testing.T) {
			draw := func(seed uint64) []time.Duration {
				d := MustParse(spec) // a fresh Dist each time: no hidden state
				r := newRand(seed)
				out := make([]time.Duration, 1000)
				for i := range out {
					out[i] = d.Sample(r)
				}
				return out
			}
			a, b := draw(99), draw(99)
			if !slices.Equal(a, b) {
				t.Fatalf("same seed gave different sequences")
			}
			if c := draw(100); slices.Equal(a, c) {
				t.Errorf("different seeds gave the same sequence")
			}
		})
	}
}

// TestSaturation checks that extreme parameters saturate instead of
// overflowing or going negative.
func TestSaturation(t *testing.T) {
	r := newRand(3)
	for _, spec := range []string{
		"pareto:1ms:1e-300",
		"lognormal:1h:100",
		"exp:2562047h:2562047h",
		"lognormal:2562047h:1:2562047h",
		"uniform:0s:2562047h47m16.854775807s",
	} {
		d := MustParse(spec)
		for range 1000 {
			if x := d.Sample(r); x < 0 {
				t.Fatalf("%s: negative sample %v", spec, x)
			}
		}
		if d.Mean() < 0 || d.Quantile(1) != maxDuration {
			t.Errorf("%s: Mean %v, Quantile(1) %v", spec, d.Mean(), d.Quantile(1))
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"5ms", "const:1s", "uniform:2ms:8ms", "normal:5ms:1ms", "normal:5ms:1ms:4ms:inf",
		"normal:0s:1ms:2ms:3ms", "exp:1ms:3ms", "lognormal:5ms:0.5:1ms", "pareto:1ms:1.5",
		"pareto:1ns:1e-300", "gauss:1", "", ":", "uniform:1ms:-1ms",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		d, err := Parse(spec)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("multi-line error %q", err)
			}
			return
		}
		s := d.String()
		back, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q does not parse: %v", spec, s, err)
		}
		if !back.Equal(d) || back.String() != s {
			t.Fatalf("round trip of %q via %q: %+v != %+v", spec, s, *back, *d)
		}
		lo, hi := d.Quantile(0), d.Quantile(1)
		if lo < 0 || hi < lo || d.Mean() < lo || d.Mean() > hi {
			t.Fatalf("%q: Quantile(0)=%v Quantile(1)=%v Mean=%v", s, lo, hi, d.Mean())
		}
		r := newRand(1)
		for range 16 {
			if x := d.Sample(r); x < lo || x > hi {
				t.Fatalf("%q: sample %v outside [%v, %v]", s, x, lo, hi)
			}
		}
	})
}

var sink time.Duration

func BenchmarkSample(b *testing.B) {
	for _, spec := range []string{
		"const:5ms",
		"uniform:2ms:8ms",
		"normal:10ms:2ms",
		"normal:0s:1ms:2ms:3ms",
		"exp:10ms:5ms",
		"lognormal:5ms:0.5",
		"pareto:1ms:1.5",
	} {
		d := MustParse(spec)
		b.Run(spec, func(b *testing.B) {
			r := newRand(1)
			b.ReportAllocs()
			for b.Loop() {
				sink = d.Sample(r)
			}
		})
	}
}

// TestSampleDoesNotAllocate guards the 0 allocs/op property outside of
// benchmarks, so a regression fails the ordinary test run.
func TestSampleDoesNotAllocate(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counting")
	}
	r := newRand(1)
	for _, spec := range quantileSpecs {
		d := MustParse(spec)
		if n := testing.AllocsPerRun(1000, func() { sink = d.Sample(r) }); n != 0 {
			t.Errorf("%s: Sample allocates %v times per call", spec, n)
		}
	}
}
