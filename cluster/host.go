package cluster

import (
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/raftsim/raftsim/kv"
	"github.com/raftsim/raftsim/models/disk"
	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/models/workload"
	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/sim"
)

// Event kinds a host schedules for itself (the arg of host.Fire); timers use their raft.Timeout value.
const (
	evDiskDone = uint64(raft.NumTimeouts) + iota
	evCPUDone  // the CPU has served the message at the front of the inbox (gray.go)
	evResume   // a process pause may end (gray.go)
)

// batch is a persist batch waiting for the disk, with the messages that must wait for it.
type batch struct {
	seq     uint64
	hasHS   bool
	hs      raft.HardState
	first   uint64
	entries []raft.Entry
	snap    *raft.Snapshot // written before the entries; nil for none
	msgs    []raft.Message
}

// proposal is a client write the leader proposed and will answer when it applies.
type proposal struct {
	index  uint64
	term   uint64
	client uint64
	seq    uint64
}

// host runs one node: it is the node's network card, disk, clock and state machine.
type host struct {
	c     *Cluster
	id    uint64
	alive bool
	// created: the host exists (a node of the bootstrap configuration, or one a membership event has
	// added); retired: the node was removed and its host shut down for good (see membership.go).
	created, retired bool
	node             *raft.Node
	cfg              raft.Config

	timers [raft.NumTimeouts]sim.Timer
	// armedAt is when each timer was last armed: where an inspector draws its arc from (inspect.go).
	armedAt [raft.NumTimeouts]sim.Time
	// jitter, when not nil, is added to every timer the node arms, drawn from jitterRand (the node's
	// own stream, which survives crashes, so a run is the same whatever else happens at other nodes).
	jitter     *latency.Dist
	jitterRand *rand.Rand
	disk       *disk.Disk
	diskTimer  sim.Timer
	// batches are the persist batches waiting for the disk or being written, oldest first. Each slot
	// keeps its message buffer when popped, for the next batch to copy into without allocating;
	// responses carry no entries, so the buffers keep no log reachable.
	batches fifo[batch]
	// durable is the node's stable storage. Its Entries follow its Snapshot; a snapshot made durable
	// replaces the entries it covers with a copy of the rest, so that storage too is bounded by the
	// entries since the last snapshot.
	durable durableState

	store     *kv.Store
	proposals fifo[proposal] // waiting for their entries to apply, in increasing index

	// reads (reads.go): each client's latest read by client ID, and the clients whose read has its
	// read index and waits for the host to apply that far, in the order the indexes came
	reads    map[uint64]hostRead
	readWait []uint64
	readCtx  uint64

	// what the cluster last saw of the node, to notice changes
	term   uint64
	state  raft.State
	lead   uint64
	commit uint64

	// pre-vote rounds and elections started by the node's earlier lives (raft.Node counts its own)
	pastPreVotes, pastElections uint64
	// elections the node had started in this life when the cluster last looked, to see candidacies
	seenElections uint64
	// restores counts the snapshots the store was restored from (installed or restarted from), for tests.
	restores int
	// dropped is the last write applied since the last snapshot, which raft.MutSnapshotDropsEntry
	// leaves out of the next one (mutants.go); untouched otherwise.
	dropped droppedWrite

	gray // per-node clock, CPU, pause and disk stall (gray.go)
}

// campaigns returns the pre-vote rounds and elections the node has started over all its lives.
func (h *host) campaigns() (preVotes, elections uint64) {
	preVotes, elections = h.pastPreVotes, h.pastElections
	if h.alive {
		p, e := h.node.Campaigns()
		preVotes, elections = preVotes+p, elections+e
	}
	return preVotes, elections
}

// Fire handles the host's own events: timers and disk completions.
func (h *host) Fire(arg uint64) {
	if !h.alive {
		return
	}
	if h.paused {
		h.deferFire(arg)
		return
	}
	switch arg {
	case evDiskDone:
		if h.stalled() {
			return
		}
		h.diskDone()
		return
	case evCPUDone:
		h.cpuDone()
		return
	case evResume:
		return // the pause was ended by a crash
	}
	t := raft.Timeout(arg)
	h.c.trace.timeout(h.id, t)
	h.tell()
	h.node.Timeout(t)
	h.drain()
	if t == raft.HeartbeatTimeout && h.c.scenario != nil && h.alive {
		h.c.scenario.heartbeat(h)
	}
}

// after is the one place a node's requested delays (its timers) become simulated time: a timer of d on
// the node's clock fires after d/rate (gray.go), exactly d for a perfect clock.
func (h *host) after(d time.Duration) sim.Time {
	if h.rate != 1 {
		d = sim.FloatNanos(float64(d) / h.rate)
	}
	return h.c.loop.Now().Add(d)
}

// device is when work of d on one of the node's devices (its disk, its CPU), which no clock times,
// completes.
func (h *host) device(d time.Duration) sim.Time {
	return h.c.loop.Now().Add(d)
}

// start boots the node from its durable state.
func (h *host) start() error {
	d := raft.Durable{HardState: h.durable.HardState, Snapshot: h.durable.Snapshot, Entries: h.durable.Entries}
	n, err := raft.New(h.cfg, d)
	if err != nil {
		return err
	}
	h.node = n
	h.alive = true
	h.c.net.ResetNode(h.id) // a restarted node opens new connections
	h.store = kv.New()      // or the durable snapshot's store, which the first Ready hands back
	h.term, h.state, h.lead, h.commit = n.Term(), n.State(), n.Leader(), n.Commit()
	h.seenElections = 0
	if h.c.check != nil {
		s := &h.durable.Snapshot
		h.c.violation(h.c.check.Restarted(h.id, s.Index, s.Term, raft.BootConf(h.cfg.Peers, s), h.durable.Entries))
	}
	h.drain()
	return nil
}

// crash loses everything volatile: the node's memory, its pending disk writes, its timers.
func (h *host) crash() {
	if !h.alive {
		return
	}
	wasLeader := h.state == raft.Leader
	h.pastPreVotes, h.pastElections = h.campaigns()
	h.alive = false
	for i := range h.timers {
		h.c.loop.Cancel(h.timers[i])
	}
	h.c.loop.Cancel(h.diskTimer)
	h.crashGray()
	h.disk.Crash()
	h.c.diskQueued -= h.batches.len()
	for i := range h.batches.len() {
		b := h.batches.at(i)
		b.entries, b.snap = nil, nil // lost with the crash: keep no log reachable
	}
	h.batches.clear()
	h.proposals.clear()
	h.reads, h.readWait = nil, h.readWait[:0]
	h.node, h.store = nil, nil
	if wasLeader && h.c.check != nil {
		h.c.check.SteppedDown(h.id)
	}
	if wasLeader && h.c.scenario != nil {
		h.c.scenario.deposed(h.id) // crashed by another fault before the scenario's own crash
	}
	h.c.statusChanged()
}

// receive is the one entry point for everything that reaches the node over the network: a per-node
// service time and inbox queue go here.
func (h *host) receive(from uint64, e *envelope) {
	if !h.alive {
		h.c.metrics.droppedDown++
		h.c.trace.drop(from, h.id, e, "down")
		return
	}
	if h.queueing {
		h.enqueue(from, e) // a CPU model or a pause: the message waits its turn (gray.go)
		return
	}
	h.handle(e)
}

// handle is the node handling a message, once it is its turn.
func (h *host) handle(e *envelope) {
	h.tell()
	switch e.kind {
	case envRaft:
		h.node.Step(e.msg)
	case envRequest:
		h.request(&e.req)
	}
	h.drain()
}

// drain carries out everything the node wants done, until it wants nothing more.
func (h *host) drain() {
	for h.alive && h.node.HasReady() {
		rd := h.node.Ready()
		// Order matters to the checker: a node that stepped down must not be judged as a leader for the
		// truncation that came with it, and a new leader is judged on the log it won with.
		elected := h.observe()
		if _, e := h.node.Campaigns(); e != h.seenElections {
			// An input starts at most one election, and every election hands out a Ready (its term
			// and vote to write), so each is seen here, in the term it is for.
			h.seenElections = e
			h.c.metrics.candidate(h.id, h.term)
		}
		if rd.HasPersist {
			h.submit(&rd.Persist)
		}
		if elected && h.c.check != nil {
			h.c.violation(h.c.check.BecameLeader(h.id, h.term))
		}
		for t, tc := range rd.Timers {
			if !tc.Changed {
				continue
			}
			h.timerGen[t]++ // an expiry kept for a pause's end is stale now (gray.go)
			if tc.After == 0 {
				h.c.loop.Cancel(h.timers[t])
			} else {
				d := tc.After
				if h.jitter != nil {
					// Saturating: a heavy-tailed draw can be as large as a Duration holds.
					d = sim.AddDurations(d, h.jitter.Sample(h.jitterRand))
				}
				h.timers[t] = h.c.loop.Reset(h.timers[t], h.after(d), h, uint64(t))
				h.armedAt[t] = h.c.loop.Now()
			}
		}
		for i := range rd.Messages {
			h.c.sendRaft(&rd.Messages[i])
		}
		if rd.Snapshot != nil {
			h.restore(rd.Snapshot)
		}
		if len(rd.Committed) > 0 {
			h.apply(rd.Committed)
			if len(h.readWait) > 0 {
				h.serveReads()
			}
		}
		if len(rd.ReadStates) > 0 {
			h.readStates(rd.ReadStates)
		}
		if rd.SnapshotDue != 0 {
			h.snapshot(rd.SnapshotDue)
		}
		if c := h.node.Commit(); c != h.commit {
			h.commit = c
			h.c.trace.commit(h.id, c)
			h.c.metrics.committed(c)
			if h.c.check != nil {
				h.c.violation(h.c.check.Committed(h.id, h.node.Term(), c))
			}
		}
	}
}

// observe notices changes of role, term or leader, and reports whether the node was just elected.
func (h *host) observe() (elected bool) {
	term, state, lead := h.node.Term(), h.node.State(), h.node.Leader()
	if term == h.term && state == h.state && lead == h.lead {
		return false
	}
	prevState, prevTerm := h.state, h.term
	h.term, h.state, h.lead = term, state, lead
	h.c.trace.state(h.id, state, term, lead)
	m := &h.c.metrics
	m.maxTerm = max(m.maxTerm, term)
	if state == raft.Leader && (prevState != raft.Leader || term != prevTerm) {
		m.leaderChanges++
		m.recovery.reset()
		elected = true
		h.c.transfer.elected(h.id, h.c.loop.Now())
	}
	if prevState == raft.Leader && state != raft.Leader {
		if h.c.check != nil {
			h.c.check.SteppedDown(h.id)
		}
		h.failProposals()
		if h.c.scenario != nil {
			h.c.scenario.deposed(h.id)
		}
	}
	h.c.statusChanged()
	return elected
}

// submit hands a persist batch to the disk.
func (h *host) submit(p *raft.Persist) {
	// The slot keeps the message buffer it had in an earlier round, so copying the messages in
	// allocates nothing.
	b := h.batches.push()
	*b = batch{seq: p.Seq, hasHS: p.HasHardState, hs: p.HardState, first: p.First, entries: p.Entries,
		snap: p.Snapshot, msgs: append(b.msgs[:0], p.Messages...)}
	if h.c.diskQueued++; h.c.diskQueued > maxDiskQueue {
		h.c.limit("writes waiting for the disks", maxDiskQueue,
			"the nodes write faster than their disks complete (see fsync, disk bandwidth, clients and election timeout)")
	}
	if p.Snapshot != nil && h.c.check != nil {
		h.c.violation(h.c.check.Snapshotted(h.id, p.Snapshot.Index, p.Snapshot.Term, p.Snapshot.Conf))
	}
	// Every change to a node's log comes through here — a client's write, a new leader's empty entry,
	// a follower's replicated entries — so the bound holds whatever drives the growth: a cluster that
	// only elects leaders adds an entry per election. It counts the entries held, those after the
	// node's snapshot.
	if p.First != 0 {
		if last := p.First + uint64(len(p.Entries)) - 1; last-h.node.SnapshotIndex() > h.c.maxLogIndex {
			h.c.limit("log entries on all nodes together", maxLogEntries,
				"raftsim keeps every entry since the last snapshot in memory (see snapshot_entries, snapshot_bytes, duration, clients and think; each new leader adds an entry too)")
		}
		if h.c.check != nil {
			h.c.violation(h.c.check.LogChanged(h.id, p.First, p.Entries))
		}
	}
	bytes := 0
	if p.HasHardState {
		bytes += 16
	}
	if p.Snapshot != nil {
		bytes += int(min(p.Snapshot.Size, maxSnapshotBytes))
	}
	for i := range p.Entries {
		bytes += raft.EntryBytes + int(p.Entries[i].Size)
	}
	if started, d := h.disk.Submit(bytes, !p.Empty()); started {
		h.diskTimer = h.c.loop.At(h.device(d), h, evDiskDone)
	}
}

// diskDone makes the batches of the finished write durable and releases their messages.
func (h *host) diskDone() {
	n, started, d := h.disk.Done()
	h.c.diskQueued -= n
	var last uint64
	for range n {
		b := h.batches.front()
		if b.hasHS {
			h.durable.HardState = b.hs
		}
		if b.snap != nil {
			h.durable.install(b.snap)
		}
		if b.first != 0 {
			h.durable.Entries = append(h.durable.Entries[:b.first-1-h.durable.Snapshot.Index], b.entries...)
		}
		h.c.trace.persist(h.id, b)
		for j := range b.msgs {
			h.c.sendRaft(&b.msgs[j])
		}
		b.entries, b.snap = nil, nil // the slot is reused; the log is kept by the node and durable
		last = b.seq
		h.batches.pop()
	}
	if started {
		h.diskTimer = h.c.loop.At(h.device(d), h, evDiskDone)
	}
	if n > 0 {
		h.tell()
		h.node.Persisted(last)
	}
	h.drain()
}

// restore replaces the state machine with a snapshot's, as the node asks after installing its leader's
// snapshot or restarting from its own.
func (h *host) restore(s *raft.Snapshot) {
	st, err := kv.Restore(s.Data)
	if err != nil {
		panic("cluster: " + err.Error()) // the image came from kv.Store.Snapshot: a bug
	}
	if st.Applied() != s.Index {
		panic("cluster: snapshot through index " + itoa(s.Index) + " holds a store applied through " + itoa(st.Applied()))
	}
	h.store = st
	h.restores++
	if h.cfg.Mutants.Has(raft.MutSnapshotDropsEntry) {
		h.dropped = droppedWrite{} // a write to the store just replaced
	}
}

// snapshot hands the node an image of the store, which has applied through index, to compact its log.
func (h *host) snapshot(index uint64) {
	if h.store.Applied() != index {
		panic("cluster: snapshot due at index " + itoa(index) + " but the store has applied through " + itoa(h.store.Applied()))
	}
	size := h.store.SnapshotSize(h.c.cfg.Workload.ValueSize)
	img := h.store.Snapshot()
	if h.cfg.Mutants.Has(raft.MutSnapshotDropsEntry) && h.dropped.set {
		h.dropped.undo(img)
		h.dropped = droppedWrite{}
	}
	if err := h.node.Compact(index, img, size); err != nil {
		panic("cluster: " + err.Error()) // the node asked for this snapshot: a bug
	}
}

// request handles a client's operation.
func (h *host) request(r *workload.Request) {
	if r.Read {
		h.read(r)
		return
	}
	if h.node.State() != raft.Leader {
		h.c.reply(h.id, workload.Reply{Client: r.Client, Seq: r.Seq, Leader: h.node.Leader()})
		return
	}
	cmd := kv.Command{Client: r.Client, Seq: r.Seq, Key: r.Key, Value: r.Value}
	index, term, err := h.node.Propose(cmd.Encode(), r.Size)
	if err != nil {
		// Not leading, or handing the leadership over: a transferring leader names no leader, so the
		// client retries after its backoff (by then the transfer is over one way or the other).
		lead := h.node.Leader()
		if err == raft.ErrTransferring {
			lead = raft.None
		}
		h.c.reply(h.id, workload.Reply{Client: r.Client, Seq: r.Seq, Leader: lead})
		return
	}
	*h.proposals.push() = proposal{index: index, term: term, client: r.Client, seq: r.Seq}
}

// apply applies committed entries to the state machine and answers the clients waiting on them.
func (h *host) apply(ents []raft.Entry) {
	if h.c.check != nil {
		h.c.violation(h.c.check.Applied(h.id, ents))
	}
	for i := range ents {
		e := &ents[i]
		data := e.Data
		if e.Type != raft.EntryNormal {
			data = nil // a configuration: the node has used it since it was appended
		}
		res, ok, err := h.store.Apply(e.Index, data)
		if err != nil {
			panic("cluster: " + err.Error()) // the node handed out entries out of order: a bug
		}
		if h.cfg.Mutants.Has(raft.MutSnapshotDropsEntry) && ok && !res.Duplicate {
			h.dropped = droppedWrite{key: res.Command.Key, prev: res.Prev, set: true}
		}
		for h.proposals.len() > 0 && h.proposals.front().index <= e.Index {
			p := *h.proposals.front()
			h.proposals.pop()
			if p.index < e.Index {
				continue // cannot happen: every index up to e.Index was applied in order
			}
			if ok && p.term == e.Term && res.Client == p.client && res.Seq == p.seq {
				h.c.reply(h.id, workload.Reply{Client: p.client, Seq: p.seq, OK: true, Prev: res.Prev})
			} else {
				// Another leader's entry took the index: this proposal is lost.
				h.c.reply(h.id, workload.Reply{Client: p.client, Seq: p.seq, Leader: h.node.Leader()})
			}
		}
	}
}

// failProposals answers every waiting client when the node stops leading: their writes may still
// commit under the next leader, and a retry with the same sequence number is applied only once.
func (h *host) failProposals() {
	for i := range h.proposals.len() {
		p := h.proposals.at(i)
		h.c.reply(h.id, workload.Reply{Client: p.client, Seq: p.seq, Leader: h.node.Leader()})
	}
	h.proposals.clear()
}

// durableState is a node's stable storage.
type durableState struct{ raft.Durable }

// maxSnapshotBytes caps a snapshot's modelled size where it becomes an int for the disk model.
const maxSnapshotBytes = 1 << 40

// install makes snapshot s durable: it replaces the durable snapshot, and the entries it covers are
// discarded. The rest are copied to a new array, so that the discarded ones can be collected; if the
// durable log does not hold the snapshot's last entry, nothing of it follows the snapshot (an installed
// snapshot replaces the whole log).
func (d *durableState) install(s *raft.Snapshot) {
	if s.Index <= d.Snapshot.Index {
		return
	}
	k := s.Index - d.Snapshot.Index // entries the snapshot covers
	if k <= uint64(len(d.Entries)) && d.Entries[k-1].Term == s.Term {
		// As large as the old array: the log grows back to that length before the next snapshot.
		kept := make([]raft.Entry, uint64(len(d.Entries))-k, cap(d.Entries))
		copy(kept, d.Entries[k:])
		d.Entries = kept
	} else {
		d.Entries = nil
	}
	d.Snapshot = *s
}

func itoa(x uint64) string { return strconv.FormatUint(x, 10) }
