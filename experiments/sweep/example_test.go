package sweep_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/experiments"
	"github.com/raftsim/raftsim/experiments/results"
	"github.com/raftsim/raftsim/experiments/sweep"
)

func ExampleRun() {
	plan := &experiments.Plan{Name: "nodes", Seed: 1, Trials: 2, Axes: []string{"nodes"}, Spec: []byte("name: nodes\n")}
	for i, n := range []int{3, 5} {
		cfg := cluster.Default()
		cfg.Nodes, cfg.Duration = n, 500*time.Millisecond
		plan.Points = append(plan.Points, experiments.Point{
			Index: i, Coords: []experiments.Coord{{Axis: "nodes", Value: fmt.Sprint(n)}}, Config: cfg,
		})
	}
	dir, err := os.MkdirTemp("", "sweep-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	res, err := sweep.Run(context.Background(), plan, sweep.Options{Out: dir, Command: []string{"raftsim", "sweep", "nodes"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d trials of %d points: %s, %s, %s\n", res.Trials, res.Points,
		filepath.Base(res.TrialsPath), filepath.Base(res.SummaryPath), filepath.Base(res.ManifestPath))
	sum, err := results.ReadTable(res.SummaryPath)
	if err != nil {
		log.Fatal(err)
	}
	nodes, _ := sum.Strings("nodes")
	trials, _ := sum.Strings("trials")
	fmt.Println(sum.Columns[:5], nodes, trials)
	// Output:
	// 4 trials of 2 points: trials.csv, summary.csv, manifest.json
	// [nodes trials availability_n availability_mean availability_sd] [3 5] [2 2]
}
