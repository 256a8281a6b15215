package trace

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// MaxLine bounds a line of a trace, in bytes. The longest lines raftsim writes are violations, whose
// detail is a few hundred bytes; a longer line is not a trace.
const MaxLine = 1 << 20

// Error is a malformed trace: a line that is too long, not a JSON object, or has a field of the wrong
// type, or a header this package cannot read.
type Error struct {
	Line int // 1-based
	Err  error
}

func (e *Error) Error() string { return fmt.Sprintf("trace: line %d: %v", e.Line, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// ErrTooLong is wrapped by the Error for a line longer than MaxLine.
var ErrTooLong = fmt.Errorf("longer than %d bytes", MaxLine)

// Reader reads a trace one event at a time.
type Reader struct {
	sc   *bufio.Scanner
	line int
	info Info
	// Inference for a trace with no header: the largest node ID seen, and the node count a client
	// message gives (its client endpoint minus its client number).
	header           bool
	maxNode, clients uint64
	nodesFromClient  uint64
	err              error
}

// NewReader reads the trace r holds.
func NewReader(r io.Reader) *Reader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
	return &Reader{sc: sc}
}

// raw is a line as encoding/json sees it: pointers where docs/trace.md says a key may be absent and
// the difference matters.
type raw struct {
	T         *int64  `json:"t"`
	Ev        *string `json:"ev"`
	Node      uint64  `json:"node"`
	From      uint64  `json:"from"`
	To        uint64  `json:"to"`
	Type      string  `json:"type"`
	Term      *uint64 `json:"term"`
	State     string  `json:"state"`
	Lead      uint64  `json:"lead"`
	Timer     string  `json:"timer"`
	Index     uint64  `json:"index"`
	LogTerm   uint64  `json:"log_term"`
	Commit    uint64  `json:"commit"`
	Entries   uint64  `json:"entries"`
	Hint      uint64  `json:"hint"`
	HintTerm  uint64  `json:"hint_term"`
	Ctx       uint64  `json:"ctx"`
	Reject    bool    `json:"reject"`
	Bytes     uint64  `json:"bytes"`
	Reason    string  `json:"reason"`
	Seq       uint64  `json:"seq"`
	Vote      uint64  `json:"vote"`
	First     uint64  `json:"first"`
	Last      uint64  `json:"last"`
	Released  uint64  `json:"released"`
	Kind      string  `json:"kind"`
	Desc      string  `json:"desc"`
	Client    uint64  `json:"client"`
	OK        bool    `json:"ok"`
	Leader    uint64  `json:"leader"`
	Read      bool    `json:"read"`
	Key       uint64  `json:"key"`
	Value     uint64  `json:"value"`
	Prev      uint64  `json:"prev"`
	Invoke    int64   `json:"invoke"`
	Complete  int64   `json:"complete"`
	Attempts  uint64  `json:"attempts"`
	What      string  `json:"what"`
	Invariant string  `json:"invariant"`
	Detail    string  `json:"detail"`
	Seed      uint64  `json:"seed"`
	Version   *int    `json:"version"`
	Nodes     int     `json:"nodes"`
	Clients   int     `json:"clients"`
}

// Next returns the next event, the header included; io.EOF after the last. Any other error is an
// *Error, and every later call returns it again.
func (r *Reader) Next() (Event, error) {
	if r.err != nil {
		return Event{}, r.err
	}
	if !r.sc.Scan() {
		r.err = io.EOF
		if err := r.sc.Err(); errors.Is(err, bufio.ErrTooLong) {
			r.err = &Error{Line: r.line + 1, Err: ErrTooLong}
		} else if err != nil {
			r.err = fmt.Errorf("trace: after line %d: %w", r.line, err)
		}
		return Event{}, r.err
	}
	r.line++
	e, err := r.parse(r.sc.Bytes())
	if err != nil {
		r.err = &Error{Line: r.line, Err: err}
		return Event{}, r.err
	}
	return e, nil
}

func (r *Reader) parse(b []byte) (Event, error) {
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(bytes.TrimSpace(b)) == 0 {
		return Event{}, errors.New("an empty line")
	}
	var w raw
	if err := json.Unmarshal(b, &w); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return Event{}, fmt.Errorf("%q: want a %s, got a JSON %s", te.Field, te.Type, te.Value)
		}
		return Event{}, fmt.Errorf("not a JSON object: %v", err)
	}
	switch {
	case w.T == nil:
		return Event{}, errors.New(`no "t" (every event has its time)`)
	case *w.T < 0:
		return Event{}, fmt.Errorf(`"t" %d is negative`, *w.T)
	case w.Ev == nil:
		return Event{}, errors.New(`no "ev" (every event has its kind)`)
	}
	e := Event{
		Line: r.line, T: time.Duration(*w.T), Ev: *w.Ev, Kind: kindOf(*w.Ev),
		Node: w.Node, From: w.From, To: w.To, Type: w.Type, State: w.State, Lead: w.Lead, Timer: w.Timer,
		Index: w.Index, LogTerm: w.LogTerm, Commit: w.Commit, Entries: w.Entries, Hint: w.Hint,
		HintTerm: w.HintTerm, Ctx: w.Ctx, Reject: w.Reject, Bytes: w.Bytes, Reason: w.Reason,
		Seq: w.Seq, Vote: w.Vote, First: w.First, Last: w.Last, Released: w.Released,
		Desc: w.Desc, Client: w.Client, OK: w.OK, Leader: w.Leader, Read: w.Read, Key: w.Key,
		Value: w.Value, Prev: w.Prev, Invoke: time.Duration(w.Invoke), Complete: time.Duration(w.Complete),
		Attempts: w.Attempts, What: w.What, Invariant: w.Invariant, Detail: w.Detail, Seed: w.Seed,
		Nodes: w.Nodes, Clients: w.Clients,
	}
	if w.Term != nil {
		e.Term = *w.Term
		e.HardState = e.Kind == KindPersist
	}
	if e.Kind == KindFault {
		e.Fault = w.Kind
	}
	if e.Kind == KindHeader {
		if r.line != 1 {
			return Event{}, errors.New("a header (\"ev\":\"trace\") after the first line")
		}
		if w.Version == nil || *w.Version < 1 {
			return Event{}, errors.New(`a header with no "version" 1 or more`)
		}
		if *w.Version > Version {
			return Event{}, fmt.Errorf("format version %d; this raftsim reads version %d and older (a newer raftsim wrote it)", *w.Version, Version)
		}
		if w.Nodes < 1 || w.Nodes > MaxNodeID || w.Clients < 0 || w.Clients > MaxNodeID {
			return Event{}, fmt.Errorf("a header with %d nodes and %d clients", w.Nodes, w.Clients)
		}
		e.Version = *w.Version
		r.header = true
		r.info = Info{Version: e.Version, Nodes: w.Nodes, Clients: w.Clients, Seed: w.Seed}
		return e, nil
	}
	r.observe(&e)
	return e, nil
}

// observe infers the run's endpoints from an event of a trace without a header.
func (r *Reader) observe(e *Event) {
	if r.header {
		return
	}
	switch e.Kind {
	case KindState, KindTimeout, KindPersist, KindCommit, KindFault, KindScenario:
		r.maxNode = max(r.maxNode, e.Node)
	case KindRequest:
		// From is client endpoint N+Client.
		if e.Client > 0 && e.From > e.Client {
			r.nodesFromClient = e.From - e.Client
		}
		r.clients = max(r.clients, e.Client)
		r.maxNode = max(r.maxNode, e.To)
	case KindReply:
		r.clients = max(r.clients, e.Client)
		r.maxNode = max(r.maxNode, e.From)
	case KindOp:
		r.clients = max(r.clients, e.Client)
	case KindSend:
		r.maxNode = max(r.maxNode, e.From, e.To)
	}
}

// Info is the header's, or, for a trace without one, what the events read so far imply.
func (r *Reader) Info() Info {
	if r.header {
		return r.info
	}
	n := r.maxNode
	if r.nodesFromClient > 0 {
		n = r.nodesFromClient
	}
	return Info{Nodes: int(min(n, MaxNodeID)), Clients: int(min(r.clients, MaxNodeID)), Inferred: true}
}

// ReadAll reads the whole trace and returns its events that f matches (nil: every one), the header
// left out, in the order of the trace, with the trace's Info. Its memory grows with the events kept:
// filter what a long trace does not need.
func ReadAll(r io.Reader, f *Filter) ([]Event, Info, error) {
	tr := NewReader(r)
	var out []Event
	for {
		e, err := tr.Next()
		if err == io.EOF {
			return out, tr.Info(), nil
		}
		if err != nil {
			return nil, Info{}, err
		}
		if e.Kind != KindHeader && f.Match(&e) {
			out = append(out, e)
		}
	}
}
