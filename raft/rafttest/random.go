package rafttest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Random drives e, which must have no nodes yet, through a random scenario of at most steps commands
// drawn from r: elections, proposals, ReadIndex reads, leadership transfers, partial deliveries (in
// order on each link), drops, partitions, crashes and restarts, asynchronous persistence. (Lease reads
// are left out: the env's clock moves only by command, so a lease would outlive the timers that make
// it safe.) It stops after the first command in which the env's
// checks or its observer find a violation. It returns the commands it ran as a script that replays the
// scenario (save it in testdata/ and run it with -update), with a comment above the command where a
// violation showed. The scenario is a pure function of r's stream; err is a mistake of the driver.
func Random(e *Env, r *rand.Rand, steps int) (script string, err error) {
	return RandomWith(e, r, steps, "")
}

// RandomWith is Random with options appended to the scenario's add-nodes command, such as
// "vote-write=before_send" to explore an implementation variant; options take nothing from r, so the
// scenario draws the same commands whatever they are.
func RandomWith(e *Env, r *rand.Rand, steps int, options string) (script string, err error) {
	if len(e.nodes) > 0 {
		return "", errors.New("rafttest: random scenario on an env that has nodes already")
	}
	var sb strings.Builder
	run := func(format string, args ...any) {
		if err != nil {
			return
		}
		line := fmt.Sprintf(format, args...)
		no := len(e.obsErrs)
		var out string
		if out, err = e.Run(line); err != nil {
			err = fmt.Errorf("rafttest: random scenario: %s: %w", line, err)
			return
		}
		if strings.Contains(out, "!!!") {
			sb.WriteString("# the violation shows here:\n")
		}
		for _, oe := range e.obsErrs[no:] {
			fmt.Fprintf(&sb, "# the observer objects here: %v\n", errors.Unwrap(oe))
		}
		fmt.Fprintf(&sb, "%s\n----\n\n", line)
	}
	n := 3 + 2*r.IntN(2)
	// Half the scenarios compact their logs every few entries, so that followers fall behind the
	// compaction point and need the leader's snapshot.
	snapshotEntries := 0
	if r.IntN(2) == 0 {
		snapshotEntries = 1 + r.IntN(4)
	}
	add := fmt.Sprintf("add-nodes %d prevote=%v checkquorum=%v max-entries=%d max-inflight=%d async-persist=%v snapshot-entries=%d",
		n, r.IntN(2) == 0, r.IntN(2) == 0, 1+r.IntN(3), 1+r.IntN(4), r.IntN(2) == 0, snapshotEntries)
	if options != "" {
		add += " " + options // a later key=value overrides an earlier one
	}
	run("%s", add)
	for step := 0; step < steps && err == nil && len(e.violations) == 0 && len(e.obsErrs) == 0; step++ {
		a, b := 1+r.IntN(n), 1+r.IntN(n)
		switch k := r.IntN(100); {
		case k < 6:
			run("campaign %d", a)
		case k < 14:
			run("tick-heartbeat %d", a)
		case k < 17:
			run("tick-lease %d", a)
		case k < 20:
			run("tick-election %d", a)
		case k < 28:
			run("propose %d p%d", a, step)
		case k < 43:
			run("process-ready %d", a)
		case k < 65:
			run("deliver-msgs from=%d to=%d", a, b)
		case k < 69:
			run("drop-msgs from=%d to=%d", a, b)
		case k < 79:
			run("persist %d", a)
		case k < 81:
			if e.nodes[a-1].n != nil {
				run("crash %d", a)
			}
		case k < 85:
			if e.nodes[a-1].n == nil {
				run("restart %d", a)
			}
		case k < 87:
			var g1, g2 []string
			for i := 1; i <= n; i++ {
				if r.IntN(2) == 0 {
					g1 = append(g1, strconv.Itoa(i))
				} else {
					g2 = append(g2, strconv.Itoa(i))
				}
			}
			if len(g1) > 0 && len(g2) > 0 {
				run("partition %s|%s", strings.Join(g1, ","), strings.Join(g2, ","))
			}
		case k < 90:
			run("heal")
		case k < 94:
			run("read %d", a)
		case k < 95:
			run("transfer %d %d", a, b)
		default:
			run("stabilize")
		}
	}
	return sb.String(), err
}
