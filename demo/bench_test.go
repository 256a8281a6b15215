package demo

import (
	"testing"
	"time"
)

// BenchmarkStep: one event of a five-node session with two clients (the page steps many per frame).
func BenchmarkStep(b *testing.B) {
	s, err := New(with(func(s *Settings) { s.Clients = 2; s.DurationMs = MaxDurationMs }))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if !s.step(s.c.End()) {
			b.StopTimer()
			if err := s.rebuild(); err != nil { // the timeline's end: start again
				b.Fatal(err)
			}
			b.StartTimer()
		}
	}
}

// BenchmarkState: the State of a five-node session with two clients, as the page asks for every frame.
func BenchmarkState(b *testing.B) {
	s, err := New(with(func(s *Settings) { s.Clients = 2 }))
	if err != nil {
		b.Fatal(err)
	}
	s.RunTo(5 * time.Second)
	b.ReportAllocs()
	for b.Loop() {
		_ = s.State()
	}
}

// BenchmarkSeekBack: going back 10 s into a 5-node session (a replay of 10 s from the start).
func BenchmarkSeekBack(b *testing.B) {
	s, err := New(Defaults())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		s.RunTo(s.Now() + time.Nanosecond)
		if err := s.Seek(10 * time.Second); err != nil {
			b.Fatal(err)
		}
	}
}
