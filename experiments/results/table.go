package results

import (
	"encoding/csv"
	"fmt"
	"slices"

	"github.com/raftsim/raftsim/internal/readfile"
)

// Table is a result file read back as text, without checks: its columns by name and its rows. Numbers
// parse with ParseNumber (Floats does it for a whole column), seeds with ParseSeed. To read a results
// directory for analysis, use LoadTrials and Check, which hold it against its manifest.
type Table struct {
	Columns []string
	Rows    [][]string
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

// ReadTable reads a CSV result file (any of them) as text: the header, then rows of as many fields. Only
// a regular file of at most readfile.ResultLimit bytes is read.
func ReadTable(path string) (*Table, error) {
	f, err := readfile.Open(path, readfile.ResultLimit)
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll() // every record must have as many fields as the header
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
