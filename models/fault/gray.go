package fault

import (
	"fmt"
	"strings"

	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/sim"
)

// Gray failures: a node that stays up but is stuck or slow (see cluster's gray.go for what each does).
// Their node IDs go through parseAtList, as every kind's do.

// ParsePause reads "ID@T:D[,ID@T:D…]": node ID's process stops at T for D (a GC or VM pause), then
// resumes with what queued meanwhile. D may be 0 (no effect).
func ParsePause(s string, n int) ([]Event, error) {
	return parseSpanList(s, n, Pause, false)
}

// ParseDiskStall reads "ID@T:D[,ID@T:D…]": node ID's disk completes no write from T for D; D may be
// "forever", for the rest of the run.
func ParseDiskStall(s string, n int) ([]Event, error) {
	return parseSpanList(s, n, DiskStall, true)
}

// ParseDiskSlow reads "ID@T=LATENCY[,ID@T=LATENCY…]": node ID's disk writes take LATENCY (a latency
// spec, e.g. lognormal:50ms:1) from T on. A latency spec holds no comma.
func ParseDiskSlow(s string, n int) ([]Event, error) {
	list, err := splitList(s)
	if err != nil {
		return nil, err
	}
	var out []Event
	for _, item := range list {
		idAt, spec, ok := strings.Cut(item, "=")
		if !ok {
			return nil, fmt.Errorf("%q: want ID@TIME=LATENCY, e.g. 2@10s=lognormal:50ms:1", item)
		}
		es, err := parseAtList(idAt, n, DiskSlow)
		if err != nil {
			return nil, err
		}
		l, err := latency.Parse(strings.TrimSpace(spec))
		if err != nil {
			return nil, fmt.Errorf("%q: %w", item, err)
		}
		if !l.FiniteMean() {
			return nil, fmt.Errorf("%q: %v has an infinite mean (a Pareto alpha of 1 or less)", item, l)
		}
		for i := range es {
			es[i].Latency = l
		}
		out = append(out, es...)
	}
	return out, nil
}

// parseSpanList reads "ID@T:D[,…]"; forever lets D be "forever".
func parseSpanList(s string, n int, kind Kind, forever bool) ([]Event, error) {
	list, err := splitList(s)
	if err != nil {
		return nil, err
	}
	var out []Event
	for _, item := range list {
		at := strings.LastIndexByte(item, '@')
		colon := strings.LastIndexByte(item, ':')
		if at < 0 || colon < at {
			form := "ID@TIME:DURATION, e.g. 2@10s:500ms"
			if forever {
				form += " (or 2@10s:forever)"
			}
			return nil, fmt.Errorf("%q: want %s", item, form)
		}
		es, err := parseAtList(item[:colon], n, kind)
		if err != nil {
			return nil, err
		}
		d := strings.TrimSpace(item[colon+1:])
		var e Event
		if d == "forever" && forever {
			e.Forever = true
		} else if e.For, err = parseTime(d); err != nil {
			if forever {
				err = fmt.Errorf("%w, or forever", err)
			}
			return nil, fmt.Errorf("%q: duration: %w", item, err)
		}
		for i := range es {
			es[i].For, es[i].Forever = e.For, e.Forever
		}
		out = append(out, es...)
	}
	return out, nil
}

// grayForm is the command-line form of a gray failure, without its kind: "3@10s:500ms",
// "3@10s:forever", "3@10s=const:50ms".
func (e Event) grayForm() string {
	at := fmt.Sprintf("%v@%s", e.Target(), sim.FormatDuration(e.At))
	switch {
	case e.Kind == DiskSlow:
		return at + "=" + e.Latency.String()
	case e.Forever:
		return at + ":forever"
	}
	return at + ":" + sim.FormatDuration(e.For)
}
