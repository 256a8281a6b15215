package swarm

import (
	"errors"
	"fmt"
	"strings"

	"github.com/raftsim/raftsim/experiments/spec"
	"github.com/raftsim/raftsim/sim"
)

// FromSpec reads a world back from a spec with one point (a world file that `raftsim check
// --failures` or `raftsim replay --shrink` wrote, or one a user wrote): its seed, its duration, and
// each parameter whose value is not the default, as the settings World.Spec reads — a mapping parameter
// one setting per field ("flap.up"), a list one setting per item (each "node", each schedule entry under
// its kind). The world's Spec gives back an equal spec. Repair and Bound are the schedule's first
// repair and the time from it to the end; Racy is not known and left false.
func FromSpec(s *spec.Spec) (World, error) {
	if len(s.Axes) > 0 {
		return World{}, errors.New("swarm: a world has one point; this spec has axes (a sweep's)")
	}
	if s.Trials != 1 {
		return World{}, fmt.Errorf("swarm: a world is one run; this spec has trials %d (a sweep's)", s.Trials)
	}
	w := World{Seed: s.Seed}
	w.Settings = append(w.Settings, Setting{"seed", fmt.Sprint(s.Seed)})
	kinds := map[string]spec.Kind{}
	for _, p := range spec.Params() {
		kinds[p.Name] = p.Kind
	}
	for _, x := range s.Settings {
		if x.Value == defaults[x.Param] {
			continue
		}
		switch {
		case x.Param == "schedule":
			for _, e := range strings.Split(x.Value, "; ") {
				kind, text, _ := strings.Cut(e, " ")
				w.Settings = append(w.Settings, Setting{kind, text})
			}
		case kinds[x.Param] == spec.List:
			for _, e := range strings.Split(x.Value, "; ") {
				w.Settings = append(w.Settings, Setting{x.Param, e})
			}
		case kinds[x.Param] == spec.Mapping:
			for _, f := range strings.Split(x.Value, ",") {
				k, v, _ := strings.Cut(f, "=")
				w.Settings = append(w.Settings, Setting{x.Param + "." + k, v})
			}
		default:
			w.Settings = append(w.Settings, Setting{x.Param, x.Value})
		}
	}
	w.Settings = append(w.Settings, Setting{"duration", sim.FormatDuration(s.Duration)})
	w.Repair, w.Bound = w.phases()
	return w, nil
}
