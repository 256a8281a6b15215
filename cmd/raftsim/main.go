// Command raftsim is a deterministic discrete-event simulator of Raft clusters.
//
// Usage:
//
//	raftsim run [flags]        simulate one cluster and print a summary
//	raftsim sweep SPEC [flags] run an experiment (a built-in or a spec file) into a results directory
//	raftsim list               list the built-in experiments
//	raftsim plot DIR           redraw an experiment's plots from its result files
//	raftsim help [command]     describe a command and its flags
//
// Exit status: 0 ok, 1 failure, 2 bad input, 3 safety violation, 130 interrupted (finish with --resume).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/experiments/sweep"
	"github.com/raftsim/raftsim/internal/readfile"
	"github.com/raftsim/raftsim/safety"
)

// command is one subcommand: its flags live in its own FlagSet inside run.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"run", "simulate one cluster and print a summary", runCmd},
	{"sweep", "run an experiment: a built-in or a spec file", sweepCmd},
	{"list", "list the built-in experiments", listCmd},
	{"plot", "redraw an experiment's plots from its result files", plotCmd},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(exitCode(dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 {
			return dispatch(ctx, []string{args[1], "--help"}, stdout, stderr)
		}
		usage(stdout)
		return nil
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	return usageErrorf("unknown command %q (want one of: %s)", args[0], commandNames())
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "raftsim: a deterministic discrete-event simulator of Raft clusters")
	fmt.Fprintln(w, "\nUsage: raftsim COMMAND [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'raftsim help COMMAND' for a command's flags.")
	fmt.Fprintln(w, "Exit status: 0 ok, 1 failure, 2 bad input, 3 safety violation, 130 interrupted.")
}

func commandNames() string {
	s := ""
	for i, c := range commands {
		if i > 0 {
			s += ", "
		}
		s += c.name
	}
	return s
}

// exitCode prints err as one line and maps it to the exit status.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "raftsim: "+err.Error())
	var ue *usageError
	var ve *violationError
	var sv *safety.Violation
	var ie *sweep.InterruptedError
	var le *cluster.LimitError     // settings whose run would hold more than raftsim allows
	var tl *readfile.TooLargeError // an input file over its size cap
	switch {
	case errors.As(err, &ue), errors.As(err, &le), errors.As(err, &tl), errors.Is(err, readfile.ErrNotRegular):
		return 2
	case errors.As(err, &ve), errors.As(err, &sv):
		return 3
	case errors.As(err, &ie), errors.Is(err, context.Canceled):
		return 130
	}
	return 1
}
