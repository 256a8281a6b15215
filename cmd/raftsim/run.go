package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/experiments/spec"
	"github.com/raftsim/raftsim/internal/atomicfile"
	"github.com/raftsim/raftsim/safety"
)

// The flags of `raftsim run` are the parameters of a spec file (spec.Params), spelled with '-' for '_',
// plus the flags that write one part of a spec parameter (a schedule entry, a field of leader_crash or
// crash_recovery) and the output flags. Every value goes through spec.ParseArgs, the parser and checks
// of spec files, so a flag and a spec field cannot disagree.

// Flag groups of `raftsim help run`.
const (
	groupCluster = "Cluster"
	groupNetwork = "Network"
	groupFaults  = "Faults"
	groupClients = "Clients"
	groupOutput  = "Measures and output"
)

// paramGroups puts every spec parameter in a group of the help text; TestRunFlagsCoverParams checks that
// none is missing.
var paramGroups = map[string]string{
	"duration": groupCluster, "nodes": groupCluster, "election_timeout": groupCluster,
	"heartbeat": groupCluster, "pre_vote": groupCluster, "check_quorum": groupCluster,
	"vote_write": groupCluster, "voter_timer": groupCluster, "vote_write_holds_timer": groupCluster,
	"heartbeat_reply": groupCluster, "timer_jitter": groupCluster,
	"bootstrap": groupCluster, "max_inflight": groupCluster, "max_batch": groupCluster,
	"snapshot_entries": groupCluster, "snapshot_bytes": groupCluster, "replace_mode": groupCluster,
	"fsync": groupCluster, "disk_bandwidth": groupCluster,
	"latency": groupNetwork, "loss": groupNetwork, "bandwidth": groupNetwork, "topology": groupNetwork,
	"routing": groupNetwork,
	"clients": groupClients, "client_timeout": groupClients, "op_deadline": groupClients,
	"think": groupClients, "value_size": groupClients, "keys": groupClients,
	"read_ratio": groupClients, "read_mode": groupClients, "clock_drift": groupClients,
	"faults": groupFaults, "crash_at": groupFaults, "schedule": groupFaults, "chaos": groupFaults,
	"chaos_interval": groupFaults, "chaos_quiet": groupFaults, "chaos_until": groupFaults, "leader_crash": groupFaults,
	"rolling_replace": groupFaults,
	"crash_recovery":  groupFaults,
	"node":            groupCluster,
	"check":           groupOutput, "measure_from": groupOutput,
	// links (issue 8)
	"dup": groupNetwork, "reorder": groupNetwork, "flap": groupFaults,
	"client_latency": groupClients, "client_loss": groupClients, "client_bandwidth": groupClients,
	// regions (issue 8)
	"regions": groupNetwork, "client_region": groupClients,
	"arrival_rate": groupClients, "key_zipf": groupClients, "value_sizes": groupClients,
	// finish (issue 8, second wave)
	"client_retry": groupClients, "client_backoff": groupClients,
}

// placeholders name what a flag takes in the help text, where its kind alone does not say.
var placeholders = map[string]string{
	"election_timeout": "MIN:MAX", "fsync": "LATENCY", "think": "LATENCY", "timer_jitter": "LATENCY", "latency": "LATENCY", "bandwidth": "RATE",
	"disk_bandwidth": "RATE", "topology": "KIND|FILE", "routing": "MODE", "loss": "P",
	"dup": "P", "reorder": "P", "client_latency": "LATENCY|same", "client_loss": "P|same", "client_bandwidth": "RATE|same",
}

// partFlag is a flag that writes one part of a spec parameter.
type partFlag struct {
	name, path, group, placeholder, usage string
	boolean                               bool
}

// partFlags come after the parameter flags of their group, in this order.
var partFlags = []partFlag{
	{"seed", "seed", groupCluster, "N", "root seed: the same seed replays the same run", false},
	{"crash", "scenario.schedule", groupFaults, "ID@T,...", "crash nodes; ID may be a role: leader (whoever leads at T), leader+K (and K other live nodes), follower (a live one, drawn), crashed-leader", false},
	{"restart", "scenario.schedule", groupFaults, "ID@T,...", "restart crashed nodes from their durable state; ID may be crashed-leader (the last leader crashed)", false},
	{"cut", "scenario.schedule", groupFaults, "T:A->B,...", "cut directed edges (A<->B for both directions); A and B may be leader, follower or crashed-leader", false},
	{"restore", "scenario.schedule", groupFaults, "T:A->B,...", "restore cut edges", false},
	{"partition", "scenario.schedule", groupFaults, "T:A,B|C,...", "partition the nodes into groups; nodes in no group form one more (rest); members may be roles, e.g. leader,follower|rest", false},
	{"isolate", "scenario.schedule", groupFaults, "ID@T,...", "cut every edge into and out of a node; ID may be a role, as for --crash", false},
	{"heal", "scenario.schedule", groupFaults, "T,...", "restore every cut edge", false},
	{"repair", "scenario.schedule", groupFaults, "T", "repair every fault at T (cuts, crashes, pauses, disk stalls and slow disks, filters, flaps, loss, duplication, reordering) and let none fire after it: a liveness phase, measured in the summary", false},
	{"transfer", "scenario.schedule", groupFaults, "ID@T,...", "at T, the leader hands its leadership to node ID (thesis §3.10); ID may be follower or crashed-leader", false},
	{"add", "scenario.schedule", groupFaults, "ID@T,...", "add a node as a voter: its host starts empty at T and the leader at T (or the next one) adds it", false},
	{"remove", "scenario.schedule", groupFaults, "ID@T,...", "remove a node from the configuration; its host shuts down once that is committed", false},
	{"replace", "scenario.schedule", groupFaults, "OLD:NEW@T,...", "add NEW as a learner, promote it once caught up, then remove OLD", false},
	{"filter", "scenario.schedule", groupFaults, "'ACTION TYPES LINKS @T1-T2'", "drop or delay (delay:50ms) some Raft message types on some links for a span, e.g. 'drop append 1->2,1->3 @2s-5s'; a link's end may be leader, follower or crashed-leader, named when the filter starts (docs/experiments.md)", false},
	{"rolling-replace", "scenario.rolling_replace.start", groupFaults, "T", "replace every node one by one from T: node i by node n+i, each when the one before is done (or --rolling-every apart)", false},
	{"rolling-every", "scenario.rolling_replace.every", groupFaults, "DURATION", "with --rolling-replace: the time between one replace's start and the next's", false},
	{"leader-crash", "scenario.leader_crash.after", groupFaults, "T", "from T on, crash the leader at a random time within its heartbeat interval (the Raft paper's election experiment, Figure 16)", false},
	{"stale", "scenario.leader_crash.stale", groupFaults, "N", "with --leader-crash: followers left one entry behind first, so that they cannot win", false},
	{"stop-after-election", "scenario.leader_crash.stop", groupFaults, "", "with --leader-crash: end the run once every survivor follows the new leader", true},
	{"mttf", "scenario.crash_recovery.mttf", groupFaults, "LATENCY", "crash-recovery faults: each node's time to failure, e.g. exp:30s (with --mttr)", false},
	{"mttr", "scenario.crash_recovery.mttr", groupFaults, "LATENCY", "crash-recovery faults: each node's time to repair, e.g. exp:3s (with --mttf)", false},
	{"flap-up", "scenario.flap.up", groupFaults, "LATENCY", "link flaps: how long each link between two nodes stays up, e.g. exp:10s (with --flap-down)", false},
	{"flap-down", "scenario.flap.down", groupFaults, "LATENCY", "link flaps: how long it then stays down, both directions, e.g. exp:500ms (with --flap-up)", false},
	{"flap-links", "scenario.flap.links", groupFaults, "A<->B,...", "link flaps on these links only, e.g. 1<->2,1<->3 (with --flap-up and --flap-down; default every link between two nodes)", false},
	// Per-node settings and gray failures (issue 8, "node").
	{"node", "cluster.node", groupCluster, "ID:KEY=VALUE,...", "one node's own settings (repeat for more; ID 'all' is every node): fsync, disk_bandwidth, election_timeout, heartbeat, clock_rate (1.0002 or +200ppm), cpu (time per message handled), e.g. 3:fsync=lognormal:20ms:1", false},
	{"pause", "scenario.schedule", groupFaults, "ID@T:D,...", "pause a node's process from T for D: it handles no message and fires no timer, then takes what queued", false},
	{"disk-stall", "scenario.schedule", groupFaults, "ID@T:D,...", "a node's disk completes no write from T for D (D may be forever)", false},
	{"disk-slow", "scenario.schedule", groupFaults, "ID@T=LATENCY,...", "a node's disk writes take LATENCY from T on", false},
}

// argValue is a flag's pflag.Value: it records every value given, in command-line order, as a spec.Arg.
type argValue struct {
	flag, path, typ, def string
	bare                 string // the value the flag alone stands for; "" when it needs one
	args                 *[]spec.Arg
	text                 string
}

func (v *argValue) String() string { return v.text }
func (v *argValue) Type() string {
	if v.bare != "" {
		return "bool" // pflag prints no placeholder for a boolean flag, nor for this one, whose usage lists its values
	}
	return v.typ
}
func (v *argValue) Set(s string) error {
	*v.args = append(*v.args, spec.Arg{Flag: v.flag, Path: v.path, Text: s})
	v.text = s
	return nil
}

// runFlags are the flags of `raftsim run` as typed.
type runFlags struct {
	args    []spec.Arg // the settings, in command-line order
	flagOf  map[string]string
	trace   string
	json    bool
	noBar   bool
	command []string
	mut     mutateFlag // --mutate: empty, and no flag, outside the mutants build (mutants_on.go)
}

func newRunFlags(fs *pflag.FlagSet) *runFlags {
	f := &runFlags{flagOf: map[string]string{}}
	fs.SortFlags = false
	add := func(name, path, group, typ, def, usage, bare string) {
		v := &argValue{flag: name, path: path, typ: typ, def: def, bare: bare, args: &f.args, text: def}
		fl := fs.VarPF(v, name, "", usage)
		fl.DefValue = def
		fl.NoOptDefVal = bare
		_ = fs.SetAnnotation(name, flagGroupKey, []string{group})
		if path != "scenario.schedule" {
			f.flagOf[path] = name
		}
		// A mapping parameter as a whole is named by the flag of its first field.
		if parent, _, ok := strings.Cut(strings.TrimPrefix(path, "scenario."), "."); ok && f.flagOf["scenario."+parent] == "" {
			f.flagOf["scenario."+parent] = name
		}
	}
	params := spec.Params()
	for _, g := range []string{groupCluster, groupNetwork, groupFaults, groupClients, groupOutput} {
		for _, p := range params {
			if paramGroups[p.Name] != g || p.Kind == spec.Mapping || p.Kind == spec.List {
				continue
			}
			path := p.Name
			if p.Section != "" {
				path = p.Section + "." + p.Name
			}
			typ := placeholders[p.Name]
			if typ == "" {
				typ = map[spec.Kind]string{spec.Int: "N", spec.Float: "X", spec.Duration: "DURATION", spec.Text: "TEXT",
					spec.Choice: strings.Join(p.Choices, "|")}[p.Kind]
			}
			bare := p.Bare
			if p.Kind == spec.Bool {
				bare = "true"
			}
			add(strings.ReplaceAll(p.Name, "_", "-"), path, g, typ, p.Default, p.Doc, bare)
		}
		for _, pf := range partFlags {
			if pf.group == g {
				def := ""
				if pf.name == "seed" {
					def = "1"
				}
				bare := ""
				if pf.boolean {
					bare = "true"
				}
				add(pf.name, pf.path, g, pf.placeholder, def, pf.usage, bare)
			}
		}
		if g == groupOutput {
			fs.StringVar(&f.trace, "trace", "", "write every event as JSON Lines to `FILE` (- for standard output; format: docs/trace.md)")
			fs.BoolVar(&f.json, "json", false, "print the summary as one JSON object")
			fs.BoolVar(&f.noBar, "quiet", false, "no progress bar")
			for _, n := range []string{"trace", "json", "quiet"} {
				_ = fs.SetAnnotation(n, flagGroupKey, []string{groupOutput})
			}
		}
	}
	f.mut.register(fs)
	return f
}

// replay is the command that runs the same run again and writes its trace: the settings as given, in
// their order, as --flag=value. Under --mutate it names the mutants build, as check's and replay's
// lines do: the release binary refuses --mutate.
func (f *runFlags) replay() []string {
	mutate := f.mut.replay()
	cmd := []string{binaryName(mutate), "run"}
	for _, a := range f.args {
		cmd = append(cmd, "--"+a.Flag+"="+a.Text)
	}
	cmd = append(cmd, mutate...)
	trace := f.trace
	if trace == "" || trace == "-" {
		trace = "violation.jsonl"
	}
	return append(cmd, "--trace", trace)
}

// config reads the settings through the spec parser: one point, one configuration.
func (f *runFlags) config() (cluster.Config, []string, error) {
	s, err := spec.ParseArgs(f.args, func(path string) string { return f.flagOf[path] })
	if err != nil {
		return cluster.Config{}, nil, &usageError{msg: err.Error()}
	}
	plan, err := s.Plan()
	if err != nil {
		return cluster.Config{}, nil, &usageError{msg: err.Error()}
	}
	cfg := plan.Points[0].Config
	cfg.Seed = s.Seed
	if err := f.mut.apply(&cfg); err != nil {
		return cluster.Config{}, nil, &usageError{msg: err.Error()}
	}
	return cfg, cfg.Warnings(), nil
}

func newRunCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "run",
		Short: "simulate one cluster and print a summary",
		Long: "Simulate one Raft cluster and print a summary.\n\n" +
			"Every setting is also a field of a spec file (raftsim help sweep; docs/experiments.md), read by the\n" +
			"same parser: a flag --x-y sets the field x_y. Durations are Go durations (150ms, 1m30s); latency\n" +
			"specs are const:5ms, uniform:2ms:8ms, normal:5ms:1ms, exp:5ms, lognormal:5ms:0.5, pareto:2ms:2.5.",
		Example: "  raftsim run --nodes 5 --crash 1@10s,2@10s --check\n" +
			"  raftsim run --bootstrap 1 --crash 1@5s --restart 1@8s --trace run.jsonl\n" +
			"  raftsim run --partition '5s:1,2|3,4,5' --heal 15s --pre-vote --check-quorum\n" +
			"  raftsim run --read-ratio 0.5 --read-mode lease --check-quorum --check\n" +
			"  raftsim run --transfer 3@5s --replace 1:6@10s --check\n" +
			"  raftsim run --nodes 3 --snapshot-entries 1000 --crash 3@2s --restart 3@8s --check\n" +
			"  raftsim run --node 3:fsync=lognormal:20ms:1,cpu=exp:50us --pause 1@5s:800ms --disk-stall 2@8s:forever --check",
		Args: noArgs,
	}
	f := newRunFlags(cmd.Flags())
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if cmd.Flags().Changed("trace") && f.trace == "" {
			return usageErrorf("--trace: an empty path (- is standard output)")
		}
		return runRun(cmd.Context(), f, cmd.OutOrStdout(), cmd.ErrOrStderr())
	}
	return cmd
}

func runRun(ctx context.Context, f *runFlags, stdout, stderr io.Writer) error {
	cfg, warnings, err := f.config()
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintln(stderr, "raftsim: warning: "+w)
	}
	// Build the cluster once before creating any file, so that bad input (a topology file, say) writes
	// nothing; the run itself builds it again with the trace attached.
	if _, err := cluster.New(cfg); err != nil {
		return usageErrorf("%v", err)
	}
	sum, v, stdout, err := simulate(ctx, cfg, f.trace, nil, f.noBar, stdout, stderr)
	if err != nil {
		return err
	}
	if f.json {
		if err := writeJSON(stdout, &sum); err != nil {
			return err
		}
	} else {
		printSummary(stdout, &sum, cfg)
	}
	if v != nil {
		return &violationError{v, f.replay()}
	}
	return nil
}

// simulate runs cfg once, its trace written to tracePath ("" for none, "-" for standard output; see
// withTrace) and a progress bar on stderr unless quiet. A safety violation ends the run but is not an
// error here: the trace is kept as its evidence, and the caller reports it after the summary. It
// returns where the summary goes: stdout, or stderr when the trace takes standard output.
func simulate(ctx context.Context, cfg cluster.Config, tracePath string, inputs []input, quiet bool, stdout, stderr io.Writer) (cluster.Summary, *safety.Violation, io.Writer, error) {
	bar := newRunProgress(stderr, quiet, cfg.Duration)
	cfg.Progress = bar.update
	defer bar.finish()
	var sum cluster.Summary
	var v *safety.Violation
	run := func(trace io.Writer) error {
		cfg.Trace = trace
		c, err := cluster.New(cfg)
		if err != nil {
			return err
		}
		var runErr error
		sum, runErr = c.RunContext(ctx)
		if errors.As(runErr, &v) {
			return nil // keep the trace after a violation: it is the evidence
		}
		return runErr // interrupted: the trace is dropped, not left half-written
	}
	inputs = append(inputs, input{cfg.Topology, "--topology file"})
	stdout, err := withTrace(ctx, tracePath, inputs, stdout, stderr, run)
	bar.finish() // before the summary is printed
	return sum, v, stdout, err
}

// writeJSON prints a summary as one JSON object and a new line.
func writeJSON(w io.Writer, sum *cluster.Summary) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // faults read "cut 1s:1->2", not "1-\u003e2"
	return enc.Encode(sum)
}

// input is a file a command reads, which its outputs must not replace; path "-" is standard input.
type input struct{ path, what string }

// refuseInput refuses an output path (the value of flag) that names a file the command reads — one of
// inputs, standard input when an input is "-" and it is redirected from a file, or the raftsim binary
// itself — since writing it would destroy what is being read. One check for every output flag (--trace,
// --viz, trace msc's --svg), so that each refuses the same things.
func refuseInput(flag, path string, inputs []input) error {
	out, err := os.Stat(path)
	if err != nil {
		return nil // nothing there yet to destroy
	}
	if exe, err := os.Executable(); err == nil {
		inputs = append(inputs, input{exe, "raftsim binary"})
	}
	for _, in := range inputs {
		var fi os.FileInfo
		if in.path == atomicfile.Stdout {
			fi, err = os.Stdin.Stat()
		} else {
			fi, err = os.Stat(in.path)
		}
		if err == nil && os.SameFile(out, fi) {
			return usageErrorf("%s %s: is the %s", flag, path, in.what)
		}
	}
	return nil
}

// withTrace calls run with the trace file at path ("" for none, "-" for standard output), opened before
// the run so that a path that cannot take the trace is refused at once (exit 2). A regular file is
// replaced only when run succeeds (atomicfile.Create); standard output, a device or a pipe is written
// as the run goes. When the trace takes standard output, the summary goes to standard error: withTrace
// returns where it goes. inputs are the files the run reads (its topology, its spec), which the trace
// may not replace.
func withTrace(ctx context.Context, path string, inputs []input, stdout, stderr io.Writer, run func(io.Writer) error) (io.Writer, error) {
	if path == "" {
		return stdout, run(nil)
	}
	if err := refuseInput("--trace", path, inputs); err != nil {
		return stdout, err
	}
	tf, err := atomicfile.Create(ctx, path)
	var pe *atomicfile.PathError
	if errors.As(err, &pe) {
		return stdout, usageErrorf("--trace %s: %v", path, pe.Err)
	} else if err != nil {
		return stdout, err // interrupted while waiting for a pipe's reader
	}
	if path == atomicfile.Stdout {
		stdout = stderr // the trace owns standard output
	}
	if err := run(tf); err != nil {
		tf.Abort() // interrupted: a regular file is left as it was
		return stdout, err
	}
	return stdout, tf.Commit()
}
