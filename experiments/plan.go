package experiments

import (
	"strconv"
	"strings"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/sim"
)

// Coord is a point's value on one axis, as canonical text (the form the spec's parser gives back,
// e.g. "150ms:300ms", "5", "true").
type Coord struct {
	Axis  string
	Value string
}

// Point is one combination of axis values with the configuration it stands for.
type Point struct {
	Index  int     // position in the sweep, for ordering output only
	Coords []Coord // one per axis, in axis order
	// Config is the complete run configuration of the point; Seed is set per trial.
	Config cluster.Config
}

// Key is the point's identity: its coordinates as "axis=value" joined by spaces, in axis order.
func (p *Point) Key() string {
	var b strings.Builder
	for i, c := range p.Coords {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(c.Axis)
		b.WriteByte('=')
		b.WriteString(c.Value)
	}
	return b.String()
}

// Plan is an experiment ready to run.
type Plan struct {
	Name        string
	Description string
	Seed        uint64 // root seed
	Trials      int    // per point
	Axes        []string
	// AxisKinds says, per axis, how its values read as numbers (see AxisKind); nil or short means
	// Categorical for the axes it does not cover.
	AxisKinds []AxisKind
	Points    []Point
	// Spec is the canonical text of the spec the plan came from and SpecSHA256 its hash; the manifest
	// records both.
	Spec       []byte
	SpecSHA256 string
}

// MaxTrials bounds the trials of one sweep, all points together. A sweep keeps every finished trial's
// measures until it writes the result files, about 300 bytes each, and its trials.csv is about as
// large; a million trials of even a short run take days of CPU.
const MaxTrials = 1_000_000

// TrialSeed is the seed of a point's trial: a function of the root seed, the point's key and the
// trial index only.
func TrialSeed(root uint64, p *Point, trial int) uint64 {
	return sim.Derive(root, p.Key(), "trial="+strconv.Itoa(trial))
}
