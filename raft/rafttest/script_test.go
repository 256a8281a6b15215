package rafttest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseScript(t *testing.T) {
	lines := strings.Split("# c\n\nfoo 1 a=b\n----\nx\ny\n\nbar\n----\n\nbaz\n----\nz", "\n")
	blocks, err := parseScript("f", lines)
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 3 {
		t.Fatalf("got %d blocks, want 3", len(blocks))
	}
	c := blocks[0].cmd
	if c.Name != "foo" || c.Pos != "f:3" || len(c.positional()) != 1 || c.positional()[0] != "1" {
		t.Errorf("first command parsed as %+v", c)
	}
	if v, ok := c.lookup("a"); !ok || v != "b" {
		t.Errorf("a=%q %v, want b", v, ok)
	}
	for i, want := range []string{"x\ny", "", "z"} {
		b := blocks[i]
		if got := strings.Join(lines[b.outStart:b.outEnd], "\n"); got != want {
			t.Errorf("block %d output %q, want %q", i, got, want)
		}
	}
	if _, err := parseScript("f", []string{"foo", "bar"}); err == nil {
		t.Error("a command without ---- parsed")
	}
}

func TestLineDiff(t *testing.T) {
	got := lineDiff("a\nb\nc", "a\nx\nc")
	want := "  a\n- b\n+ x\n  c\n"
	if got != want {
		t.Errorf("lineDiff = %q, want %q", got, want)
	}
}

// recordingT stands in for the test RunScript is given, to see what it reports.
type recordingT struct {
	testing.TB
	errs []string
}

func (r *recordingT) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recordingT) Fatalf(format string, args ...any) {
	r.TB.Fatalf("unexpected fatal: "+format, args...)
}

func TestRunScriptViolations(t *testing.T) {
	// Logs that break Log Matching, written straight to stable storage: the env reports it on restart.
	const broken = "add-nodes 3\n----\n\ncrash 1 2\n----\n\nset-durable 1 term=3 log=1,2\n----\n\n" +
		"set-durable 2 term=3 log=3,2\n----\n\nrestart 1 2\n----\n"
	for _, tc := range []struct {
		name, script string
		want         string // in the one error reported; "" for none
	}{
		{"unexpected violation", broken, "violation: safety: logs of 1 and 2 both hold term 2 at index 2 but differ at index 1"},
		{"expected violation", "expect-violations\n----\n\n" + broken, ""},
		{"expected but none", "expect-violations\n----\n\nadd-nodes 3\n----\n", "expects violations"},
		{"none", "add-nodes 3\n----\n\ncampaign 1\n----\n\nstabilize\n----\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.txt")
			if err := os.WriteFile(path, []byte(tc.script), 0o644); err != nil {
				t.Fatal(err)
			}
			rt := &recordingT{TB: t}
			RunScript(rt, path, NewEnv(nil), true) // update: the outputs are not what is tested
			switch {
			case tc.want == "" && len(rt.errs) > 0:
				t.Errorf("reported %q, want nothing", rt.errs)
			case tc.want != "" && (len(rt.errs) != 1 || !strings.Contains(rt.errs[0], tc.want)):
				t.Errorf("reported %q, want one error with %q", rt.errs, tc.want)
			}
		})
	}
}
