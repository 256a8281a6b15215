package linearize

import (
	"context"
	"errors"
	"testing"

	"github.com/anishathalye/porcupine"

	"github.com/raftsim/raftsim/models/workload"
	"github.com/raftsim/raftsim/sim"
)

// w and r build a completed write (replacing prev) and read; lost builds a write whose client gave up.
func w(client, key, value, prev uint64, invoke, complete sim.Time) workload.Op {
	return workload.Op{Client: client, Key: key, Value: value, Prev: prev, OK: true, Invoke: invoke, Complete: complete}
}

func r(client, key, value uint64, invoke, complete sim.Time) workload.Op {
	return workload.Op{Client: client, Read: true, Key: key, Value: value, OK: true, Invoke: invoke, Complete: complete}
}

func lost(client, key, value uint64, invoke, deadline sim.Time) workload.Op {
	return workload.Op{Client: client, Key: key, Value: value, Invoke: invoke, Complete: deadline}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		ops  []workload.Op
		want Verdict
	}{
		{"empty", nil, Ok},
		{"sequential", []workload.Op{w(1, 7, 10, 0, 0, 1), r(2, 7, 10, 2, 3), w(1, 7, 11, 10, 4, 5), r(2, 7, 11, 6, 7)}, Ok},
		{"a read of a key never written is 0", []workload.Op{r(1, 3, 0, 0, 1)}, Ok},
		{"a read of a value never written", []workload.Op{r(1, 3, 5, 0, 1)}, Illegal},
		{"stale read after a write completed", []workload.Op{w(1, 7, 10, 0, 0, 1), w(1, 7, 11, 10, 2, 3), r(2, 7, 10, 4, 5)}, Illegal},
		{"a read concurrent with a write may see either", []workload.Op{w(1, 7, 10, 0, 0, 1), w(1, 7, 11, 10, 2, 6), r(2, 7, 10, 3, 4), r(3, 7, 11, 3, 5)}, Ok},
		{"two reads of one write in reverse order", []workload.Op{w(1, 7, 10, 0, 0, 1), w(1, 7, 11, 10, 2, 10), r(2, 7, 11, 3, 4), r(3, 7, 10, 5, 6)}, Illegal},
		{"a write's prev must be the value it replaced", []workload.Op{w(1, 7, 10, 0, 0, 1), w(2, 7, 11, 0, 2, 3)}, Illegal},
		{"a timed-out write may take effect later", []workload.Op{lost(1, 7, 10, 0, 1), r(2, 7, 0, 2, 3), r(2, 7, 10, 10, 11)}, Ok},
		{"or never", []workload.Op{lost(1, 7, 10, 0, 1), r(2, 7, 0, 2, 3), r(2, 7, 0, 10, 11)}, Ok},
		{"but not before it was invoked", []workload.Op{r(2, 7, 10, 0, 1), lost(1, 7, 10, 2, 3)}, Illegal},
		{"a timed-out write may still take effect after its client's next write was invoked", []workload.Op{lost(1, 7, 10, 0, 1), w(1, 8, 20, 0, 2, 5), r(2, 7, 10, 3, 4)}, Ok},
		{"but not after its client's next write completed (client sessions)", []workload.Op{lost(1, 7, 10, 0, 1), w(1, 8, 20, 0, 2, 3), r(2, 7, 0, 4, 5), r(2, 7, 10, 6, 7)}, Illegal},
		{"a timed-out write superseded without taking effect", []workload.Op{lost(1, 7, 10, 0, 1), w(1, 8, 20, 0, 2, 3), r(2, 7, 0, 4, 5), r(2, 7, 0, 6, 7)}, Ok},
		{"a later read of the client does not bound it", []workload.Op{lost(1, 7, 10, 0, 1), r(1, 8, 0, 2, 3), r(2, 7, 0, 4, 5), r(2, 7, 10, 6, 7)}, Ok},
		{"two timed-out writes, either or neither", []workload.Op{lost(1, 7, 10, 0, 1), lost(2, 7, 20, 0, 1), r(3, 7, 20, 2, 3), r(3, 7, 10, 4, 5)}, Ok},
		{"a known write after an unknown one replaces either value", []workload.Op{lost(1, 7, 10, 0, 1), w(2, 7, 30, 10, 2, 3), r(3, 7, 30, 4, 5)}, Ok},
		{"but not a value never there", []workload.Op{lost(1, 7, 10, 0, 1), w(2, 7, 30, 11, 2, 3)}, Illegal},
		{"a timed-out read is left out", []workload.Op{{Client: 1, Read: true, Key: 7, Value: 99, Invoke: 0, Complete: 1}}, Ok},
		{"keys are independent", []workload.Op{w(1, 1, 10, 0, 0, 1), w(1, 2, 20, 0, 0, 1), r(2, 1, 10, 2, 3), r(2, 2, 20, 2, 3)}, Ok},
		{"one bad key makes the history illegal", []workload.Op{w(1, 1, 10, 0, 0, 1), r(2, 1, 10, 2, 3), r(2, 2, 20, 2, 3)}, Illegal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Check(tc.ops, 0)
			if got.Verdict != tc.want {
				t.Errorf("verdict %s, want %s", got.Verdict, tc.want)
			}
		})
	}
}

// TestOperationsOrderFree: the verdict and the operations do not depend on the order the history was
// recorded in.
func TestOperationsOrderFree(t *testing.T) {
	a := []workload.Op{w(1, 7, 10, 0, 0, 1), r(2, 7, 10, 2, 3), lost(3, 7, 12, 2, 8), r(2, 7, 12, 9, 10)}
	b := []workload.Op{a[3], a[1], a[2], a[0]}
	oa, ob := Operations(a), Operations(b)
	if len(oa) != len(ob) {
		t.Fatalf("%d and %d operations", len(oa), len(ob))
	}
	for i := range oa {
		if oa[i] != ob[i] {
			t.Fatalf("operation %d: %+v and %+v", i, oa[i], ob[i])
		}
	}
	if x, y := Check(a, 0), Check(b, 0); x.Verdict != Ok || y.Verdict != Ok || x.Ops != 4 || x.Keys != 1 {
		t.Fatalf("%+v %+v", x, y)
	}
}

// TestVerdictOf: a search Porcupine cut short (its Unknown, or any result it may add) is Unknown, never
// a pass. (Whether a given search runs out of time depends on the machine, so the mapping is what a test
// can hold.)
func TestVerdictOf(t *testing.T) {
	for in, want := range map[porcupine.CheckResult]Verdict{porcupine.Ok: Ok, porcupine.Illegal: Illegal, porcupine.Unknown: Unknown, "something new": Unknown} {
		if got := verdictOf(in); got != want {
			t.Errorf("verdictOf(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestCheckContext: a cancelled context returns its error (and Unknown, never a pass) without waiting for
// the search; a live one gives Check's result.
func TestCheckContext(t *testing.T) {
	ops := []workload.Op{w(1, 7, 10, 0, 0, 1), r(2, 7, 10, 2, 3)}
	if res, err := CheckContext(context.Background(), ops, 0); err != nil || res.Verdict != Ok {
		t.Fatalf("%v %v", res.Verdict, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if res, err := CheckContext(ctx, ops, 0); !errors.Is(err, context.Canceled) || res.Verdict != Unknown {
		t.Fatalf("%v %v, want Unknown and context.Canceled", res.Verdict, err)
	}
}
