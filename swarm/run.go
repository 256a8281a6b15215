package swarm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/experiments/spec"
	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/models/workload"
	"github.com/raftsim/raftsim/safety"
	"github.com/raftsim/raftsim/safety/linearize"
)

// Kind is what a seed's failure is.
type Kind string

// The kinds of failure.
const (
	Safety       Kind = "safety"          // a safety property broke during the run (package safety)
	Liveness     Kind = "liveness"        // after the repair, no leader, commit or read within the bound
	Linearizable Kind = "linearizability" // the client history is not linearizable
	RunError     Kind = "error"           // the world was refused or the run stopped on an error
)

// Kinds are the failure kinds in the order reports list them.
var Kinds = []Kind{Safety, Liveness, Linearizable, RunError}

// Options are how a world is run.
type Options struct {
	// LinearizeTimeout bounds the linearizability check of one history (wall-clock time); one that
	// runs out is an Unknown. 0 means DefaultLinearizeTimeout.
	LinearizeTimeout time.Duration
	// Trace, when set, receives the run's events (docs/trace.md).
	Trace io.Writer
	// Tweak, when set, changes the configuration before the run (tests use it to switch a mutation on).
	Tweak func(*cluster.Config)
}

// DefaultLinearizeTimeout is the linearizability check's default time limit per seed.
const DefaultLinearizeTimeout = 10 * time.Second

// Result is one world's outcome.
type Result struct {
	Seed uint64
	// Fail is the failure's kind, "" when the seed passed; Reason says what failed, in one line.
	Fail   Kind
	Reason string
	// Linearize is the verdict on the client history (Unknown when its check ran out of time, and
	// then the seed neither passed nor failed on that account).
	Linearize linearize.Verdict
	Ops       int           // client operations checked for linearizability
	Simulated time.Duration // simulated time the run covered
	Events    uint64        // events the loop ran
	Summary   cluster.Summary
	// History is the client history, kept only when the seed failed (for --viz).
	History []workload.Op
	// Violation is the safety violation of a Safety failure, nil otherwise.
	Violation *safety.Violation
}

// Passed reports whether the seed neither failed nor ended Unknown.
func (r *Result) Passed() bool { return r.Fail == "" && r.Linearize != linearize.Unknown }

// Config reads a world's settings through the spec parser (the same parser and checks as a spec file
// or `raftsim run`'s flags) and returns the run's configuration, with its seed.
func (w *World) Config() (cluster.Config, error) {
	s, err := w.Spec()
	if err != nil {
		return cluster.Config{}, err
	}
	plan, err := s.Plan()
	if err != nil {
		return cluster.Config{}, fmt.Errorf("swarm: seed %d: %w", w.Seed, err)
	}
	cfg := plan.Points[0].Config
	cfg.Seed = s.Seed
	return cfg, nil
}

// Spec is the world as a spec with one point: Canonical() writes it as a file that `raftsim replay`
// reads.
func (w *World) Spec() (*spec.Spec, error) {
	args := make([]spec.Arg, 0, len(w.Settings))
	for _, s := range w.Settings {
		a := spec.Arg{Flag: flagName(s.Name), Text: s.Text}
		switch {
		case s.Name == "seed" || s.Name == "duration":
			a.Path = s.Name
		case scheduleKinds[s.Name]:
			a.Flag, a.Path = s.Name, "scenario.schedule"
		default:
			name, field, _ := strings.Cut(s.Name, ".")
			sec, ok := sections[name]
			if !ok {
				return nil, fmt.Errorf("swarm: seed %d: unknown setting %q", w.Seed, s.Name)
			}
			a.Path = sec + "." + name
			if field != "" {
				a.Path += "." + field
			}
		}
		args = append(args, a)
	}
	s, err := spec.ParseArgs(args, flagName)
	if err != nil {
		return nil, fmt.Errorf("swarm: seed %d: %w", w.Seed, err)
	}
	s.Name = fmt.Sprintf("swarm-%d", w.Seed)
	return s, nil
}

// scheduleKinds are the settings that are schedule entries.
var scheduleKinds = map[string]bool{}

// sections maps each spec parameter to its section.
var sections = map[string]string{}

func init() {
	for _, k := range []string{"crash", "restart", "cut", "restore", "partition", "isolate", "heal", "transfer",
		"add", "remove", "replace", "filter", "pause", "disk-stall", "disk-slow", "repair"} {
		scheduleKinds[k] = true
	}
	for _, p := range spec.Params() {
		sections[p.Name] = p.Section
	}
}

// recorder keeps a run's client history.
type recorder struct{ ops []workload.Op }

func (h *recorder) Record(op workload.Op) { h.ops = append(h.ops, op) }

// Run runs the world and judges it: the safety properties as the run goes, then the liveness phase,
// then the linearizability of the client history. An error is returned only when ctx was cancelled; a
// world the parser refuses is a RunError failure (the generator's bug, reported like any failure).
func Run(ctx context.Context, w World, o Options) (Result, error) {
	res := Result{Seed: w.Seed}
	cfg, err := w.Config()
	if err != nil {
		res.Fail, res.Reason = RunError, err.Error()
		return res, nil
	}
	return RunConfig(ctx, cfg, o)
}

// RunConfig runs a world given as its configuration (a shrunk world read back from its spec file) and
// judges it as Run does. The repair is the configuration's first repair event; without one there is no
// liveness phase.
func RunConfig(ctx context.Context, cfg cluster.Config, o Options) (Result, error) {
	res := Result{Seed: cfg.Seed}
	h := &recorder{}
	cfg.History = h
	cfg.Trace = o.Trace
	// The safety phase is the checker's: a world file that leaves "check" out (a user's, or one
	// shrunk to defaults) is judged as a drawn world is, not run unchecked and called a pass.
	cfg.Check = true
	// The liveness phase ends once it has seen what it looks for: the bound is when it fails, not how
	// long every world runs.
	cfg.StopWhenLive = true
	if o.Tweak != nil {
		o.Tweak(&cfg)
	}
	c, err := cluster.New(cfg)
	if err != nil {
		res.Fail, res.Reason = RunError, err.Error()
		return res, nil
	}
	sum, err := c.RunContext(ctx)
	res.Summary, res.Simulated, res.Events = sum, time.Duration(sum.EndMS*float64(time.Millisecond)), sum.Events
	var v *safety.Violation
	switch {
	case ctx.Err() != nil:
		return res, ctx.Err()
	case errors.As(err, &v):
		res.Fail, res.Reason = Safety, strings.TrimPrefix(v.Error(), "safety: ") // the kind says it already
		res.Violation = v
	case err != nil:
		res.Fail, res.Reason = RunError, err.Error()
	default:
		if reason := liveness(&cfg, &sum); reason != "" {
			res.Fail, res.Reason = Liveness, reason
		}
	}
	timeout := o.LinearizeTimeout
	if timeout <= 0 {
		timeout = DefaultLinearizeTimeout
	}
	lin, err := linearize.CheckContext(ctx, h.ops, timeout)
	if err != nil {
		return res, err // interrupted during the search
	}
	res.Linearize, res.Ops = lin.Verdict, lin.Ops
	if lin.Verdict == linearize.Illegal && res.Fail == "" {
		res.Fail, res.Reason = Linearizable, fmt.Sprintf("the client history (%d operations on %d keys) is not linearizable", lin.Ops, lin.Keys)
	}
	if res.Fail != "" {
		res.History = h.ops
	}
	return res, nil
}

// repairAt returns the configuration's first repair, if any.
func repairAt(cfg *cluster.Config) (time.Duration, bool) {
	for _, e := range cfg.Faults {
		if e.Kind == fault.Repair {
			return e.At, true
		}
	}
	return 0, false
}

// liveness judges the liveness phase: after the repair, a leader, a committed client write and (when
// the workload reads) a served client read, each within the bound (the run ends at the bound, so
// anything that happened happened within it). "" when it holds or the world has no repair.
func liveness(cfg *cluster.Config, s *cluster.Summary) string {
	at, ok := repairAt(cfg)
	if !ok {
		return ""
	}
	l := s.Liveness
	bound := cfg.Duration - at
	timeouts := float64(bound) / float64(cfg.ElectionMax)
	within := fmt.Sprintf("within %s (%.3g election timeouts) of the repair at %s", bound, timeouts, at)
	switch {
	case l == nil:
		return "the repair at " + at.String() + " did not happen"
	case math.IsNaN(float64(l.LeaderMS)):
		return "no leader with a working majority " + within
	case math.IsNaN(float64(l.CommitMS)):
		return fmt.Sprintf("a leader from +%.1fms, but no client write committed %s", l.LeaderMS, within)
	case cfg.Workload.ReadRatio > 0 && math.IsNaN(float64(l.ReadMS)):
		return fmt.Sprintf("a leader from +%.1fms and a write committed at +%.1fms, but no client read served %s", l.LeaderMS, l.CommitMS, within)
	}
	return ""
}
