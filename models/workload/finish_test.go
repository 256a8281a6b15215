package workload

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/raftsim/raftsim/sim"
)

// durs is a Durations that returns its values in turn, and counts the draws it made from r.
type durs struct {
	vals []time.Duration
	i    int
}

func (d *durs) Sample(r *rand.Rand) time.Duration {
	r.Uint64() // a draw, so that a test sees the stream used
	v := d.vals[d.i%len(d.vals)]
	d.i++
	return v
}

// TestThinkDist: with a think distribution each pause is a draw from it, from the think stream; a
// negative draw and a zero draw are no pause, an enormous one holds the client that long. The client's
// own stream gives the same keys as a client with the constant think time: the model leaves it alone.
func TestThinkDist(t *testing.T) {
	const hour = time.Hour
	d := &durs{vals: []time.Duration{5 * ms, -3 * ms, 0, 1000 * hour}}
	c, env := setup(t, Config{ThinkDist: d}, 9)
	think := rand.New(rand.NewPCG(1, 2))
	c.SetThinkStream(think)
	plain, penv := setup(t, Config{Think: 5 * ms}, 9) // the same client stream, constant think time

	reply := func(c *Client, env *fakeEnv) {
		env.advance(time.Millisecond)
		c.Reply(Reply{Client: 7, Seq: env.last().r.Seq, OK: true})
	}
	// 5ms: a pause, then the next operation.
	reply(c, env)
	reply(plain, penv)
	if c.phase != thinking || env.due != env.now.Add(5*ms) {
		t.Fatalf("after a 5ms draw: phase %v, due %v at %v", c.phase, env.due, env.now)
	}
	env.fire(c)
	penv.fire(plain)
	// -3ms, then 0: no pause, the next operation goes out at once.
	for _, v := range []string{"-3ms", "0"} {
		n := len(env.sent)
		reply(c, env)
		if c.phase != awaiting || len(env.sent) != n+1 || env.last().at != env.now {
			t.Fatalf("after a %s draw: phase %v, sent %d (was %d)", v, c.phase, len(env.sent), n)
		}
	}
	// 1000h: the client waits that long.
	reply(c, env)
	if c.phase != thinking || env.due != env.now.Add(1000*hour) {
		t.Fatalf("after a 1000h draw: due %v at %v", env.due, env.now)
	}
	if d.i != 4 {
		t.Fatalf("%d think draws, want 4", d.i)
	}
	// Keys come from the client's own stream, as with a constant think time.
	for len(penv.sent) < 4 {
		reply(plain, penv)
		penv.fire(plain)
	}
	for i := range 4 {
		if env.sent[i].r.Key != penv.sent[i].r.Key {
			t.Fatalf("operation %d: key %d, want %d (the constant think's)", i+1, env.sent[i].r.Key, penv.sent[i].r.Key)
		}
	}
	// Without a stream the distribution is not drawn: the constant (0) applies.
	c2, env2 := setup(t, Config{ThinkDist: &durs{vals: []time.Duration{time.Second}}}, 9)
	reply(c2, env2)
	if c2.phase != awaiting {
		t.Fatal("a client without a think stream paused")
	}
}

// TestRoundRobinRetry: with RoundRobin, a refusal naming a leader is not followed: the client pauses
// its backoff and tries its next endpoint, in its own order, until one accepts; it then stays there.
// With the default policy the same refusal is followed at once.
func TestRoundRobinRetry(t *testing.T) {
	for _, rr := range []bool{false, true} {
		c, env := setup(t, Config{Backoff: 7 * ms, RoundRobin: rr}, 4)
		first := env.last().to
		leader := orderAt(c, 3) // a node three places on in the client's order
		env.advance(ms)
		c.Reply(Reply{Client: 7, Seq: 1, Leader: leader})
		if !rr {
			if got := env.last(); got.to != leader || got.at != sim.Time(ms) {
				t.Fatalf("leader policy: sent %v, want to %d at once", got, leader)
			}
			continue
		}
		if len(env.sent) != 1 || c.phase != backoff || env.due != sim.Time(8*ms) {
			t.Fatalf("round robin: after a refusal sent %v, phase %v, due %v; want a 7ms pause", env.sent, c.phase, env.due)
		}
		var tried []uint64
		for len(tried) < 3 {
			env.fire(c)
			got := env.last()
			tried = append(tried, got.to)
			if got.to == leader {
				break
			}
			env.advance(ms)
			c.Reply(Reply{Client: 7, Seq: 1, Leader: leader})
		}
		if want := []uint64{orderAt(c, 1), orderAt(c, 2), orderAt(c, 3)}; !slices.Equal(tried, want) || tried[0] == first {
			t.Fatalf("round robin tried %v, want the next endpoints in order %v", tried, want)
		}
		env.advance(ms)
		c.Reply(Reply{Client: 7, Seq: 1, OK: true})
		if got := env.last(); got.to != leader || got.r.Seq != 2 {
			t.Fatalf("after a success: next request %v, want to %d, which answered", got, leader)
		}
	}
}
