package demo_test

import (
	"fmt"
	"time"

	"github.com/raftsim/raftsim/demo"
)

// A session: run to 1 s, crash the leader, run on, go back, and share the moment.
func Example() {
	s, err := demo.New(demo.Defaults())
	if err != nil {
		panic(err)
	}
	s.RunTo(time.Second)
	first := s.State().Leader
	s.Act(demo.Action{Kind: demo.Crash, Node: int(first)})
	s.RunTo(2 * time.Second)
	st := s.State()
	fmt.Printf("leader %d crashed at 1s; at %.0f ms node %d leads in term %d\n", first, st.NowMs, st.Leader, st.Nodes[st.Leader-1].Term)

	s.Seek(500 * time.Millisecond) // back: a replay from the seed and the actions
	fmt.Printf("at %.0f ms node %d leads\n", s.State().NowMs, s.State().Leader)

	o, err := demo.Open(s.Encode())
	if err != nil {
		panic(err)
	}
	fmt.Println("the shared moment has the same leader:", o.State().Leader == s.State().Leader)
	// Output:
	// leader 5 crashed at 1s; at 2000 ms node 2 leads in term 2
	// at 500 ms node 5 leads
	// the shared moment has the same leader: true
}
