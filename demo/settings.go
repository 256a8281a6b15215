package demo

import (
	"fmt"
	"math"
	"time"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/topology"
)

// Settings are what a learner chooses before a run. Times are milliseconds.
type Settings struct {
	N             int     `json:"n"`             // nodes, 1..MaxNodes
	Seed          uint64  `json:"seed"`          // root seed of every random choice
	ElectionMinMs float64 `json:"electionMinMs"` // each election timeout is drawn uniformly in [min, max]
	ElectionMaxMs float64 `json:"electionMaxMs"`
	HeartbeatMs   float64 `json:"heartbeatMs"`  // 0: half electionMinMs
	LatencyMinMs  float64 `json:"latencyMinMs"` // one-way latency of a message, uniform in [min, max]
	LatencyMaxMs  float64 `json:"latencyMaxMs"`
	Loss          float64 `json:"loss"` // probability that a message is lost, 0..MaxLoss
	PreVote       bool    `json:"preVote"`
	CheckQuorum   bool    `json:"checkQuorum"`
	Clients       int     `json:"clients"`    // closed-loop clients writing on their own, 0..MaxClients
	DurationMs    float64 `json:"durationMs"` // the end of the timeline, up to MaxDurationMs
}

// Bounds of the demo's settings, on top of cluster.Config.Validate's: what a picture can show and a
// browser replay in a moment.
const (
	MaxNodes      = 9
	MaxClients    = 3
	MaxLoss       = 0.5
	MaxDurationMs = 600_000 // ten minutes of simulated time
	// ClientThink is a demo client's pause between a reply and its next write: a few writes a second,
	// so that the logs stay readable.
	ClientThink = 500 * time.Millisecond
)

// Defaults returns the settings of a new session: five nodes with the Raft paper's timeouts, and a
// latency slow enough to watch messages travel.
func Defaults() Settings {
	return Settings{N: 5, Seed: 1, ElectionMinMs: 150, ElectionMaxMs: 300, LatencyMinMs: 10, LatencyMaxMs: 20,
		DurationMs: 60_000}
}

// msToNs converts milliseconds to the nearest nanosecond. Values are checked first (finite, in range).
func msToNs(ms float64) time.Duration { return time.Duration(math.Round(ms * 1e6)) }

// nsToMs is the inverse of msToNs for every value it produces: ns/1e6 rounds back to ns.
func nsToMs(ns time.Duration) float64 { return float64(ns) / 1e6 }

// checkMs checks that a millisecond value is finite and in [lo, hi].
func checkMs(field string, v, lo, hi float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < lo || v > hi {
		return fmt.Errorf("demo: %s: %v: want %v to %v ms", field, v, lo, hi)
	}
	return nil
}

// Config returns the run the settings describe, checked by cluster.Config.Validate after the demo's
// own bounds; the error names the field.
func (s Settings) Config() (cluster.Config, error) {
	switch {
	case s.N < 1 || s.N > MaxNodes:
		return cluster.Config{}, fmt.Errorf("demo: n: %d: want 1 to %d", s.N, MaxNodes)
	case s.Clients < 0 || s.Clients > MaxClients:
		return cluster.Config{}, fmt.Errorf("demo: clients: %d: want 0 to %d", s.Clients, MaxClients)
	case math.IsNaN(s.Loss) || s.Loss < 0 || s.Loss > MaxLoss:
		return cluster.Config{}, fmt.Errorf("demo: loss: %v: want 0 to %v", s.Loss, MaxLoss)
	}
	for _, f := range []struct {
		name      string
		v, lo, hi float64
	}{
		{"electionMinMs", s.ElectionMinMs, 1, 60_000},
		{"electionMaxMs", s.ElectionMaxMs, 1, 60_000},
		{"heartbeatMs", s.HeartbeatMs, 0, 60_000},
		{"latencyMinMs", s.LatencyMinMs, 0, 10_000},
		{"latencyMaxMs", s.LatencyMaxMs, 0, 10_000},
		{"durationMs", s.DurationMs, 1, MaxDurationMs},
	} {
		if err := checkMs(f.name, f.v, f.lo, f.hi); err != nil {
			return cluster.Config{}, err
		}
	}
	if s.LatencyMaxMs < s.LatencyMinMs {
		return cluster.Config{}, fmt.Errorf("demo: latencyMaxMs: %v is below latencyMinMs %v", s.LatencyMaxMs, s.LatencyMinMs)
	}
	lat, err := latency.Parse(fmt.Sprintf("uniform:%dns:%dns", msToNs(s.LatencyMinMs), msToNs(s.LatencyMaxMs)))
	if err != nil {
		return cluster.Config{}, fmt.Errorf("demo: latencyMinMs: %w", err)
	}
	cfg := cluster.Default()
	cfg.Nodes, cfg.Seed, cfg.Duration = s.N, s.Seed, msToNs(s.DurationMs)
	cfg.ElectionMin, cfg.ElectionMax, cfg.Heartbeat = msToNs(s.ElectionMinMs), msToNs(s.ElectionMaxMs), msToNs(s.HeartbeatMs)
	cfg.Link = topology.Link{Latency: lat, Loss: s.Loss} // no bandwidth limit: a message's time is its latency
	if s.PreVote {
		cfg.PreVote = raft.PreVoteThesis
	}
	cfg.CheckQuorum = s.CheckQuorum
	cfg.Clients = s.Clients
	cfg.Workload.Think = ClientThink
	cfg.Check = true // a safety violation stops the session, and says so
	if err := cfg.Validate(); err != nil {
		return cluster.Config{}, fmt.Errorf("demo: %w", err)
	}
	return cfg, nil
}
