package trace_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/raftsim/raftsim/trace"
)

func ExampleReadAll() {
	const jsonl = `{"t":0,"ev":"trace","version":1,"nodes":3,"clients":0,"seed":1}
{"t":151000000,"ev":"timeout","node":2,"timer":"election"}
{"t":151000000,"ev":"state","node":2,"state":"candidate","term":2,"lead":0}
{"t":151000000,"ev":"send","from":2,"to":1,"type":"vote","term":2,"index":0,"log_term":0,"bytes":48}
{"t":151000000,"ev":"send","from":2,"to":3,"type":"vote","term":2,"index":0,"log_term":0,"bytes":48}
{"t":152000000,"ev":"drop","from":2,"to":3,"type":"vote","term":2,"index":0,"log_term":0,"reason":"loss"}
`
	// The vote requests node 2 sent, and what became of them.
	f := &trace.Filter{Types: []string{"vote"}, Kinds: []trace.Kind{trace.KindSend, trace.KindDrop}, To: time.Second}
	events, info, err := trace.ReadAll(strings.NewReader(jsonl), f)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d nodes\n", info.Nodes)
	for _, e := range events {
		fmt.Printf("line %d: %v %s %s %s->%s term %d", e.Line, e.T, e.Kind, e.Type, info.Endpoint(e.From), info.Endpoint(e.To), e.Term)
		if e.Kind == trace.KindDrop {
			fmt.Printf(" (%s)", e.Reason)
		}
		fmt.Println()
	}
	// Output:
	// 3 nodes
	// line 4: 151ms send vote n2->n1 term 2
	// line 5: 151ms send vote n2->n3 term 2
	// line 6: 152ms drop vote n2->n3 term 2 (loss)
}
