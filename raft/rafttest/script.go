package rafttest

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/internal/atomicfile"
)

// A minimal data-driven test runner in the style of cockroachdb/datadriven, without the dependency.
// A script is a sequence of blocks:
//
//	# comment lines (and blank lines) are kept verbatim
//	command arg arg key=value
//	----
//	expected output, possibly empty, ending at the first blank line or the end of the file
//
// Output must not contain blank lines, since a blank line ends a block. In update mode the runner
// rewrites each script in place with the actual output and keeps everything else as it was.

// arg is one argument of a command: a bare value (Key "") or key=value.
type arg struct {
	Key, Val string
}

// cmd is one command of a script.
type cmd struct {
	Pos  string // file:line of the command
	Line string // the command line as written
	Name string
	Args []arg
}

// positional returns the bare arguments in order.
func (c *cmd) positional() []string {
	var out []string
	for _, a := range c.Args {
		if a.Key == "" {
			out = append(out, a.Val)
		}
	}
	return out
}

// lookup returns the value of key=value.
func (c *cmd) lookup(key string) (string, bool) {
	// The last one wins, so that a key appended to a command overrides (see RandomWith).
	for i := len(c.Args) - 1; i >= 0; i-- {
		if a := c.Args[i]; a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// onlyKeys reports the first key=value argument whose key is not among allowed, so typos fail loudly.
func (c *cmd) onlyKeys(allowed ...string) error {
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

// scriptBlock is a command with where its expected output lies in the file.
type scriptBlock struct {
	cmd              cmd
	outStart, outEnd int // expected output: lines [outStart, outEnd)
}

// parseScript splits the lines of a script into blocks.
func parseScript(file string, lines []string) ([]scriptBlock, error) {
	var blocks []scriptBlock
	for i := 0; i < len(lines); {
		s := strings.TrimSpace(lines[i])
		if s == "" || strings.HasPrefix(s, "#") {
			i++
			continue
		}
		c := parseCmd(fmt.Sprintf("%s:%d", file, i+1), s)
		i++
		if i >= len(lines) || strings.TrimSpace(lines[i]) != "----" {
			return nil, fmt.Errorf("%s: expected ---- after the command", c.Pos)
		}
		i++
		b := scriptBlock{cmd: c, outStart: i}
		for i < len(lines) && strings.TrimSpace(lines[i]) != "" {
			i++
		}
		b.outEnd = i
		blocks = append(blocks, b)
	}
	return blocks, nil
}

// parseCmd splits a command line into its name and arguments; pos says where it was written.
func parseCmd(pos, line string) cmd {
	c := cmd{Pos: pos, Line: strings.TrimSpace(line)}
	for j, f := range strings.Fields(line) {
		if j == 0 {
			c.Name = f
		} else if k, v, ok := strings.Cut(f, "="); ok {
			c.Args = append(c.Args, arg{Key: k, Val: v})
		} else {
			c.Args = append(c.Args, arg{Val: f})
		}
	}
	return c
}

// RunScript runs every command of the script at path in e and compares each output with the expected
// one; with update it rewrites the script with the actual outputs instead. It fails the test at the
// first output that differs or the first command that is a mistake in the script itself, and reports
// every violation the env's checks or its observer find unless the script says expect-violations — in
// which case it fails if the env's checks find none.
func RunScript(t testing.TB, path string, e *Env, update bool) {
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
		nv, no := len(e.violations), len(e.obsErrs)
		got, err := runCommand(&b.cmd, e.handle)
		if err != nil {
			t.Fatalf("%s: %s: %v", b.cmd.Pos, b.cmd.Line, err)
		}
		if !e.expectViolations {
			for _, v := range e.violations[nv:] {
				t.Errorf("%s: violation: %s", b.cmd.Pos, v)
			}
			for _, err := range e.obsErrs[no:] {
				t.Errorf("observer: %v", err)
			}
		}
		if got != "" && slices.ContainsFunc(strings.Split(got, "\n"), func(l string) bool { return strings.TrimSpace(l) == "" }) {
			t.Fatalf("%s: %s: output contains a blank line, which would end the block:\n%s", b.cmd.Pos, b.cmd.Line, got)
		}
		if update {
			rewritten = append(rewritten, lines[copied:b.outStart]...)
			if got != "" {
				rewritten = append(rewritten, strings.Split(got, "\n")...)
			}
			copied = b.outEnd
			continue
		}
		want := strings.Join(lines[b.outStart:b.outEnd], "\n")
		if got != want {
			t.Fatalf("%s: %s\n(nodes seeded with rand.NewPCG(%d, id); rerun with -update to accept)\n--- expected\n+++ actual\n%s",
				b.cmd.Pos, b.cmd.Line, e.seed, lineDiff(want, got))
		}
	}
	if update {
		rewritten = append(rewritten, lines[copied:]...)
		text := strings.Join(rewritten, "\n")
		if err := atomicfile.Write(path, func(w io.Writer) error { _, err := io.WriteString(w, text); return err }); err != nil {
			t.Fatal(err)
		}
	}
	if e.expectViolations && len(e.violations) == 0 {
		t.Errorf("%s: the script expects violations (expect-violations) but none was found", path)
	}
}

// runCommand runs one command and turns a panic in it into an error at the command's position.
func runCommand(c *cmd, run func(*cmd) (string, error)) (out string, err error) {
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

// ScriptCommands returns the command lines of the script at path, in order, without their expected
// outputs: to replay a script with a changed command (Env.Run), where the transcript cannot be
// compared — as a mutation's script is replayed without the mutation, to show the same schedule is
// safe when the rule holds.
func ScriptCommands(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	blocks, err := parseScript(path, strings.Split(string(b), "\n"))
	if err != nil {
		return nil, err
	}
	lines := make([]string, len(blocks))
	for i := range blocks {
		lines[i] = blocks[i].cmd.Line
	}
	return lines, nil
}
