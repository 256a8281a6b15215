package results

import (
	"encoding/csv"
	"fmt"
	"slices"
	"strings"

	"github.com/raftsim/raftsim/internal/readfile"
)

// Table is a result file read back: its columns by name and its rows as text. Numbers parse with
// ParseNumber (Floats does it for a whole column); axis values are the points' canonical text.
type Table struct {
	Columns []string
	// Axes are the leading columns, the points' coordinates.
	Axes []string
	// Measures are the measures the file covers: in trials.csv the columns after seed, in
	// summary.csv the measure names of the <m>_<stat> columns, in order.
	Measures []string
	Rows     [][]string
}

// Index returns the position of a column, or -1.
func (t *Table) Index(column string) int {
	return slices.Index(t.Columns, column)
}

// Strings returns a column's cells.
func (t *Table) Strings(column string) ([]string, error) {
	i := t.Index(column)
	if i < 0 {
		return nil, fmt.Errorf("results: no column %q", column)
	}
	out := make([]string, len(t.Rows))
	for r, row := range t.Rows {
		out[r] = row[i]
	}
	return out, nil
}

// Floats returns a column's cells as numbers.
func (t *Table) Floats(column string) ([]float64, error) {
	i := t.Index(column)
	if i < 0 {
		return nil, fmt.Errorf("results: no column %q", column)
	}
	out := make([]float64, len(t.Rows))
	for r, row := range t.Rows {
		x, err := ParseNumber(row[i])
		if err != nil {
			return nil, fmt.Errorf("results: column %q row %d: %q is not a number", column, r+1, row[i])
		}
		out[r] = x
	}
	return out, nil
}

// ReadTrials reads a trials.csv.
func ReadTrials(path string) (*Table, error) {
	t, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	i := t.Index(TrialColumn)
	if i < 0 || i+1 >= len(t.Columns) || t.Columns[i+1] != SeedColumn {
		return nil, fmt.Errorf("results: %s: header has no %q column followed by %q", path, TrialColumn, SeedColumn)
	}
	t.Axes, t.Measures = t.Columns[:i:i], t.Columns[i+2:]
	return t, nil
}

// ReadSummary reads a summary.csv.
func ReadSummary(path string) (*Table, error) {
	t, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	i := t.Index(TrialsColumn)
	if i < 0 {
		return nil, fmt.Errorf("results: %s: header has no %q column", path, TrialsColumn)
	}
	t.Axes = t.Columns[:i:i]
	rest := t.Columns[i+1:]
	if len(rest)%len(SummaryStats) != 0 {
		return nil, fmt.Errorf("results: %s: %d statistic columns is not a multiple of %d", path, len(rest), len(SummaryStats))
	}
	for j := 0; j < len(rest); j += len(SummaryStats) {
		suffix := "_" + SummaryStats[0]
		m, ok := strings.CutSuffix(rest[j], suffix)
		if !ok || m == "" {
			return nil, fmt.Errorf("results: %s: column %q: want <measure>%s", path, rest[j], suffix)
		}
		for k, s := range SummaryStats {
			if rest[j+k] != m+"_"+s {
				return nil, fmt.Errorf("results: %s: column %q: want %q", path, rest[j+k], m+"_"+s)
			}
		}
		t.Measures = append(t.Measures, m)
	}
	return t, nil
}

// readCSV reads a result file: a regular file of at most readfile.ResultLimit bytes.
func readCSV(path string) (*Table, error) {
	f, err := readfile.Open(path, readfile.ResultLimit)
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	recs, err := r.ReadAll() // every record must have as many fields as the header
	if err != nil {
		return nil, fmt.Errorf("results: %s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("results: %s: empty file", path)
	}
	t := &Table{Columns: recs[0], Rows: recs[1:]}
	for i, c := range t.Columns {
		if slices.Contains(t.Columns[:i], c) {
			return nil, fmt.Errorf("results: %s: column %q appears twice", path, c)
		}
	}
	return t, nil
}
