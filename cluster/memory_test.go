package cluster

import (
	"runtime"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/latency"
)

// heapAfter runs cfg and returns the heap in use once it is done, the cluster still reachable: what the
// run holds, not what it allocated on the way.
func heapAfter(t *testing.T, cfg Config) uint64 {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(c)
	return ms.HeapInuse
}

// TestMemoryFlatUnderChurn: a cluster that churns for ever — every node times out every 5 to 10 ms and
// writes its new term to a disk that takes 10 ms, so the disks never rest and no leader is ever elected
// — holds the same memory after 20 simulated minutes as after 5. Its disk queue never quite emptied,
// and the batch FIFO, trimmed only when empty, kept every batch it had ever written: 1.4 GB after a
// simulated hour, 5 GB after three.
func TestMemoryFlatUnderChurn(t *testing.T) {
	cfg := Default()
	cfg.Clients, cfg.ElectionMin, cfg.ElectionMax, cfg.Fsync = 0, 5*time.Millisecond, 10*time.Millisecond, latency.Const(10*time.Millisecond)
	cfg.Duration = 5 * time.Minute
	short := heapAfter(t, cfg)
	cfg.Duration = 20 * time.Minute
	long := heapAfter(t, cfg)
	// The old FIFO grew by about 15 MB per simulated minute here: 77 MB after 5 minutes, 301 MB after 20.
	const margin = 2 << 20
	if long > short+margin {
		t.Fatalf("heap in use %.1f MB after 20 simulated minutes, %.1f MB after 5: it grows with simulated time",
			float64(long)/(1<<20), float64(short)/(1<<20))
	}
}

// TestQueuesFollowWorkInFlight: the per-node queues — persist batches waiting for the disk, client
// writes waiting to apply — hold what is in flight, not what ever passed through them, in runs where
// they never empty: 50 saturating clients of a stable leader, a cluster whose leaders come and go,
// and nodes that crash and recover. Before, a queue trimmed only when empty
// held every write of a leader's term.
func TestQueuesFollowWorkInFlight(t *testing.T) {
	tests := []struct {
		name    string
		mod     func(c *Config)
		leaders uint64 // elections won, at least
	}{
		{"stable leader, 50 clients", func(c *Config) { c.Clients = 50 }, 1},
		{"leaders coming and going, 20 clients", func(c *Config) {
			// Timeouts of 5 to 10 ms over links with an exponential latency of mean 1 ms: hundreds of
			// elections, most of them won.
			c.Clients, c.Link.Latency = 20, latency.MustParse("exp:1ms")
			c.ElectionMin, c.ElectionMax = 5*time.Millisecond, 10*time.Millisecond
		}, 100},
		{"crash-recovery, 20 clients", func(c *Config) {
			c.Clients = 20
			c.CrashRecovery = &CrashRecovery{MTTF: latency.MustParse("exp:2s"), MTTR: latency.MustParse("exp:500ms")}
		}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Default()
			cfg.Duration = 20 * time.Second
			tt.mod(&cfg)
			c, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			s, err := c.Run()
			if err != nil {
				t.Fatal(err)
			}
			var writes uint64
			for _, h := range c.hosts {
				writes += h.disk.Writes
			}
			if s.ClientOps.OK < 10000 || writes < 50000 || s.LeaderChanges < tt.leaders {
				t.Fatalf("%d writes acknowledged, %d disk writes, %d elections won: too few to show anything",
					s.ClientOps.OK, writes, s.LeaderChanges)
			}
			// Each client has one write outstanding, retried at most every client timeout; a disk holds
			// the batches of one fsync. 256 slots is ample for both, and far below what passed through.
			for _, h := range c.hosts {
				if b, p := len(h.batches.buf), len(h.proposals.buf); b > 256 || p > 256 {
					t.Errorf("node %d: %d slots for persist batches, %d for proposals, after %d acknowledged writes",
						h.id, b, p, s.ClientOps.OK)
				}
			}
		})
	}
}

// TestFIFO: the ring keeps its items in order across wrap-arounds and growth, and hands a popped slot's
// contents back on a later push, so buffers are reused.
func TestFIFO(t *testing.T) {
	var q fifo[[]int]
	next, want, most := 0, 0, 0
	for round := range 200 {
		for range round % 13 {
			s := q.push()
			*s = append((*s)[:0], next)
			next++
		}
		most = max(most, q.len())
		for q.len() > round*5%7 {
			if got := (*q.front())[0]; got != want {
				t.Fatalf("round %d: front %d, want %d", round, got, want)
			}
			q.pop()
			want++
		}
		for i := range q.len() {
			if got := (*q.at(i))[0]; got != want+i {
				t.Fatalf("round %d: at(%d) = %d, want %d", round, i, got, want+i)
			}
		}
	}
	if len(q.buf) > 2*most {
		t.Fatalf("%d slots for at most %d items queued at once", len(q.buf), most)
	}
	// Once every slot has had a buffer, pushing and popping round the ring allocates nothing.
	q.clear()
	n := len(q.buf)
	for range n {
		s := q.push()
		*s = append((*s)[:0], 1)
	}
	for range n {
		q.pop()
	}
	if a := testing.AllocsPerRun(100, func() {
		for range 4 {
			s := q.push()
			*s = append((*s)[:0], 1)
		}
		for range 4 {
			q.pop()
		}
	}); a != 0 {
		t.Fatalf("%v allocations per round of reused slots", a)
	}
}
