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
	// Inputs are the files besides the spec that the plan was made from (the topology files it names),
	// in Name order; none for a spec read apart from its files. The results depend on their content as
	// much as on the spec's, so a sweep's identity includes their hashes.
	Inputs []Input
}

// Input is a file a plan was made from besides its spec: a topology file the spec names. The plan keeps
// the content it read, so that every trial runs from the same bytes the hash stands for, however the
// file changes on disk while a sweep runs.
type Input struct {
	Name   string // as the spec names it (slash-separated, relative to the spec's directory unless absolute)
	Path   string // as the points' configurations name it (cluster.Config.Topology)
	SHA256 string // hex SHA-256 of Data
	Data   []byte
}

// Input returns the input whose Path is path, or nil.
func (p *Plan) Input(path string) *Input {
	for i := range p.Inputs {
		if p.Inputs[i].Path == path {
			return &p.Inputs[i]
		}
	}
	return nil
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
