package disk

import (
	"math/rand/v2"
	"testing"
	"time"
)

type constLatency time.Duration

func (c constLatency) Sample(*rand.Rand) time.Duration { return time.Duration(c) }

func TestGroupCommit(t *testing.T) {
	d := New(Config{Fsync: constLatency(2 * time.Millisecond), Bandwidth: 1e6}, rand.New(rand.NewPCG(1, 1)))
	started, after := d.Submit(1000, true)
	if !started || after != 3*time.Millisecond {
		t.Fatalf("first write: started=%v after=%v, want true 3ms (2ms fsync + 1000B at 1MB/s)", started, after)
	}
	// Three more batches arrive while the disk is busy: they wait, then go in one write.
	for i := 0; i < 3; i++ {
		if s, _ := d.Submit(500, true); s {
			t.Fatal("a write started while the disk was busy")
		}
	}
	n, started, after := d.Done()
	if n != 1 || !started || after != 3500*time.Microsecond {
		t.Fatalf("done: %d durable, next started=%v after=%v; want 1, true, 3.5ms", n, started, after)
	}
	n, started, _ = d.Done()
	if n != 3 || started {
		t.Fatalf("second done: %d durable, started=%v; want 3 and idle", n, started)
	}
	if d.Writes != 2 || d.Bytes != 2500 {
		t.Fatalf("stats: %d writes %d bytes, want 2 and 2500", d.Writes, d.Bytes)
	}
}

func TestEmptyBatchCostsNothing(t *testing.T) {
	d := New(Config{Fsync: constLatency(time.Millisecond)}, rand.New(rand.NewPCG(1, 1)))
	if started, after := d.Submit(0, false); !started || after != 0 {
		t.Fatalf("empty batch on an idle disk: started=%v after=%v, want true 0", started, after)
	}
	d.Done()
	d.Submit(10, true)
	d.Submit(0, false) // must wait behind the data write, then cost nothing of its own
	if n, started, after := d.Done(); n != 1 || !started || after != 0 {
		t.Fatalf("got %d %v %v, want 1 true 0", n, started, after)
	}
	if d.Writes != 1 {
		t.Fatalf("%d fsyncs, want 1", d.Writes)
	}
}

func TestCrashLosesPending(t *testing.T) {
	d := New(Config{Fsync: constLatency(time.Millisecond)}, rand.New(rand.NewPCG(1, 1)))
	d.Submit(10, true)
	d.Submit(10, true)
	d.Crash()
	if d.Busy() {
		t.Fatal("busy after crash")
	}
	if started, _ := d.Submit(10, true); !started {
		t.Fatal("a write did not start on the disk after a crash")
	}
	if n, _, _ := d.Done(); n != 1 {
		t.Fatalf("%d durable after the crash, want only the new batch", n)
	}
}
