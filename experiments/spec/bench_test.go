package spec

import (
	"os"
	"testing"
)

func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile("testdata/specs/full.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data, "testdata/specs/full.yaml"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlanLargest plans the largest sweep allowed: 10000 points.
func BenchmarkPlanLargest(b *testing.B) {
	s := mustParse(b, "name: x\naxes:\n  - {param: keys, from: 1, to: 10000}\n", "")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Plan(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCanonical(b *testing.B) {
	s, err := Load("testdata/specs/full.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		s.Canonical()
	}
}
