package spec

import (
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
)

// rolling_replace expands, at each point, to one replace per node of that point, i by n+i at start +
// (i-1)*every; replace_mode chooses the learner phase or none.
func TestRollingReplaceParam(t *testing.T) {
	s := mustParse(t, `name: r
duration: 30s
cluster: {replace_mode: direct}
scenario:
  rolling_replace: {start: 2s, every: 1s}
axes:
  - {param: nodes, values: [3, 5]}
`, "r.yaml")
	p := mustPlan(t, s)
	for _, pt := range p.Points {
		n := pt.Config.Nodes
		var got []string
		for _, e := range pt.Config.Faults {
			got = append(got, fmtEvent(e))
		}
		var want []string
		for i := 1; i <= n; i++ {
			want = append(want, fmtEvent(fault.Event{Kind: fault.Replace, Node: int64(i), New: int64(n + i), At: 2*time.Second + time.Duration(i-1)*time.Second}))
		}
		if strings.Join(got, "; ") != strings.Join(want, "; ") {
			t.Errorf("nodes %d: events %q, want %q", n, got, want)
		}
		if !pt.Config.ReplaceDirect || pt.Config.Hosts() != 2*n {
			t.Errorf("nodes %d: ReplaceDirect %v, hosts %d", n, pt.Config.ReplaceDirect, pt.Config.Hosts())
		}
	}
	for _, tc := range []struct{ src, want string }{
		{"scenario: {rolling_replace: {every: 1s}}", "start: required"},
		{"scenario: {rolling_replace: {start: 0s}}", "must be positive"},
		{"scenario: {rolling_replace: {start: 1s, each: 1s}}", "unknown field"},
		{"duration: 10s\nscenario: {rolling_replace: {start: 5s, every: 3s}}", "the last replace, at 17s, is not before the end of the run"},
		{"cluster: {replace_mode: learners}", `"learners": want learner or direct`},
	} {
		s, err := Parse([]byte("name: x\n"+tc.src), "x.yaml")
		if err == nil {
			_, err = s.Plan()
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.src, err, tc.want)
		}
	}
}
