package raft

import (
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
)

// A minimal data-driven test runner in the style of cockroachdb/datadriven, without the dependency.
// A script is a sequence of blocks:
//
//	# comment lines (and blank lines) are kept verbatim
//	command arg arg key=value
//	----
//	expected output, possibly empty, ending at the first blank line or the end of the file
//
// Output must not contain blank lines, since a blank line ends a block. With -update the runner
// rewrites each script in place with the actual output and keeps everything else as it was.

var update = flag.Bool("update", false, "rewrite the testdata scripts with the actual output")

// ddArg is one argument of a command: a bare value (Key "") or key=value.
type ddArg struct {
	Key, Val string
}

// ddCmd is one command of a script.
type ddCmd struct {
	Pos  string // file:line of the command
	Line string // the command line as written
	Name string
	Args []ddArg
}

// positional returns the bare arguments in order.
func (c *ddCmd) positional() []string {
	var out []string
	for _, a := range c.Args {
		if a.Key == "" {
			out = append(out, a.Val)
		}
	}
	return out
}

// lookup returns the value of key=value.
func (c *ddCmd) lookup(key string) (string, bool) {
	for _, a := range c.Args {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// onlyKeys reports the first key=value argument whose key is not among allowed, so typos fail loudly.
func (c *ddCmd) onlyKeys(allowed ...string) error {
	for _, a := range c.Args {
		if a.Key == "" {
			continue
		}
		ok := false
		for _, k := range allowed {
			ok = ok || a.Key == k
		}
		if !ok {
			return fmt.Errorf("%s: unknown argument %s=", c.Name, a.Key)
		}
	}
	return nil
}

// ddBlock is a command with where its expected output lies in the file.
type ddBlock struct {
	cmd              ddCmd
	outStart, outEnd int // expected output: lines [outStart, outEnd)
}

// parseScript splits the lines of a script into blocks.
func parseScript(file string, lines []string) ([]ddBlock, error) {
	var blocks []ddBlock
	for i := 0; i < len(lines); {
		s := strings.TrimSpace(lines[i])
		if s == "" || strings.HasPrefix(s, "#") {
			i++
			continue
		}
		c := ddCmd{Pos: fmt.Sprintf("%s:%d", file, i+1), Line: s}
		for j, f := range strings.Fields(s) {
			if j == 0 {
				c.Name = f
			} else if k, v, ok := strings.Cut(f, "="); ok {
				c.Args = append(c.Args, ddArg{Key: k, Val: v})
			} else {
				c.Args = append(c.Args, ddArg{Val: f})
			}
		}
		i++
		if i >= len(lines) || strings.TrimSpace(lines[i]) != "----" {
			return nil, fmt.Errorf("%s: expected ---- after the command", c.Pos)
		}
		i++
		b := ddBlock{cmd: c, outStart: i}
		for i < len(lines) && strings.TrimSpace(lines[i]) != "" {
			i++
		}
		b.outEnd = i
		blocks = append(blocks, b)
	}
	return blocks, nil
}

// runScript runs every command of the script at path through run and compares its output with the
// expected one. run returns an error only for a mistake in the script itself. describe adds what a
// reader needs to reproduce a failure (the seed).
func runScript(t *testing.T, path string, run func(*ddCmd) (string, error), describe func() string) {
	t.Helper()
	content, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(content), "\n")
	blocks, err := parseScript(path, lines)
	if err != nil {
		t.Fatal(err)
	}
	var rewritten []string
	copied := 0
	for _, b := range blocks {
		got, err := runCommand(&b.cmd, run)
		if err != nil {
			t.Fatalf("%s: %s: %v", b.cmd.Pos, b.cmd.Line, err)
		}
		if got != "" && slices.ContainsFunc(strings.Split(got, "\n"), func(l string) bool { return strings.TrimSpace(l) == "" }) {
			t.Fatalf("%s: %s: output contains a blank line, which would end the block:\n%s", b.cmd.Pos, b.cmd.Line, got)
		}
		if *update {
			rewritten = append(rewritten, lines[copied:b.outStart]...)
			if got != "" {
				rewritten = append(rewritten, strings.Split(got, "\n")...)
			}
			copied = b.outEnd
			continue
		}
		want := strings.Join(lines[b.outStart:b.outEnd], "\n")
		if got != want {
			t.Fatalf("%s: %s\n(%s; rerun with -update to accept)\n--- expected\n+++ actual\n%s",
				b.cmd.Pos, b.cmd.Line, describe(), lineDiff(want, got))
		}
	}
	if *update {
		rewritten = append(rewritten, lines[copied:]...)
		if err := os.WriteFile(path, []byte(strings.Join(rewritten, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// runCommand runs one command and turns a panic in it into an error at the command's position.
func runCommand(c *ddCmd, run func(*ddCmd) (string, error)) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	out, err = run(c)
	return strings.TrimRight(out, "\n"), err
}

// lineDiff is a line-based diff of want and got through their longest common subsequence.
func lineDiff(want, got string) string {
	a, b := strings.Split(want, "\n"), strings.Split(got, "\n")
	// lcs[i][j] is the length of the longest common subsequence of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var sb strings.Builder
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			sb.WriteString("  " + a[i] + "\n")
			i, j = i+1, j+1
		case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
			sb.WriteString("- " + a[i] + "\n")
			i++
		default:
			sb.WriteString("+ " + b[j] + "\n")
			j++
		}
	}
	return sb.String()
}

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
