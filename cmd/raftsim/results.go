package main

import (
	"errors"

	"github.com/raftsim/raftsim/experiments/results"
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
