package rafttest_test

import (
	"fmt"

	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/raft/rafttest"
)

// recorder is an Observer that notes what it is told.
type recorder struct{ notes *[]string }

func (r recorder) note(format string, args ...any) error {
	*r.notes = append(*r.notes, fmt.Sprintf(format, args...))
	return nil
}

func (r recorder) Restarted(id, snapIndex, snapTerm uint64, _ raft.ConfState, durable []raft.Entry) error {
	return r.note("Restarted(%d, %d entries)", id, len(durable))
}
func (r recorder) Snapshotted(id, index, term uint64, _ raft.ConfState) error {
	return r.note("Snapshotted(%d, %d, %d)", id, index, term)
}
func (r recorder) LogChanged(id, first uint64, entries []raft.Entry) error {
	return r.note("LogChanged(%d, %d, %d entries)", id, first, len(entries))
}
func (r recorder) BecameLeader(id, term uint64) error {
	return r.note("BecameLeader(%d, %d)", id, term)
}
func (r recorder) SteppedDown(id uint64) { _ = r.note("SteppedDown(%d)", id) }
func (r recorder) Applied(id uint64, entries []raft.Entry) error {
	return r.note("Applied(%d, %d entries)", id, len(entries))
}
func (r recorder) Committed(id, term, commit uint64) error {
	return r.note("Committed(%d, %d, %d)", id, term, commit)
}

// An env runs script commands one at a time and returns their transcripts; an Observer is told of
// each node's Readies as the simulator's safety checker would be.
func ExampleEnv() {
	var notes []string
	e := rafttest.NewEnv(func() rafttest.Observer { return recorder{&notes} })
	for _, line := range []string{"add-nodes 2", "campaign 1", "stabilize", "crash 1"} {
		out, err := e.Run(line)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(line)
		if out != "" {
			fmt.Println(out)
		}
	}
	fmt.Println("observer:")
	for _, n := range notes {
		fmt.Println(" ", n)
	}
	// Output:
	// add-nodes 2
	// campaign 1
	// node 1: follower -> candidate term=1
	// stabilize
	// > 1 handling Ready
	//   send 1->2 vote term=1 log=0/0
	//   persist #1 term=1 vote=1
	// > 2 receiving messages
	//   1->2 vote term=1 log=0/0
	//   node 2: follower -> follower term=1
	// > 2 handling Ready
	//   persist #1 term=1 vote=1
	//   send 2->1 vote_resp term=1
	// > 1 receiving messages
	//   2->1 vote_resp term=1
	//   node 1: candidate -> leader term=1
	// > 1 handling Ready
	//   send 1->2 app term=1 log=0/0 commit=0 entries=[1/1]
	//   persist #2 entries=[1/1]
	// > 2 receiving messages
	//   1->2 app term=1 log=0/0 commit=0 entries=[1/1]
	// > 2 handling Ready
	//   persist #2 entries=[1/1]
	//   send 2->1 app_resp term=1 index=1
	// > 1 receiving messages
	//   2->1 app_resp term=1 index=1
	// > 1 handling Ready
	//   apply [1/1]
	// crash 1
	// node 1 crashed: durable term=1 vote=1 last=1/1
	// observer:
	//   Restarted(1, 0 entries)
	//   Restarted(2, 0 entries)
	//   LogChanged(1, 1, 1 entries)
	//   BecameLeader(1, 1)
	//   LogChanged(2, 1, 1 entries)
	//   Applied(1, 1 entries)
	//   Committed(1, 1, 1)
	//   SteppedDown(1)
}
