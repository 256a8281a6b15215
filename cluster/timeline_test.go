package cluster

import (
	"encoding/json"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/models/latency"
)

// schedule parses faults written as on the command line, "crash 2@1s", for a five-node cluster.
func schedule(t *testing.T, lines ...string) []fault.Event {
	t.Helper()
	var out []fault.Event
	for _, l := range lines {
		kind, arg, _ := strings.Cut(l, " ")
		var evs []fault.Event
		var err error
		switch kind {
		case "crash":
			evs, err = fault.ParseCrash(arg, 5)
		case "restart":
			evs, err = fault.ParseRestart(arg, 5)
		case "isolate":
			evs, err = fault.ParseIsolate(arg, 5)
		case "cut":
			evs, err = fault.ParseCut(arg, 5)
		case "restore":
			evs, err = fault.ParseRestore(arg, 5)
		case "partition":
			evs, err = fault.ParsePartition(arg, 5)
		case "heal":
			evs, err = fault.ParseHeal(arg)
		default:
			t.Fatalf("schedule: unknown fault %q", l)
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, evs...)
	}
	fault.Sort(out)
	return out
}

// TestFaultTimeline: the summary names what each fault hit, and says "no effect" when it changed
// nothing. Node 1 is the bootstrap node, so it leads from the start.
func TestFaultTimeline(t *testing.T) {
	all := []uint64{1, 2, 3, 4, 5}
	hit := func(at time.Duration, fault string, nodes []uint64, effect string) FaultHit {
		if nodes == nil {
			nodes = []uint64{}
		}
		return FaultHit{AtMS: float64(at) / 1e6, Fault: fault, Nodes: nodes, Effect: effect}
	}
	tests := []struct {
		name   string
		faults []string
		want   []FaultHit
	}{
		// A schedule may not crash a node it has certainly crashed already (Config.Validate), but a
		// crash of the leader may have taken it.
		{"crash the leader, then its number", []string{"crash leader@1s", "crash 1@2s"}, []FaultHit{
			hit(time.Second, "crash leader@1s", []uint64{1}, "crashed the leader 1"),
			hit(2*time.Second, "crash 1@2s", nil, "no effect: node 1 was down"),
		}},
		{"crash the leader by number", []string{"crash 1@1s"}, []FaultHit{
			hit(time.Second, "crash 1@1s", []uint64{1}, "crashed 1, the leader"),
		}},
		{"restart", []string{"crash leader@1s", "restart 3@2s", "restart 1@3s"}, []FaultHit{
			hit(time.Second, "crash leader@1s", []uint64{1}, "crashed the leader 1"),
			hit(2*time.Second, "restart 3@2s", nil, "no effect: node 3 was up"),
			hit(3*time.Second, "restart 1@3s", []uint64{1}, "restarted 1"),
		}},
		{"partition and heal", []string{"partition 1s:1,2|3,4,5", "heal 2s", "heal 3s"}, []FaultHit{
			hit(time.Second, "partition 1s:1,2|3,4,5", all, "cut 12 directed edges, of nodes 1, 2, 3, 4, 5"),
			hit(2*time.Second, "heal 2s", all, "restored 12 directed edges, of nodes 1, 2, 3, 4, 5"),
			hit(3*time.Second, "heal 3s", nil, "no effect: no edge changed"),
		}},
		// A schedule may not cut an edge it has certainly cut already (Config.Validate), but a
		// partition may have cut it.
		{"partition, cut within it, restore", []string{"partition 1s:1|2,3,4,5", "cut 2s:1->2", "restore 3s:1<->2"}, []FaultHit{
			hit(time.Second, "partition 1s:1|2,3,4,5", all, "cut 8 directed edges, of nodes 1, 2, 3, 4, 5"),
			hit(2*time.Second, "cut 2s:1->2", nil, "no effect: no edge changed"),
			hit(3*time.Second, "restore 3s:1->2,2->1", []uint64{1, 2}, "restored 2 directed edges, of nodes 1, 2"),
		}},
		{"isolate", []string{"isolate 5@1s", "isolate 5@2s"}, []FaultHit{
			hit(time.Second, "isolate 5@1s", all, "cut 8 directed edges, of nodes 1, 2, 3, 4, 5"),
			hit(2*time.Second, "isolate 5@2s", nil, "no effect: no edge changed"),
		}},
		{"crash the leader", []string{"crash leader@1s"}, []FaultHit{
			hit(time.Second, "crash leader@1s", []uint64{1}, "crashed the leader 1"),
		}},
		{"nobody up", []string{"crash 1@1s,2@1s,3@1s,4@1s,5@1s", "crash leader+1@2s"}, []FaultHit{
			hit(time.Second, "crash 1@1s", []uint64{1}, "crashed 1, the leader"),
			hit(time.Second, "crash 2@1s", []uint64{2}, "crashed 2"),
			hit(time.Second, "crash 3@1s", []uint64{3}, "crashed 3"),
			hit(time.Second, "crash 4@1s", []uint64{4}, "crashed 4"),
			hit(time.Second, "crash 5@1s", []uint64{5}, "crashed 5"),
			hit(2*time.Second, "crash leader+1@2s", nil, "no effect: no node was up"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Default()
			cfg.Duration, cfg.Bootstrap, cfg.Clients = 4*time.Second, 1, 0
			cfg.Faults = schedule(t, tt.faults...)
			s := run(t, cfg)
			if !reflect.DeepEqual(s.Faults, tt.want) || s.FaultsTotal != uint64(len(tt.want)) {
				t.Errorf("faults (%d in all):\n%s\nwant:\n%s", s.FaultsTotal, hitsText(s.Faults), hitsText(tt.want))
			}
		})
	}
}

func hitsText(hs []FaultHit) string {
	var b strings.Builder
	for _, h := range hs {
		b.WriteString("\t")
		j, _ := json.Marshal(h)
		b.Write(j)
		b.WriteString("\n")
	}
	return b.String()
}

// TestFaultTimelineDrawn: a leader crash lists the leader first, then the nodes drawn; with no leader,
// every node it crashed was drawn. The leader-crash scenario's crash is in the timeline too.
func TestFaultTimelineDrawn(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		cfg := Default()
		cfg.Seed, cfg.Duration, cfg.Bootstrap, cfg.Clients = seed, 2*time.Second, 1, 0
		cfg.Faults = schedule(t, "crash leader+2@1s")
		s := run(t, cfg)
		if len(s.Faults) != 1 {
			t.Fatalf("seed %d: %+v", seed, s.Faults)
		}
		h := s.Faults[0]
		if len(h.Nodes) != 3 || h.Nodes[0] != 1 || slices.Contains(h.Nodes[1:], 1) ||
			h.Effect != "crashed the leader 1 and "+nodeList(h.Nodes[1:])+", drawn" {
			t.Errorf("seed %d: %+v", seed, h)
		}

		cfg.Bootstrap, cfg.Faults = 0, schedule(t, "crash leader+1@0s") // nobody leads at 0
		if h := run(t, cfg).Faults[0]; len(h.Nodes) != 2 || h.Effect != "no leader: crashed "+nodeList(h.Nodes)+", drawn" {
			t.Errorf("seed %d, no leader: %+v", seed, h)
		}

		cfg.Faults, cfg.Duration = nil, 30*time.Second
		cfg.LeaderCrash = &LeaderCrash{After: time.Second, Stale: 2, Stop: true}
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		s, err = c.Run()
		if err != nil {
			t.Fatal(err)
		}
		lead := c.scenario.leader
		if len(s.Faults) != 1 || s.Faults[0].Fault != "leader-crash scenario, after 1s" ||
			!slices.Equal(s.Faults[0].Nodes, []uint64{lead}) || s.Faults[0].AtMS < 1000 {
			t.Errorf("seed %d, scenario: %+v (leader %d)", seed, s.Faults, lead)
		}
		cfg.LeaderCrash = nil
	}
}

// TestFaultTimelineBound: a long crash-recovery run lists its first maxTimeline faults and counts the
// rest, so the summary does not grow with simulated time.
func TestFaultTimelineBound(t *testing.T) {
	cfg := Default()
	cfg.Duration, cfg.Clients = 10*time.Second, 0
	cfg.CrashRecovery = &CrashRecovery{MTTF: latency.MustParse("const:2ms"), MTTR: latency.MustParse("const:2ms")}
	s := run(t, cfg)
	if len(s.Faults) != maxTimeline || s.FaultsTotal < 2*maxTimeline {
		t.Fatalf("%d faults listed of %d, want %d of more than %d", len(s.Faults), s.FaultsTotal, maxTimeline, 2*maxTimeline)
	}
	for i := 1; i < len(s.Faults); i++ {
		if s.Faults[i].AtMS < s.Faults[i-1].AtMS {
			t.Fatalf("fault %d at %vms before fault %d at %vms", i, s.Faults[i].AtMS, i-1, s.Faults[i-1].AtMS)
		}
	}
}

func TestNullFloat(t *testing.T) {
	tests := []struct {
		f    NullFloat
		json string
	}{
		{NullFloat(math.NaN()), "null"},
		{0, "0"},
		{1.5, "1.5"},
		{11995.908, "11995.908"},
		{1e21, "1e+21"},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.f)
		if err != nil || string(b) != tt.json {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tt.f, b, err, tt.json)
		}
		var back NullFloat
		if err := json.Unmarshal(b, &back); err != nil || back.Valid() != tt.f.Valid() || tt.f.Valid() && back != tt.f {
			t.Errorf("Unmarshal(%s) = %v, %v; want %v", b, back, err, tt.f)
		}
	}
	var f NullFloat
	if err := json.Unmarshal([]byte(`"x"`), &f); err == nil {
		t.Error("Unmarshal of a string succeeded")
	}
}

// TestSummaryNulls: a measure with no sample is null in JSON, and one with a sample is a number.
func TestSummaryNulls(t *testing.T) {
	tests := []struct {
		name          string
		cfg           func(*Config)
		null, numbers []string // paths into the JSON object
	}{
		{"no client", func(c *Config) { c.Clients = 0 },
			[]string{"commit_latency_ms.p50", "commit_latency_ms.p90", "commit_latency_ms.p99", "commit_latency_ms.p999",
				"commit_latency_ms.max", "commit_latency_ms.mean", "last_commit_ms", "election_downtime.mean_ms",
				"election_downtime.max_ms", "election_downtime.terms_per_election"},
			[]string{"availability", "availability_after", "election_downtime.count", "election_downtime.terms"}},
		{"writes and a leader crash", func(c *Config) { c.Faults = schedule(t, "crash leader@1s") },
			nil,
			[]string{"commit_latency_ms.p50", "commit_latency_ms.mean", "last_commit_ms", "election_downtime.mean_ms",
				"election_downtime.max_ms", "election_downtime.terms_per_election", "availability", "availability_after"}},
		{"stopped before measure_from", func(c *Config) {
			c.Clients, c.Duration, c.MeasureFrom = 0, 30*time.Second, 20*time.Second
			c.LeaderCrash = &LeaderCrash{After: time.Second, Stop: true}
		},
			[]string{"availability_after", "last_commit_ms"},
			[]string{"availability", "election_downtime.mean_ms"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Default()
			cfg.Duration, cfg.Bootstrap = 3*time.Second, 1
			tt.cfg(&cfg)
			s := run(t, cfg)
			b, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			var obj map[string]any
			if err := json.Unmarshal(b, &obj); err != nil {
				t.Fatal(err)
			}
			get := func(path string) (any, bool) {
				var v any = obj
				for _, k := range strings.Split(path, ".") {
					m, ok := v.(map[string]any)
					if !ok {
						return nil, false
					}
					if v, ok = m[k]; !ok {
						return nil, false
					}
				}
				return v, true
			}
			for _, p := range tt.null {
				if v, ok := get(p); !ok || v != nil {
					t.Errorf("%s = %v (present %v), want null", p, v, ok)
				}
			}
			for _, p := range tt.numbers {
				if v, ok := get(p); !ok {
					t.Errorf("%s missing", p)
				} else if _, num := v.(float64); !num {
					t.Errorf("%s = %v, want a number", p, v)
				}
			}
			// Back from JSON, a null is NaN again.
			var back Summary
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if back.LastCommitMS.Valid() != s.LastCommitMS.Valid() || back.CommitLatencyMS.P50.Valid() != s.CommitLatencyMS.P50.Valid() {
				t.Errorf("round trip: %+v, want %+v", back, s)
			}
		})
	}
}

// TestSummaryDocumented: docs/summary.md names every key of the JSON summary, so a field added without
// its documentation fails here.
func TestSummaryDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/summary.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for typ.Kind() == reflect.Slice || typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct {
			return
		}
		for i := range typ.NumField() {
			f := typ.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			path := name
			if prefix != "" {
				path = prefix + "." + name
			}
			// A key is documented in full (`client_ops.ok`), or as a sibling of the row's first key
			// (`.p90`), or as a key of a list's entries (`at_ms`).
			if !strings.Contains(text, "`"+path) && !strings.Contains(text, "`."+name+"`") &&
				!strings.Contains(text, "`"+name+"`") {
				t.Errorf("docs/summary.md does not document %s", path)
			}
			if f.Type.Kind() != reflect.Map {
				walk(path, f.Type)
			}
		}
	}
	walk("", reflect.TypeFor[Summary]())
	for _, class := range ClassNames {
		if !strings.Contains(text, "`"+class+"`") {
			t.Errorf("docs/summary.md does not name the traffic class %s", class)
		}
	}
	for _, reason := range []string{"loss", "cut", "unreachable", "down", "scenario"} {
		if !strings.Contains(text, "`dropped."+reason+"`") {
			t.Errorf("docs/summary.md does not document dropped.%s", reason)
		}
	}
}
