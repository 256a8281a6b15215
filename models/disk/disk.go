package disk

import (
	"math/rand/v2"
	"time"

	"github.com/raftsim/raftsim/sim"
)

// Latency is a distribution of fsync times (models/latency.Dist satisfies it).
type Latency interface {
	Sample(r *rand.Rand) time.Duration
}

// Config describes a disk.
type Config struct {
	Fsync     Latency // time to make a write durable; nil means instantaneous
	Bandwidth float64 // bytes per second; 0 means unlimited
}

// Disk is one node's storage device.
//
// Invariant: inWrite > 0 exactly when a write is in progress; queued batches wait only behind a write.
type Disk struct {
	cfg Config
	rng *rand.Rand

	inWrite    int // batches in the write in progress
	queued     int // batches waiting for the next write
	queuedByte int
	queuedData bool

	Writes uint64 // writes started that carried data (fsyncs)
	Bytes  uint64 // bytes written
}

// New returns an idle disk that draws its fsync times from rng.
func New(cfg Config, rng *rand.Rand) *Disk {
	return &Disk{cfg: cfg, rng: rng}
}

// Submit queues a batch of the given size; hasData is false for a batch that only orders messages. If
// the disk was idle the write starts at once and Submit returns true and how long it takes: the caller
// calls Done that much later. Otherwise the batch waits for the next write.
func (d *Disk) Submit(bytes int, hasData bool) (started bool, after time.Duration) {
	d.queued++
	d.queuedByte += bytes
	d.queuedData = d.queuedData || hasData
	if d.inWrite > 0 {
		return false, 0
	}
	return true, d.start()
}

// Busy reports whether a write is in progress.
func (d *Disk) Busy() bool { return d.inWrite > 0 }

// Done completes the write in progress. It returns how many batches became durable (the oldest ones the
// caller holds) and, if batches were waiting, starts their write and returns its duration.
func (d *Disk) Done() (durable int, started bool, after time.Duration) {
	durable = d.inWrite
	d.inWrite = 0
	if d.queued > 0 {
		return durable, true, d.start()
	}
	return durable, false, 0
}

// Crash loses everything not yet durable.
func (d *Disk) Crash() {
	d.inWrite, d.queued, d.queuedByte, d.queuedData = 0, 0, 0, false
}

func (d *Disk) start() time.Duration {
	var t time.Duration
	if d.queuedData {
		d.Writes++
		d.Bytes += uint64(d.queuedByte)
		if d.cfg.Fsync != nil {
			t = d.cfg.Fsync.Sample(d.rng)
		}
		if d.cfg.Bandwidth > 0 {
			// Rounded as the network rounds a transmission, and saturating: a bandwidth near zero makes
			// the write last forever (the node never hears back from its disk), not end in the past.
			t = sim.AddDurations(t, sim.FloatSeconds(float64(d.queuedByte)/d.cfg.Bandwidth))
		}
	}
	d.inWrite, d.queued, d.queuedByte, d.queuedData = d.queued, 0, 0, false
	return t
}

// SetFsync changes the time of the writes started from now on (a disk that becomes slow); the write in
// progress keeps its time. A nil l makes writes instantaneous.
func (d *Disk) SetFsync(l Latency) { d.cfg.Fsync = l }
