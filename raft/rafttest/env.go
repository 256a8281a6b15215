package rafttest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/raftsim/raftsim/raft"
)

// Observer watches the nodes of an env from outside, the way the simulator's safety checker watches a
// run (see cluster's host), and is told the same things in the same order. For each Ready a node hands
// out: SteppedDown if the node was leader and is no longer (or leads a new term), LogChanged for the
// entries of its persist batch, BecameLeader if it was just elected, Applied for the committed entries
// it hands out to apply, then Committed if its commit index moved since the last Ready. A node that
// crashes while leading is SteppedDown; a node that boots or restarts is Restarted with what it
// recovered from stable storage. States are compared at Readies, not at every input, as a host sees
// them.
//
// An error is a violation the observer found. The env keeps it (ObserverErrors) but leaves it out of
// the transcript, so that a script's transcript does not depend on what watches it; RunScript fails
// the test on it unless the script expects violations.
type Observer interface {
	// Restarted: the node recovered a snapshot through snapIndex (0 for none) of term snapTerm, then the
	// durable entries after it; conf is the configuration it starts from before them (raft.BootConf).
	Restarted(id, snapIndex, snapTerm uint64, conf raft.ConfState, durable []raft.Entry) error
	// Snapshotted: the node's log now starts after a snapshot through index (of term term, recording
	// configuration conf), as its persist batch says (before that batch's entries, if any, are
	// LogChanged).
	Snapshotted(id, index, term uint64, conf raft.ConfState) error
	LogChanged(id, first uint64, entries []raft.Entry) error
	BecameLeader(id, term uint64) error
	SteppedDown(id uint64)
	Applied(id uint64, entries []raft.Entry) error
	Committed(id, term, commit uint64) error
}

// edge is a directed link of the network.
type edge struct{ from, to uint64 }

// voteKey is a voter in a term.
type voteKey struct{ voter, term uint64 }

// node is the env's side of one node: its configuration, what it has on stable storage, the batches
// handed out but not yet durable, and the timers it asked for.
type node struct {
	id      uint64
	cfg     raft.Config
	n       *raft.Node // nil while crashed
	async   bool       // batches stay pending until a persist command
	durable raft.Durable
	pending []raft.Persist
	timers  [raft.NumTimeouts]time.Duration // armed timers; 0 when stopped
	armings int                             // times the election timer was armed (set or restarted), for the timers command
	applied uint64
	// sm is the node's state machine: the payloads of the entries applied, in order (a snapshot's image
	// is them joined by commas).
	sm    []string
	reads []envRead // reads with a read index, waiting for the node to apply that far

	// What the transcript last showed, to print changes.
	state raft.State
	term  uint64

	// What the observer was last told, at the last Ready.
	obsState  raft.State
	obsTerm   uint64
	obsCommit uint64
}

// record is an entry the env has seen committed or applied, with who and in which term.
type record struct {
	e    raft.Entry
	node uint64
	term uint64
}

// Env is the scenario host. It persists, delivers and fires timers only when a command says so, and
// checks after every input the safety properties it can see. It is not safe for concurrent use.
type Env struct {
	seed        uint64
	nodes       []*node // nodes[i] has ID i+1
	queue       []raft.Message
	cuts        map[edge]bool
	newObserver func() Observer
	obs         Observer // of the current cluster; nil for none

	pos     string // of the command being run, for failures
	out     strings.Builder
	indent  string
	pending string // header to print before the next line of the current block

	// Safety bookkeeping. Maps are only looked up, never iterated, so nothing reaches the output in
	// map order.
	now              time.Duration      // the env's clock (advance), told to every node for lease reads
	readCtx          uint64             // the last read tag handed out
	readFrom         map[uint64]uint64  // read tag -> the commit index known anywhere when the read was asked
	leaders          map[uint64]uint64  // term -> the node that became leader in it
	votes            map[voteKey]uint64 // candidate granted the vote
	committed        []record           // index-1 -> entry first seen committed there
	applied          []record           // index-1 -> entry first applied there
	reported         map[string]bool
	violations       []string
	obsErrs          []error
	expectViolations bool
}

// NewEnv returns an env without nodes; a script starts with add-nodes. If newObserver is not nil, it
// is called for a fresh observer each time a cluster is built (add-nodes), so that an observer never
// sees two clusters (a script may reset and start another).
func NewEnv(newObserver func() Observer) *Env {
	e := &Env{newObserver: newObserver}
	e.reset()
	return e
}

// reset forgets the cluster, keeping the violations found so far.
func (e *Env) reset() {
	*e = Env{
		seed: 1, cuts: map[edge]bool{}, newObserver: e.newObserver,
		leaders: map[uint64]uint64{}, votes: map[voteKey]uint64{}, reported: map[string]bool{}, readFrom: map[uint64]uint64{},
		violations: e.violations, obsErrs: e.obsErrs, expectViolations: e.expectViolations,
	}
}

// Run runs one command line, as written in a script, and returns its output.
func (e *Env) Run(line string) (string, error) {
	c := parseCmd("inline", line)
	return runCommand(&c, e.handle)
}

// Node returns the node with the given ID, or nil if it does not exist or is down.
func (e *Env) Node(id uint64) *raft.Node {
	if id == 0 || id > uint64(len(e.nodes)) {
		return nil
	}
	return e.nodes[id-1].n
}

// Check runs the env's checks now, as after every input, and returns every violation found so far.
// A test that changes a node behind the env's back calls it to see the change judged.
func (e *Env) Check() []string {
	for _, nd := range e.nodes {
		if nd.n != nil {
			e.observe(nd)
		}
	}
	e.check()
	return e.Violations()
}

// Violations returns the violations the env's own checks found, in order, each once.
func (e *Env) Violations() []string { return slices.Clone(e.violations) }

// ObserverErrors returns the violations the observers reported, in order, each once; each wraps the
// observer's error and names the command that caused it.
func (e *Env) ObserverErrors() []error { return slices.Clone(e.obsErrs) }

// printf writes one line of output at the current indentation, after the pending block header.
func (e *Env) printf(format string, args ...any) {
	if e.pending != "" {
		e.out.WriteString(e.pending + "\n")
		e.pending = ""
	}
	e.out.WriteString(e.indent)
	fmt.Fprintf(&e.out, format, args...)
	e.out.WriteByte('\n')
}

// block starts a block whose header is printed only if the block prints anything.
func (e *Env) block(format string, args ...any) {
	e.pending = fmt.Sprintf(format, args...)
	e.indent = "  "
}

func (e *Env) endBlock() {
	e.pending, e.indent = "", ""
}

// violation reports a broken property once, in the output.
func (e *Env) violation(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	if e.reported[s] {
		return
	}
	e.reported[s] = true
	e.violations = append(e.violations, s)
	e.printf("!!! %s", s)
}

// observed keeps an observer's error once, with the command that caused it; not in the transcript.
func (e *Env) observed(err error) {
	if err == nil {
		return
	}
	s := err.Error()
	for _, x := range e.obsErrs {
		if errors.Unwrap(x).Error() == s {
			return
		}
	}
	e.obsErrs = append(e.obsErrs, fmt.Errorf("%s: %w", e.pos, err))
}

func (e *Env) handle(c *cmd) (string, error) {
	e.pos = c.Pos
	e.out.Reset()
	e.endBlock()
	err := e.dispatch(c)
	e.endBlock()
	return e.out.String(), err
}

func (e *Env) dispatch(c *cmd) error {
	if c.Name != "add-nodes" && c.Name != "reset" && c.Name != "expect-violations" && len(e.nodes) == 0 {
		return errors.New("no nodes: add-nodes first")
	}
	switch c.Name {
	case "add-nodes":
		return e.addNodes(c)
	case "reset":
		e.reset()
		return nil
	case "expect-violations":
		e.expectViolations = true
		return nil
	case "campaign", "tick-election":
		return e.forEachNode(c, func(nd *node) { e.fire(nd, raft.ElectionTimeout) })
	case "tick-heartbeat":
		return e.forEachNode(c, func(nd *node) { e.fire(nd, raft.HeartbeatTimeout) })
	case "tick-lease":
		return e.forEachNode(c, func(nd *node) { e.fire(nd, raft.LeaseTimeout) })
	case "propose":
		return e.propose(c)
	case "read":
		return e.forEachNode(c, e.read)
	case "transfer":
		return e.transferCmd(c)
	case "advance":
		return e.advance(c)
	case "conf-change":
		return e.confChange(c)
	case "conf":
		return e.forEachNodeOrAll(c, e.printConf)
	case "stabilize":
		return e.stabilize(c)
	case "process-ready":
		return e.forEachNode(c, func(nd *node) {
			if nd.n != nil {
				e.handleReady(nd)
			}
		})
	case "persist":
		return e.persist(c)
	case "deliver-msgs", "drop-msgs":
		return e.deliverMsgs(c, c.Name == "drop-msgs")
	case "msgs":
		for _, m := range e.queue {
			e.printf("%s", fmtMsg(m))
		}
		return nil
	case "partition", "isolate", "cut", "heal":
		return e.network(c)
	case "crash":
		return e.forEachNode(c, e.crash)
	case "restart":
		return e.forEachNode(c, e.restart)
	case "set-durable":
		return e.setDurable(c)
	case "status":
		return e.forEachNodeOrAll(c, e.status)
	case "timers":
		return e.forEachNodeOrAll(c, e.printTimers)
	case "log":
		return e.forEachNodeOrAll(c, e.printLog)
	case "check":
		e.check()
		if len(e.violations) == 0 {
			e.printf("ok")
		}
		for _, v := range e.violations {
			e.printf("violation: %s", v)
		}
		return nil
	}
	return fmt.Errorf("unknown command %q", c.Name)
}

func (e *Env) nodeArg(s string) (*node, error) {
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil || id == 0 || id > uint64(len(e.nodes)) {
		return nil, fmt.Errorf("no node %q", s)
	}
	return e.nodes[id-1], nil
}

// nodeList parses "1,2,3" or several positional IDs.
func (e *Env) nodeList(args []string) ([]*node, error) {
	var out []*node
	for _, a := range args {
		for _, s := range strings.Split(a, ",") {
			nd, err := e.nodeArg(s)
			if err != nil {
				return nil, err
			}
			out = append(out, nd)
		}
	}
	return out, nil
}

func (e *Env) forEachNode(c *cmd, f func(*node)) error {
	if err := c.onlyKeys(); err != nil {
		return err
	}
	nds, err := e.nodeList(c.positional())
	if err != nil {
		return err
	}
	if len(nds) == 0 {
		return fmt.Errorf("%s: which node?", c.Name)
	}
	for _, nd := range nds {
		f(nd)
	}
	return nil
}

func (e *Env) forEachNodeOrAll(c *cmd, f func(*node)) error {
	if len(c.positional()) == 0 {
		for _, nd := range e.nodes {
			f(nd)
		}
		return nil
	}
	return e.forEachNode(c, f)
}

func parseBool(c *cmd, key string) (bool, error) {
	v, ok := c.lookup(key)
	if !ok {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s=%s: %w", key, v, err)
	}
	return b, nil
}

// parsePreVote reads prevote=: true or thesis, etcd, false or off.
func parsePreVote(c *cmd) (raft.PreVote, error) {
	v, ok := c.lookup("prevote")
	switch {
	case !ok || v == "false" || v == "off":
		return raft.PreVoteOff, nil
	case v == "true" || v == "thesis":
		return raft.PreVoteThesis, nil
	case v == "etcd":
		return raft.PreVoteEtcd, nil
	}
	return 0, fmt.Errorf("prevote=%s: want true (thesis), thesis, etcd or false", v)
}

// parseVariant reads vote-write=parallel|before_send, voter-timer=on_grant|on_durable,
// vote-write-holds-timer=true|false and heartbeat-reply=queued|at_once.
func parseVariant(c *cmd, v *raft.Variant) error {
	var err error
	if s, ok := c.lookup("vote-write"); ok {
		if v.VoteWrite, err = raft.ParseVoteWrite(s); err != nil {
			return fmt.Errorf("vote-write=%s: %w", s, err)
		}
	}
	if s, ok := c.lookup("voter-timer"); ok {
		if v.VoterTimer, err = raft.ParseVoterTimer(s); err != nil {
			return fmt.Errorf("voter-timer=%s: %w", s, err)
		}
	}
	if s, ok := c.lookup("heartbeat-reply"); ok {
		if v.HeartbeatReply, err = raft.ParseHeartbeatReply(s); err != nil {
			return fmt.Errorf("heartbeat-reply=%s: %w", s, err)
		}
	}
	v.VoteWriteHoldsTimer, err = parseBool(c, "vote-write-holds-timer")
	return err
}

func parseInt(c *cmd, key string) (int, error) {
	v, ok := c.lookup(key)
	if !ok {
		return 0, nil
	}
	return strconv.Atoi(v)
}

// addNodes creates a fresh cluster: add-nodes N [prevote=] [checkquorum=] [election=min:max]
// [heartbeat=] [mutate=name,...] [max-entries=] [max-inflight=] [snapshot-entries=]
// [async-persist=true|1,2] [seed=] [vote-write=] [voter-timer=] [vote-write-holds-timer=] [heartbeat-reply=].
func (e *Env) addNodes(c *cmd) error {
	if err := c.onlyKeys("prevote", "checkquorum", "election", "heartbeat", "mutate",
		"max-entries", "max-inflight", "snapshot-entries", "async-persist", "seed",
		"vote-write", "voter-timer", "vote-write-holds-timer", "heartbeat-reply", "spares",
		"lease-read", "clock-drift"); err != nil {
		return err
	}
	if len(e.nodes) > 0 {
		return errors.New("add-nodes: the cluster exists already (reset first)")
	}
	pos := c.positional()
	if len(pos) != 1 {
		return errors.New("add-nodes: want the number of nodes")
	}
	count, err := strconv.Atoi(pos[0])
	if err != nil || count < 1 {
		return fmt.Errorf("add-nodes: bad count %q", pos[0])
	}
	cfg := raft.Config{ElectionTimeoutMin: 150 * time.Millisecond, ElectionTimeoutMax: 300 * time.Millisecond,
		HeartbeatInterval: 50 * time.Millisecond}
	for i := 1; i <= count; i++ {
		cfg.Peers = append(cfg.Peers, uint64(i))
	}
	if cfg.PreVote, err = parsePreVote(c); err != nil {
		return err
	}
	if err := parseVariant(c, &cfg.Variant); err != nil {
		return err
	}
	if cfg.CheckQuorum, err = parseBool(c, "checkquorum"); err != nil {
		return err
	}
	if v, ok := c.lookup("mutate"); ok {
		if err := setMutants(&cfg, v); err != nil {
			return fmt.Errorf("mutate=%s: %w", v, err)
		}
	}
	if cfg.LeaseRead, err = parseBool(c, "lease-read"); err != nil {
		return err
	}
	if v, ok := c.lookup("clock-drift"); ok {
		if cfg.ClockDrift, err = strconv.ParseFloat(v, 64); err != nil {
			return fmt.Errorf("clock-drift=%s: %w", v, err)
		}
	}
	spares, err := parseInt(c, "spares")
	if err != nil {
		return err
	}
	if cfg.MaxEntriesPerMsg, err = parseInt(c, "max-entries"); err != nil {
		return err
	}
	if cfg.MaxInflight, err = parseInt(c, "max-inflight"); err != nil {
		return err
	}
	k, err := parseInt(c, "snapshot-entries")
	if err != nil {
		return err
	}
	cfg.SnapshotEntries = uint64(max(k, 0))
	if v, ok := c.lookup("election"); ok {
		lo, hi, _ := strings.Cut(v, ":")
		if cfg.ElectionTimeoutMin, err = time.ParseDuration(lo); err != nil {
			return err
		}
		if cfg.ElectionTimeoutMax, err = time.ParseDuration(hi); err != nil {
			return err
		}
	}
	if v, ok := c.lookup("heartbeat"); ok {
		if cfg.HeartbeatInterval, err = time.ParseDuration(v); err != nil {
			return err
		}
	}
	if v, ok := c.lookup("seed"); ok {
		if e.seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			return err
		}
	}
	async := map[uint64]bool{}
	if v, ok := c.lookup("async-persist"); ok {
		switch v {
		case "true":
			for id := 1; id <= count+max(spares, 0); id++ {
				async[uint64(id)] = true
			}
		case "false":
		default:
			for _, s := range strings.Split(v, ",") {
				id, err := strconv.ParseUint(s, 10, 64)
				if err != nil {
					return fmt.Errorf("async-persist=%s: %w", v, err)
				}
				async[id] = true
			}
		}
	}
	if e.newObserver != nil {
		e.obs = e.newObserver()
	}
	// Spares get the IDs after the voters and the same bootstrap configuration, which leaves them out.
	ids := slices.Clone(cfg.Peers)
	for i := 1; i <= spares; i++ {
		ids = append(ids, uint64(count+i))
	}
	for _, id := range ids {
		ncfg := cfg
		ncfg.ID = id
		ncfg.Peers = slices.Clone(cfg.Peers)
		ncfg.Rand = rand.New(rand.NewPCG(e.seed, id))
		nd := &node{id: id, cfg: ncfg, async: async[id]}
		e.nodes = append(e.nodes, nd)
		if err := e.boot(nd); err != nil {
			return err
		}
	}
	return nil
}

// boot starts nd from its durable state and takes the node's first Ready, which should only arm the
// election timer and, after a snapshot, hand it back to restore.
func (e *Env) boot(nd *node) error {
	d := raft.Durable{HardState: nd.durable.HardState, Snapshot: nd.durable.Snapshot, Entries: slices.Clone(nd.durable.Entries)}
	n, err := raft.New(nd.cfg, d)
	if err != nil {
		return err
	}
	nd.n, nd.applied, nd.sm, nd.state, nd.term, nd.reads = n, 0, nil, n.State(), n.Term(), nil
	n.SetNow(e.now)
	nd.obsState, nd.obsTerm, nd.obsCommit = n.State(), n.Term(), n.Commit()
	nd.timers, nd.armings = [raft.NumTimeouts]time.Duration{}, 0
	if e.obs != nil {
		e.observed(e.obs.Restarted(nd.id, d.Snapshot.Index, d.Snapshot.Term, raft.BootConf(nd.cfg.Peers, &d.Snapshot), d.Entries))
	}
	rd := n.Ready()
	if len(rd.Messages) > 0 || rd.HasPersist || len(rd.Committed) > 0 {
		e.violation("node %d: first Ready after New holds more than timers and a snapshot", nd.id)
	}
	if (rd.Snapshot != nil) != (d.Snapshot.Index > 0) || rd.Snapshot != nil && rd.Snapshot.Index != d.Snapshot.Index {
		e.violation("node %d: first Ready after New does not hand back the durable snapshot", nd.id)
	}
	if rd.Snapshot != nil {
		e.restoreSM(nd, rd.Snapshot)
	}
	e.setTimers(nd, rd.Timers)
	return nil
}

// restoreSM replaces nd's state machine with snapshot s.
func (e *Env) restoreSM(nd *node, s *raft.Snapshot) {
	nd.sm = nil
	if len(s.Data) > 0 {
		nd.sm = strings.Split(string(s.Data), ",")
	}
	nd.applied = s.Index
}

// compact snapshots nd's state machine at the index the node asked for.
func (e *Env) compact(nd *node, index uint64) {
	if index != nd.applied {
		e.violation("node %d: snapshot due at %d but it has applied through %d", nd.id, index, nd.applied)
		return
	}
	data := strings.Join(nd.sm, ",")
	if err := nd.n.Compact(index, []byte(data), uint64(len(data))); err != nil {
		e.violation("node %d: %v", nd.id, err)
		return
	}
	e.printf("snapshot %s", fmtSnap(nd.n.Snapshot()))
}

// fire delivers a timer's expiry, if the node has armed that timer. Timers are one-shot: the node
// arms them again in a later Ready if it wants them.
func (e *Env) fire(nd *node, t raft.Timeout) {
	if nd.n == nil {
		e.printf("node %d is down", nd.id)
		return
	}
	if nd.timers[t] == 0 {
		e.printf("node %d: %s timer not armed", nd.id, t)
		return
	}
	nd.timers[t] = 0
	nd.n.Timeout(t)
	e.observe(nd)
	e.check()
}

func (e *Env) propose(c *cmd) error {
	if err := c.onlyKeys(); err != nil {
		return err
	}
	pos := c.positional()
	if len(pos) < 2 {
		return errors.New("propose: want a node and data")
	}
	nd, err := e.nodeArg(pos[0])
	if err != nil {
		return err
	}
	if nd.n == nil {
		e.printf("node %d is down", nd.id)
		return nil
	}
	for _, d := range pos[1:] {
		idx, term, err := nd.n.Propose([]byte(d), uint32(len(d)))
		if err != nil {
			e.printf("node %d: %v (leader %d)", nd.id, err, nd.n.Leader())
			continue
		}
		e.printf("node %d: proposed %d/%d:%s", nd.id, term, idx, d)
		e.observe(nd)
		e.check()
	}
	return nil
}

// confChange N add-voter|add-learner|remove ID proposes a configuration change at node N.
func (e *Env) confChange(c *cmd) error {
	if err := c.onlyKeys(); err != nil {
		return err
	}
	pos := c.positional()
	if len(pos) != 3 {
		return errors.New("conf-change: want a node, add-voter|add-learner|remove, and an ID")
	}
	nd, err := e.nodeArg(pos[0])
	if err != nil {
		return err
	}
	typ, err := raft.ParseConfChangeType(pos[1])
	if err != nil {
		return fmt.Errorf("conf-change: %w", err)
	}
	id, err := strconv.ParseUint(pos[2], 10, 64)
	if err != nil {
		return fmt.Errorf("conf-change: ID %q: %w", pos[2], err)
	}
	if nd.n == nil {
		e.printf("node %d is down", nd.id)
		return nil
	}
	idx, _, err := nd.n.ProposeConfChange(raft.ConfChange{Type: typ, ID: id})
	if err != nil {
		e.printf("node %d: %v", nd.id, err)
		return nil
	}
	x, _ := nd.n.Entry(idx)
	e.printf("node %d: proposed %s", nd.id, fmtEntry(x, true))
	e.observe(nd)
	e.check()
	return nil
}

// printConf shows nd's configuration, the index of its entry, and whether the node knows it committed.
func (e *Env) printConf(nd *node) {
	if nd.n == nil {
		e.printf("%d: down", nd.id)
		return
	}
	cs, at := nd.n.Conf(), nd.n.ConfIndex()
	state := "committed"
	if at > nd.n.Commit() {
		state = "uncommitted"
	}
	role := "non-member"
	switch {
	case cs.IsVoter(nd.id):
		role = "voter"
	case cs.IsLearner(nd.id):
		role = "learner"
	}
	e.printf("%d: %s at=%d %s (%s)", nd.id, cs, at, state, role)
}

// handleReady takes one Ready from nd: it sends the messages that may go at once, persists the batch
// (at once, or leaves it pending for an asynchronous node) and applies the committed entries.
func (e *Env) handleReady(nd *node) {
	rd := nd.n.Ready()
	e.tellObserver(nd, &rd)
	e.block("> %d handling Ready", nd.id)
	for _, m := range rd.Messages {
		e.send(nd, m)
	}
	if rd.HasPersist {
		p := rd.Persist
		p.Messages = slices.Clone(p.Messages)
		if nd.async {
			e.printf("persist #%d%s (pending)", p.Seq, fmtBatch(&p))
			for _, m := range p.Messages {
				e.printf("hold %s until #%d", fmtMsg(m), p.Seq)
			}
			nd.pending = append(nd.pending, p)
		} else {
			e.printf("persist #%d%s", p.Seq, fmtBatch(&p))
			e.makeDurable(nd, &p)
			nd.n.Persisted(p.Seq)
			for _, m := range p.Messages {
				e.send(nd, m)
			}
		}
	}
	if rd.Snapshot != nil {
		e.printf("restore %s", fmtSnap(rd.Snapshot))
		e.restoreSM(nd, rd.Snapshot)
	}
	if len(rd.Committed) > 0 {
		e.apply(nd, rd.Committed)
	}
	if rd.SnapshotDue != 0 {
		e.compact(nd, rd.SnapshotDue)
	}
	e.readStates(nd, rd.ReadStates)
	e.setTimers(nd, rd.Timers)
	e.observe(nd)
	e.check()
	e.endBlock()
}

// persist [nodes] [upto=seq] makes an asynchronous node's pending batches durable, in order, and sends
// the messages each one held.
func (e *Env) persist(c *cmd) error {
	if err := c.onlyKeys("upto"); err != nil {
		return err
	}
	upto, err := parseInt(c, "upto")
	if err != nil {
		return err
	}
	nds, err := e.nodeList(c.positional())
	if err != nil {
		return err
	}
	for _, nd := range nds {
		e.block("> %d persisting", nd.id)
		if nd.n == nil {
			e.printf("node %d is down", nd.id)
		}
		for nd.n != nil && len(nd.pending) > 0 && (upto == 0 || nd.pending[0].Seq <= uint64(upto)) {
			p := nd.pending[0]
			nd.pending = nd.pending[1:]
			e.printf("#%d durable", p.Seq)
			e.makeDurable(nd, &p)
			nd.n.Persisted(p.Seq)
			for _, m := range p.Messages {
				e.send(nd, m)
			}
			e.observe(nd)
			e.check()
		}
		e.endBlock()
	}
	return nil
}

// makeDurable writes batch p to nd's stable storage.
func (e *Env) makeDurable(nd *node, p *raft.Persist) {
	if p.HasHardState {
		nd.durable.HardState = p.HardState
	}
	if s := p.Snapshot; s != nil {
		d := &nd.durable
		k := int(s.Index - d.Snapshot.Index) // entries of the durable log the snapshot replaces
		if k > 0 && k <= len(d.Entries) && d.Entries[k-1].Term == s.Term {
			d.Entries = slices.Clone(d.Entries[k:])
		} else {
			if len(d.Entries) > 0 {
				e.printf("durable log of %d drops %s", nd.id, fmtEntries(d.Entries, true))
			}
			d.Entries = nil
		}
		d.Snapshot = *s
	}
	if p.First == 0 {
		return
	}
	k := int(p.First - 1 - nd.durable.Snapshot.Index)
	if k > len(nd.durable.Entries) {
		e.violation("node %d: batch #%d starts at %d, past the end of the durable log at %d", nd.id, p.Seq, p.First, len(nd.durable.Entries))
		return
	}
	if len(p.Entries) > 0 && p.Entries[0].Index != p.First {
		e.violation("node %d: batch #%d starts at %d but its first entry is %d", nd.id, p.Seq, p.First, p.Entries[0].Index)
	}
	if lost := nd.durable.Entries[k:]; len(lost) > 0 {
		e.printf("durable log of %d drops %s", nd.id, fmtEntries(lost, true))
	}
	nd.durable.Entries = append(nd.durable.Entries[:k:k], p.Entries...)
}

// send puts m on the network after checking that the sender has made durable what m vouches for. A
// message held behind a batch may leave after later batches are durable too, so a durable term higher
// than the message's is fine: the node has moved on and can never vote in the message's term again.
func (e *Env) send(nd *node, m raft.Message) {
	e.printf("send %s", fmtMsg(m))
	hs := nd.durable.HardState
	switch {
	case m.Type == raft.MsgVoteResp && !m.Reject && (hs.Term < m.Term || hs.Term == m.Term && hs.Vote != m.To):
		e.violation("persistence: node %d grants its vote to %d in term %d before the vote is durable (durable term=%d vote=%d)", nd.id, m.To, m.Term, hs.Term, hs.Vote)
	case (m.Type == raft.MsgApp || m.Type == raft.MsgHeartbeat) && hs.Term != m.Term:
		e.violation("persistence: leader %d sends %s in term %d while its durable term is %d", nd.id, m.Type, m.Term, hs.Term)
	case m.Type == raft.MsgAppResp && !m.Reject && m.Index > durableLast(nd):
		// Only the length can be checked: a newer leader may since have replaced the acknowledged
		// entries, durably, and the acknowledgement then still leaves, harmlessly, to the old leader.
		e.violation("persistence: node %d acknowledges index %d before it is durable (durable last index %d)", nd.id, m.Index, durableLast(nd))
	}
	if m.Type == raft.MsgVoteResp && !m.Reject {
		k := voteKey{nd.id, m.Term}
		if prev, ok := e.votes[k]; ok && prev != m.To {
			e.violation("safety: node %d granted its vote in term %d to both %d and %d", nd.id, m.Term, prev, m.To)
		} else {
			e.votes[k] = m.To
		}
	}
	e.queue = append(e.queue, m)
}

// deliver hands m to its destination, unless the link is cut or the destination is down.
func (e *Env) deliver(m raft.Message) {
	to := e.nodes[m.To-1]
	switch {
	case e.cuts[edge{m.From, m.To}]:
		e.printf("%s (dropped: link cut)", fmtMsg(m))
	case to.n == nil:
		e.printf("%s (dropped: %d is down)", fmtMsg(m), m.To)
	default:
		e.printf("%s", fmtMsg(m))
		e.step(to, m)
		if to.n != nil {
			e.observe(to)
		}
		e.check()
	}
}

// step gives m to nd; a panic in the node is a violation (the node detected one), and the node is
// treated as crashed.
func (e *Env) step(nd *node, m raft.Message) {
	defer func() {
		if r := recover(); r != nil {
			e.violation("node %d panicked: %v", nd.id, r)
			e.printf("node %d is down after the panic", nd.id)
			e.down(nd)
		}
	}()
	nd.n.Step(m)
}

// deliverTo delivers msgs (removed from the queue already) grouped by destination in ID order,
// keeping the order of each link.
func (e *Env) deliverTo(msgs []raft.Message) {
	for _, nd := range e.nodes {
		e.block("> %d receiving messages", nd.id)
		for _, m := range msgs {
			if m.To == nd.id {
				e.deliver(m)
			}
		}
		e.endBlock()
	}
}

// takeMsgs removes from the queue and returns the messages for which keep is true.
func (e *Env) takeMsgs(keep func(raft.Message) bool) []raft.Message {
	var out, rest []raft.Message
	for _, m := range e.queue {
		if keep(m) {
			out = append(out, m)
		} else {
			rest = append(rest, m)
		}
	}
	e.queue = rest
	return out
}

// stabilize [nodes]: repeatedly take every node's Ready in ID order, then deliver every queued message,
// until nothing changes. With nodes given, only those take part, and only messages between them move.
func (e *Env) stabilize(c *cmd) error {
	if err := c.onlyKeys(); err != nil {
		return err
	}
	nds, err := e.nodeList(c.positional())
	if err != nil {
		return err
	}
	if len(nds) == 0 {
		nds = e.nodes
	}
	in := func(id uint64) bool {
		return slices.ContainsFunc(nds, func(nd *node) bool { return nd.id == id })
	}
	for round := 0; ; round++ {
		if round == 1000 {
			return errors.New("stabilize: not quiescent after 1000 rounds")
		}
		busy := false
		for _, nd := range nds {
			if nd.n != nil && nd.n.HasReady() {
				e.handleReady(nd)
				busy = true
			}
		}
		msgs := e.takeMsgs(func(m raft.Message) bool { return in(m.From) && in(m.To) })
		if len(msgs) > 0 {
			e.deliverTo(msgs)
			busy = true
		}
		if !busy {
			return nil
		}
	}
}

// deliverMsgs [from=] [to=] [type=]: deliver (or drop) the queued messages that match every filter
// given; each filter takes a comma-separated list.
func (e *Env) deliverMsgs(c *cmd, drop bool) error {
	if err := c.onlyKeys("from", "to", "type"); err != nil {
		return err
	}
	if len(c.positional()) > 0 {
		return fmt.Errorf("%s: filters are key=value", c.Name)
	}
	match := func(key, val string) bool {
		v, ok := c.lookup(key)
		return !ok || slices.Contains(strings.Split(v, ","), val)
	}
	msgs := e.takeMsgs(func(m raft.Message) bool {
		return match("from", strconv.FormatUint(m.From, 10)) && match("to", strconv.FormatUint(m.To, 10)) &&
			match("type", m.Type.String())
	})
	if drop {
		for _, m := range msgs {
			e.printf("dropped %s", fmtMsg(m))
		}
		return nil
	}
	e.deliverTo(msgs)
	return nil
}

// network changes the cuts: partition 1,2|3,4,5 (replacing every cut), isolate 3, cut 1->2 or
// cut 1-2 (both ways), heal.
func (e *Env) network(c *cmd) error {
	pos := c.positional()
	switch c.Name {
	case "heal":
		e.cuts = map[edge]bool{}
	case "partition":
		if len(pos) != 1 {
			return errors.New("partition: want groups like 1,2|3,4,5")
		}
		group := map[uint64]int{}
		for g, part := range strings.Split(pos[0], "|") {
			nds, err := e.nodeList([]string{part})
			if err != nil {
				return err
			}
			for _, nd := range nds {
				group[nd.id] = g
			}
		}
		if len(group) != len(e.nodes) {
			return errors.New("partition: every node must be in a group")
		}
		e.cuts = map[edge]bool{}
		for _, a := range e.nodes {
			for _, b := range e.nodes {
				if group[a.id] != group[b.id] {
					e.cuts[edge{a.id, b.id}] = true
				}
			}
		}
	case "isolate":
		nds, err := e.nodeList(pos)
		if err != nil {
			return err
		}
		for _, a := range nds {
			for _, b := range e.nodes {
				if a != b {
					e.cuts[edge{a.id, b.id}], e.cuts[edge{b.id, a.id}] = true, true
				}
			}
		}
	case "cut":
		for _, p := range pos {
			a, b, oneWay := strings.Cut(p, "->")
			if !oneWay {
				a, b, _ = strings.Cut(p, "-")
			}
			x, err := e.nodeArg(a)
			if err != nil {
				return err
			}
			y, err := e.nodeArg(b)
			if err != nil {
				return err
			}
			e.cuts[edge{x.id, y.id}] = true
			if !oneWay {
				e.cuts[edge{y.id, x.id}] = true
			}
		}
	}
	return nil
}

// crash drops nd's volatile state and the batches it handed out that are not durable yet.
func (e *Env) crash(nd *node) {
	if nd.n == nil {
		e.printf("node %d is down already", nd.id)
		return
	}
	hs := nd.durable.HardState
	e.printf("node %d crashed: durable term=%d vote=%d last=%s", nd.id, hs.Term, hs.Vote, lastOf(nd.durable))
	for _, p := range nd.pending {
		e.printf("lost #%d%s", p.Seq, fmtBatch(&p))
		for _, m := range p.Messages {
			e.printf("lost %s", fmtMsg(m))
		}
	}
	e.down(nd)
}

// down drops nd's volatile state: the node, its pending batches, its timers. The observer hears that
// a leader is gone, as the simulator's checker does when a leader crashes.
func (e *Env) down(nd *node) {
	if e.obs != nil && nd.obsState == raft.Leader {
		e.obs.SteppedDown(nd.id)
	}
	nd.n, nd.pending, nd.timers = nil, nil, [raft.NumTimeouts]time.Duration{}
	nd.obsState, nd.obsTerm, nd.obsCommit = raft.Follower, 0, 0
}

// setDurable N [term=] [vote=] [log=1,1,4,...] replaces what a crashed node has on stable storage, to
// build a situation exactly (the logs of Figure 7, say); log lists the terms of entries 1, 2, ...
func (e *Env) setDurable(c *cmd) error {
	if err := c.onlyKeys("term", "vote", "log"); err != nil {
		return err
	}
	pos := c.positional()
	if len(pos) != 1 {
		return errors.New("set-durable: want one node")
	}
	nd, err := e.nodeArg(pos[0])
	if err != nil {
		return err
	}
	if nd.n != nil {
		return fmt.Errorf("set-durable: node %d is up (crash it first)", nd.id)
	}
	var d raft.Durable
	for _, k := range []string{"term", "vote"} {
		v, ok := c.lookup(k)
		if !ok {
			continue
		}
		x, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return fmt.Errorf("set-durable: %s=%s: %w", k, v, err)
		}
		if k == "term" {
			d.HardState.Term = x
		} else {
			d.HardState.Vote = x
		}
	}
	if v, ok := c.lookup("log"); ok && v != "" {
		for i, s := range strings.Split(v, ",") {
			t, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				return fmt.Errorf("set-durable: log=%s: %w", v, err)
			}
			d.Entries = append(d.Entries, raft.Entry{Term: t, Index: uint64(i + 1)})
		}
	}
	nd.durable = d
	return nil
}

// restart starts nd again from exactly what it made durable.
func (e *Env) restart(nd *node) {
	if nd.n != nil {
		e.printf("node %d is up already", nd.id)
		return
	}
	if err := e.boot(nd); err != nil {
		e.printf("node %d: %v", nd.id, err)
		return
	}
	e.printf("node %d restarted: term=%d vote=%d last=%s", nd.id, nd.n.Term(), nd.n.Vote(), lastOf(nd.durable))
	e.check()
}

// printTimers shows how often nd's election timer has been armed since the node started, and whether
// it is armed now, held back (raft.Variant.VoteWriteHoldsTimer) or stopped: the env keeps no clock, so
// this is how a script shows when a timer restarts.
func (e *Env) printTimers(nd *node) {
	if nd.n == nil {
		e.printf("%d: down", nd.id)
		return
	}
	now := "stopped"
	switch {
	case nd.timers[raft.ElectionTimeout] != 0:
		now = "armed"
	case nd.n.ElectionHeld():
		now = "held until the vote is durable"
	}
	e.printf("%d: election timer armed %d times, %s", nd.id, nd.armings, now)
}

func (e *Env) status(nd *node) {
	if nd.n == nil {
		hs := nd.durable.HardState
		e.printf("%d: down (durable term=%d vote=%d last=%s)", nd.id, hs.Term, hs.Vote, lastOf(nd.durable))
		return
	}
	n := nd.n
	var timers []string
	for t, d := range nd.timers {
		if d != 0 {
			timers = append(timers, raft.Timeout(t).String())
		}
	}
	last, _ := n.Entry(n.LastIndex())
	// The env learns of timers from Readies: say so when the node has one the script has not taken yet.
	unhandled := ""
	if len(nd.pending) > 0 {
		seqs := make([]string, len(nd.pending))
		for i := range nd.pending {
			seqs[i] = fmt.Sprintf("#%d", nd.pending[i].Seq)
		}
		unhandled = " pending=" + strings.Join(seqs, ",")
	}
	if n.HasReady() {
		unhandled += " (Ready not handled yet)"
	}
	if n.LastIndex() == n.SnapshotIndex() && n.Snapshot() != nil {
		last = raft.Entry{Term: n.Snapshot().Term, Index: n.SnapshotIndex()}
	}
	snap := ""
	if i := n.SnapshotIndex(); i > 0 {
		snap = fmt.Sprintf(" snapshot=%d", i)
	}
	e.printf("%d: %s term=%d vote=%d lead=%d commit=%d last=%d/%d persisted=%d%s timers=%s%s", nd.id, n.State(),
		n.Term(), n.Vote(), n.Leader(), n.Commit(), last.Term, last.Index, n.PersistedIndex(), snap, strings.Join(timers, ","), unhandled)
	if n.State() != raft.Leader {
		return
	}
	for _, id := range n.Peers() {
		pr, ok := n.Progress(id)
		if !ok || id == n.ID() {
			continue
		}
		s := "probe"
		learner := ""
		if cs := n.Conf(); cs.IsLearner(id) {
			learner = " learner"
		} else if pr.Learner {
			learner = " leaving" // tracked until the change that removes it commits
		}
		if pr.ProbeSent {
			s += " (waiting)"
		}
		if pr.Replicate {
			s = fmt.Sprintf("replicate inflight=%d/%d", pr.Inflight, pr.MaxInflight)
		}
		if pr.Snapshot != 0 {
			s = fmt.Sprintf("snapshot %d (waiting)", pr.Snapshot)
		}
		e.printf("  %d:%s match=%d next=%d %s", id, learner, pr.Match, pr.Next, s)
	}
}

func (e *Env) printLog(nd *node) {
	if nd.n == nil {
		e.printf("%d: (down; durable) %s", nd.id, fmtEntries(nd.durable.Entries, true))
		return
	}
	snap := ""
	if i := nd.n.SnapshotIndex(); i > 0 {
		snap = fmt.Sprintf("snapshot=%d/%d ", nd.n.Snapshot().Term, i)
	}
	e.printf("%d: %s%s", nd.id, snap, fmtEntries(nd.n.Entries(1, nd.n.LastIndex()), true))
}

// durableLast is the index of the last entry nd's stable storage holds, in its log or its snapshot.
func durableLast(nd *node) uint64 {
	return nd.durable.Snapshot.Index + uint64(len(nd.durable.Entries))
}
