package figures

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/raftsim/raftsim/experiments/plots"
	"github.com/raftsim/raftsim/experiments/spec"
)

// PanelError is a panel of a spec's plots that the results cannot fill: its measure has no value in
// the trials it selects, no trial passes its where filter, or its data leave an axis no range (nothing
// positive on a log axis, every value infinite, a fixed range that holds none of them). It depends on
// the results as much as on the spec, so it shows only when drawing, and drawing the same results with
// another spec's plots (raftsim plot DIR --spec FILE) is the remedy: the results are not at fault.
type PanelError struct {
	Plot  string // the plot's name
	Panel string // the panel as the spec's errors name it: plots[0].rows[0][1]
	Field string // the panel's field to change (log_x, x_range, measure, where…); "" when it is not clear
	Err   error
}

func (e *PanelError) Error() string {
	where := e.Panel
	if e.Field != "" {
		where += "." + e.Field
	}
	return fmt.Sprintf("figures: plot %q, %s: %s", e.Plot, where, e.msg())
}

// msg is Err without the package and builder prefixes the field already says.
func (e *PanelError) msg() string {
	var re *plots.RangeError
	if errors.As(e.Err, &re) {
		return re.Msg
	}
	msg := e.Err.Error()
	for _, prefix := range []string{"plots: cdf: ", "plots: lines: ", "plots: heatmap: ", "figures: "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	return msg
}

func (e *PanelError) Unwrap() error { return e.Err }

// errNoTrial is a panel whose where filter keeps no trial.
var errNoTrial = errors.New("no trial passes the panel's where filter")

// panelError names the field of panel p (at path, in plot name) that err, from drawing it, is about.
func panelError(name, path string, p *spec.Panel, err error) error {
	e := &PanelError{Plot: name, Panel: path, Err: err}
	var re *plots.RangeError
	switch {
	case errors.Is(err, errNoTrial):
		e.Field = "where"
	case errors.Is(err, plots.ErrNoData):
		e.Field = "measure"
		if len(p.Measures) > 0 {
			e.Field = "measures"
		}
	case errors.As(err, &re):
		e.Field = rangeField(p, re)
	}
	return e
}

// rangeField is the field of panel p that sets the axis of re: its range if fixed, else its log
// scale if it has one, else the measure whose values fill it.
func rangeField(p *spec.Panel, re *plots.RangeError) string {
	switch {
	case re.Axis == "colour":
		return "z_range"
	case re.Axis == "x" && p.Kind == spec.CDF:
		if re.Fixed {
			return "x_range"
		} else if re.Log {
			return "log_x"
		}
		return "measure"
	case re.Axis == "y" && p.Kind == spec.Lines:
		if re.Fixed {
			return "y_range"
		} else if re.Log {
			return "log_y"
		}
		return "measure"
	}
	return ""
}

// interrupted is the error of a drawing stopped by ctx.
func interrupted(ctx context.Context) error {
	return fmt.Errorf("figures: interrupted: %w", context.Cause(ctx))
}
