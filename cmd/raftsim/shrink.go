package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/raftsim/raftsim/swarm"
)

// shrinkFlags are the flags of `raftsim replay` this file owns: --shrink, --shrink-runs and --viz.
type shrinkFlags struct {
	shrink string
	runs   int
	viz    string
}

// defaultShrinkRuns bounds a shrink's runs unless --shrink-runs says otherwise.
const defaultShrinkRuns = 1000

func addShrinkFlags(fs *pflag.FlagSet, f *shrinkFlags) {
	fs.StringVar(&f.shrink, "shrink", "", "look for a smaller world that fails the same way and write it as a spec file to `FILE` (never over a file)")
	fs.IntVar(&f.runs, "shrink-runs", defaultShrinkRuns, "stop shrinking after `N` runs")
	fs.StringVar(&f.viz, "viz", "", "write Porcupine's visualization of the client history, around the failure, as an HTML page to `FILE`")
}

// checkShrinkFlags refuses what --shrink does not combine with.
func checkShrinkFlags(changed func(string) bool, f *replayFlags) error {
	if changed("shrink") && f.shrink == "" {
		return usageErrorf("--shrink: an empty path")
	}
	if changed("viz") && f.viz == "" {
		return usageErrorf("--viz: an empty path (- is standard output)")
	}
	if f.runs < 1 {
		return usageErrorf("--shrink-runs %d: want 1 or more", f.runs)
	}
	if f.shrink == "" {
		if changed("shrink-runs") {
			return usageErrorf("--shrink-runs: only with --shrink")
		}
		return nil
	}
	for _, name := range []string{"trace", "viz", "json"} {
		if changed(name) {
			return usageErrorf("--shrink writes a world file and runs no trace: drop --%s, and give it to raftsim replay %s", name, f.shrink)
		}
	}
	return nil
}

// loadSwarmWorld reads a replay's argument as a world's settings: a seed drawn as the check draws it,
// or a world file read back (swarm.FromSpec).
func loadSwarmWorld(arg string) (swarm.World, error) {
	if seed, err := strconv.ParseUint(arg, 10, 64); err == nil {
		if seed == 0 {
			return swarm.World{}, usageErrorf("replay 0: seeds start at 1")
		}
		return swarm.Draw(seed), nil
	}
	s, err := loadWorldFile(arg)
	if err != nil {
		return swarm.World{}, err
	}
	w, err := swarm.FromSpec(s)
	if err != nil {
		return swarm.World{}, usageErrorf("%s: %v", arg, err)
	}
	return w, nil
}

// runShrink is `raftsim replay SEED|FILE --shrink OUT.yaml`: shrink the world, say what was done, and
// write the smaller world as a spec file that `raftsim replay OUT.yaml` replays with the same failure.
func runShrink(ctx context.Context, arg string, f *replayFlags, stdout, stderr io.Writer) error {
	out := f.shrink
	if fi, err := os.Lstat(out); err == nil && fi.IsDir() {
		return usageErrorf("--shrink %s: is a directory; give a file name", out)
	} else if err == nil {
		return usageErrorf("--shrink %s: the file exists; raftsim never replaces it (choose another name)", out)
	} else if !errors.Is(err, os.ErrNotExist) {
		return usageErrorf("--shrink %s: %v", out, unwrapPath(err))
	}
	w, err := loadSwarmWorld(arg)
	if err != nil {
		return err
	}
	if cfg, err := w.Config(); err == nil {
		// The shrink keeps within them (swarm.Shrink): said before it starts, as raftsim run says them.
		printConfigWarnings(stderr, &cfg)
	}
	file, err := createNew(out)
	if err != nil {
		return err
	}
	defer file.remove()
	sh, err := swarm.Shrink(ctx, w, swarm.Options{Tweak: f.mut.tweak()}, nil, f.runs)
	if errors.Is(err, swarm.ErrPasses) {
		return fmt.Errorf("replay %s: the world does not fail: nothing to shrink", arg)
	} else if err != nil && ctx.Err() != nil && sh.Runs > 0 {
		// Interrupted: no file, but the runs are not lost — what was found so far, as flags.
		sh.After = sh.World.Size()
		printShrunk(stdout, arg, f, &sh, fmt.Sprintf("interrupted; %s not written", out))
		return fmt.Errorf("replay: shrinking interrupted after %d runs: %w", sh.Runs, err)
	} else if err != nil {
		return err
	}
	s, err := sh.World.Spec()
	if err != nil {
		return err
	}
	s.Name = fmt.Sprintf("swarm-%d-shrunk", sh.World.Seed)
	if err := file.commit(append(mutationNote(f.mut.replay()), s.Canonical()...)); err != nil {
		return err
	}
	end := "a fixed point: no step makes it smaller"
	if !sh.Fixed {
		end = fmt.Sprintf("stopped at the limit of %d runs (--shrink-runs)", f.runs)
	}
	printShrunk(stdout, arg, f, &sh, end)
	fmt.Fprintf(stdout, "  wrote %s; replay it: %s\n", out, strings.Join(append([]string{binaryName(f.mut.replay()), "replay", out}, f.mut.replay()...), " "))
	fmt.Fprintf(stdout, "  as flags: %s run %s\n", binaryName(f.mut.replay()), strings.Join(append([]string{sh.World.String()}, f.mut.replay()...), " "))
	return nil
}

// printShrunk writes what a shrink did: the failure, the runs (and why they ended), the sizes before
// and after, and each step; an interrupted shrink adds the world found so far as flags.
func printShrunk(stdout io.Writer, arg string, f *replayFlags, sh *swarm.Shrunk, end string) {
	fmt.Fprintf(stdout, "raftsim replay %s --shrink %s\n", strings.Join(append([]string{arg}, f.mut.replay()...), " "), f.shrink)
	fmt.Fprintf(stdout, "  failure of the smaller world: %s: %s\n", sh.Result.Fail, sh.Result.Reason)
	fmt.Fprintf(stdout, "  runs:    %d (%s)\n", sh.Runs, end)
	fmt.Fprintf(stdout, "  before:  %s\n", sh.Before)
	fmt.Fprintf(stdout, "  after:   %s\n", sh.After)
	for _, st := range sh.Steps {
		fmt.Fprintf(stdout, "    %s\n", st)
	}
	if strings.HasPrefix(end, "interrupted") {
		fmt.Fprintf(stdout, "  so far, as flags: %s run %s\n", binaryName(f.mut.replay()), strings.Join(append([]string{sh.World.String()}, f.mut.replay()...), " "))
	}
}

// newFile is a file to be written once, never over a file already there and never half: the bytes go
// to a temporary file beside it, made before the work so that a directory that cannot be written is
// refused first, then linked to the path (a link fails when the path exists).
type newFile struct {
	path string
	tmp  *os.File
}

func createNew(path string) (*newFile, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, usageErrorf("--shrink %s: %v", path, unwrapPath(err))
	}
	// CreateTemp's 0600 is for secrets; a world file is not one.
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, usageErrorf("--shrink %s: %v", path, unwrapPath(err))
	}
	return &newFile{path, tmp}, nil
}

// remove drops the temporary file; after commit it has nothing left to do.
func (f *newFile) remove() {
	f.tmp.Close()
	os.Remove(f.tmp.Name())
}

// commit writes b and puts the file at its path.
func (f *newFile) commit(b []byte) error {
	defer f.remove()
	_, err := f.tmp.Write(b)
	if cerr := f.tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("replay: writing %s: %w", f.path, err)
	}
	var le *os.LinkError
	if err := os.Link(f.tmp.Name(), f.path); errors.Is(err, os.ErrExist) {
		return usageErrorf("--shrink %s: the file exists; raftsim never replaces it (choose another name)", f.path)
	} else if errors.As(err, &le) {
		return usageErrorf("--shrink %s: %v", f.path, le.Err)
	} else if err != nil {
		return err
	}
	return nil
}
