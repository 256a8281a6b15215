package swarm

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
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
