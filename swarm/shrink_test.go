package swarm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/experiments/spec"
)

// TestFromSpec: a world read back from its spec is the same world: its spec is equal, byte for byte
// in canonical form, and so are its repair and bound.
func TestFromSpec(t *testing.T) {
	for seed := uint64(1); seed <= 300; seed++ {
		w := Draw(seed)
		s, err := w.Spec()
		if err != nil {
			t.Fatal(err)
		}
		back, err := FromSpec(s)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := back.Spec()
		if err != nil {
			t.Fatalf("seed %d: %v\nworld read back: %s", seed, err, back.String())
		}
		if !bytes.Equal(s.Canonical(), s2.Canonical()) {
			t.Fatalf("seed %d: the world read back differs:\n%s\n%s", seed, s.Canonical(), s2.Canonical())
		}
		if back.Repair != w.Repair || back.Bound != w.Bound {
			t.Fatalf("seed %d: repair %v bound %v, want %v %v", seed, back.Repair, back.Bound, w.Repair, w.Bound)
		}
	}
}

// crashed2 is a synthetic failure: the run crashed node 2 (by ID or by role) in a cluster of at least 3.
func crashed2(r *Result) bool {
	if r.Summary.Nodes < 3 {
		return false
	}
	for _, f := range r.Summary.Faults {
		if strings.HasPrefix(f.Fault, "crash") && slices.Contains(f.Nodes, 2) {
			return true
		}
	}
	return false
}

// firstCrashing2 finds a seed whose world fails crashed2 with at least a few schedule entries and more
// than 3 nodes, so that there is something to shrink.
func firstCrashing2(t *testing.T) World {
	for seed := uint64(1); seed <= 200; seed++ {
		w := Draw(seed)
		if s := w.Size(); s.Nodes <= 3 || s.Entries < 6 {
			continue
		}
		res, err := Run(context.Background(), w, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if crashed2(&res) {
			return w
		}
	}
	t.Fatal("no seed of 1..200 crashes node 2")
	return World{}
}

// TestShrink: from a world that fails the synthetic predicate, Shrink finds a strictly smaller world
// that still fails it, at a fixed point, keeping the seed; twice the same; the world it finds, written
// as a spec and read back, fails the same way.
func TestShrink(t *testing.T) {
	w := firstCrashing2(t)
	var got [2]Shrunk
	for i := range got {
		sh, err := Shrink(context.Background(), w, Options{}, crashed2, 500)
		if err != nil {
			t.Fatal(err)
		}
		got[i] = sh
	}
	sh := got[0]
	if !reflect.DeepEqual(got[0].World, got[1].World) || got[0].Runs != got[1].Runs || !reflect.DeepEqual(got[0].Steps, got[1].Steps) {
		t.Fatalf("two shrinks differ:\n%s\n%s", got[0].World.String(), got[1].World.String())
	}
	t.Logf("seed %d: %d runs, %s -> %s\n%s\nsteps: %s", w.Seed, sh.Runs, sh.Before, sh.After, sh.World.String(), strings.Join(sh.Steps, "; "))
	if !sh.After.Less(sh.Before) || sh.World.Seed != w.Seed || !crashed2(&sh.Result) || !sh.Fixed {
		t.Fatalf("shrunk %s -> %s, seed %d, fails %v, fixed %v", sh.Before, sh.After, sh.World.Seed, crashed2(&sh.Result), sh.Fixed)
	}
	// The smallest world that crashes node 2 among 3: three nodes, one crash.
	if sh.After.Nodes != 3 || sh.After.Entries > 2 {
		t.Errorf("shrunk to %s; want 3 nodes and at most a crash and a restart or repair", sh.After)
	}
	s, err := sh.World.Spec()
	if err != nil {
		t.Fatal(err)
	}
	back, err := FromSpec(s)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), back, Options{})
	if err != nil || !crashed2(&res) {
		t.Fatalf("the shrunk world read back from its spec: err %v, fails %v", err, crashed2(&res))
	}
}

// TestShrinkPasses: a world that does not fail is ErrPasses, and the limit stops a search.
func TestShrinkPasses(t *testing.T) {
	if _, err := Shrink(context.Background(), Draw(3), Options{}, nil, 10); !errors.Is(err, ErrPasses) {
		t.Fatalf("a passing world: %v, want ErrPasses", err)
	}
	sh, err := Shrink(context.Background(), firstCrashing2(t), Options{}, crashed2, 3)
	if err != nil || sh.Runs != 3 || sh.Fixed {
		t.Fatalf("limit 3: err %v, %d runs, fixed %v", err, sh.Runs, sh.Fixed)
	}
}

// TestShrinkInterrupted: a cancelled shrink returns the context's error.
func TestShrinkInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Shrink(ctx, Draw(3), Options{}, crashed2, 10); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
}

// liveFailure is seed's world with its liveness bound cut to a millisecond after the repair: a world
// that fails the liveness phase in any build (the cluster cannot elect, commit and read in 1ms).
func liveFailure(seed uint64) World {
	w := Draw(seed)
	c := w.set("duration", ms(w.Repair+time.Millisecond))
	c.Bound = time.Millisecond
	return c
}

// TestFailureReplays: a failing seed's result in a check (no trace) and its replay from the world file
// the check writes (with a trace) agree byte for byte: the same summary JSON, and two replays the same
// trace.
func TestFailureReplays(t *testing.T) {
	w := liveFailure(5)
	rep, err := Check(context.Background(), Plan{From: 5, Seeds: 1, Workers: 1, World: func(uint64) World { return w }}, nil)
	if err != nil || len(rep.Failed) != 1 || rep.Failed[0].Fail != Liveness {
		t.Fatalf("err %v, failed %+v", err, rep.Failed)
	}
	want, _ := json.Marshal(rep.Failed[0].Summary)
	s, err := w.Spec()
	if err != nil {
		t.Fatal(err)
	}
	file, err := spec.Parse(s.Canonical(), "seed-5.yaml")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := file.Plan()
	if err != nil {
		t.Fatal(err)
	}
	var traces [2]string
	for i := range traces {
		cfg := plan.Points[0].Config
		cfg.Seed = file.Seed
		var trace bytes.Buffer
		res, err := RunConfig(context.Background(), cfg, Options{Trace: &trace})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(res.Summary)
		if !bytes.Equal(got, want) || res.Fail != Liveness || res.Reason != rep.Failed[0].Reason {
			t.Fatalf("replay from the file: %s %s\n%s\nwant %s", res.Fail, res.Reason, got, want)
		}
		traces[i] = trace.String()
	}
	if traces[0] != traces[1] || traces[0] == "" {
		t.Fatal("two replays wrote different traces")
	}
}

// TestShrinkLiveness: a liveness failure shrinks, with the default predicate (the same kind), to a
// world that fails the liveness phase too, with the bound kept: the time from the repair to the end.
func TestShrinkLiveness(t *testing.T) {
	w := liveFailure(5)
	sh, err := Shrink(context.Background(), w, Options{}, nil, 200)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d runs: %s -> %s\n%s", sh.Runs, sh.Before, sh.After, sh.World.String())
	if sh.Result.Fail != Liveness || !sh.After.Less(sh.Before) || sh.World.Bound != time.Millisecond {
		t.Fatalf("shrunk to %s (%s), bound %v", sh.After, sh.Result.Fail, sh.World.Bound)
	}
	if sh.After.Entries != 1 || sh.After.Nodes != 1 || sh.After.Clients != 1 {
		t.Errorf("shrunk to %s; want the repair alone, one node, one client", sh.After)
	}
}

// TestDropNodes: going from 5 nodes to 3, each entry naming nodes 4 or 5 loses them or goes, and the
// nodes a membership change adds (6, 7) become 4 and 5.
func TestDropNodes(t *testing.T) {
	for _, tc := range []struct {
		in   Setting
		want string // "" when the setting goes
	}{
		{Setting{"crash", "2@1s"}, "2@1s"},
		{Setting{"crash", "4@1s"}, ""},
		{Setting{"crash", "leader@1s"}, "leader@1s"},
		{Setting{"restart", "crashed-leader@2s"}, "crashed-leader@2s"},
		{Setting{"pause", "5@1s:200ms"}, ""},
		{Setting{"disk-slow", "3@1s=exp:10ms"}, "3@1s=exp:10ms"},
		{Setting{"partition", "1s:1,4|2,3,5"}, "1s:1|2,3"},
		{Setting{"partition", "1s:4,5|1,2,3"}, ""},
		{Setting{"cut", "1s:1->4,2<->3,5->1"}, "1s:2<->3"},
		{Setting{"restore", "2s:1->4"}, ""},
		{Setting{"filter", "drop votes 2->5 @1s-2s"}, ""},
		{Setting{"filter", "delay:5ms all leader->follower @1s-2s"}, "delay:5ms all leader->follower @1s-2s"},
		{Setting{"add", "7@1s"}, "5@1s"},
		{Setting{"replace", "2:6@1s"}, "2:4@1s"},
		{Setting{"replace", "5:6@1s"}, ""},
		{Setting{"remove", "4@1s"}, ""},
		{Setting{"remove", "1@1s"}, "1@1s"},
		{Setting{"node", "4:clock_rate=+5ppm"}, ""},
		{Setting{"node", "3:cpu=exp:50us"}, "3:cpu=exp:50us"},
		{Setting{"heal", "3s"}, "3s"},
	} {
		w := World{Settings: []Setting{{"nodes", "5"}, tc.in}}
		c := w.dropNodes(5, 3)
		got := ""
		for _, s := range c.Settings {
			if s.Name == tc.in.Name {
				got = s.Text
			}
		}
		if n, _ := c.Get("nodes"); got != tc.want || n != "3" {
			t.Errorf("%s %s: got %q (nodes %s), want %q", tc.in.Name, tc.in.Text, got, n, tc.want)
		}
	}
}

// TestShrinkKeepsAssumptions: shrinking never steps outside an assumption the world kept. A lease-edge
// world keeps its clocks within its drift bound; dropping the bound back to its default 0 while the fast
// clocks stay gives a world whose stale reads are the clocks' fault, not Raft's (seed 93's shrink under
// lease_ignores_drift did that, and its file then failed without the mutation). A step whose
// configuration has a kind of warning the first world lacks is not tried, and not run.
func TestShrinkKeepsAssumptions(t *testing.T) {
	seed := uint64(1)
	for ; Draw(seed).Family != "lease-edge"; seed++ {
	}
	w := Draw(seed)
	if len(warnings(&w)) != 0 {
		t.Fatalf("seed %d: a drawn world warns: %s", seed, w.String())
	}
	bare := w.with(func(_ int, s Setting) (Setting, bool) { return s, s.Name != "clock_drift" })
	if len(warnings(&bare)) == 0 {
		t.Fatalf("seed %d: its fast clocks without the bound do not warn: %s", seed, bare.String())
	}
	sh := &shrinker{ctx: context.Background(), fails: func(*Result) bool { return true }, limit: 10,
		warnings: warnings(&w), out: Shrunk{World: w, Runs: 1}}
	if sh.try(bare, "default clock_drift") || sh.out.Runs != 1 {
		t.Fatalf("seed %d: the step out of the drift bound was tried (%d runs)", seed, sh.out.Runs)
	}
	noClocks := w.with(func(_ int, s Setting) (Setting, bool) { return s, s.Name != "node" })
	if !sh.try(noClocks, "default node") || sh.out.Runs != 2 {
		t.Fatalf("seed %d: a step within the bound was not taken (%d runs)", seed, sh.out.Runs)
	}
}
