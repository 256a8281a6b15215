package main

import (
	"errors"

	"github.com/raftsim/raftsim/experiments/figures"
	"github.com/raftsim/raftsim/experiments/plots"
	"github.com/raftsim/raftsim/experiments/results"
	"github.com/raftsim/raftsim/internal/atomicfile"
)

// resultsError makes a damaged result file bad input (exit status 2): the file, its line and the
// problem on one line. Other errors pass through.
func resultsError(err error) error {
	var fe *results.FileError
	if errors.As(err, &fe) {
		return &usageError{msg: err.Error()}
	}
	return err
}

// figureError makes the errors of drawing the plots and the comparison of the results in dir that are
// bad input exit with status 2, each with what to do: a plot the results cannot fill or too small for
// its panels (a restyle with plot --spec fixes it; the results are whole), a path taken by a directory,
// a damaged result file. Other errors (an interruption, a full disk) pass through.
func figureError(err error, dir string) error {
	var pe *figures.PanelError
	var pathErr *atomicfile.PathError
	switch {
	case errors.As(err, &pe):
		return usageErrorf("%v: the results are kept; change the plot in a copy of the spec and redraw with raftsim plot %s --spec FILE", err, dir)
	case errors.Is(err, plots.ErrTooSmall):
		return usageErrorf("%v: the results are kept; give the plot a larger width or height and redraw with raftsim plot %s --spec FILE", err, dir)
	case errors.As(err, &pathErr):
		return usageErrorf("%v: the results are kept; move it away and redraw with raftsim plot %s", err, dir)
	}
	return resultsError(err)
}
