package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/sim"
)

// maxFaultLines bounds the fault timeline of the human summary; --json lists up to 1000 faults.
const maxFaultLines = 20

// dropReasons are the keys of Summary.Dropped in the order the summary lists them, with their words.
var dropReasons = []struct{ key, words string }{
	{"loss", "lost"},
	{"cut", "on cut edges"},
	{"unreachable", "unreachable"},
	{"down", "to down nodes"},
	{"scenario", "withheld by the scenario"},
	{"filter", "dropped by a filter"},
}

// printSummary writes the run's summary for a reader: counts with thousands separators, bytes in B,
// kB, MB, GB (powers of 1000), times in µs, ms or s. docs/summary.md defines every measure.
func printSummary(w io.Writer, s *cluster.Summary, cfg cluster.Config) {
	printSummaryAs(w, s, cfg, "raftsim run", strconv.FormatUint(s.Seed, 10), "--check")
}

// printSummaryAs is printSummary with the heading's name, the seed as it should read and the way to
// turn the safety check on, for the replay of a sweep's trial (whose seed trials.csv writes in hex).
func printSummaryAs(w io.Writer, s *cluster.Summary, cfg cluster.Config, heading, seed, checkHow string) {
	end := duration(s.EndMS)
	// The swarm draws one-node worlds: "1 nodes" read as a typo.
	fmt.Fprintf(w, "%s: %d %s, seed %s, %v simulated, %s events\n", heading, s.Nodes, plural(s.Nodes, "node"), seed, end, count(s.Events))
	if s.Availability.Valid() {
		fmt.Fprintf(w, "  availability    %.4f of the time a leader held a working majority\n", float64(s.Availability))
	} else {
		fmt.Fprintln(w, "  availability    none: the run ended at time 0")
	}
	fmt.Fprintf(w, "  client writes   %s ok, %s failed\n", count(s.ClientOps.OK), count(s.ClientOps.Failed))
	if l := s.CommitLatencyMS; l.P50.Valid() {
		fmt.Fprintf(w, "  commit latency  p50 %s  p99 %s  max %s\n", duration(float64(l.P50)), duration(float64(l.P99)), duration(float64(l.Max)))
	}
	if s.LastCommitMS.Valid() {
		fmt.Fprintf(w, "  last write      at %s\n", duration(float64(s.LastCommitMS)))
	}
	if r := s.Reads; r != nil {
		fmt.Fprintf(w, "  client reads    %s ok, %s failed (%s)", count(r.OK), count(r.Failed), cfg.ReadMode)
		if l := r.LatencyMS; l.P50.Valid() {
			fmt.Fprintf(w, "; p50 %s  p99 %s  max %s", duration(float64(l.P50)), duration(float64(l.P99)), duration(float64(l.Max)))
		}
		if r.Stale > 0 {
			fmt.Fprintf(w, "; %s STALE (served below a commit made before they began)", count(r.Stale))
		}
		fmt.Fprintln(w)
	}
	if t := s.Transfers; t != nil {
		fmt.Fprintf(w, "  transfers       %d asked, %d done", t.Requested, t.Done)
		if t.Done > 0 {
			fmt.Fprintf(w, " in %s (mean; max %s)", duration(float64(t.MeanMS)), duration(float64(t.MaxMS)))
		}
		if t.Failed > 0 || t.Unfinished > 0 {
			fmt.Fprintf(w, ", %d failed, %d unfinished", t.Failed, t.Unfinished)
		}
		fmt.Fprintln(w)
	}
	printRegions(w, s)
	fmt.Fprintf(w, "  log             %s entries committed\n", count(s.Commits))
	fmt.Fprintf(w, "  elections       %s started, %s won, max term %d", count(s.Elections), count(s.LeaderChanges), s.MaxTerm)
	if cfg.PreVote != raft.PreVoteOff {
		fmt.Fprintf(w, "; %s pre-vote rounds", count(s.PreElections))
	}
	fmt.Fprintln(w)
	if d := s.ElectionDowntime; d.Count > 0 || d.Unfinished > 0 {
		fmt.Fprint(w, "  leader crashes  ")
		if d.Count > 0 {
			fmt.Fprintf(w, "new leader followed by all in %s (mean of %d; max %s), %.2f terms per election",
				duration(float64(d.MeanMS)), d.Count, duration(float64(d.MaxMS)), float64(d.TermsPerElection))
			if d.Unfinished > 0 {
				fmt.Fprint(w, "; ")
			}
		}
		if d.Unfinished > 0 {
			fmt.Fprintf(w, "%d election still unfinished at the end", d.Unfinished)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "  network         %s messages, %s", count(s.Messages), humanize.Bytes(s.Bytes))
	if s.Duplicated > 0 { // only then, so that other summaries read as before
		fmt.Fprintf(w, "; %s duplicated by links", count(s.Duplicated))
	}
	fmt.Fprintln(w)
	var dropped uint64
	var parts []string
	for _, r := range dropReasons {
		if n := s.Dropped[r.key]; n > 0 {
			dropped += n
			parts = append(parts, count(n)+" "+r.words)
		}
	}
	if dropped == 0 {
		fmt.Fprintln(w, "  dropped         none")
	} else {
		fmt.Fprintf(w, "  dropped         %s messages: %s\n", count(dropped), strings.Join(parts, ", "))
	}
	printFaults(w, s)
	printLiveness(w, s)
	switch {
	case !cfg.Check:
		fmt.Fprintf(w, "  safety          not checked (%s)\n", checkHow)
	case s.Violations == 0:
		fmt.Fprintln(w, "  safety          checked: no violation")
	default:
		fmt.Fprintf(w, "  safety          VIOLATION: %s\n", s.Violation)
	}
}

// printFaults writes the fault timeline: when, the fault as written, and what it did.
func printFaults(w io.Writer, s *cluster.Summary) {
	if s.FaultsTotal == 0 {
		return
	}
	hits := s.Faults[:min(len(s.Faults), maxFaultLines)]
	// A partition of a thousand nodes is thousands of characters: cut long faults here (--json has
	// them whole), so that they do not pad every line of the table to their width.
	short := func(f string, most int) string {
		if r := []rune(f); len(r) > most {
			return string(r[:most-1]) + "…"
		}
		return f
	}
	atWidth, faultWidth := 0, 0
	for _, h := range hits {
		atWidth = max(atWidth, len(duration(h.AtMS)))
		faultWidth = max(faultWidth, len([]rune(short(h.Fault, 48))))
	}
	label := "  faults          "
	for _, h := range hits {
		fmt.Fprintf(w, "%s%-*s  %-*s  %s\n", label, atWidth, duration(h.AtMS), faultWidth, short(h.Fault, 48), short(h.Effect, 160))
		label = strings.Repeat(" ", len(label))
	}
	if more := s.FaultsTotal - uint64(len(hits)); more > 0 {
		fmt.Fprintf(w, "%s… and %s more (--json lists the first %d)\n", label, count(more), len(s.Faults))
	}
}

// printLiveness writes the liveness phase after a repair (cluster.Liveness), when there was one:
// "repaired at 3s: leader after 4.243ms, write after 14.036ms, read after 17.549ms; a leader at the end".
func printLiveness(w io.Writer, s *cluster.Summary) {
	l := s.Liveness
	if l == nil {
		return
	}
	after := func(what string, v cluster.NullFloat) string {
		if !v.Valid() {
			return "no " + what + " by the end"
		}
		return what + " after " + duration(float64(v))
	}
	parts := []string{after("leader", l.LeaderMS), after("write", l.CommitMS)}
	if s.Reads != nil {
		parts = append(parts, after("read", l.ReadMS))
	}
	end := "no leader at the end"
	if l.LeaderAtEnd {
		end = "a leader at the end"
	}
	fmt.Fprintf(w, "  liveness        repaired at %s: %s; %s\n", duration(l.RepairMS), strings.Join(parts, ", "), end)
}

// count writes a count with thousands separators: 16,111.
func count[T ~uint64 | ~int](n T) string { return humanize.Comma(int64(n)) }

// duration writes milliseconds as a duration: to the microsecond below a second ("4.882ms", "500µs"),
// to the millisecond from a second on ("11.996s", "2m30s").
func duration(ms float64) string {
	d := sim.FloatNanos(ms * float64(time.Millisecond)) // rounds, and saturates at the longest duration
	if d >= time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Microsecond).String()
}

// printRegions prints the open-loop arrivals, and a line per region (the summary's regions): its
// clients' median commit and read latency beside the predictions, from measure_from on.
func printRegions(w io.Writer, s *cluster.Summary) {
	if a := s.Arrivals; a != nil {
		fmt.Fprintf(w, "  arrivals        %s offered (%s/s), %s refused: every client busy\n", count(a.Offered),
			strconv.FormatFloat(a.RatePerS, 'g', -1, 64), count(a.Refused))
	}
	for _, r := range s.Regions {
		fmt.Fprintf(w, "  region          %s: nodes %s, %d clients", r.Name, ids(r.Nodes), r.Clients)
		if r.Writes.OK > 0 {
			fmt.Fprintf(w, "; commit p50 %s", duration(float64(r.CommitLatencyMS.P50)))
		}
		if r.PredictedCommitMS.Valid() && r.Clients > 0 {
			fmt.Fprintf(w, " (predicted %s)", duration(float64(r.PredictedCommitMS)))
		}
		if r.Reads != nil && r.Reads.OK > 0 {
			fmt.Fprintf(w, "; read p50 %s", duration(float64(r.Reads.LatencyMS.P50)))
			if r.PredictedReadMS.Valid() {
				fmt.Fprintf(w, " (predicted %s)", duration(float64(r.PredictedReadMS)))
			}
		}
		fmt.Fprintln(w)
	}
}

func ids(xs []uint64) string {
	if len(xs) == 0 {
		return "none"
	}
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.FormatUint(x, 10)
	}
	return strings.Join(parts, ",")
}
