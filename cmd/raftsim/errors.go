package main

import (
	"fmt"

	"github.com/raftsim/raftsim/safety"
)

// usageError is bad input: a flag, a spec file or a topology file. Exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// violationError is a safety violation found by the checker. Exit status 3.
type violationError struct{ v *safety.Violation }

func (e *violationError) Error() string { return e.v.Error() }
