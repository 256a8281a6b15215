package cluster

import (
	"bytes"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
)

// TestStopWhenLive: with StopWhenLive, a run with a repair ends as soon as its liveness phase has seen a
// leader, a write and a read, and up to then it is the same run as without: the same trace, byte for
// byte, and the same liveness measures. Without a repair it changes nothing.
func TestStopWhenLive(t *testing.T) {
	cfg := repairConfig()
	cfg.Faults = append(parseEvents(t, fault.ParseIsolate, "leader@1s"), fault.Event{At: repairAt, Kind: fault.Repair})
	full, fullSum := tracedRun(t, cfg)
	cfg.StopWhenLive = true
	short, shortSum := tracedRun(t, cfg)
	l := shortSum.Liveness
	end := time.Duration(shortSum.EndMS * float64(time.Millisecond))
	switch {
	case l == nil || l.LeaderMS != fullSum.Liveness.LeaderMS || l.CommitMS != fullSum.Liveness.CommitMS || l.ReadMS != fullSum.Liveness.ReadMS:
		t.Fatalf("liveness %+v, without stopping %+v", l, fullSum.Liveness)
	case end <= repairAt || end >= cfg.Duration:
		t.Fatalf("ended at %v, want after the repair at %v and before %v", end, repairAt, cfg.Duration)
	case end != repairAt+time.Duration(max(float64(l.CommitMS), float64(l.ReadMS))*float64(time.Millisecond)):
		t.Fatalf("ended at %v, not at the last of leader %v, write %v, read %v ms after the repair", end, l.LeaderMS, l.CommitMS, l.ReadMS)
	case !bytes.HasPrefix(full, short[:bytes.LastIndexByte(short[:len(short)-1], '\n')+1]):
		t.Fatal("the trace up to the stop differs from the full run's")
	}

	cfg = repairConfig()
	a, _ := tracedRun(t, cfg)
	cfg.StopWhenLive = true
	if b, _ := tracedRun(t, cfg); !bytes.Equal(a, b) {
		t.Fatal("without a repair, StopWhenLive changed the run")
	}
}
