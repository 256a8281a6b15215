package fault

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/raftsim/raftsim/sim"
)

// TestMergeIsSortOfConcatenation: merging sources gives exactly the order Sort gives their events put
// one list after another, ties included (events are drawn on a coarse grid so that many share an
// instant).
func TestMergeIsSortOfConcatenation(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 500 {
		var all []Event
		var srcs []Source
		for s := range r.IntN(6) {
			var evs []Event
			var at time.Duration
			for k := range r.IntN(8) {
				at += time.Duration(r.IntN(3))
				// Node and Extra say where the event came from, for the failure message.
				evs = append(evs, Event{At: at, Kind: Crash, Node: int64(s), Extra: k})
			}
			all = append(all, evs...)
			srcs = append(srcs, List(evs))
		}
		want := append([]Event(nil), all...)
		Sort(want)
		got := Collect(Merge(srcs...), 1<<62)
		if len(want) == 0 {
			want = nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: merged\n%v\nsorted\n%v", round, got, want)
		}
	}
}

// TestListSortsStably: a List yields its events in time order, ties in the order given.
func TestListSortsStably(t *testing.T) {
	evs := []Event{{At: 2, Kind: Heal}, {At: 1, Kind: Crash, Node: 2}, {At: 1, Kind: Crash, Node: 1}}
	got := Collect(List(evs), 10)
	want := []Event{evs[1], evs[2], evs[0]}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got := Collect(List(evs), 2); len(got) != 2 {
		t.Fatalf("Collect before 2: %v", got)
	}
}

type constSampler time.Duration

func (c constSampler) Sample(*rand.Rand) time.Duration { return time.Duration(c) }

// TestCrashRecoveryLazy: the schedule alternates crash and restart, every span is at least 1ns, and a
// schedule with a fault every nanosecond over the longest run costs nothing until it is drawn.
func TestCrashRecoveryLazy(t *testing.T) {
	src := CrashRecovery(3, constSampler(0), constSampler(0), sim.Stream(1, "mttf/3"), sim.Stream(1, "mttr/3"), sim.MaxDuration)
	for i := range 1000 {
		e, ok := src.Next()
		want := Event{At: time.Duration(i + 1), Kind: Crash, Node: 3}
		if i%2 == 1 {
			want.Kind = Restart
		}
		if !ok || !reflect.DeepEqual(e, want) {
			t.Fatalf("event %d: %v, %v; want %v", i, e, ok, want)
		}
	}
	// Spans as long as a Duration holds end the schedule rather than overflow.
	src = CrashRecovery(1, constSampler(sim.MaxDuration), constSampler(1), nil, nil, sim.MaxDuration)
	if e, ok := src.Next(); ok {
		t.Fatalf("a span of MaxDuration gave %v", e)
	}
	src = CrashRecovery(1, constSampler(sim.MaxDuration-2), constSampler(sim.MaxDuration), nil, nil, sim.MaxDuration)
	if e, ok := src.Next(); !ok || e.At != sim.MaxDuration-2 {
		t.Fatalf("first event %v %v", e, ok)
	}
	if e, ok := src.Next(); ok {
		t.Fatalf("a restart after the end: %v", e)
	}
}

// TestChaosExtremes: chaos with the longest duration and a mean gap of 1ns yields its first events at
// once, and huge means and quiet spans end the schedule instead of wrapping into the past.
func TestChaosExtremes(t *testing.T) {
	tests := []struct {
		duration time.Duration
		o        ChaosOptions
	}{
		{sim.MaxDuration, ChaosOptions{MeanInterval: time.Nanosecond}},
		{sim.MaxDuration, ChaosOptions{MeanInterval: sim.MaxDuration}},
		{sim.MaxDuration, ChaosOptions{}},
		{sim.MaxDuration, ChaosOptions{Quiet: sim.MaxDuration - 1}},
		{sim.MaxDuration, ChaosOptions{MeanInterval: sim.MaxDuration / 2, Quiet: sim.MaxDuration / 2}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%+v", tt.o), func(t *testing.T) {
			for seed := uint64(0); seed < 20; seed++ {
				src := NewChaos(sim.Stream(seed, "chaos"), 5, tt.duration, tt.o)
				var evs []Event
				for range 1000 {
					e, ok := src.Next()
					if !ok {
						break
					}
					evs = append(evs, e)
				}
				check(t, evs, 5, tt.o.Quiet, tt.duration)
			}
		})
	}
}

func ExampleMerge() {
	a := List([]Event{{At: time.Second, Kind: Crash, Node: 1}, {At: 3 * time.Second, Kind: Restart, Node: 1}})
	b := List([]Event{{At: time.Second, Kind: Heal}, {At: 2 * time.Second, Kind: Isolate, Node: 2}})
	for _, e := range Collect(Merge(a, b), time.Minute) {
		fmt.Println(e)
	}
	// Output:
	// crash 1@1s
	// heal 1s
	// isolate 2@2s
	// restart 1@3s
}
