package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Command dispatch, help, suggestions and completion come from cobra (on the pflag FlagSets the
// commands already used) rather than hand-written code: the hand-written dispatch recursed forever on
// `raftsim help help`, and had no suggestions or completion.

// newRoot builds the command tree. Each command's RunE does the work; errors are returned, never
// printed, and exitCode maps them to the exit status.
func newRoot(argv []string, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "raftsim",
		Short: "a deterministic discrete-event simulator of Raft clusters",
		Long: "raftsim: a deterministic discrete-event simulator of Raft clusters.\n\n" +
			"It runs real Raft nodes over a directed-graph network in virtual time; one seed decides\n" +
			"everything, so the same command and seed give byte-identical results on any machine.",
		Version:       versionString(),
		SilenceErrors: true,
		SilenceUsage:  true,
		// Bare `raftsim` and an unknown command land here (Args is set, so cobra hands them over
		// instead of printing its own multi-line error).
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				cmd.SetOut(stderr)
				_ = cmd.Usage()
				return usageErrorf("no command given")
			}
			return unknownCommand(cmd, args[0])
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetVersionTemplate("{{.Version}}\n")
	root.AddGroup(
		&cobra.Group{ID: "sim", Title: "Simulate:"},
		&cobra.Group{ID: "results", Title: "Experiments and results:"},
		&cobra.Group{ID: "batch", Title: "Big sweeps on many machines (docs/batch.md):"},
	)
	for _, c := range []*cobra.Command{newRunCmd(), newSweepCmd(), newCheckCmd(), newReplayCmd(), newDemoCmd()} {
		c.GroupID = "sim"
		root.AddCommand(c)
	}
	for _, c := range []*cobra.Command{newListCmd(), newShowCmd(), newPlotCmd(), newTraceCmd()} {
		c.GroupID = "results"
		root.AddCommand(c)
	}
	// slurm and k8s simulate nothing themselves: they write batch jobs, whose shards merge joins.
	for _, c := range []*cobra.Command{newSlurmCmd(), newK8sCmd(), newMergeCmd()} {
		c.GroupID = "batch"
		root.AddCommand(c)
	}
	root.AddCommand(newVersionCmd())
	root.SetHelpCommand(&cobra.Command{
		Use:   "help [command]",
		Short: "describe a command and its flags",
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := root.Find(args)
			if err != nil || cmd == nil || len(rest) > 0 {
				return unknownCommand(root, strings.Join(args, " "))
			}
			cmd.SetOut(c.OutOrStdout())
			return cmd.Help()
		},
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			var names []string
			for _, c := range root.Commands() {
				names = append(names, c.Name())
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
	})
	// cobra's completion command, in the words of the others; an unknown shell is an error, not help.
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Short = "print a shell completion script (bash, zsh, fish, powershell)"
			c.Args = func(cmd *cobra.Command, args []string) error {
				if len(args) > 0 {
					return usageErrorf("completion: unknown shell %q; the shells are bash, zsh, fish, powershell", args[0])
				}
				return nil
			}
			c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
		}
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		// `raftsim frobnicate --trace x` is an unknown command first, whatever its flags.
		if !cmd.HasParent() {
			for _, a := range argv {
				if !strings.HasPrefix(a, "-") {
					if c, _, ferr := cmd.Find([]string{a}); ferr != nil || c == cmd {
						return unknownCommand(cmd, a)
					}
					break
				}
			}
		}
		return flagError(cmd, err)
	})
	root.SetHelpCommandGroupID("")
	root.SetCompletionCommandGroupID("")
	root.SetUsageTemplate(usageTemplate)
	root.SuggestionsMinimumDistance = 2
	cobra.AddTemplateFunc("flagGroups", flagGroups)
	cobra.AddTemplateFunc("helpPath", helpPath)
	plainBools(root)
	return root
}

// plainBools makes every boolean flag of the tree print as "--json" in help texts rather than pflag's
// "--json[=true|false]"; they still take --json=false.
func plainBools(c *cobra.Command) {
	c.InitDefaultHelpFlag()
	if !c.HasParent() {
		c.InitDefaultVersionFlag()
	}
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if _, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && f.Value.Type() == "bool" {
			f.Value = plainBool{f.Value}
			f.NoOptDefVal = "true"
		}
	})
	for _, sub := range c.Commands() {
		plainBools(sub)
	}
}

// plainBool is a boolean flag's value without the IsBoolFlag method pflag's help text looks for.
type plainBool struct{ pflag.Value }

// dispatch runs the command line args (without the program name).
func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	out := &checkedWriter{w: stdout}
	root := newRoot(args, out, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil && out.err != nil {
		// A summary or a spec that never reached its reader is a failure (run > /dev/full exited 0).
		return fmt.Errorf("writing standard output: %w", out.err)
	}
	return err
}

// checkedWriter remembers the first error of the writes to w, so that output lost to a full disk or a
// closed pipe is not reported as success; it writes nothing more after one.
type checkedWriter struct {
	w   io.Writer
	err error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.err = err
	return n, err
}

// unknownCommand is one line, with cobra's suggestions.
func unknownCommand(root *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q", name)
	if s := root.SuggestionsFor(name); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %q?)", s[0])
	}
	var names []string
	for _, c := range root.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	return usageErrorf("%s; the commands are %s (raftsim help)", msg, strings.Join(names, ", "))
}

// flagError makes pflag's errors ours: exit status 2, and a suggestion for an unknown flag.
func flagError(cmd *cobra.Command, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "unknown flag: --"); ok {
		if s := suggestFlag(cmd.Flags(), name); s != "" {
			msg += fmt.Sprintf(" (did you mean --%s?)", s)
		}
	}
	if !cmd.HasParent() {
		return usageErrorf("%s", msg)
	}
	return usageErrorf("%s: %s", cmd.Name(), msg)
}

// suggestFlag returns the flag whose name is closest to name, if close enough to be a typo.
func suggestFlag(fs *pflag.FlagSet, name string) string {
	best, bestD := "", 3
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		d := levenshtein(name, f.Name)
		if strings.HasPrefix(f.Name, name) && len(name) >= 3 {
			d = min(d, 1)
		}
		if d < bestD {
			best, bestD = f.Name, d
		}
	})
	return best
}

// levenshtein is the edit distance between two ASCII strings.
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// noArgs is cobra.NoArgs with our error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("%s: unexpected argument %q (it takes flags only)", cmd.Name(), args[0])
	}
	return nil
}

// exactArgs is cobra.ExactArgs with our error; what names the arguments for the message.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErrorf("%s: want %s, got %d arguments (raftsim help %s)", cmd.Name(), what, len(args), cmd.Name())
		}
		return nil
	}
}

// usageTemplate is cobra's, with flags printed in their groups (see flagGroups).
const usageTemplate = `Usage:{{if and .Runnable (not .HasAvailableSubCommands)}}
  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} COMMAND [flags]{{end}}{{if gt (len .Aliases) 0}}

Aliases:
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

Examples:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}{{$cmds := .Commands}}{{if eq (len .Groups) 0}}

Commands:{{range $cmds}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{else}}{{range $group := .Groups}}

{{.Title}}{{range $cmds}}{{if (and (eq .GroupID $group.ID) (or .IsAvailableCommand (eq .Name "help")))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if not .AllChildCommandsHaveGroup}}

Other commands:{{range $cmds}}{{if (and (eq .GroupID "") (or .IsAvailableCommand (eq .Name "help")))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}{{flagGroups .}}{{end}}{{if .HasAvailableInheritedFlags}}

Global flags:
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableSubCommands}}

Run "{{helpPath .}} COMMAND" for a command's flags.{{end}}

Exit status: 0 ok, 1 failure (check and merge of check reports: a seed failed; replay: a liveness or linearizability failure), 2 bad input, 3 safety violation (run, sweep, replay), 130 interrupted.
`

// helpPath is the help command for cmd's subcommands: "raftsim help" for the root, "raftsim help
// trace" for trace. Only the root has a help command: the footer said "raftsim trace help COMMAND",
// which is an unknown command.
func helpPath(cmd *cobra.Command) string {
	if !cmd.HasParent() {
		return cmd.Name() + " help"
	}
	return cmd.Root().Name() + " help " + strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
}

// flagGroupKey is the pflag annotation that puts a flag in a group of the help text.
const flagGroupKey = "raftsim_group"

// flagGroups prints a command's flags under the titles of their groups, in the order the groups first
// appear; flags with no group come last, under "Flags:".
func flagGroups(cmd *cobra.Command) string {
	var order []string
	sets := map[string]*pflag.FlagSet{}
	cmd.LocalFlags().VisitAll(func(f *pflag.Flag) {
		g := "Flags"
		if v := f.Annotations[flagGroupKey]; len(v) > 0 {
			g = v[0]
		}
		if sets[g] == nil {
			order = append(order, g)
			sets[g] = pflag.NewFlagSet(g, pflag.ContinueOnError)
			sets[g].SortFlags = false
		}
		sets[g].AddFlag(f)
	})
	var b strings.Builder
	for _, g := range order {
		fmt.Fprintf(&b, "\n\n%s:\n%s", g, strings.TrimRight(sets[g].FlagUsages(), " \n"))
	}
	return b.String()
}
