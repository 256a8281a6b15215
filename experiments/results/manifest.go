package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/raftsim/raftsim/internal/atomicfile"
	"io"
	"maps"
	"runtime/debug"
	"strings"

	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/internal/readfile"
)

// The files of a results directory.
const (
	ManifestFile    = "manifest.json"
	TrialsFile      = "trials.csv"
	SummaryFile     = "summary.csv"
	SummaryLongFile = "summary_long.csv"
)

// maxManifest bounds what ReadManifest reads: far more than the canonical spec of any sweep.
const maxManifest = 16 << 20

// Dependencies whose versions a manifest records: the numerical and plotting libraries that shape the
// numbers and figures.
const (
	GonumModule = "gonum.org/v1/gonum"
	PlotModule  = "gonum.org/v1/plot"
)

// Unknown stands for a build fact the binary does not carry (a test binary has no dependency list, a
// build outside a VCS checkout has no revision).
const Unknown = "unknown"

// Manifest says what produced a results directory. Its fields are in the order they are written.
type Manifest struct {
	Experiment string   `json:"experiment"`
	Seed       uint64   `json:"seed"`   // root seed
	Trials     int      `json:"trials"` // per point
	Points     int      `json:"points"`
	Axes       []string `json:"axes"`
	// Command is the command line as the caller normalised it (execution-only flags left out).
	Command []string `json:"command"`
	Build   Build    `json:"build"`
	// SpecSHA256 is the hex SHA-256 of Spec, the canonical text of the experiment's spec.
	SpecSHA256 string `json:"spec_sha256"`
	// Inputs maps each file the spec names besides itself (a topology file, named as the spec names
	// it) to the hex SHA-256 of the content the sweep ran from; empty when there is none.
	Inputs map[string]string `json:"inputs"`
	Spec   string            `json:"spec"`
	// Warnings are the doubtful settings of the points (cluster.Config.Warnings), each prefixed by the
	// point's key; empty when there are none.
	Warnings []string `json:"warnings"`
}

// Build is what the binary says about itself (runtime/debug.ReadBuildInfo).
type Build struct {
	Module  string `json:"module"`  // main module path
	Version string `json:"version"` // main module version; "(devel)" for a build from a checkout
	// Revision and Modified are the vcs.revision and vcs.modified build settings ("true" when the
	// checkout had uncommitted changes); Unknown when the binary was built without VCS stamping.
	Revision string `json:"vcs_revision"`
	Modified string `json:"vcs_modified"`
	Go       string `json:"go"`
	// Deps are the versions of GonumModule and PlotModule (after replacement), Unknown when absent.
	Deps map[string]string `json:"deps"`
}

// Equal says whether b and o describe one build (every field, the dependencies' versions included):
// results of two builds may differ, so merging shards needs them equal.
func (b Build) Equal(o Build) bool {
	return b.Module == o.Module && b.Version == o.Version && b.Revision == o.Revision &&
		b.Modified == o.Modified && b.Go == o.Go && maps.Equal(b.Deps, o.Deps)
}

// ReadBuild returns the build information of the running binary.
func ReadBuild() Build {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	return buildFrom(bi)
}

func buildFrom(bi *debug.BuildInfo) Build {
	b := Build{
		Module: "github.com/raftsim/raftsim", Version: "(devel)",
		Revision: Unknown, Modified: Unknown, Go: Unknown,
		Deps: map[string]string{GonumModule: Unknown, PlotModule: Unknown},
	}
	if bi == nil {
		return b
	}
	if bi.Main.Path != "" {
		b.Module = bi.Main.Path
	}
	if bi.Main.Version != "" {
		b.Version = bi.Main.Version
	}
	if bi.GoVersion != "" {
		b.Go = bi.GoVersion
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.modified":
			b.Modified = s.Value
		}
	}
	for _, d := range bi.Deps {
		if _, ok := b.Deps[d.Path]; !ok {
			continue
		}
		if d.Replace != nil {
			d = d.Replace
		}
		if d.Version != "" {
			b.Deps[d.Path] = d.Version
		}
	}
	return b
}

// NewManifest describes a sweep of plan run by command, with the running binary's build information.
func NewManifest(plan *experiments.Plan, command []string) *Manifest {
	return newManifest(plan, command, ReadBuild())
}

func newManifest(plan *experiments.Plan, command []string, b Build) *Manifest {
	return &Manifest{
		Experiment: plan.Name,
		Seed:       plan.Seed,
		Trials:     plan.Trials,
		Points:     len(plan.Points),
		Axes:       append([]string{}, plan.Axes...),
		Command:    append([]string{}, command...),
		Build:      b,
		SpecSHA256: SpecSHA256(plan),
		Inputs:     Inputs(plan),
		Spec:       string(plan.Spec),
		Warnings:   Warnings(plan),
	}
}

// Warnings lists the warnings of every point of plan, in plan order, as "KEY: warning" (the warning
// alone for a plan with no axis).
func Warnings(plan *experiments.Plan) []string {
	out := []string{}
	for i := range plan.Points {
		p := &plan.Points[i]
		for _, w := range p.Config.Warnings() {
			if k := p.Key(); k != "" {
				w = k + ": " + w
			}
			out = append(out, w)
		}
	}
	return out
}

// Inputs returns the hashes of plan's input files by name, as a manifest records them: an empty map
// for none.
func Inputs(plan *experiments.Plan) map[string]string {
	m := make(map[string]string, len(plan.Inputs))
	for _, in := range plan.Inputs {
		m[in.Name] = in.SHA256
	}
	return m
}

// SpecSHA256 returns plan.SpecSHA256, or the hex SHA-256 of plan.Spec when it is not set.
func SpecSHA256(plan *experiments.Plan) string {
	if plan.SpecSHA256 != "" {
		return plan.SpecSHA256
	}
	return sha256Hex(plan.Spec)
}

// WriteManifest writes m to path, atomically: indented JSON, keys in a fixed order, a final newline.
func WriteManifest(path string, m *Manifest) error {
	return atomicfile.Write(path, func(w io.Writer) error { return encodeManifest(w, m) })
}

func encodeManifest(w io.Writer, m *Manifest) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// The spec is YAML and may hold <, > and &: keep it readable.
	enc.SetEscapeHTML(false)
	return enc.Encode(m)
}

// ReadManifest reads the manifest at path. Unknown fields, trailing data, a file over 16 MiB and a path
// that is not a regular file (refused before it is opened for good: a named pipe does not block it,
// see internal/readfile) are refused; every problem with the file is a *FileError.
func ReadManifest(path string) (*Manifest, error) {
	data, err := readfile.ReadFile(path, maxManifest)
	var tl *readfile.TooLargeError
	switch {
	case errors.Is(err, readfile.ErrNotRegular):
		return nil, &FileError{Path: path, Msg: "not a regular file"}
	case errors.As(err, &tl):
		return nil, &FileError{Path: path, Msg: fmt.Sprintf("more than %d bytes: not a manifest", maxManifest)}
	case err != nil:
		return nil, &FileError{Path: path, Msg: missing(err)}
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, &FileError{Path: path, Msg: strings.TrimPrefix(err.Error(), "json: ")}
	}
	if dec.More() {
		return nil, &FileError{Path: path, Msg: "data after the manifest"}
	}
	return &m, nil
}
