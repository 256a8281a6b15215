package spec

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/raftsim/raftsim/experiments"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// specFiles are the example specs in testdata/specs.
func specFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/specs/*.yaml")
	if err != nil || len(files) < 4 {
		t.Fatalf("testdata/specs: %v, %d files", err, len(files))
	}
	return files
}

// value is a spec without what is not part of its value.
func value(s *Spec) Spec {
	c := *s
	c.info = nil
	return c
}

// roundTrip checks that the canonical text parses back to the same spec and plan, and is a fixed point.
func roundTrip(t testing.TB, s *Spec) {
	t.Helper()
	c1 := s.Canonical()
	s2, err := Parse(c1, s.File)
	if err != nil {
		t.Fatalf("Parse(Canonical()): %v\n%s", err, c1)
	}
	if c2 := s2.Canonical(); !bytes.Equal(c1, c2) {
		t.Fatalf("Canonical is not idempotent:\n%s\n---\n%s", c1, c2)
	}
	if !reflect.DeepEqual(value(s), value(s2)) {
		t.Fatalf("Parse(Canonical()) differs:\n got %+v\nwant %+v", value(s2), value(s))
	}
	p1, err1 := s.Plan()
	p2, err2 := s2.Plan()
	if err1 != nil || err2 != nil {
		t.Fatalf("Plan: %v, %v", err1, err2)
	}
	if !reflect.DeepEqual(p1, p2) {
		t.Fatalf("the plans differ")
	}
}

func TestCanonicalRoundTrip(t *testing.T) {
	for _, f := range specFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			s, err := Load(f)
			if err != nil {
				t.Fatal(err)
			}
			roundTrip(t, s)
		})
	}
}

// TestCanonicalGolden pins the canonical text of the example specs: it is what manifests store and
// hash, so any change to it is a change to every experiment's identity. Run with -update to accept one.
func TestCanonicalGolden(t *testing.T) {
	for _, f := range specFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			s, err := Load(f)
			if err != nil {
				t.Fatal(err)
			}
			got := s.Canonical()
			golden := filepath.Join("testdata", "golden", filepath.Base(f))
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Canonical differs from %s (run with -update if intended):\n%s", golden, got)
			}
		})
	}
}

// TestCanonicalDeterministic: the same spec parsed many times, concurrently, gives the same text.
func TestCanonicalDeterministic(t *testing.T) {
	for _, f := range specFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want := mustParse(t, string(data), f).Canonical()
		var wg sync.WaitGroup
		got := make([][]byte, 8)
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := Parse(data, f)
				if err == nil {
					got[i] = s.Canonical()
				}
			}()
		}
		wg.Wait()
		for i, g := range got {
			if !bytes.Equal(g, want) {
				t.Errorf("%s: parse %d gave another canonical text", f, i)
			}
		}
	}
}

// TestCanonicalSpellings: specs that mean the same have the same canonical text and hash, whatever the
// key order, the spelling of values, or whether defaults are written out.
func TestCanonicalSpellings(t *testing.T) {
	a := `name: x
trials: 3
cluster:
  election_timeout: 150ms:300ms
  latency: uniform:500us:1500us
axes:
  - {param: heartbeat, from: 50ms, to: 100ms, step: 25ms}
`
	b := `# comments do not count
axes:
  - {step: 0.025s, to: 0.1s, from: 50000us, param: heartbeat}
cluster:
  latency: "uniform:0.5ms:1.5ms"
  election_timeout: 0.15s:0.3s
  bandwidth: 125MB/s
  nodes: 5
scenario: {faults: 0, leader_crash: null}
trials: 3
seed: 1
name: x
`
	pa, pb := mustPlan(t, mustParse(t, a, "")), mustPlan(t, mustParse(t, b, ""))
	if !bytes.Equal(pa.Spec, pb.Spec) || pa.SpecSHA256 != pb.SpecSHA256 {
		t.Errorf("same spec, different canonical text:\n%s\n---\n%s", pa.Spec, pb.Spec)
	}
	c := strings.Replace(a, "trials: 3", "trials: 4", 1)
	if pc := mustPlan(t, mustParse(t, c, "")); pc.SpecSHA256 == pa.SpecSHA256 {
		t.Errorf("different specs, same hash")
	}
}

func TestWithSeedAndTrials(t *testing.T) {
	s := mustParse(t, "name: x\nseed: 3\ntrials: 2\n", "")
	s2 := s.WithSeed(42)
	s3, err := s2.WithTrials(7)
	if err != nil {
		t.Fatal(err)
	}
	if s.Seed != 3 || s.Trials != 2 {
		t.Errorf("the original changed: seed %d trials %d", s.Seed, s.Trials)
	}
	back := mustParse(t, string(s3.Canonical()), "")
	if back.Seed != 42 || back.Trials != 7 {
		t.Errorf("canonical text of the overrides reads back as seed %d trials %d", back.Seed, back.Trials)
	}
	if _, err := s.WithTrials(0); err == nil || err.Error() != "spec: trials: 0: want 1 to 1000000" {
		t.Errorf("WithTrials(0): %v", err)
	}
}

// TestTrialSeedStability: a point's key and trial seeds depend on its coordinates only, so adding
// values to an axis, reordering them, or changing the trial count leaves every other point's alone.
func TestTrialSeedStability(t *testing.T) {
	base := `name: x
trials: 3
scenario: {crash_at: 1s}
axes:
  - {param: nodes, values: [3, 5]}
  - {param: faults, from: 0, to: nodes}
  - {param: election_timeout, values: ["150ms:300ms", "150ms:150ms"]}
`
	grown := strings.NewReplacer("values: [3, 5]", "values: [7, 5, 4, 3]",
		`"150ms:300ms", "150ms:150ms"`, `"150ms:151ms", "0.15s:0.3s", "150ms:150ms"`, "trials: 3", "trials: 5").Replace(base)
	pa, pb := mustPlan(t, mustParse(t, base, "")), mustPlan(t, mustParse(t, grown, ""))
	byKey := map[string]*experiments.Point{}
	for i := range pb.Points {
		byKey[pb.Points[i].Key()] = &pb.Points[i]
	}
	seeds := map[uint64]string{}
	for i := range pa.Points {
		p := &pa.Points[i]
		q, ok := byKey[p.Key()]
		if !ok {
			t.Fatalf("point %s is gone", p.Key())
		}
		if !reflect.DeepEqual(p.Config, q.Config) {
			t.Errorf("point %s: the configuration changed", p.Key())
		}
		for k := range 3 {
			sa, sb := experiments.TrialSeed(pa.Seed, p, k), experiments.TrialSeed(pb.Seed, q, k)
			if sa != sb {
				t.Errorf("point %s trial %d: seed %d became %d", p.Key(), k, sa, sb)
			}
			if other, dup := seeds[sa]; dup {
				t.Errorf("point %s trial %d has the seed of %s", p.Key(), k, other)
			}
			seeds[sa] = p.Key()
		}
	}
	if len(pb.Points) <= len(pa.Points) {
		t.Errorf("the grown sweep has %d points, the base %d", len(pb.Points), len(pa.Points))
	}
}

// TestDetached: a canonical text stored apart from its topology file still parses and plans.
func TestDetached(t *testing.T) {
	s, err := Load("testdata/specs/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	canon := s.Canonical()
	if _, err := Parse(canon, "results/manifest.yaml"); err == nil {
		t.Fatalf("Parse found the topology file relative to results/")
	}
	d, err := ParseDetached(canon, "results/manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(d.Canonical(), canon) {
		t.Errorf("the detached spec's canonical text differs")
	}
	p, err := d.Plan()
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Points[0].Config.Topology; got != filepath.FromSlash("topologies/five.yaml") {
		t.Errorf("topology %q", got)
	}
}
