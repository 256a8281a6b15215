package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/internal/atomicfile"
	"github.com/raftsim/raftsim/models/workload"
	"github.com/raftsim/raftsim/safety/linearize"
	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/swarm"
)

// viz is a replay's --viz: the file it goes to (opened before the run, so that a bad path is refused
// first), the client history and the leader changes the run records for it.
type viz struct {
	ctx     context.Context // the replay's: its searches stop on Ctrl-C
	path    string
	file    *atomicfile.File
	ops     []workload.Op
	leaders leaderLog
}

// openViz opens --viz's file, refusing what --trace refuses (a directory, a missing directory, a file
// the run reads, raftsim itself) and the --trace file; nil when there is no --viz.
func openViz(ctx context.Context, path, trace string, inputs []input) (*viz, error) {
	if path == "" {
		return nil, nil
	}
	if path == atomicfile.Stdout {
		return nil, usageErrorf("--viz -: give a file name (the visualization is an HTML page)")
	}
	if trace != "" && trace != atomicfile.Stdout {
		inputs = append(slices.Clip(inputs), input{trace, "--trace file"})
	}
	if err := refuseInput("--viz", path, inputs); err != nil {
		return nil, err
	}
	if trace != "" && trace != atomicfile.Stdout && outputPath(path) == outputPath(trace) {
		// Not only the same text: "./x" and "x", or a link and the file it names, before either
		// exists. Both were written, one over the other, and the trace was lost.
		return nil, usageErrorf("--viz %s: is the --trace file", path)
	}
	f, err := atomicfile.Create(ctx, path)
	var pe *atomicfile.PathError
	if errors.As(err, &pe) {
		return nil, usageErrorf("--viz %s: %v", path, pe.Err)
	} else if err != nil {
		return nil, err
	}
	return &viz{ctx: ctx, path: path, file: f}, nil
}

// options adds what the visualization needs to a run's options: the trace's state events (teed off
// the --trace file, if any) and the client history (recorded beside the check's own recorder).
func (v *viz) options(o swarm.Options) swarm.Options {
	if v == nil {
		return o
	}
	if o.Trace == nil {
		o.Trace = &v.leaders
	} else {
		o.Trace = io.MultiWriter(o.Trace, &v.leaders)
	}
	tweak := o.Tweak
	o.Tweak = func(cfg *cluster.Config) {
		if tweak != nil {
			tweak(cfg)
		}
		cfg.History = &teeHistory{cfg.History, v}
	}
	return o
}

// teeHistory records each client operation for the check and for the visualization.
type teeHistory struct {
	next workload.Recorder
	v    *viz
}

func (t *teeHistory) Record(op workload.Op) {
	if t.next != nil {
		t.next.Record(op)
	}
	t.v.ops = append(t.v.ops, op)
}

// abort drops the file after a run that did not finish.
func (v *viz) abort() {
	if v != nil {
		v.file.Abort()
	}
}

// vizWindowOps bounds the operations of a visualization that did not find an illegal history: the
// last ones before the failure (or the end).
const vizWindowOps = 40

// vizMaxKeys bounds the keys a visualization shows.
const vizMaxKeys = 3

// write writes the visualization of the run: the keys whose history is illegal, and the operations
// from a window before the violation to it; otherwise the last vizWindowOps operations before the
// failure (or the end of a passing run) and the keys they touched. Operations before the window that
// the window's outputs may have seen come in as writes whose outcome is unknown (client lanes above
// 1,000,000): the window is then illegal only if the history is, whatever came before it. Leader
// changes and faults are annotated.
func (v *viz) write(res *swarm.Result, timeout time.Duration, stdout io.Writer) error {
	if v == nil {
		return nil
	}
	keys, from, to, illegal := v.window(res, timeout)
	ops := windowOps(v.ops, keys, from, to)
	lin, err := v.check(ops, timeout)
	if err != nil {
		v.file.Abort()
		return err
	}
	info := lin.Info
	info.AddAnnotations(v.annotations(res, from, to, illegal))
	if err := porcupine.Visualize(linearize.Model, info, v.file); err != nil {
		v.file.Abort()
		return fmt.Errorf("replay: --viz %s: %w", v.path, err)
	}
	if err := v.file.Commit(); err != nil {
		return err
	}
	what := "the last operations before the end"
	if illegal {
		what = "the illegal keys, up to the violation"
	} else if res.Fail != "" {
		what = "the last operations before the failure"
	}
	ks := make([]string, len(keys))
	for i, k := range keys {
		ks[i] = fmt.Sprint(k)
	}
	fmt.Fprintf(stdout, "  viz: %s: %s: %d operations on key(s) %s from %s to %s (%s)\n", v.path, what, lin.Ops,
		strings.Join(ks, ", "), fmtNS(from), fmtNS(to), lin.Verdict)
	return nil
}

func fmtNS(t int64) string { return sim.FormatDuration(time.Duration(t)) }

// window chooses the keys and the time window to show.
func (v *viz) window(res *swarm.Result, timeout time.Duration) (keys []uint64, from, to int64, illegal bool) {
	byKey := map[uint64][]workload.Op{}
	for _, op := range v.ops {
		byKey[op.Key] = append(byKey[op.Key], op)
	}
	all := make([]uint64, 0, len(byKey))
	for k := range byKey {
		all = append(all, k)
	}
	slices.Sort(all)
	if res.Linearize == linearize.Illegal {
		for _, k := range all {
			if len(keys) == vizMaxKeys {
				break
			}
			ops := sortedOps(byKey[k])
			if r, _ := v.check(ops, timeout); r.Verdict != linearize.Illegal {
				continue
			}
			// The shortest illegal prefix by invocation, then the latest start that keeps it illegal.
			n := v.shortestIllegal(ops, timeout)
			end := int64(0)
			for _, op := range ops[:n] {
				end = max(end, int64(op.Complete))
			}
			start := int64(ops[0].Invoke)
			for w := 16; w < n; w *= 2 {
				s := int64(ops[n-w].Invoke)
				if r, _ := v.check(windowOps(ops, []uint64{k}, s, end), timeout); r.Verdict == linearize.Illegal {
					start = s
					break
				}
			}
			if len(keys) == 0 {
				from, to = start, end
			}
			from, to = min(from, start), max(to, end)
			keys = append(keys, k)
		}
		if len(keys) > 0 {
			return keys, from, to, true
		}
	}
	// No illegal key: the last operations invoked before the failure (a safety violation stops the
	// run, so its end is the failure's time).
	ops := sortedOps(v.ops)
	to = int64(res.Simulated)
	n := len(ops)
	for n > 0 && int64(ops[n-1].Invoke) > to {
		n--
	}
	ops = ops[max(0, n-vizWindowOps):n]
	if len(ops) == 0 {
		return nil, 0, to, false
	}
	from = int64(ops[0].Invoke)
	for i := len(ops) - 1; i >= 0 && len(keys) < vizMaxKeys; i-- {
		if !slices.Contains(keys, ops[i].Key) {
			keys = append(keys, ops[i].Key)
		}
	}
	slices.Sort(keys)
	return keys, from, to, false
}

// sortedOps is ops in invocation order.
func sortedOps(ops []workload.Op) []workload.Op {
	s := slices.Clone(ops)
	slices.SortStableFunc(s, func(a, b workload.Op) int { return cmp.Compare(a.Invoke, b.Invoke) })
	return s
}

// shortestIllegal returns the length of the shortest prefix of ops (one key's, in invocation order,
// illegal as a whole) that is illegal: a binary search, then checked (a prefix may be legal where a
// shorter one is not, so the search's answer is kept only when it is illegal).
func (v *viz) shortestIllegal(ops []workload.Op, timeout time.Duration) int {
	lo, hi := 1, len(ops)
	for lo < hi {
		mid := (lo + hi) / 2
		if r, _ := v.check(ops[:mid], timeout); r.Verdict == linearize.Illegal {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	if r, _ := v.check(ops[:lo], timeout); r.Verdict != linearize.Illegal {
		return len(ops)
	}
	return lo
}

// check is a linearizability check that stops when the replay is interrupted (an interrupted check is
// Unknown, so the window search ends quickly and write returns the error).
func (v *viz) check(ops []workload.Op, timeout time.Duration) (linearize.Result, error) {
	ctx := v.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	return linearize.CheckContext(ctx, ops, timeout)
}

// maybeClient is the first client lane of the writes that stand for the operations before a window.
const maybeClient = 1_000_000

// windowOps returns the operations on keys invoked in [from, to], and, for each value the window's
// operations saw that an earlier write on the same key wrote, that write with its outcome unknown
// (it may have taken effect at any time, or not), invoked at from.
func windowOps(ops []workload.Op, keys []uint64, from, to int64) []workload.Op {
	var out []workload.Op
	seen := map[[2]uint64]bool{} // key, value: a value the window's operations saw
	for _, op := range ops {
		if slices.Contains(keys, op.Key) && int64(op.Invoke) >= from && int64(op.Invoke) <= to {
			out = append(out, op)
			if op.OK && op.Read {
				seen[[2]uint64{op.Key, op.Value}] = true
			} else if op.OK {
				seen[[2]uint64{op.Key, op.Prev}] = true
			}
		}
	}
	client := uint64(maybeClient)
	for _, op := range sortedOps(ops) {
		if !op.Read && int64(op.Invoke) < from && seen[[2]uint64{op.Key, op.Value}] {
			seen[[2]uint64{op.Key, op.Value}] = false
			out = append(out, workload.Op{Client: client, Key: op.Key, Value: op.Value, Invoke: sim.Time(from)})
			client++
		}
	}
	return out
}

// leaderLog is an io.Writer for a run's trace that keeps only its "state" events' leader changes: when
// each node became leader and when it stopped.
type leaderLog struct {
	partial []byte
	terms   []leaderTerm
	open    map[uint64]int // node → its open term's index in terms
}

// leaderTerm is one node's time as leader, in nanoseconds of simulated time; End is -1 while it lasts.
type leaderTerm struct {
	node, term uint64
	start, end int64
}

// maxLeaderTerms bounds the leader changes kept (memory, on a run of many elections).
const maxLeaderTerms = 100_000

func (l *leaderLog) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			l.partial = append(l.partial, p...)
			break
		}
		line := p[:i]
		if len(l.partial) > 0 {
			line = append(l.partial, line...)
			l.partial = l.partial[:0]
		}
		l.line(line)
		p = p[i+1:]
	}
	return n, nil
}

var stateEvent = []byte(`"ev":"state"`)

func (l *leaderLog) line(b []byte) {
	if !bytes.Contains(b, stateEvent) {
		return
	}
	var ev struct {
		T          int64
		State      string
		Node, Term uint64
	}
	if json.Unmarshal(b, &ev) != nil {
		return
	}
	if l.open == nil {
		l.open = map[uint64]int{}
	}
	if i, ok := l.open[ev.Node]; ok && (ev.State != "leader" || ev.Term != l.terms[i].term) {
		l.terms[i].end = ev.T
		delete(l.open, ev.Node)
	}
	if _, ok := l.open[ev.Node]; !ok && ev.State == "leader" && len(l.terms) < maxLeaderTerms {
		l.open[ev.Node] = len(l.terms)
		l.terms = append(l.terms, leaderTerm{node: ev.Node, term: ev.Term, start: ev.T, end: -1})
	}
}

// annotations are the leader terms and the faults that overlap [from, to], and a note on the window.
func (v *viz) annotations(res *swarm.Result, from, to int64, illegal bool) []porcupine.Annotation {
	var out []porcupine.Annotation
	for _, t := range v.leaders.terms {
		end := t.end
		if end < 0 {
			end = int64(res.Simulated)
		}
		if end < from || t.start > to {
			continue
		}
		out = append(out, porcupine.Annotation{Tag: "leader", Start: max(t.start, from), End: min(end, to),
			Description:     fmt.Sprintf("leader %d (term %d)", t.node, t.term),
			Details:         fmt.Sprintf("node %d leader of term %d from %s to %s", t.node, t.term, fmtNS(t.start), fmtNS(end)),
			BackgroundColor: "#dbeafe"})
	}
	for _, f := range res.Summary.Faults {
		at := int64(math.Round(f.AtMS * 1e6))
		if at < from || at > to {
			continue
		}
		out = append(out, porcupine.Annotation{Tag: "faults", Start: at, Description: f.Fault, Details: f.Effect,
			BackgroundColor: "#fde2e2"})
	}
	note := "the window: the last operations before the end"
	switch {
	case illegal:
		note = "the window: the keys whose history is illegal, up to the shortest illegal prefix"
	case res.Fail != "":
		note = fmt.Sprintf("the window: the last operations before the failure (%s: %s)", res.Fail, res.Reason)
	}
	out = append(out, porcupine.Annotation{Tag: "raftsim", Start: from, End: to, Description: "window",
		Details: note + fmt.Sprintf("; writes on lanes from %d stand for writes before the window whose values it saw", maybeClient)})
	return out
}

// outputPath is where a file written at p ends up, whether or not it exists yet: the symbolic links
// of its last element followed (as atomicfile follows them), its directory made absolute and its links
// resolved. Two paths that give the same outputPath are one file.
func outputPath(p string) string {
	for range 40 { // the kernel's bound on a chain of links
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			break
		}
		to, err := os.Readlink(p)
		if err != nil {
			break
		}
		if !filepath.IsAbs(to) {
			to = filepath.Join(filepath.Dir(p), to)
		}
		p = to
	}
	dir, base := filepath.Dir(p), filepath.Base(p)
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		dir = d
	}
	if d, err := filepath.Abs(dir); err == nil {
		dir = d
	}
	return filepath.Join(dir, base)
}
