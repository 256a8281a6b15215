package cluster

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/raftsim/raftsim/models/latency"
	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/topology"
)

// NodeSettings are one node's own settings (Config.PerNode): each that is set replaces the cluster's
// for that node. The command line writes them `--node ID:key=value[,key=value…]`, a spec file as the
// same text in its node: list, a topology file beside its links (topology.File.Nodes); ID "all" is every
// node, and a later entry overrides an earlier one key by key.
type NodeSettings struct {
	ID int64 // the node; 0 for every node ("all")
	// Fsync is the time of one stable-storage write (the node's disk); nil for the cluster's.
	Fsync *latency.Dist
	// DiskBandwidth in bytes/s, 0 for unlimited; nil for the cluster's.
	DiskBandwidth *float64
	// ElectionMin and ElectionMax are the node's election timeout range; 0 for the cluster's.
	ElectionMin, ElectionMax time.Duration
	// Heartbeat is the node's heartbeat interval when it leads; 0 for the cluster's (which may be half
	// the node's own minimum election timeout).
	Heartbeat time.Duration
	// ClockRate is how fast the node's clock runs against simulated time: its timers of d fire after
	// d/ClockRate, and its lease reads read ClockRate × the time. 1 is a perfect clock; 0 for 1.
	ClockRate float64
	// CPU is the time the node spends on each message it handles (a Raft message or a client's
	// request), one after another in arrival order; nil or a constant 0 for none.
	CPU *latency.Dist
}

// Bounds on the per-node settings checked by Validate.
const (
	// MinClockRate and MaxClockRate bound a node's clock rate: a clock a hundred times too fast arms
	// its timers a hundred times as often, and one a hundred times too slow is a stopped clock.
	MinClockRate = 0.01
	MaxClockRate = 100
)

// nodeKeys are the keys of a node's settings, in canonical order.
var nodeKeys = []string{"fsync", "disk_bandwidth", "election_timeout", "heartbeat", "clock_rate", "cpu"}

// ParseNodeSettings reads one node's settings, "ID:key=value[,key=value…]" (ID a node number or "all";
// keys nodeKeys, each at most once): fsync and cpu are latency specs, disk_bandwidth a rate (a number
// of bytes/s, or 500MB/s, 1Gbps, unlimited; parseRate reads it), election_timeout MIN:MAX, heartbeat a
// duration, clock_rate a number (1.0002) or a drift in ppm (+200ppm, -50ppm). IDs are checked against
// the cluster by Validate.
func ParseNodeSettings(s string, parseRate func(string) (float64, error)) (NodeSettings, error) {
	var ns NodeSettings
	id, rest, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || strings.TrimSpace(rest) == "" {
		return ns, fmt.Errorf("%q: want ID:key=value[,key=value], e.g. 3:fsync=lognormal:20ms:1", s)
	}
	if id = strings.TrimSpace(id); id != "all" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n < 1 {
			return ns, fmt.Errorf("%q: node %q: want a node ID from 1, or all", s, id)
		}
		ns.ID = n
	}
	seen := map[string]bool{}
	for _, kv := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || v == "" {
			return ns, fmt.Errorf("%q: %q: want key=value with key one of %s", s, kv, strings.Join(nodeKeys, ", "))
		}
		if seen[k] {
			return ns, fmt.Errorf("%q: %s is given twice", s, k)
		}
		seen[k] = true
		var err error
		switch k {
		case "fsync":
			ns.Fsync, err = latency.Parse(v)
		case "cpu":
			ns.CPU, err = latency.Parse(v)
		case "disk_bandwidth":
			var b float64
			if b, err = parseRate(v); err == nil {
				ns.DiskBandwidth = &b
			}
		case "election_timeout":
			ns.ElectionMin, ns.ElectionMax, err = ParseTimeoutRange(v)
		case "heartbeat":
			ns.Heartbeat, err = time.ParseDuration(v)
			if err != nil {
				err = fmt.Errorf("%q is not a duration like 50ms", v)
			} else if ns.Heartbeat <= 0 {
				err = fmt.Errorf("%s: must be positive", ascii(ns.Heartbeat))
			}
		case "clock_rate":
			ns.ClockRate, err = parseClockRate(v)
		default:
			return ns, fmt.Errorf("%q: unknown key %q: want one of %s", s, k, strings.Join(nodeKeys, ", "))
		}
		if err != nil {
			return ns, fmt.Errorf("%q: %s: %w", s, k, err)
		}
	}
	return ns, nil
}

// parseClockRate reads a rate, 1.0002, or a drift from a perfect clock in parts per million, +200ppm.
func parseClockRate(v string) (float64, error) {
	if ppm, ok := strings.CutSuffix(v, "ppm"); ok {
		x, err := strconv.ParseFloat(strings.TrimSpace(ppm), 64)
		if err != nil || math.IsNaN(x) {
			return 0, fmt.Errorf("%q: want a rate like 1.0002 or a drift like +200ppm", v)
		}
		if x <= -1e6 {
			return 0, fmt.Errorf("%q: a drift of -1000000ppm or less stops the clock", v)
		}
		return 1 + x/1e6, nil
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(x) {
		return 0, fmt.Errorf("%q: want a rate like 1.0002 or a drift like +200ppm", v)
	}
	if x <= 0 {
		return 0, fmt.Errorf("%v: must be positive (1 is a perfect clock)", x)
	}
	return x, nil
}

// Format returns the settings in ParseNodeSettings' form, keys in canonical order; formatRate writes a
// bandwidth.
func (ns NodeSettings) Format(formatRate func(float64) string) string {
	var b strings.Builder
	if ns.ID == 0 {
		b.WriteString("all:")
	} else {
		b.WriteString(strconv.FormatInt(ns.ID, 10) + ":")
	}
	var kv []string
	if ns.Fsync != nil {
		kv = append(kv, "fsync="+ns.Fsync.String())
	}
	if ns.DiskBandwidth != nil {
		kv = append(kv, "disk_bandwidth="+formatRate(*ns.DiskBandwidth))
	}
	if ns.ElectionMin != 0 {
		kv = append(kv, "election_timeout="+FormatTimeoutRange(ns.ElectionMin, ns.ElectionMax))
	}
	if ns.Heartbeat != 0 {
		kv = append(kv, "heartbeat="+ascii(ns.Heartbeat))
	}
	if ns.ClockRate != 0 {
		kv = append(kv, "clock_rate="+strconv.FormatFloat(ns.ClockRate, 'g', -1, 64))
	}
	if ns.CPU != nil {
		kv = append(kv, "cpu="+ns.CPU.String())
	}
	b.WriteString(strings.Join(kv, ","))
	return b.String()
}

// nodeConfig is what a node runs with: the cluster's settings with its own over them.
type nodeConfig struct {
	fsync                    *latency.Dist
	diskBandwidth            float64
	electionMin, electionMax time.Duration
	heartbeat                time.Duration // 0: half electionMin
	clockRate                float64
	cpu                      *latency.Dist // nil: no CPU model
}

// nodeConfig returns node id's settings: the cluster's, then every PerNode entry for it or for all, in
// order.
func (c *Config) nodeConfig(id int64) nodeConfig {
	nc := nodeConfig{fsync: c.Fsync, diskBandwidth: c.DiskBandwidth, electionMin: c.ElectionMin,
		electionMax: c.ElectionMax, heartbeat: c.Heartbeat, clockRate: 1}
	for i := range c.PerNode {
		ns := &c.PerNode[i]
		if ns.ID != 0 && ns.ID != id {
			continue
		}
		if ns.Fsync != nil {
			nc.fsync = ns.Fsync
		}
		if ns.DiskBandwidth != nil {
			nc.diskBandwidth = *ns.DiskBandwidth
		}
		if ns.ElectionMin != 0 {
			nc.electionMin, nc.electionMax = ns.ElectionMin, ns.ElectionMax
		}
		if ns.Heartbeat != 0 {
			nc.heartbeat = ns.Heartbeat
		}
		if ns.ClockRate != 0 {
			nc.clockRate = ns.ClockRate
		}
		if ns.CPU != nil {
			nc.cpu = ns.CPU
		}
	}
	if nc.cpu != nil && nc.cpu.IsConst() && nc.cpu.Mean() == 0 {
		nc.cpu = nil // off: nothing is drawn, so the run is that of no setting
	}
	return nc
}

// validateNodes checks the per-node settings with the bounds of the cluster-wide ones. Messages name
// the entry, then the key: "node: 3:clock_rate=1000: clock_rate 1000: must be from 0.01 to 100".
func (c *Config) validateNodes() error {
	const tooFast = "shorter spans send messages faster than any link carries them, so a run of seconds would take hours"
	for i := range c.PerNode {
		ns := &c.PerNode[i]
		who := ns.Format(topology.FormatBandwidth)
		switch {
		case ns.ID < 0 || ns.ID > int64(c.Hosts()):
			return fmt.Errorf("node: %s: node %d is not in 1..%d (or all)", who, ns.ID, c.Hosts())
		case ns.DiskBandwidth != nil && !(*ns.DiskBandwidth >= 0):
			return fmt.Errorf("node: %s: disk_bandwidth %v: must not be negative", who, *ns.DiskBandwidth)
		case ns.ElectionMin < 0 || ns.ElectionMax < ns.ElectionMin:
			return fmt.Errorf("node: %s: election_timeout %s:%s: want 0 < MIN <= MAX", who, ascii(ns.ElectionMin), ascii(ns.ElectionMax))
		case ns.ElectionMin != 0 && ns.ElectionMin < MinElectionTimeout:
			return fmt.Errorf("node: %s: election_timeout minimum %s: at least %s (%s)", who, ascii(ns.ElectionMin), ascii(MinElectionTimeout), tooFast)
		case ns.Heartbeat < 0 || ns.Heartbeat != 0 && ns.Heartbeat < MinHeartbeat:
			return fmt.Errorf("node: %s: heartbeat %s: at least %s (%s)", who, ascii(ns.Heartbeat), ascii(MinHeartbeat), tooFast)
		case ns.ClockRate != 0 && !(ns.ClockRate >= MinClockRate && ns.ClockRate <= MaxClockRate):
			return fmt.Errorf("node: %s: clock_rate %v: must be from %v to %v (1 is a perfect clock)", who, ns.ClockRate, MinClockRate, float64(MaxClockRate))
		case ns.CPU != nil && !ns.CPU.FiniteMean():
			return fmt.Errorf("node: %s: cpu %v has an infinite mean (a Pareto alpha of 1 or less): the node's queue would grow without bound", who, ns.CPU)
		case ns.Fsync != nil && !ns.Fsync.FiniteMean():
			return fmt.Errorf("node: %s: fsync %v has an infinite mean (a Pareto alpha of 1 or less)", who, ns.Fsync)
		}
	}
	// A node's timers armed at the rate of its clock: the heartbeat it sends, and the minimum election
	// timeout, in simulated time, must stay above the bounds the cluster-wide settings keep.
	if len(c.PerNode) > 0 {
		for id := int64(1); id <= int64(c.Hosts()); id++ {
			nc := c.nodeConfig(id)
			hb := nc.heartbeat
			if hb == 0 {
				hb = nc.electionMin / 2
			}
			if real := sim.FloatNanos(float64(hb) / nc.clockRate); real < MinHeartbeat {
				return fmt.Errorf("node: %d: heartbeat %s at clock_rate %v is %s of simulated time: at least %s (%s)",
					id, ascii(hb), nc.clockRate, ascii(real), ascii(MinHeartbeat), tooFast)
			}
		}
	}
	return nil
}

func init() {
	topology.CheckNodeSetting = func(s string) error {
		_, err := ParseNodeSettings(s, topology.ParseBandwidth)
		return err
	}
}

// addFileSettings puts a topology file's per-node settings before the configuration's own, which
// override them (a flag or a spec field beats the file), and checks them with the same bounds.
func (c *Config) addFileSettings(texts []string) error {
	if len(texts) == 0 {
		return nil
	}
	file := make([]NodeSettings, len(texts))
	for i, s := range texts {
		ns, err := ParseNodeSettings(s, topology.ParseBandwidth)
		if err != nil {
			return fmt.Errorf("topology: %s: node: %w", c.Topology, err) // the loader checked it: not reached
		}
		file[i] = ns
	}
	c.PerNode, c.fileSettings = append(file, c.PerNode...), true
	if err := c.validateNodes(); err != nil {
		return fmt.Errorf("topology: %s: %w", c.Topology, err)
	}
	return nil
}
