package figures

import (
	"fmt"
	"strings"
	"time"
)

var axisLabels = map[string]string{
	"nodes":            "cluster size n",
	"faults":           "crashed nodes f",
	"election_timeout": "election timeout",
	"clients":          "clients",
	"loss":             "loss probability",
	"heartbeat":        "heartbeat interval (ms)",
}

var measureLabels = map[string]string{
	"availability":          "availability",
	"availability_after":    "availability (measured window)",
	"success_rate":          "client success rate",
	"election_downtime_ms":  "election downtime (ms)",
	"terms_per_election":    "terms per election",
	"split_votes":           "split votes",
	"extra_terms":           "terms without a leader",
	"latency_p50_ms":        "commit latency p50 (ms)",
	"latency_p90_ms":        "commit latency p90 (ms)",
	"latency_p99_ms":        "commit latency p99 (ms)",
	"latency_p999_ms":       "commit latency p99.9 (ms)",
	"latency_max_ms":        "commit latency max (ms)",
	"latency_mean_ms":       "commit latency mean (ms)",
	"msgs_per_op":           "messages per write",
	"bytes_per_op":          "bytes sent per write, all nodes and clients",
	"leader_bytes_per_op":   "bytes sent per write, leader",
	"max_node_bytes_per_op": "bytes sent per write, busiest node",
}

// axisLabel names an axis for a plot.
func axisLabel(name string) string {
	if l, ok := axisLabels[name]; ok {
		return l
	}
	return strings.ReplaceAll(name, "_", " ")
}

// measureLabel names a measure for a plot.
func measureLabel(name string) string {
	if l, ok := measureLabels[name]; ok {
		return l
	}
	return strings.ReplaceAll(name, "_", " ")
}

// valueLabel names an axis value in a legend: a timeout range "150ms:155ms" reads "150–155 ms".
func valueLabel(axis, v string) string {
	if a, b, ok := strings.Cut(v, ":"); ok {
		da, errA := time.ParseDuration(a)
		db, errB := time.ParseDuration(b)
		if errA == nil && errB == nil && da%time.Millisecond == 0 && db%time.Millisecond == 0 {
			return fmt.Sprintf("%d–%d ms", da/time.Millisecond, db/time.Millisecond)
		}
	}
	switch {
	case axis == "nodes":
		return "n = " + v
	case axis == "faults":
		return "f = " + v
	case strings.HasPrefix(v, "const:"):
		// A constant latency reads as its duration: "fsync 2ms".
		return axis + " " + strings.TrimPrefix(v, "const:")
	case v == "true" || v == "false":
		// A boolean alone says nothing: "pre_vote: true" says what is true.
		return axis + ": " + v
	}
	return v
}
