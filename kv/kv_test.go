package kv

import (
	"errors"
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
