package kv

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Command is a client's write: Put(Key, Value), the Seq-th command of Client.
type Command struct {
	Client uint64
	Seq    uint64
	Key    uint64
	Value  uint64
}

// EncodedSize is the length of an encoded Command.
const EncodedSize = 32

// Encode returns the command's wire form.
func (c Command) Encode() []byte {
	b := make([]byte, EncodedSize)
	binary.LittleEndian.PutUint64(b[0:], c.Client)
	binary.LittleEndian.PutUint64(b[8:], c.Seq)
	binary.LittleEndian.PutUint64(b[16:], c.Key)
	binary.LittleEndian.PutUint64(b[24:], c.Value)
	return b
}

// Decode parses a command encoded by Encode.
func Decode(b []byte) (Command, error) {
	if len(b) != EncodedSize {
		return Command{}, fmt.Errorf("kv: command is %d bytes, want %d", len(b), EncodedSize)
	}
	return Command{
		Client: binary.LittleEndian.Uint64(b[0:]),
		Seq:    binary.LittleEndian.Uint64(b[8:]),
		Key:    binary.LittleEndian.Uint64(b[16:]),
		Value:  binary.LittleEndian.Uint64(b[24:]),
	}, nil
}

// Result is the outcome of applying a command.
type Result struct {
	Command
	Prev      uint64 // the value the Put replaced (0 if the key was unset)
	Duplicate bool   // the command had been applied before; Prev is the first application's
}

type session struct {
	seq  uint64
	prev uint64
}

// Store is the state machine. Its maps are only looked up, never iterated, so their order cannot reach
// any output.
type Store struct {
	data     map[uint64]uint64
	sessions map[uint64]session
	applied  uint64
}

// New returns an empty store.
func New() *Store {
	return &Store{data: map[uint64]uint64{}, sessions: map[uint64]session{}}
}

// Applied returns the index of the last entry applied.
func (s *Store) Applied() uint64 { return s.applied }

// ErrGap is returned when entries are applied out of order.
var ErrGap = errors.New("kv: entry applied out of order")

// Apply applies the entry at index; an entry without data (a new leader's no-op) changes nothing.
// ok is false for such an entry.
func (s *Store) Apply(index uint64, data []byte) (r Result, ok bool, err error) {
	if index != s.applied+1 {
		return Result{}, false, fmt.Errorf("%w: index %d after %d", ErrGap, index, s.applied)
	}
	s.applied = index
	if len(data) == 0 {
		return Result{}, false, nil
	}
	c, err := Decode(data)
	if err != nil {
		return Result{}, false, err
	}
	if ss, seen := s.sessions[c.Client]; seen && c.Seq <= ss.seq {
		// A retry of a command already applied: answer as the first time. (Closed-loop clients have
		// one command outstanding, so an older Seq than the last cannot be awaited any more.)
		return Result{Command: c, Prev: ss.prev, Duplicate: true}, true, nil
	}
	prev := s.data[c.Key]
	s.data[c.Key] = c.Value
	s.sessions[c.Client] = session{seq: c.Seq, prev: prev}
	return Result{Command: c, Prev: prev}, true, nil
}

// Get returns the value of key.
func (s *Store) Get(key uint64) uint64 { return s.data[key] }

// Len returns the number of keys set and the number of clients with a session.
func (s *Store) Len() (keys, sessions int) { return len(s.data), len(s.sessions) }

// Modelled sizes of a snapshot's parts, in bytes: a key with its value's header, and a client's session.
const (
	KeyBytes     = 8
	SessionBytes = 24 // client, sequence number, previous value
)

// SnapshotSize is the modelled size in bytes of a snapshot of the store when every value is valueSize
// bytes: what a real store of this many keys and sessions would write and send.
func (s *Store) SnapshotSize(valueSize uint32) uint64 {
	return uint64(len(s.data))*(KeyBytes+uint64(valueSize)) + uint64(len(s.sessions))*SessionBytes
}

// Snapshot returns the store's image: the index of the last entry applied, then every key with its
// value and every client's session, each in increasing order, so that equal stores give equal images
// (nothing of the maps' order reaches it). Restore reads it back.
func (s *Store) Snapshot() []byte {
	b := make([]byte, 0, 24+16*len(s.data)+24*len(s.sessions))
	b = binary.LittleEndian.AppendUint64(b, s.applied)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(s.data)))
	for _, k := range slices.Sorted(maps.Keys(s.data)) {
		b = binary.LittleEndian.AppendUint64(b, k)
		b = binary.LittleEndian.AppendUint64(b, s.data[k])
	}
	b = binary.LittleEndian.AppendUint64(b, uint64(len(s.sessions)))
	for _, c := range slices.Sorted(maps.Keys(s.sessions)) {
		ss := s.sessions[c]
		b = binary.LittleEndian.AppendUint64(b, c)
		b = binary.LittleEndian.AppendUint64(b, ss.seq)
		b = binary.LittleEndian.AppendUint64(b, ss.prev)
	}
	return b
}

// ErrSnapshot is returned by Restore for an image Snapshot did not write.
var ErrSnapshot = errors.New("kv: malformed snapshot")

// Restore returns the store a snapshot image was taken of.
func Restore(img []byte) (*Store, error) {
	r := reader{b: img}
	s := New()
	s.applied = r.next()
	for n := r.next(); n > 0 && r.ok(); n-- {
		k := r.next()
		s.data[k] = r.next()
	}
	for n := r.next(); n > 0 && r.ok(); n-- {
		c := r.next()
		s.sessions[c] = session{seq: r.next(), prev: r.next()}
	}
	if !r.ok() || len(r.b) != 0 {
		return nil, fmt.Errorf("%w (%d bytes)", ErrSnapshot, len(img))
	}
	return s, nil
}

// reader reads little-endian words, remembering if it ran out.
type reader struct {
	b     []byte
	short bool
}

func (r *reader) next() uint64 {
	if len(r.b) < 8 {
		r.short, r.b = true, nil
		return 0
	}
	x := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return x
}

func (r *reader) ok() bool { return !r.short }

// Equal reports whether two stores hold the same state: applied index, values and sessions.
func (s *Store) Equal(o *Store) bool {
	if s.applied != o.applied || len(s.data) != len(o.data) || len(s.sessions) != len(o.sessions) {
		return false
	}
	for k, v := range s.data {
		if w, ok := o.data[k]; !ok || w != v {
			return false
		}
	}
	for c, ss := range s.sessions {
		if w, ok := o.sessions[c]; !ok || w != ss {
			return false
		}
	}
	return true
}
