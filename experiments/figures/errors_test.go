package figures

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/experiments/spec"
)

// TestPanelErrorNamesField: a panel the results cannot fill is a *PanelError naming the panel as the
// spec's errors do and the field to change, so that the CLI can say what to restyle: ops_failed is 0
// in every trial of the fixture, which leaves a log axis nothing to draw.
func TestPanelErrorNamesField(t *testing.T) {
	one := 1.0
	tests := []struct {
		name  string
		edit  func(p *spec.Panel)
		want  string // Panel.Field
		panel string
	}{
		{"cdf on a log axis", func(p *spec.Panel) { p.Measure, p.LogX = "ops_failed", true }, "log_x", "plots[0].rows[0][0]"},
		{"lines on a log axis", func(p *spec.Panel) { p.Measure, p.LogY = "ops_failed", true }, "log_y", "plots[0].rows[0][1]"},
		{"lines with an empty fixed range", func(p *spec.Panel) { p.YRange = &spec.Span{Min: &one, Max: &one} }, "y_range", "plots[0].rows[0][1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, dir := fixture(t)
			col := 0
			if strings.HasPrefix(tt.panel, "plots[0].rows[0][1]") {
				col = 1
			}
			tt.edit(&s.Plots[0].Rows[0][col])
			_, err := Draw(context.Background(), s, dir)
			var pe *PanelError
			if !errors.As(err, &pe) || pe.Field != tt.want || pe.Panel != tt.panel || pe.Plot != "small" {
				t.Fatalf("err = %v (%+v), want a *PanelError for %s.%s", err, pe, tt.panel, tt.want)
			}
			if want := fmt.Sprintf("figures: plot \"small\", %s.%s: ", tt.panel, tt.want); !strings.HasPrefix(err.Error(), want) {
				t.Errorf("message %q, want it to start %q", err, want)
			}
			if got := files(t, dir); len(got) != 1 {
				t.Errorf("a plot that cannot be drawn wrote %d files", len(got)-1)
			}
		})
	}
}
