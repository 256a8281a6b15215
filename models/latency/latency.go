package latency

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/raftsim/raftsim/sim"
)

type kind uint8

// The zero kind is kindConst so that the zero Dist is the constant 0.
const (
	kindConst kind = iota
	kindUniform
	kindNormal
	kindExp
	kindLogNormal
	kindPareto
)

var kindNames = [...]string{
	kindConst:     "const",
	kindUniform:   "uniform",
	kindNormal:    "normal",
	kindExp:       "exp",
	kindLogNormal: "lognormal",
	kindPareto:    "pareto",
}

const kindList = "const, uniform, normal, exp, lognormal, pareto"

const (
	// maxDuration is where samples, quantiles and means saturate: the
	// simulator's own bound (sim.FloatNanos, sim.AddDurations).
	maxDuration = sim.MaxDuration

	// minNormalMass is the smallest probability a normal's truncation
	// interval may hold. Below it the truncated CDF is dominated by rounding
	// error, so such specs are rejected rather than sampled badly.
	minNormalMass = 1e-9
	// maxRejections bounds the rejection loop for truncated normals. It is
	// only used when the interval holds at least half of the mass, so the
	// fallback to the inverse CDF runs with probability below 2^-64.
	maxRejections = 64
)

// Dist is a latency distribution. The zero value is the constant 0.
// A Dist is immutable once built, and safe for concurrent use as long as
// each goroutine samples with its own *rand.Rand.
//
// Dist is comparable: two Dists are equal (==, or Equal) exactly when they
// were built from the same canonical spec.
type Dist struct {
	kind kind

	// Parameters as given, in canonical form. Which ones are used depends
	// on kind:
	//	const:     a
	//	uniform:   a = min, b = max (a < b)
	//	normal:    a = mean, b = stddev (> 0), lo, hi (lo < hi, hi may be maxDuration = unbounded)
	//	exp:       a = mean (> 0), off
	//	lognormal: a = median (> 0), shape = sigma (> 0), off
	//	pareto:    a = scale (> 0), shape = alpha (> 0)
	a, b   time.Duration
	lo, hi time.Duration
	off    time.Duration
	shape  float64

	// Derived from the parameters at parse time.
	mean time.Duration
	// f1, f2 are the distuv parameters: uniform Min, Max; normal Mu, Sigma;
	// exp Rate; lognormal Mu; pareto Xm.
	f1, f2 float64
	// Truncated normal, in float nanoseconds: flo <= x <= fhi (fhi may be
	// +Inf). If reject, sample by rejection first. The inverse CDF of the
	// truncated standard normal is tsign * Φ⁻¹(t0 + tslope*p); tsign is -1
	// when the interval lies above the mean and is mirrored, so that Φ is
	// evaluated in the lower tail where it is precise.
	flo, fhi          float64
	reject            bool
	t0, tslope, tsign float64
}

// Const returns the constant distribution d. It panics if d is negative.
func Const(d time.Duration) *Dist {
	if d < 0 {
		panic(fmt.Sprintf("latency: Const(%v): negative duration", d))
	}
	return &Dist{kind: kindConst, a: d, mean: d}
}

// MustParse is like Parse but panics on error. It is meant for tests and
// package-level constants.
func MustParse(spec string) *Dist {
	d, err := Parse(spec)
	if err != nil {
		panic(err)
	}
	return d
}

// Parse parses a distribution spec (see the package documentation).
// Surrounding white space is ignored. Errors name the spec and the problem,
// for example:
//
//	latency: "uniform:8ms:2ms": min 8ms > max 2ms
func Parse(spec string) (*Dist, error) {
	p := parser{spec: spec}
	s := strings.TrimSpace(spec)
	if s == "" {
		return nil, p.errorf("empty spec")
	}
	name, rest, hasArgs := strings.Cut(s, ":")
	if !hasArgs && looksLikeDuration(s) {
		name, rest, hasArgs = "const", s, true
	}
	var args []string
	if hasArgs {
		args = strings.Split(rest, ":")
	}
	switch name {
	case "const":
		return p.parseConst(args)
	case "uniform":
		return p.parseUniform(args)
	case "normal":
		return p.parseNormal(args)
	case "exp":
		return p.parseExp(args)
	case "lognormal":
		return p.parseLogNormal(args)
	case "pareto":
		return p.parsePareto(args)
	}
	return nil, p.errorf("unknown distribution %q (want %s)", name, kindList)
}

// looksLikeDuration reports whether a spec without a colon should be read as
// a bare duration rather than a distribution name.
func looksLikeDuration(s string) bool {
	c := s[0]
	return c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+'
}

type parser struct{ spec string }

// durationError is a duration that did not parse: its own message, time.ParseDuration's error below.
type durationError struct {
	msg string
	err error
}

func (e *durationError) Error() string { return e.msg }
func (e *durationError) Unwrap() error { return e.err }

func (p parser) errorf(format string, args ...any) error {
	return fmt.Errorf("latency: %q: "+format, append([]any{p.spec}, args...)...)
}

func (p parser) nargs(args []string, usage string, counts ...int) error {
	for _, c := range counts {
		if len(args) == c {
			return nil
		}
	}
	return p.errorf("want %s, got %d argument(s)", usage, len(args))
}

func (p parser) duration(name, s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		// The message says what a user can act on; the time package's error stays in the chain.
		return 0, &durationError{p.errorf("%s %q is not a duration like 5ms, 1.5s or 250us", name, s).Error(), err}
	}
	if d < 0 {
		return 0, p.errorf("%s %v is negative", name, d)
	}
	return d, nil
}

// positive parses a dimensionless parameter that must be finite and > 0.
func (p parser) positive(name, s string) (float64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, p.errorf("%s: %q is not a number", name, s)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || f <= 0 {
		return 0, p.errorf("%s %s must be finite and > 0", name, s)
	}
	return f, nil
}

// durations parses args (already count-checked) as the named durations.
func (p parser) durations(args []string, names ...string) ([]time.Duration, error) {
	out := make([]time.Duration, len(args))
	for i, a := range args {
		d, err := p.duration(names[i], a)
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, nil
}

func (p parser) parseConst(args []string) (*Dist, error) {
	if err := p.nargs(args, "const:DURATION", 1); err != nil {
		return nil, err
	}
	d, err := p.duration("value", args[0])
	if err != nil {
		return nil, err
	}
	return Const(d), nil
}

func (p parser) parseUniform(args []string) (*Dist, error) {
	if err := p.nargs(args, "uniform:MIN:MAX", 2); err != nil {
		return nil, err
	}
	v, err := p.durations(args, "min", "max")
	if err != nil {
		return nil, err
	}
	lo, hi := v[0], v[1]
	switch {
	case lo > hi:
		return nil, p.errorf("min %v > max %v", lo, hi)
	case lo == hi:
		return Const(lo), nil
	}
	return &Dist{
		kind: kindUniform, a: lo, b: hi,
		// lo/2 + hi/2 cannot overflow; add back the lost half nanosecond
		// (rounding half up) when both are odd.
		mean: lo/2 + hi/2 + (lo%2+hi%2+1)/2,
		f1:   float64(lo), f2: float64(hi),
	}, nil
}

func (p parser) parseNormal(args []string) (*Dist, error) {
	if err := p.nargs(args, "normal:MEAN:STDDEV or normal:MEAN:STDDEV:MIN:MAX", 2, 4); err != nil {
		return nil, err
	}
	v, err := p.durations(args[:2], "mean", "stddev")
	if err != nil {
		return nil, err
	}
	mean, sd := v[0], v[1]
	lo, hi := time.Duration(0), maxDuration
	if len(args) == 4 {
		if lo, err = p.duration("min", args[2]); err != nil {
			return nil, err
		}
		if args[3] != "inf" {
			if hi, err = p.duration("max", args[3]); err != nil {
				return nil, err
			}
		}
		if lo > hi {
			return nil, p.errorf("min %v > max %v", lo, hi)
		}
	}
	switch {
	case lo == hi:
		return Const(lo), nil
	case sd == 0:
		return Const(min(max(mean, lo), hi)), nil
	}
	d := &Dist{kind: kindNormal, a: mean, b: sd, lo: lo, hi: hi, f1: float64(mean), f2: float64(sd), flo: float64(lo), fhi: math.Inf(1)}
	if hi != maxDuration {
		d.fhi = float64(hi)
	}
	alpha := (d.flo - d.f1) / d.f2
	beta := (d.fhi - d.f1) / d.f2
	std := distuv.UnitNormal
	var mass float64
	if alpha > 0 {
		// The interval lies above the mean: work in the mirrored lower tail.
		mass = std.CDF(-alpha) - std.CDF(-beta)
		d.t0, d.tslope, d.tsign = std.CDF(-alpha), -mass, -1
	} else {
		mass = std.CDF(beta) - std.CDF(alpha)
		d.t0, d.tslope, d.tsign = std.CDF(alpha), mass, 1
	}
	if !(mass >= minNormalMass) {
		return nil, p.errorf("bounds [%v, %s] hold probability < %g under normal(%v, %v)",
			lo, d.hiString(), minNormalMass, mean, sd)
	}
	d.reject = mass >= 0.5
	// Mean of the truncated normal: mu + sigma*(φ(α)-φ(β))/Z.
	m := d.f1 + d.f2*(std.Prob(alpha)-std.Prob(beta))/mass
	d.mean = min(max(toDuration(m), lo), hi)
	return d, nil
}

func (p parser) parseExp(args []string) (*Dist, error) {
	if err := p.nargs(args, "exp:MEAN or exp:MEAN:OFFSET", 1, 2); err != nil {
		return nil, err
	}
	v, err := p.durations(args, "mean", "offset")
	if err != nil {
		return nil, err
	}
	mean, off := v[0], time.Duration(0)
	if len(v) == 2 {
		off = v[1]
	}
	if mean == 0 {
		return Const(off), nil
	}
	return &Dist{kind: kindExp, a: mean, off: off, mean: addSat(off, mean), f1: 1 / float64(mean)}, nil
}

func (p parser) parseLogNormal(args []string) (*Dist, error) {
	if err := p.nargs(args, "lognormal:MEDIAN:SIGMA or lognormal:MEDIAN:SIGMA:OFFSET", 2, 3); err != nil {
		return nil, err
	}
	median, err := p.duration("median", args[0])
	if err != nil {
		return nil, err
	}
	if median == 0 {
		return nil, p.errorf("median must be > 0")
	}
	sigma, err := p.positive("sigma", args[1])
	if err != nil {
		return nil, err
	}
	var off time.Duration
	if len(args) == 3 {
		if off, err = p.duration("offset", args[2]); err != nil {
			return nil, err
		}
	}
	mu := math.Log(float64(median))
	return &Dist{
		kind: kindLogNormal, a: median, shape: sigma, off: off, f1: mu,
		mean: addSat(off, toDuration(math.Exp(mu+sigma*sigma/2))),
	}, nil
}

func (p parser) parsePareto(args []string) (*Dist, error) {
	if err := p.nargs(args, "pareto:SCALE:ALPHA", 2); err != nil {
		return nil, err
	}
	scale, err := p.duration("scale", args[0])
	if err != nil {
		return nil, err
	}
	if scale == 0 {
		return nil, p.errorf("scale must be > 0")
	}
	alpha, err := p.positive("alpha", args[1])
	if err != nil {
		return nil, err
	}
	d := &Dist{kind: kindPareto, a: scale, shape: alpha, f1: float64(scale)}
	if alpha > 1 {
		d.mean = toDuration(alpha * d.f1 / (alpha - 1))
	} else {
		// The mean is infinite; use the median so that routing still has
		// a finite, representative weight.
		d.mean = d.Quantile(0.5)
	}
	d.mean = max(d.mean, scale)
	return d, nil
}

// Sample draws one delay from d using r. It never returns a negative value
// and does not allocate. Constant distributions draw nothing from r; the
// others draw one or more values, deterministically for a given state of r.
func (d *Dist) Sample(r *rand.Rand) time.Duration {
	switch d.kind {
	case kindConst:
		return d.a
	case kindUniform:
		x := distuv.Uniform{Min: d.f1, Max: d.f2, Src: r}.Rand()
		return min(max(toDuration(x), d.a), d.b)
	case kindNormal:
		if d.reject {
			n := distuv.Normal{Mu: d.f1, Sigma: d.f2, Src: r}
			for range maxRejections {
				if x := n.Rand(); x >= d.flo && x <= d.fhi {
					return min(max(toDuration(x), d.lo), d.hi)
				}
			}
		}
		return d.normalQuantile(distuv.Uniform{Min: 0, Max: 1, Src: r}.Rand())
	case kindExp:
		return addSat(d.off, toDuration(distuv.Exponential{Rate: d.f1, Src: r}.Rand()))
	case kindLogNormal:
		return addSat(d.off, toDuration(distuv.LogNormal{Mu: d.f1, Sigma: d.shape, Src: r}.Rand()))
	case kindPareto:
		return max(toDuration(distuv.Pareto{Xm: d.f1, Alpha: d.shape, Src: r}.Rand()), d.a)
	}
	panic("latency: corrupt Dist")
}

// normalQuantile is the inverse CDF of the truncated normal at p in [0,1].
func (d *Dist) normalQuantile(p float64) time.Duration {
	t := min(max(d.t0+d.tslope*p, 0), 1)
	x := d.f1 + d.f2*d.tsign*distuv.UnitNormal.Quantile(t)
	if math.IsNaN(x) {
		x = d.f1
	}
	return min(max(toDuration(x), d.lo), d.hi)
}

// Quantile returns the p-quantile of d, for p in [0,1]. Quantile(0) is the
// smallest possible sample; Quantile(1) of an unbounded distribution is the
// largest time.Duration. It panics if p is outside [0,1].
func (d *Dist) Quantile(p float64) time.Duration {
	if !(p >= 0 && p <= 1) {
		panic(fmt.Sprintf("latency: Quantile(%v): p not in [0,1]", p))
	}
	switch d.kind {
	case kindConst:
		return d.a
	case kindUniform:
		x := distuv.Uniform{Min: d.f1, Max: d.f2}.Quantile(p)
		return min(max(toDuration(x), d.a), d.b)
	case kindNormal:
		switch p {
		case 0:
			return d.lo
		case 1:
			return d.hi
		}
		return d.normalQuantile(p)
	case kindExp:
		return addSat(d.off, toDuration(distuv.Exponential{Rate: d.f1}.Quantile(p)))
	case kindLogNormal:
		return addSat(d.off, toDuration(distuv.LogNormal{Mu: d.f1, Sigma: d.shape}.Quantile(p)))
	case kindPareto:
		return max(toDuration(distuv.Pareto{Xm: d.f1, Alpha: d.shape}.Quantile(p)), d.a)
	}
	panic("latency: corrupt Dist")
}

// Mean returns the mean of d, rounded to the nanosecond; for truncated
// normals it is the mean of the truncated distribution. It is what routing
// uses as the weight of a link.
//
// A Pareto distribution with ALPHA <= 1 has an infinite mean; Mean then
// returns its median, SCALE * 2^(1/ALPHA), which is finite and describes the
// typical delay. Means that do not fit in a time.Duration saturate at its
// maximum.
func (d *Dist) Mean() time.Duration { return d.mean }

// FiniteMean reports whether d's mean is finite: false only for a Pareto distribution with ALPHA <= 1,
// whose Mean is its median.
func (d *Dist) FiniteMean() bool { return d.kind != kindPareto || d.shape > 1 }

// IsConst reports whether every sample of d is the same value (which is
// then d.Mean()). Degenerate specs such as "uniform:5ms:5ms" are constant.
func (d *Dist) IsConst() bool { return d.kind == kindConst }

// Equal reports whether d and o describe the same distribution, that is
// whether their canonical specs are equal.
func (d *Dist) Equal(o *Dist) bool { return *d == *o }

// String returns the canonical spec of d, from which Parse rebuilds an equal
// Dist. Optional arguments that have their default value are left out.
// Microseconds are written "us", not "µs", so specs stay ASCII in result
// files and on command lines.
func (d *Dist) String() string {
	var b strings.Builder
	b.WriteString(kindNames[d.kind])
	arg := func(s string) {
		b.WriteByte(':')
		b.WriteString(strings.ReplaceAll(s, "µs", "us"))
	}
	num := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	switch d.kind {
	case kindConst:
		arg(d.a.String())
	case kindUniform:
		arg(d.a.String())
		arg(d.b.String())
	case kindNormal:
		arg(d.a.String())
		arg(d.b.String())
		if d.lo != 0 || d.hi != maxDuration {
			arg(d.lo.String())
			arg(d.hiString())
		}
	case kindExp:
		arg(d.a.String())
		if d.off != 0 {
			arg(d.off.String())
		}
	case kindLogNormal:
		arg(d.a.String())
		arg(num(d.shape))
		if d.off != 0 {
			arg(d.off.String())
		}
	case kindPareto:
		arg(d.a.String())
		arg(num(d.shape))
	}
	return b.String()
}

func (d *Dist) hiString() string {
	if d.hi == maxDuration {
		return "inf"
	}
	return d.hi.String()
}

// toDuration rounds x nanoseconds to a Duration, mapping NaN and negative
// values to 0 and saturating at maxDuration: the simulator's one
// float-to-time conversion.
func toDuration(x float64) time.Duration { return sim.FloatNanos(x) }

// addSat returns a+b for non-negative a and b, saturating at maxDuration.
func addSat(a, b time.Duration) time.Duration { return sim.AddDurations(a, b) }
