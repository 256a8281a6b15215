package cluster

import (
	"testing"
	"time"
)

// TestRecovery: the recovery measure is the time from measure_from until a leader that lasts commits
// again; null when none does, or when the one that does has not lasted StableWindow election timeouts.
func TestRecovery(t *testing.T) {
	tests := []struct {
		name     string
		faults   []string
		from     time.Duration
		min, max time.Duration // the range the measure must fall in; max 0: null
		leader   func(l uint64) bool
	}{
		{"no fault: the leader goes on committing", nil, 5 * time.Second, 0, 20 * time.Millisecond, func(l uint64) bool { return l == 1 }},
		{"the leader isolated: a new one is elected and commits", []string{"isolate leader@5s"}, 5 * time.Second,
			150 * time.Millisecond, 2 * time.Second, func(l uint64) bool { return l != 1 && l != 0 }},
		{"no majority anywhere: never", []string{"partition 5s:1,2|3,4"}, 5 * time.Second, 0, 0, func(l uint64) bool { return l == 0 }},
		{"healed too late to count as stable", []string{"partition 5s:1,2|3,4", "heal 19s"}, 5 * time.Second, 0, 0, func(l uint64) bool { return l == 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for seed := uint64(1); seed <= 4; seed++ {
				cfg := Default()
				cfg.Seed, cfg.Duration, cfg.Bootstrap, cfg.Clients, cfg.MeasureFrom = seed, 20*time.Second, 1, 2, tt.from
				cfg.Faults = roleSchedule(t, tt.faults...)
				s := run(t, cfg)
				r := s.Recovery
				if r == nil {
					t.Fatal("no recovery in the summary")
				}
				got := time.Duration(float64(r.MS) * 1e6)
				switch {
				case tt.max == 0 && r.MS.Valid():
					t.Errorf("seed %d: recovery %v (leader %d), want none", seed, got, r.Leader)
				case tt.max > 0 && (!r.MS.Valid() || got < tt.min || got > tt.max):
					t.Errorf("seed %d: recovery %v (leader %d), want in [%v, %v]", seed, got, r.Leader, tt.min, tt.max)
				case !tt.leader(r.Leader):
					t.Errorf("seed %d: stable leader %d", seed, r.Leader)
				}
			}
		})
	}
	cfg := Default()
	cfg.Duration = time.Second
	if s := run(t, cfg); s.Recovery != nil {
		t.Errorf("measure_from 0: recovery %+v, want none (the summary as before)", s.Recovery)
	}
}
