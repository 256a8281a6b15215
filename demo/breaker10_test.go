package demo

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/cluster"
)

// TestOpenExtremeShareIsBounded: a share string of 9 nodes with a 1 µs heartbeat, 1-2 ms election
// timeouts, no latency, 3 clients and a 600 s timeline, positioned at its end, made Open fire about
// 10^10 events (hours, with the page's tab hung: the page opens the link's share on load). The run
// stops at maxEvents with a *cluster.LimitError that State shows; seeking back and forth lands on the
// same state, and a session of sensible settings is not stopped.
func TestOpenExtremeShareIsBounded(t *testing.T) {
	defer func(m int) { maxEvents = m }(maxEvents)
	maxEvents = 50_000
	set := Defaults()
	set.N, set.HeartbeatMs, set.ElectionMinMs, set.ElectionMaxMs = 9, 0.001, 1, 2
	set.LatencyMinMs, set.LatencyMaxMs, set.Clients, set.DurationMs = 0, 0, 3, MaxDurationMs
	str := Encode(set, nil, MaxDurationMs*time.Millisecond, ^uint64(0))
	s, err := Open(str)
	if err != nil {
		t.Fatal(err)
	}
	var le *cluster.LimitError
	if !errors.As(s.Err(), &le) || le.Limit != maxEvents || s.Events() != uint64(maxEvents) {
		t.Fatalf("Open: %d events, Err %v; want the run stopped at %d events by a LimitError", s.Events(), s.Err(), maxEvents)
	}
	st := s.State()
	if !strings.Contains(st.Error, "events") || st.NowMs >= MaxDurationMs {
		t.Fatalf("State: error %q at %v ms; want the limit, at the instant the run stopped", st.Error, st.NowMs)
	}
	// Going back replays from the start (the limit is lifted and reached again at the same event).
	if err := s.SeekEvent(10); err != nil || s.Err() != nil || s.Events() != 10 {
		t.Fatalf("SeekEvent(10): %v, Err %v, %d events", err, s.Err(), s.Events())
	}
	if err := s.Seek(MaxDurationMs * time.Millisecond); err != nil || s.Events() != uint64(maxEvents) || s.State().NowMs != st.NowMs {
		t.Fatalf("Seek(end): %v, %d events at %v ms; want %d at %v", err, s.Events(), s.State().NowMs, maxEvents, st.NowMs)
	}
	// The defaults over a whole minute stay far below the limit.
	d, err := New(Defaults())
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Seek(60 * time.Second); err != nil || d.Err() != nil {
		t.Fatalf("defaults: %v, Err %v after %d events", err, d.Err(), d.Events())
	}
}
