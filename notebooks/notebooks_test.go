package notebooks

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var strip = flag.Bool("strip", false, "TestStored: remove outputs and execution counts from the notebooks instead of failing")

// notebook is the part of an .ipynb (nbformat 4) the tests read.
type notebook struct {
	Cells []cell `json:"cells"`
	Meta  struct {
		Kernelspec struct {
			Name string `json:"name"`
		} `json:"kernelspec"`
	} `json:"metadata"`
}

type cell struct {
	Type           string   `json:"cell_type"` // markdown, code or raw
	Source         []string `json:"source"`
	ExecutionCount *int     `json:"execution_count"`
	Outputs        []output `json:"outputs"`
}

type output struct {
	Type   string         `json:"output_type"` // stream, display_data, execute_result or error
	Name   string         `json:"name"`        // stream: stdout or stderr
	Text   any            `json:"text"`        // stream: a string or a list of lines
	Data   map[string]any `json:"data"`        // by MIME type
	Ename  string         `json:"ename"`       // error
	Evalue string         `json:"evalue"`
}

// text is a stream's text.
func (o *output) text() string { return joined(o.Text) }

// joined is a multi-line text of a notebook, which nbformat keeps as one string or as a list of lines.
func joined(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case []any:
		var b strings.Builder
		for _, l := range t {
			s, _ := l.(string)
			b.WriteString(s)
		}
		return b.String()
	}
	return ""
}

// exitStatus is how GoNB says that a cell's program or shell command failed.
var exitStatus = regexp.MustCompile(`(?m)^exit status [1-9][0-9]*$`)

// notebooks returns the paths of the notebooks in this directory, sorted.
func notebooks(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob("*.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no notebook in notebooks/")
	}
	slices.Sort(paths)
	return paths
}

func readNotebook(t *testing.T, path string) *notebook {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb notebook
	if err := json.Unmarshal(b, &nb); err != nil {
		t.Fatalf("%s: not a notebook: %v", path, err)
	}
	return &nb
}

// stripped returns the notebook b without outputs, execution counts or execution timings, written as
// nbformat writes a notebook (keys sorted, one space of indent, a final new line), so that stripping
// a stripped notebook changes nothing.
func stripped(b []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	cells, _ := doc["cells"].([]any)
	for _, c := range cells {
		c, ok := c.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("a cell is not an object")
		}
		if md, ok := c["metadata"].(map[string]any); ok {
			delete(md, "execution") // nbclient's timestamps
		}
		if c["cell_type"] == "code" {
			c["outputs"] = []any{}
			c["execution_count"] = nil
		}
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// TestStored holds every notebook in git to the rules of README.md: no outputs, no execution counts,
// the GoNB kernel, and a first code cell that points the kernel's module at this checkout.
func TestStored(t *testing.T) {
	for _, path := range notebooks(t) {
		t.Run(path, func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			clean, err := stripped(b)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if *strip {
				if !bytes.Equal(clean, b) {
					if err := os.WriteFile(path, clean, 0o644); err != nil {
						t.Fatal(err)
					}
					t.Logf("%s: stripped", path)
				}
				return
			}
			nb := readNotebook(t, path)
			if got := nb.Meta.Kernelspec.Name; got != "gonb" {
				t.Errorf("%s: kernel %q, want gonb", path, got)
			}
			first := true
			for i, c := range nb.Cells {
				if c.Type != "code" {
					continue
				}
				if first && !strings.Contains(strings.Join(c.Source, ""), `!*"$GONB_DIR/module.sh"`) {
					t.Errorf(`%s: cell %d, the first code cell, must be !*"$GONB_DIR/module.sh" (the kernel's module on this checkout)`, path, i)
				}
				first = false
				if len(c.Outputs) > 0 || c.ExecutionCount != nil {
					t.Errorf("%s: cell %d holds outputs or an execution count: run `go test ./notebooks/ -run TestStored -strip` (or make notebooks-clean) before committing", path, i)
				}
			}
			if !t.Failed() && !bytes.Equal(clean, b) {
				t.Errorf("%s: not as nbformat writes it without outputs (keys sorted, indent 1): run `go test ./notebooks/ -run TestStored -strip`", path)
			}
		})
	}
}

// TestStripped: stripping removes what a run adds and nothing else, and a second strip changes nothing.
func TestStripped(t *testing.T) {
	run := []byte(`{"cells": [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": ["# x <y>"]},
{"cell_type": "code", "execution_count": 3, "id": "b", "metadata": {"execution": {"iopub.status.busy": "2026"}, "tags": ["t"]},
 "outputs": [{"name": "stdout", "output_type": "stream", "text": ["1\n"]}], "source": ["fmt.Println(1)"]}],
"metadata": {"kernelspec": {"name": "gonb"}}, "nbformat": 4, "nbformat_minor": 5}`)
	want := `{
 "cells": [
  {
   "cell_type": "markdown",
   "id": "a",
   "metadata": {},
   "source": [
    "# x <y>"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": null,
   "id": "b",
   "metadata": {
    "tags": [
     "t"
    ]
   },
   "outputs": [],
   "source": [
    "fmt.Println(1)"
   ]
  }
 ],
 "metadata": {
  "kernelspec": {
   "name": "gonb"
  }
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
`
	got, err := stripped(run)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("stripped:\n%s\nwant:\n%s", got, want)
	}
	again, err := stripped(got)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, got) {
		t.Fatalf("a second strip changed the notebook:\n%s", again)
	}
}

// TestExecute runs every notebook headless, as `make notebooks` does, and fails on a cell that fails.
func TestExecute(t *testing.T) {
	if os.Getenv("RAFTSIM_REQUIRE_JUPYTER") != "1" {
		t.Skip("notebooks are executed by `make notebooks` (RAFTSIM_REQUIRE_JUPYTER=1), which installs Jupyter and GoNB")
	}
	for _, tool := range []string{"jupyter", "gonb", "goimports"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("RAFTSIM_REQUIRE_JUPYTER=1 and %s is not on PATH: run `make notebooks` (scripts/notebooks install)", tool)
		}
	}
	out := os.Getenv("RAFTSIM_NOTEBOOKS_OUT")
	if out == "" {
		out = t.TempDir()
	}
	for _, path := range notebooks(t) {
		t.Run(path, func(t *testing.T) {
			// nbconvert's own limit is per cell; this one is for the whole notebook, kernel start included.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			start := time.Now()
			cmd := exec.CommandContext(ctx, "jupyter", "nbconvert", "--to", "notebook", "--execute",
				"--ExecutePreprocessor.timeout=300", "--output-dir", out, path)
			log, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: jupyter nbconvert --execute: %v\n%s", path, err, tail(log, 6000))
			}
			nb := readNotebook(t, filepath.Join(out, path))
			figures := 0
			for i, c := range nb.Cells {
				if c.Type != "code" {
					continue
				}
				if c.ExecutionCount == nil {
					t.Errorf("%s: cell %d was not executed", path, i)
				}
				for _, o := range c.Outputs {
					if o.Type == "error" {
						t.Errorf("%s: cell %d: %s: %s", path, i, o.Ename, o.Evalue)
					}
					// GoNB reports a cell program that panics or exits non-zero, and a shell command
					// (!, !*) that fails, as "exit status N" on stderr, not as an error nbconvert
					// stops on.
					if o.Type == "stream" && o.Name == "stderr" && exitStatus.MatchString(o.text()) {
						t.Errorf("%s: cell %d failed:\n%s", path, i, o.text())
					}
					// gonbui.DisplaySVG sends its SVG as HTML.
					if o.Data["image/png"] != nil || o.Data["image/svg+xml"] != nil || strings.Contains(joined(o.Data["text/html"]), "<svg") {
						figures++
					}
				}
			}
			if figures == 0 {
				t.Errorf("%s: drew no figure", path)
			}
			t.Logf("%s: %d figures, %.1f s (executed copy: %s)", path, figures, time.Since(start).Seconds(), filepath.Join(out, path))
		})
	}
}

// tail returns the last n bytes of b, for a log that would drown the test's output.
func tail(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	return append([]byte("..."), b[len(b)-n:]...)
}

// TestFailedCell: what GoNB writes for a cell whose program panics or whose shell command fails is
// taken for a failure; a program's own output is not.
func TestFailedCell(t *testing.T) {
	for _, c := range []struct {
		text string
		fail bool
	}{
		{`["panic: boom\n", "\n", "goroutine 1 [running]:\n", "exit status 2\n"]`, true},
		{`"go: bad replace\nexit status 1\n"`, true},
		{`["12 points × 20 trials\n"]`, false},
		{`["the exit status 0 of ...\n"]`, false},
	} {
		var o output
		if err := json.Unmarshal([]byte(`{"output_type": "stream", "name": "stderr", "text": `+c.text+`}`), &o); err != nil {
			t.Fatal(err)
		}
		if got := exitStatus.MatchString(o.text()); got != c.fail {
			t.Errorf("%s: failed %v, want %v", c.text, got, c.fail)
		}
	}
}
