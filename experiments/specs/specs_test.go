package specs

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/experiments/figures"
	"github.com/raftsim/raftsim/experiments/results"
	"github.com/raftsim/raftsim/experiments/spec"
	"github.com/raftsim/raftsim/experiments/sweep"
)

func builtin(t *testing.T, name string) *spec.Spec {
	t.Helper()
	b, ok := Get(name)
	if !ok {
		t.Fatalf("no built-in %q", name)
	}
	s, err := spec.Parse(b, name+".yaml")
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

// TestBuiltinsParse: every built-in spec parses and plans.
func TestBuiltinsParse(t *testing.T) {
	if len(Names()) < 3 {
		t.Fatalf("built-ins: %v", Names())
	}
	for _, name := range Names() {
		s := builtin(t, name)
		if s.Name != name {
			t.Fatalf("%s.yaml is named %q", name, s.Name)
		}
		if _, err := s.Plan(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
}

// committed checks that what the sweep drew is what docs/figures holds (what the README shows): the
// README's figures and table were made by `make readme`, and must be remade when results change.
func committed(t *testing.T, dir, name string) {
	t.Helper()
	pairs := [][2]string{{filepath.Join(dir, "plots", name+".png"), filepath.Join("..", "..", "docs", "figures", name+".png")}}
	if name == "fig16-sensitivity" {
		pairs = append(pairs, [2]string{filepath.Join(dir, figures.ConsistentMD), filepath.Join("..", "..", "docs", "figures", "fig16-sensitivity-consistent.md")})
	}
	if name == "fig16" {
		pairs = append(pairs, [2]string{filepath.Join(dir, figures.ComparisonMD), filepath.Join("..", "..", "docs", "figures", "fig16-comparison.md")})
	}
	for _, p := range pairs {
		got, err := os.ReadFile(p[0])
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(p[1])
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s: the README shows stale results; run make readme", filepath.Base(p[0]), p[1])
		}
	}
}

// TestReadmeTable: the README's comparison table is docs/figures/fig16-comparison.md, verbatim.
func TestReadmeTable(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	table, err := os.ReadFile(filepath.Join("..", "..", "docs", "figures", "fig16-comparison.md"))
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- fig16-comparison:begin -->\n", "<!-- fig16-comparison:end -->"
	i, j := bytes.Index(readme, []byte(begin)), bytes.Index(readme, []byte(end))
	if i < 0 || j < i || !bytes.Equal(readme[i+len(begin):j], table) {
		t.Fatal("README.md's fig16 table is not docs/figures/fig16-comparison.md: run make readme")
	}
}

// runBuiltin runs a built-in at full size, as `make readme` does, and returns its summary table.
func runBuiltin(t *testing.T, name string) (*results.Table, string) {
	t.Helper()
	return runBuiltinTrials(t, name, 0)
}

// runBuiltinTrials runs a built-in with trials per point (0: the spec's), and holds its figures to
// docs/figures only at full size.
func runBuiltinTrials(t *testing.T, name string, trials int) (*results.Table, string) {
	t.Helper()
	s := builtin(t, name)
	full := trials == 0 || trials == s.Trials
	if trials > 0 {
		s.Trials = trials
	}
	plan, err := s.Plan()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := sweep.Run(context.Background(), plan, sweep.Options{Out: dir}); err != nil {
		t.Fatal(err)
	}
	if _, err := figures.Draw(context.Background(), s, dir); err != nil {
		t.Fatal(err)
	}
	if _, err := figures.Compare(context.Background(), s, dir); err != nil {
		t.Fatal(err)
	}
	tab, err := results.ReadTable(filepath.Join(dir, results.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	if full {
		committed(t, dir, name)
	}
	return tab, dir
}

func cell(t *testing.T, tab *results.Table, row []string, col string) float64 {
	t.Helper()
	i := tab.Index(col)
	if i < 0 {
		t.Fatalf("no column %s", col)
	}
	x, err := results.ParseNumber(row[i])
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestQuorum: availability after the crash is 1 exactly when f <= floor((n-1)/2), and 0 otherwise, for
// every n from 1 to 9 — in every trial, not only on average.
func TestQuorum(t *testing.T) {
	tab, _ := runBuiltin(t, "quorum")
	if len(tab.Rows) != 54 {
		t.Fatalf("%d points, want 54", len(tab.Rows))
	}
	for _, row := range tab.Rows {
		n, _ := strconv.Atoi(row[tab.Index("nodes")])
		f, _ := strconv.Atoi(row[tab.Index("faults")])
		want := 0.0
		if f <= (n-1)/2 {
			want = 1
		}
		lo, hi := cell(t, tab, row, "availability_after_mean"), cell(t, tab, row, "availability_after_max")
		if lo != want || hi != want || cell(t, tab, row, "availability_after_ci95") != 0 {
			t.Errorf("n=%d f=%d: availability after the crash mean %v max %v, want exactly %v in every trial", n, f, lo, hi, want)
		}
	}
}

// TestFig16: without randomness elections split and drag on; adding randomness shortens them, as the
// paper's top panel shows; and the comparison with the paper is generated.
// In -short mode it runs 300 trials per line (a tenth of the cost: the 150-150 ms line's unfinished
// elections run to the 600 s cap) and does not hold the figure to docs/figures.
func TestFig16(t *testing.T) {
	trials := 0
	if testing.Short() {
		trials = 300
	}
	tab, dir := runBuiltinTrials(t, "fig16", trials)
	p90 := map[string]float64{}
	splits := map[string]float64{}
	for _, row := range tab.Rows {
		v := row[tab.Index("election_timeout")]
		p90[v] = cell(t, tab, row, "election_downtime_ms_p90")
		splits[v] = cell(t, tab, row, "split_votes_mean")
	}
	if p90["150ms:150ms"] < 1000 {
		t.Errorf("150-150 ms: p90 downtime %v ms, want seconds (split votes)", p90["150ms:150ms"])
	}
	order := []string{"150ms:150ms", "150ms:151ms", "150ms:155ms", "150ms:175ms", "150ms:200ms"}
	for i := 1; i < len(order); i++ {
		if !(p90[order[i]] < p90[order[i-1]]) {
			t.Errorf("p90 downtime does not fall with randomness: %s %v, %s %v", order[i-1], p90[order[i-1]], order[i], p90[order[i]])
		}
	}
	if !(splits["150ms:150ms"] > splits["150ms:300ms"]) {
		t.Errorf("split votes: 150-150 %v, 150-300 %v", splits["150ms:150ms"], splits["150ms:300ms"])
	}
	md, err := os.ReadFile(filepath.Join(dir, figures.ComparisonMD))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"median 287 ms", "max 513 ms", "mean 35 ms", "max 152 ms", "median > 10000 ms"} {
		if !strings.Contains(string(md), s) {
			t.Errorf("comparison.md lacks %q:\n%s", s, md)
		}
	}
}

// TestFig16Sensitivity: the sweep runs and compares every line with the paper; writing the vote before
// sending RequestVote (LogCabin's order) with a 12 ms write makes 150-155 ms elections several times
// slower than etcd's order, and with no write at all the two orders agree. In -short mode it runs at 20
// trials per point and leaves docs/figures alone; otherwise at full size, as `make readme` does.
func TestFig16Sensitivity(t *testing.T) {
	trials := 0
	if testing.Short() {
		trials = 20
	}
	tab, dir := runBuiltinTrials(t, "fig16-sensitivity", trials)
	if len(tab.Rows) != 9*7*6 {
		t.Fatalf("%d points, want 378", len(tab.Rows))
	}
	p50 := map[string]float64{}
	for _, row := range tab.Rows {
		key := row[tab.Index("line")] + " " + row[tab.Index("fsync")] + " " + row[tab.Index("setting")]
		p50[key] = cell(t, tab, row, "election_downtime_ms_p50")
	}
	etcd, lc := p50["150-155 const:12ms etcd-stale2"], p50["150-155 const:12ms logcabin-stale2"]
	if !(lc > 3*etcd) {
		t.Errorf("150-155 ms, 12 ms write: median %v ms with LogCabin's order, %v with etcd's; want LogCabin's several times slower", lc, etcd)
	}
	etcd0, lc0 := p50["150-155 const:0s etcd-stale2"], p50["150-155 const:0s logcabin-stale2"]
	if math.Abs(lc0-etcd0) > 0.25*etcd0 {
		t.Errorf("150-155 ms, no write: median %v ms with LogCabin's order, %v with etcd's; want them close", lc0, etcd0)
	}
	md, err := os.ReadFile(filepath.Join(dir, figures.ConsistentMD))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"| 150-155 | median 287 ms |", "| 12-24 | median 30 ms |", "| 150-151 | median 1198 ms |"} {
		if !strings.Contains(string(md), s) {
			t.Errorf("consistent.md lacks %q", s)
		}
	}
}

// TestTradeoff: under crash-recovery faults a larger cluster is more available but never more than the
// binomial prediction (which assumes no election downtime); it costs bytes per write.
func TestTradeoff(t *testing.T) {
	if testing.Short() {
		t.Skip("the full tradeoff sweep")
	}
	tab, _ := runBuiltin(t, "tradeoff")
	var availability, bytes []float64
	for _, row := range tab.Rows {
		n, _ := strconv.Atoi(row[tab.Index("nodes")])
		switch row[tab.Index("setting")] {
		case "crashes":
			a := cell(t, tab, row, "availability_after_mean")
			p := 30.0 / 33
			pred := 0.0
			for k := n/2 + 1; k <= n; k++ {
				pred += binom(n, k) * math.Pow(p, float64(k)) * math.Pow(1-p, float64(n-k))
			}
			if a > pred {
				t.Errorf("n=%d: measured availability %v above the binomial bound %v", n, a, pred)
			}
			availability = append(availability, a)
		case "wan":
			bytes = append(bytes, cell(t, tab, row, "bytes_per_op_mean"))
		}
	}
	for i := 1; i < len(availability); i++ {
		if availability[i] <= availability[i-1] || bytes[i] <= bytes[i-1] {
			t.Errorf("n index %d: availability %v -> %v, bytes per write %v -> %v; want both rising", i, availability[i-1], availability[i], bytes[i-1], bytes[i])
		}
	}
}

func binom(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}
