package figures

import (
	"testing"

	"github.com/raftsim/raftsim/experiments/spec"
)

// TestWithTrials: {trials} in every text a figure draws becomes the results' trials per point, and
// the spec's own plot is left as it was.
func TestWithTrials(t *testing.T) {
	p := spec.Plot{Title: "over {trials} trials", Rows: [][]spec.Panel{{{
		Title: "t{trials}", XLabel: "x{trials}", YLabel: "y{trials}", ZLabel: "mean of {trials}",
		Overlays:    []spec.Overlay{{Label: "o{trials}"}},
		Predictions: []spec.Prediction{{Label: "p{trials}"}},
	}}}}
	got := withTrials(p, 7)
	pn := got.Rows[0][0]
	if got.Title != "over 7 trials" || pn.Title != "t7" || pn.XLabel != "x7" || pn.YLabel != "y7" || pn.ZLabel != "mean of 7" ||
		pn.Overlays[0].Label != "o7" || pn.Predictions[0].Label != "p7" {
		t.Errorf("withTrials: %+v", got)
	}
	if p.Rows[0][0].Title != "t{trials}" || p.Rows[0][0].Overlays[0].Label != "o{trials}" || p.Rows[0][0].Predictions[0].Label != "p{trials}" {
		t.Error("withTrials changed the spec's plot")
	}
}

// TestValueLabel: legend labels of series values say what they are.
func TestValueLabel(t *testing.T) {
	for _, tt := range []struct{ axis, v, want string }{
		{"election_timeout", "150ms:300ms", "150–300 ms"},
		{"nodes", "5", "n = 5"},
		{"faults", "2", "f = 2"},
		{"pre_vote", "true", "pre_vote: true"},
		{"check_quorum", "false", "check_quorum: false"},
		{"variant", "both", "both"},
	} {
		if got := valueLabel(tt.axis, tt.v); got != tt.want {
			t.Errorf("valueLabel(%q, %q) = %q, want %q", tt.axis, tt.v, got, tt.want)
		}
	}
}
