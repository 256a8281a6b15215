// Package sim is the seeded discrete-event loop every raftsim run is built on.
//
// Time is virtual: a Time is a count of nanoseconds since the start of the run and only moves when the
// loop fires an event. Events fire in the order (time, insertion sequence), a total order, so two events
// scheduled for the same instant always fire in the order they were scheduled and never in an order
// chosen by the runtime, the map iteration order or the machine. They wait in a radix heap, which a
// discrete-event loop can use because nothing is scheduled before now (see Loop).
//
// Timers are cheap to cancel and re-arm because Raft does both constantly (a follower pushes its election
// timer back on every heartbeat): a Timer is a generation-checked handle to a slot, a pending event can be
// moved in place with Reset, and fired or cancelled slots are recycled, so a run in steady state
// schedules without allocating.
//
// Time arithmetic saturates rather than wraps: Time.Add, Loop.After and AddDurations stop at Never,
// and FloatNanos and FloatSeconds are the one way a float (a transmission time, a latency sample) becomes
// a span. An event due at Never never fires. A schedule drawn lazily, one event at a time, can still fire
// in the order it would have had scheduled whole at the start, in places of the order set aside by
// Reserve.
//
// Randomness comes from named streams derived from one root seed (see Stream): each component draws from
// its own stream, so adding a node, a link or a metric never shifts the draws of any other component.
//
// The loop has no goroutines and reads no clock; everything it does is a function of the seed and the
// program.
package sim
