package cluster

import (
	"fmt"
	"slices"
	"strings"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/sim"
)

// A repair (fault.Repair) ends every fault at its time T and lets no later one fire, so that the rest
// of the run is a liveness phase: the cluster, whole again, must elect a leader and commit. At T:
//
//   - every cut edge is restored, as by a heal, and every link flap ends with its links up;
//   - every message filter ends, the active ones and those scheduled later;
//   - every link between nodes, and every client link, loses, duplicates and reorders nothing from
//     then on (network.Repair); latencies and bandwidths stay;
//   - every disk stall ends (one for ever included): a write held by it completes at T; every disk
//     slowed by disk-slow writes with its configured fsync again, and its write in progress completes
//     at T;
//   - every pause ends: the node resumes at T and handles its queued inbox as at a pause's end;
//   - every crashed node that is a member is restarted from its durable state (not one a membership
//     change removed, nor one not yet added);
//   - the leader-crash scenario stops.
//
// The network is repaired first, then the disks, then the pauses, then the restarts, so that what a
// resumed or restarted node sends meets a whole network and what it writes a working disk.
//
// From T on no fault fires. Each scripted fault after T (crash, restart, cut, restore, partition,
// isolate, heal, pause, disk-stall, disk-slow, filter, a second repair) is listed once in the run's
// fault timeline as ignored and does nothing; the drawn faults (chaos, crash-recovery, link flaps) are
// no longer drawn, and so are not listed: a flap or crash-recovery schedule would otherwise add an
// ignored entry every few seconds to the end of the run. Operator actions (transfer, add, remove,
// replace) still run. Clock rates and per-node CPU and disk settings are the world, not faults: they
// stay. Only the first repair counts.
//
// After the repair the run observes the liveness phase (Summary.Liveness): when a leader first held a
// working majority, when the first write and the first read invoked at or after T completed.

// repairRun is the run's repair, once it has happened, and what the liveness phase saw.
type repairRun struct {
	done bool
	at   sim.Time
	// leader, commit and read are when each was first seen at or after at; valid when its has* is set.
	leader, commit, read          sim.Time
	hasLeader, hasCommit, hasRead bool
}

// Liveness is what the liveness phase after a repair saw (repair.go); every time is in milliseconds
// after the repair, and null when it had not happened by the run's end.
type Liveness struct {
	RepairMS float64 `json:"repair_ms"` // when the repair happened, from the run's start
	// LeaderMS is the first moment at or after the repair a leader held a working majority (as
	// Summary.Availability counts it); 0 when one held it as the repair ended.
	LeaderMS NullFloat `json:"leader_ms"`
	// CommitMS is the completion of the first client write invoked at or after the repair that
	// succeeded; ReadMS the same for a read, null also when the workload has no reads.
	CommitMS NullFloat `json:"commit_ms"`
	ReadMS   NullFloat `json:"read_ms"`
	// LeaderAtEnd: a leader held a working majority at the run's end.
	LeaderAtEnd bool `json:"leader_at_end"`
}

// operator reports whether events of kind k are an operator's actions, which a repair does not stop.
func operator(k fault.Kind) bool {
	return k == fault.Transfer || k == fault.Add || k == fault.Remove || k == fault.Replace
}

// applyRepair repairs every fault (see above).
func (c *Cluster) applyRepair(e *fault.Event) {
	now := c.loop.Now()
	c.trace.fault(e, 0)
	c.repair = repairRun{done: true, at: now}
	c.faults.repaired()
	if c.scenario != nil {
		c.loop.Cancel(c.scenario.timer)
		c.scenario.phase = lcDone // it withholds nothing more and crashes nobody
	}
	var did []string
	var hit []uint64
	note := func(format string, ids []uint64) {
		if len(ids) > 0 {
			did = append(did, fmt.Sprintf(format, nodeList(ids)))
			hit = append(hit, ids...)
		}
	}

	// The network.
	filters, links := c.net.Repair()
	_, restored, ends := c.changeEdges(c.graph.HealAll)
	if len(restored) > 0 {
		did = append(did, fmt.Sprintf("restored %s, of nodes %s", edges(len(restored)), nodeList(ends)))
		hit = append(hit, ends...)
	}
	if filters > 0 {
		did = append(did, fmt.Sprintf("ended %d message filter%s", filters, plural(filters)))
	}
	if links > 0 {
		did = append(did, fmt.Sprintf("%d link%s between nodes lose, duplicate and reorder nothing", links, plural(links)))
	}

	// The disks: a stall outlasts a crash (it is the device's), so every host's is ended.
	var unstalled, unslowed []uint64
	for _, h := range c.hosts {
		if h.stallUntil > now {
			if h.stallUntil != sim.Never {
				// A completion that came due during the stall was put off to its end (stalled): it
				// completes now. (A write that completes at the stall's end by itself is moved too,
				// to now: an error of at most the stall, in an instant no fault names.)
				if at, ok := c.loop.When(h.diskTimer); ok && at == h.stallUntil {
					h.diskTimer = c.loop.Reset(h.diskTimer, now, h, evDiskDone)
				}
			}
			h.stallUntil = 0
			unstalled = append(unstalled, h.id)
		}
		if h.stallHeld { // a stall for ever held a completion, which nothing would ever fire
			h.stallHeld = false
			h.diskTimer = c.loop.At(now, h, evDiskDone)
		}
		if h.slowDisk {
			h.slowDisk = false
			// The write in progress keeps the slow disk's time (disk.SetFsync): it completes now.
			if at, ok := c.loop.When(h.diskTimer); ok && at > now {
				h.diskTimer = c.loop.Reset(h.diskTimer, now, h, evDiskDone)
			}
			if fs := c.cfg.nodeConfig(int64(h.id)).fsync; fs != nil {
				h.disk.SetFsync(fs)
			} else {
				h.disk.SetFsync(nil) // not a typed nil in the interface: instantaneous writes
			}
			unslowed = append(unslowed, h.id)
		}
	}
	note("ended the disk stall of %s", unstalled)
	note("the disk of %s writes with its configured fsync again", unslowed)

	// The pauses: each node resumes now, as at its pause's end (gray.go); the resume event already
	// scheduled then finds it running and does nothing.
	var resumed []uint64
	for _, h := range c.hosts {
		if h.alive && h.paused {
			h.pausedUntil = now
			h.deferFire(evResume)
			resumed = append(resumed, h.id)
		}
	}
	note("resumed %s", resumed)

	// The crashes.
	var restarted []uint64
	for _, h := range c.hosts {
		if h.created && !h.retired && !h.alive {
			restarted = append(restarted, h.id)
			if err := h.start(); err != nil {
				c.err = fmt.Errorf("cluster: repair: restart node %d: %w", h.id, err)
				c.loop.Stop()
				return
			}
		}
	}
	note("restarted %s", restarted)

	c.statusChanged()
	effect := "nothing was broken"
	if len(did) > 0 {
		effect = strings.Join(did, "; ")
	}
	slices.Sort(hit)
	c.timeline.add(now, e, nil, slices.Compact(hit), effect+"; no fault fires from now on")
}

// ignore records a fault that came after the repair: it does nothing.
func (c *Cluster) ignore(e *fault.Event) {
	c.timeline.add(c.loop.Now(), e, nil, nil, fmt.Sprintf("no effect: ignored, after the repair at %s", ascii(c.repair.at.Duration())))
}

// repaired drops the drawn faults (chaos, crash-recovery, flaps) still to come and keeps the scripted
// events after the repair, in order: the faults among them will be ignored, one by one, and the
// operator's actions carried out. The repair that fired is the schedule's first, since no other source
// draws one.
func (f *faultFeed) repaired() {
	rest := slices.Clone(f.c.cfg.Faults)
	fault.Sort(rest)
	for i, e := range rest {
		if e.Kind == fault.Repair {
			rest = rest[i+1:]
			break
		}
	}
	f.src = fault.List(rest)
}

// liveLeader notes that a leader holds a working majority now, if none had since the repair.
func (r *repairRun) liveLeader(now sim.Time) {
	if r.done && !r.hasLeader {
		r.leader, r.hasLeader = now, true
	}
}

// op notes a client operation recorded (at its completion): the first write and the first read invoked
// at or after the repair that succeeded.
func (r *repairRun) op(invoke, complete sim.Time, read, ok bool) {
	if !ok || invoke < r.at {
		return
	}
	switch {
	case read && !r.hasRead:
		r.read, r.hasRead = complete, true
	case !read && !r.hasCommit:
		r.commit, r.hasCommit = complete, true
	}
}

// stopIfLive ends the run once the liveness phase has seen all it looks for (Config.StopWhenLive): a
// leader with a working majority, a client write and, when the workload reads, a client read.
func (c *Cluster) stopIfLive() {
	r := &c.repair
	if c.cfg.StopWhenLive && r.hasLeader && r.hasCommit && (r.hasRead || c.cfg.Workload.ReadRatio == 0) {
		c.loop.Stop()
	}
}

// summary is the liveness phase's measures: nil when no repair happened, so that the summary of a run
// without one reads as it always has.
func (r *repairRun) summary(c *Cluster) *Liveness {
	if !r.done {
		return nil
	}
	since := func(has bool, t sim.Time) NullFloat {
		if !has {
			return null
		}
		return NullFloat(ms(int64(t - r.at)))
	}
	return &Liveness{
		RepairMS:    ms(int64(r.at)),
		LeaderMS:    since(r.hasLeader, r.leader),
		CommitMS:    since(r.hasCommit, r.commit),
		ReadMS:      since(r.hasRead, r.read),
		LeaderAtEnd: c.workingLeader() != 0,
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
