package site_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/raftsim/raftsim/demo"
)

// ms reads a time the page wrote (data-time: a JS number's shortest decimal form, which a float64
// parses back to exactly) as the simulator's nanoseconds, rounded as package demo rounds.
func ms(t *testing.T, s string) time.Duration {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("a time of %q: %v", s, err)
	}
	return time.Duration(math.Round(v * 1e6))
}

// native is what the page would show of st, in the page's own terms (shown), for comparison.
func native(st demo.State) shown {
	s := shown{
		Time:   strconv.FormatFloat(st.NowMs, 'g', -1, 64),
		Event:  strconv.FormatUint(st.Event, 10),
		Leader: strconv.FormatUint(st.Leader, 10),
	}
	for _, n := range st.Nodes {
		terms := make([]string, len(n.Log))
		for i, e := range n.Log {
			terms[i] = strconv.FormatUint(e.Term, 10)
		}
		s.Nodes = append(s.Nodes, shownNode{
			ID: strconv.FormatUint(n.ID, 10), Role: n.Role, Term: strconv.FormatUint(n.Term, 10),
			Vote: strconv.FormatUint(n.Vote, 10), Commit: strconv.FormatUint(n.Commit, 10),
			Log: strings.Join(terms, ","), Up: strconv.FormatBool(n.Up),
		})
	}
	return s
}

// sameTime is a and b with the time written alike: JS writes 1500 where Go's 'g' writes 1500 too,
// but 1e+21 differently; times here are far below that, so the strings are compared as they are.
func equal(a, b shown) bool { return a.String() == b.String() }

// expect runs the scenario natively with the given extra actions, each applied live (Act: what a
// click does, forking), then goes to the page's displayed time, and returns what the page should show.
func expect(t *testing.T, scenario string, acts []demo.Action, at time.Duration) shown {
	t.Helper()
	s := session(t, scenario, acts)
	// Back before an action is the session's replay with every action kept, as the page's slider does.
	if err := s.Seek(at); err != nil {
		t.Fatal(err)
	}
	return native(s.State())
}

// session opens the scenario natively and applies acts as the page's clicks did.
func session(t *testing.T, scenario string, acts []demo.Action) *demo.Session {
	t.Helper()
	s, err := demo.OpenScenario(scenario)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range acts {
		if err := s.RunTo(time.Duration(math.Round(a.AtMs * 1e6))); err != nil {
			t.Fatal(err)
		}
		if err := s.Act(a); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func setSpeed(t *testing.T, ctx context.Context, v string) {
	t.Helper()
	evalJS(t, ctx, `(() => { const s = document.getElementById('speed'); s.value = '`+v+`';
		s.dispatchEvent(new Event('change')); return 0; })()`)
}

// TestBrowserLeaderCrash is issue 10's browser test: the first-election scenario played until a
// leader is shown; the leader crashed by clicking it and its menu's crash; played until the page shows
// another leader. At each stop what the page shows (every node's role, term, vote, commit index, log
// terms, up or down; the time and the event count) must equal package demo's own state, run natively
// with the same scenario and the same crash to the page's displayed time. Then the timeline is
// scrubbed back to before the crash and forward again (the same picture must come back), and the
// address the page shares is opened in a fresh tab (the same picture must appear). Last, one click
// of step must show one more event, and the simulator's state just after it.
func TestBrowserLeaderCrash(t *testing.T) {
	url, ctx := page(t)
	const sc = "first-election"
	open(t, ctx, url+"#scenario="+sc)
	setSpeed(t, ctx, "300")

	first := playUntil(t, ctx, "a leader", func(s shown) bool { return s.Leader != "0" })
	if want := expect(t, sc, nil, ms(t, first.Time)); !equal(first, want) {
		t.Fatalf("with a leader, the page shows\n%v\nthe simulator, at the same time\n%v", first, want)
	}
	leader := first.Leader

	click(t, ctx, `#cluster [data-node="`+leader+`"]`)
	click(t, ctx, `#menu button[data-action="crash"]`)
	crashed := read(t, ctx)
	if n := nodeByID(crashed, leader); n == nil || n.Up != "false" {
		t.Fatalf("after clicking crash on S%s the page shows %v", leader, crashed)
	}
	crash := demo.Action{AtMs: mustFloat(t, crashed.Time), Kind: demo.Crash, Node: mustInt(t, leader)}
	acts := []demo.Action{crash}

	second := playUntil(t, ctx, "a new leader", func(s shown) bool { return s.Leader != "0" && s.Leader != leader })
	at := ms(t, second.Time)
	if want := expect(t, sc, acts, at); !equal(second, want) {
		t.Fatalf("with the new leader, the page shows\n%v\nthe simulator, at the same time\n%v", second, want)
	}
	t.Logf("S%s led at %s ms; crashed by a click at %s ms; S%s leads at %s ms (event %s)",
		leader, first.Time, crashed.Time, second.Leader, second.Time, second.Event)

	// Scrub back to before the crash, then forward to where the page was.
	before := strconv.FormatFloat(crash.AtMs/2, 'g', -1, 64)
	scrubTo(t, ctx, before)
	back := read(t, ctx)
	if want := expect(t, sc, acts, ms(t, before)); !equal(back, want) {
		t.Fatalf("scrubbed back to %s ms, the page shows\n%v\nthe simulator\n%v", before, back, want)
	}
	if n := nodeByID(back, leader); n.Up != "true" {
		t.Fatalf("scrubbed back to before the crash, S%s is still shown down: %v", leader, back)
	}
	scrubTo(t, ctx, second.Time)
	if again := read(t, ctx); !equal(again, second) {
		t.Fatalf("scrubbed forward to %s ms again, the page shows\n%v\nbefore it showed\n%v", second.Time, again, second)
	}

	// The address it shares, in a fresh tab.
	href := string(evalJS(t, ctx, `location.href`))
	href, _ = strconv.Unquote(href)
	if !strings.Contains(href, "#") {
		t.Fatalf("the page shares %q: no fragment", href)
	}
	tab, cancel := chromedp.NewContext(ctx)
	defer cancel()
	open(t, tab, href)
	if shared := read(t, tab); !equal(shared, second) {
		t.Fatalf("the shared address %s, in a fresh tab, shows\n%v\nthe page that shared it showed\n%v", href, shared, second)
	}
	frag := href[strings.Index(href, "#")+1:]
	s, err := demo.Open(frag)
	if err != nil {
		t.Fatalf("demo.Open of the page's fragment %q: %v", frag, err)
	}
	if got := native(s.State()); !equal(got, second) {
		t.Fatalf("the shared fragment opened natively gives\n%v\nthe page showed\n%v", got, second)
	}

	// One step: the next event, and the simulator's state just after it.
	click(t, ctx, `#step`)
	stepped := read(t, ctx)
	k, err := strconv.ParseUint(second.Event, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if stepped.Event != strconv.FormatUint(k+1, 10) {
		t.Fatalf("one step from event %d: the page shows event %s", k, stepped.Event)
	}
	s = session(t, sc, acts)
	if err := s.SeekEvent(k + 1); err != nil {
		t.Fatal(err)
	}
	if want := native(s.State()); !equal(stepped, want) {
		t.Fatalf("one step on, the page shows\n%v\nthe simulator, after event %d\n%v", stepped, k+1, want)
	}
}

// TestBrowserScenarios opens every guided scenario, scrubs to its end, checks the picture against
// package demo's and the narration panel against the scenario's step for that time, and saves a
// screenshot (RAFTSIM_SCREENSHOTS, make browser-test: out/screenshots/demo-NAME.png).
func TestBrowserScenarios(t *testing.T) {
	url, ctx := page(t)
	for _, sc := range demo.Scenarios() {
		// A query makes each a new document: a change of fragment alone would not reload the page.
		open(t, ctx, url+"?"+sc.Name+"#scenario="+sc.Name)
		at := strconv.FormatFloat(sc.EndMs, 'g', -1, 64)
		scrubTo(t, ctx, at)
		got := read(t, ctx)
		if want := expect(t, sc.Name, nil, ms(t, at)); !equal(got, want) {
			t.Errorf("%s at %s ms: the page shows\n%v\nthe simulator\n%v", sc.Name, at, got, want)
		}
		text, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("narration-now")))
		if err != nil {
			t.Fatal(err)
		}
		want := ""
		for _, n := range sc.Narration {
			if n.AtMs <= sc.EndMs {
				want = n.Text
			}
		}
		if strings.TrimSpace(text) != strings.TrimSpace(want) {
			t.Errorf("%s at %s ms: the narration shows %q, want %q", sc.Name, at, text, want)
		}
		screenshot(t, ctx, "demo-"+sc.Name)
		// And in the thick of it: just after the story's middle step, where messages are on the wire.
		if len(sc.Narration) > 2 {
			mid := sc.Narration[len(sc.Narration)/2].AtMs + 8
			scrubTo(t, ctx, strconv.FormatFloat(mid, 'g', -1, 64))
			screenshot(t, ctx, "demo-"+sc.Name+"-mid")
		}
	}
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func mustInt(t *testing.T, s string) int {
	t.Helper()
	v, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestBrowserTrace opens a trace written by `raftsim run --trace` (testdata/run.jsonl: three nodes,
// the leader crashed at 800 ms and restarted at 1.2 s) in the page's file input, as a read-only
// timeline, and checks what it shows at moments before, during and after the crash against the
// trace's own state, commit and fault lines up to that time.
func TestBrowserTrace(t *testing.T) {
	url, ctx := page(t)
	open(t, ctx, url)
	path, err := filepath.Abs("testdata/run.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.ID("tracefile"), []string{path})); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, m)
	}
	for _, at := range []string{"500", "1000", "1499"} {
		// The file is read asynchronously: wait for the trace's three nodes.
		wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		err := chromedp.Do(wctx, chromedp.WaitReady(chromedp.CSS(`#cluster[data-event]`)),
			chromedp.Poll[chromedp.Void](`document.querySelectorAll('#cluster [data-node]').length === 3`))
		cancel()
		if err != nil {
			t.Fatalf("the trace's three nodes never appeared: %v", err)
		}
		scrubTo(t, ctx, at)
		got := read(t, ctx)
		want := traceAt(t, lines, mustFloat(t, at))
		if !equal(got, want) {
			t.Errorf("the trace at %s ms: the page shows\n%v\nthe trace says\n%v", at, got, want)
		}
	}
}

// traceAt is the state the trace's lines give at ms: each node's role and term (state lines), commit
// index (commit lines), up or down (crash and restart faults); the events up to ms; the leader the
// last leader among the nodes up. Votes and logs are not in a trace: the page shows none.
func traceAt(t *testing.T, lines []map[string]any, at float64) shown {
	t.Helper()
	type node struct {
		role       string
		term, comm int
		up         bool
	}
	nodes := []*node{{"follower", 0, 0, true}, {"follower", 0, 0, true}, {"follower", 0, 0, true}}
	events := 0
	for _, l := range lines {
		if l["t"].(float64)/1e6 > at {
			break
		}
		events++
		id, _ := l["node"].(float64)
		if id < 1 || int(id) > len(nodes) {
			continue
		}
		n := nodes[int(id)-1]
		switch l["ev"] {
		case "state":
			n.role, n.term = l["state"].(string), int(l["term"].(float64))
		case "commit":
			n.comm = int(l["index"].(float64))
		case "fault":
			// A restarted node starts as a follower, whether or not the trace says so.
			n.up = !strings.HasPrefix(l["desc"].(string), "crash")
			n.role = "follower"
		}
	}
	s := shown{Time: strconv.FormatFloat(at, 'g', -1, 64), Event: strconv.Itoa(events), Leader: "0"}
	for i, n := range nodes {
		if n.role == "leader" && n.up {
			s.Leader = strconv.Itoa(i + 1)
		}
		role := n.role
		if !n.up {
			role = "" // as package demo's State has it
		}
		s.Nodes = append(s.Nodes, shownNode{ID: strconv.Itoa(i + 1), Role: role, Term: strconv.Itoa(n.term),
			Vote: "0", Commit: strconv.Itoa(n.comm), Log: "", Up: strconv.FormatBool(n.up)})
	}
	return s
}
