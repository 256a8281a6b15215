package results

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/internal/readfile"
)

// FileError is a result file that does not hold what its manifest says: cut short, a row missing,
// duplicated or relabelled, a seed that is not its trial's, a column missing or extra, a cell that is
// not a number, a statistic that its trials do not give. It is bad input, not a failure: raftsim exits
// with status 2, and the readers return it before anything is written.
type FileError struct {
	Path string // the file
	Line int    // the line of the file, from 1 (a CSV header is line 1); 0 for the file as a whole
	Msg  string
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("results: %s: line %d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("results: %s: %s", e.Path, e.Msg)
}

// Check holds the results directory dir against plan, the plan of the manifest m read from it (so
// also m against plan): manifest.json, trials.csv, summary.csv and summary_long.csv must be what a
// sweep of plan with these measures writes, but for the measured values of trials.csv, which must be
// numbers, and which the statistics of the summaries must follow. It returns the first problem, a
// *FileError for a damaged file. Once ctx is done it stops within a few thousand rows (or one
// measure's statistics) with an error wrapping ctx's cause.
func Check(ctx context.Context, dir string, m *Manifest, plan *experiments.Plan, measures []string) error {
	if err := CheckManifest(filepath.Join(dir, ManifestFile), m, plan); err != nil {
		return err
	}
	trials, err := LoadTrials(ctx, filepath.Join(dir, TrialsFile), plan, measures)
	if err != nil {
		return err
	}
	// The statistics are computed once for both summaries: over a million trials they take seconds.
	sums, err := summaries(ctx, plan, measures, trials)
	if err != nil {
		return err
	}
	want, err := summaryRows(plan, sums)
	if err != nil {
		return err
	}
	if err := checkRecords(ctx, filepath.Join(dir, SummaryFile), SummaryHeader(plan, measures), want, len(AxisColumns(plan))+1); err != nil {
		return err
	}
	if want, err = summaryLongRows(plan, measures, sums); err != nil {
		return err
	}
	h := SummaryLongHeader(plan)
	return checkRecords(ctx, filepath.Join(dir, SummaryLongFile), h, want, len(h)-1)
}

// CheckManifest checks that the manifest m, read from path, agrees with plan and with itself: its
// spec hashes to spec_sha256, and its experiment, seed, trials, points and axes are plan's.
func CheckManifest(path string, m *Manifest, plan *experiments.Plan) error {
	bad := func(format string, args ...any) error {
		return &FileError{Path: path, Msg: fmt.Sprintf(format, args...)}
	}
	switch {
	case m.SpecSHA256 != sha256Hex([]byte(m.Spec)):
		return bad("spec_sha256 %s is not the SHA-256 of the spec it holds (%s): the manifest was changed", short(m.SpecSHA256), short(sha256Hex([]byte(m.Spec))))
	case m.Experiment != plan.Name:
		return bad("experiment %q, but its spec is %q", m.Experiment, plan.Name)
	case m.Seed != plan.Seed:
		return bad("seed %d, but its spec has seed %d", m.Seed, plan.Seed)
	case m.Trials != plan.Trials:
		return bad("trials %d, but its spec has %d trials per point", m.Trials, plan.Trials)
	case m.Points != len(plan.Points):
		return bad("points %d, but its spec has %d points", m.Points, len(plan.Points))
	case !slices.Equal(m.Axes, plan.Axes):
		return bad("axes [%s], but its spec has [%s]", strings.Join(m.Axes, ", "), strings.Join(plan.Axes, ", "))
	}
	return nil
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12] + "…"
	}
	return sha
}

// LoadTrials reads trials.csv at path and holds it against plan and measures before returning its
// trials, in file order (points in PointOrder, trials from 0). The header must be TrialsHeader; there
// must be one row per trial of the plan, in that order, none missing and none twice, each with its
// point's coordinates (and their numeric columns), its trial index and its seed (experiments.TrialSeed);
// every measure must be a number (NaN and ±Inf included); the file must end with a line end. The first
// problem is returned as a *FileError naming the line. Once ctx is done it stops within a few thousand
// rows with an error wrapping ctx's cause.
func LoadTrials(ctx context.Context, path string, plan *experiments.Plan, measures []string) ([]Trial, error) {
	if err := CheckPlan(plan, measures); err != nil {
		return nil, err
	}
	cells, _ := axisCells(plan)
	header := TrialsHeader(plan, measures)
	nAxis := len(AxisColumns(plan))
	axisAt := axisPositions(plan)
	order := PointOrder(plan)
	rank := make([]int, len(plan.Points))
	keyOf := make(map[string]int, len(plan.Points))
	for r, p := range order {
		rank[p] = r
		keyOf[plan.Points[p].Key()] = p
	}
	total := len(plan.Points) * plan.Trials

	// A row is at most its axis cells, quoted, and 26 bytes for every other cell.
	rowMax := int64(26*(len(header)-nAxis) + 2)
	for _, c := range cells {
		n := int64(0)
		for _, s := range c {
			n += 2*int64(len(s)) + 3
		}
		rowMax = max(rowMax, n+int64(26*(len(header)-nAxis)+2))
	}
	r, err := openCSV(path, satMulAdd(int64(total), rowMax, 4*int64(len(strings.Join(header, ",")))+1<<16))
	if err != nil {
		return nil, err
	}
	defer r.close()
	if err := r.header(header); err != nil {
		return nil, err
	}
	fail := func(line int, format string, args ...any) error {
		msg := fmt.Sprintf(format, args...)
		if r.cutHere() {
			msg += ": the file ends here without a line end, cut short"
		}
		return &FileError{Path: path, Line: line, Msg: msg}
	}
	name := func(p, k int) string {
		if len(plan.Axes) == 0 {
			return fmt.Sprintf("trial %d", k)
		}
		return fmt.Sprintf("point %q trial %d", plan.Points[p].Key(), k)
	}
	trials := make([]Trial, 0, min(total, 1<<16))
	var lines []int
	for i := 0; ; i++ {
		rec, line, err := r.next(len(header))
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if i%checkEvery == 0 && ctx.Err() != nil {
			return nil, interrupted(ctx, path)
		}
		if i >= total {
			return nil, fail(line, "one row more than the plan's %d (%d points × %d trials)", total, len(plan.Points), plan.Trials)
		}
		p, k := order[i/plan.Trials], i%plan.Trials
		seedText := rec[nAxis+1]
		if !sameAt(rec, cells[p], axisAt) || rec[nAxis] != strconv.Itoa(k) {
			// Say what the row is instead, if it is anything.
			claimed := experiments.Point{}
			for j, a := range plan.Axes {
				claimed.Coords = append(claimed.Coords, experiments.Coord{Axis: a, Value: rec[axisAt[j]]})
			}
			p2, known := keyOf[claimed.Key()]
			k2, kerr := strconv.Atoi(rec[nAxis])
			seed, serr := ParseSeed(seedText)
			switch {
			case !known:
				return nil, fail(line, "point %q is not in the plan (%s belongs here): a relabelled row, or another spec's results", claimed.Key(), name(p, k))
			case kerr != nil || k2 < 0 || k2 >= plan.Trials:
				return nil, fail(line, "trial %q is not in 0..%d", rec[nAxis], plan.Trials-1)
			case serr == nil && seed == experiments.TrialSeed(plan.Seed, &plan.Points[p], k):
				return nil, fail(line, "the row says %s, but its seed is that of %s, which belongs here: a relabelled row", name(p2, k2), name(p, k))
			case rank[p2]*plan.Trials+k2 < i:
				return nil, fail(line, "%s appears twice (first on line %d)", name(p2, k2), lines[rank[p2]*plan.Trials+k2])
			}
			return nil, fail(line, "%s where %s belongs: a row is missing or out of order", name(p2, k2), name(p, k))
		}
		for j, c := range cells[p] {
			if rec[j] != c {
				return nil, fail(line, "%s is %q, want %q for %s", header[j], rec[j], c, name(p, k))
			}
		}
		seed, err := ParseSeed(seedText)
		if err != nil {
			return nil, fail(line, "seed %q is not a seed like 0x9f3c_0a12_77e4_b5d1", seedText)
		}
		if want := experiments.TrialSeed(plan.Seed, &plan.Points[p], k); seed != want {
			return nil, fail(line, "seed %s is not the seed of %s, %s: a changed row, or results of another root seed", FormatSeed(seed), name(p, k), FormatSeed(want))
		}
		t := Trial{Point: p, Trial: k, Seed: seed, Values: make([]float64, len(measures))}
		for j, m := range measures {
			c := rec[nAxis+2+j]
			if t.Values[j], err = ParseNumber(c); err != nil {
				return nil, fail(line, "%s %q is not a number", m, c)
			}
		}
		trials = append(trials, t)
		lines = append(lines, line)
	}
	if err := r.end(); err != nil {
		return nil, err
	}
	if n := len(trials); n < total {
		p, k := order[n/plan.Trials], n%plan.Trials
		return nil, fail(r.line, "the file ends after %d of the plan's %d rows (%d points × %d trials): %s and the rows after it are missing",
			n, total, len(plan.Points), plan.Trials, name(p, k))
	}
	return trials, nil
}

// axisPositions returns the position of each axis's own column among AxisColumns.
func axisPositions(plan *experiments.Plan) []int {
	var pos []int
	c := 0
	for i, a := range plan.Axes {
		pos = append(pos, c)
		c += 1 + len(plan.AxisKind(i).Columns(a))
	}
	return pos
}

// sameAt reports whether rec and want agree at the positions at.
func sameAt(rec, want []string, at []int) bool {
	for _, j := range at {
		if rec[j] != want[j] {
			return false
		}
	}
	return true
}

// CheckSummary holds summary.csv at path against plan, measures and the plan's trials (as LoadTrials
// returns them): its header, one row per point in order with the point's coordinates and trial count,
// and statistics that are numbers equal to those the trials give. ctx stops it as it does Check.
func CheckSummary(ctx context.Context, path string, plan *experiments.Plan, measures []string, trials []Trial) error {
	want, err := summaryRecords(ctx, plan, measures, trials)
	if err != nil {
		return err
	}
	return checkRecords(ctx, path, SummaryHeader(plan, measures), want, len(AxisColumns(plan))+1)
}

// CheckSummaryLong holds summary_long.csv at path against plan, measures and trials, as CheckSummary
// does summary.csv.
func CheckSummaryLong(ctx context.Context, path string, plan *experiments.Plan, measures []string, trials []Trial) error {
	want, err := summaryLongRecords(ctx, plan, measures, trials)
	if err != nil {
		return err
	}
	h := SummaryLongHeader(plan)
	return checkRecords(ctx, path, h, want, len(h)-1)
}

// checkRecords holds the CSV file at path against header and the records want: cells before column
// firstNumber must be the same text, cells from it on the same numbers.
func checkRecords(ctx context.Context, path string, header []string, want [][]string, firstNumber int) error {
	size := int64(0)
	for _, rec := range want {
		for _, c := range rec {
			size += 2*int64(len(c)) + 3
		}
	}
	r, err := openCSV(path, satMulAdd(2, size, 1<<16))
	if err != nil {
		return err
	}
	defer r.close()
	if err := r.header(header); err != nil {
		return err
	}
	fail := func(line int, format string, args ...any) error {
		return &FileError{Path: path, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	i := 0
	for ; ; i++ {
		rec, line, err := r.next(len(header))
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if i%checkEvery == 0 && ctx.Err() != nil {
			return interrupted(ctx, path)
		}
		if i >= len(want) {
			return fail(line, "one row more than the %d this plan gives", len(want))
		}
		for j, c := range rec {
			w := want[i][j]
			if j < firstNumber {
				if c != w {
					return fail(line, "%s is %q, want %q", header[j], c, w)
				}
				continue
			}
			x, err := ParseNumber(c)
			if err != nil {
				return fail(line, "%s %q is not a number", header[j], c)
			}
			if y, _ := ParseNumber(w); x != y && !(math.IsNaN(x) && math.IsNaN(y)) {
				return fail(line, "%s is %s, but %s gives %s", header[j], c, TrialsFile, w)
			}
		}
	}
	if err := r.end(); err != nil {
		return err
	}
	if i < len(want) {
		return fail(r.line, "the file ends after %d of the %d rows this plan gives: the rest is missing", i, len(want))
	}
	return nil
}

// satMulAdd returns a·b + c, or math.MaxInt64 if that overflows (a, b, c ≥ 0).
func satMulAdd(a, b, c int64) int64 {
	if a != 0 && b > (math.MaxInt64-c)/a {
		return math.MaxInt64
	}
	return a*b + c
}

// csvFile reads a result file record by record, refusing a file larger than the plan allows (so a
// damaged or substituted file cannot take memory without bound) and anything but a regular file.
type csvFile struct {
	path       string
	f          *os.File
	r          *csv.Reader
	line       int  // line of the last record read
	newlineEnd bool // the file ends with a line end
}

func openCSV(path string, maxBytes int64) (*csvFile, error) {
	// Opened without blocking: a named pipe in the file's place is refused, not waited on.
	f, st, err := readfile.OpenRegular(path)
	switch {
	case errors.Is(err, readfile.ErrNotRegular):
		return nil, &FileError{Path: path, Msg: "not a regular file"}
	case err != nil:
		return nil, &FileError{Path: path, Msg: missing(err)}
	case st.Size() == 0:
		f.Close()
		return nil, &FileError{Path: path, Msg: "empty file"}
	case st.Size() > maxBytes:
		f.Close()
		return nil, &FileError{Path: path, Msg: fmt.Sprintf("%d bytes, more than this plan's results can take (%d)", st.Size(), maxBytes)}
	}
	var last [1]byte
	if _, err := f.ReadAt(last[:], st.Size()-1); err != nil {
		f.Close()
		return nil, fmt.Errorf("results: %w", err)
	}
	r := csv.NewReader(io.LimitReader(f, st.Size())) // the size stated, even if the file grows
	r.FieldsPerRecord = -1                           // counted here, for a clearer message
	return &csvFile{path: path, f: f, r: r, newlineEnd: last[0] == '\n'}, nil
}

func missing(err error) string {
	if errors.Is(err, os.ErrNotExist) {
		return "no such file"
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func (c *csvFile) close() { c.f.Close() }

// next returns the next record, which must have n fields, and its line; io.EOF at the end.
func (c *csvFile) next(n int) ([]string, int, error) {
	rec, err := c.r.Read()
	if err == io.EOF {
		return nil, 0, err
	}
	var perr *csv.ParseError
	if errors.As(err, &perr) {
		return nil, 0, &FileError{Path: c.path, Line: perr.Line, Msg: perr.Err.Error()}
	} else if err != nil {
		return nil, 0, fmt.Errorf("results: %s: %w", c.path, err)
	}
	c.line, _ = c.r.FieldPos(0)
	if len(rec) != n {
		msg := fmt.Sprintf("%d fields, want %d", len(rec), n)
		if len(rec) < n && c.cutHere() {
			msg += ": the file was cut short in this line"
		}
		return nil, 0, &FileError{Path: c.path, Line: c.line, Msg: msg}
	}
	return rec, c.line, nil
}

// cutHere reports whether the record just read is the last and the file has no line end after it: the
// file was cut short in it. It reads on, so it is for an error path only.
func (c *csvFile) cutHere() bool {
	if c.newlineEnd {
		return false
	}
	_, err := c.r.Read()
	return err == io.EOF
}

// header reads the header, which must be want.
func (c *csvFile) header(want []string) error {
	got, err := c.r.Read()
	if err == io.EOF {
		return &FileError{Path: c.path, Msg: "empty file"}
	}
	var perr *csv.ParseError
	if errors.As(err, &perr) {
		return &FileError{Path: c.path, Line: perr.Line, Msg: perr.Err.Error()}
	} else if err != nil {
		return fmt.Errorf("results: %s: %w", c.path, err)
	}
	c.line = 1
	fail := func(format string, args ...any) error {
		return &FileError{Path: c.path, Line: 1, Msg: "header: " + fmt.Sprintf(format, args...)}
	}
	for i := range max(len(got), len(want)) {
		switch {
		case i < len(want) && !slices.Contains(got, want[i]):
			return fail("no column %q", want[i])
		case i < len(got) && !slices.Contains(want, got[i]):
			return fail("column %q is not one of this plan's results (written by another version of raftsim?)", got[i])
		case i >= len(got) || i >= len(want):
			return fail("%d columns, want %d", len(got), len(want))
		case got[i] != want[i]:
			if slices.Contains(got[:i], got[i]) {
				return fail("column %q appears twice", got[i])
			}
			return fail("column %d is %q, want %q", i+1, got[i], want[i])
		}
	}
	return nil
}

// end checks that the file ended with a line end, as the writers leave it: a file without one was cut
// short, even where its last line still parses.
func (c *csvFile) end() error {
	if !c.newlineEnd {
		return &FileError{Path: c.path, Line: c.line, Msg: "no line end at the end of the file: it was cut short"}
	}
	return nil
}
