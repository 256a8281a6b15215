package swarm

import (
	"fmt"
	"strconv"
	"time"
)

// family is a corner family: worlds drawn from a narrow corner of the space, at a small share of the
// seeds. Swarm testing's general worlds switch every feature on and off at random, and some corners
// need several settings at once that are each common but rarely meet: two corner families draw those
// worlds on purpose. Each is named for the corner it explores, and each still draws its protocol
// variants, sizes and workload at random within it.
type family struct {
	name  string
	share float64 // of all seeds
	draw  func(*drawer)
}

// families are drawn in this order from a seed's "swarm/family" stream; the rest of the seeds (92%)
// draw general worlds.
var families = []family{
	{"figure8", 0.04, (*drawer).figure8},
	{"lease-edge", 0.04, (*drawer).leaseEdge},
}

// heavyTailed are the latencies whose spread reorders a round's messages most.
var heavyTailed = []timing{
	{"exp:5ms:1ms", 6 * time.Millisecond}, {"lognormal:5ms:1", 8 * time.Millisecond}, {"pareto:1ms:2", 2 * time.Millisecond},
}

// figure8 draws a world of elections racing replication, the setting of the extended Raft paper's
// Figure 8 (§5.4.2): an election timeout of about one broadcast time (0.7 to 1.2), heavy-tailed
// latency, one entry per AppendEntries, and neither PreVote nor CheckQuorum, which stop the
// disruptive elections that depose a leader between its counting replicas of an earlier term's entry
// and replicating its own. Such a world is racy (Raft promises no liveness there): a safety phase only,
// with the general fault schedule on top in a quarter of them (the races make leader changes enough).
func (d *drawer) figure8() {
	r, w := d.r, d.w
	n := 5 + r.IntN(3)
	d.set("nodes", strconv.Itoa(n))
	d.set("check", "true")
	lat := heavyTailed[r.IntN(len(heavyTailed))]
	d.set("latency", lat.spec)
	fs := fsyncs[r.IntN(2)]
	d.set("fsync", fs.spec)
	broadcast := 2*lat.nominal + fs.nominal
	emin := max(time.Duration((0.7+0.5*r.Float64())*float64(broadcast)).Round(time.Millisecond), 3*time.Millisecond)
	d.set("election_timeout", ms(emin)+":"+ms(2*emin))
	w.Racy = true
	d.set("pre_vote", "false")
	d.set("check_quorum", "false")
	d.variants()
	d.set("max_batch", "1")
	d.set("clients", strconv.Itoa(2+r.IntN(4)))
	d.set("keys", strconv.Itoa(3+r.IntN(18)))
	if d.chance(0.5) {
		d.set("read_ratio", strconv.FormatFloat(float64(10+r.IntN(40))/100, 'g', -1, 64))
		d.set("read_mode", "read_index")
	}
	d.set("client_timeout", ms(5*emin))
	d.set("op_deadline", ms(20*emin))
	w.Repair = d.between(2*time.Second, 6*time.Second).Round(time.Millisecond)
	if d.chance(0.25) {
		d.faults(n, emin, false)
	}
	d.phases(emin)
}

// leaseEdge draws a world at the edge of the lease's clock assumption (thesis §6.4.1): lease reads
// with a drift bound of 30% to 50%, one node's clock true and every other node's exactly the bound
// fast, a workload of mostly reads whose clients give up on a silent node quickly, and, again and
// again, leadership handed to a node (the slow one most of the time) that is then isolated — its
// clients still reach it, the voters elect another. A lease is safe only if it ends before a majority
// of the followers can time out, on their clocks; this is the case the bound is for, at its worst:
// the leader's clock the slowest, every other the fastest allowed. The timing rule holds (an election
// timeout of 12 to 25 broadcast times), so the world has a liveness phase.
func (d *drawer) leaseEdge() {
	r, w := d.r, d.w
	n := []int{3, 3, 3, 5}[r.IntN(4)]
	d.set("nodes", strconv.Itoa(n))
	d.set("check", "true")
	lat := latencies[r.IntN(2)] // the LAN ones
	d.set("latency", lat.spec)
	fs := fsyncs[0]
	d.set("fsync", fs.spec)
	broadcast := 2*lat.nominal + fs.nominal
	emin := time.Duration((12 + 13*r.Float64()) * float64(broadcast)).Round(time.Millisecond)
	d.set("election_timeout", ms(emin)+":"+ms(2*emin))
	// Heartbeats at a fifth to a tenth of the election timeout (etcd's defaults are a tenth): a lease
	// runs from the last heartbeat round a majority answered, while a follower's timer restarts with
	// any append; with rare heartbeats the lease starts long before the followers' timers do, and no
	// follower can come near its end.
	d.set("heartbeat", ms(max(emin/time.Duration(5+r.IntN(6)), time.Millisecond)))
	d.set("pre_vote", []string{"false", "thesis", "etcd"}[r.IntN(3)])
	d.set("check_quorum", "true")
	d.variants()
	drift := float64(30+r.IntN(21)) / 100
	d.set("clock_drift", strconv.FormatFloat(drift, 'g', -1, 64))
	slow := d.node(n)
	for id := 1; id <= n; id++ {
		if id != slow {
			d.set("node", fmt.Sprintf("%d:clock_rate=+%dppm", id, int(drift*1e6+0.5)))
		}
	}
	d.set("clients", strconv.Itoa(5+r.IntN(4)))
	d.set("keys", strconv.Itoa(3+r.IntN(8)))
	d.set("read_ratio", strconv.FormatFloat(float64(60+r.IntN(36))/100, 'g', -1, 64))
	d.set("read_mode", "lease")
	// A client stuck on the cut-off leader moves on within a fraction of an election timeout, so that
	// writes reach the next leader while the old one's lease may still hold.
	d.set("client_timeout", ms(max(emin/12, 2*time.Millisecond)))
	d.set("op_deadline", ms(20*emin))

	w.Repair = d.between(3*time.Second, 10*time.Second).Round(time.Millisecond)
	mean := d.between(100*time.Millisecond, 400*time.Millisecond)
	for at := time.Duration(0); ; {
		at += time.Millisecond + time.Duration(r.ExpFloat64()*float64(mean)).Round(time.Millisecond)
		to := slow
		if d.chance(0.3) {
			to = d.node(n)
		}
		iso := at + d.between(emin, 2*emin).Round(time.Millisecond)
		heal := iso + d.between(2*emin, 5*emin).Round(time.Millisecond)
		if heal >= w.Repair {
			break
		}
		d.set("transfer", fmt.Sprintf("%d@%s", to, ms(at)))
		d.set("isolate", "leader@"+ms(iso))
		d.set("heal", ms(heal))
		at = heal
	}
	d.phases(emin)
}

// variants draws the implementation variants every world draws (docs/check.md).
func (d *drawer) variants() {
	r := d.r
	d.set("vote_write", []string{"parallel", "before_send"}[r.IntN(2)])
	d.set("voter_timer", []string{"on_grant", "on_durable"}[r.IntN(2)])
	if d.chance(0.3) {
		d.set("vote_write_holds_timer", "true")
	}
	d.set("heartbeat_reply", []string{"queued", "at_once"}[r.IntN(2)])
}
