package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/measure"
	"github.com/raftsim/raftsim/experiments/results"
	"github.com/raftsim/raftsim/internal/atomicfile"
	"github.com/raftsim/raftsim/internal/readfile"
)

// ShardFile is the file a finished shard writes last into its directory: its ShardManifest.
const ShardFile = "shard.json"

// maxShardManifest bounds what ReadShard reads, as ReadManifest bounds a manifest.
const maxShardManifest = 16 << 20

// ShardManifest says what a shard directory holds: which shard of how many, by which assignment rule,
// how many trials, and the manifest the whole sweep writes (results.Manifest: experiment, seed,
// trials, command, build and revision, spec and its SHA-256, input files, warnings), which merge
// checks across the shards and writes as the merged manifest.json.
type ShardManifest struct {
	Shard       int    `json:"shard"`  // 1-based
	Shards      int    `json:"shards"` // how many
	Assignment  string `json:"assignment"`
	ShardTrials int    `json:"shard_trials"` // the trials of this shard, all in its journal
	results.Manifest
}

// writeShardManifest writes ShardFile for the finished shard o.Shard of plan.
func writeShardManifest(ctx context.Context, plan *experiments.Plan, o *Options, a *Assignment) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m := &ShardManifest{Shard: o.Shard.Index, Shards: o.Shard.Count, Assignment: AssignmentRule,
		ShardTrials: a.Sizes[o.Shard.Index-1], Manifest: *results.NewManifest(plan, o.Command)}
	err := atomicfile.Write(filepath.Join(o.Out, ShardFile), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(m)
	})
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	return atomicfile.SyncDir(o.Out)
}

// MergeError is a set of shards merge will not take: missing, duplicated, foreign or unfinished. It
// wraps ErrRefused; nothing was written.
type MergeError struct {
	Dir string // the shard directory at fault; "" when the fault is the set's (a missing shard)
	Msg string
}

func (e *MergeError) Error() string {
	if e.Dir == "" {
		return "merge: " + e.Msg
	}
	return "merge: " + e.Dir + ": " + e.Msg
}

func (e *MergeError) Unwrap() error { return ErrRefused }

// ReadShard reads the ShardManifest of the shard directory dir. A directory with no ShardFile is
// refused: as unfinished when it holds a shard's journal (the message says how to resume it), else as
// no shard directory. Every problem is a *MergeError.
func ReadShard(dir string) (*ShardManifest, error) {
	fail := func(format string, args ...any) error {
		return &MergeError{Dir: dir, Msg: fmt.Sprintf(format, args...)}
	}
	fi, err := os.Stat(dir)
	switch {
	case err != nil:
		return nil, fail("%v", unwrapPath(err))
	case !fi.IsDir():
		return nil, fail("not a directory (a shard is the --out directory of raftsim sweep --shard)")
	}
	path := filepath.Join(dir, ShardFile)
	data, err := readfile.ReadFile(path, maxShardManifest)
	if errors.Is(err, fs.ErrNotExist) {
		if first, jerr := firstLine(filepath.Join(dir, JournalFile)); jerr == nil {
			if id, _, ok := parseJournalID(first); ok && id.shard.Sharded() {
				// Resuming takes the command that started the shard, --seed and --trials included (the
				// journal refuses other values, and merge another command line): the spec's own trial
				// count, all a bare "SPEC" suggested, was refused as another sweep. The journal knows the
				// values, not whether they were given as flags.
				return nil, fail("shard %s is unfinished (its %s, no %s): resume it with the command that started it and --resume: raftsim sweep SPEC [--seed %d] [--trials %d] --shard %s --out %s --resume, --seed and --trials as the other shards were run",
					id.shard, JournalFile, ShardFile, id.seed, id.trials, id.shard, dir)
			}
		}
		return nil, fail("not a finished shard (no %s): the --out directory of raftsim sweep SPEC --shard I/N", ShardFile)
	} else if err != nil {
		return nil, fail("%s: %v", ShardFile, unwrapPath(err))
	}
	var m ShardManifest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil || dec.More() {
		return nil, fail("%s is not a shard manifest raftsim reads", ShardFile)
	}
	if err := (Shard{m.Shard, m.Shards}).Validate(); err != nil {
		return nil, fail("%s: %v", ShardFile, err)
	}
	return &m, nil
}

func unwrapPath(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// Merge writes the results directory o.Out from the finished shards in dirs, of plan (the plan of
// their spec, as the CLI parses it from the first shard's manifest): the same files, byte for byte, as
// Run of plan writes on one machine with the same binary, through the same writer (writeResults, then
// o.Finish), with the shards' manifest (which holds the sweep's command and the binary's build).
//
// Before anything is written, every shard is checked: each holds ShardFile (else it is unfinished or
// no shard); all are shards of the same sweep (spec, seed, trials, input files), the same number of
// shards, the same assignment rule, and the same build as each other and as the running binary (whose
// build the merged manifest records); each index 1..N is there exactly once; each journal holds
// exactly its shard's trials (a line damaged or missing is refused), and together they hold every
// trial of plan once. A shard set that fails is a *MergeError naming the directory and the shard, and
// o.Out is not created or changed. o.Out is then taken as Run takes it without Resume: new, empty or
// holding this sweep's results, else refused unless o.Force. o.Resume, o.Shard, o.Workers and
// o.Progress are not used.
func Merge(ctx context.Context, plan *experiments.Plan, dirs []string, o Options) (Result, error) {
	o.Resume, o.Shard = false, Shard{}
	if err := check(plan, &o); err != nil {
		return Result{}, err
	}
	if len(dirs) == 0 {
		return Result{}, &MergeError{Msg: "no shard directory given"}
	}
	ms := make([]*ShardManifest, len(dirs))
	for i, dir := range dirs {
		m, err := ReadShard(dir)
		if err != nil {
			return Result{}, err
		}
		ms[i] = m
	}
	ref, build := ms[0], results.ReadBuild()
	if ref.SpecSHA256 != results.SpecSHA256(plan) || ref.Seed != plan.Seed || ref.Trials != plan.Trials {
		return Result{}, &MergeError{Dir: dirs[0], Msg: "its manifest's spec, seed or trials are not the plan's"}
	}
	byIndex := make(map[int]string, len(dirs))
	for i, m := range ms {
		dir := dirs[i]
		fail := func(format string, args ...any) error {
			return &MergeError{Dir: dir, Msg: fmt.Sprintf("shard %d/%d: ", m.Shard, m.Shards) + fmt.Sprintf(format, args...)}
		}
		have, want := manifestIdent(&m.Manifest), manifestIdent(&ref.Manifest)
		switch {
		case !same(have, want):
			return Result{}, fail("of another sweep than %s (%s)", dirs[0], differences(have, want))
		case m.Shards != ref.Shards:
			return Result{}, fail("one of %d shards, and %s one of %d: run every shard with the same --shard I/N", m.Shards, dirs[0], ref.Shards)
		case m.Assignment != AssignmentRule:
			return Result{}, fail("assigned by rule %q, not this raftsim's %q", m.Assignment, AssignmentRule)
		case !m.Build.Equal(ref.Build):
			return Result{}, fail("built from another raftsim than %s (%s): run every shard with one binary", dirs[0], buildDiff(m.Build, ref.Build))
		case !m.Build.Equal(build):
			return Result{}, fail("run by another raftsim than this one (%s): merge with the binary that ran the shards, whose build the merged manifest records", buildDiff(m.Build, build))
		case !slices.Equal(m.Command, ref.Command):
			return Result{}, fail("run as %q, and %s as %q", strings.Join(m.Command, " "), dirs[0], strings.Join(ref.Command, " "))
		}
		if prev, ok := byIndex[m.Shard]; ok {
			return Result{}, &MergeError{Dir: dir, Msg: fmt.Sprintf("shard %d/%d is given twice: %s is shard %d/%d too", m.Shard, m.Shards, prev, m.Shard, m.Shards)}
		}
		byIndex[m.Shard] = dir
	}
	assign := Assign(plan, ref.Shards)
	for k := 1; k <= ref.Shards; k++ {
		if _, ok := byIndex[k]; !ok {
			return Result{}, &MergeError{Msg: fmt.Sprintf("shard %d/%d is missing (its %d trials are in none of the %d directories given)",
				k, ref.Shards, assign.Sizes[k-1], len(dirs))}
		}
	}

	// Every journal, read whole and checked line by line, before o.Out is touched.
	cols := journalCols(measure.Names)
	total := len(plan.Points) * plan.Trials
	owner := make([]int32, total) // by point*trials+trial: 1 + the position in dirs of the shard holding it
	trials := make([]results.Trial, 0, total)
	for i, m := range ms {
		dir := dirs[i]
		sh := Shard{m.Shard, m.Shards}
		id := journalID{sha: m.SpecSHA256, seed: m.Seed, trials: m.Trials, inputs: m.Inputs, shard: sh}
		got, err := readShardJournal(ctx, filepath.Join(dir, JournalFile), plan, id, cols)
		if err != nil {
			return Result{}, err
		}
		if want := assign.Sizes[m.Shard-1]; m.ShardTrials != want {
			return Result{}, &MergeError{Dir: dir, Msg: fmt.Sprintf("shard %s: shard.json says %d trials, and the assignment gives the shard %d (the file was changed)", sh, m.ShardTrials, want)}
		}
		for _, t := range got {
			at := t.Point*plan.Trials + t.Trial
			if o := owner[at]; o != 0 {
				return Result{}, &MergeError{Dir: dir, Msg: fmt.Sprintf("shard %s: point %q trial %d is in %s too", sh, plan.Points[t.Point].Key(), t.Trial, dirs[o-1])}
			}
			if want := assign.Of(t.Point, t.Trial); want != m.Shard {
				return Result{}, &MergeError{Dir: dir, Msg: fmt.Sprintf("shard %s: point %q trial %d belongs to shard %d/%d", sh, plan.Points[t.Point].Key(), t.Trial, want, m.Shards)}
			}
			owner[at] = int32(i + 1)
		}
		// After the trials' own checks: a journal holding another shard's trial is that, not a shard
		// to resume.
		if len(got) != m.ShardTrials {
			return Result{}, &MergeError{Dir: dir, Msg: fmt.Sprintf("shard %s: its journal holds %d of its %d trials: resume it with raftsim sweep SPEC --shard %s --out %s --resume",
				sh, len(got), m.ShardTrials, sh, dir)}
		}
		trials = append(trials, got...)
	}
	if len(trials) != total {
		// Cannot happen once every shard holds its ShardTrials trials of its own: said all the same.
		return Result{}, &MergeError{Msg: fmt.Sprintf("the shards hold %d of the sweep's %d trials", len(trials), total)}
	}

	id := journalID{sha: ref.SpecSHA256, seed: ref.Seed, trials: ref.Trials, inputs: ref.Inputs}
	lock, _, replaces, err := take(plan, id, &o)
	if err != nil {
		return Result{}, err
	}
	defer lock.Unlock()
	res := Result{Dir: o.Out, Points: len(plan.Points), Trials: total, Resumed: total, Replaces: replaces,
		TrialsPath:      filepath.Join(o.Out, results.TrialsFile),
		SummaryPath:     filepath.Join(o.Out, results.SummaryFile),
		SummaryLongPath: filepath.Join(o.Out, results.SummaryLongFile),
		ManifestPath:    filepath.Join(o.Out, results.ManifestFile)}
	if o.Begin != nil {
		o.Begin(res)
	}
	// writeResults sorts the trials into sweep order itself, as for a sweep's journal order.
	if err := writeResults(ctx, plan, &o, &res, trials, &ref.Manifest); err != nil {
		return res, err
	}
	if o.Finish != nil {
		if err := o.Finish(res); err != nil {
			var fe *finalError
			if errors.As(err, &fe) {
				return res, fe.err
			}
			return res, err
		}
	}
	return res, nil
}

// readShardJournal reads a finished shard's journal without changing it. Unlike a resume, a last line
// that fails its checksum is not forgiven silently: the count of trials then falls short, which Merge
// refuses.
func readShardJournal(ctx context.Context, path string, plan *experiments.Plan, id journalID, cols []string) ([]results.Trial, error) {
	dir := filepath.Dir(path)
	fail := func(format string, args ...any) error {
		return &MergeError{Dir: dir, Msg: fmt.Sprintf("shard %s: %s: ", id.shard, JournalFile) + fmt.Sprintf(format, args...)}
	}
	f, st, err := readfile.OpenRegular(path)
	if err != nil {
		return nil, fail("%v", unwrapPath(err))
	}
	defer f.Close()
	if st.Size() > readfile.ResultLimit {
		return nil, fail("%d bytes, more than a journal takes", st.Size())
	}
	_, trials, err := readJournal(ctx, f, st.Size(), plan, id, cols, nil, fail)
	var me *MergeError
	if err != nil && !errors.As(err, &me) {
		return nil, fmt.Errorf("merge: %s: %w", dir, err)
	}
	return trials, err
}

// buildDiff says how build a differs from b.
func buildDiff(a, b results.Build) string {
	var parts []string
	add := func(what, x, y string) {
		if x != y {
			parts = append(parts, fmt.Sprintf("%s %s, not %s", what, x, y))
		}
	}
	add("revision", a.Revision, b.Revision)
	add("modified", a.Modified, b.Modified)
	add("version", a.Version, b.Version)
	add("module", a.Module, b.Module)
	add("go", a.Go, b.Go)
	if !maps.Equal(a.Deps, b.Deps) {
		parts = append(parts, "other dependency versions")
	}
	return strings.Join(parts, "; ")
}
