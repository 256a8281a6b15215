package sim

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// recorder is a Handler that notes the order events fire in.
type recorder struct {
	l   *Loop
	got []uint64
	at  []Time
}

func (r *recorder) Fire(arg uint64) {
	r.got = append(r.got, arg)
	r.at = append(r.at, r.l.Now())
}

func TestLoopOrder(t *testing.T) {
	tests := []struct {
		name string
		ops  func(l *Loop, r *recorder)
		want []uint64
	}{
		{"by time", func(l *Loop, r *recorder) {
			l.At(30, r, 3)
			l.At(10, r, 1)
			l.At(20, r, 2)
		}, []uint64{1, 2, 3}},
		{"ties by insertion", func(l *Loop, r *recorder) {
			for i := uint64(0); i < 20; i++ {
				l.At(5, r, i)
			}
		}, []uint64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}},
		{"cancel", func(l *Loop, r *recorder) {
			l.At(1, r, 1)
			t2 := l.At(2, r, 2)
			l.At(3, r, 3)
			if !l.Cancel(t2) {
				panic("cancel of a pending timer failed")
			}
			if l.Cancel(t2) {
				panic("second cancel succeeded")
			}
		}, []uint64{1, 3}},
		{"reset later goes behind equals", func(l *Loop, r *recorder) {
			t1 := l.At(5, r, 1)
			l.At(5, r, 2)
			l.Reset(t1, 5, r, 1)
		}, []uint64{2, 1}},
		{"reset earlier", func(l *Loop, r *recorder) {
			l.At(5, r, 1)
			t2 := l.At(9, r, 2)
			l.Reset(t2, 1, r, 2)
		}, []uint64{2, 1}},
		{"reset of a fired timer schedules anew", func(l *Loop, r *recorder) {
			t1 := l.At(1, r, 1)
			l.RunUntil(1)
			t1b := l.Reset(t1, 4, r, 7)
			if t1b == t1 {
				panic("stale handle reused")
			}
		}, []uint64{1, 7}},
		{"reserved places fire before later events of the same instant", func(l *Loop, r *recorder) {
			l.At(5, r, 1)
			base := l.Reserve(3)
			l.At(5, r, 5)
			l.At(4, r, 0)
			l.AtReserved(5, base+2, r, 4)
			l.AtReserved(5, base, r, 2)
			l.AtReserved(5, base+1, r, 3)
		}, []uint64{0, 1, 2, 3, 4, 5}},
		{"after saturates at Never, which never comes", func(l *Loop, r *recorder) {
			l.At(Never-1, HandlerFunc(func(uint64) { l.After(Second, r, 2); l.At(Never-1, r, 3) }), 0)
			l.After(Never, r, 1)
		}, []uint64{3}},
		{"stale handle after slot reuse", func(l *Loop, r *recorder) {
			t1 := l.At(1, r, 1)
			l.Cancel(t1)
			l.At(2, r, 2) // reuses t1's slot
			if l.Cancel(t1) {
				panic("stale handle cancelled a new event")
			}
		}, []uint64{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLoop()
			r := &recorder{l: l}
			tt.ops(l, r)
			l.Run()
			if !slices.Equal(r.got, tt.want) {
				t.Fatalf("fired %v, want %v", r.got, tt.want)
			}
			if !slices.IsSorted(r.at) {
				t.Fatalf("time went backwards: %v", r.at)
			}
		})
	}
}

func TestRunUntilAdvancesAndStops(t *testing.T) {
	l := NewLoop()
	r := &recorder{l: l}
	l.At(10, r, 1)
	l.At(20, r, 2)
	if !l.RunUntil(15) {
		t.Fatal("RunUntil stopped early")
	}
	if l.Now() != 15 || len(r.got) != 1 {
		t.Fatalf("now %v, fired %v; want 15 and one event", l.Now(), r.got)
	}
	l.At(16, HandlerFunc(func(uint64) { l.Stop() }), 0)
	if l.RunUntil(100) {
		t.Fatal("RunUntil ignored Stop")
	}
	if l.Now() != 16 || l.Pending() != 1 {
		t.Fatalf("after stop: now %v pending %d, want 16 and 1", l.Now(), l.Pending())
	}
}

func TestScheduleInPastPanics(t *testing.T) {
	l := NewLoop()
	l.RunUntil(10)
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for an event in the past")
		}
	}()
	l.At(5, HandlerFunc(func(uint64) {}), 0)
}

// TestLoopMatchesModel drives the loop with random schedules, reserved places, cancels, resets, steps and
// bounded runs and checks the firing order against a plain sorted list, the simplest correct
// implementation of the total order. Spans range from a few nanoseconds (many ties at one instant) to
// most of a Time's range (every bucket of the radix heap).
func TestLoopMatchesModel(t *testing.T) {
	spans := []int64{50, 1 << 12, 1 << 40, 1 << 61}
	for seed := uint64(1); seed <= 200; seed++ {
		span := spans[seed%uint64(len(spans))]
		rng := rand.New(rand.NewPCG(seed, 0))
		l := NewLoop()
		r := &recorder{l: l}
		type modelEv struct {
			at  Time
			seq uint64
			id  uint64
		}
		var model []modelEv
		timers := map[uint64]Timer{}
		var seq uint64
		next := uint64(0)
		var ids []uint64    // live ids in creation order, for deterministic picks
		var places []uint64 // reserved places not yet used
		when := func() Time {
			if rng.IntN(8) == 0 {
				return l.Now() // ties with the instant being fired
			}
			return l.Now().Add(time.Duration(rng.Int64N(span)))
		}
		sortModel := func() {
			slices.SortFunc(model, func(a, b modelEv) int {
				if a.at != b.at {
					return cmp.Compare(a.at, b.at)
				}
				return cmp.Compare(a.seq, b.seq)
			})
		}
		fired := func(step int, before int) {
			for _, got := range r.got[before:] {
				want := model[0]
				model = model[1:]
				if got != want.id || r.at[before] != want.at {
					t.Fatalf("seed %d step %d: fired %d at %v, model says %d at %v", seed, step, got, r.at[before], want.id, want.at)
				}
				ids = slices.DeleteFunc(ids, func(x uint64) bool { return x == want.id })
				before++
			}
		}
		for step := 0; step < 600; step++ {
			switch op := rng.IntN(14); {
			case op < 5 || len(ids) == 0: // schedule
				at := when()
				timers[next] = l.At(at, r, next)
				model = append(model, modelEv{at, seq, next})
				ids = append(ids, next)
				seq++
				next++
			case op < 6: // reserve places, or schedule into one
				if len(places) == 0 {
					n := uint64(1 + rng.IntN(3))
					first := l.Reserve(n)
					if first != seq {
						t.Fatalf("seed %d: Reserve gave %d, want %d", seed, first, seq)
					}
					for k := range n {
						places = append(places, first+k)
					}
					seq += n
					break
				}
				k := rng.IntN(len(places))
				p := places[k]
				places = slices.Delete(places, k, k+1)
				at := when()
				timers[next] = l.AtReserved(at, p, r, next)
				model = append(model, modelEv{at, p, next})
				ids = append(ids, next)
				next++
			case op < 8: // cancel
				k := rng.IntN(len(ids))
				id := ids[k]
				if !l.Cancel(timers[id]) {
					t.Fatalf("seed %d step %d: cancel of pending %d failed", seed, step, id)
				}
				ids = slices.Delete(ids, k, k+1)
				model = slices.DeleteFunc(model, func(e modelEv) bool { return e.id == id })
			case op < 10: // reset
				id := ids[rng.IntN(len(ids))]
				at := when()
				timers[id] = l.Reset(timers[id], at, r, id)
				for i := range model {
					if model[i].id == id {
						model[i].at, model[i].seq = at, seq
					}
				}
				seq++
			case op < 12: // fire one
				before := len(r.got)
				l.Step()
				sortModel()
				fired(step, before)
			default: // run to a limit, which may fall before, on or after pending events
				before := len(r.got)
				end := when()
				l.RunUntil(end)
				sortModel()
				n := 0
				for n < len(model) && model[n].at <= min(end, Never-1) { // an event at Never never fires
					n++
				}
				if len(r.got)-before != n {
					t.Fatalf("seed %d step %d: RunUntil(%v) fired %d, model says %d", seed, step, end, len(r.got)-before, n)
				}
				fired(step, before)
				if l.Now() != end && end != Never {
					t.Fatalf("seed %d step %d: after RunUntil(%v) now is %v", seed, step, end, l.Now())
				}
			}
			if l.Pending() != len(model) {
				t.Fatalf("seed %d step %d: %d pending, model has %d", seed, step, l.Pending(), len(model))
			}
			for _, e := range model {
				if at, ok := l.When(timers[e.id]); !ok || at != e.at {
					t.Fatalf("seed %d step %d: When(%d) = %v %v, model says %v", seed, step, e.id, at, ok, e.at)
				}
			}
		}
	}
}

type counter struct{ n uint64 }

func (c *counter) Fire(uint64) { c.n++ }

// rescheduler keeps a fixed population of pending events, as a simulation in steady state does: every
// event that fires schedules one more at a pseudo-random delay.
type rescheduler struct {
	l *Loop
	x uint64
}

func (r *rescheduler) Fire(arg uint64) {
	r.x = r.x*6364136223846793005 + 1442695040888963407
	r.l.After(Time(r.x>>54)+1, r, arg)
}

// BenchmarkLoop measures the bare event loop with 1,000 pending events, the order of a large cluster
// with clients. Each b.N is one event fired and one scheduled.
func BenchmarkLoop(b *testing.B) {
	l := NewLoop()
	r := &rescheduler{l: l, x: 1}
	for i := 0; i < 1000; i++ {
		l.At(Time(i), r, uint64(i))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.Step()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkTimerReset measures re-arming a pending timer, what every heartbeat does to a follower.
func BenchmarkTimerReset(b *testing.B) {
	l := NewLoop()
	c := &counter{}
	timers := make([]Timer, 1000)
	for i := range timers {
		timers[i] = l.At(Time(i+1)*Millisecond, c, 0)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % len(timers)
		timers[k] = l.Reset(timers[k], Time(i%977+1)*Millisecond, c, 0)
	}
}

func TestAtReservedRefusesAPlaceNotReserved(t *testing.T) {
	l := NewLoop()
	base := l.Reserve(2)
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for a place beyond the reserved ones")
		}
	}()
	l.AtReserved(1, base+2, HandlerFunc(func(uint64) {}), 0)
}
