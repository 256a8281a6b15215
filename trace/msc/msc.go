package msc

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/raftsim/raftsim/trace"
)

// DefaultMaxMessages is the cap on the messages a chart draws when Options.MaxMessages is 0.
const DefaultMaxMessages = 300

// MaxColumns bounds the lifelines of a chart: beyond it no label can be read.
const MaxColumns = 40

// GapMark is the gap between two rows past which the chart marks the time that passed.
const GapMark = 10 * time.Millisecond

// Options choose what a chart shows.
type Options struct {
	// From and To are the window, in simulated time. To 0 means the default end: once the first leader
	// elected at or after From has heard back from a follower (the end of an election), or the end of
	// the trace if no leader is elected.
	From, To time.Duration
	// Nodes are the lifelines, in this order; empty: every node of the trace.
	Nodes []uint64
	// Clients adds the clients' lifelines, with their requests and replies.
	Clients bool
	// Types, when not empty, are the message types drawn.
	Types []string
	// MaxMessages caps the messages drawn: the first ones sent; 0 means DefaultMaxMessages. The
	// events drawn (a message is two: its send and its delivery or loss; states, timeouts and faults
	// one each) are capped at EventsPerMessage times it.
	MaxMessages int
	// Title heads the chart (the trace's file name, say).
	Title string
}

// EventsPerMessage is the events a chart draws per message of its cap (Options.MaxMessages): two
// for each message, and as many again for the states, timeouts and faults around them. Without a cap
// on them, a window of a trace whose messages were filtered out (--type) or sent before it drew every
// state change and delivery in it: 600,000 deliveries made a 32 MB chart and took 1 GB.
const EventsPerMessage = 4

func (o *Options) maxEvents() int { return EventsPerMessage * o.max() }

func (o *Options) max() int {
	if o.MaxMessages > 0 {
		return o.MaxMessages
	}
	return DefaultMaxMessages
}

// ender finds the default end of a window: the first leader elected in it, once a response from a
// follower reaches it.
type ender struct {
	leader   uint64
	electedT time.Duration
	elected  bool
}

// feed says whether e ends the window (e itself is in it).
func (d *ender) feed(e *trace.Event) bool {
	switch {
	case !d.elected && e.Kind == trace.KindState && e.State == "leader":
		d.leader, d.electedT, d.elected = e.Node, e.T, true
	case d.elected && e.Kind == trace.KindDeliver && e.To == d.leader && e.T > d.electedT &&
		(e.Type == "app_resp" || e.Type == "heartbeat_resp"):
		return true
	}
	return false
}

// kept says whether a chart may draw e (before the choice of lifelines): Collect keeps no other.
func kept(e *trace.Event) bool {
	switch e.Kind {
	case trace.KindState, trace.KindFault, trace.KindViolation, trace.KindScenario,
		trace.KindSend, trace.KindDeliver, trace.KindDrop, trace.KindRequest, trace.KindReply:
		return true
	case trace.KindTimeout:
		return e.Timer == "election"
	}
	return false
}

// selector picks the events of a chart's window one by one, in trace order: Collect and Write run
// the same one, so a chart of the events Collect kept is the chart of the whole trace.
type selector struct {
	o     *Options
	has   func(uint64) bool // is a lifeline
	end   ender
	total int // messages drawable in the window
	drawn int // events drawable in the window
	cut   bool
	// cutEvents says the cut was made by the cap on events (Options.maxEvents), not on messages.
	cutEvents bool
	cutAt     time.Duration // the time of the first message past the cap
	to        time.Duration // the window's end once known (the default end, or the cut)
	prior     map[uint64]priorState
}

// take says whether e is drawn and whether the window has ended (at e, included, or before it).
func (s *selector) take(e *trace.Event) (draw, stop bool) {
	if e.T < s.o.From {
		s.before(e)
		return false, false
	}
	if !kept(e) {
		return false, false
	}
	if s.o.To > 0 && e.T > s.o.To {
		return false, true
	}
	if s.cut {
		return false, e.T > s.cutAt // the rest of the cut's instant is dropped by Write
	}
	d := drawable(e, s.o, s.has)
	if d {
		if isSend(e) {
			s.total++
		}
		if s.drawn++; s.total > s.o.max() || s.drawn > s.o.maxEvents() {
			s.cut, s.cutAt, s.to = true, e.T, e.T-1
			s.cutEvents = s.total <= s.o.max()
			return false, false
		}
	}
	// The default end is the first election's, whatever is drawn of it.
	if s.o.To == 0 && s.end.feed(e) {
		s.to = e.T
		return d, true
	}
	return d, false
}

// before records what an event before the window says of a node's state when the window opens: its
// role and term, and whether it is down.
func (s *selector) before(e *trace.Event) {
	if e.Kind != trace.KindState && !(e.Kind == trace.KindFault && e.Node != 0 && (e.Fault == "crash" || e.Fault == "restart")) {
		return
	}
	if s.prior == nil {
		s.prior = map[uint64]priorState{}
	}
	p := s.prior[e.Node]
	if e.Kind == trace.KindState {
		p.state = e
	} else {
		p.fault = e
	}
	s.prior[e.Node] = p
}

// priorState is a node's last state event and last crash or restart before the window.
type priorState struct{ state, fault *trace.Event }

// events are the prior states' events, in trace order.
func (p priorState) events() []*trace.Event {
	var out []*trace.Event
	for _, e := range []*trace.Event{p.state, p.fault} {
		if e != nil {
			out = append(out, e)
		}
	}
	return out
}

// Collect reads from r the events a chart of o needs, and no more of the trace than the window: a
// chart of the first election of a long trace reads its first few hundred lines. Its errors are r's.
// With o.Nodes and o.Clients both set on a trace without a header, it may keep fewer messages than a
// chart of the whole trace draws (the clients' endpoints are then inferred as it reads).
func Collect(r *trace.Reader, o Options) ([]trace.Event, error) {
	var out []trace.Event
	s := selector{o: &o, has: func(id uint64) bool {
		if len(o.Nodes) == 0 {
			return true // every endpoint is a lifeline (client messages are drawn only with o.Clients)
		}
		return slices.Contains(o.Nodes, id) || (o.Clients && id > uint64(r.Info().Nodes))
	}}
	// The nodes' states before the window, in trace order, ahead of the window's events.
	withPrior := func(out []trace.Event) []trace.Event {
		var pre []trace.Event
		for _, p := range s.prior {
			for _, e := range p.events() {
				pre = append(pre, *e)
			}
		}
		slices.SortFunc(pre, func(a, b trace.Event) int { return a.Line - b.Line })
		return append(pre, out...)
	}
	keptCut := false // whether the message that made the cut is in out
	for {
		e, err := r.Next()
		if err == io.EOF {
			return withPrior(out), nil
		}
		if err != nil {
			return nil, err
		}
		if e.T < o.From {
			e := e // kept by the selector
			s.take(&e)
			continue
		}
		draw, stop := s.take(&e)
		// What Write's own selector needs to end the window where this one did: the events it
		// draws, the first leader's election and the event that ended the window (neither of
		// which may be drawn), and the message that made the cut.
		// Only the cutting message of the cut's instant: the rest of that instant is not drawn, and a
		// trace may hold millions of events at one instant (cluster.MaxEventsAtOnce), which kept
		// them all (1.2 GB for 600,000 sends at one instant).
		cutMsg := s.cut && e.T == s.cutAt && !keptCut
		keptCut = keptCut || cutMsg
		if draw || stop || cutMsg || (e.Kind == trace.KindState && e.State == "leader") {
			out = append(out, e)
		}
		if stop {
			return withPrior(out), nil
		}
	}
}

func isSend(e *trace.Event) bool {
	return e.Kind == trace.KindSend || e.Kind == trace.KindRequest || e.Kind == trace.KindReply
}

// msgKey identifies a message: a delivery or a drop repeats its send's fields.
type msgKey struct {
	from, to, term, index, logTerm, commit, entries, hint, hintTerm, ctx, client, seq uint64
	typ                                                                               string
	reject                                                                            bool
}

func keyOf(e *trace.Event) msgKey {
	typ := e.Type
	switch e.Kind {
	case trace.KindRequest:
		typ = "request"
	case trace.KindReply:
		typ = "reply"
	}
	k := msgKey{from: e.From, to: e.To, typ: typ}
	if typ == "request" || typ == "reply" {
		k.client, k.seq = e.Client, e.Seq
		return k
	}
	k.term, k.index, k.logTerm, k.commit, k.entries = e.Term, e.Index, e.LogTerm, e.Commit, e.Entries
	k.hint, k.hintTerm, k.ctx, k.reject = e.Hint, e.HintTerm, e.Ctx, e.Reject
	return k
}

// arrow is one message drawn.
type arrow struct {
	send     *trace.Event
	end      *trace.Event // its delivery or drop; nil: after the window
	sendRow  int
	endRow   int // -1: after the window
	dropped  bool
	label    string
	class    string
	rejected bool
}

// Write draws events (in trace order, as Collect or trace.ReadAll return them; events the chart does
// not draw are passed over) as an SVG message-sequence chart of the window o chooses. info names the
// trace's endpoints. Its errors are w's, or a chart with no lifeline or too many.
func Write(w io.Writer, events []trace.Event, info trace.Info, o Options) error {
	cols := columns(events, info, o)
	if len(cols) == 0 {
		return errors.New("msc: no node to draw (the trace has no events of nodes)")
	}
	if len(cols) > MaxColumns {
		return fmt.Errorf("msc: %d lifelines; a chart draws at most %d (choose nodes)", len(cols), MaxColumns)
	}
	colOf := make(map[uint64]int, len(cols))
	for i, id := range cols {
		colOf[id] = i
	}
	has := func(id uint64) bool { _, ok := colOf[id]; return ok }

	// The window and the events in it that the chart draws.
	var in []*trace.Event
	sel := selector{o: &o, has: has}
	for i := range events {
		e := &events[i]
		draw, stop := sel.take(e)
		if draw {
			in = append(in, e)
		}
		if stop {
			break
		}
	}
	from, to := o.From, o.To
	if sel.to > 0 {
		to = sel.to
	}
	if sel.cut {
		// Events at the cut's instant before the cutting message are dropped, so that no half an
		// instant is shown.
		for len(in) > 0 && in[len(in)-1].T >= sel.cutAt {
			in = in[:len(in)-1]
		}
	}
	if to == 0 && len(in) > 0 {
		to = in[len(in)-1].T
	}
	total, cut, cutEvents := sel.total, sel.cut, sel.cutEvents

	// Rows: the distinct times of the events drawn.
	var times []time.Duration
	for _, e := range in {
		if len(times) == 0 || times[len(times)-1] != e.T {
			times = append(times, e.T)
		}
	}
	rowOf := func(t time.Duration) int {
		i, _ := slices.BinarySearch(times, t)
		return i
	}

	// Messages: each send matched with its delivery or drop, first sent first matched (links are
	// FIFO; a reordered or duplicated message may pair with a twin, which draws the same arrow).
	var arrows []*arrow
	pending := map[msgKey][]*arrow{}
	lastOf := map[msgKey]*arrow{}
	for _, e := range in {
		switch {
		case isSend(e):
			a := &arrow{send: e, sendRow: rowOf(e.T), endRow: -1}
			a.label, a.class, a.rejected = labelOf(e)
			arrows = append(arrows, a)
			k := keyOf(e)
			pending[k] = append(pending[k], a)
			lastOf[k] = a
		case e.Kind == trace.KindDeliver || e.Kind == trace.KindDrop:
			k := keyOf(e)
			var a *arrow
			if q := pending[k]; len(q) > 0 {
				a, pending[k] = q[0], q[1:]
			} else if prev := lastOf[k]; prev != nil && prev.end != nil {
				// A duplicate: a second copy of a message already delivered.
				c := *prev
				a = &c
				arrows = append(arrows, a)
			} else {
				continue // sent before the window
			}
			a.end, a.endRow, a.dropped = e, rowOf(e.T), e.Kind == trace.KindDrop
		}
	}

	c := &chart{o: &o, info: info, cols: cols, colOf: colOf, times: times, in: in, arrows: arrows,
		from: from, to: to, total: total, cut: cut, cutEvents: cutEvents, prior: sel.prior}
	bw := bufio.NewWriter(w)
	c.draw(bw)
	return bw.Flush()
}

// drawable says whether the chart draws e, given its lifelines.
func drawable(e *trace.Event, o *Options, has func(uint64) bool) bool {
	if !kept(e) {
		return false
	}
	switch e.Kind {
	case trace.KindState, trace.KindTimeout:
		return has(e.Node)
	case trace.KindFault:
		return e.Node == 0 || has(e.Node)
	case trace.KindScenario, trace.KindViolation:
		return true
	}
	// A message.
	typ := keyOf(e).typ
	if (typ == "request" || typ == "reply") && !o.Clients {
		return false
	}
	if len(o.Types) > 0 && !slices.Contains(o.Types, typ) {
		return false
	}
	return has(e.From) && has(e.To)
}

// columns are the lifelines: o.Nodes, or every node of the trace, then the clients if asked.
func columns(events []trace.Event, info trace.Info, o Options) []uint64 {
	n := uint64(info.Nodes)
	if len(o.Nodes) > 0 {
		cols := slices.Clone(o.Nodes)
		for k := uint64(1); o.Clients && k <= uint64(info.Clients) && len(cols) <= MaxColumns; k++ {
			cols = append(cols, n+k)
		}
		return cols
	}
	if n == 0 {
		for i := range events {
			e := &events[i]
			if e.Kind == trace.KindState || e.Kind == trace.KindTimeout {
				n = max(n, e.Node)
			}
			if e.Kind == trace.KindSend {
				n = max(n, e.From, e.To)
			}
		}
	}
	var cols []uint64
	for id := uint64(1); id <= n && id <= MaxColumns+1; id++ {
		cols = append(cols, id)
	}
	if o.Clients {
		for k := uint64(1); k <= uint64(info.Clients) && len(cols) <= MaxColumns; k++ {
			cols = append(cols, n+k)
		}
	}
	return cols
}

// labelOf is a message's label ("vote t4", "vote_resp t4 no", "app t2 +3"), its style class, and
// whether it was a refusal.
func labelOf(e *trace.Event) (label, class string, rejected bool) {
	typ := keyOf(e).typ
	t := " t" + strconv.FormatUint(e.Term, 10)
	switch typ {
	case "vote", "prevote":
		return typ + t, "m-vote", false
	case "vote_resp", "prevote_resp":
		if e.Reject {
			return typ + t + " no", "m-vote", true
		}
		return typ + t + " yes", "m-vote", false
	case "app":
		return "app" + t + " +" + strconv.FormatUint(e.Entries, 10), "m-app", false
	case "app_resp":
		if e.Reject {
			return "app_resp" + t + " no", "m-app", true
		}
		return "app_resp" + t + " i" + strconv.FormatUint(e.Index, 10), "m-app", false
	case "heartbeat", "heartbeat_resp":
		return strings.Replace(typ, "heartbeat", "hb", 1) + t, "m-hb", false
	case "request", "reply":
		if typ == "reply" && e.Kind == trace.KindReply && !e.OK {
			return "reply #" + strconv.FormatUint(e.Seq, 10) + " no", "m-client", true
		}
		return typ + " #" + strconv.FormatUint(e.Seq, 10), "m-client", false
	case "timeout_now":
		return "timeout_now" + t, "m-other", false
	}
	return typ + t, "m-other", false
}

// chart is a chart being drawn.
type chart struct {
	o         *Options
	info      trace.Info
	cols      []uint64
	colOf     map[uint64]int
	times     []time.Duration
	rowY      []float64
	in        []*trace.Event
	arrows    []*arrow
	from, to  time.Duration
	total     int
	cut       bool
	cutEvents bool // the cut was by the cap on events, not on messages
	width     float64
	height    float64
	colW      float64
	prior     map[uint64]priorState // the nodes' states when the window opens
}

// Geometry, in px.
const (
	marginL = 92.0  // the time labels
	colW    = 124.0 // between lifelines, at least: a chart of few nodes spreads them over minW
	minW    = 640.0
	rowH    = 17.0
	gapH    = 14.0 // the extra room of a marked gap
	headH   = 132.0
	footH   = 24.0
)

func (c *chart) x(col int) float64 { return marginL + c.colW/2 + float64(col)*c.colW }

func (c *chart) layout() {
	y := headH + 30
	c.rowY = make([]float64, len(c.times))
	for i, t := range c.times {
		if i > 0 && t-c.times[i-1] > GapMark {
			y += gapH
		}
		c.rowY[i] = y
		y += rowH
	}
	c.height = y + rowH + footH
	c.colW = max(colW, (minW-marginL-20)/float64(len(c.cols)))
	c.width = marginL + float64(len(c.cols))*c.colW + 20
}

func (c *chart) draw(w *bufio.Writer) {
	c.layout()
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">`+"\n",
		num(c.width), num(c.height), num(c.width), num(c.height))
	p("<style>\n%s</style>\n", style)
	p(`<defs>`)
	for _, m := range []string{"m-vote", "m-app", "m-hb", "m-client", "m-other", "m-drop"} {
		p(`<marker id="h-%s" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="%s head"/></marker>`, m, m)
	}
	p("</defs>\n")
	p(`<rect width="100%%" height="100%%" fill="white"/>` + "\n")
	c.header(p)
	c.lifelines(p)
	c.rows(p)
	c.faults(p)
	c.messages(p)
	c.states(p)
	p("</svg>\n")
}

const style = `text{font-size:10px;fill:#222}
.title{font-size:14px;font-weight:bold}
.note{font-size:11px;fill:#444}
.warn{font-size:11px;fill:#b00020;font-weight:bold}
.time{font-size:9px;fill:#666;text-anchor:end}
.gap{font-size:9px;fill:#999;font-style:italic;text-anchor:end}
.col{font-size:12px;font-weight:bold;text-anchor:middle}
.life{stroke:#bbb;stroke-width:1.5}
.life-leader{stroke:#2e7d32;stroke-width:5;opacity:.55}
.life-cand{stroke:#ef6c00;stroke-width:3;opacity:.55}
.life-down{stroke:#fff;stroke-width:3;stroke-dasharray:3 4}
.msg{fill:none;stroke-width:1.2}
.lbl{font-size:9px;paint-order:stroke;stroke:white;stroke-width:3px;stroke-linejoin:round}
.m-vote{stroke:#1f5fbf;fill:#1f5fbf}
.m-app{stroke:#2e7d32;fill:#2e7d32}
.m-hb{stroke:#9e9e9e;fill:#9e9e9e}
.m-client{stroke:#8d6e63;fill:#8d6e63}
.m-other{stroke:#8e24aa;fill:#8e24aa}
.m-drop{stroke:#d32f2f;fill:#d32f2f}
text.m-vote,text.m-app,text.m-hb,text.m-client,text.m-other,text.m-drop{stroke:white}
.rej{stroke-dasharray:5 3}
.drop{stroke-dasharray:2 3}
.x{stroke:#d32f2f;stroke-width:2.2}
.tag{font-size:9px;font-weight:bold;fill:white;stroke:none}
.box-candidate{fill:#ef6c00}
.box-precandidate{fill:#ffb74d}
.box-leader{fill:#2e7d32}
.box-follower{fill:#90a4ae}
.tick{fill:#555}
.fault{stroke:#d32f2f;stroke-width:1.2;stroke-dasharray:6 3}
.fault-t{font-size:10px;fill:#d32f2f;font-weight:bold}
.crash{stroke:#d32f2f;stroke-width:3}
`

type printf func(format string, args ...any)

// num formats a coordinate: at most one decimal, so the output is short and the same everywhere.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func (c *chart) header(p printf) {
	title := c.o.Title
	if title == "" {
		title = "message-sequence chart"
	}
	p(`<text x="12" y="22" class="title">%s</text>`+"\n", esc(title))
	window := fmt.Sprintf("%s to %s", trace.Millis(c.from), trace.Millis(c.to))
	what := "window"
	if c.o.To == 0 && !c.cut {
		what = "window (by default, the first election)"
	}
	p(`<text x="12" y="40" class="note">%s %s; %d messages drawn</text>`+"\n", what, esc(window), min(c.total, c.o.max()))
	p(`<text x="12" y="54" class="note">time flows down, one row per instant (not to scale; a gap over %s is marked)</text>`+"\n", esc(trace.Millis(GapMark)))
	switch {
	case c.cut && c.cutEvents:
		p(`<text x="12" y="68" class="warn">cut: only the first %d events of the window are drawn, %d per message of --max-messages (raise --max-messages, or choose a shorter window with --from and --to)</text>`+"\n", c.o.maxEvents(), EventsPerMessage)
	case c.cut:
		p(`<text x="12" y="68" class="warn">cut: only the first %d messages of the window are drawn (raise --max-messages, or choose a shorter window with --from and --to)</text>`+"\n", c.o.max())
	}
	// The legend.
	y := 88.0
	x := 12.0
	item := func(class, text string, dash string) {
		p(`<line x1="%s" y1="%s" x2="%s" y2="%s" class="msg %s %s" marker-end="url(#h-%s)"/>`, num(x), num(y), num(x+34), num(y), class, dash, class)
		p(`<text x="%s" y="%s">%s</text>`+"\n", num(x+40), num(y+3.5), esc(text))
		x += 46 + float64(len(text))*5.6
	}
	item("m-vote", "vote / prevote and replies", "")
	item("m-app", "append entries", "")
	item("m-hb", "heartbeat", "")
	item("m-vote", "refused (no)", "rej")
	// A drop.
	p(`<line x1="%s" y1="%s" x2="%s" y2="%s" class="msg m-drop drop"/>`, num(x), num(y), num(x+30), num(y))
	c.cross(p, x+30, y)
	p(`<text x="%s" y="%s">lost</text>`+"\n", num(x+40), num(y+3.5))
	y += 22
	x = 12
	box := func(state, text string) {
		wd := 8 + float64(len(text))*5.4
		p(`<rect x="%s" y="%s" width="%s" height="13" rx="3" class="box-%s"/><text x="%s" y="%s" class="tag">%s</text>`,
			num(x), num(y-9), num(wd), state, num(x+4), num(y+0.5), esc(text))
		x += wd + 8
	}
	box("precandidate", "precand t4")
	box("candidate", "candidate t4")
	box("leader", "leader t4")
	p(`<line x1="%s" y1="%s" x2="%s" y2="%s" class="life-leader"/>`, num(x+4), num(y-10), num(x+4), num(y+4))
	p(`<text x="%s" y="%s">leading</text>`, num(x+12), num(y+0.5))
	x += 64
	p(`<circle cx="%s" cy="%s" r="3" class="tick"/><text x="%s" y="%s">election timeout</text>`, num(x+3), num(y-3), num(x+10), num(y+0.5))
	x += 104
	p(`<line x1="%s" y1="%s" x2="%s" y2="%s" class="fault"/><text x="%s" y="%s" class="fault-t">fault</text>`+"\n",
		num(x), num(y-3), num(x+30), num(y-3), num(x+36), num(y+0.5))
	if c.o.Clients {
		x += 70
		p(`<line x1="%s" y1="%s" x2="%s" y2="%s" class="msg m-client" marker-end="url(#h-m-client)"/><text x="%s" y="%s">client</text>`+"\n",
			num(x), num(y-3), num(x+30), num(y-3), num(x+36), num(y+0.5))
	}
	// Column heads.
	for i, id := range c.cols {
		p(`<text x="%s" y="%s" class="col">%s</text>`+"\n", num(c.x(i)), num(headH+10), esc(c.info.Endpoint(id)))
		if at := c.opening(id); at != "" {
			p(`<text x="%s" y="%s" style="font-size:9px;fill:#555" text-anchor="middle">%s</text>`+"\n", num(c.x(i)), num(headH+21), esc(at))
		}
	}
}

// opening is a node's state when the window opens, from the events before it: "leader t2", "down";
// "" if none came before it.
func (c *chart) opening(id uint64) string {
	p := c.prior[id]
	switch {
	case p.fault != nil && p.fault.Fault == "crash" && (p.state == nil || p.state.Line < p.fault.Line):
		return "down"
	case p.state != nil:
		return p.state.State + " t" + strconv.FormatUint(p.state.Term, 10)
	}
	return ""
}

// bottom is the y where lifelines end.
func (c *chart) bottom() float64 { return c.height - footH }

func (c *chart) lifelines(p printf) {
	top := headH + 20
	for i := range c.cols {
		p(`<line x1="%s" y1="%s" x2="%s" y2="%s" class="life"/>`+"\n", num(c.x(i)), num(top), num(c.x(i)), num(c.bottom()))
	}
	// Role and down spans over the lifelines: a state event starts a span until the node's next one.
	type span struct {
		class string
		start float64
	}
	open := map[int]*span{}
	closeSpan := func(col int, y float64) {
		if s := open[col]; s != nil {
			p(`<line x1="%s" y1="%s" x2="%s" y2="%s" class="%s"/>`+"\n", num(c.x(col)), num(s.start), num(c.x(col)), num(y), s.class)
			delete(open, col)
		}
	}
	// The roles the window opens with, from the events before it.
	for col, id := range c.cols {
		p := c.prior[id]
		switch {
		case p.fault != nil && p.fault.Fault == "crash" && (p.state == nil || p.state.Line < p.fault.Line):
			open[col] = &span{"life-down", top}
		case p.state != nil && p.state.State == "leader":
			open[col] = &span{"life-leader", top}
		case p.state != nil && (p.state.State == "candidate" || p.state.State == "precandidate"):
			open[col] = &span{"life-cand", top}
		}
	}
	for _, e := range c.in {
		col, ok := c.colOf[e.Node]
		if !ok {
			continue
		}
		y := c.rowY[c.row(e.T)]
		switch {
		case e.Kind == trace.KindState:
			closeSpan(col, y)
			switch e.State {
			case "leader":
				open[col] = &span{"life-leader", y}
			case "candidate", "precandidate":
				open[col] = &span{"life-cand", y}
			}
		case e.Kind == trace.KindFault && e.Fault == "crash" && e.Node != 0:
			closeSpan(col, y)
			open[col] = &span{"life-down", y}
		case e.Kind == trace.KindFault && e.Fault == "restart":
			closeSpan(col, y)
		}
	}
	for col := range c.cols {
		closeSpan(col, c.bottom())
	}
}

func (c *chart) row(t time.Duration) int {
	i, _ := slices.BinarySearch(c.times, t)
	return i
}

func (c *chart) rows(p printf) {
	for i, t := range c.times {
		y := c.rowY[i]
		if i > 0 && t-c.times[i-1] > GapMark {
			p(`<text x="%s" y="%s" class="gap">+%s</text>`+"\n", num(marginL-6), num(y-rowH/2-3), esc(trace.Millis(t-c.times[i-1])))
		}
		p(`<text x="%s" y="%s" class="time">%s</text>`+"\n", num(marginL-6), num(y+3), esc(trace.Millis(t)))
	}
}

func (c *chart) faults(p printf) {
	left, right := marginL, marginL+float64(len(c.cols))*c.colW
	for _, e := range c.in {
		y := c.rowY[c.row(e.T)]
		switch e.Kind {
		case trace.KindFault:
			if col, ok := c.colOf[e.Node]; ok && e.Node != 0 {
				x := c.x(col)
				if e.Fault == "crash" {
					p(`<line x1="%s" y1="%s" x2="%s" y2="%s" class="crash"/><line x1="%s" y1="%s" x2="%s" y2="%s" class="crash"/>`,
						num(x-7), num(y-7), num(x+7), num(y+7), num(x-7), num(y+7), num(x+7), num(y-7))
				}
				p(`<text x="%s" y="%s" class="fault-t">%s</text>`+"\n", num(x+9), num(y-4), esc(e.Fault))
				continue
			}
			p(`<line x1="%s" y1="%s" x2="%s" y2="%s" class="fault"/><text x="%s" y="%s" class="fault-t">%s</text>`+"\n",
				num(left), num(y), num(right), num(y), num(left+4), num(y-3), esc(e.Fault+" "+e.Desc))
		case trace.KindViolation:
			p(`<line x1="%s" y1="%s" x2="%s" y2="%s" class="fault" style="stroke-width:3"/><text x="%s" y="%s" class="fault-t">%s</text>`+"\n",
				num(left), num(y), num(right), num(y), num(left+4), num(y-3), esc("VIOLATION "+e.Invariant+": "+e.Detail))
		case trace.KindScenario:
			p(`<text x="%s" y="%s" class="fault-t">%s</text>`+"\n", num(left+4), num(y-3), esc("scenario "+e.What))
		}
	}
}

func (c *chart) cross(p printf, x, y float64) {
	p(`<path d="M%s,%s L%s,%s M%s,%s L%s,%s" class="x"/>`, num(x-4), num(y-4), num(x+4), num(y+4), num(x-4), num(y+4), num(x+4), num(y-4))
}

func (c *chart) messages(p printf) {
	for _, a := range c.arrows {
		x1 := c.x(c.colOf[a.send.From])
		y1 := c.rowY[a.sendRow]
		x2 := c.x(c.colOf[a.send.To])
		var y2 float64
		switch {
		case a.end == nil:
			y2 = c.bottom() // still in flight when the window ends
		default:
			y2 = c.rowY[a.endRow]
		}
		if a.dropped && a.endRow == a.sendRow {
			x2 = x1 + (x2-x1)*0.6 // lost as it left: the cross is on the way
		}
		// Shorten the arrow so its head meets the lifeline, not the state boxes.
		class := a.class
		dash := ""
		switch {
		case a.dropped:
			class, dash = "m-drop", " drop"
		case a.rejected:
			dash = " rej"
		}
		if a.dropped {
			p(`<line x1="%s" y1="%s" x2="%s" y2="%s" class="msg %s%s"/>`, num(x1), num(y1), num(x2), num(y2), class, dash)
			c.cross(p, x2, y2)
		} else {
			p(`<line x1="%s" y1="%s" x2="%s" y2="%s" class="msg %s%s" marker-end="url(#h-%s)"/>`, num(x1), num(y1), num(x2), num(y2), class, dash, class)
		}
		// The label ends a little before the arrow's head: the heads of one broadcast are on different
		// lifelines, and the replies to one node reach it at different instants, so labels rarely
		// overlap there, where they would at the sender.
		f := 1.0
		if dx := x2 - x1; dx != 0 {
			f = 1 - min(0.5, 48/max(dx, -dx))
		}
		lx, ly := x1+(x2-x1)*f, y1+(y2-y1)*f
		anchor := "end"
		if x2 < x1 {
			anchor = "start"
		}
		p(`<text x="%s" y="%s" class="lbl %s" text-anchor="%s">%s</text>`+"\n", num(lx), num(ly-4), class, anchor, esc(a.label))
	}
}

func (c *chart) states(p printf) {
	for _, e := range c.in {
		col, ok := c.colOf[e.Node]
		if !ok {
			continue
		}
		y := c.rowY[c.row(e.T)]
		x := c.x(col)
		switch {
		case e.Kind == trace.KindTimeout:
			p(`<circle cx="%s" cy="%s" r="3" class="tick"/>`+"\n", num(x), num(y))
		case e.Kind == trace.KindState && e.State != "follower":
			text := e.State + " t" + strconv.FormatUint(e.Term, 10)
			if e.State == "precandidate" {
				text = "precand t" + strconv.FormatUint(e.Term, 10)
			}
			wd := 8 + float64(len(text))*5.4
			p(`<rect x="%s" y="%s" width="%s" height="13" rx="3" class="box-%s"/><text x="%s" y="%s" class="tag" text-anchor="middle">%s</text>`+"\n",
				num(x-wd/2), num(y-6.5), num(wd), e.State, num(x), num(y+3), esc(text))
		case e.Kind == trace.KindState:
			text := "follower t" + strconv.FormatUint(e.Term, 10)
			p(`<text x="%s" y="%s" style="font-size:8px;fill:#78909c" text-anchor="end">%s</text>`+"\n", num(x-5), num(y+3), esc(text))
		}
	}
}
