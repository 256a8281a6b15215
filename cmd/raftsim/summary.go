package main

import (
	"fmt"
	"io"
	"time"

	"github.com/raftsim/raftsim/cluster"
)

func printSummary(w io.Writer, s *cluster.Summary, cfg cluster.Config) {
	end := time.Duration(s.EndMS * float64(time.Millisecond))
	fmt.Fprintf(w, "raftsim run: %d nodes, seed %d, %v simulated, %d events\n", s.Nodes, s.Seed, end, s.Events)
	fmt.Fprintf(w, "  availability    %.4f of the time a leader held a working majority\n", s.Availability)
	fmt.Fprintf(w, "  client writes   %d ok, %d failed\n", s.ClientOps.OK, s.ClientOps.Failed)
	if s.ClientOps.OK > 0 {
		l := s.CommitLatencyMS
		fmt.Fprintf(w, "  commit latency  p50 %.3fms  p99 %.3fms  max %.3fms\n", l.P50, l.P99, l.Max)
		fmt.Fprintf(w, "  last write      at %.3fs\n", s.LastCommitMS/1000)
	}
	fmt.Fprintf(w, "  log             %d entries committed\n", s.Commits)
	fmt.Fprintf(w, "  elections       %d started, %d won, max term %d\n", s.Elections, s.LeaderChanges, s.MaxTerm)
	if d := s.ElectionDowntime; d.Count > 0 {
		fmt.Fprintf(w, "  after a leader crash: new leader followed by all in %.1fms (mean of %d), %.2f terms per election\n", d.MeanMS, d.Count, d.TermsPerElection)
	}
	fmt.Fprintf(w, "  network         %d messages, %.1f MB\n", s.Messages, float64(s.Bytes)/1e6)
	switch {
	case !cfg.Check:
		fmt.Fprintln(w, "  safety          not checked (--check)")
	case s.Violations == 0:
		fmt.Fprintln(w, "  safety          checked: no violation")
	default:
		fmt.Fprintf(w, "  safety          VIOLATION: %s\n", s.Violation)
	}
}
