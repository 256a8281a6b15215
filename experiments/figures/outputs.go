package figures

import (
	"fmt"
	"io/fs"
	"os"
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
	out := []string{ComparisonCSV, ComparisonMD, ConsistentMD}
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

// CheckOutputs returns an error naming the first file Draw or Compare would write for s in the results
// directory dir that cannot be written because something else is in its place: a directory (or a
// socket) where a plot, the plots directory or the comparison goes. It is for refusing a spec before any
// work; Draw and Compare refuse the same paths with an *atomicfile.PathError when they get to them.
func CheckOutputs(s *spec.Spec, dir string) error {
	if len(s.Plots) > 0 {
		p := filepath.Join(dir, PlotsDir)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return fmt.Errorf("figures: %s is not a directory, and the plots go there", p)
		}
	}
	var files, what []string
	for _, p := range s.Plots {
		for _, ext := range ImageFormats {
			files = append(files, filepath.Join(PlotsDir, p.Name+ext))
			what = append(what, fmt.Sprintf("the plot %q", p.Name))
		}
	}
	if s.Reference != nil {
		files = append(files, ComparisonCSV, ComparisonMD, ConsistentMD)
		what = append(what, "the comparison", "the comparison", "the comparison")
	}
	for i, name := range files {
		p := filepath.Join(dir, name)
		st, err := os.Stat(p)
		switch {
		case err != nil:
		case st.IsDir():
			return fmt.Errorf("figures: %s is a directory, and %s is written there", p, what[i])
		case st.Mode()&fs.ModeSocket != 0:
			return fmt.Errorf("figures: %s is a socket, and %s is written there", p, what[i])
		}
	}
	return nil
}
