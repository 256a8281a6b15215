package raft

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestInflightsAgainstModel: the ring, growing as it fills, behaves as a plain FIFO of at most size
// indices, through every mix of adds, frees and resets.
func TestInflightsAgainstModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, size := range []int{1, 2, 3, 7, 8, 9, 64, 1000} {
		var in inflights
		in.init(size)
		var model []uint64
		next := uint64(1)
		for step := range 20000 {
			switch op := r.IntN(10); {
			case op < 6:
				if len(model) == size {
					if !in.full() {
						t.Fatalf("size %d step %d: not full with %d", size, step, len(model))
					}
					continue
				}
				next += uint64(r.IntN(3))
				in.add(next)
				model = append(model, next)
			case op < 8:
				to := next - uint64(r.IntN(4))
				in.freeLE(to)
				for len(model) > 0 && model[0] <= to {
					model = model[1:]
				}
			case op < 9:
				in.freeFirst()
				if len(model) > 0 {
					first := model[0]
					for len(model) > 0 && model[0] <= first {
						model = model[1:]
					}
				}
			default:
				if r.IntN(20) == 0 {
					in.reset()
					model = model[:0]
				}
			}
			var got []uint64
			for i := range in.count {
				got = append(got, in.buf[(in.start+i)%len(in.buf)])
			}
			if !slices.Equal(got, model) || in.full() != (len(model) == size) || len(in.buf) > size {
				t.Fatalf("size %d step %d: ring %v (buf %d), model %v", size, step, got, len(in.buf), model)
			}
		}
	}
}

// TestInflightsLazy: a huge limit costs nothing until messages are outstanding.
func TestInflightsLazy(t *testing.T) {
	var in inflights
	in.init(1 << 60)
	if cap(in.buf) != 0 {
		t.Fatalf("init allocated %d entries", cap(in.buf))
	}
	for i := range 100 {
		in.add(uint64(i))
	}
	if len(in.buf) > 128 || in.full() {
		t.Fatalf("100 outstanding: buffer of %d, full %v", len(in.buf), in.full())
	}
}
