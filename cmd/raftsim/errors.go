package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/experiments/sweep"
	"github.com/raftsim/raftsim/internal/readfile"
	"github.com/raftsim/raftsim/safety"
)

// usageError is bad input: a flag, a spec file or a topology file. Exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// violationError is a safety violation found by the checker, with the command that replays the run
// and writes its trace. Exit status 3.
type violationError struct {
	v      *safety.Violation
	replay []string
}

func (e *violationError) Error() string {
	return e.v.Error() + "; replay: " + strings.Join(quoteArgs(e.replay), " ")
}

// maxMessage bounds the runes of an error line.
const maxMessage = 2000

// exitCode prints err as one line, prefixed "raftsim: ", and maps it to the exit status: 0 ok, 1
// failure, 2 bad input, 3 safety violation, 130 interrupted.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	// One line, whatever a library put in its message, and a bounded one: a 120 KB flag value quoted
	// twice made a 240 KB line.
	// The middle goes, not the end: a long value quoted before the flag's name ("invalid argument
	// "999…" for "--json" flag: must be true or false") would otherwise lose the name and the problem.
	msg := strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(err.Error())
	if r := []rune(msg); len(r) > maxMessage {
		msg = string(r[:maxMessage/2]) + " … (cut) … " + string(r[len(r)-maxMessage/2:])
	}
	fmt.Fprintln(stderr, "raftsim: "+msg)
	var ue *usageError
	var ve *violationError
	var sv *safety.Violation
	var ie *sweep.InterruptedError
	var le *cluster.LimitError     // settings whose run would hold more than raftsim allows
	var tl *readfile.TooLargeError // an input file over its size cap
	switch {
	case errors.As(err, &ue), errors.As(err, &le), errors.As(err, &tl), errors.Is(err, readfile.ErrNotRegular):
		return 2
	case errors.As(err, &ve), errors.As(err, &sv):
		return 3
	case errors.As(err, &ie), errors.Is(err, context.Canceled):
		return 130
	}
	return 1
}
