package raft

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestInteraction runs the scenario scripts in testdata/ against an interaction env: a host that
// drives Nodes by hand, one input at a time, and prints a transcript of everything that happens.
// The expected transcripts are a specification of the node's behaviour; see the comments in each
// script for what it shows and which section of the Raft paper or thesis it exercises. Regenerate them
// with go test ./raft -run TestInteraction -update, and read the diff.
//
// Commands (node lists are "1 2 3" or "1,2,3"):
//
//	add-nodes N [prevote=] [checkquorum=] [election=150ms:300ms] [heartbeat=50ms]
//	          [unsafe-commit-prior-term=] [max-entries=] [max-inflight=] [async-persist=true|1,2] [seed=]
//	reset                         forget the cluster (to run a second scenario in one file)
//	campaign N / tick-election N  fire the election timer (a leader's quorum check with CheckQuorum)
//	tick-heartbeat N, tick-lease N
//	propose N data...             one entry per datum
//	stabilize [nodes]             Readies in ID order, then every queued message between the nodes,
//	                              until nothing moves; batches of synchronous nodes are durable at once
//	process-ready nodes           take one Ready from each, deliver nothing
//	persist nodes [upto=seq]      make an asynchronous node's pending batches durable, in order
//	deliver-msgs / drop-msgs [from=] [to=] [type=]   the queued messages matching every filter
//	msgs                          list the queued messages
//	partition 1,2|3,4,5 / isolate N / cut 1->2 / cut 1-2 / heal   links are cut at delivery time
//	crash N / restart N           lose everything not durable / start from what is durable
//	set-durable N [term=] [vote=] [log=1,1,4]   write a crashed node's stable storage directly
//	status [nodes] / log [nodes] / check
//	expect-violations             the script shows a broken property on purpose
//
// A timer fires only if the node armed it (timers are one-shot; the env learns of them from Readies).
//
// Transcript notation: an entry is term/index (with :data when it has a payload), so log=1/5 in an
// AppendEntries is the entry preceding the ones sent, and in a vote request the candidate's last
// entry. "> 1 handling Ready" lists what node 1 handed out: "send" for messages that leave at once,
// "persist #n" for its batch, "apply" for committed entries. A synchronous node's batch is durable as
// soon as it is listed, and the "send" lines after it are the messages it held; an asynchronous node's
// batch is "(pending)" and its messages are "hold ... until #n" until a persist command. "> 2 receiving
// messages" lists deliveries to node 2 and what they changed. After every input the env checks the
// safety properties it can see — one leader per term, one vote per node per term, Log Matching,
// Leader Completeness, agreement of committed and applied entries, nothing vouched for before it is
// durable, timers that fit the role — and prints each violation once, on a line starting with !!!.
// A violation fails the test unless the script says expect-violations.
func TestInteraction(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scripts in testdata/")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			e := newInteractionEnv(t)
			runScript(t, f, e.handle, func() string {
				return fmt.Sprintf("nodes seeded with rand.NewPCG(%d, id)", e.seed)
			})
			if e.expectViolations && len(e.violations) == 0 {
				t.Errorf("%s: the script expects violations (expect-violations) but none was found", f)
			}
		})
	}
}

// edge is a directed link of the network.
type edge struct{ from, to uint64 }

// voteKey is a voter in a term.
type voteKey struct{ voter, term uint64 }

// inode is the env's side of one node: its configuration, what it has on stable storage, the batches
// handed out but not yet durable, and the timers it asked for.
type inode struct {
	id      uint64
	cfg     Config
	n       *Node // nil while crashed
	async   bool  // batches stay pending until a persist command
	durable Durable
	pending []Persist
	timers  [NumTimeouts]time.Duration // armed timers; 0 when stopped
	applied uint64

	// What the transcript last showed, to print changes.
	state State
	term  uint64
}

// record is an entry the env has seen committed or applied, with who and in which term.
type record struct {
	e    Entry
	node uint64
	term uint64
}

// interactionEnv is the scenario host. It persists, delivers and fires timers only when a command says
// so, and checks after every input the safety properties it can see.
type interactionEnv struct {
	t     *testing.T
	seed  uint64
	nodes []*inode // nodes[i] has ID i+1
	queue []Message
	cuts  map[edge]bool

	pos     string // of the command being run, for failures
	out     strings.Builder
	indent  string
	pending string // header to print before the next line of the current block

	// Safety bookkeeping. Maps are only looked up, never iterated, so nothing reaches the output in
	// map order.
	leaders          map[uint64]uint64  // term -> the node that became leader in it
	votes            map[voteKey]uint64 // candidate granted the vote
	committed        []record           // index-1 -> entry first seen committed there
	applied          []record           // index-1 -> entry first applied there
	reported         map[string]bool
	violations       []string
	expectViolations bool
}

func newInteractionEnv(t *testing.T) *interactionEnv {
	e := &interactionEnv{t: t}
	e.reset()
	return e
}

func (e *interactionEnv) reset() {
	*e = interactionEnv{
		t: e.t, seed: 1, cuts: map[edge]bool{},
		leaders: map[uint64]uint64{}, votes: map[voteKey]uint64{}, reported: map[string]bool{},
		violations: e.violations, expectViolations: e.expectViolations,
	}
}

// printf writes one line of output at the current indentation, after the pending block header.
func (e *interactionEnv) printf(format string, args ...any) {
	if e.pending != "" {
		e.out.WriteString(e.pending + "\n")
		e.pending = ""
	}
	e.out.WriteString(e.indent)
	fmt.Fprintf(&e.out, format, args...)
	e.out.WriteByte('\n')
}

// block starts a block whose header is printed only if the block prints anything.
func (e *interactionEnv) block(format string, args ...any) {
	e.pending = fmt.Sprintf(format, args...)
	e.indent = "  "
}

func (e *interactionEnv) endBlock() {
	e.pending, e.indent = "", ""
}

// violation reports a broken property once, in the output; it fails the test unless the script said
// it expects violations.
func (e *interactionEnv) violation(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	if e.reported[s] {
		return
	}
	e.reported[s] = true
	e.violations = append(e.violations, s)
	e.printf("!!! %s", s)
	if !e.expectViolations {
		e.t.Errorf("%s: violation: %s", e.pos, s)
	}
}

func (e *interactionEnv) handle(c *ddCmd) (string, error) {
	e.pos = c.Pos
	e.out.Reset()
	e.endBlock()
	err := e.dispatch(c)
	e.endBlock()
	return e.out.String(), err
}

func (e *interactionEnv) dispatch(c *ddCmd) error {
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
		return e.forEachNode(c, func(nd *inode) { e.fire(nd, ElectionTimeout) })
	case "tick-heartbeat":
		return e.forEachNode(c, func(nd *inode) { e.fire(nd, HeartbeatTimeout) })
	case "tick-lease":
		return e.forEachNode(c, func(nd *inode) { e.fire(nd, LeaseTimeout) })
	case "propose":
		return e.propose(c)
	case "stabilize":
		return e.stabilize(c)
	case "process-ready":
		return e.forEachNode(c, func(nd *inode) {
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

func (e *interactionEnv) nodeArg(s string) (*inode, error) {
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil || id == 0 || id > uint64(len(e.nodes)) {
		return nil, fmt.Errorf("no node %q", s)
	}
	return e.nodes[id-1], nil
}

// nodeList parses "1,2,3" or several positional IDs.
func (e *interactionEnv) nodeList(args []string) ([]*inode, error) {
	var out []*inode
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

func (e *interactionEnv) forEachNode(c *ddCmd, f func(*inode)) error {
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

func (e *interactionEnv) forEachNodeOrAll(c *ddCmd, f func(*inode)) error {
	if len(c.positional()) == 0 {
		for _, nd := range e.nodes {
			f(nd)
		}
		return nil
	}
	return e.forEachNode(c, f)
}

func parseBool(c *ddCmd, key string) (bool, error) {
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

func parseInt(c *ddCmd, key string) (int, error) {
	v, ok := c.lookup(key)
	if !ok {
		return 0, nil
	}
	return strconv.Atoi(v)
}

// addNodes creates a fresh cluster: add-nodes N [prevote=] [checkquorum=] [election=min:max]
// [heartbeat=] [unsafe-commit-prior-term=] [max-entries=] [max-inflight=] [async-persist=true|1,2]
// [seed=].
func (e *interactionEnv) addNodes(c *ddCmd) error {
	if err := c.onlyKeys("prevote", "checkquorum", "election", "heartbeat", "unsafe-commit-prior-term",
		"max-entries", "max-inflight", "async-persist", "seed"); err != nil {
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
	cfg := Config{ElectionTimeoutMin: 150 * time.Millisecond, ElectionTimeoutMax: 300 * time.Millisecond,
		HeartbeatInterval: 50 * time.Millisecond}
	for i := 1; i <= count; i++ {
		cfg.Peers = append(cfg.Peers, uint64(i))
	}
	if cfg.PreVote, err = parseBool(c, "prevote"); err != nil {
		return err
	}
	if cfg.CheckQuorum, err = parseBool(c, "checkquorum"); err != nil {
		return err
	}
	if cfg.UnsafeCommitPriorTerm, err = parseBool(c, "unsafe-commit-prior-term"); err != nil {
		return err
	}
	if cfg.MaxEntriesPerMsg, err = parseInt(c, "max-entries"); err != nil {
		return err
	}
	if cfg.MaxInflight, err = parseInt(c, "max-inflight"); err != nil {
		return err
	}
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
			for _, id := range cfg.Peers {
				async[id] = true
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
	for _, id := range cfg.Peers {
		ncfg := cfg
		ncfg.ID = id
		ncfg.Peers = slices.Clone(cfg.Peers)
		ncfg.Rand = rand.New(rand.NewPCG(e.seed, id))
		nd := &inode{id: id, cfg: ncfg, async: async[id]}
		e.nodes = append(e.nodes, nd)
		if err := e.boot(nd); err != nil {
			return err
		}
	}
	return nil
}

// boot starts nd from its durable state and takes the node's first Ready, which should only arm the
// election timer.
func (e *interactionEnv) boot(nd *inode) error {
	d := Durable{HardState: nd.durable.HardState, Entries: slices.Clone(nd.durable.Entries)}
	n, err := New(nd.cfg, d)
	if err != nil {
		return err
	}
	nd.n, nd.applied, nd.state, nd.term = n, 0, n.State(), n.Term()
	nd.timers = [NumTimeouts]time.Duration{}
	rd := n.Ready()
	if len(rd.Messages) > 0 || rd.HasPersist || len(rd.Committed) > 0 {
		e.violation("node %d: first Ready after New holds more than timers", nd.id)
	}
	e.setTimers(nd, rd.Timers)
	return nil
}

// fire delivers a timer's expiry, if the node has armed that timer. Timers are one-shot: the node
// arms them again in a later Ready if it wants them.
func (e *interactionEnv) fire(nd *inode, t Timeout) {
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

func (e *interactionEnv) propose(c *ddCmd) error {
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

// handleReady takes one Ready from nd: it sends the messages that may go at once, persists the batch
// (at once, or leaves it pending for an asynchronous node) and applies the committed entries.
func (e *interactionEnv) handleReady(nd *inode) {
	rd := nd.n.Ready()
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
	if len(rd.Committed) > 0 {
		e.apply(nd, rd.Committed)
	}
	e.setTimers(nd, rd.Timers)
	e.observe(nd)
	e.check()
	e.endBlock()
}

// persist [nodes] [upto=seq] makes an asynchronous node's pending batches durable, in order, and sends
// the messages each one held.
func (e *interactionEnv) persist(c *ddCmd) error {
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
func (e *interactionEnv) makeDurable(nd *inode, p *Persist) {
	if p.HasHardState {
		nd.durable.HardState = p.HardState
	}
	if p.First == 0 {
		return
	}
	k := int(p.First - 1)
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
func (e *interactionEnv) send(nd *inode, m Message) {
	e.printf("send %s", fmtMsg(m))
	hs := nd.durable.HardState
	switch {
	case m.Type == MsgVote && (hs.Term < m.Term || hs.Term == m.Term && hs.Vote != nd.id):
		e.violation("persistence: node %d asks for votes in term %d before its own vote is durable (durable term=%d vote=%d)", nd.id, m.Term, hs.Term, hs.Vote)
	case m.Type == MsgVoteResp && !m.Reject && (hs.Term < m.Term || hs.Term == m.Term && hs.Vote != m.To):
		e.violation("persistence: node %d grants its vote to %d in term %d before the vote is durable (durable term=%d vote=%d)", nd.id, m.To, m.Term, hs.Term, hs.Vote)
	case (m.Type == MsgApp || m.Type == MsgHeartbeat) && hs.Term != m.Term:
		e.violation("persistence: leader %d sends %s in term %d while its durable term is %d", nd.id, m.Type, m.Term, hs.Term)
	case m.Type == MsgAppResp && !m.Reject && m.Index > uint64(len(nd.durable.Entries)):
		// Only the length can be checked: a newer leader may since have replaced the acknowledged
		// entries, durably, and the acknowledgement then still leaves, harmlessly, to the old leader.
		e.violation("persistence: node %d acknowledges index %d before it is durable (durable last index %d)", nd.id, m.Index, len(nd.durable.Entries))
	}
	if m.Type == MsgVoteResp && !m.Reject {
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
func (e *interactionEnv) deliver(m Message) {
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
func (e *interactionEnv) step(nd *inode, m Message) {
	defer func() {
		if r := recover(); r != nil {
			e.violation("node %d panicked: %v", nd.id, r)
			e.printf("node %d is down after the panic", nd.id)
			nd.n, nd.pending, nd.timers = nil, nil, [NumTimeouts]time.Duration{}
		}
	}()
	nd.n.Step(m)
}

// deliverTo delivers msgs (removed from the queue already) grouped by destination in ID order,
// keeping the order of each link.
func (e *interactionEnv) deliverTo(msgs []Message) {
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
func (e *interactionEnv) takeMsgs(keep func(Message) bool) []Message {
	var out, rest []Message
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
func (e *interactionEnv) stabilize(c *ddCmd) error {
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
		return slices.ContainsFunc(nds, func(nd *inode) bool { return nd.id == id })
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
		msgs := e.takeMsgs(func(m Message) bool { return in(m.From) && in(m.To) })
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
func (e *interactionEnv) deliverMsgs(c *ddCmd, drop bool) error {
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
	msgs := e.takeMsgs(func(m Message) bool {
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
func (e *interactionEnv) network(c *ddCmd) error {
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
func (e *interactionEnv) crash(nd *inode) {
	if nd.n == nil {
		e.printf("node %d is down already", nd.id)
		return
	}
	hs := nd.durable.HardState
	e.printf("node %d crashed: durable term=%d vote=%d last=%s", nd.id, hs.Term, hs.Vote, lastOf(nd.durable.Entries))
	for _, p := range nd.pending {
		e.printf("lost #%d%s", p.Seq, fmtBatch(&p))
		for _, m := range p.Messages {
			e.printf("lost %s", fmtMsg(m))
		}
	}
	nd.n, nd.pending, nd.timers = nil, nil, [NumTimeouts]time.Duration{}
}

// setDurable N [term=] [vote=] [log=1,1,4,...] replaces what a crashed node has on stable storage, to
// build a situation exactly (the logs of Figure 7, say); log lists the terms of entries 1, 2, ...
func (e *interactionEnv) setDurable(c *ddCmd) error {
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
	var d Durable
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
			d.Entries = append(d.Entries, Entry{Term: t, Index: uint64(i + 1)})
		}
	}
	nd.durable = d
	return nil
}

// restart starts nd again from exactly what it made durable.
func (e *interactionEnv) restart(nd *inode) {
	if nd.n != nil {
		e.printf("node %d is up already", nd.id)
		return
	}
	if err := e.boot(nd); err != nil {
		e.printf("node %d: %v", nd.id, err)
		return
	}
	e.printf("node %d restarted: term=%d vote=%d last=%s", nd.id, nd.n.Term(), nd.n.Vote(), lastOf(nd.durable.Entries))
	e.check()
}

func (e *interactionEnv) status(nd *inode) {
	if nd.n == nil {
		hs := nd.durable.HardState
		e.printf("%d: down (durable term=%d vote=%d last=%s)", nd.id, hs.Term, hs.Vote, lastOf(nd.durable.Entries))
		return
	}
	n := nd.n
	var timers []string
	for t, d := range nd.timers {
		if d != 0 {
			timers = append(timers, Timeout(t).String())
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
	e.printf("%d: %s term=%d vote=%d lead=%d commit=%d last=%d/%d persisted=%d timers=%s%s", nd.id, n.State(),
		n.Term(), n.Vote(), n.Leader(), n.Commit(), last.Term, last.Index, n.PersistedIndex(), strings.Join(timers, ","), unhandled)
	if n.State() != Leader {
		return
	}
	for i := range n.prs {
		pr := &n.prs[i]
		if pr.ID == n.id {
			continue
		}
		s := "probe"
		if pr.ProbeSent {
			s += " (waiting)"
		}
		if pr.State == stateReplicate {
			s = fmt.Sprintf("replicate inflight=%d/%d", pr.inflight.count, len(pr.inflight.buf))
		}
		e.printf("  %d: match=%d next=%d %s", pr.ID, pr.Match, pr.Next, s)
	}
}

func (e *interactionEnv) printLog(nd *inode) {
	if nd.n == nil {
		e.printf("%d: (down; durable) %s", nd.id, fmtEntries(nd.durable.Entries, true))
		return
	}
	e.printf("%d: %s", nd.id, fmtEntries(nd.n.Entries(1, nd.n.LastIndex()), true))
}

// setTimers records the timer changes of a Ready and checks them against the node's role.
func (e *interactionEnv) setTimers(nd *inode, changes [NumTimeouts]TimerChange) {
	for t, ch := range changes {
		if ch.Changed {
			nd.timers[t] = ch.After
		}
	}
	cfg, tm := &nd.cfg, &nd.timers
	var bad []string
	if nd.n.State() == Leader {
		if cfg.CheckQuorum && tm[ElectionTimeout] != cfg.ElectionTimeoutMin {
			bad = append(bad, fmt.Sprintf("quorum check every %v, want %v", tm[ElectionTimeout], cfg.ElectionTimeoutMin))
		}
		if !cfg.CheckQuorum && tm[ElectionTimeout] != 0 {
			bad = append(bad, "election timer armed without CheckQuorum")
		}
		if tm[HeartbeatTimeout] != cfg.HeartbeatInterval {
			bad = append(bad, fmt.Sprintf("heartbeat timer %v, want %v", tm[HeartbeatTimeout], cfg.HeartbeatInterval))
		}
		if tm[LeaseTimeout] != 0 {
			bad = append(bad, "lease timer armed")
		}
	} else {
		if d := tm[ElectionTimeout]; d < cfg.ElectionTimeoutMin || d > cfg.ElectionTimeoutMax {
			bad = append(bad, fmt.Sprintf("election timer %v outside [%v, %v]", d, cfg.ElectionTimeoutMin, cfg.ElectionTimeoutMax))
		}
		if tm[HeartbeatTimeout] != 0 {
			bad = append(bad, "heartbeat timer armed")
		}
		if d := tm[LeaseTimeout]; d != 0 && (d != cfg.ElectionTimeoutMin || !cfg.PreVote && !cfg.CheckQuorum) {
			bad = append(bad, fmt.Sprintf("lease timer %v", d))
		}
	}
	for _, b := range bad {
		e.violation("timers: node %d (%s): %s", nd.id, nd.n.State(), b)
	}
}

// observe prints a change of role or term since the transcript last showed nd, and checks that a new
// leader is the only one of its term and holds every entry committed in an earlier term.
func (e *interactionEnv) observe(nd *inode) {
	n := nd.n
	if n.State() == nd.state && n.Term() == nd.term {
		return
	}
	s := fmt.Sprintf("node %d: %s -> %s term=%d", nd.id, nd.state, n.State(), n.Term())
	if n.State() != Leader && n.Leader() != None {
		s += fmt.Sprintf(" lead=%d", n.Leader())
	}
	e.printf("%s", s)
	nd.state, nd.term = n.State(), n.Term()
	if n.State() != Leader {
		return
	}
	if other, ok := e.leaders[n.Term()]; ok && other != nd.id {
		e.violation("safety: term %d has two leaders, %d and %d", n.Term(), other, nd.id)
	} else {
		e.leaders[n.Term()] = nd.id
	}
	for i, r := range e.committed {
		if r.term >= n.Term() {
			continue
		}
		if got, ok := n.Entry(uint64(i + 1)); !ok || !sameEntry(got, r.e) {
			e.violation("safety: leader %d of term %d lacks %s, committed in term %d", nd.id, n.Term(), fmtEntry(r.e, true), r.term)
		}
	}
}

// apply records the entries nd applies and checks that no two nodes apply different entries at one
// index.
func (e *interactionEnv) apply(nd *inode, ents []Entry) {
	e.printf("apply %s", fmtEntries(ents, true))
	for _, x := range ents {
		if x.Index != nd.applied+1 {
			e.violation("node %d applies index %d after %d", nd.id, x.Index, nd.applied)
		}
		nd.applied = x.Index
		if i := int(x.Index - 1); i < len(e.applied) {
			if r := e.applied[i]; !sameEntry(r.e, x) {
				e.violation("safety: node %d applies %s at index %d, where node %d applied %s", nd.id, fmtEntry(x, true), x.Index, r.node, fmtEntry(r.e, true))
			}
		} else if i == len(e.applied) {
			e.applied = append(e.applied, record{e: x, node: nd.id, term: nd.n.Term()})
		}
	}
}

// check verifies what can be seen across the live nodes: each committed prefix agrees with every
// entry seen committed before (State Machine Safety), and any two logs that hold the same entry are
// identical up to it (Log Matching, §5.3).
func (e *interactionEnv) check() {
	for _, nd := range e.nodes {
		if nd.n == nil {
			continue
		}
		for i := uint64(1); i <= nd.n.Commit(); i++ {
			x, ok := nd.n.Entry(i)
			switch {
			case !ok:
				e.violation("node %d: commit index %d past its last entry", nd.id, nd.n.Commit())
			case int(i) <= len(e.committed):
				if r := e.committed[i-1]; !sameEntry(r.e, x) {
					e.violation("safety: node %d has %s committed at index %d, where node %d had %s committed", nd.id, fmtEntry(x, true), i, r.node, fmtEntry(r.e, true))
				}
			default:
				e.committed = append(e.committed, record{e: x, node: nd.id, term: nd.n.Term()})
			}
		}
	}
	for ai, a := range e.nodes {
		for _, b := range e.nodes[ai+1:] {
			if a.n == nil || b.n == nil {
				continue
			}
			i := min(a.n.LastIndex(), b.n.LastIndex())
			for ; i > 0; i-- {
				x, _ := a.n.Entry(i)
				y, _ := b.n.Entry(i)
				if x.Term == y.Term {
					break
				}
			}
			for j := i; j > 0; j-- {
				x, _ := a.n.Entry(j)
				y, _ := b.n.Entry(j)
				if !sameEntry(x, y) {
					e.violation("safety: logs of %d and %d both hold term %d at index %d but differ at index %d", a.id, b.id, x.Term, i, j)
					break
				}
			}
		}
	}
}

func sameEntry(a, b Entry) bool {
	return a.Term == b.Term && a.Index == b.Index && a.Size == b.Size && bytes.Equal(a.Data, b.Data)
}

func fmtEntry(x Entry, data bool) string {
	if data && len(x.Data) > 0 {
		return fmt.Sprintf("%d/%d:%s", x.Term, x.Index, x.Data)
	}
	return fmt.Sprintf("%d/%d", x.Term, x.Index)
}

func fmtEntries(ents []Entry, data bool) string {
	s := make([]string, len(ents))
	for i, x := range ents {
		s[i] = fmtEntry(x, data)
	}
	return "[" + strings.Join(s, " ") + "]"
}

func lastOf(ents []Entry) string {
	if len(ents) == 0 {
		return "0/0"
	}
	return fmtEntry(ents[len(ents)-1], false)
}

func fmtBatch(p *Persist) string {
	var s string
	if p.HasHardState {
		s += fmt.Sprintf(" term=%d vote=%d", p.HardState.Term, p.HardState.Vote)
	}
	if p.First != 0 {
		s += " entries=" + fmtEntries(p.Entries, false)
	}
	if s == "" {
		s = " (nothing to write: orders the held messages)"
	}
	return s
}

// fmtMsg is the one-line form of a message used in transcripts.
func fmtMsg(m Message) string {
	s := fmt.Sprintf("%d->%d %s term=%d", m.From, m.To, m.Type, m.Term)
	switch m.Type {
	case MsgApp:
		s += fmt.Sprintf(" log=%d/%d commit=%d", m.LogTerm, m.Index, m.Commit)
		if len(m.Entries) > 0 {
			s += " entries=" + fmtEntries(m.Entries, false)
		}
	case MsgAppResp:
		if m.Reject {
			s += fmt.Sprintf(" rejected index=%d hint=%d", m.Index, m.RejectHint)
			if m.LogTerm != 0 {
				s += fmt.Sprintf(" hint-term=%d", m.LogTerm)
			}
		} else {
			s += fmt.Sprintf(" index=%d", m.Index)
		}
	case MsgHeartbeat:
		s += fmt.Sprintf(" commit=%d", m.Commit)
	case MsgVote, MsgPreVote:
		s += fmt.Sprintf(" log=%d/%d", m.LogTerm, m.Index)
	}
	if m.Reject && m.Type != MsgAppResp {
		s += " rejected"
	}
	return s
}

// TestInteractionChecks makes sure the env's checks can fail: it breaks Log Matching and Election
// Safety behind the nodes' backs and expects the violations to be reported.
func TestInteractionChecks(t *testing.T) {
	for _, tc := range []struct {
		name    string
		breakIt func(e *interactionEnv)
		want    string
	}{
		{"log matching", func(e *interactionEnv) {
			n := e.nodes[1].n
			n.log[1] = Entry{Term: n.log[1].Term, Index: 1, Data: []byte("forged"), Size: 6}
		}, "safety: logs of 1 and 2 both hold term 1 at index 1 but differ at index 1"},
		{"committed entry changed", func(e *interactionEnv) {
			n := e.nodes[2].n
			n.log[1] = Entry{Term: 9, Index: 1}
		}, "safety: node 3 has 9/1 committed at index 1, where node 1 had 1/1 committed"},
		{"two leaders", func(e *interactionEnv) {
			e.nodes[2].n.state = Leader
			e.observe(e.nodes[2])
		}, "safety: term 1 has two leaders, 1 and 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newInteractionEnv(t)
			e.expectViolations = true
			for _, line := range []string{"add-nodes 3", "campaign 1", "stabilize", "tick-heartbeat 1", "stabilize"} {
				blocks, err := parseScript("inline", []string{line, "----"})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := e.handle(&blocks[0].cmd); err != nil {
					t.Fatal(err)
				}
			}
			if len(e.violations) != 0 {
				t.Fatalf("violations before breaking anything: %v", e.violations)
			}
			tc.breakIt(e)
			e.check()
			if !slices.Contains(e.violations, tc.want) {
				t.Errorf("violations %q, want %q among them", e.violations, tc.want)
			}
		})
	}
}

// TestInteractionRandom drives the env with random scripts — elections, proposals, partial and
// reordered-by-link deliveries, drops, partitions, crashes and restarts, asynchronous persistence —
// and fails on any violation its checks find, printing the script so that it can be replayed as a
// file in testdata/. The scripts are a pure function of the seed.
func TestInteractionRandom(t *testing.T) {
	const seeds, steps = 300, 500
	for seed := uint64(0); seed < seeds; seed++ {
		r := rand.New(rand.NewPCG(seed, 0x5eed))
		e := newInteractionEnv(t)
		e.expectViolations = true // collected here, reported below with the script
		var script strings.Builder
		run := func(format string, args ...any) {
			line := fmt.Sprintf(format, args...)
			c := ddCmd{Pos: fmt.Sprintf("random seed %d", seed), Line: line}
			for i, f := range strings.Fields(line) {
				if i == 0 {
					c.Name = f
				} else if k, v, ok := strings.Cut(f, "="); ok {
					c.Args = append(c.Args, ddArg{Key: k, Val: v})
				} else {
					c.Args = append(c.Args, ddArg{Val: f})
				}
			}
			out, err := e.handle(&c)
			if err != nil {
				t.Fatalf("seed %d: %s: %v", seed, line, err)
			}
			if out != "" && strings.Contains(out, "!!!") {
				fmt.Fprintf(&script, "# the violation shows here:\n")
			}
			fmt.Fprintf(&script, "%s\n----\n\n", line)
		}
		n := 3 + 2*r.IntN(2)
		run("add-nodes %d prevote=%v checkquorum=%v max-entries=%d max-inflight=%d async-persist=%v",
			n, r.IntN(2) == 0, r.IntN(2) == 0, 1+r.IntN(3), 1+r.IntN(4), r.IntN(2) == 0)
		for step := 0; step < steps && len(e.violations) == 0; step++ {
			a, b := 1+r.IntN(n), 1+r.IntN(n)
			switch k := r.IntN(100); {
			case k < 6:
				run("campaign %d", a)
			case k < 14:
				run("tick-heartbeat %d", a)
			case k < 17:
				run("tick-lease %d", a)
			case k < 20:
				run("tick-election %d", a)
			case k < 28:
				run("propose %d p%d", a, step)
			case k < 43:
				run("process-ready %d", a)
			case k < 65:
				run("deliver-msgs from=%d to=%d", a, b)
			case k < 69:
				run("drop-msgs from=%d to=%d", a, b)
			case k < 79:
				run("persist %d", a)
			case k < 81:
				if e.nodes[a-1].n != nil {
					run("crash %d", a)
				}
			case k < 85:
				if e.nodes[a-1].n == nil {
					run("restart %d", a)
				}
			case k < 87:
				var g1, g2 []string
				for i := 1; i <= n; i++ {
					if r.IntN(2) == 0 {
						g1 = append(g1, strconv.Itoa(i))
					} else {
						g2 = append(g2, strconv.Itoa(i))
					}
				}
				if len(g1) > 0 && len(g2) > 0 {
					run("partition %s|%s", strings.Join(g1, ","), strings.Join(g2, ","))
				}
			case k < 90:
				run("heal")
			default:
				run("stabilize")
			}
		}
		if len(e.violations) > 0 {
			t.Fatalf("seed %d: %s\nto replay it, save this as testdata/x.txt and run with -update:\n%s", seed, strings.Join(e.violations, "; "), script.String())
		}
	}
}
