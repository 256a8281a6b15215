package sweep

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/measure"
	"github.com/raftsim/raftsim/experiments/results"
	"github.com/raftsim/raftsim/safety"
)

var finalFiles = []string{results.TrialsFile, results.SummaryFile, results.SummaryLongFile, results.ManifestFile}

// testPlan is a small sweep: election timeout × clients on a three-node cluster for 300ms simulated,
// trials per point. Its points are listed in reverse sweep order, so that sorting by Index matters.
func testPlan(trials int) *experiments.Plan {
	spec := []byte(fmt.Sprintf("name: tiny\nseed: 7\ntrials: %d\n", trials))
	sum := sha256.Sum256(spec)
	plan := &experiments.Plan{
		Name: "tiny", Seed: 7, Trials: trials,
		Axes:       []string{"election_timeout", "clients"},
		Spec:       spec,
		SpecSHA256: hex.EncodeToString(sum[:]),
	}
	timeouts := []struct {
		text     string
		min, max time.Duration
	}{{"150ms:300ms", 150 * time.Millisecond, 300 * time.Millisecond}, {"50ms:100ms", 50 * time.Millisecond, 100 * time.Millisecond}}
	i := 0
	for _, to := range timeouts {
		for _, clients := range []int{1, 2} {
			cfg := cluster.Default()
			cfg.Nodes = 3
			cfg.Duration = 300 * time.Millisecond
			cfg.ElectionMin, cfg.ElectionMax = to.min, to.max
			cfg.Heartbeat = to.min / 2
			cfg.Clients = clients
			cfg.Check = true
			plan.Points = append(plan.Points, experiments.Point{
				Index:  i,
				Coords: []experiments.Coord{{Axis: "election_timeout", Value: to.text}, {Axis: "clients", Value: fmt.Sprint(clients)}},
				Config: cfg,
			})
			i++
		}
	}
	slices.Reverse(plan.Points)
	return plan
}

func readFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := make(map[string][]byte)
	for _, name := range finalFiles {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		out[name] = b
	}
	return out
}

func sameFiles(t *testing.T, what string, got, want map[string][]byte) {
	t.Helper()
	for _, name := range finalFiles {
		if !bytes.Equal(got[name], want[name]) {
			t.Errorf("%s: %s differs:\n%s\nwant:\n%s", what, name, got[name], want[name])
		}
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// reference runs plan uninterrupted and returns its files.
func reference(t *testing.T, plan *experiments.Plan) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	if _, err := Run(context.Background(), plan, Options{Out: dir, Workers: 2, Command: []string{"raftsim", "sweep", "tiny"}}); err != nil {
		t.Fatal(err)
	}
	return readFiles(t, dir)
}

func TestWorkersGiveIdenticalFiles(t *testing.T) {
	plan := testPlan(3)
	var first map[string][]byte
	for _, workers := range []int{1, 2, 3} {
		t.Run(fmt.Sprint(workers), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out") // created by Run
			res, err := Run(context.Background(), plan, Options{Out: dir, Workers: workers, Command: []string{"raftsim", "sweep", "tiny"}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Points != 4 || res.Trials != 12 || res.Ran != 12 || res.Resumed != 0 ||
				res.TrialsPath != filepath.Join(dir, results.TrialsFile) || res.Dir != dir {
				t.Errorf("result %+v", res)
			}
			if exists(filepath.Join(dir, JournalFile)) {
				t.Error("the journal is still there after a complete sweep")
			}
			files := readFiles(t, dir)
			if first == nil {
				first = files
				checkTrialsFile(t, plan, filepath.Join(dir, results.TrialsFile))
				return
			}
			sameFiles(t, fmt.Sprintf("workers %d vs 1", workers), files, first)
		})
	}
}

// checkTrialsFile checks what trials.csv says against the plan: rows in sweep order, seeds from
// TrialSeed, and measures that really come from the runs.
func checkTrialsFile(t *testing.T, plan *experiments.Plan, path string) {
	t.Helper()
	// LoadTrials holds the file against the plan: every row in sweep order with its point's coordinates
	// and its seed from TrialSeed.
	trials, err := results.LoadTrials(context.Background(), path, plan, measure.Names)
	if err != nil {
		t.Fatal(err)
	}
	if len(trials) != len(plan.Points)*plan.Trials {
		t.Fatalf("%d rows", len(trials))
	}
	order := results.PointOrder(plan)
	ev := measure.Index("events")
	var events []float64
	for r, tr := range trials {
		if tr.Point != order[r/plan.Trials] || tr.Trial != r%plan.Trials {
			t.Errorf("row %d: point %d trial %d", r, tr.Point, tr.Trial)
		}
		if tr.Values[ev] <= 0 {
			t.Errorf("row %d: %v events", r, tr.Values[ev])
		}
		events = append(events, tr.Values[ev])
	}
	if slices.Min(events) == slices.Max(events) {
		t.Error("every trial had the same number of events: seeds do not reach the runs")
	}
}

// cancelAfter wraps the cluster run: the run that completes the n-th trial cancels the context. It
// counts every run started.
type cancelAfter struct {
	n       int64
	cancel  context.CancelFunc
	started atomic.Int64
	ended   atomic.Int64
}

func (c *cancelAfter) run(ctx context.Context, cfg cluster.Config) ([]float64, error) {
	c.started.Add(1)
	row, err := runCluster(ctx, cfg)
	if c.ended.Add(1) == c.n {
		c.cancel()
	}
	return row, err
}

func TestInterruptThenResume(t *testing.T) {
	plan := testPlan(3)
	want := reference(t, plan)
	total := len(plan.Points) * plan.Trials
	for _, tc := range []struct{ workers, after int }{{1, 1}, {1, 11}, {2, 4}, {3, 9}} {
		t.Run(fmt.Sprintf("workers=%d/after=%d", tc.workers, tc.after), func(t *testing.T) {
			dir := t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ca := &cancelAfter{n: int64(tc.after), cancel: cancel}
			o := Options{Out: dir, Workers: tc.workers, Command: []string{"raftsim", "sweep", "tiny"}, run: ca.run}
			res, err := Run(ctx, plan, o)
			var ie *InterruptedError
			if !errors.As(err, &ie) || !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want an interruption", err)
			}
			// No trial starts after the cancel; the ones running then are stopped, or finish first and are
			// journaled.
			started := int(ca.started.Load())
			if ie.Done > started || started > tc.after+tc.workers-1 || ie.Done < tc.after || ie.Total != total || res.Ran != ie.Done {
				t.Errorf("done %d of %d, %d started, cancelled after %d with %d workers", ie.Done, ie.Total, started, tc.after, tc.workers)
			}
			if msg := err.Error(); !strings.Contains(msg, "--resume") || !strings.Contains(msg, fmt.Sprintf("%d of %d", ie.Done, total)) {
				t.Errorf("message %q", msg)
			}
			for _, name := range finalFiles {
				if exists(filepath.Join(dir, name)) {
					t.Errorf("%s written by an interrupted sweep", name)
				}
			}
			jpath := filepath.Join(dir, JournalFile)
			journal, err := os.ReadFile(jpath)
			if err != nil {
				t.Fatal(err)
			}
			if lines := bytes.Count(journal, []byte("\n")); lines != 2+ie.Done {
				t.Errorf("journal has %d lines, want %d", lines, 2+ie.Done)
			}

			// Without --resume the journal is refused, and left alone.
			_, err = Run(context.Background(), plan, Options{Out: dir, Workers: tc.workers})
			if err == nil || !strings.Contains(err.Error(), "--resume") || !strings.Contains(err.Error(), dir) || strings.Contains(err.Error(), "\n") {
				t.Errorf("rerun without --resume: err = %v", err)
			}
			if again, _ := os.ReadFile(jpath); !bytes.Equal(again, journal) {
				t.Error("a refused run changed the journal")
			}

			var resumedRuns atomic.Int64
			o.Resume = true
			o.run = func(ctx context.Context, cfg cluster.Config) ([]float64, error) {
				resumedRuns.Add(1)
				return runCluster(ctx, cfg)
			}
			res, err = Run(context.Background(), plan, o)
			if err != nil {
				t.Fatal(err)
			}
			if res.Resumed != ie.Done || res.Ran != total-ie.Done || int(resumedRuns.Load()) != total-ie.Done {
				t.Errorf("resume: %+v, %d runs; want %d resumed", res, resumedRuns.Load(), ie.Done)
			}
			sameFiles(t, "resumed vs uninterrupted", readFiles(t, dir), want)
			if exists(jpath) {
				t.Error("the journal is still there after the resumed sweep")
			}
		})
	}
}

// interrupted leaves dir with the journal of a sweep of plan interrupted after n trials.
func interrupted(t *testing.T, plan *experiments.Plan, dir string, n int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ca := &cancelAfter{n: int64(n), cancel: cancel}
	if _, err := Run(ctx, plan, Options{Out: dir, Workers: 1, run: ca.run}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want an interruption", err)
	}
}

func TestResumeTornJournal(t *testing.T) {
	plan := testPlan(2)
	want := reference(t, plan)
	tests := []struct {
		name string
		cut  func(journal []byte) []byte
	}{
		{"half a line", func(j []byte) []byte { return append(j, `"election_timeout=50ms:100ms clients=2",1,123`...) }},
		{"last line cut", func(j []byte) []byte { return j[:len(j)-10] }},
		{"last line changed", func(j []byte) []byte {
			lines := bytes.SplitAfter(j, []byte("\n"))
			return editLine(j, len(lines)-1, func(l []byte) []byte { return bytes.Replace(l, []byte(","), []byte(",9"), 3) })
		}},
		{"last line garbled", func(j []byte) []byte { return append(j[:len(j)-20], "\x00\x00\x00\x00\n"...) }},
		{"header only", func(j []byte) []byte { return j[:bytes.IndexByte(j, '\n')+1] }},
		{"header cut", func(j []byte) []byte { return j[:10] }},
		{"empty", func(j []byte) []byte { return nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			interrupted(t, plan, dir, 3)
			jpath := filepath.Join(dir, JournalFile)
			j, _ := os.ReadFile(jpath)
			if err := os.WriteFile(jpath, tt.cut(j), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := Run(context.Background(), plan, Options{Out: dir, Workers: 2, Resume: true, Command: []string{"raftsim", "sweep", "tiny"}}); err != nil {
				t.Fatal(err)
			}
			sameFiles(t, "resumed from a torn journal", readFiles(t, dir), want)
		})
	}
}

// reseal gives a journal line edited by a test the checksum of its new text, so that what is tested
// is the check after it.
func reseal(line []byte) []byte {
	text := bytes.TrimSuffix(line, []byte("\n"))
	text = text[:bytes.LastIndexByte(text, ',')]
	sum := checksum(text)
	return append(append(text, ','), sum+"\n"...)
}

// editLine applies edit to line n (from 1) of journal j.
func editLine(j []byte, n int, edit func([]byte) []byte) []byte {
	lines := bytes.SplitAfter(j, []byte("\n"))
	lines[n-1] = edit(slices.Clone(lines[n-1]))
	return bytes.Join(lines, nil)
}

func TestResumeRefusesForeignJournal(t *testing.T) {
	plan := testPlan(2)
	// The journal of a sweep interrupted after 3 trials: two header lines, then lines 3, 4 and 5.
	tests := []struct {
		name string
		edit func(p *experiments.Plan, journal []byte) []byte
		want string
	}{
		{"other spec", func(p *experiments.Plan, j []byte) []byte { p.SpecSHA256 = strings.Repeat("ab", 32); return j }, "another spec"},
		{"other seed", func(p *experiments.Plan, j []byte) []byte { p.Seed = 8; return j }, "another spec (seed 7, not 8)"},
		{"other trials", func(p *experiments.Plan, j []byte) []byte { p.Trials = 3; return j }, "another spec (trials 2, not 3)"},
		{"other topology", func(p *experiments.Plan, j []byte) []byte {
			p.Inputs = []experiments.Input{{Name: "sub/t.yaml", Path: "sub/t.yaml", SHA256: strings.Repeat("cd", 32)}}
			return j
		}, "another spec (no record of sub/t.yaml)"},
		{"not a journal", func(p *experiments.Plan, j []byte) []byte { return []byte("hello\nworld\n") }, "not a sweep journal"},
		{"version 1", func(p *experiments.Plan, j []byte) []byte {
			return bytes.Replace(j, []byte("journal v2 "), []byte("journal v1 "), 1)
		}, "written by another version of raftsim (journal v1; this one reads v2)"},
		{"other columns", func(p *experiments.Plan, j []byte) []byte {
			return bytes.Replace(j, []byte("point,trial,seed,availability,"), []byte("point,trial,seed,uptime,"), 1)
		}, "columns"},
		{"unknown point", func(p *experiments.Plan, j []byte) []byte {
			return editLine(j, 3, func(l []byte) []byte {
				return reseal(bytes.Replace(l, []byte("election_timeout="), []byte("election_timeout=1"), 1))
			})
		}, `line 3: point "election_timeout=1`},
		{"wrong seed", func(p *experiments.Plan, j []byte) []byte {
			return editLine(j, 3, func(l []byte) []byte {
				f := bytes.SplitN(l, []byte(","), 4)
				f[2] = []byte("99")
				return reseal(bytes.Join(f, []byte(",")))
			})
		}, "line 3: seed \"99\" is not the trial's seed"},
		{"duplicate", func(p *experiments.Plan, j []byte) []byte {
			lines := bytes.SplitAfter(j, []byte("\n"))
			return append(j, lines[2]...)
		}, "appears twice"},
		{"not a number", func(p *experiments.Plan, j []byte) []byte {
			return editLine(j, 4, func(l []byte) []byte {
				f := bytes.Split(l, []byte(","))
				f[len(f)-2] = []byte("x") // the last measure
				return reseal(bytes.Join(f, []byte(",")))
			})
		}, "line 4: " + measure.Names[len(measure.Names)-1] + " \"x\" is not a number"},
		// Damage the checksum finds: a value changed (the tester's sed -i '4s/,1,/,NaN,/'), a line cut
		// short or garbled, two lines run together; anywhere but in the last line.
		{"value changed", func(p *experiments.Plan, j []byte) []byte {
			return editLine(j, 4, func(l []byte) []byte {
				f := bytes.Split(l, []byte(","))
				f[4] = []byte("NaN")
				return bytes.Join(f, []byte(","))
			})
		}, "line 4: its checksum"},
		{"bit flipped", func(p *experiments.Plan, j []byte) []byte {
			// One bit of a digit among the measures: still a number, so only the checksum can tell.
			return editLine(j, 4, func(l []byte) []byte {
				at := bytes.IndexAny(l[len(l)/2:], "0123456789") + len(l)/2
				l[at] ^= 1
				return l
			})
		}, "line 4: its checksum"},
		{"line cut short", func(p *experiments.Plan, j []byte) []byte {
			return editLine(j, 3, func(l []byte) []byte { return append(l[:len(l)/2], '\n') })
		}, "line 3: "},
		{"line end lost", func(p *experiments.Plan, j []byte) []byte {
			return editLine(j, 3, func(l []byte) []byte { return l[:len(l)-1] })
		}, "line 3: "},
		{"checksum garbled", func(p *experiments.Plan, j []byte) []byte {
			return editLine(j, 3, func(l []byte) []byte { return append(l[:len(l)-3], 'z', 'z', '\n') })
		}, "line 3: its checksum"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			interrupted(t, plan, dir, 3)
			jpath := filepath.Join(dir, JournalFile)
			j, _ := os.ReadFile(jpath)
			p := testPlan(2)
			j = tt.edit(p, j)
			if err := os.WriteFile(jpath, j, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Run(context.Background(), p, Options{Out: dir, Workers: 2, Resume: true})
			if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "sweep: ") {
				t.Fatalf("err = %v, want it to say %q", err, tt.want)
			}
			if after, _ := os.ReadFile(jpath); !bytes.Equal(after, j) {
				t.Error("a refused resume changed the journal")
			}
			for _, name := range finalFiles {
				if exists(filepath.Join(dir, name)) {
					t.Errorf("%s written", name)
				}
			}
		})
	}
}

func TestFailingTrial(t *testing.T) {
	plan := testPlan(3)
	bad := &plan.Points[1] // sweep index 2: "election_timeout=50ms:100ms clients=1"
	badSeed := experiments.TrialSeed(plan.Seed, bad, 1)
	tests := []struct {
		name string
		err  error
		want []string
	}{
		{"violation", &safety.Violation{Invariant: "Election Safety", At: time.Millisecond, Nodes: []uint64{1, 2}, Seed: badSeed, Detail: "two leaders in term 3"},
			[]string{`sweep: point "election_timeout=50ms:100ms clients=1" trial 1: safety: Election Safety violated`, fmt.Sprintf("; seed %d", badSeed)}},
		{"other error", errors.New("cluster: topology: no such file"),
			[]string{fmt.Sprintf(`sweep: point "election_timeout=50ms:100ms clients=1" trial 1 (seed %d): cluster: topology: no such file`, badSeed)}},
	}
	for _, tt := range tests {
		for _, workers := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/workers=%d", tt.name, workers), func(t *testing.T) {
				// A good sweep's files are in the directory already: the failed one must leave them as they were.
				dir := t.TempDir()
				if _, err := Run(context.Background(), plan, Options{Out: dir, Workers: 2}); err != nil {
					t.Fatal(err)
				}
				before := readFiles(t, dir)
				var runs atomic.Int64
				o := Options{Out: dir, Workers: workers, run: func(ctx context.Context, cfg cluster.Config) ([]float64, error) {
					runs.Add(1)
					if cfg.Seed == badSeed {
						return nil, tt.err
					}
					return runCluster(ctx, cfg)
				}}
				_, err := Run(context.Background(), plan, o)
				if err == nil {
					t.Fatal("no error")
				}
				for _, w := range tt.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("err = %v, want it to say %q", err, w)
					}
				}
				if !errors.Is(err, tt.err) {
					t.Errorf("err = %v does not wrap the trial's error", err)
				}
				// Trials after the failing one are not started. With one worker that is exact: the 7
				// trials before it in sweep order and itself. With more, those already running may
				// finish and, if the failing worker is descheduled before it halts the sweep, take
				// one more each: how many depends on the scheduler, so only the one-worker count is
				// asserted (a loaded machine under -race once ran all twelve).
				if n := int(runs.Load()); workers == 1 && n != 2*3+1+1 {
					t.Errorf("%d trials ran with one worker, want 8: those before the failure and itself", n)
				}
				sameFiles(t, "after a failed sweep", readFiles(t, dir), before)
				if exists(filepath.Join(dir, JournalFile)) {
					t.Error("a failed sweep left its journal")
				}
			})
		}
	}
}

func TestWrongRowLength(t *testing.T) {
	dir := t.TempDir()
	o := Options{Out: dir, Workers: 1, run: func(context.Context, cluster.Config) ([]float64, error) { return []float64{1}, nil }}
	_, err := Run(context.Background(), testPlan(1), o)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("1 measures, want %d", len(measure.Names))) {
		t.Fatalf("err = %v", err)
	}
}

func TestInvalidPlanTouchesNothing(t *testing.T) {
	tests := []struct {
		name string
		plan func() *experiments.Plan
		o    Options
		want string
	}{
		{"nil plan", func() *experiments.Plan { return nil }, Options{}, "no plan"},
		{"no output", func() *experiments.Plan { return testPlan(1) }, Options{Out: "-"}, "no output directory"},
		{"negative workers", func() *experiments.Plan { return testPlan(1) }, Options{Workers: -1}, "workers -1"},
		{"no trials", func() *experiments.Plan { return testPlan(0) }, Options{}, "trials 0"},
		{"no points", func() *experiments.Plan { p := testPlan(1); p.Points = nil; return p }, Options{}, "no points"},
		{"bad config", func() *experiments.Plan { p := testPlan(1); p.Points[2].Config.Nodes = 0; return p }, Options{},
			`point "election_timeout=150ms:300ms clients=2": nodes: 0`},
		{"axis named seed", func() *experiments.Plan {
			p := testPlan(1)
			p.Axes[1] = "seed"
			for i := range p.Points {
				p.Points[i].Coords[1].Axis = "seed"
			}
			return p
		}, Options{}, `column "seed" appears twice`},
		{"trace", func() *experiments.Plan { p := testPlan(1); p.Points[0].Config.Trace = &bytes.Buffer{}; return p }, Options{}, "trace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent := t.TempDir()
			o := tt.o
			switch o.Out {
			case "":
				o.Out = filepath.Join(parent, "out")
			case "-":
				o.Out = ""
			}
			_, err := Run(context.Background(), tt.plan(), o)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "sweep: ") {
				t.Fatalf("err = %v, want it to say %q", err, tt.want)
			}
			if ents, _ := os.ReadDir(parent); len(ents) != 0 {
				t.Errorf("an invalid sweep created %v", ents)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer the progress line can be written to while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// recordedProgress records what Run tells a Progress.
type recordedProgress struct {
	updates [][4]int
	closed  int
}

func (p *recordedProgress) Update(trialsDone, trials, pointsDone, points int) {
	p.updates = append(p.updates, [4]int{trialsDone, trials, pointsDone, points})
}

func (p *recordedProgress) Close() { p.closed++ }

// TestProgress: Run tells its Progress where it starts (resumed trials included), every batch of
// finished trials, and the end, counting points done only when every trial of theirs is; and closes it
// once.
func TestProgress(t *testing.T) {
	plan := testPlan(2)
	dir := t.TempDir()
	var p recordedProgress
	if _, err := Run(context.Background(), plan, Options{Out: dir, Workers: 2, Progress: &p}); err != nil {
		t.Fatal(err)
	}
	if len(p.updates) < 2 || p.updates[0] != [4]int{0, 8, 0, 4} || p.updates[len(p.updates)-1] != [4]int{8, 8, 4, 4} || p.closed != 1 {
		t.Fatalf("updates %v, closed %d", p.updates, p.closed)
	}
	for i := 1; i < len(p.updates); i++ {
		u, prev := p.updates[i], p.updates[i-1]
		if u[0] < prev[0] || u[2] < prev[2] || u[2] > u[0]/2 {
			t.Errorf("update %d %v after %v: counts must not fall, and a point is done only with its 2 trials", i, u, prev)
		}
	}
}
