package sim

import (
	"cmp"
	"fmt"
	"math/bits"
	"slices"
	"time"
)

// Handler receives the events scheduled for it. The arg given at scheduling time comes back unchanged, so
// one handler can serve many kinds of event without a closure (and an allocation) per event.
type Handler interface {
	Fire(arg uint64)
}

// HandlerFunc adapts a function to Handler. Converting a func value to a Handler allocates when the func
// is a closure; on hot paths implement Handler on a long-lived type instead.
type HandlerFunc func(arg uint64)

// Fire calls f(arg).
func (f HandlerFunc) Fire(arg uint64) { f(arg) }

// Timer is a handle to a scheduled event. The zero Timer refers to no event. A handle goes stale when its
// event fires or is cancelled; operations on a stale handle are harmless no-ops.
type Timer struct {
	slot int32 // index+1 into Loop.slots; 0 means none
	gen  uint32
}

// IsZero reports whether t refers to no event at all.
func (t Timer) IsZero() bool { return t.slot == 0 }

// Event describes an event as it fires, for tracing.
type Event struct {
	At      Time
	Seq     uint64
	Handler Handler
	Arg     uint64
}

// slot holds the parts of an event that the queue does not need for ordering.
type slot struct {
	h   Handler
	arg uint64
	// loc is where the event's entry sits: bucket<<locBits | index, or -1 when not scheduled.
	loc int32
	gen uint32 // bumped when the slot is released, so stale Timers miss
}

// entry is a queue element. Keeping the ordering key inline (rather than behind the slot index) keeps
// a bucket's scan inside one contiguous slice.
type entry struct {
	at   Time
	seq  uint64
	slot int32
}

const (
	// locBits is the width of the index part of a slot's loc; the bucket number sits above it.
	locBits = 25
	// MaxPending is how many events a loop holds at once: the index of an entry in its bucket must fit
	// in locBits. At scales it panics; a run's own limits (cluster/limits.go) stop far below it.
	MaxPending = 1<<locBits - 1
	// buckets is one bucket per bit of a Time (Time is non-negative, so 63 bits) plus bucket 0.
	buckets = 64
)

// Loop is the event loop. The zero value is not usable; call NewLoop.
//
// The pending events are kept in a radix heap (Ahuja, Mehlhorn, Orlin and Tarjan, "Faster algorithms
// for the shortest path problem", JACM 1990), which a discrete-event simulation can use because its
// clock is monotone: no event is ever scheduled before now. Invariants: every pending event is due at or
// after base, and base <= now; bucket b >= 1 holds exactly the events whose time differs from base first
// in bit b-1 (bits.Len64(at^base) == b), in no particular order; bucket 0 holds the events due at base,
// in [head:], sorted by seq; mask has bit b set exactly when bucket b >= 1 is non-empty; for every
// scheduled slot s, the entry at s.loc names s; a slot is in free exactly when its loc is -1; now never
// decreases. The next event is therefore bucket 0's first, or, when bucket 0 is empty, the least
// (at, seq) of the lowest non-empty bucket, found by one scan that also re-buckets that bucket's events
// below it. Each event moves down at most 63 times in its life and in practice two or three: an insert is
// O(1) and a removal amortised O(log of the span of pending times), against a binary heap's O(log n)
// sifts that touch a random slot at every level.
type Loop struct {
	now     Time
	seq     uint64
	base    Time
	bucket  [buckets][]entry
	head    int // bucket[0][:head] are fired or cancelled
	mask    uint64
	pending int
	slots   []slot
	free    []int32
	trace   func(Event)
	fired   uint64
	stop    bool
	// interrupt, when set, is asked every interruptEvery events whether to stop: the way a run
	// notices Ctrl-C without an event of its own (which would change the run).
	interrupt func() bool
}

// interruptEvery is how many events fire between two calls of the interrupt check.
const interruptEvery = 1 << 12

// NewLoop returns an empty loop at time 0.
func NewLoop() *Loop {
	return &Loop{}
}

// Now returns the current virtual time: the time of the event being fired, or of the last one.
func (l *Loop) Now() Time { return l.now }

// Fired returns how many events the loop has fired.
func (l *Loop) Fired() uint64 { return l.fired }

// Pending returns how many events are scheduled.
func (l *Loop) Pending() int { return l.pending }

// SetTrace installs fn to be called with every event just before it fires; nil removes it.
func (l *Loop) SetTrace(fn func(Event)) { l.trace = fn }

// At schedules h.Fire(arg) at time at. An instant in the past is an error in the caller and panics: it
// would break the invariant that time never goes backwards.
func (l *Loop) At(at Time, h Handler, arg uint64) Timer {
	if at < l.now {
		panic(fmt.Sprintf("sim: schedule at %v before now %v", at, l.now))
	}
	var s int32
	if n := len(l.free); n > 0 {
		s = l.free[n-1]
		l.free = l.free[:n-1]
	} else {
		l.slots = append(l.slots, slot{})
		s = int32(len(l.slots) - 1)
	}
	sl := &l.slots[s]
	sl.h, sl.arg = h, arg
	l.insert(entry{at: at, seq: l.seq, slot: s})
	l.seq++
	return Timer{slot: s + 1, gen: sl.gen}
}

// Reserve sets aside n places in the total order of events, as though n events were scheduled now,
// and returns the first: AtReserved(at, first+k, …) later schedules an event into the k-th place, so that
// it fires before every event scheduled after the Reserve for the same instant. A schedule that is
// drawn lazily, one event when the one before fires, uses it to fire exactly as it would have had it
// been scheduled whole at the start. Reserving 1<<62 places leaves as many again for the rest of a run.
func (l *Loop) Reserve(n uint64) uint64 {
	first := l.seq
	l.seq += n
	return first
}

// AtReserved schedules h.Fire(arg) at time at, in the place seq of the total order that an earlier
// Reserve set aside. Each reserved place is for one event; a place not reserved panics, as does an
// instant in the past.
func (l *Loop) AtReserved(at Time, seq uint64, h Handler, arg uint64) Timer {
	if seq >= l.seq {
		panic(fmt.Sprintf("sim: place %d in the order of events was not reserved", seq))
	}
	t := l.At(at, h, arg)
	l.seq-- // At took a fresh place; give it back
	s := t.slot - 1
	e := l.entryAt(l.slots[s].loc)
	l.removeAt(l.slots[s].loc)
	e.seq = seq
	l.insert(e)
	return t
}

// After schedules h.Fire(arg) d nanoseconds from now, or at Never if that is later than Never (the
// sum saturates; it does not wrap into the past).
func (l *Loop) After(d Time, h Handler, arg uint64) Timer {
	return l.At(l.now.Add(time.Duration(d)), h, arg)
}

// Scheduled reports whether t refers to an event that has not yet fired or been cancelled.
func (l *Loop) Scheduled(t Timer) bool {
	return l.live(t) >= 0
}

// When returns the time t's event is due, and false if t is not scheduled.
func (l *Loop) When(t Timer) (Time, bool) {
	s := l.live(t)
	if s < 0 {
		return 0, false
	}
	return l.entryAt(l.slots[s].loc).at, true
}

// live returns t's slot index if t is scheduled, else -1.
func (l *Loop) live(t Timer) int32 {
	s := t.slot - 1
	if s < 0 || int(s) >= len(l.slots) {
		return -1
	}
	if sl := &l.slots[s]; sl.gen != t.gen || sl.loc < 0 {
		return -1
	}
	return s
}

// Cancel removes t's event if it is still scheduled and reports whether it was.
func (l *Loop) Cancel(t Timer) bool {
	s := l.live(t)
	if s < 0 {
		return false
	}
	l.removeAt(l.slots[s].loc)
	l.release(s)
	return true
}

// Reset moves t's event to time at, with a fresh place in the total order, as if it had been cancelled and
// scheduled again, and returns t. If t is not scheduled it schedules h.Fire(arg) at that time and returns
// the new Timer. The handle stays valid: it is the same slot.
func (l *Loop) Reset(t Timer, at Time, h Handler, arg uint64) Timer {
	s := l.live(t)
	if s < 0 {
		return l.At(at, h, arg)
	}
	if at < l.now {
		panic(fmt.Sprintf("sim: reset to %v before now %v", at, l.now))
	}
	sl := &l.slots[s]
	sl.h, sl.arg = h, arg
	l.removeAt(sl.loc)
	l.insert(entry{at: at, seq: l.seq, slot: s})
	l.seq++
	return t
}

// Step fires the next event, advancing time to it, and reports whether there was one.
func (l *Loop) Step() bool {
	if !l.next(Never) {
		return false
	}
	l.fire()
	return true
}

// StepBy fires the next event if it is due at or before end, advancing time to it, and reports whether
// it did: Step for a driver that goes one event at a time and must not pass the end of its run.
func (l *Loop) StepBy(end Time) bool {
	if !l.next(min(end, Never-1)) {
		return false
	}
	l.fire()
	return true
}

// fire fires bucket 0's first event, which next has made the least pending one.
func (l *Loop) fire() {
	e := l.bucket[0][l.head]
	l.head++
	l.pending--
	sl := &l.slots[e.slot]
	h, arg := sl.h, sl.arg
	l.release(e.slot)
	l.now = e.at
	l.fired++
	if l.trace != nil {
		l.trace(Event{At: e.at, Seq: e.seq, Handler: h, Arg: arg})
	}
	h.Fire(arg)
}

// SetInterrupt installs fn, asked every few thousand events whether RunUntil should return early;
// nil removes it. It lets a caller stop a long run from outside (a cancelled context) without
// scheduling anything, so the events of a run never depend on it.
func (l *Loop) SetInterrupt(fn func() bool) { l.interrupt = fn }

// Stop makes the running Run or RunUntil return after the current event.
func (l *Loop) Stop() { l.stop = true }

// RunUntil fires every event due at or before end, in order, then sets the time to end. It returns early,
// with the time at the last event fired, if a handler calls Stop; it reports whether it ran to end.
//
// An event due at Never never fires: it is what a delay that saturated (a transmission at a bandwidth
// near 0, a timer of the longest duration) comes to, and is later than any instant a run reaches.
func (l *Loop) RunUntil(end Time) bool {
	l.stop = false
	last := min(end, Never-1)
	for l.next(last) {
		l.fire()
		if l.stop {
			return false
		}
		if l.interrupt != nil && l.fired%interruptEvery == 0 && l.interrupt() {
			return false
		}
	}
	if end > l.now && end != Never {
		l.now = end
	}
	return true
}

// Run fires events until none is left or a handler calls Stop.
func (l *Loop) Run() bool { return l.RunUntil(Never) }

// next makes bucket 0's first entry the least pending event and reports whether there is one due at or
// before limit. When bucket 0 is empty it finds the least time in the lowest non-empty bucket and, if
// that is due by limit, makes it the new base and re-buckets that bucket's entries below it (each lands
// lower, since it now agrees with base in bit b-1); otherwise it changes nothing, so that base never
// passes a time that a caller may still schedule at.
func (l *Loop) next(limit Time) bool {
	if l.head < len(l.bucket[0]) {
		return l.base <= limit
	}
	l.bucket[0] = l.bucket[0][:0]
	l.head = 0
	if l.mask == 0 {
		return false
	}
	b := bits.TrailingZeros64(l.mask)
	src := l.bucket[b]
	m := src[0].at
	for i := 1; i < len(src); i++ {
		m = min(m, src[i].at)
	}
	if m > limit {
		return false
	}
	l.base = m
	for _, e := range src {
		nb := bits.Len64(uint64(e.at ^ m))
		dst := &l.bucket[nb]
		l.slots[e.slot].loc = int32(nb<<locBits | len(*dst))
		*dst = append(*dst, e)
		l.mask |= 1 << nb
	}
	l.bucket[b] = src[:0]
	l.mask &^= 1<<b | 1 // bucket 0 is tracked by head, not by mask
	if z := l.bucket[0]; len(z) > 1 {
		// The entries due at the new base arrive in bucket b's order; fire them by seq. Usually one.
		slices.SortFunc(z, func(a, b entry) int { return cmp.Compare(a.seq, b.seq) })
		for i, e := range z {
			l.slots[e.slot].loc = int32(i)
		}
	}
	return true
}

// insert files e in its bucket and records where in its slot.
func (l *Loop) insert(e entry) {
	if l.pending >= MaxPending {
		panic(fmt.Sprintf("sim: more than %d events pending", MaxPending))
	}
	l.pending++
	nb := bits.Len64(uint64(e.at ^ l.base))
	if nb > 0 {
		dst := &l.bucket[nb]
		l.slots[e.slot].loc = int32(nb<<locBits | len(*dst))
		*dst = append(*dst, e)
		l.mask |= 1 << nb
		return
	}
	// Due at base, which is now: bucket 0 in seq order. A fresh seq is the largest, so this is an
	// append but for AtReserved's earlier places.
	z := l.bucket[0]
	i := len(z)
	for i > l.head && z[i-1].seq > e.seq {
		i--
	}
	z = slices.Insert(z, i, e)
	l.bucket[0] = z
	for j := i; j < len(z); j++ {
		l.slots[z[j].slot].loc = int32(j)
	}
}

// entryAt returns the entry at loc.
func (l *Loop) entryAt(loc int32) entry {
	return l.bucket[loc>>locBits][loc&(1<<locBits-1)]
}

// removeAt takes the entry at loc out of its bucket; its slot is left to the caller.
func (l *Loop) removeAt(loc int32) {
	l.pending--
	b, i := int(loc>>locBits), int(loc&(1<<locBits-1))
	q := l.bucket[b]
	if b == 0 {
		// Keep bucket 0 in seq order: close the gap from the head's side.
		copy(q[l.head+1:i+1], q[l.head:i])
		for j := l.head + 1; j <= i; j++ {
			l.slots[q[j].slot].loc = int32(j)
		}
		l.head++
		return
	}
	last := len(q) - 1
	if i != last {
		q[i] = q[last]
		l.slots[q[i].slot].loc = int32(b<<locBits | i)
	}
	l.bucket[b] = q[:last]
	if last == 0 {
		l.mask &^= 1 << b
	}
}

// release frees slot s for reuse and makes every Timer for it stale.
func (l *Loop) release(s int32) {
	sl := &l.slots[s]
	sl.loc = -1
	sl.gen++
	sl.h = nil // do not keep the handler reachable through a free slot
	l.free = append(l.free, s)
}
