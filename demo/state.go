package demo

import (
	"bytes"
	"cmp"
	"slices"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/sim"
)

// State is a picture of a session at its current instant. Times are milliseconds.
type State struct {
	NowMs     float64    `json:"nowMs"`
	Event     uint64     `json:"event"` // events fired since time 0
	EndMs     float64    `json:"endMs"`
	Leader    uint64     `json:"leader"` // the leader with a working majority; 0 for none
	Nodes     []Node     `json:"nodes"`
	Messages  []Message  `json:"messages"`
	Cuts      [][2]int64 `json:"cuts"`
	Partition [][]int64  `json:"partition"`
	Measures  Measures   `json:"measures"`
	Events    []string   `json:"events"`          // the last EventLines lines of the run's trace (docs/trace.md)
	Error     string     `json:"error,omitempty"` // what stopped the run (a safety violation), if anything
}

// Node is one node in a State.
type Node struct {
	ID            uint64  `json:"id"`
	Role          string  `json:"role"` // follower, precandidate, candidate, leader; "" when down
	Term          uint64  `json:"term"`
	Vote          uint64  `json:"vote"`
	Leader        uint64  `json:"leader"`
	Commit        uint64  `json:"commit"`
	LastIndex     uint64  `json:"lastIndex"`
	SnapshotIndex uint64  `json:"snapshotIndex"`
	Log           []Entry `json:"log"` // the last LogEntries entries after the snapshot
	// ElectionStartMs and ElectionDeadlineMs span the election timer, nil when it is not running.
	ElectionStartMs    *float64   `json:"electionStartMs"`
	ElectionDeadlineMs *float64   `json:"electionDeadlineMs"`
	Up                 bool       `json:"up"`
	Paused             bool       `json:"paused"`
	Progress           []Progress `json:"progress"` // the leader's view of each peer; empty otherwise
}

// Entry is a log entry in a State.
type Entry struct {
	Index     uint64 `json:"index"`
	Term      uint64 `json:"term"`
	Committed bool   `json:"committed"` // at or below this node's commit index
}

// Progress is a leader's nextIndex and matchIndex for a peer.
type Progress struct {
	Peer  uint64 `json:"peer"`
	Match uint64 `json:"match"`
	Next  uint64 `json:"next"`
}

// Message is a message in flight in a State.
type Message struct {
	ID        uint64  `json:"id"` // send number, stable across replays: what a drop action names
	From      uint64  `json:"from"`
	To        uint64  `json:"to"`
	Type      string  `json:"type"` // raft.MsgType's name, or request/reply for a client's
	Term      uint64  `json:"term"`
	Entries   int     `json:"entries"`
	Client    bool    `json:"client"`
	SentMs    float64 `json:"sentMs"`
	DeliverMs float64 `json:"deliverMs"`
}

// Measures are the run's measures so far.
type Measures struct {
	Availability        float64           `json:"availability"` // fraction of [0, now] with a working leader
	Writes              int               `json:"writes"`       // write actions
	CommittedWrites     int               `json:"committedWrites"`
	CommitLatencyMeanMs float64           `json:"commitLatencyMeanMs"` // of committed write actions, proposal to commit
	CommitLatencyP99Ms  float64           `json:"commitLatencyP99Ms"`
	ClientWrites        int64             `json:"clientWrites"` // the closed-loop clients' successful writes
	ClientLatencyMeanMs float64           `json:"clientLatencyMeanMs"`
	ClientLatencyP99Ms  float64           `json:"clientLatencyP99Ms"`
	Messages            map[string]uint64 `json:"messages"` // sent, by traffic class (cluster.ClassNames)
	Bytes               map[string]uint64 `json:"bytes"`
}

// Bounds on what a State carries.
const (
	LogEntries = 64 // entries per node
	EventLines = 40 // trace lines
)

func ms(t sim.Time) float64 { return nsToMs(t.Duration()) }

// State returns the picture of the session now.
func (s *Session) State() State {
	st := State{NowMs: ms(s.now), Event: s.c.Loop().Fired(), EndMs: ms(s.c.End()), Leader: s.c.WorkingLeader(),
		Nodes: make([]Node, 0, s.set.N), Messages: []Message{}, Cuts: [][2]int64{}, Partition: [][]int64{}}
	if err := s.Err(); err != nil {
		st.Error = err.Error()
	}
	for id := uint64(1); id <= uint64(s.set.N); id++ {
		st.Nodes = append(st.Nodes, s.node(id))
	}
	s.c.Flights(func(m cluster.Message) {
		sm := Message{ID: m.ID, From: m.From, To: m.To, Client: m.Client, SentMs: ms(m.Sent), DeliverMs: ms(m.Arrive)}
		switch {
		case m.Raft != nil:
			sm.Type, sm.Term, sm.Entries = m.Raft.Type.String(), m.Raft.Term, len(m.Raft.Entries)
		case m.Request:
			sm.Type = "request"
		default:
			sm.Type = "reply"
		}
		st.Messages = append(st.Messages, sm)
	})
	slices.SortFunc(st.Messages, func(a, b Message) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.DeliverMs, b.DeliverMs))
	})
	for _, e := range s.c.Cuts() {
		st.Cuts = append(st.Cuts, [2]int64{e.From, e.To})
	}
	// The partition is the last partition action applied, unless a heal or a restore came after it.
	for i := range s.actions {
		if !s.fired[i] {
			continue
		}
		switch a := &s.actions[i]; a.Kind {
		case Partition:
			st.Partition = a.Groups
		case Heal:
			st.Partition = [][]int64{}
		}
	}
	if len(st.Cuts) == 0 {
		st.Partition = [][]int64{}
	}
	st.Measures = s.measures()
	s.c.FlushTrace()
	st.Events = s.log.lines()
	return st
}

func (s *Session) node(id uint64) Node {
	v := s.c.View(id)
	n := Node{ID: id, Up: v.Up, Paused: v.Paused, Log: []Entry{}, Progress: []Progress{}}
	var ents []raft.Entry
	if r := v.Node; r != nil {
		n.Role, n.Term, n.Vote, n.Leader = r.State().String(), r.Term(), r.Vote(), r.Leader()
		n.Commit, n.LastIndex, n.SnapshotIndex = r.Commit(), r.LastIndex(), r.SnapshotIndex()
		lo := max(n.SnapshotIndex+1, n.LastIndex+1-min(n.LastIndex, LogEntries))
		ents = r.Entries(lo, n.LastIndex+1)
		if r.State() == raft.Leader {
			for _, p := range r.Peers() {
				if pp, ok := r.Progress(p); ok {
					n.Progress = append(n.Progress, Progress{Peer: p, Match: pp.Match, Next: pp.Next})
				}
			}
		}
	} else {
		// Down: what its disk holds. Its commit index was volatile.
		d := v.Durable
		n.Term, n.Vote = d.HardState.Term, d.HardState.Vote
		n.SnapshotIndex = d.Snapshot.Index
		n.LastIndex = d.Snapshot.Index + uint64(len(d.Entries))
		ents = d.Entries[max(0, len(d.Entries)-LogEntries):]
	}
	for _, e := range ents {
		n.Log = append(n.Log, Entry{Index: e.Index, Term: e.Term, Committed: e.Index <= n.Commit})
	}
	if v.ElectionArmed {
		start, end := ms(v.ElectionStart), ms(v.ElectionDeadline)
		n.ElectionStartMs, n.ElectionDeadlineMs = &start, &end
	}
	return n
}

func (s *Session) measures() Measures {
	m := Measures{Messages: map[string]uint64{}, Bytes: map[string]uint64{}}
	if s.now > 0 {
		up := s.upTime
		if s.up {
			up += s.now - s.upSince // the time since the last event counts as it stands
		}
		m.Availability = float64(up) / float64(s.now)
	}
	var lat []sim.Time
	for _, w := range s.writes {
		m.Writes++
		if w.committed {
			m.CommittedWrites++
			lat = append(lat, w.committedAt-w.proposed)
		}
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		var sum sim.Time
		for _, d := range lat {
			sum += d
		}
		m.CommitLatencyMeanMs = ms(sum) / float64(len(lat))
		// nearest rank
		m.CommitLatencyP99Ms = ms(lat[(len(lat)*99+99)/100-1])
	}
	n, mean, p99 := s.c.ClientWrites()
	m.ClientWrites, m.ClientLatencyMeanMs, m.ClientLatencyP99Ms = n, mean/1e6, float64(p99)/1e6
	msgs, byts := s.c.Traffic()
	for i, name := range cluster.ClassNames {
		m.Messages[name], m.Bytes[name] = msgs[i], byts[i]
	}
	return m
}

// lineRing keeps the last lines written to it.
type lineRing struct {
	max  int
	buf  []string
	next int
	part []byte
}

func newLineRing(max int) *lineRing { return &lineRing{max: max} }

func (r *lineRing) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			r.part = append(r.part, p...)
			break
		}
		line := string(append(r.part, p[:i]...))
		r.part = r.part[:0]
		p = p[i+1:]
		if len(r.buf) < r.max {
			r.buf = append(r.buf, line)
		} else {
			r.buf[r.next] = line
			r.next = (r.next + 1) % r.max
		}
	}
	return n, nil
}

// lines returns the lines kept, oldest first.
func (r *lineRing) lines() []string {
	out := make([]string, 0, len(r.buf))
	out = append(out, r.buf[r.next:]...)
	return append(out, r.buf[:r.next]...)
}
