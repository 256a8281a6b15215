package cluster

// fifo is a first-in, first-out queue on a ring buffer whose slots are reused. push hands back the
// next free slot as it was when last popped, so a slot's own buffers (a persist batch's message
// slice) serve again round after round without allocating; the caller overwrites what it needs.
//
// Its memory follows the work in flight, not the simulated time: the ring doubles only when every
// slot holds a queued item, so it never has more than twice the most items ever queued at once,
// however many pass through it. (A slice trimmed only when it empties grows for as long as the queue
// never quite empties — a disk that is always busy kept every batch of an hour-long run.)
//
// Invariant: 0 <= n <= len(buf); len(buf) is 0 or a power of two; the queued items, oldest first,
// are buf[(head+i) & (len(buf)-1)] for 0 <= i < n.
type fifo[T any] struct {
	buf  []T
	head int
	n    int
}

// len returns how many items are queued.
func (q *fifo[T]) len() int { return q.n }

// push appends a slot at the back and returns it, holding what it held when it was last popped (the
// zero T if it is new).
func (q *fifo[T]) push() *T {
	if q.n == len(q.buf) {
		q.grow()
	}
	s := &q.buf[(q.head+q.n)&(len(q.buf)-1)]
	q.n++
	return s
}

// front returns the oldest item; the queue must not be empty.
func (q *fifo[T]) front() *T { return &q.buf[q.head] }

// at returns the i-th oldest item, 0 <= i < len().
func (q *fifo[T]) at(i int) *T { return &q.buf[(q.head+i)&(len(q.buf)-1)] }

// pop removes the oldest item; its slot keeps its contents for a later push. The queue must not be
// empty.
func (q *fifo[T]) pop() {
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.n--
}

// clear removes every item, keeping the slots for later pushes.
func (q *fifo[T]) clear() { q.head, q.n = 0, 0 }

// grow doubles the ring (to at least 8 slots) when it is full, unrolling the items to the front of the
// new one; every old slot holds an item then, so no slot's buffers are lost.
func (q *fifo[T]) grow() {
	buf := make([]T, max(2*len(q.buf), 8))
	k := copy(buf, q.buf[q.head:])
	copy(buf[k:], q.buf[:q.head])
	q.buf, q.head = buf, 0
}
