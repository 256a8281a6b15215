package kv

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestApply(t *testing.T) {
	s := New()
	put := func(i uint64, c Command) Result {
		t.Helper()
		r, ok, err := s.Apply(i, c.Encode())
		if err != nil || !ok {
			t.Fatalf("apply %d: ok=%v err=%v", i, ok, err)
		}
		return r
	}
	if _, ok, err := s.Apply(1, nil); ok || err != nil {
		t.Fatalf("no-op entry: ok=%v err=%v", ok, err)
	}
	if r := put(2, Command{Client: 1, Seq: 1, Key: 7, Value: 100}); r.Prev != 0 || r.Duplicate {
		t.Fatalf("first put: %+v", r)
	}
	if r := put(3, Command{Client: 2, Seq: 1, Key: 7, Value: 200}); r.Prev != 100 {
		t.Fatalf("second put saw %d, want 100", r.Prev)
	}
	// Client 1 retries its first command: it must not overwrite 200, and must see what it saw before.
	if r := put(4, Command{Client: 1, Seq: 1, Key: 7, Value: 100}); !r.Duplicate || r.Prev != 0 {
		t.Fatalf("retry: %+v, want duplicate with prev 0", r)
	}
	if got := s.Get(7); got != 200 {
		t.Fatalf("key 7 = %d, want 200", got)
	}
	if _, _, err := s.Apply(9, nil); !errors.Is(err, ErrGap) {
		t.Fatalf("gap: err = %v", err)
	}
	if _, _, err := s.Apply(5, []byte{1, 2}); err == nil {
		t.Fatal("short command decoded")
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	c := Command{Client: 1<<63 | 5, Seq: 42, Key: 9, Value: 1<<40 + 3}
	got, err := Decode(c.Encode())
	if err != nil || got != c {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
}

// TestSnapshotRestore checks that a store restored from a snapshot at any index, then given the rest of
// the log, is the store that applied the whole log: same state, same image, same answers (retries
// included, which the sessions in the image decide).
func TestSnapshotRestore(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	var log [][]byte
	for i := 0; i < 400; i++ {
		if r.IntN(20) == 0 {
			log = append(log, nil) // a new leader's empty entry
			continue
		}
		c := Command{Client: 1 + r.Uint64N(5), Key: r.Uint64N(30), Value: r.Uint64()}
		c.Seq = 1 + r.Uint64N(40) // retries and reorders: some are duplicates
		log = append(log, c.Encode())
	}
	apply := func(s *Store, from int) []Result {
		var out []Result
		for i := from; i < len(log); i++ {
			res, _, err := s.Apply(uint64(i+1), log[i])
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, res)
		}
		return out
	}
	whole := New()
	all := apply(whole, 0)
	for _, at := range []int{0, 1, 37, 200, 399, 400} {
		s := New()
		for i := range at {
			if _, _, err := s.Apply(uint64(i+1), log[i]); err != nil {
				t.Fatal(err)
			}
		}
		img := s.Snapshot()
		restored, err := Restore(img)
		if err != nil {
			t.Fatalf("at %d: %v", at, err)
		}
		if !restored.Equal(s) || !bytes.Equal(restored.Snapshot(), img) {
			t.Fatalf("at %d: the restored store differs from the one snapshotted", at)
		}
		rest := apply(restored, at)
		if !restored.Equal(whole) || !bytes.Equal(restored.Snapshot(), whole.Snapshot()) {
			t.Errorf("snapshot at %d, then the rest of the log: the store differs from applying the whole log", at)
		}
		if !slices.Equal(rest, all[at:]) {
			t.Errorf("snapshot at %d: the answers to the rest of the log differ", at)
		}
	}
	keys, sessions := whole.Len()
	if got, want := whole.SnapshotSize(128), uint64(keys*(KeyBytes+128)+sessions*SessionBytes); got != want {
		t.Errorf("SnapshotSize(128) = %d, want %d", got, want)
	}
	for _, bad := range [][]byte{nil, whole.Snapshot()[:20], append(whole.Snapshot(), 0)} {
		if _, err := Restore(bad); !errors.Is(err, ErrSnapshot) {
			t.Errorf("Restore of %d bytes: %v, want ErrSnapshot", len(bad), err)
		}
	}
}
