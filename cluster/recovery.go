package cluster

import (
	"time"

	"github.com/raftsim/raftsim/sim"
)

// StableWindow is how many maximum election timeouts a leader must keep a working majority, to the end
// of the run, after a write it commits for the recovery measure to count it as stable. Under the
// churn of a partial partition a leader seldom lasts an election timeout or two; ten of them, with no
// election and no loss of the majority, is a leader that the partition no longer unseats.
const StableWindow = 10

// Recovery measures how long the cluster took, from measure_from, until a stable leader committed
// again (the partial-partition experiment's question): the time of the first client write
// acknowledged after the cluster last came to have a working leader and no election followed, when that
// leader then kept its working majority to the end of the run for at least StableWindow maximum
// election timeouts.
type Recovery struct {
	// MS is the time from measure_from to that write; null when there was no stable leader by the end
	// (the recovery_ms measure is then +Inf).
	MS NullFloat `json:"ms"`
	// Leader is the stable leader; 0 when there was none.
	Leader uint64 `json:"leader"`
}

// recovery follows the candidate write of the recovery measure. Every election, and every loss of
// the working majority, starts the search again: the write must come after both.
type recovery struct {
	found  bool
	at     sim.Time // the write's acknowledgement, once found
	leader uint64   // the working leader when it was acknowledged
}

// reset forgets the write found: an election or a loss of the working majority came after it.
func (r *recovery) reset() { r.found = false }

// acked notes a write acknowledged at t while leader had a working majority (0: none had).
func (r *recovery) acked(t, from sim.Time, leader uint64) {
	if !r.found && t >= from && leader != 0 {
		r.found, r.at, r.leader = true, t, leader
	}
}

// summary returns the measure at the end of the run: nil when measure_from is 0 (the measure is then
// not asked for, and the summary stays as before it existed).
func (r *recovery) summary(m *metrics, end sim.Time, electionMax time.Duration) *Recovery {
	if m.measureFrom == 0 {
		return nil
	}
	if r.found && m.up && end-r.at >= sim.Time(StableWindow*electionMax) {
		return &Recovery{MS: NullFloat(ms(int64(r.at - m.measureFrom))), Leader: r.leader}
	}
	return &Recovery{MS: null}
}
