package workload

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/raftsim/raftsim/sim"
)

// sent is one request as the fake environment saw it.
type sent struct {
	at sim.Time
	to uint64
	r  Request
}

// fakeEnv stands in for the simulator: it records requests and the client's one timer, and lets the test
// move time and fire the timer.
type fakeEnv struct {
	t      *testing.T
	client uint64
	now    sim.Time
	sent   []sent
	armed  bool
	due    sim.Time
	ops    []Op
}

func (e *fakeEnv) Now() sim.Time { return e.now }

func (e *fakeEnv) SendRequest(to uint64, r Request) {
	e.sent = append(e.sent, sent{e.now, to, r})
}

func (e *fakeEnv) ArmClient(client uint64, d time.Duration) {
	if client != e.client {
		e.t.Fatalf("ArmClient(%d), want client %d", client, e.client)
	}
	if d < 0 {
		e.t.Fatalf("ArmClient(%v) in the past", d)
	}
	e.armed, e.due = true, e.now.Add(d)
}

func (e *fakeEnv) Record(op Op) { e.ops = append(e.ops, op) }

// advance moves time forward by d, which must not pass the armed timer.
func (e *fakeEnv) advance(d time.Duration) {
	e.t.Helper()
	if e.armed && e.now.Add(d) > e.due {
		e.t.Fatalf("advancing to %v passes the timer due at %v", e.now.Add(d), e.due)
	}
	e.now = e.now.Add(d)
}

// fire moves time to the timer and fires it.
func (e *fakeEnv) fire(c *Client) {
	e.t.Helper()
	if !e.armed {
		e.t.Fatal("no timer armed")
	}
	e.now, e.armed = e.due, false
	c.Timer()
}

// last returns the latest request, failing if there is none.
func (e *fakeEnv) last() sent {
	e.t.Helper()
	if len(e.sent) == 0 {
		e.t.Fatal("no request sent")
	}
	return e.sent[len(e.sent)-1]
}

const ms = time.Millisecond

// setup starts client 7 of a 5-node cluster with cfg, drawing from a stream of seed.
func setup(t *testing.T, cfg Config, seed uint64) (*Client, *fakeEnv) {
	t.Helper()
	if cfg.Nodes == 0 {
		cfg.Nodes = 5
	}
	env := &fakeEnv{t: t, client: 7}
	c := New(7, cfg, rand.New(rand.NewPCG(seed, 0)), env, env)
	c.Start()
	return c, env
}

// firstDraws returns what a client drawing from seed draws first: its round-robin order of the nodes,
// then its first key.
func firstDraws(seed uint64, nodes, keys int) (order []uint32, key uint64) {
	r := rand.New(rand.NewPCG(seed, 0))
	for id := range nodes {
		order = append(order, uint32(id+1))
	}
	r.Shuffle(nodes, func(i, j int) { order[i], order[j] = order[j], order[i] })
	return order, uint64(r.IntN(keys))
}

// orderAt returns the i-th node of the client's round-robin order.
func orderAt(c *Client, i int) uint64 { return uint64(c.order[i%len(c.order)]) }

// other returns a node of 1..5 that is neither the client's target nor its suspect.
func other(c *Client) uint64 {
	for id := uint64(1); ; id++ {
		if id != c.target && id != c.suspect {
			return id
		}
	}
}

func TestStart(t *testing.T) {
	targets := map[uint64]bool{}
	for seed := uint64(0); seed < 100; seed++ {
		c, env := setup(t, Config{Nodes: 5, ValueSize: 128}, seed)
		if c.ID() != 7 {
			t.Fatalf("ID() = %d", c.ID())
		}
		order, key := firstDraws(seed, 5, 1000)
		if !slices.Equal(c.order, order) {
			t.Fatalf("seed %d: order %v, want %v", seed, c.order, order)
		}
		target := uint64(order[0])
		want := sent{0, target, Request{Client: 7, Seq: 1, Key: key, Value: 7<<32 | 1, Size: 128}}
		if len(env.sent) != 1 || env.sent[0] != want {
			t.Fatalf("seed %d: sent %v, want [%v]", seed, env.sent, want)
		}
		if !env.armed || env.due != sim.Time(500*ms) { // the default attempt timeout
			t.Fatalf("seed %d: timer armed %v at %v, want at 500ms", seed, env.armed, env.due)
		}
		targets[target] = true
	}
	if len(targets) != 5 {
		t.Fatalf("first targets over 100 seeds: %v", targets)
	}
}

func TestTimerBeforeStartIsIgnored(t *testing.T) {
	env := &fakeEnv{t: t, client: 1}
	c := New(1, Config{Nodes: 3}, rand.New(rand.NewPCG(1, 0)), env, env)
	c.Timer()
	c.Reply(Reply{Client: 1, Seq: 0, OK: true})
	c.Reply(Reply{Client: 1, Seq: 1, OK: true})
	if len(env.sent) != 0 || len(env.ops) != 0 || env.armed {
		t.Fatalf("an idle client acted: sent %v, ops %v, armed %v", env.sent, env.ops, env.armed)
	}
}

func TestSuccess(t *testing.T) {
	c, env := setup(t, Config{}, 3)
	first := env.last()
	env.advance(7 * ms)
	c.Reply(Reply{Client: 7, Seq: 1, OK: true, Prev: 42})
	want := Op{Client: 7, Seq: 1, Key: first.r.Key, Value: first.r.Value, Prev: 42, OK: true,
		Invoke: 0, Complete: sim.Time(7 * ms), Attempts: 1}
	if len(env.ops) != 1 || env.ops[0] != want {
		t.Fatalf("recorded %v, want [%v]", env.ops, want)
	}
	// Saturating: the next operation goes out at once, to the node that answered, with the next Seq.
	next := env.last()
	if len(env.sent) != 2 || next.at != sim.Time(7*ms) || next.to != first.to || next.r.Seq != 2 ||
		next.r.Value != 7<<32|2 {
		t.Fatalf("next request %v after %v", next, first)
	}
	if env.due != sim.Time(507*ms) {
		t.Fatalf("timer due at %v, want 507ms", env.due)
	}
	env.advance(3 * ms)
	c.Reply(Reply{Client: 7, Seq: 2, OK: true, Prev: first.r.Value})
	if len(env.ops) != 2 || env.ops[1].Invoke != sim.Time(7*ms) || env.ops[1].Complete != sim.Time(10*ms) ||
		env.ops[1].Prev != first.r.Value || env.ops[1].Attempts != 1 {
		t.Fatalf("second op %+v", env.ops[1])
	}
}

func TestRedirectWithHint(t *testing.T) {
	c, env := setup(t, Config{Timeout: 100 * ms}, 1)
	first := env.last()
	hint := first.to%5 + 2 // a node other than the target
	if hint > 5 {
		hint -= 5
	}
	env.advance(2 * ms)
	c.Reply(Reply{Client: 7, Seq: 1, Leader: hint})
	got := env.last()
	if len(env.sent) != 2 || got.at != sim.Time(2*ms) || got.to != hint || got.r != first.r {
		t.Fatalf("after a redirect to %d: sent %v", hint, env.sent)
	}
	if env.due != sim.Time(102*ms) {
		t.Fatalf("attempt timer due at %v, want 102ms", env.due)
	}
	env.advance(5 * ms)
	c.Reply(Reply{Client: 7, Seq: 1, OK: true})
	if len(env.ops) != 1 || env.ops[0].Attempts != 2 || env.ops[0].Complete != sim.Time(7*ms) || !env.ops[0].OK {
		t.Fatalf("recorded %+v", env.ops)
	}
	if env.last().to != hint {
		t.Fatalf("next operation went to %d, not the leader %d", env.last().to, hint)
	}
}

// TestRedirectWithoutHint covers a node that knows no leader, and one that names itself (it led when
// the request came but no longer does): either way the client backs off and tries the next node in its
// own order, round and round.
func TestRedirectWithoutHint(t *testing.T) {
	for _, selfHint := range []bool{false, true} {
		t.Run(fmt.Sprintf("self hint %v", selfHint), func(t *testing.T) {
			c, env := setup(t, Config{Backoff: 20 * ms}, 4)
			target := env.last().to
			for i := range 7 { // round and round: the order wraps
				env.advance(ms)
				hint := uint64(0)
				if selfHint {
					hint = target
				}
				c.Reply(Reply{Client: 7, Seq: 1, Leader: hint})
				if len(env.sent) != i+1 {
					t.Fatalf("redirect %d: sent at once %v", i, env.last())
				}
				backoffStart := env.now
				env.fire(c)
				if env.now != backoffStart.Add(20*ms) {
					t.Fatalf("retry at %v, want %v + 20ms", env.now, backoffStart)
				}
				target = orderAt(c, i+1)
				if got := env.last(); got.to != target || got.at != env.now || got.r.Seq != 1 {
					t.Fatalf("retry %d: %v, want to %d now", i, got, target)
				}
			}
			env.advance(ms)
			c.Reply(Reply{Client: 7, Seq: 1, OK: true})
			if len(env.ops) != 1 || env.ops[0].Attempts != 8 {
				t.Fatalf("recorded %+v, want one op of 8 attempts", env.ops)
			}
		})
	}
}

func TestAttemptTimeout(t *testing.T) {
	c, env := setup(t, Config{Timeout: 100 * ms}, 2)
	for i := 1; i <= 6; i++ {
		env.fire(c)
		target := orderAt(c, i)
		got := env.last()
		if len(env.sent) != i+1 || got.to != target || got.at != sim.Time(i*100)*sim.Time(ms) || got.r.Seq != 1 {
			t.Fatalf("after timeout %d: %v, want to %d at %dms", i, got, target, i*100)
		}
	}
	c.Reply(Reply{Client: 7, Seq: 1, OK: true})
	if len(env.ops) != 1 || env.ops[0].Attempts != 7 || env.ops[0].Complete != sim.Time(600*ms) {
		t.Fatalf("recorded %+v", env.ops)
	}
}

// TestNoBounce is the client's half of issue 6's example: a leader cut off in a minority keeps a
// follower that names it. Once the leader has timed out, the client does not go straight back to it on
// that follower's word; it goes on round its own order, and follows the first node that names another
// leader.
func TestNoBounce(t *testing.T) {
	for seed := uint64(0); seed < 50; seed++ {
		c, env := setup(t, Config{Timeout: 100 * ms, Backoff: 10 * ms}, seed)
		stale := env.last().to
		env.fire(c) // the stale leader does not answer
		follower := env.last().to
		if follower == stale || follower != orderAt(c, 1) {
			t.Fatalf("seed %d: after %d timed out, tried %d, want the next in order %v", seed, stale, follower, c.order)
		}
		env.advance(ms)
		c.Reply(Reply{Client: 7, Seq: 1, Leader: stale}) // "the leader is the one you gave up on"
		if len(env.sent) != 2 {
			t.Fatalf("seed %d: went straight back to %d: %v", seed, stale, env.last())
		}
		env.fire(c) // the backoff
		third := env.last().to
		if third != orderAt(c, 2) {
			t.Fatalf("seed %d: third attempt to %d, want %d (order %v)", seed, third, orderAt(c, 2), c.order)
		}
		env.advance(ms)
		leader := other(c)
		c.Reply(Reply{Client: 7, Seq: 1, Leader: leader}) // a node of the majority names the new leader
		if got := env.last(); got.to != leader || len(env.sent) != 4 {
			t.Fatalf("seed %d: after a redirect to %d: %v", seed, leader, got)
		}
		env.advance(ms)
		c.Reply(Reply{Client: 7, Seq: 1, OK: true})
		if got := env.last(); got.to != leader || got.r.Seq != 2 {
			t.Fatalf("seed %d: the next operation went to %d, want the leader %d", seed, got.to, leader)
		}
	}
}

// TestSuspectForgiven: a leader that missed one answer (a lost message) is still the leader. Once the
// client has turned to every other node, each naming it, it goes back to it; and a redirect elsewhere
// that times out does not move the client's place in its order.
func TestSuspectForgiven(t *testing.T) {
	c, env := setup(t, Config{Timeout: 100 * ms, Backoff: 10 * ms}, 3)
	leader := env.last().to
	env.fire(c) // lost
	for i := 1; i <= 4; i++ {
		if got := env.last().to; got != orderAt(c, i) {
			t.Fatalf("attempt %d to %d, want %d (order %v)", i, got, orderAt(c, i), c.order)
		}
		env.advance(ms)
		c.Reply(Reply{Client: 7, Seq: 1, Leader: leader})
		if i < 4 {
			if len(env.sent) != i+1 {
				t.Fatalf("attempt %d: followed the redirect to %d before asking every node", i, leader)
			}
			env.fire(c)
		}
	}
	if got := env.last(); got.to != leader || len(env.sent) != 6 {
		t.Fatalf("after every other node named %d: %v", leader, got)
	}
	// The leader times out again: the next pick is the next in order after the last pick (order[0],
	// which is the leader itself and so passed over: order[1]), not the node after the leader.
	env.fire(c)
	if got := env.last().to; got != orderAt(c, 1) {
		t.Fatalf("after the redirect target timed out: to %d, want %d (order %v)", got, orderAt(c, 1), c.order)
	}
}

// TestOrderUniform: the node a client tries after another is uniform over the rest, whatever the nodes'
// numbers. The old client always tried ID%n+1.
func TestOrderUniform(t *testing.T) {
	const n, seeds = 5, 2000
	var pairs [n + 1][n + 1]int
	for seed := uint64(0); seed < seeds; seed++ {
		c, env := setup(t, Config{Nodes: n, Timeout: 100 * ms}, seed)
		a := env.last().to
		env.fire(c)
		pairs[a][env.last().to]++
	}
	// Each of the 20 ordered pairs is expected 100 times (sd ≈ 9.7): allow ±4 sd.
	for a := 1; a <= n; a++ {
		for b := 1; b <= n; b++ {
			if a == b && pairs[a][b] != 0 || a != b && (pairs[a][b] < 61 || pairs[a][b] > 139) {
				t.Errorf("%d then %d: %d times of %d", a, b, pairs[a][b], seeds)
			}
		}
	}
}

// TestDeadline checks that an operation that never succeeds fails exactly at its deadline, whatever
// mix of timeouts, redirects and backoffs leads there, and that the client then moves on.
func TestDeadline(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		step     func(c *Client, env *fakeEnv) // one move before the next timer
		attempts int
	}{
		// Attempts at 0, 300, 600, 900; the last timer is cut to the 100ms left.
		{"timeouts", Config{Timeout: 300 * ms, Deadline: time.Second}, func(*Client, *fakeEnv) {}, 4},
		// Timeout divides the deadline: attempts at 0..800, the timer at 1s ends it.
		{"timeouts dividing", Config{Timeout: 200 * ms, Deadline: time.Second}, func(*Client, *fakeEnv) {}, 5},
		// Every attempt is redirected at once without a hint: attempts at 0, 10, 20, backoff cut to 5ms.
		{"backoffs", Config{Backoff: 10 * ms, Deadline: 25 * ms}, func(c *Client, env *fakeEnv) {
			c.Reply(Reply{Client: 7, Seq: env.last().r.Seq})
		}, 3},
		// Redirected with a hint 1ms before the deadline: the new attempt's timer is cut to 1ms.
		{"hint at the end", Config{Timeout: 100 * ms, Deadline: 250 * ms}, func(c *Client, env *fakeEnv) {
			if env.now == sim.Time(200*ms) {
				env.advance(49 * ms)
				c.Reply(Reply{Client: 7, Seq: 1, Leader: other(c)})
			}
		}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, env := setup(t, tt.cfg, 9)
			first := env.last()
			for len(env.ops) == 0 {
				tt.step(c, env)
				if len(env.ops) > 0 {
					break
				}
				env.fire(c)
				if env.now > sim.Time(tt.cfg.Deadline) {
					t.Fatalf("still running at %v", env.now)
				}
			}
			want := Op{Client: 7, Seq: 1, Key: first.r.Key, Value: first.r.Value, OK: false,
				Invoke: 0, Complete: sim.Time(tt.cfg.Deadline), Attempts: tt.attempts}
			if len(env.ops) != 1 || env.ops[0] != want {
				t.Fatalf("recorded %+v, want %+v", env.ops, want)
			}
			for _, s := range env.sent[:len(env.sent)-1] {
				if s.r.Seq != 1 || s.at >= sim.Time(tt.cfg.Deadline) {
					t.Fatalf("request %v during the first operation", s)
				}
			}
			next := env.last()
			if next.r.Seq != 2 || next.at != sim.Time(tt.cfg.Deadline) {
				t.Fatalf("next operation %v, want Seq 2 at the deadline", next)
			}
			// A late answer to the failed operation changes nothing.
			c.Reply(Reply{Client: 7, Seq: 1, OK: true})
			if len(env.ops) != 1 || len(env.sent) != tt.attempts+1 {
				t.Fatalf("a reply to a failed operation was acted on: %v", env.ops)
			}
		})
	}
}

func TestThink(t *testing.T) {
	c, env := setup(t, Config{Think: 50 * ms, Timeout: 100 * ms, Deadline: 150 * ms}, 5)
	env.advance(7 * ms)
	c.Reply(Reply{Client: 7, Seq: 1, OK: true})
	if len(env.sent) != 1 || !env.armed || env.due != sim.Time(57*ms) {
		t.Fatalf("after a success: sent %d, timer %v at %v; want nothing sent, timer at 57ms", len(env.sent), env.armed, env.due)
	}
	// Replies while thinking are stale.
	c.Reply(Reply{Client: 7, Seq: 1, OK: true})
	c.Reply(Reply{Client: 7, Seq: 2, OK: true})
	if len(env.ops) != 1 || len(env.sent) != 1 {
		t.Fatalf("a reply while thinking was acted on: %v", env.ops)
	}
	env.fire(c)
	if got := env.last(); got.r.Seq != 2 || got.at != sim.Time(57*ms) {
		t.Fatalf("second operation %v, want Seq 2 at 57ms", got)
	}
	// A failure is followed by the same pause.
	env.fire(c) // attempt timeout at 157ms
	env.fire(c) // deadline at 207ms
	if len(env.ops) != 2 || env.ops[1].OK || env.ops[1].Invoke != sim.Time(57*ms) || env.ops[1].Complete != sim.Time(207*ms) {
		t.Fatalf("ops %+v", env.ops)
	}
	if len(env.sent) != 3 || env.due != sim.Time(257*ms) {
		t.Fatalf("after a failure: %d sent, timer at %v; want 3 and 257ms", len(env.sent), env.due)
	}
	env.fire(c)
	if got := env.last(); got.r.Seq != 3 || got.at != sim.Time(257*ms) {
		t.Fatalf("third operation %v", got)
	}
}

func TestStaleReplies(t *testing.T) {
	c, env := setup(t, Config{Timeout: 100 * ms, Backoff: 30 * ms}, 6)
	env.advance(ms)
	c.Reply(Reply{Client: 7, Seq: 1, OK: true})
	env.advance(ms)
	// Seq 2 is out. Answers for 1 (old) and 3 (not yet issued) are ignored, OK or not.
	for _, r := range []Reply{
		{Client: 7, Seq: 1, OK: true, Prev: 9},
		{Client: 7, Seq: 1, Leader: 3},
		{Client: 7, Seq: 3, OK: true},
		{Client: 7, Seq: 0, OK: true},
	} {
		c.Reply(r)
		if len(env.ops) != 1 || len(env.sent) != 2 || env.due != sim.Time(101*ms) {
			t.Fatalf("stale %+v was acted on: ops %v, sent %v, timer %v", r, env.ops, env.sent, env.due)
		}
	}
	// Backing off, not awaiting: a redirect for the current operation is ignored…
	c.Reply(Reply{Client: 7, Seq: 2})
	due := env.due
	c.Reply(Reply{Client: 7, Seq: 2, Leader: 4})
	if len(env.ops) != 1 || len(env.sent) != 2 || env.due != due {
		t.Fatalf("a redirect during backoff was acted on: ops %v, sent %v", env.ops, env.sent)
	}
	// …but a success from the earlier attempt completes it: the write took effect.
	c.Reply(Reply{Client: 7, Seq: 2, OK: true})
	if len(env.ops) != 2 || !env.ops[1].OK || env.ops[1].Attempts != 1 {
		t.Fatalf("a success during backoff: ops %+v", env.ops)
	}
}

// keys returns the keys of the first n operations of a client drawing from seed.
func keys(t *testing.T, seed uint64, n, keySpace int) []uint64 {
	c, env := setup(t, Config{Keys: keySpace}, seed)
	for range n - 1 {
		c.Reply(Reply{Client: 7, Seq: env.last().r.Seq, OK: true})
	}
	out := make([]uint64, len(env.sent))
	for i, s := range env.sent {
		out[i] = s.r.Key
	}
	return out
}

func TestKeysDeterministic(t *testing.T) {
	a, b, c := keys(t, 11, 200, 10), keys(t, 11, 200, 10), keys(t, 12, 200, 10)
	if len(a) != 200 {
		t.Fatalf("%d operations, want 200", len(a))
	}
	if !slices.Equal(a, b) {
		t.Fatal("the same seed drew different keys")
	}
	if slices.Equal(a, c) {
		t.Fatal("seeds 11 and 12 drew the same keys")
	}
	seen := map[uint64]int{}
	for _, k := range a {
		if k >= 10 {
			t.Fatalf("key %d outside a key space of 10", k)
		}
		seen[k]++
	}
	if len(seen) != 10 {
		t.Fatalf("keys drawn: %v", seen)
	}
	// Retries do not draw: an operation keeps its key, and the next key is the stream's next draw.
	c2, env := setup(t, Config{Keys: 10}, 11)
	env.fire(c2)
	env.fire(c2)
	c2.Reply(Reply{Client: 7, Seq: 1, OK: true})
	if got := []uint64{env.sent[0].r.Key, env.sent[1].r.Key, env.sent[2].r.Key, env.sent[3].r.Key}; !slices.Equal(got, []uint64{a[0], a[0], a[0], a[1]}) {
		t.Fatalf("keys %v, want %v", got, []uint64{a[0], a[0], a[0], a[1]})
	}
}

// TestOneNode: alone, a client retries its one node after a timeout, and follows it when it names
// itself leader again.
func TestOneNode(t *testing.T) {
	c, env := setup(t, Config{Nodes: 1, Timeout: 100 * ms, Backoff: 10 * ms}, 1)
	env.fire(c)
	if got := env.last(); got.to != 1 || len(env.sent) != 2 || c.suspect != 0 {
		t.Fatalf("after a timeout: %v, suspect %d", got, c.suspect)
	}
	env.advance(ms)
	c.Reply(Reply{Client: 7, Seq: 1})
	env.fire(c)
	env.advance(ms)
	c.Reply(Reply{Client: 7, Seq: 1, OK: true})
	if len(env.ops) != 1 || env.ops[0].Attempts != 3 || env.last().to != 1 {
		t.Fatalf("ops %+v, last %v", env.ops, env.last())
	}
}
