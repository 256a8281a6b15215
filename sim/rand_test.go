package sim

import (
	"fmt"
	"testing"
)

func TestStreamIndependentOfOthers(t *testing.T) {
	a := Stream(7, "node/1")
	first := []uint64{a.Uint64(), a.Uint64(), a.Uint64()}
	// Creating and drawing from other streams must not change node/1's sequence.
	_ = Stream(7, "node/2").Uint64()
	_ = Stream(7, "link/1->2").Uint64()
	b := Stream(7, "node/1")
	for i, want := range first {
		if got := b.Uint64(); got != want {
			t.Fatalf("draw %d: %d, want %d", i, got, want)
		}
	}
	if Stream(8, "node/1").Uint64() == first[0] {
		t.Fatal("a different root seed gave the same first draw")
	}
	if Stream(7, "node/2").Uint64() == first[0] {
		t.Fatal("a different name gave the same first draw")
	}
	if StreamN(7, "node", 1).Uint64() != first[0] {
		t.Fatal(`StreamN(7, "node", 1) differs from Stream(7, "node/1")`)
	}
}

// TestStreamGolden pins the derivation: if it changes, every published result changes with it.
func TestStreamGolden(t *testing.T) {
	got := fmt.Sprint(Stream(1, "node/1").Uint64(), Derive(1, "n=5", "trial=0"))
	const want = "8199657814570701487 10305051182146578484"
	if got != want {
		t.Fatalf("stream derivation changed: got %s, want %s", got, want)
	}
}

func TestDerive(t *testing.T) {
	seen := map[uint64]string{}
	for _, parts := range [][]string{{}, {"a"}, {"b"}, {"a", "b"}, {"b", "a"}, {"ab"}} {
		s := Derive(1, parts...)
		if prev, ok := seen[s]; ok {
			t.Fatalf("Derive(1, %q) collides with %s", parts, prev)
		}
		seen[s] = fmt.Sprint(parts)
	}
}
