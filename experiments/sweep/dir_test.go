package sweep

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/results"
	"github.com/raftsim/raftsim/internal/atomicfile"
)

// TestMain lets the test binary stand in for a second sweep process: with SWEEP_HELPER set it runs
// testPlan(3) into SWEEP_DIR (see helper) and exits 0, 2 for a refusal, or 1.
func TestMain(m *testing.M) {
	if mode := os.Getenv("SWEEP_HELPER"); mode != "" {
		os.Exit(helper(mode, os.Getenv("SWEEP_DIR"), os.Getenv("SWEEP_RELEASE")))
	}
	os.Exit(m.Run())
}

// helper runs one sweep in a subprocess. Modes: "wait" and "resume-wait" hold every trial until the
// file release exists; "slow" takes 20ms more per trial; "hang-in-finish" starts writing a file
// once the results are written, says "ready" and waits to be killed.
func helper(mode, dir, release string) int {
	o := Options{Out: dir, Workers: 1, Command: []string{"raftsim", "sweep", "tiny"}}
	switch mode {
	case "wait", "resume-wait":
		o.Resume = mode == "resume-wait"
		o.run = func(ctx context.Context, cfg cluster.Config) ([]float64, error) {
			for !exists(release) {
				time.Sleep(5 * time.Millisecond)
			}
			return runCluster(ctx, cfg)
		}
	case "slow":
		o.run = func(ctx context.Context, cfg cluster.Config) ([]float64, error) {
			time.Sleep(20 * time.Millisecond)
			return runCluster(ctx, cfg)
		}
	case "hang-in-finish":
		o.Finish = func(Result) error {
			f, err := atomicfile.Create(context.Background(), filepath.Join(dir, "comparison.md"))
			if err != nil {
				return err
			}
			f.Write(bytes.Repeat([]byte("a plot in the making\n"), 10000)) // past the buffer: on disk
			fmt.Println("ready")
			select {}
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", mode)
		return 1
	}
	res, err := Run(context.Background(), testPlan(3), o)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		if errors.Is(err, ErrRefused) {
			return 2
		}
		return 1
	}
	fmt.Printf("ran %d, resumed %d\n", res.Ran, res.Resumed)
	return 0
}

type proc struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	code           int
}

func startHelper(t *testing.T, mode, dir, release string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(os.Args[0], "-test.run=^$")}
	p.cmd.Env = append(os.Environ(), "SWEEP_HELPER="+mode, "SWEEP_DIR="+dir, "SWEEP_RELEASE="+release)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.cmd.Process.Kill() })
	return p
}

// wait waits for p to exit and records its exit code.
func (p *proc) wait() *proc {
	err := p.cmd.Wait()
	p.code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		p.code = ee.ExitCode()
	} else if err != nil {
		p.code = -1
	}
	return p
}

// listing is every name in dir and its subdirectories, with the content of each file.
func listing(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if d.Type().IsRegular() {
			b, _ := os.ReadFile(path)
			out[rel] = string(b)
		} else {
			out[rel] = d.Type().String()
		}
		return nil
	})
	return out
}

func sameListing(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for name, w := range want {
		if g, ok := got[name]; !ok || g != w {
			t.Errorf("%s: %s changed or went missing", what, name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: %s appeared", what, name)
		}
	}
}

// TestTwoSweepsOneDir: two sweep processes started together on one directory, fresh or both resuming
// an interrupted sweep: exactly one runs, the other is refused at once saying who holds the directory,
// the winner's journal is intact, and the results are those of an undisturbed sweep, every trial the
// interrupted sweep finished kept.
func TestTwoSweepsOneDir(t *testing.T) {
	plan := testPlan(3)
	want := reference(t, plan)
	for _, resume := range []bool{false, true} {
		t.Run(fmt.Sprintf("resume=%v", resume), func(t *testing.T) {
			dir := t.TempDir()
			release := filepath.Join(t.TempDir(), "release")
			mode := "wait"
			if resume {
				interrupted(t, plan, dir, 5)
				mode = "resume-wait"
			}
			jpath := filepath.Join(dir, JournalFile)
			a, b := startHelper(t, mode, dir, release), startHelper(t, mode, dir, release)
			exited := make(chan *proc, 2)
			go func() { exited <- a.wait() }()
			go func() { exited <- b.wait() }()
			// Nobody's trial can finish before the release: the first to exit is the one refused.
			var loser *proc
			select {
			case loser = <-exited:
			case <-time.After(30 * time.Second):
				t.Fatal("neither sweep was refused within 30s")
			}
			winner := a
			if loser == a {
				winner = b
			}
			if msg := fmt.Sprintf("in use by another raftsim (pid %d)", winner.cmd.Process.Pid); loser.code != 2 || !strings.Contains(loser.stderr.String(), msg) {
				t.Fatalf("loser: exit %d, stderr %q; want exit 2 and %q", loser.code, loser.stderr.String(), msg)
			}
			// The loser may be refused (the winner holds the lock) before the winner has written its
			// journal's header: wait for the header, then it must be the winner's alone, the loser having
			// added nothing. (Read once, this failed on a machine with a load average of 10.)
			lines := 2
			if resume {
				lines = 2 + 5
			}
			var n int
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				journal, err := os.ReadFile(jpath)
				if err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
				if n = bytes.Count(journal, []byte("\n")); n >= lines || time.Now().After(deadline) {
					break
				}
			}
			if n != lines {
				t.Fatalf("journal has %d lines while the winner waits, want %d", n, lines)
			}
			for _, name := range finalFiles {
				if exists(filepath.Join(dir, name)) {
					t.Errorf("%s written before any trial ran", name)
				}
			}
			os.WriteFile(release, nil, 0o644)
			winner = <-exited
			if winner.code != 0 {
				t.Fatalf("winner: exit %d: %s", winner.code, winner.stderr.String())
			}
			if w := map[bool]string{false: "ran 12, resumed 0", true: "ran 7, resumed 5"}[resume]; !strings.Contains(winner.stdout.String(), w) {
				t.Errorf("winner says %q, want %q", winner.stdout.String(), w)
			}
			sameFiles(t, "after two sweeps at once", readFiles(t, dir), want)
		})
	}
}

// TestKilledSweep: a sweep killed with SIGKILL mid-run leaves its journal and no stale lock: --resume
// takes the directory at once and finishes with the undisturbed results.
func TestKilledSweep(t *testing.T) {
	plan := testPlan(3)
	want := reference(t, plan)
	dir := t.TempDir()
	p := startHelper(t, "slow", dir, "")
	jpath := filepath.Join(dir, JournalFile)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if j, _ := os.ReadFile(jpath); bytes.Count(j, []byte("\n")) >= 2+3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the sweep journaled nothing in 30s")
		}
		time.Sleep(2 * time.Millisecond)
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.wait()
	if !exists(filepath.Join(dir, results.LockFile)) {
		t.Fatal("no lock file: was the directory locked?")
	}
	res, err := Run(context.Background(), plan, Options{Out: dir, Workers: 2, Resume: true, Command: []string{"raftsim", "sweep", "tiny"}})
	if err != nil {
		t.Fatalf("resume after SIGKILL: %v", err)
	}
	if res.Resumed < 3 || res.Resumed+res.Ran != 12 {
		t.Errorf("resume after SIGKILL: %+v", res)
	}
	sameFiles(t, "killed then resumed", readFiles(t, dir), want)
}

// TestKilledWhileWriting: a sweep killed with SIGKILL while its Finish hook writes (the CLI draws its
// plots there) is not finished: it leaves its journal, beside result files that look whole, and a
// temporary file. Without Resume the directory is refused as an unfinished sweep; with it, the result
// files are written again from the journal without running a trial, byte-identical to an undisturbed
// sweep's, Finish runs again, the temporary file is removed and so is the journal.
func TestKilledWhileWriting(t *testing.T) {
	plan := testPlan(3)
	want := reference(t, plan)
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SWEEP_HELPER=hang-in-finish", "SWEEP_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "ready\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the helper never got ready: %q", line)
	}
	p := &proc{cmd: cmd}
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.wait()
	left, _ := filepath.Glob(filepath.Join(dir, ".comparison.md.tmp-*"))
	if len(left) != 1 {
		t.Fatalf("the killed sweep left %v, want one temporary file", left)
	}
	if !exists(filepath.Join(dir, JournalFile)) || !exists(filepath.Join(dir, results.ManifestFile)) {
		t.Fatal("the sweep killed in Finish should have left its result files and its journal")
	}
	before := listing(t, dir)
	_, err = Run(context.Background(), plan, Options{Out: dir, Workers: 2})
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("run without resume: %v, want a refusal pointing at --resume", err)
	}
	sameListing(t, "refused", listing(t, dir), before)

	finished := 0
	o := Options{Out: dir, Workers: 2, Resume: true, Command: []string{"raftsim", "sweep", "tiny"},
		run: func(context.Context, cluster.Config) ([]float64, error) {
			t.Error("a trial ran again")
			return nil, errors.New("no")
		},
		Finish: func(Result) error {
			finished++
			return atomicfile.Write(filepath.Join(dir, "comparison.md"), func(w io.Writer) error {
				_, err := io.WriteString(w, "drawn\n")
				return err
			})
		}}
	res, err := Run(context.Background(), plan, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Ran != 0 || res.Resumed != 12 || finished != 1 {
		t.Errorf("resume: %+v, Finish called %d times; want every trial resumed and Finish once", res, finished)
	}
	sameFiles(t, "resumed after a kill in Finish", readFiles(t, dir), want)
	if b, _ := os.ReadFile(filepath.Join(dir, "comparison.md")); string(b) != "drawn\n" {
		t.Errorf("comparison.md = %q", b)
	}
	if exists(left[0]) || exists(filepath.Join(dir, JournalFile)) {
		t.Error("the resumed sweep left its journal or the killed one's temporary file")
	}
}

// TestResumeNothing: --resume where there is no sweep to resume is refused, and writes nothing.
func TestResumeNothing(t *testing.T) {
	plan := testPlan(2)
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns Out
		want  string
	}{
		{"no directory", func(t *testing.T, dir string) string { return filepath.Join(dir, "out") }, "does not exist"},
		{"empty directory", func(t *testing.T, dir string) string { return dir }, "holds no unfinished sweep"},
		{"unrelated files", func(t *testing.T, dir string) string {
			os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
			return dir
		}, "holds no unfinished sweep"},
		{"finished results", func(t *testing.T, dir string) string {
			if _, err := Run(context.Background(), plan, Options{Out: dir, Workers: 2}); err != nil {
				t.Fatal(err)
			}
			return dir
		}, "finished results of this sweep, nothing to resume"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			out := tt.setup(t, dir)
			before := listing(t, dir)
			_, err := Run(context.Background(), plan, Options{Out: out, Workers: 2, Resume: true})
			if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err = %v, want a refusal saying %q", err, tt.want)
			}
			sameListing(t, "refused resume", listing(t, dir), before)
		})
	}
}

// TestOtherResults: a directory holding the results of another spec, seed or trial count is refused,
// saying what differs, and left as it was; Force replaces them, removing raftsim's files only.
func TestOtherResults(t *testing.T) {
	old := testPlan(2)
	other := func(edit func(p *experiments.Plan)) *experiments.Plan {
		p := testPlan(2)
		edit(p)
		return p
	}
	tests := []struct {
		name string
		plan *experiments.Plan
		want string
	}{
		{"trials", testPlan(3), "holds the results of another spec (trials 2, not 3)"},
		{"seed", other(func(p *experiments.Plan) {
			p.Seed = 8
			p.Spec = []byte("name: tiny\nseed: 8\ntrials: 2\n")
			p.SpecSHA256 = ""
		}),
			"(seed 7, not 8)"},
		{"name", other(func(p *experiments.Plan) {
			p.Name = "small"
			p.Spec = []byte("name: small\nseed: 7\ntrials: 2\n")
			p.SpecSHA256 = ""
		}),
			`(experiment "tiny", not "small")`},
		{"settings", other(func(p *experiments.Plan) {
			p.Spec = []byte("name: tiny\nseed: 7\ntrials: 2\nduration: 1s\n")
			p.SpecSHA256 = ""
		}), "(other settings (spec sha256 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if _, err := Run(context.Background(), old, Options{Out: dir, Workers: 2}); err != nil {
				t.Fatal(err)
			}
			// Files drawn from the results, and the user's own.
			os.Mkdir(filepath.Join(dir, "plots"), 0o755)
			for _, name := range []string{"comparison.md", "plots/tiny.png", "plots/tiny.svg", "notes.txt"} {
				os.WriteFile(filepath.Join(dir, name), []byte("old "+name), 0o644)
			}
			before := listing(t, dir)
			_, err := Run(context.Background(), tt.plan, Options{Out: dir, Workers: 2})
			if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "--force") {
				t.Fatalf("err = %v, want a refusal saying %q and --force", err, tt.want)
			}
			sameListing(t, "refused", listing(t, dir), before)

			var gotOld *results.Manifest
			o := Options{Out: dir, Workers: 2, Force: true, Command: []string{"raftsim", "sweep", "tiny"},
				Derived: func(m *results.Manifest) []string {
					gotOld = m
					return []string{"comparison.md", "plots/tiny.png", "plots/tiny.svg", "../outside.txt"}
				}}
			os.WriteFile(filepath.Join(filepath.Dir(dir), "outside.txt"), []byte("mine"), 0o644)
			if _, err := Run(context.Background(), tt.plan, o); err != nil {
				t.Fatal(err)
			}
			if gotOld == nil || gotOld.Trials != 2 || gotOld.Seed != 7 {
				t.Errorf("Derived got manifest %+v, want the old one", gotOld)
			}
			after := listing(t, dir)
			var names []string
			for name := range after {
				names = append(names, name)
			}
			slices.Sort(names)
			wantNames := []string{results.LockFile, "manifest.json", "notes.txt", "summary.csv", "summary_long.csv", "trials.csv"}
			if !slices.Equal(names, wantNames) {
				t.Errorf("after --force the directory holds %q, want %q", names, wantNames)
			}
			if after["notes.txt"] != "old notes.txt" || !exists(filepath.Join(filepath.Dir(dir), "outside.txt")) {
				t.Error("--force touched a file that is not raftsim's")
			}
			sameFiles(t, "forced", readFiles(t, dir), reference(t, tt.plan))
		})
	}
}

// TestForceKeepsUserFilesInPlots: the plots directory stays when it holds a file of the user's.
func TestForceKeepsUserFilesInPlots(t *testing.T) {
	dir := t.TempDir()
	if _, err := Run(context.Background(), testPlan(2), Options{Out: dir, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "plots"), 0o755)
	os.WriteFile(filepath.Join(dir, "plots", "tiny.png"), []byte("old"), 0o644)
	os.WriteFile(filepath.Join(dir, "plots", "mine.png"), []byte("mine"), 0o644)
	o := Options{Out: dir, Workers: 2, Force: true, Derived: func(*results.Manifest) []string { return []string{"plots/tiny.png"} }}
	if _, err := Run(context.Background(), testPlan(3), o); err != nil {
		t.Fatal(err)
	}
	if exists(filepath.Join(dir, "plots", "tiny.png")) || !exists(filepath.Join(dir, "plots", "mine.png")) {
		t.Error("--force removed the wrong files from plots/")
	}
}

// TestDamagedOrForeign: what raftsim cannot read as its own results is refused, and replaced with Force.
func TestDamagedOrForeign(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  string
	}{
		{"damaged manifest", func(t *testing.T, dir string) {
			if _, err := Run(context.Background(), testPlan(2), Options{Out: dir, Workers: 2}); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, results.ManifestFile), []byte(`{"experiment": "tin`), 0o644)
		}, "holds a manifest.json raftsim cannot read"},
		{"trials without a manifest", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, results.TrialsFile), []byte("precious\n"), 0o644)
		}, "holds trials.csv but no manifest.json"},
		{"unreadable journal", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, JournalFile), []byte("hello\n"), 0o644)
		}, "holds a trials.journal raftsim cannot read"},
		{"unfinished sweep of another spec", func(t *testing.T, dir string) {
			interrupted(t, testPlan(3), dir, 2)
		}, "holds an unfinished sweep of another spec (trials 3, not 2)"},
		{"unfinished sweep of this spec", func(t *testing.T, dir string) {
			interrupted(t, testPlan(2), dir, 2)
		}, "run again with --resume to finish it, or --force to start over"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.setup(t, dir)
			before := listing(t, dir)
			_, err := Run(context.Background(), testPlan(2), Options{Out: dir, Workers: 2})
			if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a refusal saying %q", err, tt.want)
			}
			sameListing(t, "refused", listing(t, dir), before)
			res, err := Run(context.Background(), testPlan(2), Options{Out: dir, Workers: 2, Force: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.Resumed != 0 || res.Ran != 8 {
				t.Errorf("--force: %+v, want every trial run afresh", res)
			}
		})
	}
}

// TestRefusedPaths: an output that is not a directory, or cannot be made one, is refused; Force and
// Resume together are refused before anything is looked at.
func TestRefusedPaths(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	for _, tt := range []struct {
		out  string
		o    Options
		want string
	}{
		{file, Options{}, "is not a directory"},
		{filepath.Join(file, "sub"), Options{}, "not a directory"},
		{filepath.Join(dir, "x"), Options{Force: true, Resume: true}, "Force and Resume"},
	} {
		o := tt.o
		o.Out = tt.out
		_, err := Run(context.Background(), testPlan(1), o)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.out, err, tt.want)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("refused runs created %v", ents)
	}
}

// TestLockedDir: a directory this or another process holds is refused, saying so, and not touched.
func TestLockedDir(t *testing.T) {
	for _, prepared := range []bool{false, true} {
		dir := t.TempDir()
		if prepared {
			interrupted(t, testPlan(2), dir, 2) // refusable for another reason too: the lock wins
		}
		l, err := results.Lock(dir)
		if err != nil {
			t.Fatal(err)
		}
		before := listing(t, dir)
		_, err = Run(context.Background(), testPlan(2), Options{Out: dir, Workers: 2})
		if want := fmt.Sprintf("in use by another raftsim (pid %d)", os.Getpid()); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), want) {
			t.Fatalf("err = %v, want %q", err, want)
		}
		sameListing(t, "locked", listing(t, dir), before)
		l.Unlock()
		if _, err := Run(context.Background(), testPlan(2), Options{Out: dir, Workers: 2, Resume: prepared}); err != nil {
			t.Fatalf("after Unlock: %v", err)
		}
	}
}

func TestDifferences(t *testing.T) {
	base := ident{"tiny", "aaaaaaaaaaaaaaaa", 7, 2, "name: tiny\nseed: 7\ntrials: 2\nduration: 1s\n", nil, Shard{}}
	tests := []struct {
		have ident
		want string
	}{
		{ident{"tiny", "b", 7, 100, "name: tiny\nseed: 7\ntrials: 100\nduration: 1s\n", nil, Shard{}}, "trials 100, not 2"},
		{ident{"fig", "b", 1, 2, "name: fig\nseed: 1\ntrials: 2\nduration: 1s\n", nil, Shard{}}, `experiment "fig", not "tiny"; seed 1, not 7`},
		{ident{"tiny", "bbbbbbbbbbbbbbbbbb", 7, 3, "name: tiny\nseed: 7\ntrials: 3\nduration: 2s\n", nil, Shard{}}, "trials 3, not 2; other settings (spec sha256 bbbbbbbbbbbb…, not aaaaaaaaaaaa…)"},
		{ident{sha: "b", seed: 7, trials: 2}, "spec sha256 b, not aaaaaaaaaaaa…"}, // a journal: no spec text
		{ident{sha: "b", seed: 7, trials: 5}, "trials 5, not 2"},
	}
	for _, tt := range tests {
		if got := differences(tt.have, base); got != tt.want {
			t.Errorf("differences(%+v) = %q, want %q", tt.have, got, tt.want)
		}
	}
}
