package swarm

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// validShard is the report of shard 1/2 of a check of 20 seeds from 1 (seeds 1 to 10) with one failed
// and one unknown seed, as raftsim check --shard 1/2 --report writes it.
func validShard() *ReportFile {
	f := &ReportFile{Kind: ReportKind, Version: ReportVersion, Shard: &ReportShard{Index: 1, Count: 2, From: 1, Seeds: 10},
		From: 1, Seeds: 20, LinearizeTimeout: "10s", Mutate: []string{}, Failures: map[Kind]uint64{},
		Failed: []ReportFailure{{Seed: 4, Kind: Safety, Reason: "two leaders"}}, Unknown: 1, UnknownSeeds: []uint64{7},
		SimulatedNS: 1e9, Events: 100, Ops: 10}
	for _, k := range Kinds {
		f.Failures[k] = 0
	}
	f.Failures[Safety] = 1
	return f
}

// TestReadReportRefusesDamage: a hand-edited or damaged report is refused by ReadReport with an error
// that names the field, never a panic (a shard count of 0 divided by zero in ShardSeeds) nor a merged
// report that contradicts itself (failures with no failed seed, a seed outside the check).
func TestReadReportRefusesDamage(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		edit       func(f *ReportFile)
	}{
		{"count 0", "shard: 0 shards", func(f *ReportFile) { f.Shard.Count = 0 }},
		{"count -1", "shard: -1 shards", func(f *ReportFile) { f.Shard.Count = -1 }},
		{"index 0", "shard: shard 0 of 2", func(f *ReportFile) { f.Shard.Index = 0 }},
		{"index -1", "shard: shard -1 of 2", func(f *ReportFile) { f.Shard.Index = -1 }},
		{"index past count", "shard: shard 3 of 2", func(f *ReportFile) { f.Shard.Index = 3 }},
		{"shard seeds", "not the shard's", func(f *ReportFile) { f.Shard.Seeds = 11 }},
		{"seeds overflow", "the seeds pass", func(f *ReportFile) { f.From = math.MaxUint64 - 5 }},
		{"failures without seeds", "failed: 0 seeds listed, want 1", func(f *ReportFile) { f.Failed = nil }},
		{"failures count", "failed: 1 seeds listed, want 3", func(f *ReportFile) { f.Failures[Liveness] = 2 }},
		{"failures past seeds", "failures: more failed seeds", func(f *ReportFile) { f.Failures[Liveness] = math.MaxUint64 }},
		{"unknown kind count", `failures: unknown kind "bogus"`, func(f *ReportFile) { f.Failures["bogus"] = 0 }},
		{"missing kind", "failures: no count of", func(f *ReportFile) { delete(f.Failures, Liveness) }},
		{"failed kind", `failed[0]: unknown kind "x"`, func(f *ReportFile) { f.Failed[0].Kind = "x" }},
		{"failed seed outside", "failed[0]: seed 999 is not one of", func(f *ReportFile) { f.Failed[0].Seed = 999 }},
		{"failed seed of the other shard", "failed[0]: seed 11 is not one of", func(f *ReportFile) { f.Failed[0].Seed = 11 }},
		{"failed twice", "failed[1]: seed 4 is not after seed 4", func(f *ReportFile) {
			f.Failures[Safety] = 2
			f.Failed = append(f.Failed, f.Failed[0])
		}},
		{"unknown past seeds", "unknown 10: more than", func(f *ReportFile) { f.Unknown = 10 }},
		{"unknown seeds count", "unknown_seeds: 0 seeds listed, want 1", func(f *ReportFile) { f.UnknownSeeds = nil }},
		{"unknown seed outside", "unknown_seeds[0]: seed 0 is not one of", func(f *ReportFile) { f.UnknownSeeds[0] = 0 }},
		{"negative simulated", "simulated_ns -5", func(f *ReportFile) { f.SimulatedNS = -5 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := validShard()
			tc.edit(f)
			path := filepath.Join(t.TempDir(), "r.json")
			b, err := json.Marshal(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = ReadReport(path)
			if !errors.Is(err, ErrNoReport) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ReadReport = %v, want ErrNoReport saying %q", err, tc.want)
			}
		})
	}
	// The valid one is read: the checks above refuse only what raftsim check cannot write.
	path := filepath.Join(t.TempDir(), "r.json")
	if err := WriteReport(path, validShard()); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadReport(path); err != nil {
		t.Fatalf("a valid report: %v", err)
	}
}

// TestMergeReportsRefusesOverflow: totals that pass a uint64 (int64) when added are refused, not
// wrapped into a small number.
func TestMergeReportsRefusesOverflow(t *testing.T) {
	a, b := validShard(), validShard()
	b.Shard = &ReportShard{Index: 2, Count: 2, From: 11, Seeds: 10}
	b.Failed[0].Seed, b.UnknownSeeds[0] = 14, 17
	if _, err := MergeReports([]*ReportFile{a, b}, []string{"a", "b"}); err != nil {
		t.Fatalf("valid shards: %v", err)
	}
	a.Events, b.Events = math.MaxUint64, 2
	_, err := MergeReports([]*ReportFile{a, b}, []string{"a", "b"})
	var me *MergeError
	if !errors.As(err, &me) || me.Name != "b" || !strings.Contains(err.Error(), "past what a report holds") {
		t.Fatalf("MergeReports = %v, want a MergeError naming b", err)
	}
	a.Events, a.SimulatedNS, b.SimulatedNS = 1, math.MaxInt64, 1
	if _, err := MergeReports([]*ReportFile{a, b}, []string{"a", "b"}); !errors.As(err, &me) {
		t.Fatalf("MergeReports = %v, want a MergeError", err)
	}
}
