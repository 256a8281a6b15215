package cluster

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/sim"
)

// Gray failures: a node that is up but slow or stuck. Each is a part of the host that does nothing, and
// draws nothing, while it is off, so a run without them is the run it was before they existed.
//
//   - Clock rate (NodeSettings.ClockRate): the node's clock runs at rate r against simulated time. Its
//     timers of d fire after d/r (host.after), and it reads r×t as the time t (lease reads, host.tell).
//     Devices (disk, CPU) take simulated time whatever the clock says.
//   - CPU (NodeSettings.CPU): every message the node handles (a Raft message, a client's request)
//     first takes a service time drawn from the node's own stream "cpu", one message after another in
//     arrival order (a FIFO inbox); the node handles it when its service ends. Timers and disk
//     completions cost nothing.
//   - Pause (fault.Pause): from T for D the node neither handles messages nor fires timers: the
//     messages that arrive and the timers, disk completions and CPU completions that come due wait in
//     the inbox, in the order they came. When the pause ends the node takes them in that order: a
//     heartbeat that arrived before the election timer came due is read first, and resets the timer,
//     whose expiry is then dropped (it is stale: the node re-armed it). Messages still cost their CPU
//     time; what came due costs none. A crash ends a pause (the process is gone); overlapping pauses
//     last until the later end.
//   - Disk stall (fault.DiskStall): from T for D (or for ever) the disk completes no write; writes
//     submitted meanwhile queue behind the stalled one. The stall is the device's: it outlasts a crash
//     of the process.
//   - Disk slow (fault.DiskSlow): from T the disk's writes take a new fsync time, drawn from the
//     node's disk stream as before.
type gray struct {
	rate float64 // clock rate; 1 for a perfect clock

	cpu      *latency.Dist // nil: no CPU model
	cpuRand  *rand.Rand    // stream "cpu" of the node
	cpuBusy  bool          // a message at the front of the inbox is being served (evCPUDone pending)
	cpuHeld  bool          // its service ended during a pause
	cpuTimer sim.Timer
	// queueing is cpu != nil || paused: every message goes through the inbox.
	queueing bool
	// inbox holds the messages that reached the node and wait for its CPU or for its pause to end,
	// oldest first. A popped slot is zeroed, so it keeps no log reachable.
	inbox    fifo[inMsg]
	inMsgBuf envelope // the message being handled, popped from the inbox

	paused      bool
	pausedUntil sim.Time
	// timerGen counts the changes of each timer, so that an expiry kept for a pause's end can tell
	// whether the node re-armed the timer since.
	timerGen [numTimers]uint32

	stallUntil sim.Time // the disk completes no write before this; sim.Never for ever
	stallHeld  bool     // a write completed during a stall for ever, and waits for nothing
	slowDisk   bool     // a disk-slow fault changed the disk's fsync (a repair restores it, repair.go)
}

const numTimers = int(evDiskDone)

// inMsg is a message waiting in a node's inbox, or (fired) an event of the node's that came due during
// a pause: its arg, and for a timer the timer's generation then.
type inMsg struct {
	from  uint64
	e     envelope
	fired bool
	arg   uint64
	gen   uint32
}

// initGray sets the host's clock and CPU from its settings.
func (h *host) initGray(nc *nodeConfig, seed uint64) {
	h.rate = nc.clockRate
	if nc.cpu != nil {
		h.cpu, h.cpuRand = nc.cpu, sim.StreamN(seed, "cpu", int(h.id))
		h.queueing = true
	}
}

// localNow is the time on the node's clock.
func (h *host) localNow() time.Duration {
	now := h.c.loop.Now().Duration()
	if h.rate != 1 {
		return sim.FloatNanos(float64(now) * h.rate)
	}
	return now
}

// enqueue puts a message in the inbox, and starts serving it if the CPU is idle.
func (h *host) enqueue(from uint64, e *envelope) {
	*h.inbox.push() = inMsg{from: from, e: *e}
	if h.c.inboxQueued++; h.c.inboxQueued > maxInbox {
		h.c.limit("messages waiting in the nodes' inboxes", maxInbox,
			"the nodes receive messages faster than they handle them (see cpu, pause, clients and heartbeat)")
	}
	if !h.paused && !h.cpuBusy {
		h.serve()
	}
}

// serve runs the events kept at the front of the inbox, then starts the CPU on the message behind
// them, or, with no CPU model, handles every message waiting.
func (h *host) serve() {
	for h.alive && !h.paused && !h.cpuBusy && h.inbox.len() > 0 {
		if m := h.inbox.front(); m.fired {
			arg, gen := m.arg, m.gen
			*m = inMsg{}
			h.inbox.pop()
			h.c.inboxQueued--
			if arg >= uint64(numTimers) || h.timerGen[arg] == gen {
				h.Fire(arg)
			}
			continue
		}
		if h.cpu == nil {
			h.handle(h.next())
			continue
		}
		h.cpuBusy = true
		h.cpuTimer = h.c.loop.At(h.device(h.cpu.Sample(h.cpuRand)), h, evCPUDone)
	}
}

// next pops the oldest message of the inbox. The envelope is valid until the next push.
func (h *host) next() *envelope {
	m := h.inbox.front()
	h.inMsgBuf = m.e
	*m = inMsg{}
	h.inbox.pop()
	h.c.inboxQueued--
	return &h.inMsgBuf
}

// cpuDone handles the message the CPU has served and starts on the next.
func (h *host) cpuDone() {
	h.cpuBusy = false
	h.handle(h.next())
	if h.alive && !h.paused && !h.cpuBusy {
		h.serve()
	}
}

// deferFire keeps an event that came due during a pause in the inbox, for the pause's end (evResume
// ends it).
func (h *host) deferFire(arg uint64) {
	if arg == evCPUDone {
		h.cpuHeld = true // the message served is at the front of the inbox: it is handled first
		return
	}
	if arg != evResume {
		m := h.inbox.push()
		*m = inMsg{fired: true, arg: arg}
		if arg < uint64(numTimers) {
			m.gen = h.timerGen[arg]
		}
		h.c.inboxQueued++
		return
	}
	if h.c.loop.Now() < h.pausedUntil {
		return // a later pause extended this one
	}
	h.paused = false
	h.queueing = h.cpu != nil
	h.c.statusChanged()
	if h.cpuHeld {
		h.cpuHeld = false
		h.cpuDone()
		return
	}
	h.serve()
}

// pause stops the node until d from now; it reports whether the node was up.
func (h *host) pause(d time.Duration) bool {
	if !h.alive {
		return false
	}
	until := h.c.loop.Now().Add(d)
	if !h.paused || until > h.pausedUntil {
		h.pausedUntil = until
	}
	h.paused, h.queueing = true, true
	h.c.loop.At(until, h, evResume)
	h.c.statusChanged()
	return true
}

// stalled reports whether the disk is stalled now; if it is, the completion that fired is held until
// the stall ends.
func (h *host) stalled() bool {
	now := h.c.loop.Now()
	if now >= h.stallUntil {
		return false
	}
	if h.stallUntil == sim.Never {
		h.stallHeld = true
	} else {
		h.diskTimer = h.c.loop.At(h.stallUntil, h, evDiskDone)
	}
	return true
}

// stallDisk stalls the disk until d from now (forever: for ever).
func (h *host) stallDisk(d time.Duration, forever bool) {
	until := sim.Never
	if !forever {
		until = h.c.loop.Now().Add(d)
	}
	h.stallUntil = max(h.stallUntil, until)
}

// crashGray loses what the process held: its inbox, its pause and the events it kept for the pause's
// end. A stalled disk stays stalled (the device is not the process).
func (h *host) crashGray() {
	h.c.loop.Cancel(h.cpuTimer)
	h.cpuBusy, h.cpuHeld = false, false
	for i := range h.inbox.len() {
		*h.inbox.at(i) = inMsg{}
	}
	h.c.inboxQueued -= h.inbox.len()
	h.inbox.clear()
	h.paused, h.queueing = false, h.cpu != nil
	h.stallHeld = false
}

// applyGray applies a pause, a disk stall or a slow disk.
func (c *Cluster) applyGray(e *fault.Event) {
	id := uint64(e.Node)
	c.trace.fault(e, id)
	h := c.host(id)
	now := c.loop.Now()
	if !h.created || h.retired || !h.alive {
		c.timeline.add(now, e, nil, nil, fmt.Sprintf("no effect: node %d was down", id))
		return
	}
	var effect string
	switch e.Kind {
	case fault.Pause:
		if e.For == 0 {
			c.timeline.add(now, e, nil, nil, "no effect: a pause of 0s")
			return
		}
		h.pause(e.For)
		effect = fmt.Sprintf("paused %d until %s", id, ascii(now.Add(e.For).Duration()))
	case fault.DiskStall:
		h.stallDisk(e.For, e.Forever)
		if e.Forever {
			effect = fmt.Sprintf("stalled the disk of %d for ever", id)
		} else {
			effect = fmt.Sprintf("stalled the disk of %d until %s", id, ascii(now.Add(e.For).Duration()))
		}
	case fault.DiskSlow:
		h.disk.SetFsync(e.Latency)
		h.slowDisk = true
		effect = fmt.Sprintf("the disk of %d writes in %v from now", id, e.Latency)
	}
	c.timeline.add(now, e, nil, []uint64{id}, effect)
}
