package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/raftsim/raftsim/internal/atomicfile"
	"github.com/raftsim/raftsim/internal/readfile"
	"github.com/raftsim/raftsim/trace"
	"github.com/raftsim/raftsim/trace/msc"
)

// `raftsim trace show` and `raftsim trace msc` read a trace (docs/trace.md) through package trace.
// Their flags are checked before their argument, so that a bad flag is named whatever else is wrong.

func newTraceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "trace",
		Short: "read a trace: show it for people, or draw its message-sequence chart",
		Long: "Read a trace written by raftsim run --trace, raftsim sweep --point --trial --trace or raftsim\n" +
			"replay --trace (docs/trace.md): print it one event a line, or draw it as a message-sequence chart.",
		Example: "  raftsim run --nodes 5 --duration 3s --trace run.jsonl && raftsim trace show run.jsonl --kind state,fault\n" +
			"  raftsim trace msc run.jsonl --svg election.svg",
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("trace: no subcommand given; the subcommands are show and msc (raftsim help trace)")
			}
			return unknownCommand(cmd, args[0])
		},
	}
	cmd.AddCommand(newTraceShowCmd(), newTraceMSCCmd())
	return cmd
}

// filterFlags are the flags that select events, shared by show and msc.
type filterFlags struct {
	nodes, kinds, types string
	from, to            time.Duration
	// noTo is where the window ends when --to is left out, in the words of the help and the error
	// that refuses --to 0: show reads to the end of the trace, msc stops after the first election.
	noTo string
}

// register adds the filter flags to fs; kinds adds --kind; noTo says where the window ends without --to.
func (f *filterFlags) register(fs *pflag.FlagSet, kinds bool, noTo string) {
	f.noTo = noTo
	fs.Var(&textValue{&f.nodes, "ID,..."}, "node", "only events that touch these nodes (or client endpoints), e.g. 1,3")
	if kinds {
		fs.Var(&textValue{&f.kinds, "KIND,..."}, "kind", "only events of these kinds: state, timeout, send, deliver, drop, persist, commit, fault, request, reply, op, scenario, violation")
	}
	fs.Var(&textValue{&f.types, "TYPE,..."}, "type", "only messages of these types (other events pass): app, app_resp, heartbeat, heartbeat_resp, vote, vote_resp, prevote, prevote_resp, read_index, read_index_resp, timeout_now, request, reply")
	fs.DurationVar(&f.from, "from", 0, "only events at or after this simulated `TIME`, e.g. 1s")
	fs.DurationVar(&f.to, "to", 0, "only events at or before this simulated `TIME` (left out: "+noTo+")")
}

// filter checks the flags and builds the Filter they describe.
func (f *filterFlags) filter(changed func(string) bool) (*trace.Filter, error) {
	out := &trace.Filter{From: f.from, To: f.to}
	var err error
	if changed("node") {
		if out.Nodes, err = trace.ParseNodes(f.nodes); err != nil {
			return nil, flagValueError("node", f.nodes, err)
		}
	}
	if changed("kind") {
		if out.Kinds, err = trace.ParseKinds(f.kinds); err != nil {
			return nil, flagValueError("kind", f.kinds, err)
		}
	}
	if changed("type") {
		if out.Types, err = trace.ParseTypes(f.types); err != nil {
			return nil, flagValueError("type", f.types, err)
		}
	}
	switch {
	case f.from < 0:
		return nil, usageErrorf("--from %v: must not be negative", f.from)
	case f.to < 0:
		return nil, usageErrorf("--to %v: must not be negative", f.to)
	case changed("to") && f.to == 0:
		return nil, usageErrorf("--to 0s: the window would end before its first event (left out, --to means %s)", f.noTo)
	case f.to > 0 && f.to < f.from:
		return nil, usageErrorf("--to %v: before --from %v", f.to, f.from)
	}
	return out, nil
}

// flagValueError names the flag and its value (cut short) and drops the library's "trace: " prefix,
// which the flag's name replaces.
func flagValueError(name, value string, err error) error {
	if len(value) > 40 {
		value = value[:40] + "…"
	}
	return usageErrorf("--%s %q: %s", name, value, strings.TrimPrefix(err.Error(), "trace: "))
}

// openTrace opens the trace a command reads: a regular file, or standard input for "-". A path that
// cannot be read is bad input.
func openTrace(cmdName string, args []string) (io.ReadCloser, string, error) {
	if len(args) != 1 {
		return nil, "", usageErrorf("trace %s: want one trace FILE (or - for standard input), got %d arguments (raftsim help trace %s)", cmdName, len(args), cmdName)
	}
	path := args[0]
	if path == "-" {
		return io.NopCloser(os.Stdin), "standard input", nil
	}
	f, _, err := readfile.OpenRegular(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, "", usageErrorf("trace %s %s: %v", cmdName, path, err)
	}
	return f, path, nil
}

// traceError makes a malformed trace bad input (exit status 2), naming the file and the line.
func traceError(cmdName, name string, err error) error {
	var te *trace.Error
	if errors.As(err, &te) {
		return usageErrorf("trace %s %s: %v", cmdName, name, err)
	}
	return fmt.Errorf("trace %s %s: %w", cmdName, name, err)
}

func newTraceShowCmd() *cobra.Command {
	var f filterFlags
	cmd := &cobra.Command{
		Use:   "show FILE",
		Short: "print a trace for people: one event a line, times in ms, filtered by node, kind, type and time",
		Long: "Print a trace one event a line: the simulated time in ms, then the event in words\n" +
			"(\"n3 candidate term 4\", \"n1 → n3 app term 2 index=12 log_term=2 entries=3 commit=11\"). FILE - reads\n" +
			"standard input. The filters combine: an event is printed when it passes every one given.",
		Example: "  raftsim trace show run.jsonl --kind state,fault\n" +
			"  raftsim trace show run.jsonl --node 1,3 --from 1s --to 1500ms\n" +
			"  raftsim trace show run.jsonl --type vote,vote_resp,prevote,prevote_resp\n" +
			"  raftsim run --duration 2s --trace - 2>/dev/null | raftsim trace show - --kind state",
		Args: cobra.ArbitraryArgs,
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	f.register(fs, true, "the end of the trace")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		flt, err := f.filter(cmd.Flags().Changed)
		if err != nil {
			return err
		}
		in, name, err := openTrace("show", args)
		if err != nil {
			return err
		}
		defer in.Close()
		return showTrace(cmd.Context(), in, name, flt, cmd.OutOrStdout())
	}
	return cmd
}

// showTrace prints the events of the trace in r that flt keeps, as it reads them: its memory is one
// line's, whatever the trace's length.
func showTrace(ctx context.Context, r io.Reader, name string, flt *trace.Filter, stdout io.Writer) error {
	w := bufio.NewWriterSize(stdout, 64<<10)
	defer w.Flush()
	tr := trace.NewReader(ctxReader{ctx, r})
	checked := false
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return context.Cause(ctx)
		}
		e, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			w.Flush()
			return traceError("show", name, err)
		}
		if !checked {
			// After the header, if any: the nodes a filter names are checked against the trace's.
			checked = true
			if err := flt.Check(tr.Info()); err != nil {
				return usageErrorf("--node: %s", strings.TrimPrefix(err.Error(), "trace: "))
			}
		}
		if e.Kind == trace.KindHeader || !flt.Match(&e) {
			continue
		}
		w.WriteString(trace.Line(&e, tr.Info()))
		if err := w.WriteByte('\n'); err != nil {
			return fmt.Errorf("writing standard output: %w", err)
		}
	}
	return w.Flush()
}

// mscFlags are the flags of `raftsim trace msc`.
type mscFlags struct {
	filterFlags
	svg     string
	clients bool
	max     int
}

func newTraceMSCCmd() *cobra.Command {
	var f mscFlags
	cmd := &cobra.Command{
		Use:   "msc FILE",
		Short: "draw a trace as a message-sequence chart (SVG): nodes as columns, messages as arrows, elections and faults marked",
		Long: "Draw a window of a trace as a message-sequence chart in SVG: the nodes as lifelines, time flowing\n" +
			"down (one row per instant, labelled in ms), each message an arrow from its send to its delivery\n" +
			"(a lost one ends in a cross), candidates and leaders marked with their terms, faults across the chart.\n" +
			"Without --to the window ends with the first election after --from (once the new leader has heard\n" +
			"back from a follower). At most --max-messages arrows are drawn; the chart says when it cut.\n" +
			"FILE - reads standard input; the chart goes to --svg, or to standard output.",
		Example: "  raftsim run --nodes 5 --duration 2s --trace run.jsonl && raftsim trace msc run.jsonl --svg election.svg\n" +
			"  raftsim trace msc run.jsonl --from 10s --to 10.4s --type vote,vote_resp,prevote,prevote_resp --svg votes.svg\n" +
			"  raftsim trace msc run.jsonl --node 1,2,3 --clients --svg clients.svg",
		Args: cobra.ArbitraryArgs,
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&f.svg, "svg", "", "write the chart to `FILE` (default: standard output)")
	f.register(fs, false, "the end of the first election after --from")
	fs.BoolVar(&f.clients, "clients", false, "draw the clients too, with their requests and replies")
	fs.IntVar(&f.max, "max-messages", msc.DefaultMaxMessages, "draw at most `N` messages, the first sent in the window")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return runTraceMSC(cmd, &f, args)
	}
	return cmd
}

func runTraceMSC(cmd *cobra.Command, f *mscFlags, args []string) error {
	flt, err := f.filter(cmd.Flags().Changed)
	if err != nil {
		return err
	}
	switch {
	case f.max < 1 || f.max > 100000:
		return usageErrorf("--max-messages %d: want 1 to 100000", f.max)
	case cmd.Flags().Changed("svg") && f.svg == "":
		return usageErrorf("--svg: an empty path (give a file, or - for standard output)")
	}
	if len(flt.Nodes) > msc.MaxColumns {
		return usageErrorf("--node: %d nodes; a chart draws at most %d", len(flt.Nodes), msc.MaxColumns)
	}
	out := f.svg
	if out == "" {
		out = atomicfile.Stdout
	}
	if err := checkOutputPath(out); err != nil {
		return usageErrorf("--svg %s: %v", out, err)
	}
	in, name, err := openTrace("msc", args)
	if err != nil {
		return err
	}
	defer in.Close()
	if out != atomicfile.Stdout {
		// Standard input too: `raftsim trace msc - --svg t.jsonl < t.jsonl` replaced the trace with
		// its chart.
		src := args[0]
		if name == "standard input" {
			src = atomicfile.Stdout
		}
		if err := refuseInput("--svg", out, []input{{src, "trace it would draw"}}); err != nil {
			return err
		}
	}
	ctx := cmd.Context()
	opts := msc.Options{From: flt.From, To: flt.To, Nodes: flt.Nodes, Clients: f.clients, Types: flt.Types,
		MaxMessages: f.max, Title: "raftsim trace msc " + name}
	tr := trace.NewReader(ctxReader{ctx, in})
	events, err := msc.Collect(tr, opts)
	if err != nil {
		return traceError("msc", name, err)
	}
	info := tr.Info()
	if err := flt.Check(info); err != nil {
		return usageErrorf("--node: %s", strings.TrimPrefix(err.Error(), "trace: "))
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	err = atomicfile.WriteContext(ctx, out, func(w io.Writer) error {
		if out == atomicfile.Stdout {
			w = cmd.OutOrStdout()
		}
		return msc.Write(w, events, info, opts)
	})
	var pe *atomicfile.PathError
	if errors.As(err, &pe) {
		return usageErrorf("--svg %s: %v", out, pe.Err)
	}
	return err
}

// checkOutputPath refuses, before any reading, an output path that cannot be a file: a directory, or a
// path whose directory does not exist (atomicfile.Create checks again, and the rest, when writing).
func checkOutputPath(path string) error {
	if path == atomicfile.Stdout {
		return nil
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return errors.New("is a directory")
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // without the path, which the message names already
		}
		return err
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	switch {
	case err != nil:
		return fmt.Errorf("directory %s does not exist", dir)
	case !fi.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}

// sameFile says whether two paths name one existing file.
func sameFile(a, b string) (bool, error) {
	fa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(fa, fb), nil
}

// ctxReader reads r until ctx is done, then fails with ctx's cause: a long read of a trace stops on
// Ctrl-C (exit status 130).
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if c.ctx.Err() != nil {
		return 0, context.Cause(c.ctx)
	}
	return c.r.Read(p)
}
