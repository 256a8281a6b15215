package demo

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/raftsim/raftsim/cluster"
	"github.com/raftsim/raftsim/raft"
	"github.com/raftsim/raftsim/sim"
)

// Session is one interactive run: settings, actions, and the run positioned at an instant. It is not
// safe for concurrent use.
type Session struct {
	set Settings
	cfg cluster.Config
	// actions in the order they were added: action i fires in reserved place base+i of the loop's
	// order, so replaying them all from the start orders them as they were ordered live.
	actions []Action
	fired   []bool
	timers  []sim.Timer

	c    *cluster.Cluster
	base uint64
	now  sim.Time // the session's clock: the loop's, or later after RunTo
	log  *lineRing
	// traceTo, when set (by tests), also receives the whole trace.
	traceTo io.Writer

	// measures, updated after every event
	upTime  sim.Time // time with a working leader up to upSince, the last event
	upSince sim.Time
	up      bool // whether there was one after that event
	writes  []write

	// limit is the *cluster.LimitError that stopped the run at MaxEvents, nil before.
	limit error
}

// write is a write action's entry, and when it committed.
type write struct {
	proposed    sim.Time
	node        uint64
	index, term uint64
	committed   bool
	committedAt sim.Time
	refused     bool // no leader took it
}

// MaxStep bounds the events one Step call fires.
const MaxStep = 100_000

// MaxEvents bounds the events of a session's run: reaching it stops the run with a
// *cluster.LimitError, as a cluster limit does. Every move (Open, Seek back, which replays from the
// start) costs at most this many events, a few seconds in a browser, whatever the settings: without
// it a share string of 9 nodes with a 1 µs heartbeat and a 600 s timeline fired about 10^10 events
// when the page opened it, hours in which the tab hung. Sensible settings stay far below it (9 nodes
// with the paper's timeouts, 3 clients and 600 s fire 245,859).
const MaxEvents = 2_000_000

// maxEvents is the limit in force; tests lower it.
var maxEvents = MaxEvents

// New starts a session with the given settings at time 0, with no action.
func New(set Settings) (*Session, error) {
	return newSession(set, nil)
}

func newSession(set Settings, actions []Action) (*Session, error) {
	cfg, err := set.Config()
	if err != nil {
		return nil, err
	}
	endMs := set.DurationMs
	if len(actions) > MaxActions {
		return nil, fmt.Errorf("demo: actions: %d: at most %d", len(actions), MaxActions)
	}
	for i, a := range actions {
		if err := a.check(fmt.Sprintf("actions[%d]", i), set.N, endMs); err != nil {
			return nil, err
		}
	}
	s := &Session{set: set, cfg: cfg, actions: slices.Clone(actions)}
	if err := s.rebuild(); err != nil {
		return nil, err
	}
	return s, nil
}

// rebuild starts the run again from time 0 with every action scheduled.
func (s *Session) rebuild() error {
	s.log = newLineRing(EventLines)
	cfg := s.cfg
	cfg.Trace = s.log
	if s.traceTo != nil {
		cfg.Trace = io.MultiWriter(s.log, s.traceTo)
	}
	c, err := cluster.New(cfg)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := c.Start(); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	s.c, s.now, s.limit = c, 0, nil
	s.base = c.Loop().Reserve(MaxActions)
	s.upTime, s.upSince, s.up, s.writes = 0, 0, false, nil
	s.fired = make([]bool, len(s.actions))
	s.timers = make([]sim.Timer, len(s.actions))
	for i := range s.actions {
		s.schedule(i)
	}
	s.observe()
	return nil
}

func (s *Session) schedule(i int) {
	s.timers[i] = s.c.Loop().AtReserved(sim.Time(s.actions[i].at()), s.base+uint64(i), actionEvent{s}, uint64(i))
}

// actionEvent fires action i.
type actionEvent struct{ s *Session }

func (e actionEvent) Fire(i uint64) { e.s.apply(int(i)) }

func (s *Session) apply(i int) {
	s.fired[i] = true
	a := &s.actions[i]
	if e, ok := a.event(); ok {
		s.c.Apply(e)
		return
	}
	switch a.Kind {
	case Timeout:
		_ = s.c.Timeout(uint64(a.Node)) // a down node ignores it
	case Drop:
		s.c.DropMessage(a.Msg) // a message that has arrived can no longer be dropped
	case Write:
		w := write{proposed: s.c.Loop().Now(), node: uint64(a.Node)}
		if w.node == 0 {
			w.node = s.leaderNow()
		}
		if w.node == 0 {
			w.refused = true
		} else if idx, term, err := s.c.Propose(w.node); err != nil {
			w.refused = true
		} else {
			w.index, w.term = idx, term
		}
		s.writes = append(s.writes, w)
	}
}

// leaderNow is the live leader of the highest term, or 0.
func (s *Session) leaderNow() uint64 {
	var id, term uint64
	for n := 1; n <= s.set.N; n++ {
		v := s.c.View(uint64(n))
		if v.Node != nil && !v.Paused && v.Node.State() == raft.Leader && v.Node.Term() >= term {
			id, term = uint64(n), v.Node.Term()
		}
	}
	return id
}

// observe updates the measures after an event.
func (s *Session) observe() {
	now := s.c.Loop().Now()
	up := s.c.WorkingLeader() != 0
	if s.up {
		s.upTime += now - s.upSince
	}
	s.up, s.upSince = up, now
	for i := range s.writes {
		w := &s.writes[i]
		if w.committed || w.refused {
			continue
		}
		for n := 1; n <= s.set.N; n++ {
			v := s.c.View(uint64(n))
			if v.Node == nil || v.Node.Commit() < w.index {
				continue
			}
			if e, ok := v.Node.Entry(w.index); ok && e.Term == w.term {
				w.committed, w.committedAt = true, now
				break
			}
		}
	}
}

// step fires one event due at or before by, and reports whether it did.
func (s *Session) step(by sim.Time) bool {
	if s.limit != nil {
		return false
	}
	if s.c.Loop().Fired() >= uint64(maxEvents) {
		s.limit = &cluster.LimitError{At: s.c.Loop().Now().Duration(), What: "events", Limit: maxEvents,
			Why: "the demo stops a run there, to keep the page responsive: fewer nodes, a longer heartbeatMs or electionMinMs, or a shorter durationMs"}
		return false
	}
	if !s.c.Step(by) {
		return false
	}
	s.observe()
	s.now = max(s.now, s.c.Loop().Now())
	return true
}

// Err is the error that stopped the run, if any: a safety violation, a limit.
func (s *Session) Err() error {
	if s.limit != nil {
		return s.limit
	}
	return s.c.Err()
}

// Step fires the next n events (1..MaxStep), fewer if the timeline ends.
func (s *Session) Step(n int) error {
	if n < 1 || n > MaxStep {
		return fmt.Errorf("demo: n: %d: want 1 to %d", n, MaxStep)
	}
	for range n {
		if !s.step(s.c.End()) {
			break
		}
	}
	return nil
}

// RunTo fires every event before t and sets the clock to t. t must not be before now (going back is
// Seek) nor after the end.
func (s *Session) RunTo(t time.Duration) error {
	if t < s.now.Duration() || t > s.c.End().Duration() {
		return fmt.Errorf("demo: ms: %v: want from now (%v) to the end (%v)", nsToMs(t), nsToMs(s.now.Duration()), nsToMs(s.c.End().Duration()))
	}
	s.runTo(sim.Time(t))
	return nil
}

func (s *Session) runTo(t sim.Time) {
	for t > 0 && s.step(t-1) {
	}
	if s.Err() == nil {
		s.now = max(s.now, t)
	}
}

// Seek moves to instant t, forward or back: going back replays the run from the start.
func (s *Session) Seek(t time.Duration) error {
	if t < 0 || t > s.c.End().Duration() {
		return fmt.Errorf("demo: ms: %v: want 0 to the end (%v)", nsToMs(t), nsToMs(s.c.End().Duration()))
	}
	if sim.Time(t) < s.now {
		if err := s.rebuild(); err != nil {
			return err
		}
	}
	s.runTo(sim.Time(t))
	return nil
}

// SeekEvent moves to just after the k-th event since time 0 (k = 0: the start), replaying from the
// start if that is behind.
func (s *Session) SeekEvent(k uint64) error {
	if k < s.c.Loop().Fired() {
		if err := s.rebuild(); err != nil {
			return err
		}
	}
	for s.c.Loop().Fired() < k && s.step(s.c.End()) {
	}
	// The clock is the k-th event's: after a RunTo it may stand later, past events not yet fired.
	s.now = s.c.Loop().Now()
	return nil
}

// Now is the session's clock.
func (s *Session) Now() time.Duration { return s.now.Duration() }

// Events is how many events have fired since time 0.
func (s *Session) Events() uint64 { return s.c.Loop().Fired() }

// Settings returns the session's settings.
func (s *Session) Settings() Settings { return s.set }

// Actions returns the session's actions, sorted by time (stable: the order they apply in).
func (s *Session) Actions() []Action {
	out := slices.Clone(s.actions)
	slices.SortStableFunc(out, func(a, b Action) int { return cmp.Compare(a.at(), b.at()) })
	return out
}

// Act applies a now, and forks: every action not yet applied is dropped first. a.AtMs is set to now;
// if events of this very instant have already fired, to 1 ns later, so that the action keeps its
// place after them on a replay.
func (s *Session) Act(a Action) error {
	at := s.now
	if at == s.c.Loop().Now() && s.c.Loop().Fired() > 0 {
		at++
	}
	a.AtMs = nsToMs(at.Duration())
	if err := a.check("action", s.set.N, s.set.DurationMs); err != nil {
		return err
	}
	pending := false
	for i := range s.actions {
		if !s.fired[i] {
			pending = true
		}
	}
	if pending {
		if err := s.fork(); err != nil {
			return err
		}
	}
	if err := s.Schedule(a); err != nil {
		return err
	}
	i := len(s.actions) - 1
	for !s.fired[i] && s.step(at) {
	}
	if s.Err() == nil {
		s.now = max(s.now, at)
	}
	return nil
}

// fork drops the actions not yet applied and replays to the same instant.
func (s *Session) fork() error {
	k, now := s.c.Loop().Fired(), s.now
	var kept []Action
	for i, a := range s.actions {
		if s.fired[i] {
			kept = append(kept, a)
		}
	}
	s.actions = kept
	if err := s.rebuild(); err != nil {
		return err
	}
	// The dropped actions had not fired: the first k events are the same without them.
	for s.c.Loop().Fired() < k && s.step(s.c.End()) {
	}
	s.now = now
	return nil
}

// ErrTooMany is returned when a session already holds MaxActions actions.
var ErrTooMany = errors.New("demo: actions: too many (at most 2000)")

// Schedule adds a at a.AtMs, which must not be before now, without dropping any action.
func (s *Session) Schedule(a Action) error {
	if err := a.check("action", s.set.N, s.set.DurationMs); err != nil {
		return err
	}
	// At an instant where events have fired already, the action would fire before them on a replay
	// (actions come first at their instant), so it must wait for the next nanosecond.
	if at := sim.Time(a.at()); at < s.now || at <= s.c.Loop().Now() && s.c.Loop().Fired() > 0 {
		return fmt.Errorf("demo: action.atMs: %v: before now (%v); go back (seek) and act there to fork", a.AtMs, nsToMs(s.now.Duration()))
	}
	if len(s.actions) >= MaxActions {
		return ErrTooMany
	}
	s.actions = append(s.actions, a)
	s.fired = append(s.fired, false)
	s.timers = append(s.timers, sim.Timer{})
	s.schedule(len(s.actions) - 1)
	return nil
}
