package cluster

import "encoding/binary"

// droppedWrite is the last write a host applied, as raft.MutSnapshotDropsEntry needs it to leave the
// write out of the next snapshot: its key and the value the key held before. Only a mutated host sets
// one (host.apply); the release build compiles the code that does away.
type droppedWrite struct {
	key, prev uint64
	set       bool
}

// undo rewrites a store image (kv.Store.Snapshot) in place so that the key holds its value from before
// the write: the image still claims every entry through its index applied (its applied index and the
// writer's session are left alone), but the state machine it restores lacks the write — the snapshot
// drops an applied entry (thesis §5.1). A key the write created is given 0, which is what kv.Store.Get
// returns for a key never written.
func (d droppedWrite) undo(img []byte) {
	word := func(i int) uint64 { return binary.LittleEndian.Uint64(img[8*i:]) }
	n := int(word(1))
	for i := range n {
		if word(2+2*i) == d.key {
			binary.LittleEndian.PutUint64(img[8*(3+2*i):], d.prev)
			return
		}
	}
}
