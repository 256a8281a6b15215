package swarm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/raftsim/raftsim/experiments/results"
	"github.com/raftsim/raftsim/experiments/sweep"
	"github.com/raftsim/raftsim/internal/atomicfile"
	"github.com/raftsim/raftsim/internal/readfile"
	"github.com/raftsim/raftsim/safety/linearize"
)

// ReportKind and ReportVersion open every report file: what it is, and the form this raftsim writes.
const (
	ReportKind    = "raftsim check report"
	ReportVersion = 1
)

// maxReportFile bounds what ReadReport reads: a report keeps at most MaxFailed failures and unknowns.
const maxReportFile = 16 << 20

// ReportFile is the deterministic account of a check, as `raftsim check --report FILE` writes it: the
// seeds run, the failures by kind with their seeds and reasons, the unknown seeds, the simulated time,
// events and operations, and what could change them (the binary's build, the linearizability time limit,
// a mutation). Nothing wall-clock is in it (seeds per second are printed, not written), so the report of
// a check is the same bytes on any machine and with any workers, and the reports of its shards merge
// (MergeReports) to the report of the whole check, byte for byte.
type ReportFile struct {
	Kind    string `json:"kind"`    // ReportKind
	Version int    `json:"version"` // ReportVersion
	// Shard is set in a shard's report (raftsim check --shard I/N): which one, and its seeds. A
	// whole check's report, and the merged report, have none.
	Shard *ReportShard  `json:"shard,omitempty"`
	From  uint64        `json:"from"`  // the check's first seed
	Seeds uint64        `json:"seeds"` // the check's seeds (all shards'), From to From+Seeds-1
	Build results.Build `json:"build"`
	// LinearizeTimeout is the time limit of a linearizability check (Go duration text); Mutate the
	// mutation flags of the mutants build, empty in a release binary.
	LinearizeTimeout string   `json:"linearize_timeout"`
	Mutate           []string `json:"mutate"`
	// Failures counts the failed seeds of each kind (every kind of Kinds, 0 included).
	Failures map[Kind]uint64 `json:"failures"`
	// Failed are the first MaxFailed failed seeds in seed order; Unknown counts the seeds whose
	// linearizability check ran out of time (and that did not fail otherwise), the first MaxFailed of
	// them in UnknownSeeds.
	Failed       []ReportFailure `json:"failed"`
	Unknown      uint64          `json:"unknown"`
	UnknownSeeds []uint64        `json:"unknown_seeds"`
	SimulatedNS  int64           `json:"simulated_ns"` // simulated time, summed over the seeds
	Events       uint64          `json:"events"`
	Ops          uint64          `json:"ops"` // client operations checked for linearizability
}

// ReportShard is which shard of a check a report is, and the seeds it ran (ShardSeeds).
type ReportShard struct {
	Index int    `json:"index"` // 1-based
	Count int    `json:"count"`
	From  uint64 `json:"from"`
	Seeds uint64 `json:"seeds"`
}

// ReportFailure is a failed seed in a report.
type ReportFailure struct {
	Seed   uint64 `json:"seed"`
	Kind   Kind   `json:"kind"`
	Reason string `json:"reason"`
}

// ShardSeeds returns the seeds of shard index (1-based) of count of a check of seeds seeds from from:
// the contiguous range from+⌊(index-1)·seeds/count⌋ to from+⌊index·seeds/count⌋-1. Seeds cost alike
// on average (each draws its world from the same distribution), so an even split by count balances
// them; contiguous ranges keep each shard's report a check of its own, in seed order. The shards'
// sizes differ by at most one, and together they cover every seed once.
func ShardSeeds(from, seeds uint64, index, count int) (uint64, uint64) {
	at := func(k int) uint64 {
		hi, lo := bits.Mul64(uint64(k), seeds)
		q, _ := bits.Div64(hi, lo, uint64(count)) // hi < count, as k <= count
		return q
	}
	lo, hi := at(index-1), at(index)
	return from + lo, hi - lo
}

// ReportRecorder builds a ReportFile from the results of Check's progress callback, which it is
// called with in seed order.
type ReportRecorder struct {
	unknown []uint64
}

// Add notes one seed's result.
func (r *ReportRecorder) Add(res *Result) {
	if res.Fail == "" && res.Linearize == linearize.Unknown && len(r.unknown) < MaxFailed {
		r.unknown = append(r.unknown, res.Seed)
	}
}

// Report returns the report of a check of seeds seeds from from that rep accounts for; shard is nil
// for a whole check.
func (r *ReportRecorder) Report(rep *Report, from, seeds uint64, shard *ReportShard, build results.Build, linTimeout time.Duration, mutate []string) *ReportFile {
	f := &ReportFile{Kind: ReportKind, Version: ReportVersion, Shard: shard, From: from, Seeds: seeds, Build: build,
		LinearizeTimeout: linTimeout.String(), Mutate: append([]string{}, mutate...),
		Failures: map[Kind]uint64{}, Failed: []ReportFailure{}, Unknown: rep.Unknown,
		UnknownSeeds: append([]uint64{}, r.unknown...), SimulatedNS: int64(rep.Simulated), Events: rep.Events, Ops: rep.Ops}
	for _, k := range Kinds {
		f.Failures[k] = rep.Failures[k]
	}
	for _, res := range rep.Failed {
		f.Failed = append(f.Failed, ReportFailure{Seed: res.Seed, Kind: res.Fail, Reason: res.Reason})
	}
	return f
}

// WriteReport writes f to path atomically: indented JSON, keys in a fixed order (maps by key), a final
// newline.
func WriteReport(path string, f *ReportFile) error {
	err := atomicfile.Write(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(f)
	})
	if err != nil {
		return fmt.Errorf("swarm: %w", err)
	}
	return nil
}

// ErrNoReport marks a file that is not a check report ReadReport reads (missing, not a regular file,
// too large, not this form).
var ErrNoReport = errors.New("swarm: not a check report")

// ReadReport reads the report at path. An error wraps ErrNoReport and says why.
func ReadReport(path string) (*ReportFile, error) {
	data, err := readfile.ReadFile(path, maxReportFile)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%w: %s: %w", ErrNoReport, path, err)
	}
	var f ReportFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil || dec.More() || f.Kind != ReportKind {
		return nil, fmt.Errorf("%w: %s is not a report of raftsim check --report", ErrNoReport, path)
	}
	if f.Version != ReportVersion {
		return nil, fmt.Errorf("%w: %s: report version %d, this raftsim reads %d", ErrNoReport, path, f.Version, ReportVersion)
	}
	if err := f.validate(); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrNoReport, path, err)
	}
	return &f, nil
}

// validate says which field of a report is not one raftsim check writes, or nil. A report is a file
// anyone can edit, and the merge computes with its fields (a shard's seed range divides by its count,
// the totals add up): a damaged or hand-edited report must be refused by name, not panic the merge
// (a shard count of 0) or leave it a merged report that contradicts itself (3 failures and no
// failed seed, a failed seed outside the check).
func (f *ReportFile) validate() error {
	if f.Seeds > 0 && f.From > math.MaxUint64-(f.Seeds-1) {
		return fmt.Errorf("from %d, seeds %d: the seeds pass %d", f.From, f.Seeds, uint64(math.MaxUint64))
	}
	lo, n := f.From, f.Seeds // the seeds this report accounts for
	if f.Shard != nil {
		if err := (sweep.Shard{Index: f.Shard.Index, Count: f.Shard.Count}).Validate(); err != nil {
			return fmt.Errorf("shard: %w", err)
		}
		lo, n = ShardSeeds(f.From, f.Seeds, f.Shard.Index, f.Shard.Count)
		if f.Shard.From != lo || f.Shard.Seeds != n {
			return fmt.Errorf("shard %d/%d: seeds %d (+%d), not the shard's %d (+%d)", f.Shard.Index, f.Shard.Count, f.Shard.From, f.Shard.Seeds, lo, n)
		}
	}
	var failed uint64
	for _, k := range Kinds {
		c, ok := f.Failures[k]
		if !ok {
			return fmt.Errorf("failures: no count of %s", k)
		}
		if c > n-failed {
			return fmt.Errorf("failures: more failed seeds than the %d seeds run", n)
		}
		failed += c
	}
	if len(f.Failures) != len(Kinds) {
		for k := range f.Failures {
			if !slices.Contains(Kinds, k) {
				return fmt.Errorf("failures: unknown kind %q", k)
			}
		}
	}
	if f.Unknown > n-failed {
		return fmt.Errorf("unknown %d: more than the %d seeds run that did not fail", f.Unknown, n-failed)
	}
	if want := min(failed, MaxFailed); uint64(len(f.Failed)) != want {
		return fmt.Errorf("failed: %d seeds listed, want %d (the first %d of the %d failures)", len(f.Failed), want, MaxFailed, failed)
	}
	if want := min(f.Unknown, MaxFailed); uint64(len(f.UnknownSeeds)) != want {
		return fmt.Errorf("unknown_seeds: %d seeds listed, want %d (the first %d of the %d unknown)", len(f.UnknownSeeds), want, MaxFailed, f.Unknown)
	}
	inOrder := func(field string, i int, s, prev uint64) error {
		switch {
		case s < lo || s-lo >= n:
			return fmt.Errorf("%s[%d]: seed %d is not one of the report's seeds %d (+%d)", field, i, s, lo, n)
		case i > 0 && s <= prev:
			return fmt.Errorf("%s[%d]: seed %d is not after seed %d (seed order, each once)", field, i, s, prev)
		}
		return nil
	}
	for i, fl := range f.Failed {
		var prev uint64
		if i > 0 {
			prev = f.Failed[i-1].Seed
		}
		if err := inOrder("failed", i, fl.Seed, prev); err != nil {
			return err
		}
		if !slices.Contains(Kinds, fl.Kind) {
			return fmt.Errorf("failed[%d]: unknown kind %q", i, fl.Kind)
		}
	}
	for i, s := range f.UnknownSeeds {
		var prev uint64
		if i > 0 {
			prev = f.UnknownSeeds[i-1]
		}
		if err := inOrder("unknown_seeds", i, s, prev); err != nil {
			return err
		}
	}
	if f.SimulatedNS < 0 {
		return fmt.Errorf("simulated_ns %d: must not be negative", f.SimulatedNS)
	}
	return nil
}

// MergeReports merges the reports of the shards of one check (names[i] names reports[i] in messages)
// into the report of the whole check. They must be shards of the same check (seeds, build, time limit,
// mutation) and of the same count, each index once and none missing, each with the seeds ShardSeeds
// gives it; the error (an *MergeError) names the report and the problem.
func MergeReports(reports []*ReportFile, names []string) (*ReportFile, error) {
	if len(reports) == 0 {
		return nil, &MergeError{Msg: "no report given"}
	}
	ref := reports[0]
	byIndex := map[int]int{}
	for i, r := range reports {
		fail := func(format string, args ...any) error {
			return &MergeError{Name: names[i], Msg: fmt.Sprintf(format, args...)}
		}
		if r.Shard == nil {
			return nil, fail("the report of a whole check, not of a shard (raftsim check --shard I/N --report FILE)")
		}
		sh := fmt.Sprintf("shard %d/%d", r.Shard.Index, r.Shard.Count)
		from, seeds := ShardSeeds(r.From, r.Seeds, r.Shard.Index, r.Shard.Count)
		switch {
		case r.From != ref.From || r.Seeds != ref.Seeds:
			return nil, fail("%s of another check than %s (seeds %d to %d, not %d to %d)", sh, names[0],
				r.From, r.From+r.Seeds-1, ref.From, ref.From+ref.Seeds-1)
		case r.Shard.Count != ref.Shard.Count:
			return nil, fail("%s, and %s one of %d shards: run every shard with the same --shard I/N", sh, names[0], ref.Shard.Count)
		case r.Shard.Index < 1 || r.Shard.Index > r.Shard.Count || r.Shard.From != from || r.Shard.Seeds != seeds:
			return nil, fail("%s holds seeds %d (+%d), not the shard's", sh, r.Shard.From, r.Shard.Seeds)
		case !r.Build.Equal(ref.Build):
			return nil, fail("%s was run by another raftsim build than %s (revision %s, not %s)", sh, names[0], r.Build.Revision, ref.Build.Revision)
		case r.LinearizeTimeout != ref.LinearizeTimeout:
			return nil, fail("%s was run with --linearize-timeout %s, %s with %s", sh, r.LinearizeTimeout, names[0], ref.LinearizeTimeout)
		case !slices.Equal(r.Mutate, ref.Mutate):
			return nil, fail("%s was run with the mutation %q, %s with %q", sh, r.Mutate, names[0], ref.Mutate)
		}
		if prev, ok := byIndex[r.Shard.Index]; ok {
			return nil, fail("%s is given twice: %s is %s too", sh, names[prev], sh)
		}
		byIndex[r.Shard.Index] = i
	}
	n := ref.Shard.Count
	m := &ReportFile{Kind: ReportKind, Version: ReportVersion, From: ref.From, Seeds: ref.Seeds, Build: ref.Build,
		LinearizeTimeout: ref.LinearizeTimeout, Mutate: ref.Mutate, Failures: map[Kind]uint64{},
		Failed: []ReportFailure{}, UnknownSeeds: []uint64{}}
	for _, k := range Kinds {
		m.Failures[k] = 0
	}
	for k := 1; k <= n; k++ {
		i, ok := byIndex[k]
		if !ok {
			from, seeds := ShardSeeds(ref.From, ref.Seeds, k, n)
			return nil, &MergeError{Msg: fmt.Sprintf("shard %d/%d is missing (seeds %d to %d are in none of the %d reports given)", k, n, from, from+seeds-1, len(reports))}
		}
		// In shard order, the shards' seeds are in seed order: the first MaxFailed of the whole
		// check are the first MaxFailed of the shards' lists put end to end.
		r := reports[i]
		for kind, c := range r.Failures {
			m.Failures[kind] += c
		}
		for _, f := range r.Failed {
			if len(m.Failed) < MaxFailed {
				m.Failed = append(m.Failed, f)
			}
		}
		for _, s := range r.UnknownSeeds {
			if len(m.UnknownSeeds) < MaxFailed {
				m.UnknownSeeds = append(m.UnknownSeeds, s)
			}
		}
		// Each report's counts are within its seeds (validate), so only the totals a report states
		// freely can pass what a uint64 (int64) holds: refuse them rather than wrap.
		m.Unknown += r.Unknown
		var c1, c2 uint64
		m.Events, c1 = bits.Add64(m.Events, r.Events, 0)
		m.Ops, c2 = bits.Add64(m.Ops, r.Ops, 0)
		if c1 != 0 || c2 != 0 || r.SimulatedNS > math.MaxInt64-m.SimulatedNS {
			return nil, &MergeError{Name: names[i], Msg: "its events, ops or simulated_ns take the sum past what a report holds"}
		}
		m.SimulatedNS += r.SimulatedNS
	}
	return m, nil
}

// FailedSeeds is the number of failed seeds the report counts.
func (f *ReportFile) FailedSeeds() uint64 {
	var n uint64
	for _, c := range f.Failures {
		n += c
	}
	return n
}

// MergeError is a set of check reports MergeReports will not take: missing, duplicated or foreign.
type MergeError struct {
	Name string // the report at fault; "" when the fault is the set's (a missing shard)
	Msg  string
}

func (e *MergeError) Error() string {
	if e.Name == "" {
		return "merge: " + e.Msg
	}
	return "merge: " + e.Name + ": " + e.Msg
}
