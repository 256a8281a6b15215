package figures

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/experiments/results"
)

// TestDamagedTrialsDrawNothing: Draw and Compare read trials.csv through results.LoadTrials, so a
// damaged file is a *results.FileError and nothing is written: no plot, no comparison.
func TestDamagedTrialsDrawNothing(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(string) string
	}{
		{"duplicated row", func(s string) string {
			l := strings.SplitAfter(s, "\n")
			return strings.Join(append(l[:3:3], l[2:]...), "")
		}},
		{"cut short", func(s string) string { return s[:len(s)/2] }},
		{"relabelled", func(s string) string {
			return strings.Replace(s, "\n3,0,300ms:600ms,300,600,1,", "\n3,1,300ms:600ms,300,600,1,", 1)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, dir := fixture(t)
			path := filepath.Join(dir, results.TrialsFile)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			damaged := tt.edit(string(b))
			if damaged == string(b) {
				t.Fatal("the edit changed nothing")
			}
			if err := os.WriteFile(path, []byte(damaged), 0o644); err != nil {
				t.Fatal(err)
			}
			var fe *results.FileError
			if _, err := Draw(context.Background(), s, dir); !errors.As(err, &fe) {
				t.Errorf("Draw: %v, want a *results.FileError", err)
			}
			if _, err := Compare(context.Background(), s, dir); !errors.As(err, &fe) {
				t.Errorf("Compare: %v, want a *results.FileError", err)
			}
			ents, _ := os.ReadDir(dir)
			if len(ents) != 1 {
				t.Errorf("the directory holds %d entries, want trials.csv alone", len(ents))
			}
		})
	}
}

// TestStatAsSummary: the figures' statistics are summary.csv's (stats.Summarize), exact and rounded
// once: the mean of 0.1 and 0.2 is 0.15.
func TestStatAsSummary(t *testing.T) {
	xs := []float64{0.1, 0.2}
	for name, want := range map[string]float64{"mean": 0.15, "": 0.15, "min": 0.1, "max": 0.2, "p50": 0.15, "p90": 0.19, "p99": 0.199, "p999": 0.1999} {
		if got := stat(xs, name); got != want {
			t.Errorf("stat %q = %v, want %v", name, got, want)
		}
	}
}
