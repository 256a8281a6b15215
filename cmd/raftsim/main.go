// Command raftsim is a deterministic discrete-event simulator of Raft clusters.
//
// Usage:
//
//	raftsim run [flags]          simulate one cluster and print a summary
//	raftsim sweep SPEC [flags]   run an experiment (a built-in or a spec file) into a results directory
//	raftsim list                 list the built-in experiments
//	raftsim show NAME            print a built-in experiment's spec, to start one of your own from
//	raftsim plot DIR [--spec F]  redraw an experiment's plots from its result files (restyled by F)
//	raftsim version              print the version and build of this binary
//	raftsim help [command]       describe a command and its flags
//
// Exit status: 0 ok, 1 failure, 2 bad input, 3 safety violation, 130 interrupted (finish with --resume).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(exitCode(dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}
