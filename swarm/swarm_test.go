package swarm

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

var seeds = flag.Uint64("swarm.seeds", 300, "how many seeds TestSwarm checks")

// TestDraw: a world is a function of its seed, and seeds differ.
func TestDraw(t *testing.T) {
	for seed := uint64(1); seed <= 50; seed++ {
		a, b := Draw(seed), Draw(seed)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("seed %d drew two worlds:\n%s\n%s", seed, a.String(), b.String())
		}
		if c := Draw(seed + 1); a.String() == c.String() {
			t.Fatalf("seeds %d and %d drew the same world", seed, seed+1)
		}
	}
}

// TestWorldsParse: every world the generator draws is one the spec parser accepts (a refused world is
// a RunError failure of the check, the generator's bug), and one it does not warn of, over more seeds
// than the check's own tests run.
func TestWorldsParse(t *testing.T) {
	n := uint64(5000)
	if testing.Short() {
		n = 1000
	}
	for seed := uint64(1); seed <= n; seed++ {
		w := Draw(seed)
		cfg, err := w.Config()
		if err != nil {
			t.Fatalf("%v\nworld: %s", err, w.String())
		}
		// Within Raft's assumptions: no clock outside the lease's drift bound, no heartbeat at or
		// above the election timeout (a racy world breaks only broadcastTime << electionTimeout).
		if ws := cfg.Warnings(); len(ws) > 0 {
			t.Fatalf("seed %d: the world warns: %q\nworld: %s", seed, ws, w.String())
		}
	}
}

// TestWorldsCover: over the seeds the CI check runs, the worlds reach every size, network, fault kind,
// protocol option and workload the issue lists: a setting drawn but never reached is not being tested.
func TestWorldsCover(t *testing.T) {
	seen := map[string]int{}
	for seed := uint64(1); seed <= 2000; seed++ {
		w := Draw(seed)
		nodes, _ := w.Get("nodes")
		seen["nodes="+nodes]++
		if w.Racy {
			seen["racy"]++
		}
		seen["family="+w.Family]++
		for _, s := range w.Settings {
			seen[s.Name]++
			switch s.Name {
			case "topology", "regions", "pre_vote", "read_mode", "replace_mode", "vote_write", "voter_timer", "heartbeat_reply", "check_quorum":
				seen[s.Name+"="+s.Text]++
			case "crash", "isolate", "pause", "disk-stall", "disk-slow":
				if strings.HasPrefix(s.Text, "leader") || strings.HasPrefix(s.Text, "follower") {
					seen[s.Name+" by role"]++
				}
			}
		}
	}
	want := []string{"racy", "topology=star", "topology=ring", "topology=line", "regions=aws3", "regions=aws5",
		"loss", "dup", "reorder", "flap.up", "crash", "restart", "partition", "heal", "cut", "restore", "isolate",
		"pause", "disk-stall", "disk-slow", "filter", "transfer", "add", "remove", "replace", "replace_mode=direct",
		"crash by role", "isolate by role", "pause by role", "clock_drift", "node", "snapshot_entries",
		"pre_vote=false", "pre_vote=thesis", "pre_vote=etcd", "check_quorum=true", "check_quorum=false",
		"read_mode=read_index", "read_mode=lease", "read_mode=follower", "arrival_rate", "think", "key_zipf",
		"client_retry", "vote_write=before_send", "voter_timer=on_durable", "vote_write_holds_timer",
		"heartbeat_reply=at_once", "max_batch", "max_inflight", "timer_jitter", "heartbeat", "repair",
		"family=", "family=figure8", "family=lease-edge"}
	for n := 1; n <= 9; n++ {
		want = append(want, fmt.Sprintf("nodes=%d", n))
	}
	for _, k := range want {
		if seen[k] < 5 {
			t.Errorf("%s: in %d of 2000 worlds, want at least 5", k, seen[k])
		}
	}
}

// TestRunReplays: a world run twice gives the same summary and the same trace, byte for byte.
func TestRunReplays(t *testing.T) {
	for _, seed := range []uint64{3, 17, 101} {
		var out [2][]byte
		for i := range out {
			var trace bytes.Buffer
			res, err := Run(context.Background(), Draw(seed), Options{Trace: &trace})
			if err != nil {
				t.Fatal(err)
			}
			sum, _ := json.Marshal(res.Summary)
			out[i] = append(append(sum, '\n'), trace.Bytes()...)
		}
		if !bytes.Equal(out[0], out[1]) {
			t.Errorf("seed %d: two runs differ", seed)
		}
	}
}

// TestCheckWorkers: the results, seed by seed, do not depend on the workers.
func TestCheckWorkers(t *testing.T) {
	collect := func(workers int) []string {
		var got []string
		_, err := Check(context.Background(), Plan{From: 40, Seeds: 24, Workers: workers}, func(r *Result) {
			sum, _ := json.Marshal(r.Summary)
			got = append(got, fmt.Sprintf("%d %s %s %s %d %s", r.Seed, r.Fail, r.Reason, r.Linearize, r.Ops, sum))
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	a, b := collect(1), collect(3)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("1 worker and 3 workers gave different results")
	}
	if len(a) != 24 || !strings.HasPrefix(a[0], "40 ") || !strings.HasPrefix(a[23], "63 ") {
		t.Fatalf("results for the wrong seeds or out of order: %d, first %.10q", len(a), a[0])
	}
}

// TestCheckInterrupted: a cancelled check returns the context's error and a report of the seeds it
// finished, in order from the first.
func TestCheckInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	rep, err := Check(ctx, Plan{From: 1, Seeds: 1000, Workers: 2}, func(*Result) {
		if n++; n == 5 {
			cancel()
		}
	})
	if err == nil || rep.Seeds < 5 || rep.Seeds >= 1000 {
		t.Fatalf("err %v, %d seeds", err, rep.Seeds)
	}
}

// TestSwarm: seeds 1..300 (-swarm.seeds N for more; `make test` runs 2,000 through the command) pass:
// no safety violation, liveness within the bound, every history linearizable or, at worst, unknown.
func TestSwarm(t *testing.T) {
	n := *seeds
	if testing.Short() {
		n = 100
	}
	rep, err := Check(context.Background(), Plan{From: 1, Seeds: n}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Failed {
		t.Errorf("seed %d: %s: %s (replay: raftsim replay %d)", r.Seed, r.Fail, r.Reason, r.Seed)
	}
	if rep.Ops == 0 || rep.Simulated == 0 {
		t.Fatalf("nothing checked: %+v", rep)
	}
	t.Logf("%d seeds, %d unknown, %v simulated, %d operations", rep.Seeds, rep.Unknown, rep.Simulated, rep.Ops)
}

// TestCheckMaxFailures: a check that stops at its second failure covers the seeds up to it in seed
// order, whatever the workers, and is not an interruption.
func TestCheckMaxFailures(t *testing.T) {
	bad := map[uint64]bool{7: true, 13: true, 20: true}
	world := func(seed uint64) World {
		w := Draw(seed)
		if bad[seed] {
			w.Settings = append(w.Settings, Setting{"nodes", "0"}) // refused: a RunError failure
		}
		return w
	}
	for _, workers := range []int{1, 3} {
		rep, err := Check(context.Background(), Plan{From: 1, Seeds: 50, Workers: workers, MaxFailures: 2, World: world}, nil)
		if err != nil || rep.Seeds != 13 || rep.FailedSeeds() != 2 || rep.Failures[RunError] != 2 || rep.Failed[1].Seed != 13 {
			t.Fatalf("workers %d: err %v, %d seeds, failures %v", workers, err, rep.Seeds, rep.Failures)
		}
	}
}

// TestFamilies: each corner family draws the corner its doc names, and no general world is touched by
// the pick of a family (the pick has a stream of its own: a general world is the one drawn before the
// families were added).
func TestFamilies(t *testing.T) {
	counts := map[string]int{}
	for seed := uint64(1); seed <= 5000; seed++ {
		w := Draw(seed)
		counts[w.Family]++
		get := func(name string) string { v, _ := w.Get(name); return v }
		switch w.Family {
		case "figure8":
			if !w.Racy || w.Repair != 0 || get("pre_vote") != "false" || get("check_quorum") != "false" || get("max_batch") != "1" {
				t.Fatalf("seed %d: figure8 world %s", seed, w.String())
			}
		case "lease-edge":
			if w.Racy || w.Bound == 0 || get("read_mode") != "lease" || get("check_quorum") != "true" || get("clock_drift") < "0.3" {
				t.Fatalf("seed %d: lease-edge world %s", seed, w.String())
			}
			isolations := 0
			for _, s := range w.Settings {
				if s.Name == "isolate" {
					isolations++
				}
			}
			if isolations == 0 {
				t.Errorf("seed %d: a lease-edge world without an isolation: %s", seed, w.String())
			}
		case "":
		default:
			t.Fatalf("seed %d: unknown family %q", seed, w.Family)
		}
	}
	for _, f := range families {
		if got, want := float64(counts[f.name])/5000, f.share; got < want/2 || got > want*2 {
			t.Errorf("family %s: %.3f of the seeds, want about %.2f", f.name, got, want)
		}
	}
}
