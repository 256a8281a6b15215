package workload

import (
	"math/rand/v2"
	"testing"
)

// TestOpenLoop: an open-loop client sends nothing until handed an operation, is busy until it
// completes (a success or its deadline), then idle again without starting another; Issue on a busy
// client is a programmer's error.
func TestOpenLoop(t *testing.T) {
	c, env := setup(t, Config{OpenLoop: true}, 1)
	if len(env.sent) != 0 || !c.Idle() || env.armed {
		t.Fatalf("after Start: %d sent, idle %v, armed %v: want nothing sent, idle", len(env.sent), c.Idle(), env.armed)
	}
	c.Issue()
	if len(env.sent) != 1 || c.Idle() {
		t.Fatalf("after Issue: %d sent, idle %v", len(env.sent), c.Idle())
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("Issue on a busy client did not panic")
			}
		}()
		c.Issue()
	}()
	env.advance(3 * ms)
	r := env.last().r
	c.Reply(Reply{Client: r.Client, Seq: r.Seq, OK: true})
	if len(env.ops) != 1 || !env.ops[0].OK || !c.Idle() || len(env.sent) != 1 {
		t.Fatalf("after the reply: ops %v, idle %v, %d sent: want one op done, idle, nothing more sent", env.ops, c.Idle(), len(env.sent))
	}
	// A deadline: the operation fails and the client is idle again, with no next operation.
	c.Issue()
	for !c.Idle() {
		env.fire(c)
	}
	if len(env.ops) != 2 || env.ops[1].OK {
		t.Fatalf("ops %v: want the second failed at its deadline", env.ops)
	}
	closed, _ := setup(t, Config{}, 1)
	if closed.Idle() {
		t.Error("a closed-loop client says it is idle")
	}
}

// TestZipfAndSizes: the optional models draw from the streams SetStreams gives, the client's own stream
// draws what it would without them, and with nil streams (or s at most 1) they are off.
func TestZipfAndSizes(t *testing.T) {
	keysOf := func(cfg Config, keys, sizes *rand.Rand) (ks []uint64, szs []uint32, reads []bool) {
		env := &fakeEnv{t: t, client: 7}
		cfg.Nodes = 5
		c := New(7, cfg, rand.New(rand.NewPCG(1, 0)), env, env)
		c.SetStreams(keys, sizes)
		c.Start()
		for range 200 {
			r := env.last().r
			ks, szs, reads = append(ks, r.Key), append(szs, r.Size), append(reads, r.Read)
			c.Reply(Reply{Client: r.Client, Seq: r.Seq, OK: true})
		}
		return ks, szs, reads
	}
	base := Config{Keys: 100, ValueSize: 10, ReadRatio: 0.5}
	k0, s0, r0 := keysOf(base, nil, nil)
	zc := base
	zc.Zipf = 2
	k1, _, r1 := keysOf(zc, rand.New(rand.NewPCG(9, 9)), nil)
	sc := base
	sc.Sizes = fixed(777)
	k2, s2, r2 := keysOf(sc, nil, rand.New(rand.NewPCG(9, 9)))
	zeros := 0
	for i := range k0 {
		if r1[i] != r0[i] || r2[i] != r0[i] || k2[i] != k0[i] {
			t.Fatalf("op %d: a model moved the client's own draws", i)
		}
		if k1[i] == 0 {
			zeros++
		}
		if !r0[i] && (s0[i] != 10 || s2[i] != 777) {
			t.Fatalf("op %d: sizes %d and %d, want 10 and 777", i, s0[i], s2[i])
		}
	}
	if zeros < 80 { // P(0) = 1/zeta(2) = 0.61 over 100 keys
		t.Errorf("Zipf s=2: %d of 200 keys are 0", zeros)
	}
	off := base
	off.Zipf = 1
	if k3, _, _ := keysOf(off, rand.New(rand.NewPCG(9, 9)), nil); k3[0] != k0[0] || k3[199] != k0[199] {
		t.Error("Zipf s=1 is not off")
	}
}

type fixed int64

func (f fixed) Sample(*rand.Rand) int64 { return int64(f) }
