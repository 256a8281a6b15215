package msc_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/trace"
	"github.com/raftsim/raftsim/trace/msc"
)

// hostileTrace is a trace of 3 nodes whose window holds n events that line(i) writes, after a header.
func hostileTrace(n int, line func(i int) string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"t":0,"ev":"trace","version":1,"nodes":3,"clients":1,"seed":1}` + "\n")
	for i := range n {
		b.WriteString(line(i) + "\n")
	}
	return b.Bytes()
}

// TestChartBoundedByEvents: memory and chart size are bounded by --max-messages whatever the window
// holds. Before, only sends counted: a window of state changes, of deliveries of messages sent before
// it, or of messages --type filters out, drew every event (600,000 deliveries: a 32 MB chart, 1 GB
// of memory); and after a cut every event of the cut's instant was kept (600,000 sends at one
// instant: 1.2 GB).
func TestChartBoundedByEvents(t *testing.T) {
	const n, max = 20000, 10
	for _, tc := range []struct {
		name, warn string
		line       func(i int) string
		o          msc.Options
	}{
		{"states", "only the first 40 events", func(i int) string {
			return fmt.Sprintf(`{"t":%d,"ev":"state","node":%d,"state":"follower","term":%d}`, 1000+i, 1+i%3, i)
		}, msc.Options{To: 1e12}},
		{"deliveries without sends", "only the first 40 events", func(i int) string {
			return fmt.Sprintf(`{"t":%d,"ev":"deliver","from":1,"to":2,"type":"app","term":1}`, 1000+i)
		}, msc.Options{To: 1e12}},
		{"sends at one instant", "only the first 10 messages", func(i int) string {
			return fmt.Sprintf(`{"t":1000,"ev":"send","from":1,"to":2,"type":"app","term":1,"index":%d}`, i)
		}, msc.Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.MaxMessages = max
			tr := trace.NewReader(bytes.NewReader(hostileTrace(n, tc.line)))
			events, err := msc.Collect(tr, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			if len(events) > msc.EventsPerMessage*max+2 {
				t.Errorf("Collect kept %d events; want at most %d", len(events), msc.EventsPerMessage*max+2)
			}
			var b bytes.Buffer
			if err := msc.Write(&b, events, tr.Info(), tc.o); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), "cut: "+tc.warn) {
				t.Errorf("the chart does not say it cut (%q)", tc.warn)
			}
			if b.Len() > 64<<10 {
				t.Errorf("a chart of %d bytes", b.Len())
			}
		})
	}
}
