package swarm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/experiments/results"
	"github.com/raftsim/raftsim/safety/linearize"
)

func TestShardSeedsPartition(t *testing.T) {
	for _, tc := range []struct {
		from, seeds uint64
		n           int
	}{{1, 1, 1}, {1, 300, 3}, {1, 300, 7}, {5, 2, 7}, {1, 1000, 64}, {1, math.MaxUint64, 3}, {math.MaxUint64 - 9, 10, 4}} {
		t.Run(fmt.Sprintf("%d+%d/%d", tc.from, tc.seeds, tc.n), func(t *testing.T) {
			next, least, most := tc.from, uint64(math.MaxUint64), uint64(0)
			for i := 1; i <= tc.n; i++ {
				from, seeds := ShardSeeds(tc.from, tc.seeds, i, tc.n)
				if from != next {
					t.Fatalf("shard %d starts at %d, want %d (a gap or an overlap)", i, from, next)
				}
				next = from + seeds
				least, most = min(least, seeds), max(most, seeds)
			}
			if next != tc.from+tc.seeds || most-least > 1 {
				t.Errorf("shards end at %d, want %d; sizes %d to %d", next, tc.from+tc.seeds, least, most)
			}
		})
	}
}

// fakeResults are results for seeds from..from+n-1 with failures of every kind (more than MaxFailed
// in all) and unknowns, as a check's progress callback sees them.
func fakeResults(from, n uint64) []Result {
	var out []Result
	for s := from; s < from+n; s++ {
		r := Result{Seed: s, Ops: int(s % 13), Simulated: time.Duration(s) * time.Millisecond, Events: s * 3}
		switch {
		case s%3 == 0:
			r.Fail, r.Reason = Kinds[s%uint64(len(Kinds))], fmt.Sprintf("reason %d", s)
		case s%7 == 0:
			r.Linearize = linearize.Unknown
		}
		out = append(out, r)
	}
	return out
}

func reportOf(rs []Result, from, seeds uint64, shard *ReportShard) *ReportFile {
	rep := Report{From: rs[0].Seed, Failures: map[Kind]uint64{}}
	var rec ReportRecorder
	for i := range rs {
		rep.add(&rs[i])
		rec.Add(&rs[i])
	}
	return rec.Report(&rep, from, seeds, shard, results.Build{Revision: "abc", Deps: map[string]string{}}, 10*time.Second, nil)
}

func encode(t *testing.T, f *ReportFile) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func shardReports(from, seeds uint64, n int) []*ReportFile {
	all := fakeResults(from, seeds)
	var out []*ReportFile
	for i := 1; i <= n; i++ {
		f, s := ShardSeeds(from, seeds, i, n)
		out = append(out, reportOf(all[f-from:f-from+s], from, seeds, &ReportShard{Index: i, Count: n, From: f, Seeds: s}))
	}
	return out
}

// TestMergeReportsIsTheWholeReport: the shards' reports (1, 3 and 7 of them) merge to the bytes of the
// whole check's report, failures past MaxFailed and unknowns included; a report survives a write and
// a read.
func TestMergeReportsIsTheWholeReport(t *testing.T) {
	const from, seeds = 11, 700
	whole := encode(t, reportOf(fakeResults(from, seeds), from, seeds, nil))
	for _, n := range []int{1, 3, 7} {
		reps := shardReports(from, seeds, n)
		names := make([]string, n)
		for i := range names {
			names[i] = fmt.Sprintf("r%d.json", i+1)
		}
		m, err := MergeReports(reps, names)
		if err != nil {
			t.Fatal(err)
		}
		if got := encode(t, m); !bytes.Equal(got, whole) {
			t.Errorf("%d shards: merged report differs:\n%s\nwant\n%s", n, got, whole)
		}
		if m.FailedSeeds() != seeds/3 || len(m.Failed) != MaxFailed {
			t.Errorf("%d failed, %d listed", m.FailedSeeds(), len(m.Failed))
		}
	}
	path := filepath.Join(t.TempDir(), "r.json")
	want := reportOf(fakeResults(from, seeds), from, seeds, nil)
	if err := WriteReport(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadReport(path)
	if err != nil || !bytes.Equal(encode(t, got), whole) {
		t.Errorf("read back: %v", err)
	}
	if _, err := ReadReport(filepath.Join(t.TempDir(), "none.json")); !errors.Is(err, ErrNoReport) {
		t.Errorf("missing report: %v", err)
	}
}

func TestMergeReportsRefuses(t *testing.T) {
	three := shardReports(1, 300, 3)
	other := shardReports(1, 301, 3)
	four := shardReports(1, 300, 4)
	whole := reportOf(fakeResults(1, 300), 1, 300, nil)
	timeout := *three[1]
	timeout.LinearizeTimeout = "1s"
	built := *three[1]
	built.Build = results.Build{Revision: "def"}
	for _, tc := range []struct {
		name    string
		reports []*ReportFile
		words   []string
	}{
		{"missing", []*ReportFile{three[0], three[2]}, []string{"shard 2/3 is missing", "seeds 101 to 200"}},
		{"duplicated", []*ReportFile{three[0], three[1], three[1], three[2]}, []string{"b.json", "given twice"}},
		{"other seeds", []*ReportFile{three[0], other[1], three[2]}, []string{"b.json", "another check"}},
		{"other N", []*ReportFile{three[0], four[1], three[2]}, []string{"b.json", "same --shard"}},
		{"whole check", []*ReportFile{three[0], whole, three[2]}, []string{"b.json", "whole check"}},
		{"other timeout", []*ReportFile{three[0], &timeout, three[2]}, []string{"b.json", "--linearize-timeout 1s"}},
		{"other build", []*ReportFile{three[0], &built, three[2]}, []string{"b.json", "revision def"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			names := []string{"a.json", "b.json", "c.json", "d.json"}[:len(tc.reports)]
			_, err := MergeReports(tc.reports, names)
			var me *MergeError
			if !errors.As(err, &me) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err = %v", err)
			}
			for _, w := range tc.words {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not say %q", err, w)
				}
			}
		})
	}
}
