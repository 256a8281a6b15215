package figures

import (
	"path/filepath"

	"github.com/raftsim/raftsim/experiments/spec"
)

// ImageFormats are the file extensions a plot may be saved with, those plots.Figure.Save writes and any
// an earlier version wrote: a sweep that replaces a directory's results removes each of them.
var ImageFormats = []string{".png", ".svg", ".pdf"}

// Outputs returns the files, relative to a results directory, that Draw and Compare may write there for
// s (every plot in every image format, and the comparison), whether they exist or not. s nil gives the
// files that do not depend on the spec.
func Outputs(s *spec.Spec) []string {
	out := []string{ComparisonCSV, ComparisonMD}
	if s == nil {
		return out
	}
	for _, p := range s.Plots {
		// Plot names are plain file names (the spec parser allows [a-z0-9_-]); anything else would
		// point outside the plots directory and is no file of ours.
		if p.Name == "" || filepath.Base(p.Name) != p.Name {
			continue
		}
		for _, ext := range ImageFormats {
			out = append(out, filepath.Join(PlotsDir, p.Name+ext))
		}
	}
	return out
}
