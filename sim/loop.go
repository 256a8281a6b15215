package sim

import (
	"fmt"
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

// slot holds the parts of an event that the heap does not need for ordering.
type slot struct {
	h   Handler
	arg uint64
	pos int32  // index in Loop.heap, or -1 when not scheduled
	gen uint32 // bumped when the slot is released, so stale Timers miss
}

// entry is a heap element. Keeping the ordering key inline (rather than behind the slot index) keeps the
// sift loops inside one contiguous slice.
type entry struct {
	at   Time
	seq  uint64
	slot int32
}

// Loop is the event loop. The zero value is not usable; call NewLoop.
//
// Invariants: heap is a min-heap under (at, seq); for every i, slots[heap[i].slot].pos == i; a slot is in
// free exactly when its pos is -1; now never decreases.
type Loop struct {
	now   Time
	seq   uint64
	heap  []entry
	slots []slot
	free  []int32
	trace func(Event)
	fired uint64
	stop  bool
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
func (l *Loop) Pending() int { return len(l.heap) }

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
	sl.pos = int32(len(l.heap))
	l.heap = append(l.heap, entry{at: at, seq: l.seq, slot: s})
	l.seq++
	l.up(int(sl.pos))
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
	i := int(l.slots[t.slot-1].pos)
	l.heap[i].seq = seq
	// The reserved place is earlier than the fresh one At gave: the entry can only need to move up.
	l.up(i)
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
	return l.heap[l.slots[s].pos].at, true
}

// live returns t's slot index if t is scheduled, else -1.
func (l *Loop) live(t Timer) int32 {
	s := t.slot - 1
	if s < 0 || int(s) >= len(l.slots) {
		return -1
	}
	if sl := &l.slots[s]; sl.gen != t.gen || sl.pos < 0 {
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
	l.remove(int(l.slots[s].pos))
	return true
}

// Reset moves t's event to time at, with a fresh place in the total order, as if it had been cancelled and
// scheduled again, and returns t. If t is not scheduled it schedules h.Fire(arg) at that time and returns
// the new Timer. Moving in place costs one sift instead of a removal and an insertion.
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
	i := int(sl.pos)
	old := l.heap[i].at
	l.heap[i].at, l.heap[i].seq = at, l.seq
	l.seq++
	// An earlier time can only need sifting up; the same or a later time (with its larger sequence
	// number) only down.
	if at < old {
		l.up(i)
	} else {
		l.down(i)
	}
	return t
}

// Step fires the next event, advancing time to it, and reports whether there was one.
func (l *Loop) Step() bool {
	if len(l.heap) == 0 {
		return false
	}
	e := l.heap[0]
	sl := &l.slots[e.slot]
	h, arg := sl.h, sl.arg
	l.remove(0)
	l.now = e.at
	l.fired++
	if l.trace != nil {
		l.trace(Event{At: e.at, Seq: e.seq, Handler: h, Arg: arg})
	}
	h.Fire(arg)
	return true
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
	for len(l.heap) > 0 && l.heap[0].at <= last {
		l.Step()
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

// remove deletes the heap element at i and releases its slot.
func (l *Loop) remove(i int) {
	s := l.heap[i].slot
	last := len(l.heap) - 1
	e := l.heap[last]
	l.heap = l.heap[:last]
	if i != last {
		// Floyd's trick: walk the hole at i down to a leaf along the smaller children without comparing
		// against e, then drop e into the hole and sift it up. The element that was last is almost always
		// large, so this saves about half the comparisons of a plain sift-down.
		h := l.heap
		n := len(h)
		for {
			c := 2*i + 1
			if c >= n {
				break
			}
			if c+1 < n {
				// Branch-free choice of the lesser child: which one it is, is a coin toss the
				// processor cannot predict, and a mispredicted branch per level was most of
				// the cost of a removal.
				c += lessBit(&h[c+1], &h[c])
			}
			h[i] = h[c]
			l.slots[h[i].slot].pos = int32(i)
			i = c
		}
		h[i] = e
		l.slots[e.slot].pos = int32(i)
		l.up(i)
	}
	sl := &l.slots[s]
	sl.pos = -1
	sl.gen++
	sl.h = nil // do not keep the handler reachable through a free slot
	l.free = append(l.free, s)
}

// lessBit is less(a, b) as 0 or 1, computed without a branch.
func lessBit(a, b *entry) int {
	return b2i(a.at < b.at) | (b2i(a.at == b.at) & b2i(a.seq < b.seq))
}

// b2i is 1 for true and 0 for false; the compiler makes it a SETcc, not a branch.
func b2i(b bool) int {
	var i int
	if b {
		i = 1
	}
	return i
}

func less(a, b *entry) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

func (l *Loop) up(i int) {
	h := l.heap
	e := h[i]
	for i > 0 {
		p := (i - 1) / 2
		if !less(&e, &h[p]) {
			break
		}
		h[i] = h[p]
		l.slots[h[i].slot].pos = int32(i)
		i = p
	}
	h[i] = e
	l.slots[e.slot].pos = int32(i)
}

// down sifts the element at i towards the leaves and reports whether it moved.
func (l *Loop) down(i0 int) bool {
	h := l.heap
	n := len(h)
	i := i0
	e := h[i]
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n {
			c += lessBit(&h[c+1], &h[c])
		}
		if !less(&h[c], &e) {
			break
		}
		h[i] = h[c]
		l.slots[h[i].slot].pos = int32(i)
		i = c
	}
	h[i] = e
	l.slots[e.slot].pos = int32(i)
	return i > i0
}
