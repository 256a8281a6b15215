package workload

import (
	"math/rand/v2"
	"time"

	"github.com/raftsim/raftsim/sim"
)

// Config describes the client population's behaviour.
type Config struct {
	Nodes     int           // cluster size; nodes are 1..Nodes
	Timeout   time.Duration // per attempt (default 500ms)
	Deadline  time.Duration // per operation, from its first send (default 5s)
	Think     time.Duration // pause between a reply and the next operation (default 0: saturating)
	Backoff   time.Duration // pause before retrying when no leader is known (default 10ms)
	Keys      int           // size of the key space (default 1000)
	ValueSize uint32        // modelled bytes of each write's payload
	// ReadRatio is the fraction of operations that are reads (0..1). At 0 the client draws nothing for
	// it, so a write-only workload is the same as before reads existed.
	ReadRatio float64
	// SpreadReads sends each read to the next node in the client's round-robin order rather than to
	// its guess of the leader, for followers to serve (follower ReadIndex reads).
	SpreadReads bool

	// OpenLoop makes the client wait to be handed each operation (Issue) instead of starting the next
	// one when the last completes: an arrival process outside decides when operations come (open.go).
	OpenLoop bool
	// Zipf, when above 1, draws keys from a Zipf distribution with this exponent s (key k with
	// probability proportional to 1/(1+k)^s; key 0 the most popular), from KeyRand, instead of
	// uniformly from the client's own stream; 0 is uniform.
	Zipf float64
	// Sizes, when set, draws each write's modelled payload from it (bytes), from SizeRand, instead of
	// ValueSize.
	Sizes Sizes
	// ThinkDist, when set, draws each think time from it, from the stream SetThinkStream gives, instead
	// of the constant Think; a negative draw is no pause.
	ThinkDist Durations
	// RoundRobin is the retry policy of etcd's clientv3 endpoints: a refused or unanswered attempt goes
	// to the next endpoint in the client's round-robin order, whatever leader the refusing node names;
	// the client stays with an endpoint while it answers. Off (the default), a refusal naming a leader
	// is followed at once.
	RoundRobin bool
}

// Durations is a distribution of durations (models/latency.Dist is one).
type Durations interface {
	Sample(r *rand.Rand) time.Duration
}

// Sizes is a distribution of payload sizes in bytes (Sample's result is clamped to [0, 2^32-1]).
type Sizes interface {
	Sample(r *rand.Rand) int64
}

func (c *Config) defaults() {
	if c.Timeout <= 0 {
		c.Timeout = 500 * time.Millisecond
	}
	if c.Deadline <= 0 {
		c.Deadline = 5 * time.Second
	}
	if c.Backoff <= 0 {
		c.Backoff = 10 * time.Millisecond
	}
	if c.Keys <= 0 {
		c.Keys = 1000
	}
}

// Request is an operation on its way to a node: a write of Value to Key, or a read of Key.
type Request struct {
	Client uint64
	Seq    uint64
	Key    uint64
	Value  uint64
	Size   uint32 // modelled payload bytes
	Read   bool
}

// Reply is a node's answer.
type Reply struct {
	Client uint64
	Seq    uint64
	OK     bool
	Leader uint64 // when !OK: the leader the node knows of, or 0
	Prev   uint64 // when OK: the value the write replaced, or for a read the value read
}

// Op is a completed operation, for the history. For a read, Value is the value read (0 for a key never
// written, or when the read failed) and Prev is 0.
type Op struct {
	Client   uint64
	Seq      uint64
	Read     bool
	Key      uint64
	Value    uint64
	Prev     uint64
	OK       bool // false: the deadline (or the run's end) came first: the write may or may not have taken effect
	Invoke   sim.Time
	Complete sim.Time
	Attempts int
}

// Env is what a client needs from the simulator.
type Env interface {
	Now() sim.Time
	SendRequest(to uint64, r Request)
	// ArmClient (re)arms the client's one timer to fire after d; the simulator then calls Timer.
	ArmClient(client uint64, d time.Duration)
}

// Recorder receives every completed operation.
type Recorder interface {
	Record(op Op)
}

type phase uint8

const (
	idle     phase = iota // not started
	awaiting              // a request is out; the timer is the attempt timeout
	backoff               // waiting to retry; the timer is the backoff
	thinking              // between operations; the timer is the think time
)

// Client is one closed-loop client.
type Client struct {
	id  uint64
	cfg Config
	rng *rand.Rand
	env Env
	rec Recorder

	// order is the client's endpoints in its own round-robin order: a permutation of the nodes drawn
	// once from its stream, so that which node a client tries after which never depends on how the
	// nodes are numbered. next is the position of the next round-robin pick; a redirect does not move
	// it, so a redirect back to a node that failed cannot send the client round in a loop.
	order []uint32 // node IDs; uint32 halves the memory of many clients of a large cluster
	next  int

	target uint64
	// suspect is the node whose attempt last timed out (0: none). A redirect to it is not followed
	// until the client has asked every other endpoint once since (suspectLeft picks to go), or until a
	// write succeeds: a node that did not answer is not trusted on another node's word alone.
	suspect     uint64
	suspectLeft int

	seq   uint64
	phase phase
	op    Op
	size  uint32

	// The streams of the optional models (Config.Zipf, Config.Sizes), each its own so that turning one
	// on leaves every other draw where it was; nil when the model is off.
	zipf      *rand.Zipf
	sizeRand  *rand.Rand
	thinkRand *rand.Rand // Config.ThinkDist's stream; nil when think times are constant
}

// SetStreams gives the client the streams of its optional models: keys for Config.Zipf, sizes for
// Config.Sizes. Either may be nil when its model is off. Call it before Start.
func (c *Client) SetStreams(keys, sizes *rand.Rand) {
	if c.cfg.Zipf > 1 && keys != nil && c.cfg.Keys > 1 {
		c.zipf = rand.NewZipf(keys, c.cfg.Zipf, 1, uint64(c.cfg.Keys-1))
	}
	if c.cfg.Sizes != nil {
		c.sizeRand = sizes
	}
}

// SetThinkStream gives the client the stream of Config.ThinkDist; without it (or without ThinkDist),
// every think time is Config.Think. Call it before Start.
func (c *Client) SetThinkStream(r *rand.Rand) {
	if c.cfg.ThinkDist != nil {
		c.thinkRand = r
	}
}

// New returns a client that draws its round-robin order of the nodes, then its keys, from rng.
func New(id uint64, cfg Config, rng *rand.Rand, env Env, rec Recorder) *Client {
	cfg.defaults()
	return &Client{id: id, cfg: cfg, rng: rng, env: env, rec: rec, size: cfg.ValueSize}
}

// ID returns the client's ID.
func (c *Client) ID() uint64 { return c.id }

// Start draws the client's endpoint order and sends the first operation to the first endpoint in it.
func (c *Client) Start() {
	c.order = make([]uint32, c.cfg.Nodes)
	for i := range c.order {
		c.order[i] = uint32(i + 1)
	}
	c.rng.Shuffle(len(c.order), func(i, j int) { c.order[i], c.order[j] = c.order[j], c.order[i] })
	c.target = c.pick()
	if c.cfg.OpenLoop {
		return // idle until handed an operation
	}
	c.issue()
}

// Idle reports whether an open-loop client is free to take an operation: started, and its last one
// complete.
func (c *Client) Idle() bool { return c.cfg.OpenLoop && c.order != nil && c.phase == idle }

// Issue starts an operation now (open loop: see Config.OpenLoop). It panics if the client is not Idle.
func (c *Client) Issue() {
	if !c.Idle() {
		panic("workload: Issue on a client that is not idle")
	}
	c.issue()
}

func (c *Client) issue() {
	c.seq++
	// The read draw comes first, and only when reads are on, so that a write-only workload draws its
	// keys exactly as before.
	read := c.cfg.ReadRatio > 0 && c.rng.Float64() < c.cfg.ReadRatio
	c.op = Op{
		Client: c.id,
		Seq:    c.seq,
		Read:   read,
		Invoke: c.env.Now(),
	}
	// The uniform key is drawn even when Zipf keys replace it, so that the client's own stream, and
	// every later draw from it (the next operation's read or write), is the same with the model on.
	c.op.Key = uint64(c.rng.IntN(c.cfg.Keys))
	if c.zipf != nil {
		c.op.Key = c.zipf.Uint64()
	}
	if !read {
		c.op.Value = c.id<<32 | c.seq
		if c.sizeRand != nil {
			c.size = uint32(min(max(c.cfg.Sizes.Sample(c.sizeRand), 0), 1<<32-1))
		}
	} else if c.cfg.SpreadReads {
		c.target = c.pick()
	}
	c.send()
}

func (c *Client) send() {
	c.op.Attempts++
	c.phase = awaiting
	size := c.size
	if c.op.Read {
		size = 0
	}
	c.env.SendRequest(c.target, Request{Client: c.id, Seq: c.op.Seq, Key: c.op.Key, Value: c.op.Value, Size: size, Read: c.op.Read})
	c.env.ArmClient(c.id, min(c.cfg.Timeout, c.remaining()))
}

func (c *Client) remaining() time.Duration {
	return c.cfg.Deadline - c.env.Now().Sub(c.op.Invoke)
}

// pick returns the next endpoint in the client's round-robin order, passing over the suspect while it
// is one.
func (c *Client) pick() uint64 {
	id := uint64(c.order[c.next])
	c.next = (c.next + 1) % len(c.order)
	if id == c.suspect && len(c.order) > 1 {
		id = uint64(c.order[c.next]) // the suspect is in the order once
		c.next = (c.next + 1) % len(c.order)
	}
	if c.suspectLeft > 0 {
		if c.suspectLeft--; c.suspectLeft == 0 {
			c.suspect = 0
		}
	}
	return id
}

// Reply handles a node's answer. A success for the current operation counts whenever it comes, even
// from an attempt the client had given up on: the write did take effect. A redirect counts only while
// the client awaits an answer; answers for other operations are ignored.
func (c *Client) Reply(r Reply) {
	if r.Seq != c.op.Seq || (c.phase != awaiting && c.phase != backoff) {
		return
	}
	if r.OK {
		if c.op.Read {
			c.op.Value = r.Prev
		} else {
			c.op.Prev = r.Prev
		}
		c.suspect, c.suspectLeft = 0, 0
		c.complete(true)
		return
	}
	if c.phase != awaiting {
		return
	}
	// A node that names another leader is followed at once, unless it names the node that has just
	// failed the client. After a node that knows no leader, or names itself but no longer leads, the
	// client pauses, then tries the next node in its order.
	// Round robin follows no node's word: the next endpoint, after the pause.
	if !c.cfg.RoundRobin && r.Leader != 0 && r.Leader != c.target && r.Leader != c.suspect {
		c.target = r.Leader
		c.send()
		return
	}
	c.target = c.pick()
	c.phase = backoff
	c.env.ArmClient(c.id, min(c.cfg.Backoff, c.remaining()))
}

// Pending returns the operation the client awaits, if any: invoked, neither completed nor given up.
// When a run ends, such a write may have taken effect (a later operation may even have seen it), so a
// history checked for linearizability must hold it as a write of unknown outcome.
func (c *Client) Pending() (Op, bool) {
	if c.phase == awaiting || c.phase == backoff {
		return c.op, true
	}
	return Op{}, false
}

// Timer handles the client's timer firing.
func (c *Client) Timer() {
	switch c.phase {
	case awaiting, backoff:
		if c.remaining() <= 0 {
			c.complete(false)
			return
		}
		if c.phase == awaiting {
			// No answer: the next endpoint in the client's order, never straight back to this one (a
			// one-node cluster has no other to try).
			if len(c.order) > 1 {
				c.suspect, c.suspectLeft = c.target, len(c.order)-1
			}
			c.target = c.pick()
		}
		c.send()
	case thinking:
		c.issue()
	}
}

func (c *Client) complete(ok bool) {
	c.op.OK = ok
	c.op.Complete = c.env.Now()
	if c.cfg.OpenLoop {
		c.phase = idle
		if c.rec != nil {
			c.rec.Record(c.op)
		}
		return
	}
	if c.rec != nil {
		c.rec.Record(c.op)
	}
	think := c.cfg.Think
	if c.thinkRand != nil {
		think = max(c.cfg.ThinkDist.Sample(c.thinkRand), 0)
	}
	if think > 0 {
		c.phase = thinking
		c.env.ArmClient(c.id, think)
		return
	}
	c.issue()
}
