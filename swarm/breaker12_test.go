package swarm

import (
	"context"
	"strings"
	"testing"
)

// TestShrinkKeepsEachAssumption: a shrink never trades one broken assumption for another. A world that
// warns to begin with (here a lease-edge world whose heartbeat is its minimum election timeout: the
// timing rule broken) may lose that warning on the way, and must not then gain another (the lease's
// drift bound dropped while the fast clocks stay) because the count of warnings is back where it
// started: the world's stale reads would then be the clocks' fault, not Raft's.
func TestShrinkKeepsEachAssumption(t *testing.T) {
	seed := uint64(1)
	for ; Draw(seed).Family != "lease-edge"; seed++ {
	}
	w := Draw(seed)
	et, _ := w.Get("election_timeout")
	emin, _, _ := strings.Cut(et, ":")
	slow := w.set("heartbeat", emin)
	count := func(w World) int {
		cfg, err := w.Config()
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		return len(cfg.Warnings())
	}
	if count(slow) != 1 {
		t.Fatalf("seed %d: a heartbeat of the minimum election timeout %s does not warn once: %s", seed, emin, slow.String())
	}
	sh := &shrinker{ctx: context.Background(), fails: func(*Result) bool { return true }, limit: 10,
		warnings: warnings(&slow), out: Shrunk{World: slow, Runs: 1}}
	fast := slow.with(func(_ int, s Setting) (Setting, bool) { return s, s.Name != "heartbeat" })
	if !sh.try(fast, "default heartbeat") || sh.out.Runs != 2 {
		t.Fatalf("seed %d: the step back within the timing rule was not taken (%d runs)", seed, sh.out.Runs)
	}
	bare := fast.with(func(_ int, s Setting) (Setting, bool) { return s, s.Name != "clock_drift" })
	if count(bare) != 1 {
		t.Fatalf("seed %d: its fast clocks without the bound do not warn once: %s", seed, bare.String())
	}
	if sh.try(bare, "default clock_drift") || sh.out.Runs != 2 {
		t.Fatalf("seed %d: the step out of the drift bound was tried, the timing rule's warning gone (%d runs)", seed, sh.out.Runs)
	}
}
