package swarm

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/raftsim/raftsim/sim"
)

// Setting is one setting of a world, as a spec file or `raftsim run` spells it: Name is a spec
// parameter ("nodes", "election_timeout"), a field of a mapping parameter ("flap.up"), the top-level
// "seed" or "duration", or a schedule entry's kind ("crash", "partition", "repair"); Text is its value.
// A schedule kind may appear many times, and so may "node"; any other name once.
type Setting struct {
	Name, Text string
}

// World is one seed's world: the settings of its run, in the order they were drawn. Repair is when the
// safety phase ends and every fault is repaired; the run lasts until Repair + Bound, and in that
// liveness phase the cluster must elect a leader, commit a write and serve a read (when the workload
// reads). A racy world has no liveness phase (Repair and Bound are 0).
type World struct {
	Seed     uint64
	Settings []Setting
	Repair   time.Duration
	Bound    time.Duration
	// Racy is true when the world's election timeout is within a few broadcast times (Raft's timing
	// rule broadcastTime << electionTimeout broken on purpose, where ordering bugs hide).
	Racy bool
	// Family is the kind of world the seed drew: "" for the general one, else a corner family
	// (family.go).
	Family string
}

// LivenessTimeouts is the liveness bound in election timeouts: after the repair, the cluster must have
// elected a leader, committed a client write and served a client read within this many maximum election
// timeouts.
const LivenessTimeouts = 20

// Get returns the last value of a setting and whether it is set.
func (w *World) Get(name string) (string, bool) {
	for i := len(w.Settings) - 1; i >= 0; i-- {
		if w.Settings[i].Name == name {
			return w.Settings[i].Text, true
		}
	}
	return "", false
}

// String writes the world as `raftsim run` flags, one setting per flag.
func (w *World) String() string {
	var b strings.Builder
	for i, s := range w.Settings {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("--" + flagName(s.Name) + "=" + shellQuote(s.Text))
	}
	return b.String()
}

// flagName is a setting's `raftsim run` flag: the name with '-' for '_' and for a mapping's '.'.
func flagName(name string) string {
	return strings.NewReplacer("_", "-", ".", "-").Replace(name)
}

// shellQuote quotes s for a POSIX shell when it holds anything but the characters settings use plainly.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:,@+-_=/") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// timing is a latency or disk-write distribution with the time it nominally takes, from which the
// world's election timeout is scaled.
type timing struct {
	spec    string
	nominal time.Duration
}

var (
	latencies = []timing{
		{"uniform:500us:1500us", time.Millisecond}, {"const:2ms", 2 * time.Millisecond},
		{"uniform:100us:30ms", 15 * time.Millisecond}, {"exp:5ms:1ms", 6 * time.Millisecond},
		{"lognormal:5ms:1", 8 * time.Millisecond}, {"pareto:1ms:2", 2 * time.Millisecond},
	}
	fsyncs = []timing{
		{"const:1ms", time.Millisecond}, {"exp:2ms", 2 * time.Millisecond}, {"uniform:0s:20ms", 10 * time.Millisecond},
		{"normal:10ms:5ms", 10 * time.Millisecond}, {"pareto:500us:1.5", 1500 * time.Microsecond},
	}
	// regionsLatency is the nominal one-way latency between the regions of the presets (the longest
	// aws5 round trip, Sydney–Ireland, is about 260 ms).
	regionsLatency = 130 * time.Millisecond
)

// drawer draws a world's settings from its stream.
type drawer struct {
	r    *rand.Rand
	w    *World
	mesh bool // every pair of nodes has an edge (a cut may name any)
}

func (d *drawer) set(name, text string) { d.w.Settings = append(d.w.Settings, Setting{name, text}) }
func (d *drawer) chance(p float64) bool { return d.r.Float64() < p }
func (d *drawer) between(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(d.r.Int64N(int64(hi-lo)+1))
}
func (d *drawer) node(n int) int { return 1 + d.r.IntN(n) }

// ms formats a duration to the millisecond, as settings are written.
func ms(t time.Duration) string { return sim.FormatDuration(t.Round(time.Millisecond)) }

// Draw draws seed's world from the seed's stream "swarm/world". Every choice is the stream's, so the
// world is a function of the seed alone. Which family the world is of comes first, from a stream of its
// own ("swarm/family"), so that a general world is the same whatever the corner families' shares.
func Draw(seed uint64) World {
	w := World{Seed: seed}
	d := &drawer{r: sim.Stream(seed, "swarm/world"), w: &w}
	d.set("seed", strconv.FormatUint(seed, 10))
	x := sim.Stream(seed, "swarm/family").Float64()
	for _, f := range families {
		if x < f.share {
			w.Family = f.name
			f.draw(d)
			return w
		}
		x -= f.share
	}
	r := d.r
	n := 1 + r.IntN(9)
	d.set("nodes", strconv.Itoa(n))
	d.set("check", "true")

	// The network: a mesh most of the time; else a sparser graph with forwarding, or regions.
	oneWay := time.Duration(0)
	d.mesh = true
	switch x := r.IntN(10); {
	case x < 6:
		lat := latencies[r.IntN(len(latencies))]
		d.set("latency", lat.spec)
		oneWay = lat.nominal
	case x < 8:
		lat := latencies[r.IntN(2)]
		topo := []string{"star", "ring", "line"}[r.IntN(3)]
		d.set("topology", topo)
		d.set("routing", "shortest-path")
		d.mesh = false
		d.set("latency", lat.spec)
		// Forwarded over as many hops as the graph's diameter.
		hops := map[string]int{"star": 2, "ring": max(1, n/2), "line": max(1, n-1)}[topo]
		oneWay = lat.nominal * time.Duration(hops)
	default:
		d.set("regions", []string{"aws3", "aws5"}[r.IntN(2)])
		oneWay = regionsLatency
	}
	if d.chance(0.3) {
		d.set("loss", strconv.FormatFloat(float64(r.IntN(150))/1000, 'g', -1, 64))
	}
	if d.chance(0.25) {
		d.set("dup", strconv.FormatFloat(float64(r.IntN(100))/1000, 'g', -1, 64))
	}
	if d.chance(0.25) {
		d.set("reorder", strconv.FormatFloat(float64(r.IntN(300))/1000, 'g', -1, 64))
	}

	// The disk, and the election timeout scaled from the broadcast time (a round trip and a write): an
	// order of magnitude above it most of the time, within a few of it in a third of the worlds.
	fs := fsyncs[r.IntN(len(fsyncs))]
	d.set("fsync", fs.spec)
	broadcast := 2*oneWay + fs.nominal
	k := 8 + 12*r.Float64()
	if d.chance(1.0 / 3) {
		k, w.Racy = 1.5+2.5*r.Float64(), true
	}
	emin := max(time.Duration(k*float64(broadcast)).Round(time.Millisecond), 5*time.Millisecond)
	d.set("election_timeout", ms(emin)+":"+ms(2*emin))
	if d.chance(0.3) {
		d.set("heartbeat", ms(max(emin/time.Duration(3+r.IntN(8)), time.Millisecond)))
	}
	if d.chance(0.2) {
		d.set("timer_jitter", "exp:"+ms(max(emin/20, time.Millisecond)))
	}

	// Protocol options and implementation variants.
	preVote := []string{"false", "thesis", "etcd"}[r.IntN(3)]
	d.set("pre_vote", preVote)
	cq := d.chance(0.5)
	d.variants()
	if d.chance(0.5) {
		d.set("snapshot_entries", strconv.Itoa(5+r.IntN(300)))
	}
	// A voter added empty catches up at max_batch × max_inflight entries a round trip: with both tiny,
	// and clients retrying, its backlog can outgrow any liveness bound, so tiny batches only come in
	// worlds without membership changes.
	members := n >= 3 && d.chance(0.3)
	if !members && d.chance(0.3) {
		d.set("max_batch", strconv.Itoa(1+r.IntN(4)))
	}
	if d.chance(0.25) {
		d.set("max_inflight", strconv.Itoa(1+r.IntN(3)))
	}

	// Clients and reads; lease reads need CheckQuorum and clocks within the drift bound.
	d.set("clients", strconv.Itoa(1+r.IntN(8)))
	d.set("keys", strconv.Itoa(3+r.IntN(40)))
	reads := d.chance(0.7)
	if reads {
		d.set("read_ratio", strconv.FormatFloat(float64(10+r.IntN(60))/100, 'g', -1, 64))
		mode := []string{"read_index", "lease", "follower"}[r.IntN(3)]
		if mode == "lease" {
			cq = true
		}
		d.set("read_mode", mode)
	}
	d.set("check_quorum", strconv.FormatBool(cq))
	if d.chance(0.15) {
		d.set("arrival_rate", strconv.Itoa(20+r.IntN(300)))
	} else if d.chance(0.3) {
		d.set("think", "exp:"+ms(max(emin/10, time.Millisecond)))
	}
	if d.chance(0.2) {
		d.set("key_zipf", "1.2")
	}
	if d.chance(0.2) {
		d.set("client_retry", "round_robin")
	}
	// A client tries another node after five election timeouts, and gives an operation up after
	// twenty: within the liveness bound, and slow enough that retries do not feed a queue.
	d.set("client_timeout", ms(5*emin))
	d.set("op_deadline", ms(20*emin))

	// Clock drift: the assumed bound, and each node's rate within it (so that a lease is safe).
	if d.chance(0.4) {
		drift := float64(1+r.IntN(50)) / 1000
		d.set("clock_drift", strconv.FormatFloat(drift, 'g', -1, 64))
		for id := 1; id <= n; id++ {
			ppm := r.IntN(int(drift * 1e6))
			d.set("node", fmt.Sprintf("%d:clock_rate=+%dppm", id, ppm))
		}
	}
	if d.chance(0.2) {
		// A slow node, within the capacity the workload needs: a CPU near saturation turns client
		// retries into a queue that never drains (a metastable failure, not a Raft bug).
		d.set("node", fmt.Sprintf("%d:cpu=exp:%dus", d.node(n), 10+r.IntN(190)))
	}

	// The safety phase and its faults, then the repair and the liveness phase.
	w.Repair = d.between(2*time.Second, 10*time.Second).Round(time.Millisecond)
	d.faults(n, emin, members)
	d.phases(emin)
	return w
}

// phases ends the world's settings with its two phases: the safety phase until w.Repair, then the
// repair and a liveness phase of LivenessTimeouts maximum election timeouts (2·emin). It draws nothing.
func (d *drawer) phases(emin time.Duration) {
	w := d.w
	if w.Racy {
		// Raft promises no liveness with the timing rule broken: a racy world is a safety phase only.
		d.set("duration", ms(w.Repair))
		w.Repair = 0
		return
	}
	w.Bound = LivenessTimeouts * 2 * emin
	d.set("repair", ms(w.Repair))
	d.set("measure_from", ms(w.Repair))
	d.set("duration", ms(w.Repair+w.Bound))
}

// faults draws the safety phase's schedule: each kind of fault is switched on or off for the world,
// and the ones on come at a rate drawn for the world, until the repair.
func (d *drawer) faults(n int, emin time.Duration, members bool) {
	r, w := d.r, d.w
	kinds := []string{"crash", "partition", "cut", "isolate", "pause", "disk-stall", "disk-slow", "filter", "transfer", "churn", "blink"}
	var on []string
	for _, k := range kinds {
		if d.chance(0.5) {
			on = append(on, k)
		}
	}
	if members {
		d.membership(n)
	}
	if d.chance(0.15) && n > 1 {
		d.set("flap.up", "exp:"+ms(d.between(500*time.Millisecond, 3*time.Second)))
		d.set("flap.down", "exp:"+ms(d.between(50*time.Millisecond, 500*time.Millisecond)))
	}
	if len(on) == 0 {
		return
	}
	mean := d.between(150*time.Millisecond, 2*time.Second)
	st := &faultState{down: make([]time.Duration, n+1), mesh: d.mesh}
	var events []timed
	for at := time.Duration(0); ; {
		at += time.Duration(r.ExpFloat64() * float64(mean))
		at = at.Round(time.Millisecond)
		if at >= w.Repair {
			break
		}
		events = append(events, d.fault(on[r.IntN(len(on))], at, n, emin, st)...)
	}
	slices.SortStableFunc(events, func(a, b timed) int { return int(a.at - b.at) })
	for _, e := range events {
		if e.at < w.Repair {
			d.set(e.kind, e.text)
		}
	}
}

// forever is an undoing that never comes before the repair.
const forever = time.Duration(1<<63 - 1)

// faultState is what the schedule drawn so far has broken, so that each new fault is one the schedule's
// checks accept: a node crashed by ID is not crashed again before its restart, and the network's faults
// (partitions, cuts, isolations) come one episode at a time, each undone (heal, restore) before the next
// starts, or left to the repair.
type faultState struct {
	down     []time.Duration // by node ID: when its restart comes; 0 when up
	netUntil time.Duration   // when the current partition or isolation ends
	cutUntil time.Duration   // when the current cut's restore comes
	mesh     bool
}

// timed is a schedule entry and its time, for sorting.
type timed struct {
	at         time.Duration
	kind, text string
}

// fault draws one fault of kind at `at`, and its undoing when it has one.
func (d *drawer) fault(kind string, at time.Duration, n int, emin time.Duration, st *faultState) []timed {
	r := d.r
	later := at + d.between(emin, 20*emin).Round(time.Millisecond)
	switch kind {
	case "partition", "isolate":
		// One at a time; over a cut it may come (its heal, if any, after the cut's restore, which
		// must find its edges still cut).
		if at < st.netUntil || n < 2 {
			return nil
		}
		if at < st.cutUntil {
			later = max(later, st.cutUntil+time.Millisecond)
		}
		st.netUntil = forever
	case "cut":
		if at < st.netUntil || at < st.cutUntil || n < 2 || !st.mesh {
			return nil
		}
		if d.chance(0.3) {
			// The leader's messages stop reaching one follower, the rest still hear it: the follower
			// times out early (PreVote's and CheckQuorum's case). Named when it fires, so no restore
			// can name it: the heal or the repair ends it.
			return []timed{{at, "cut", ms(at) + ":leader" + []string{"->", "<->"}[r.IntN(2)] + "follower"}}
		}
		st.cutUntil = forever
	}
	target := func() string {
		switch x := r.IntN(6); {
		case x == 0:
			return "leader"
		case x == 1 && n > 1:
			return "follower"
		}
		return strconv.Itoa(d.node(n))
	}
	var gray string // a gray failure's target
	switch kind {
	case "crash":
		t := target()
		id, byID := strconv.Atoi(t)
		if byID == nil && at < st.down[id] {
			return nil // down already, until its restart
		}
		out := []timed{{at, "crash", t + "@" + ms(at)}}
		if t == "leader" {
			t = "crashed-leader"
		}
		if t != "follower" && d.chance(0.7) {
			out = append(out, timed{later, "restart", t + "@" + ms(later)})
			if byID == nil {
				st.down[id] = later
			}
		} else if byID == nil {
			st.down[id] = forever
		}
		return out
	case "churn": // the leader crashes and comes back soon, over and over: Figure 8's leader changes
		short := at + d.between(emin/4, 3*emin).Round(time.Millisecond)
		return []timed{{at, "crash", "leader@" + ms(at)}, {short, "restart", "crashed-leader@" + ms(short)}}
	case "blink": // a node down for less than an election timeout: a crash between a reply and its write
		id := d.node(n)
		if at < st.down[id] {
			return nil
		}
		short := at + max(d.between(0, emin), time.Millisecond).Round(time.Millisecond)
		st.down[id] = short
		return []timed{{at, "crash", strconv.Itoa(id) + "@" + ms(at)}, {short, "restart", strconv.Itoa(id) + "@" + ms(short)}}
	case "partition":
		ids := r.Perm(n)
		cut := 1 + r.IntN(n-1)
		groups := []string{join(ids[:cut]), join(ids[cut:])}
		out := []timed{{at, "partition", ms(at) + ":" + strings.Join(groups, "|")}}
		if d.chance(0.7) {
			out = append(out, timed{later, "heal", ms(later)})
			st.netUntil = later + time.Millisecond
		}
		return out
	case "cut": // a partial partition: some links, in one direction or both
		var edges []string
		for i := 1; i <= n; i++ {
			for j := i + 1; j <= n; j++ {
				if d.chance(0.3) {
					arrow := []string{"<->", "->", "<-"}[r.IntN(3)]
					if arrow == "<-" {
						edges = append(edges, fmt.Sprintf("%d->%d", j, i))
					} else {
						edges = append(edges, fmt.Sprintf("%d%s%d", i, arrow, j))
					}
				}
			}
		}
		if len(edges) == 0 {
			st.cutUntil = 0
			return nil
		}
		list := strings.Join(edges, ",")
		out := []timed{{at, "cut", ms(at) + ":" + list}}
		if d.chance(0.7) {
			out = append(out, timed{later, "restore", ms(later) + ":" + list})
			st.cutUntil = later + time.Millisecond
		}
		return out
	case "isolate":
		t := target()
		out := []timed{{at, "isolate", t + "@" + ms(at)}}
		if d.chance(0.7) {
			out = append(out, timed{later, "heal", ms(later)})
			st.netUntil = later + time.Millisecond
		}
		return out
	case "pause", "disk-stall", "disk-slow":
		if gray = target(); gray != "leader" && gray != "follower" {
			if id, _ := strconv.Atoi(gray); at < st.down[id] {
				return nil // the schedule's checks refuse a gray failure of a node down by ID
			}
		}
	}
	switch kind {
	case "pause":
		return []timed{{at, "pause", gray + "@" + ms(at) + ":" + ms(d.between(emin/2, 10*emin))}}
	case "disk-stall":
		span := ms(d.between(emin/2, 10*emin))
		if d.chance(0.2) {
			span = "forever"
		}
		return []timed{{at, "disk-stall", gray + "@" + ms(at) + ":" + span}}
	case "disk-slow":
		return []timed{{at, "disk-slow", gray + "@" + ms(at) + "=exp:" + ms(max(emin/time.Duration(1+r.IntN(10)), time.Millisecond))}}
	case "filter":
		if n < 2 {
			return nil
		}
		action := "drop"
		if d.chance(0.4) {
			action = "delay:" + ms(d.between(time.Millisecond, 2*emin))
		}
		types := []string{"append", "votes", "replies", "heartbeat", "all"}[r.IntN(5)]
		from, to := d.node(n), d.node(n)
		if from == to {
			to = from%n + 1
		}
		link := fmt.Sprintf("%d->%d", from, to)
		if d.chance(0.3) {
			link = "leader->follower"
		}
		return []timed{{at, "filter", fmt.Sprintf("%s %s %s @%s-%s", action, types, link, ms(at), ms(later))}}
	case "transfer":
		t := strconv.Itoa(d.node(n))
		if n > 1 && d.chance(0.3) {
			t = "follower"
		}
		return []timed{{at, "transfer", t + "@" + ms(at)}}
	}
	panic("swarm: unknown fault kind " + kind)
}

// membership draws a replace, an add and a remove at times in the safety phase, as memberSwarm does in
// the cluster's tests.
func (d *drawer) membership(n int) {
	r, w := d.r, d.w
	at := func() string { return ms(d.between(300*time.Millisecond, w.Repair-time.Millisecond)) }
	old := d.node(n)
	gone := 1 + (old-1+1+r.IntN(n-1))%n // another original node
	d.set("replace_mode", []string{"learner", "direct"}[r.IntN(2)])
	d.set("replace", fmt.Sprintf("%d:%d@%s", old, n+1, at()))
	d.set("add", fmt.Sprintf("%d@%s", n+2, at()))
	d.set("remove", fmt.Sprintf("%d@%s", gone, at()))
}

// join writes 0-based node indexes as a comma-separated list of IDs.
func join(ix []int) string {
	parts := make([]string, len(ix))
	for i, x := range ix {
		parts[i] = strconv.Itoa(x + 1)
	}
	return strings.Join(parts, ",")
}
