package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/raft"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestPrintSummaryGolden: the summary for a reader, for runs that exercise each of its lines, against
// golden files in testdata/summary (go test ./cmd/raftsim -run TestPrintSummaryGolden -update rewrites
// them).
func TestPrintSummaryGolden(t *testing.T) {
	mustParse := func(f func(string, int) ([]fault.Event, error), s string) []fault.Event {
		evs, err := f(s, 5)
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}
	tests := []struct {
		name string
		cfg  func(*cluster.Config)
	}{
		// Issue 6's example: a partition with a stale leader in the minority, then a heal.
		{"partition", func(c *cluster.Config) {
			c.Duration, c.Bootstrap = 12*time.Second, 1
			c.Faults = append(mustParse(fault.ParsePartition, "5s:1,2|3,4,5"), fault.Event{At: 10 * time.Second, Kind: fault.Heal})
		}},
		// Faults with and without effect, PreVote, an unfinished election, the safety check.
		{"faults", func(c *cluster.Config) {
			c.Duration, c.PreVote, c.Check = 12*time.Second, raft.PreVoteThesis, true
			c.Faults = append(c.Faults, mustParse(fault.ParseCrash, "leader@0s,leader+1@5s,2@6s")...)
			c.Faults = append(c.Faults, mustParse(fault.ParseRestart, "3@7s")...)
			c.Faults = append(c.Faults, mustParse(fault.ParsePartition, "9s:1,2|3,4,5")...)
			c.Faults = append(c.Faults, fault.Event{At: 10 * time.Second, Kind: fault.Heal}, fault.Event{At: 11 * time.Second, Kind: fault.Heal})
			c.Faults = append(c.Faults, mustParse(fault.ParseIsolate, "4@11500ms")...)
			fault.Sort(c.Faults)
		}},
		// No client: no latency and no last write; a few kB.
		{"idle", func(c *cluster.Config) { c.Nodes, c.Duration, c.Clients = 3, time.Second, 0 }},
		// The leader-crash scenario: a measured election, messages withheld, 234 messages in 15 kB.
		{"leader-crash", func(c *cluster.Config) {
			c.Clients, c.Heartbeat = 0, 0
			c.LeaderCrash = &cluster.LeaderCrash{After: 2 * time.Second, Stale: 2, Stop: true}
		}},
		// Crash-recovery faults: more than the timeline shows.
		{"crash-recovery", func(c *cluster.Config) {
			c.Duration = 30 * time.Second
			c.CrashRecovery = &cluster.CrashRecovery{MTTF: latency.MustParse("exp:2s"), MTTR: latency.MustParse("exp:1s")}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := cluster.Default()
			tt.cfg(&cfg)
			c, err := cluster.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			s, err := c.Run()
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			printSummary(&out, &s, cfg)
			golden(t, filepath.Join("testdata", "summary", tt.name+".txt"), out.Bytes())
		})
	}
}

// TestPrintSummaryEdges: summaries no short run produces: a run that ended at 0, gigabytes, an election
// measured and another unfinished, a violation.
func TestPrintSummaryEdges(t *testing.T) {
	nan := cluster.NullFloat(math.NaN())
	s := cluster.Summary{
		Seed: 3, Nodes: 7, Events: 1234567, Availability: nan, AvailabilityAfter: nan, LastCommitMS: nan,
		CommitLatencyMS: cluster.Latency{P50: nan, P90: nan, P99: nan, P999: nan, Max: nan, Mean: nan},
		ElectionDowntime: cluster.Downtime{Count: 2, Unfinished: 1, MeanMS: 0.25, MaxMS: 1500.4, TermsPerElection: 1.5,
			Terms: 3},
		Messages: 12345678, Bytes: 4_500_000_000, Elections: 9, LeaderChanges: 2, MaxTerm: 9,
		Dropped:    map[string]uint64{"loss": 1, "cut": 0, "unreachable": 2, "down": 3000, "scenario": 0},
		Violations: 1, Violation: "safety: Election Safety: two leaders in term 3",
		Faults: []cluster.FaultHit{{AtMS: 0, Fault: "crash leader@0s", Nodes: []uint64{}, Effect: "no effect: no node was up"}},
	}
	s.FaultsTotal = 1
	var out bytes.Buffer
	printSummary(&out, &s, cluster.Config{Check: true})
	golden(t, filepath.Join("testdata", "summary", "edges.txt"), out.Bytes())
}

func TestDuration(t *testing.T) {
	for ms, want := range map[float64]string{
		0: "0s", 0.0004: "0s", 0.25: "250µs", 4.882: "4.882ms", 48.5694: "48.569ms", 507.7123: "507.712ms",
		999.9994: "999.999ms", 1000: "1s", 11995.908: "11.996s", 150000.4: "2m30s",
	} {
		if got := duration(ms); got != want {
			t.Errorf("duration(%v) = %q, want %q", ms, got, want)
		}
	}
}

// TestRunJSONNull: through the command, a measure with no sample is null, and a fault reads as
// written.
func TestRunJSONNull(t *testing.T) {
	r := raftsim(t, nil, "run", "--duration", "1s", "--clients", "0", "--cut", "500ms:1->2", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{`"last_commit_ms":null`, `"p50":null`, `"mean_ms":null`, `"fault":"cut 500ms:1->2"`,
		`"nodes":[1,2]`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("no %s in %s", want, r.stdout)
		}
	}
	var s cluster.Summary
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil || s.LastCommitMS.Valid() || !s.Availability.Valid() {
		t.Errorf("read back: %v, last commit %v, availability %v", err, s.LastCommitMS, s.Availability)
	}
}

// golden compares got with the file at path, or rewrites the file with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run %s -update writes it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n--- got\n%s--- want\n%s", path, got, want)
	}
}
