package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/experiments/specs"
)

// TestPlotRestyle: `raftsim plot DIR --spec FILE` redraws the figures with FILE's plots, without
// running anything, if FILE describes the experiment DIR holds; otherwise it exits 2 naming the field
// that differs and leaves the figures as they were. Every figure is written as PNG, SVG and PDF.
func TestPlotRestyle(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "q")
	r := raftsim(t, nil, "sweep", "quorum", "--trials", "1", "--out", dir, "--quiet")
	if r.code != 0 {
		t.Fatalf("sweep quorum: %d %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "quorum.png (and .svg, .pdf)") {
		t.Errorf("sweep does not list the outputs: %q", r.stdout)
	}
	read := func() map[string][]byte {
		out := map[string][]byte{}
		for _, ext := range []string{".png", ".svg", ".pdf"} {
			b, err := os.ReadFile(filepath.Join(dir, "plots", "quorum"+ext))
			if err != nil {
				t.Fatal(err)
			}
			out[ext] = b
		}
		return out
	}
	before := read()
	if !bytes.HasPrefix(before[".pdf"], []byte("%PDF-")) {
		t.Fatal("quorum.pdf is not a PDF")
	}

	builtin, _ := specs.Get("quorum")
	write := func(name, from, to string) string {
		t.Helper()
		src := strings.Replace(string(builtin), from, to, 1)
		if src == string(builtin) {
			t.Fatalf("%q is not in the built-in quorum spec", from)
		}
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}

	// Another experiment: exit 2, the field named, nothing redrawn.
	for _, tt := range []struct{ from, to, want string }{
		{"measure_from: 5s", "measure_from: 6s", "scenario.measure_from: 6s, but the results were run with 5s"},
		{"{param: nodes, from: 1, to: 9}", "{param: nodes, from: 1, to: 7}", "axes[0]:"},
		{"duration: 10s", "duration: 20s", "duration: 20s, but the results were run with 10s"},
	} {
		r := raftsim(t, nil, "plot", dir, "--spec", write("other.yaml", tt.from, tt.to))
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("restyle with %s: exit %d, %q; want 2 and one line naming %q", tt.to, r.code, r.stderr, tt.want)
		}
	}
	if r := raftsim(t, nil, "plot", dir, "--spec", filepath.Join(t.TempDir(), "none.yaml")); r.code != 2 {
		t.Errorf("restyle with a missing file: exit %d, %q", r.code, r.stderr)
	}
	after := read()
	for ext, b := range before {
		if !bytes.Equal(b, after[ext]) {
			t.Errorf("a refused restyle changed quorum%s", ext)
		}
	}

	// The same experiment in another style: redrawn. The trial count may differ; the plots are drawn
	// from the trials the results hold.
	style := write("style.yaml", `title: "Availability after f of n nodes crash"`, `title: "Restyled"`)
	if err := os.WriteFile(style, bytes.Replace(mustRead(t, style), []byte("trials: 5"), []byte("trials: 50"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := raftsim(t, nil, "plot", dir, "--spec", style); r.code != 0 {
		t.Fatalf("restyle: exit %d, %s", r.code, r.stderr)
	}
	restyled := read()
	for ext, b := range before {
		if bytes.Equal(b, restyled[ext]) {
			t.Errorf("restyle left quorum%s as it was", ext)
		}
	}
	if !bytes.Contains(restyled[".svg"], []byte(">Restyled<")) {
		t.Error("the restyled SVG lacks the new title")
	}
	// Without --spec, plot draws the manifest's plots again.
	if r := raftsim(t, nil, "plot", dir); r.code != 0 {
		t.Fatalf("plot: exit %d, %s", r.code, r.stderr)
	}
	for ext, b := range read() {
		if !bytes.Equal(b, before[ext]) {
			t.Errorf("plot without --spec did not draw quorum%s as the sweep did", ext)
		}
	}
}

// TestPlotTooSmall: a figure too small for its panels is bad input (exit 2) that a restyle can cure;
// the results stay.
func TestPlotTooSmall(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "q")
	if r := raftsim(t, nil, "sweep", "quorum", "--trials", "1", "--out", dir, "--quiet"); r.code != 0 {
		t.Fatalf("sweep quorum: %d %s", r.code, r.stderr)
	}
	builtin, _ := specs.Get("quorum")
	path := filepath.Join(t.TempDir(), "tiny.yaml")
	if err := os.WriteFile(path, []byte(strings.Replace(string(builtin), "height: 4", "height: 1", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	r := raftsim(t, nil, "plot", dir, "--spec", path)
	if r.code != 2 || !strings.Contains(r.stderr, "too small") || !strings.Contains(r.stderr, "the results are kept") {
		t.Errorf("a figure too small: exit %d, %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "trials.csv")); err != nil {
		t.Error(err)
	}
}

// TestPlotSizeBounds: a figure too large to draw in bounded memory is refused with one line naming the
// field and the bound, before anything runs.
func TestPlotSizeBounds(t *testing.T) {
	builtin, _ := specs.Get("quorum")
	for _, tt := range []struct{ from, to, want string }{
		{"width: 3.5", "width: 100", "plots[0].width: 100: want inches, from 1 to 20"},
		{"width: 3.5\n    height: 4", "width: 12\n    height: 10\n    dpi: 600", "plots[0].dpi: 12 x 10 in at 600 dpi is a PNG of 43.2 megapixels, more than 40"},
		{"width: 3.5", "width: 3.5\n    dpi: 2400", "plots[0].dpi: 2400: want 72 to 600 dots per inch"},
	} {
		src := strings.Replace(string(builtin), tt.from, tt.to, 1)
		path := filepath.Join(t.TempDir(), "big.yaml")
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "out")
		r := raftsim(t, nil, "sweep", path, "--out", out, "--quiet")
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%s: exit %d, %q; want 2 and %q", tt.to, r.code, r.stderr, tt.want)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%s: the sweep wrote %s", tt.to, out)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
