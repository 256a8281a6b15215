package cluster

import (
	"github.com/raftsim/raftsim/experiments/stats"
	"github.com/raftsim/raftsim/sim"
)

// The membership window is the union of the spans during which a membership event was in progress:
// from the moment an add, remove or replace fires with none in progress until the queue of them is
// empty again (members.Fire). Events that queue behind one another form one span; a gap between two
// events that each finished before the next fired is outside the window. The measures of Summary's
// Membership are over that window only, so that a rolling replacement's cost is not diluted by the
// quiet time around it.
//
// Invariant: spans are in time order and do not overlap; only the last may be open (to == sim.Never).
// They hold one entry per span, at most one per membership event of the schedule.
type memberWindow struct {
	spans   []span
	up      sim.Time         // time within closed and open spans during which a leader held a working majority
	upMark  sim.Time         // up is counted to here
	bytes   uint64           // bytes sent within closed spans
	bytesAt uint64           // bytes sent before the open span began
	latency *stats.Histogram // acknowledged writes invoked within the window; nil until one
}

type span struct{ from, to sim.Time }

func (w *memberWindow) open() bool {
	return len(w.spans) > 0 && w.spans[len(w.spans)-1].to == sim.Never
}

// start opens a span at now unless one is open. m's up state must be current as of now.
func (w *memberWindow) start(m *metrics, now sim.Time) {
	if w.open() {
		return
	}
	w.spans = append(w.spans, span{now, sim.Never})
	w.upMark = now
	w.bytesAt = m.totalBytes()
}

// stop closes the open span at now.
func (w *memberWindow) stop(m *metrics, now sim.Time) {
	if !w.open() {
		return
	}
	w.count(m, now)
	w.spans[len(w.spans)-1].to = now
	w.bytes += m.totalBytes() - w.bytesAt
}

// count adds the up time of the open span up to now; called before m.up changes and before the span
// closes.
func (w *memberWindow) count(m *metrics, now sim.Time) {
	if w.open() && m.up {
		w.up += now - max(w.upMark, m.upSince)
	}
	w.upMark = now
}

// within reports whether t falls in a span. Writes complete soon after they are invoked, so the search
// from the newest span back stops at once but for the rare write that outlived a span.
func (w *memberWindow) within(t sim.Time) bool {
	for i := len(w.spans) - 1; i >= 0; i-- {
		if t >= w.spans[i].from {
			return t < w.spans[i].to
		}
	}
	return false
}

// write records an acknowledged write's latency if it was invoked within the window.
func (w *memberWindow) write(invoke, complete sim.Time) {
	if len(w.spans) == 0 || !w.within(invoke) {
		return
	}
	if w.latency == nil {
		w.latency = stats.NewHistogram()
	}
	w.latency.Record(int64(complete - invoke))
}

// finish counts a span still open at the end of the run up to end; it is called before metrics.finish
// moves m.upSince. The span stays open: its event is unfinished.
func (w *memberWindow) finish(m *metrics, end sim.Time) {
	if !w.open() {
		return
	}
	w.count(m, end)
	w.bytes += m.totalBytes() - w.bytesAt
	w.bytesAt = m.totalBytes()
}

// summary gives the window's measures at the end of the run: done events were carried out, pending
// fired but were not (their span runs to the end); nil if no
// membership event fired.
func (w *memberWindow) summary(end sim.Time, done, pending int) *Membership {
	if len(w.spans) == 0 {
		return nil
	}
	s := &Membership{Done: uint64(done), Unfinished: uint64(pending), Availability: null,
		LatencyMS: latencyOf(w.latency), Bytes: w.bytes}
	var total sim.Time
	for _, sp := range w.spans {
		total += min(sp.to, end) - sp.from
	}
	s.TimeMS = NullFloat(ms(int64(total)))
	s.DowntimeMS = ms(int64(total - w.up))
	if total > 0 {
		s.Availability = NullFloat(round6(float64(w.up) / float64(total)))
	}
	return s
}

func (m *metrics) totalBytes() uint64 {
	var b uint64
	for _, x := range m.bytes {
		b += x
	}
	return b
}
