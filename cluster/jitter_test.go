package cluster

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/latency"
)

// TestTimerJitter: a jitter of nil or const:0s runs exactly as before (the same event trace, byte for
// byte: nothing is drawn); a real jitter changes the run; and the jittered run is the same whether it
// runs alone or beside others on other goroutines, as sweep workers run it.
func TestTimerJitter(t *testing.T) {
	run := func(j *latency.Dist) []byte {
		cfg := Default()
		cfg.Seed = 7
		cfg.Duration = 3 * time.Second
		cfg.Clients = 0
		cfg.ElectionMin, cfg.ElectionMax = 150*time.Millisecond, 150*time.Millisecond
		cfg.Bootstrap = 1
		cfg.LeaderCrash = &LeaderCrash{After: time.Second, Stale: 2}
		cfg.TimerJitter = j
		var b bytes.Buffer
		cfg.Trace = &b
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Run(); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	off := run(nil)
	if zero := run(latency.Const(0)); !bytes.Equal(off, zero) {
		t.Error("timer_jitter const:0s changed the run; it must be off")
	}
	on := latency.MustParse("uniform:0s:2ms")
	alone := run(on)
	if bytes.Equal(off, alone) {
		t.Error("timer_jitter uniform:0s:2ms left the run as it was")
	}
	var wg sync.WaitGroup
	traces := make([][]byte, 4)
	for i := range traces {
		wg.Go(func() { traces[i] = run(on) })
	}
	wg.Wait()
	for i, tr := range traces {
		if !bytes.Equal(tr, alone) {
			t.Errorf("run %d of 4 in parallel differs from the same run alone", i)
		}
	}
}

// TestTimerJitterValidate: a jitter as large as the election timeout is refused, naming the flag.
func TestTimerJitterValidate(t *testing.T) {
	cfg := Default()
	cfg.TimerJitter = latency.MustParse("exp:150ms")
	err := cfg.Validate()
	if err == nil || !bytes.HasPrefix([]byte(err.Error()), []byte("timer-jitter: ")) {
		t.Fatalf("Validate: %v, want a timer-jitter error", err)
	}
	cfg.TimerJitter = latency.MustParse("exp:1ms")
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
}
