package batch

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
)

// Sweep is one sharded sweep: what every task and the merge run. Paths are as the tasks see them
// (absolute for Slurm, where tasks share the submitting machine's file system; inside the container's
// volume for Kubernetes).
type Sweep struct {
	Binary string // the raftsim executable the tasks run
	Spec   string // a built-in experiment's name, or a spec file's path
	Seed   string // --seed, as given ("" for the spec's)
	Trials string // --trials, as given ("" for the spec's)
	Shards int    // N, the number of shards (>= 1)
	Out    string // the merged results directory
	Dir    string // the directory holding the shard directories shard-1 ... shard-N
}

// Validate reports the first field that cannot make a sweep.
func (s *Sweep) Validate() error {
	switch {
	case s.Binary == "":
		return errors.New("batch: no raftsim binary")
	case s.Spec == "":
		return errors.New("batch: no spec")
	case s.Shards < 1:
		return fmt.Errorf("batch: shards %d: want 1 or more", s.Shards)
	case s.Out == "" || s.Dir == "":
		return errors.New("batch: no results or shard directory")
	}
	// Every word goes into a script, and the command line into its comment header: a line break in
	// one (a spec file named "a\ntouch x\n.yaml") ended the comment, and the script ran the rest as
	// commands. Quoting cannot help a comment, so no word may hold a control character.
	for _, w := range []struct{ what, v string }{{"raftsim binary", s.Binary}, {"SPEC", s.Spec}, {"--seed", s.Seed},
		{"--trials", s.Trials}, {"--out", s.Out}, {"shard directory", s.Dir}} {
		if strings.IndexFunc(w.v, unicode.IsControl) >= 0 {
			return fmt.Errorf("batch: %s %q: holds a control character (a line break would end a line of the job script): rename it", w.what, w.v)
		}
	}
	return nil
}

// ShardDir is the directory of shard index (1-based; a shell expression such as
// "$SLURM_ARRAY_TASK_ID" is kept as it is).
func (s *Sweep) ShardDir(index string) string {
	return s.Dir + "/shard-" + index
}

// ShardArgs is the idempotent command of the shard whose 1-based index is the text index (a number,
// or a shell expression the job script expands), run with workers trials in parallel (a shell
// expression too). The words are not quoted: see Shell.
func (s *Sweep) ShardArgs(index, workers string) []string {
	args := []string{s.Binary, "sweep", s.Spec}
	args = append(args, s.overrides()...)
	return append(args, "--shard", index+"/"+strconv.Itoa(s.Shards), "--out", s.ShardDir(index),
		"--resume", "--workers", workers, "--quiet")
}

// MergeArgs is the merge command: every shard directory, in order.
func (s *Sweep) MergeArgs() []string {
	args := []string{s.Binary, "merge", s.Out}
	for i := 1; i <= s.Shards; i++ {
		args = append(args, s.ShardDir(strconv.Itoa(i)))
	}
	return args
}

// OneMachineArgs is the command that gives the same results on one machine.
func (s *Sweep) OneMachineArgs() []string {
	args := []string{"raftsim", "sweep", s.Spec}
	return append(append(args, s.overrides()...), "--out", s.Out)
}

func (s *Sweep) overrides() []string {
	var args []string
	if s.Seed != "" {
		args = append(args, "--seed", s.Seed)
	}
	if s.Trials != "" {
		args = append(args, "--trials", s.Trials)
	}
	return args
}

// Name is the spec's name for job names: a built-in's name, or a spec file's base name without its
// extension, lower-cased with every character other than a-z, 0-9 and '-' replaced by '-' (the
// characters both Slurm job names and Kubernetes object names take).
func Name(spec string) string {
	base := strings.TrimSuffix(filepath.Base(spec), filepath.Ext(spec))
	var b strings.Builder
	for _, r := range strings.ToLower(base) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	name := strings.Trim(b.String(), "-")
	if name == "" {
		name = "sweep"
	}
	return name
}

// Var is a word (or part of one) that the job script's shell expands: the environment variable
// name. Shell writes it as "${name}"; a NUL byte, which no path or argument can hold, marks it, so that
// a '$' in a user's path is never expanded.
func Var(name string) string { return "\x00" + name + "\x00" }

// Shell joins words into one POSIX shell command line: the literal parts of each word single-quoted
// when they hold a character the shell treats specially, the parts made with Var double-quoted as
// "${name}", so that they expand but are not split.
func Shell(words []string) string {
	out := make([]string, len(words))
	for i, w := range words {
		var b strings.Builder
		for j, part := range strings.Split(w, "\x00") {
			if j%2 == 1 {
				b.WriteString(`"${` + part + `}"`)
			} else if part != "" || w == "" {
				b.WriteString(quote(part))
			}
		}
		out[i] = b.String()
	}
	return strings.Join(out, " ")
}

// quote single-quotes a literal word unless it is made only of characters the shell takes as they are.
func quote(w string) string {
	if w != "" && strings.IndexFunc(w, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r))
	}) < 0 {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}
