package sweep

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/results"
	"github.com/raftsim/raftsim/internal/atomicfile"
	"github.com/raftsim/raftsim/internal/readfile"
)

// JournalFile is the name of the journal in the results directory.
const JournalFile = "trials.journal"

// The journal's first line starts with journalMagic, then the version this raftsim writes and reads.
// Version 1 had no checksums and no input files; it is not read.
const (
	journalMagic   = "# raftsim sweep journal"
	journalVersion = "v2"
)

// crcColumn is the last column of the journal: the CRC-32C of the line's text before its last comma.
const crcColumn = "crc32c"

// castagnoli is the CRC-32C table (the polynomial of iSCSI and ext4, in hardware on amd64 and arm64).
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// checkEvery is how many journal lines openJournal reads between two looks at its context.
const checkEvery = 1024

// journalID is what a journal must agree on with the plan that resumes it.
type journalID struct {
	sha    string
	seed   uint64
	trials int
	inputs map[string]string // input file as the spec names it -> SHA-256 of its content
	shard  Shard             // the shard the journal is of; zero for a whole sweep
}

func (id journalID) equal(o journalID) bool {
	return id.sha == o.sha && id.seed == o.seed && id.trials == o.trials && maps.Equal(id.inputs, o.inputs) && id.shard == o.shard
}

// line is the journal's first line: version, spec hash, seed, trials per point, shard=I/N for a shard's
// journal, and for each input file input=NAME:SHA256, in name order, with the name escaped (escapeName)
// so that it holds no space.
func (id journalID) line() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s spec-sha256=%s seed=%d trials=%d", journalMagic, journalVersion, id.sha, id.seed, id.trials)
	if id.shard.Sharded() {
		fmt.Fprintf(&b, " shard=%s", id.shard)
	}
	for _, name := range slices.Sorted(maps.Keys(id.inputs)) {
		fmt.Fprintf(&b, " input=%s:%s", escapeName(name), id.inputs[name])
	}
	b.WriteByte('\n')
	return b.String()
}

// escapeName writes a file name as a field of the journal's first line: a space, a control character,
// '%', '=' and every byte outside ASCII as %XX.
func escapeName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == '%' || c == '=' || c >= 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func unescapeName(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		c, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", false
		}
		b.WriteByte(byte(c))
		i += 2
	}
	return b.String(), true
}

// parseJournalID reads a journal's first line. version is what the line says it is ("" when it is no
// journal's); ok is whether it is one this raftsim reads.
func parseJournalID(line string) (id journalID, version string, ok bool) {
	rest, found := strings.CutPrefix(line, journalMagic+" ")
	if !found {
		return id, "", false
	}
	version, rest, _ = strings.Cut(rest, " ")
	if version != journalVersion {
		return id, version, false
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
		case "shard":
			if id.shard, err = ParseShard(v); err != nil {
				return id, version, false
			}
			continue
		case "input":
			i := strings.LastIndexByte(v, ':')
			name, good := unescapeName(v[:max(i, 0)])
			if i < 0 || !good {
				return id, version, false
			}
			if id.inputs == nil {
				id.inputs = map[string]string{}
			}
			id.inputs[name] = v[i+1:]
			continue
		default:
			return id, version, false
		}
		if err != nil {
			return id, version, false
		}
		n++
	}
	return id, version, n == 3
}

// journal appends finished trials to the journal file. It is used by one goroutine.
type journal struct {
	path string
	f    *os.File
	w    *bufio.Writer // to f, through Options.journalWriter in tests
	rec  []string
	line lineEncoder
}

// lineEncoder writes a record as the CSV text of one journal line, so that its checksum can be taken.
type lineEncoder struct {
	buf bytes.Buffer
	cw  *csv.Writer
}

// encode returns rec as CSV without the line end; the slice is valid until the next call.
func (e *lineEncoder) encode(rec []string) []byte {
	if e.cw == nil {
		e.cw = csv.NewWriter(&e.buf)
	}
	e.buf.Reset()
	e.cw.Write(rec) // to a bytes.Buffer: cannot fail
	e.cw.Flush()
	return bytes.TrimSuffix(e.buf.Bytes(), []byte("\n"))
}

// checksum is the journal's last column for a line whose text before its last comma is text.
func checksum(text []byte) string {
	return fmt.Sprintf("%08x", crc32.Checksum(text, castagnoli))
}

func csvLine(rec []string) []byte {
	var e lineEncoder
	return append(e.encode(rec), '\n')
}

// createJournal starts a journal at path, which must not exist. If the journal cannot be started (a
// full disk), nothing is left behind.
func createJournal(path string, id journalID, cols []string, wrap func(io.Writer) io.Writer) (*journal, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	j := newJournal(path, f, wrap)
	if err := j.start(id, cols); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	return j, nil
}

func newJournal(path string, f *os.File, wrap func(io.Writer) io.Writer) *journal {
	var w io.Writer = f
	if wrap != nil {
		w = wrap(f)
	}
	return &journal{path: path, f: f, w: bufio.NewWriterSize(w, 64<<10)}
}

// start writes the header lines and makes the journal's existence durable.
func (j *journal) start(id journalID, cols []string) error {
	j.w.WriteString(id.line())
	j.w.Write(csvLine(cols))
	if err := j.sync(); err != nil {
		return err
	}
	return atomicfile.SyncDir(filepath.Dir(j.path))
}

// journalCols are the journal's columns for measures: point, trial, seed, the measures, the checksum.
func journalCols(measures []string) []string {
	cols := append([]string{"point", "trial", "seed"}, measures...)
	return append(cols, crcColumn)
}

// openJournal reads the journal at path for plan and opens it for appending. It returns the trials it
// holds, with Point the position in plan.Points.
//
// Every line is checked against its checksum. The last line may have been cut short or garbled by a
// crash while it was written (it was never synced): it is dropped, and its trial runs again. Any other
// line that fails is damage the journal cannot be trusted with, and is refused, naming the line. ctx
// stops the reading within a few thousand lines; nothing is changed then.
//
// mine, if set, says which trials the journal may hold (a shard's); a line of another trial is refused.
func openJournal(ctx context.Context, path string, plan *experiments.Plan, id journalID, cols []string, mine func(point, trial int) bool, wrap func(io.Writer) io.Writer) (*journal, []results.Trial, error) {
	// A journal Run cannot take is bad input, not a failure of the sweep.
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: "+format+"; run without --resume and with --force to start the sweep over", append([]any{ErrRefused, path}, args...)...)
	}
	f, st, err := readfile.OpenRegular(path)
	if err != nil {
		return nil, nil, fmt.Errorf("sweep: %w", err)
	}
	if st.Size() > readfile.ResultLimit {
		f.Close()
		return nil, nil, fail("%d bytes, more than a journal of at most %d trials takes", st.Size(), experiments.MaxTrials)
	}
	size := st.Size()
	keep, trials, err := readJournal(ctx, f, size, plan, id, cols, mine, fail)
	f.Close()
	if err != nil {
		return nil, nil, err
	}

	f, err = os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("sweep: %w", err)
	}
	j := newJournal(path, f, wrap)
	if err := f.Truncate(keep); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("sweep: %w", err)
	}
	if _, err := f.Seek(keep, io.SeekStart); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("sweep: %w", err)
	}
	switch {
	case keep == 0: // cut short while its header was written: it holds no trial
		err = j.start(id, cols)
	case keep != size:
		err = f.Sync()
	}
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("sweep: %w", err)
	}
	return j, trials, nil
}

// readJournal reads the journal f of size bytes and returns how much of it to keep (0: start it
// again) and the trials it holds.
func readJournal(ctx context.Context, f *os.File, size int64, plan *experiments.Plan, id journalID, cols []string, mine func(point, trial int) bool, fail func(string, ...any) error) (int64, []results.Trial, error) {
	head := id.line() + string(csvLine(cols))
	got := make([]byte, min(size, int64(len(head))))
	if _, err := f.ReadAt(got, 0); err != nil && err != io.EOF {
		return 0, nil, fmt.Errorf("sweep: %w", err)
	}
	switch {
	case string(got) == head:
	case size < int64(len(head)) && strings.HasPrefix(head, string(got)):
		return 0, nil, nil // cut short while its header was written
	default:
		first, _ := firstLineOf(io.NewSectionReader(f, 0, size))
		// Run refuses another sweep's journal before it gets here (dirState.refuse); this is the same
		// answer for a journal that changed in between.
		gotID, version, ok := parseJournalID(first)
		switch {
		case version != "" && version != journalVersion:
			return 0, nil, fail("written by another version of raftsim (journal %s; this one reads %s)", version, journalVersion)
		case !ok:
			return 0, nil, fail("not a sweep journal")
		case !gotID.equal(id):
			return 0, nil, fail("belongs to a sweep of another spec (%s)", differences(journalIdent(gotID), journalIdent(id)))
		}
		return 0, nil, fail("its columns are not this raftsim's (written by another version?)")
	}

	// A crash can cut the last line short: what follows the last line end was never whole, and is cut
	// off before the journal is appended to.
	end, err := lastLineEnd(f, size)
	if err != nil {
		return 0, nil, fmt.Errorf("sweep: %w", err)
	}
	body := io.NewSectionReader(f, int64(len(head)), end-int64(len(head)))
	r := csv.NewReader(bufio.NewReaderSize(body, 1<<20))
	r.FieldsPerRecord = len(cols)
	r.ReuseRecord = true
	pos := make(map[string]int, len(plan.Points))
	for i := range plan.Points {
		pos[plan.Points[i].Key()] = i
	}
	seen := make(map[[2]int]bool)
	var trials []results.Trial
	var enc lineEncoder
	keep := int64(len(head)) // the end of the last good line
	const first = 3          // the line number of the first trial
	for n := 0; ; n++ {
		if n%checkEvery == 0 && ctx.Err() != nil {
			return 0, nil, fmt.Errorf("sweep: %s: interrupted while reading it (nothing was changed): %w", f.Name(), context.Cause(ctx))
		}
		rec, err := r.Read()
		if err == io.EOF {
			return keep, trials, nil
		}
		// A line that fails is dropped if nothing follows it: the crash that tore it stopped the
		// journal there. Anywhere else it is damage.
		var problem string
		var line int
		var perr *csv.ParseError
		switch {
		case errors.As(err, &perr) && errors.Is(err, csv.ErrFieldCount):
			line, problem = perr.StartLine, fmt.Sprintf("%d fields, want %d", len(rec), len(cols))
		case errors.As(err, &perr):
			line, problem = perr.StartLine, perr.Err.Error()
			if perr.Line != perr.StartLine {
				problem += fmt.Sprintf(" (a quoted field runs on to line %d)", perr.Line+first-1)
			}
		case err != nil:
			return 0, nil, fmt.Errorf("sweep: %s: %w", f.Name(), err)
		default:
			line, _ = r.FieldPos(0)
			if sum := checksum(enc.encode(rec[:len(rec)-1])); rec[len(rec)-1] != sum {
				problem = fmt.Sprintf("its checksum %s is not that of its text (%s)", rec[len(rec)-1], sum)
			}
		}
		line += first - 1
		if problem != "" {
			if _, next := r.Read(); next == io.EOF && (perr == nil || perr.Line == perr.StartLine) {
				return keep, trials, nil // the torn last line: its trial runs again
			}
			return 0, nil, fail("line %d: %s: the line was changed or damaged", line, problem)
		}
		p, ok := pos[rec[0]]
		if !ok {
			return 0, nil, fail("line %d: point %q is not in this plan", line, rec[0])
		}
		k, err := strconv.Atoi(rec[1])
		if err != nil || k < 0 || k >= plan.Trials {
			return 0, nil, fail("line %d: trial %q is not in 0..%d", line, rec[1], plan.Trials-1)
		}
		if seen[[2]int{p, k}] {
			return 0, nil, fail("line %d: point %q trial %d appears twice", line, rec[0], k)
		}
		if mine != nil && !mine(p, k) {
			return 0, nil, fail("line %d: point %q trial %d is not one of shard %s's trials", line, rec[0], k, id.shard)
		}
		seen[[2]int{p, k}] = true
		seed, err := results.ParseSeed(rec[2])
		if want := experiments.TrialSeed(plan.Seed, &plan.Points[p], k); err != nil || seed != want {
			return 0, nil, fail("line %d: seed %q is not the trial's seed %s (written by another version?)", line, rec[2], results.FormatSeed(want))
		}
		vals := make([]float64, len(rec)-4)
		for i, s := range rec[3 : len(rec)-1] {
			if vals[i], err = strconv.ParseFloat(s, 64); err != nil {
				return 0, nil, fail("line %d: %s %q is not a number", line, cols[3+i], s)
			}
		}
		trials = append(trials, results.Trial{Point: p, Trial: k, Seed: seed, Values: vals})
		keep = int64(len(head)) + r.InputOffset()
	}
}

// lastLineEnd returns the offset just past the last line end of the file f of size bytes, 0 for none.
func lastLineEnd(f io.ReaderAt, size int64) (int64, error) {
	buf := make([]byte, 64<<10)
	for end := size; end > 0; {
		start := max(end-int64(len(buf)), 0)
		b := buf[:end-start]
		if _, err := f.ReadAt(b, start); err != nil && err != io.EOF {
			return 0, err
		}
		if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
			return start + int64(i) + 1, nil
		}
		end = start
	}
	return 0, nil
}

// maxHeader bounds the first line of a journal as firstLineOf reads it: its spec hash, seed, trials
// and a name and hash per topology file take far less.
const maxHeader = 1 << 20

// firstLineOf returns the first line of f without its line end, or the first maxHeader bytes.
func firstLineOf(f io.Reader) (string, error) {
	b, err := bufio.NewReader(io.LimitReader(f, maxHeader)).ReadString('\n')
	if err != nil && err != io.EOF || b == "" {
		return "", err
	}
	return strings.TrimSuffix(b, "\n"), nil
}

// add buffers one trial; sync makes it durable.
func (j *journal) add(key string, t *results.Trial) error {
	j.rec = append(j.rec[:0], key, strconv.Itoa(t.Trial), results.FormatSeed(t.Seed))
	for _, v := range t.Values {
		// Shortest round-trip form, sign of zero included: a resumed sweep must read back exactly
		// what it measured.
		j.rec = append(j.rec, strconv.FormatFloat(v, 'g', -1, 64))
	}
	text := j.line.encode(j.rec)
	j.w.Write(text)
	j.w.WriteByte(',')
	j.w.WriteString(checksum(text))
	_, err := j.w.Write([]byte{'\n'})
	return err
}

// sync writes the buffered trials and syncs the file.
func (j *journal) sync() error {
	if err := j.w.Flush(); err != nil {
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
