package figures

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
)

// doneAfter is a context that is live for its first n looks (calls of Err) and cancelled from then on:
// a Ctrl-C that arrives part-way through drawing, at a point the test chooses, without a clock.
type doneAfter struct {
	context.Context
	n     int64
	looks atomic.Int64
}

func newDoneAfter(n int64) *doneAfter { return &doneAfter{Context: context.Background(), n: n} }

func (c *doneAfter) Err() error {
	if c.looks.Add(1) > c.n {
		return context.Canceled
	}
	return nil
}

// files returns every regular file under dir with its content, by its path relative to dir.
func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sameFilesIn reports what differs between two listings of files.
func sameFilesIn(t *testing.T, what string, got, want map[string][]byte) {
	t.Helper()
	for name, b := range want {
		if g, ok := got[name]; !ok || !bytes.Equal(g, b) {
			t.Errorf("%s: %s changed or went missing", what, name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: %s appeared", what, name)
		}
	}
}

// TestDrawStopsOnCancel: Draw and Compare stopped by their context, at any of the places they look at
// it (reading trials.csv, between panels, while a figure is encoded, before its files are committed),
// return an error wrapping its cause, write no file half and leave no temporary file. In a fresh
// directory that is nothing but trials.csv; over earlier plots and comparison, the files of each
// figure (PNG, SVG, PDF), and the two of the comparison, are either all as they were or all new: never
// a new PNG beside an old SVG.
func TestDrawStopsOnCancel(t *testing.T) {
	s, ref := fixture(t)
	trials := files(t, ref)["trials.csv"]
	// How often an undisturbed Draw and Compare look at their context.
	counter := newDoneAfter(1 << 62)
	if _, err := Draw(counter, s, ref); err != nil {
		t.Fatal(err)
	}
	drawLooks := counter.looks.Load()
	counter = newDoneAfter(1 << 62)
	if _, err := Compare(counter, s, ref); err != nil {
		t.Fatal(err)
	}
	compareLooks := counter.looks.Load()
	want := files(t, ref)
	groups := [][]string{
		{"plots/small.png", "plots/small.svg", "plots/small.pdf"},
		{ComparisonCSV, ComparisonMD},
	}
	// Earlier outputs, other than what Draw and Compare make of these trials (another style, say).
	old := map[string][]byte{"trials.csv": trials}
	for _, g := range groups {
		for _, name := range g {
			old[name] = []byte("before: " + name)
		}
	}

	run := func(what string, looks int64, do func(ctx context.Context, dir string) error) {
		for n := range looks {
			// Over earlier files at every look; in a fresh directory at the first, a middle and the
			// last (each Draw takes a tenth of a second).
			for _, over := range []bool{false, true} {
				if !over && looks > 4 && n != 0 && n != looks/2 && n != looks-1 {
					continue
				}
				dir := t.TempDir()
				before := map[string][]byte{"trials.csv": trials}
				if over {
					before = old
				}
				for name, b := range before {
					os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
					os.WriteFile(filepath.Join(dir, name), b, 0o644)
				}
				err := do(newDoneAfter(n), dir)
				if !errors.Is(err, context.Canceled) {
					t.Errorf("%s cancelled after look %d of %d: err = %v, want one wrapping context.Canceled", what, n, looks, err)
				}
				got := files(t, dir)
				for name := range got {
					if _, ok := old[name]; !ok {
						t.Errorf("%s cancelled after look %d: %s appeared", what, n, name)
					}
				}
				for _, g := range groups {
					var state []string
					for _, name := range g {
						switch b, ok := got[name]; {
						case !ok && !over, ok && bytes.Equal(b, old[name]):
							state = append(state, "old")
						case ok && bytes.Equal(b, want[name]):
							state = append(state, "new")
						default:
							state = append(state, "damaged")
						}
					}
					if slices.Contains(state, "damaged") || slices.Contains(state, "old") && slices.Contains(state, "new") {
						t.Errorf("%s cancelled after look %d (over earlier files: %v): %v are %v", what, n, over, g, state)
					}
				}
			}
		}
	}
	run("Draw", drawLooks, func(ctx context.Context, dir string) error {
		_, err := Draw(ctx, s, dir)
		return err
	})
	run("Compare", compareLooks, func(ctx context.Context, dir string) error {
		_, err := Compare(ctx, s, dir)
		return err
	})
	if drawLooks < 10 || compareLooks < 2 {
		t.Errorf("Draw looked at its context %d times, Compare %d: too few to stop them part-way", drawLooks, compareLooks)
	}
}
