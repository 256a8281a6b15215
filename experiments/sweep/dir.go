package sweep

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/results"
	"github.com/raftsim/raftsim/internal/atomicfile"
	"github.com/raftsim/raftsim/internal/readfile"
)

// dirState is what a results directory holds, as far as Run cares.
type dirState struct {
	exists      bool
	journal     bool
	jid         journalID
	jidOK       bool              // the journal's first line could be read
	jversion    string            // the version its first line gives, if it is a journal's
	manifest    *results.Manifest // nil: none, or unreadable
	manifestErr error             // why the manifest is unreadable
	stray       []string          // result files there without a manifest
	shardDone   bool              // ShardFile is there: a finished shard (with its journal)
}

// inspect reads what dir holds without changing anything.
func inspect(dir string) (dirState, error) {
	var st dirState
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return st, nil
	case err != nil:
		return st, fmt.Errorf("%w: %v: choose another --out", ErrRefused, err)
	case !fi.IsDir():
		return st, fmt.Errorf("%w: %s is not a directory: choose another --out", ErrRefused, dir)
	}
	st.exists = true
	jpath := filepath.Join(dir, JournalFile)
	if _, err := os.Lstat(jpath); err == nil {
		st.journal = true
		if first, err := firstLine(jpath); err == nil {
			st.jid, st.jversion, st.jidOK = parseJournalID(first)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return st, fmt.Errorf("sweep: %w", err)
	}
	if _, err := os.Lstat(filepath.Join(dir, ShardFile)); err == nil {
		st.shardDone = true
		if !st.journal {
			st.stray = append(st.stray, ShardFile)
		}
	}
	mpath := filepath.Join(dir, results.ManifestFile)
	if _, err := os.Lstat(mpath); err == nil {
		st.manifest, st.manifestErr = results.ReadManifest(mpath)
		if st.manifestErr != nil {
			st.manifest = nil
		}
		return st, nil
	}
	for _, name := range results.Files {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			st.stray = append(st.stray, name)
		}
	}
	return st, nil
}

// firstLine reads the first line of a journal, up to a bound (maxHeader). A journal that is not a
// regular file is refused without blocking (readfile.Open): a named pipe would wait for a writer.
func firstLine(path string) (string, error) {
	f, err := readfile.Open(path, readfile.ResultLimit)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return firstLineOf(f)
}

// ident is what tells one sweep's results from another's. Empty name and spec mean unknown (a journal
// records neither).
type ident struct {
	name   string
	sha    string
	seed   uint64
	trials int
	spec   string
	// inputs maps the files the spec read besides itself (topology files, as it names them) to the
	// SHA-256 of their content: the same spec text over another topology is another sweep.
	inputs map[string]string
	shard  Shard // zero: a whole sweep
}

func planIdent(plan *experiments.Plan) ident {
	return ident{plan.Name, results.SpecSHA256(plan), plan.Seed, plan.Trials, string(plan.Spec), results.Inputs(plan), Shard{}}
}

func manifestIdent(m *results.Manifest) ident {
	return ident{m.Experiment, m.SpecSHA256, m.Seed, m.Trials, m.Spec, m.Inputs, Shard{}}
}

func journalIdent(id journalID) ident {
	return ident{sha: id.sha, seed: id.seed, trials: id.trials, inputs: id.inputs, shard: id.shard}
}

// same says whether results of have may be replaced or finished by a sweep of want without asking.
func same(have, want ident) bool {
	return have.sha == want.sha && have.seed == want.seed && have.trials == want.trials &&
		(have.name == "" || have.name == want.name) && maps.Equal(have.inputs, want.inputs) && have.shard == want.shard
}

// differences says how have differs from want, for a message: `trials 100, not 50; seed 1, not 2`.
func differences(have, want ident) string {
	var parts []string
	if have.name != "" && have.name != want.name {
		parts = append(parts, fmt.Sprintf("experiment %q, not %q", have.name, want.name))
	}
	if have.shard != want.shard {
		parts = append(parts, fmt.Sprintf("%s, not %s", shardName(have.shard), shardName(want.shard)))
	}
	if have.trials != want.trials {
		parts = append(parts, fmt.Sprintf("trials %d, not %d", have.trials, want.trials))
	}
	if have.seed != want.seed {
		parts = append(parts, fmt.Sprintf("seed %d, not %d", have.seed, want.seed))
	}
	shas := fmt.Sprintf("spec sha256 %s, not %s", short(have.sha), short(want.sha))
	switch {
	case have.spec != "" && want.spec != "":
		// Canonical specs: the name, seed and trials are top-level lines of their own.
		if settings(have.spec) != settings(want.spec) {
			parts = append(parts, "other settings ("+shas+")")
		}
	case have.sha != want.sha && (len(parts) == 0 || len(parts) == 1 && have.shard != want.shard):
		parts = append(parts, shas)
	}
	// The files the spec read: same names (they are in the spec's text), other content.
	for _, name := range slices.Sorted(maps.Keys(union(have.inputs, want.inputs))) {
		h, inHave := have.inputs[name]
		w, inWant := want.inputs[name]
		switch {
		case inHave && inWant && h != w:
			parts = append(parts, fmt.Sprintf("%s has changed: sha256 %s then, %s now", name, short(h), short(w)))
		case inHave && !inWant:
			parts = append(parts, fmt.Sprintf("they were made with %s too", name))
		case !inHave && inWant:
			parts = append(parts, fmt.Sprintf("no record of %s", name))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, shas)
	}
	return strings.Join(parts, "; ")
}

// shardName names a shard in a message: "shard 2/3", or "the whole sweep".
func shardName(s Shard) string {
	if !s.Sharded() {
		return "the whole sweep"
	}
	return "shard " + s.String()
}

// union returns the keys of a and b.
func union(a, b map[string]string) map[string]bool {
	u := make(map[string]bool, len(a)+len(b))
	for k := range a {
		u[k] = true
	}
	for k := range b {
		u[k] = true
	}
	return u
}

// settings is a canonical spec without its name, seed and trials lines.
func settings(spec string) string {
	var b strings.Builder
	for line := range strings.Lines(spec) {
		if strings.HasPrefix(line, "name:") || strings.HasPrefix(line, "seed:") || strings.HasPrefix(line, "trials:") {
			continue
		}
		b.WriteString(line)
	}
	return b.String()
}

// refuse says why Run must not go on in a directory holding st, or nil. It is called before the
// directory is touched, so that a refusal writes nothing, and again under the lock, which makes the
// answer final.
func (st *dirState) refuse(plan *experiments.Plan, id journalID, o *Options) error {
	dir, want := o.Out, planIdent(plan)
	want.shard = o.Shard
	// A shard directory holds nothing of raftsim's before its shard starts: with Resume, that starts
	// it, so that a batch task runs one command the first time and after a requeue.
	fresh := !st.exists || !st.journal && st.manifest == nil && st.manifestErr == nil && len(st.stray) == 0
	if o.Resume && o.Shard.Sharded() && fresh {
		return nil
	}
	refused := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s "+format, append([]any{ErrRefused, dir}, args...)...)
	}
	if o.Resume {
		switch {
		case !st.exists:
			return refused("does not exist: there is no sweep to resume")
		case !st.journal && st.manifest != nil && same(manifestIdent(st.manifest), want):
			return refused("holds the finished results of this sweep, nothing to resume: to draw its plots again, raftsim plot %s; to run every trial again, run without --resume", dir)
		case !st.journal:
			return refused("holds no unfinished sweep (no %s): run without --resume to start one", JournalFile)
		case st.jidOK && st.jid.shard != want.shard:
			return refused("holds another part of a sweep (%s): give each shard its own --out",
				differences(journalIdent(st.jid), want))
		case st.jidOK && !same(journalIdent(st.jid), want):
			return refused("holds an unfinished sweep of another spec (%s): resume it with its own spec, choose another --out, or run without --resume and with --force to replace it",
				differences(journalIdent(st.jid), want))
		}
		return nil // openJournal reads the rest
	}
	if o.Force || !st.exists {
		return nil
	}
	switch {
	case st.journal && st.jidOK && same(journalIdent(st.jid), want) && st.shardDone:
		return refused("holds %s, finished (%s): merge it with the others (raftsim merge); --resume changes nothing, --force runs it again",
			shardName(o.Shard), ShardFile)
	case st.journal && st.jidOK && same(journalIdent(st.jid), want):
		return refused("holds an unfinished sweep of this spec (%s): run again with --resume to finish it, or --force to start over", JournalFile)
	case st.journal && st.jidOK && st.jid.shard != want.shard:
		return refused("holds another part of a sweep (%s): give each shard its own --out, or --force to replace it",
			differences(journalIdent(st.jid), want))
	case st.journal && st.jidOK:
		return refused("holds an unfinished sweep of another spec (%s): choose another --out, or --force to replace it",
			differences(journalIdent(st.jid), want))
	case st.journal && st.jversion != "" && st.jversion != journalVersion:
		return refused("holds a %s of another version of raftsim (%s; this one reads %s): finish it with that version, choose another --out, or --force to replace it",
			JournalFile, st.jversion, journalVersion)
	case st.journal:
		return refused("holds a %s raftsim cannot read: choose another --out, or --force to replace it", JournalFile)
	case st.manifestErr != nil:
		return refused("holds a %s raftsim cannot read (%v): choose another --out, or --force to replace the results",
			results.ManifestFile, st.manifestErr)
	case st.manifest != nil && !same(manifestIdent(st.manifest), want):
		return refused("holds the results of another spec (%s): choose another --out, or --force to replace them",
			differences(manifestIdent(st.manifest), want))
	case len(st.stray) > 0:
		return refused("holds %s but no %s: choose another --out, or --force to replace them",
			strings.Join(st.stray, " and "), results.ManifestFile)
	}
	return nil
}

// clear removes, for Force, the results st describes: raftsim's own files and nothing else. That is
// the manifest first (so that a crash part-way leaves no manifest describing files already gone), the
// other result files, the files o.Derived names for the old manifest, the journal, and the
// directories of derived files if that leaves them empty.
func (st *dirState) clear(o *Options) error {
	dir := o.Out
	names := append([]string{}, results.Files...)
	var derived []string
	if o.Derived != nil {
		for _, d := range o.Derived(st.manifest) {
			// A derived file lives in the directory; anything else is not ours to remove.
			if filepath.IsLocal(d) {
				derived = append(derived, d)
			}
		}
	}
	names = append(names, derived...)
	names = append(names, ShardFile, JournalFile) // shard.json first: a journal alone is an unfinished shard
	for _, name := range names {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("sweep: replacing the results in %s: %w", dir, err)
		}
	}
	for _, d := range derived {
		for sub := filepath.Dir(d); sub != "."; sub = filepath.Dir(sub) {
			os.Remove(filepath.Join(dir, sub)) // only if empty; a user's file in it keeps it
		}
	}
	return atomicfile.SyncDir(dir)
}
