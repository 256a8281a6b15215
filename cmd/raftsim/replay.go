package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/measure"
	"github.com/raftsim/raftsim/experiments/results"
)

// replayTrial runs one trial of a sweep again, with its own seed (experiments.TrialSeed), as the sweep
// ran it: the measures it prints are the trial's row of trials.csv, and --trace writes its events. No
// results directory is read or written.
func replayTrial(ctx context.Context, arg string, f *sweepFlags, stdout, stderr io.Writer) error {
	switch {
	case f.point == "" || f.trial < 0:
		return usageErrorf("sweep: replaying one trial needs both --point and --trial")
	}
	for _, name := range []string{"out", "resume", "force", "workers"} {
		if f.changed(name) {
			return usageErrorf("sweep: --point and --trial run one trial and write no results directory: drop --%s", name)
		}
	}
	s, _, err := loadPlanned(arg, f)
	if err != nil {
		return err
	}
	plan, err := f.plan(s)
	if err != nil {
		return err
	}
	p, err := findPoint(plan, f.point)
	if err != nil {
		return err
	}
	if f.trial >= plan.Trials {
		return usageErrorf("--trial %d: the sweep has trials 0 to %d per point", f.trial, plan.Trials-1)
	}
	cfg := p.Config
	cfg.Seed = experiments.TrialSeed(plan.Seed, p, f.trial)
	sum, v, stdout, err := simulate(ctx, cfg, f.trace, []input{{arg, "spec file"}}, f.quiet, stdout, stderr)
	if err != nil {
		return err
	}
	if f.json {
		if err := writeJSON(stdout, &sum); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stdout, "raftsim sweep %s: point %d (%s), trial %d, seed %s\n", s.Name, p.Index, p.Key(), f.trial, results.FormatSeed(cfg.Seed))
		row := measure.Row(&sum)
		for i, name := range measure.Names {
			if len(sum.Regions) == 0 && strings.HasPrefix(name, "region") {
				continue // without regions every regionK_ measure is NaN: 25 lines that say nothing
			}
			fmt.Fprintf(stdout, "  %-24s %s\n", name, strconv.FormatFloat(row[i], 'g', -1, 64))
		}
		printSummaryAs(stdout, &sum, cfg, "summary", results.FormatSeed(cfg.Seed), "set check: true in the spec")
	}
	if v != nil {
		return &violationError{v, replayCommand(arg, f, p.Key(), f.trial)}
	}
	return nil
}

// findPoint reads --point: an index into the plan, or coordinates "axis=value,axis=value" (every axis,
// in any order, values as the result files write them).
func findPoint(plan *experiments.Plan, s string) (*experiments.Point, error) {
	if k, err := strconv.Atoi(s); err == nil {
		if k < 0 || k >= len(plan.Points) {
			return nil, usageErrorf("--point %d: the sweep has points 0 to %d", k, len(plan.Points)-1)
		}
		return &plan.Points[k], nil
	}
	want := map[string]string{}
	for _, kv := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, usageErrorf("--point %s: want an index or axis=value,... (axes: %s)", s, strings.Join(plan.Axes, ", "))
		}
		if _, dup := want[k]; dup {
			return nil, usageErrorf("--point %s: axis %s is given twice", s, k)
		}
		want[k] = v
	}
	for k := range want {
		known := false
		for _, a := range plan.Axes {
			known = known || a == k
		}
		if !known {
			return nil, usageErrorf("--point %s: %q is not an axis of the sweep (axes: %s)", s, k, strings.Join(plan.Axes, ", "))
		}
	}
	if len(want) != len(plan.Axes) {
		return nil, usageErrorf("--point %s: give a value for every axis (%s)", s, strings.Join(plan.Axes, ", "))
	}
	for i := range plan.Points {
		p := &plan.Points[i]
		match := true
		for _, c := range p.Coords {
			match = match && want[c.Axis] == c.Value
		}
		if match {
			return p, nil
		}
	}
	return nil, usageErrorf("--point %s: no point of the sweep has these coordinates", s)
}

// replayCommand is the command that runs one trial of the sweep of arg again, with its trace.
func replayCommand(arg string, f *sweepFlags, key string, trial int) []string {
	cmd := []string{"raftsim", "sweep", arg}
	if f.seedSet {
		cmd = append(cmd, "--seed", strconv.FormatUint(f.seed, 10))
	}
	if f.trSet {
		cmd = append(cmd, "--trials", strconv.Itoa(f.trials))
	}
	if key == "" {
		key = "0"
	}
	trace := f.trace
	if trace == "" || trace == "-" {
		trace = "trial.jsonl"
	}
	return append(cmd, "--point", key, "--trial", strconv.Itoa(trial), "--trace", trace)
}
