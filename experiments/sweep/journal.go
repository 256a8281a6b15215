package sweep

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"github.com/raftsim/raftsim/internal/atomicfile"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/results"
	"github.com/raftsim/raftsim/internal/readfile"
)

// JournalFile is the name of the journal in the results directory.
const JournalFile = "trials.journal"

const journalMagic = "# raftsim sweep journal v1"

// journalID is what a journal must agree on with the plan that resumes it.
type journalID struct {
	sha    string
	seed   uint64
	trials int
}

func (id journalID) line() string {
	return fmt.Sprintf("%s spec-sha256=%s seed=%d trials=%d\n", journalMagic, id.sha, id.seed, id.trials)
}

func parseJournalID(line string) (journalID, bool) {
	var id journalID
	rest, ok := strings.CutPrefix(line, journalMagic+" ")
	if !ok {
		return id, false
	}
	n := 0
	for f := range strings.FieldsSeq(rest) {
		k, v, _ := strings.Cut(f, "=")
		var err error
		switch k {
		case "spec-sha256":
			id.sha = v
		case "seed":
			id.seed, err = strconv.ParseUint(v, 10, 64)
		case "trials":
			id.trials, err = strconv.Atoi(v)
		default:
			return id, false
		}
		if err != nil {
			return id, false
		}
		n++
	}
	return id, n == 3
}

// journal appends finished trials to the journal file. It is used by one goroutine.
type journal struct {
	path string
	f    *os.File
	cw   *csv.Writer
	rec  []string
}

func csvLine(rec []string) []byte {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.Write(rec)
	cw.Flush()
	return b.Bytes()
}

// createJournal starts a journal at path, which must not exist.
func createJournal(path string, id journalID, cols []string) (*journal, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	j := &journal{path: path, f: f, cw: csv.NewWriter(f)}
	if err := j.start(id, cols); err != nil {
		f.Close()
		return nil, err
	}
	return j, nil
}

// start writes the header lines and makes the journal's existence durable.
func (j *journal) start(id journalID, cols []string) error {
	if _, err := j.f.WriteString(id.line()); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	if _, err := j.f.Write(csvLine(cols)); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	return atomicfile.SyncDir(filepath.Dir(j.path))
}

// openJournal reads the journal at path for plan and opens it for appending. It returns the trials it
// holds, with Point the position in plan.Points.
func openJournal(path string, plan *experiments.Plan, id journalID, cols []string) (*journal, []results.Trial, error) {
	data, err := readfile.ReadFile(path, readfile.ResultLimit)
	if err != nil {
		return nil, nil, fmt.Errorf("sweep: %w", err)
	}
	// A journal Run cannot take is bad input, not a failure of the sweep.
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: "+format+"; run without --resume and with --force to start the sweep over", append([]any{ErrRefused, path}, args...)...)
	}
	// A crash can cut the last line short; what precedes the last newline was synced whole.
	end := bytes.LastIndexByte(data, '\n') + 1
	head := id.line() + string(csvLine(cols))
	restart := false
	switch {
	case strings.HasPrefix(string(data[:end]), head):
	case strings.HasPrefix(head, string(data)):
		// Cut short while its header was written: it holds no trial.
		restart = true
	default:
		first, _, _ := strings.Cut(string(data), "\n")
		// Run refuses another sweep's journal before it gets here (dirState.refuse); this is the same
		// answer for a journal that changed in between.
		got, ok := parseJournalID(first)
		switch {
		case !ok:
			return nil, nil, fail("not a sweep journal")
		case got != id:
			return nil, nil, fail("belongs to a sweep of another spec (%s)", differences(journalIdent(got), journalIdent(id)))
		}
		return nil, nil, fail("its columns are not this raftsim's (written by another version?)")
	}

	var trials []results.Trial
	if !restart {
		trials, err = parseTrials(data[len(head):end], plan, cols, 2, fail)
		if err != nil {
			return nil, nil, err
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("sweep: %w", err)
	}
	j := &journal{path: path, f: f, cw: csv.NewWriter(f)}
	keep := int64(end)
	if restart {
		keep = 0
	}
	if err := f.Truncate(keep); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("sweep: %w", err)
	}
	if _, err := f.Seek(keep, io.SeekStart); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("sweep: %w", err)
	}
	if restart {
		err = j.start(id, cols)
	} else if keep != int64(len(data)) {
		err = f.Sync()
	}
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("sweep: %w", err)
	}
	return j, trials, nil
}

// parseTrials parses the trial lines of a journal, which start at line first.
func parseTrials(body []byte, plan *experiments.Plan, cols []string, first int, fail func(string, ...any) error) ([]results.Trial, error) {
	pos := make(map[string]int, len(plan.Points))
	for i := range plan.Points {
		pos[plan.Points[i].Key()] = i
	}
	seen := make(map[[2]int]bool)
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = len(cols)
	var trials []results.Trial
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return trials, nil
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			return nil, fail("line %d: %v", perr.StartLine+first, perr.Err)
		} else if err != nil {
			return nil, fail("%v", err)
		}
		line, _ := r.FieldPos(0)
		line += first
		p, ok := pos[rec[0]]
		if !ok {
			return nil, fail("line %d: point %q is not in this plan", line, rec[0])
		}
		k, err := strconv.Atoi(rec[1])
		if err != nil || k < 0 || k >= plan.Trials {
			return nil, fail("line %d: trial %q is not in 0..%d", line, rec[1], plan.Trials-1)
		}
		if seen[[2]int{p, k}] {
			return nil, fail("line %d: point %q trial %d appears twice", line, rec[0], k)
		}
		seen[[2]int{p, k}] = true
		seed, err := results.ParseSeed(rec[2])
		if want := experiments.TrialSeed(plan.Seed, &plan.Points[p], k); err != nil || seed != want {
			return nil, fail("line %d: seed %q is not the trial's seed %s (written by another version?)", line, rec[2], results.FormatSeed(want))
		}
		vals := make([]float64, len(rec)-3)
		for i, s := range rec[3:] {
			if vals[i], err = strconv.ParseFloat(s, 64); err != nil {
				return nil, fail("line %d: %s %q is not a number", line, cols[3+i], s)
			}
		}
		trials = append(trials, results.Trial{Point: p, Trial: k, Seed: seed, Values: vals})
	}
}

// add buffers one trial; sync makes it durable.
func (j *journal) add(key string, t *results.Trial) error {
	j.rec = append(j.rec[:0], key, strconv.Itoa(t.Trial), results.FormatSeed(t.Seed))
	for _, v := range t.Values {
		// Shortest round-trip form, sign of zero included: a resumed sweep must read back exactly
		// what it measured.
		j.rec = append(j.rec, strconv.FormatFloat(v, 'g', -1, 64))
	}
	return j.cw.Write(j.rec)
}

// sync writes the buffered trials and syncs the file.
func (j *journal) sync() error {
	j.cw.Flush()
	if err := j.cw.Error(); err != nil {
		return fmt.Errorf("sweep: journal: %w", err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("sweep: journal: %w", err)
	}
	return nil
}

func (j *journal) close() error {
	if err := j.f.Close(); err != nil {
		return fmt.Errorf("sweep: journal: %w", err)
	}
	return nil
}

// short abbreviates a hash for messages.
func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12] + "…"
	}
	return sha
}
