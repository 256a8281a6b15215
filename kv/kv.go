package kv

import (
	"encoding/binary"
	"errors"
	"fmt"
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
