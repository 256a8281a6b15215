package linearize

import (
	"cmp"
	"context"
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/raftsim/raftsim/models/workload"
)

// Verdict is the outcome of a check.
type Verdict string

// The verdicts.
const (
	Ok      Verdict = "ok"      // the history is linearizable
	Illegal Verdict = "illegal" // it is not: some key's operations admit no legal order
	Unknown Verdict = "unknown" // the check ran out of time
)

// Result is a check's outcome.
type Result struct {
	Verdict Verdict
	Ops     int // operations checked: every completed one, and every write that timed out
	Keys    int // distinct keys among them
	// Info is Porcupine's account of the check, for porcupine.Visualize (the longest linearizable
	// prefix of each key's history, and where it stopped).
	Info porcupine.LinearizationInfo
}

// input and output are one operation's, as the model sees them.
type input struct {
	read       bool
	key, value uint64
}

type output struct {
	value   uint64 // the value read, or the value a write replaced
	unknown bool   // a write that timed out: its output was never seen
}

// Model is the key-value store as Porcupine sees it: a register per key, starting at 0. A state is the
// set of values the register may hold (values, below): a write whose outcome is unknown may or may not
// have taken effect, so after it the register holds either what it held or the write's value; a read or
// a write with a known output pins it to one value again.
var Model = porcupine.Model{
	Partition: partition,
	Init:      func() any { return values("").add(0) },
	Step: func(state, in, out any) (bool, any) {
		s, i, o := state.(values), in.(input), out.(output)
		switch {
		case i.read:
			return s.has(o.value), values("").add(o.value)
		case o.unknown:
			return true, s.add(i.value)
		}
		return s.has(o.value), values("").add(i.value)
	},
	DescribeOperation: describe,
	DescribeState: func(state any) string {
		vs := state.(values).list()
		parts := make([]string, len(vs))
		for i, v := range vs {
			parts[i] = u(v)
		}
		if len(parts) == 1 {
			return parts[0]
		}
		return "{" + strings.Join(parts, ", ") + "}"
	},
}

// values is a set of register values, as their 8-byte big-endian encodings in increasing order, joined:
// a string, so that Porcupine can compare states with ==.
type values string

func (s values) has(v uint64) bool {
	_, found := slices.BinarySearch(s.list(), v)
	return found
}

func (s values) add(v uint64) values {
	vs := s.list()
	i, found := slices.BinarySearch(vs, v)
	if found {
		return s
	}
	vs = slices.Insert(vs, i, v)
	b := make([]byte, 0, 8*len(vs))
	for _, x := range vs {
		b = binary.BigEndian.AppendUint64(b, x)
	}
	return values(b)
}

func (s values) list() []uint64 {
	vs := make([]uint64, len(s)/8)
	for i := range vs {
		vs[i] = binary.BigEndian.Uint64([]byte(s[8*i : 8*i+8]))
	}
	return vs
}

// partition splits a history by key, in increasing key order so that the partition a check stops at is
// always the same one.
func partition(history []porcupine.Operation) [][]porcupine.Operation {
	byKey := map[uint64][]porcupine.Operation{}
	for _, op := range history {
		k := op.Input.(input).key
		byKey[k] = append(byKey[k], op)
	}
	keys := make([]uint64, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([][]porcupine.Operation, len(keys))
	for i, k := range keys {
		out[i] = byKey[k]
	}
	return out
}

func describe(in, out any) string {
	i, o := in.(input), out.(output)
	switch {
	case i.read:
		return "get(" + u(i.key) + ") -> " + u(o.value)
	case o.unknown:
		return "put(" + u(i.key) + ", " + u(i.value) + ") -> ? (outcome unknown: timed out, or pending at the end)"
	}
	return "put(" + u(i.key) + ", " + u(i.value) + ") -> " + u(o.value)
}

func u(x uint64) string { return strconv.FormatUint(x, 10) }

// Operations converts a client history (workload.Op, as cluster.Config.History records it) to
// Porcupine's operations: completed reads and writes with their times in nanoseconds of simulated time;
// writes that timed out with no known output, returning when the same client's next successful write
// completed (or never, math.MaxInt64, when none did); reads that timed out are left out. The order is
// the history's, by invocation then client, whatever order the ops came in.
//
// The return of a write that timed out is bounded by the store's client sessions (kv): a command whose
// sequence number is not above its client's last applied one is ignored, so once a later write of the
// same client has been applied, the earlier one can no longer take effect. Bounding it keeps the search
// small: a write with no return is concurrent with everything after it.
func Operations(ops []workload.Op) []porcupine.Operation {
	sorted := slices.Clone(ops)
	slices.SortStableFunc(sorted, func(a, b workload.Op) int {
		return cmp.Or(cmp.Compare(a.Invoke, b.Invoke), cmp.Compare(a.Client, b.Client), cmp.Compare(a.Seq, b.Seq))
	})
	// superseded[i]: for a write that timed out, when its client's next successful write completed.
	superseded := make([]int64, len(sorted))
	next := map[uint64]int64{} // by client: the completion of its earliest successful write seen so far, scanning back
	for i := len(sorted) - 1; i >= 0; i-- {
		op := &sorted[i]
		if op.Read {
			continue
		}
		if op.OK {
			next[op.Client] = int64(op.Complete)
			continue
		}
		superseded[i] = math.MaxInt64
		if t, ok := next[op.Client]; ok {
			superseded[i] = t
		}
	}
	out := make([]porcupine.Operation, 0, len(sorted))
	for i, op := range sorted {
		in := input{read: op.Read, key: op.Key, value: op.Value}
		o := porcupine.Operation{ClientId: int(op.Client), Input: in, Call: int64(op.Invoke), Return: int64(op.Complete)}
		switch {
		case op.OK && op.Read:
			o.Output = output{value: op.Value}
		case op.OK:
			o.Output = output{value: op.Prev}
		case op.Read:
			continue
		default:
			o.Output, o.Return = output{unknown: true}, superseded[i]
		}
		out = append(out, o)
	}
	return out
}

// Check checks ops for linearizability against Model, giving up after timeout of wall-clock time (0: no
// limit).
func Check(ops []workload.Op, timeout time.Duration) Result {
	h := Operations(ops)
	keys := map[uint64]bool{}
	for _, op := range h {
		keys[op.Input.(input).key] = true
	}
	res, info := porcupine.CheckOperationsVerbose(Model, h, timeout)
	return Result{Verdict: verdictOf(res), Ops: len(h), Keys: len(keys), Info: info}
}

// CheckContext is Check that returns ctx's error as soon as ctx is done, for a command stopped by Ctrl-C
// while a search runs (Porcupine takes no context: the search goes on in its goroutine until it ends or
// its timeout passes, and its result is dropped).
func CheckContext(ctx context.Context, ops []workload.Op, timeout time.Duration) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{Verdict: Unknown}, err
	}
	if ctx.Done() == nil {
		return Check(ops, timeout), nil
	}
	done := make(chan Result, 1)
	go func() { done <- Check(ops, timeout) }()
	select {
	case r := <-done:
		return r, nil
	case <-ctx.Done():
		return Result{Verdict: Unknown}, ctx.Err()
	}
}

// verdictOf maps Porcupine's result; anything but a definite Ok or Illegal is Unknown, never a pass.
func verdictOf(res porcupine.CheckResult) Verdict {
	switch res {
	case porcupine.Ok:
		return Ok
	case porcupine.Illegal:
		return Illegal
	}
	return Unknown
}
