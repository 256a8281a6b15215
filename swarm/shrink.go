package swarm

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/raftsim/raftsim/experiments/spec"
)

// Size is how big a world is, compared in this order (Less): its schedule entries (the repair among
// them), nodes, clients, duration, keys and settings in all. Every step Shrink takes makes it strictly
// smaller, so shrinking ends.
type Size struct {
	Entries  int
	Nodes    int
	Clients  int
	Duration time.Duration
	Keys     int
	Settings int
}

// Less reports whether s is smaller than t, comparing the fields in order.
func (s Size) Less(t Size) bool {
	a := []int64{int64(s.Entries), int64(s.Nodes), int64(s.Clients), int64(s.Duration), int64(s.Keys), int64(s.Settings)}
	b := []int64{int64(t.Entries), int64(t.Nodes), int64(t.Clients), int64(t.Duration), int64(t.Keys), int64(t.Settings)}
	return slices.Compare(a, b) < 0
}

func (s Size) String() string {
	return fmt.Sprintf("schedule entries %d, nodes %d, clients %d, duration %s, keys %d, settings %d",
		s.Entries, s.Nodes, s.Clients, ms(s.Duration), s.Keys, s.Settings)
}

// Size measures the world: a setting it leaves out counts as its default; one that does not parse as 0.
func (w *World) Size() Size {
	s := Size{Settings: len(w.Settings)}
	for _, x := range w.Settings {
		if scheduleKinds[x.Name] {
			s.Entries++
		}
	}
	s.Nodes = w.intSetting("nodes")
	s.Clients = w.intSetting("clients")
	s.Keys = w.intSetting("keys")
	if d, ok := w.Get("duration"); ok {
		s.Duration, _ = time.ParseDuration(d)
	}
	return s
}

// intSetting is a whole-number setting's value, its default when the world leaves it out.
func (w *World) intSetting(name string) int {
	v, ok := w.Get(name)
	if !ok {
		v = defaults[name]
	}
	n, _ := strconv.Atoi(v)
	return n
}

// defaults are the parameters' defaults, by name.
var defaults = map[string]string{}

func init() {
	for _, p := range spec.Params() {
		defaults[p.Name] = p.Default
	}
}

// ErrPasses is Shrink's error for a world that does not fail to begin with.
var ErrPasses = errors.New("swarm: the world does not fail")

// Shrunk is what Shrink found.
type Shrunk struct {
	World  World  // the smallest failing world found
	Result Result // its failing result
	// Runs counts the worlds run, the first one among them; Fixed is true when no step made the world
	// smaller (a fixed point), false when the limit stopped the search first.
	Runs  int
	Fixed bool
	// Before and After are the sizes of the first world and of the one found.
	Before, After Size
	// Steps say what each step that kept failing changed, in order ("dropped 4 schedule entries").
	Steps []string
}

// SameFailure is Shrink's default predicate: a result fails the way first did when it fails with the
// same Kind (and, for a RunError, with the same reason: a world the parser refuses is a RunError too).
func SameFailure(first *Result) func(*Result) bool {
	kind, reason := first.Fail, first.Reason
	return func(r *Result) bool {
		return r.Fail == kind && (kind != RunError || r.Reason == reason)
	}
}

// Shrink looks for a smaller world than w (by Size) that still fails: fails(result) is true. nil fails
// means SameFailure of w's own result. It runs w first (ErrPasses when it does not fail), then tries,
// pass after pass until none makes the world smaller (or limit runs are spent, limit <= 0 meaning
// 1000): dropping schedule entries (delta debugging: halves, quarters, ... then one at a time, then each
// fault with its undoing — a crash and its restart, a cut and its restore, a partition or isolation and
// its heal), fewer nodes (entries and node settings naming the nodes dropped go too; nodes a membership
// change adds are renumbered), fewer clients, an earlier repair (keeping the liveness bound, the time
// from the repair to the end) or, when the failure comes first, no repair and a run that ends just after
// it, fewer keys, and optional settings back to their defaults. A candidate the spec parser refuses is
// simply one that does not fail (unless the failure is that refusal). A candidate with a kind of
// configuration warning w does not have (cluster.Config.Warnings: a clock outside the lease's drift bound
// once the bound went back to its default, a heartbeat not below the election timeout) is not tried: it
// would fail because the world broke Raft's assumptions, not because Raft did. Kinds, not counts: a
// world that lost one of w's warnings may not gain another. The seed stays, so every other
// random stream is the one w had.
//
// Every step is deterministic: the result is a function of w, o.Tweak and fails (with one caveat: a
// linearizability check that runs out of wall-clock time is Unknown, and a predicate that looks at it
// sees what the machine managed). o.Trace is not used. The error is ErrPasses, or ctx's.
func Shrink(ctx context.Context, w World, o Options, fails func(*Result) bool, limit int) (Shrunk, error) {
	if limit <= 0 {
		limit = 1000
	}
	o.Trace = nil
	res, err := Run(ctx, w, o)
	if err != nil {
		return Shrunk{}, err
	}
	res.Seed = w.Seed
	if fails == nil {
		if res.Fail == "" {
			return Shrunk{}, ErrPasses
		}
		fails = SameFailure(&res)
	}
	sh := &shrinker{ctx: ctx, o: o, fails: fails, limit: limit, warnings: warnings(&w),
		out: Shrunk{World: w, Result: res, Runs: 1, Before: w.Size()}}
	if !fails(&res) {
		return Shrunk{}, ErrPasses
	}
	passes := []func() bool{sh.dropEntries, sh.dropPairs, sh.fewerNodes, sh.fewerClients, sh.shorter, sh.fewerKeys, sh.defaults}
	for sh.err == nil && !sh.spent() {
		changed := false
		for _, p := range passes {
			if p() {
				changed = true
			}
		}
		if !changed {
			sh.out.Fixed = sh.err == nil && !sh.spent()
			break
		}
	}
	sh.out.After = sh.out.World.Size()
	return sh.out, sh.err
}

// shrinker is one Shrink's state: the smallest failing world so far (out.World) and the runs spent.
type shrinker struct {
	ctx   context.Context
	o     Options
	fails func(*Result) bool
	limit int
	out   Shrunk
	err   error
	// warnings are the kinds of the first world's configuration warnings (warnings): a candidate with
	// a warning of another kind is not tried.
	warnings []string
}

// warnings returns the kinds of a world's configuration warnings, each warning's text up to its first
// digit: two warnings of one kind differ only in their numbers (node IDs, durations, rates), so the kind
// stays when a shrink renumbers the nodes or shortens a timeout. nil for a world the parser refuses.
func warnings(w *World) []string {
	cfg, err := w.Config()
	if err != nil {
		return nil
	}
	var kinds []string
	for _, msg := range cfg.Warnings() {
		if i := strings.IndexAny(msg, "0123456789"); i >= 0 {
			msg = msg[:i]
		}
		kinds = append(kinds, msg)
	}
	return kinds
}

// breaks reports whether c warns of something the first world did not: a kind of warning not among
// sh.warnings. Comparing kinds, not counts, keeps a shrink from trading one broken assumption for
// another (a heartbeat back below the election timeout, then the drift bound dropped under fast clocks).
func (sh *shrinker) breaks(c *World) bool {
	for _, k := range warnings(c) {
		if !slices.Contains(sh.warnings, k) {
			return true
		}
	}
	return false
}

func (sh *shrinker) spent() bool { return sh.out.Runs >= sh.limit }

// try runs a candidate when it is smaller than the world so far, and keeps it when it fails; step says
// what it changed.
func (sh *shrinker) try(c World, step string) bool {
	if sh.err != nil || sh.spent() || !c.Size().Less(sh.out.World.Size()) || sh.breaks(&c) {
		return false
	}
	c.Repair, c.Bound = c.phases()
	res, err := Run(sh.ctx, c, sh.o)
	sh.out.Runs++
	if err != nil {
		sh.err = err
		return false
	}
	res.Seed = c.Seed
	if !sh.fails(&res) {
		return false
	}
	sh.out.World, sh.out.Result = c, res
	sh.out.Steps = append(sh.out.Steps, step)
	return true
}

// phases reads the repair and the liveness bound back from the settings.
func (w *World) phases() (repair, bound time.Duration) {
	r, ok := w.Get("repair")
	if !ok {
		return 0, 0
	}
	repair, _ = time.ParseDuration(r)
	if d, ok := w.Get("duration"); ok {
		end, _ := time.ParseDuration(d)
		bound = end - repair
	}
	return repair, bound
}

// with returns a copy of w whose settings are those keep returns true for, each as edit rewrites it.
func (w *World) with(keep func(i int, s Setting) (Setting, bool)) World {
	c := *w
	c.Settings = nil
	for i, s := range w.Settings {
		if s, ok := keep(i, s); ok {
			c.Settings = append(c.Settings, s)
		}
	}
	return c
}

// set returns a copy of w with the named setting's value replaced (every occurrence), or added at the
// end when w does not have it.
func (w *World) set(name, text string) World {
	found := false
	c := w.with(func(_ int, s Setting) (Setting, bool) {
		if s.Name == name {
			found = true
			s.Text = text
		}
		return s, true
	})
	if !found {
		c.Settings = append(c.Settings, Setting{name, text})
	}
	return c
}

// entries returns the indexes of w's schedule entries, the repair excepted (the shorter pass moves it).
func (w *World) entries() []int {
	var ix []int
	for i, s := range w.Settings {
		if scheduleKinds[s.Name] && s.Name != "repair" {
			ix = append(ix, i)
		}
	}
	return ix
}

// dropEntries is delta debugging over the schedule: remove chunks of half the entries, then quarters,
// and so on to single entries, keeping each removal that still fails.
func (sh *shrinker) dropEntries() bool {
	changed := false
	for size := (len(sh.out.World.entries()) + 1) / 2; size >= 1; size /= 2 {
		for start := 0; ; {
			ix := sh.out.World.entries()
			if start >= len(ix) {
				break
			}
			drop := map[int]bool{}
			for _, i := range ix[start:min(start+size, len(ix))] {
				drop[i] = true
			}
			w := sh.out.World
			c := w.with(func(i int, s Setting) (Setting, bool) { return s, !drop[i] })
			if sh.try(c, droppedEntries(len(drop))) {
				changed = true // the same start now names the next chunk
			} else {
				start += size
			}
		}
		if size == 1 {
			break
		}
	}
	return changed
}

// droppedEntries is the step that drops n schedule entries, in English for n = 1 too (it printed
// "dropped 1 schedule entries").
func droppedEntries(n int) string {
	if n == 1 {
		return "dropped 1 schedule entry"
	}
	return fmt.Sprintf("dropped %d schedule entries", n)
}

// undoes names the entry kinds that undo a fault: a restart a crash, a heal a partition or an
// isolation, a restore a cut.
var undoes = map[string]string{"crash": "restart", "partition": "heal", "isolate": "heal", "cut": "restore"}

// dropPairs removes each fault together with the first later entry that undoes it (a restart of the
// same target, the next heal, a restore of the same links): removing either alone may leave a schedule
// the parser refuses (a restart with no crash before it).
func (sh *shrinker) dropPairs() bool {
	changed := false
	for k := 0; ; k++ {
		ix := sh.out.World.entries()
		if k >= len(ix) {
			return changed
		}
		w := sh.out.World
		first := w.Settings[ix[k]]
		undo, ok := undoes[first.Name]
		if !ok {
			continue
		}
		target, _, _ := strings.Cut(first.Text, "@")
		if target == "leader" {
			target = "crashed-leader"
		}
		_, links, _ := strings.Cut(first.Text, ":")
		partner := -1
		for _, j := range ix[k+1:] {
			s := w.Settings[j]
			if s.Name != undo {
				continue
			}
			t, _, _ := strings.Cut(s.Text, "@")
			_, l, _ := strings.Cut(s.Text, ":")
			if undo == "heal" || (undo == "restart" && t == target) || (undo == "restore" && l == links) {
				partner = j
				break
			}
		}
		if partner < 0 {
			continue
		}
		c := w.with(func(i int, s Setting) (Setting, bool) { return s, i != ix[k] && i != partner })
		if sh.try(c, fmt.Sprintf("dropped %s %s and its %s", first.Name, first.Text, undo)) {
			changed = true
			k-- // the next entry now has this index
		}
	}
}

// fewerNodes tries 1, 2, ... nodes below the world's, keeping the first that still fails.
func (sh *shrinker) fewerNodes() bool {
	n := sh.out.World.intSetting("nodes")
	for m := 1; m < n; m++ {
		if sh.try(sh.out.World.dropNodes(n, m), fmt.Sprintf("nodes %d -> %d", n, m)) {
			return true
		}
	}
	return false
}

// dropNodes returns w with nodes m+1..n gone: the entries and node settings that name them are
// dropped (a partition's groups and a cut's links lose them; an entry left empty goes), and the nodes
// a membership change adds (IDs above n) are renumbered to follow m.
func (w *World) dropNodes(n, m int) World {
	id := func(text string) (string, bool) {
		x, err := strconv.Atoi(text)
		switch {
		case err != nil || x <= m:
			return text, true // a role (leader, follower), or a node kept
		case x <= n:
			return "", false
		}
		return strconv.Itoa(x - (n - m)), true
	}
	// link rewrites "a->b", "a<->b" (or a role pair); false when an end is gone.
	link := func(l string) (string, bool) {
		for _, arrow := range []string{"<->", "->"} {
			if a, b, ok := strings.Cut(l, arrow); ok {
				a, okA := id(a)
				b, okB := id(b)
				return a + arrow + b, okA && okB
			}
		}
		return l, true
	}
	c := w.with(func(_ int, s Setting) (Setting, bool) {
		switch s.Name {
		case "node":
			who, rest, _ := strings.Cut(s.Text, ":")
			who, ok := id(who)
			s.Text = who + ":" + rest
			return s, ok
		case "crash", "restart", "isolate", "transfer", "pause", "disk-stall", "disk-slow", "add", "remove":
			who, rest, _ := strings.Cut(s.Text, "@")
			who, ok := id(who)
			s.Text = who + "@" + rest
			return s, ok
		case "replace":
			pair, rest, _ := strings.Cut(s.Text, "@")
			old, added, _ := strings.Cut(pair, ":")
			old, okOld := id(old)
			added, okAdded := id(added)
			s.Text = old + ":" + added + "@" + rest
			return s, okOld && okAdded
		case "partition":
			at, groups, _ := strings.Cut(s.Text, ":")
			var kept []string
			for _, g := range strings.Split(groups, "|") {
				var ids []string
				for _, x := range strings.Split(g, ",") {
					if x, ok := id(x); ok {
						ids = append(ids, x)
					}
				}
				if len(ids) > 0 {
					kept = append(kept, strings.Join(ids, ","))
				}
			}
			s.Text = at + ":" + strings.Join(kept, "|")
			return s, len(kept) > 1
		case "cut", "restore":
			at, links, _ := strings.Cut(s.Text, ":")
			var kept []string
			for _, l := range strings.Split(links, ",") {
				if l, ok := link(l); ok {
					kept = append(kept, l)
				}
			}
			s.Text = at + ":" + strings.Join(kept, ",")
			return s, len(kept) > 0
		case "filter":
			f := strings.Fields(s.Text)
			for i, x := range f {
				if strings.Contains(x, "->") {
					l, ok := link(x)
					if !ok {
						return s, false
					}
					f[i] = l
				}
			}
			s.Text = strings.Join(f, " ")
		}
		return s, true
	})
	return c.set("nodes", strconv.Itoa(m))
}

// fewerClients tries 1, 2, ... clients below the world's, keeping the first that still fails.
func (sh *shrinker) fewerClients() bool {
	n := sh.out.World.intSetting("clients")
	for m := 1; m < n; m++ {
		if sh.try(sh.out.World.set("clients", strconv.Itoa(m)), fmt.Sprintf("clients %d -> %d", n, m)) {
			return true
		}
	}
	return false
}

// fewerKeys tries 1, 2, 4, ... keys below the world's, keeping the first that still fails.
func (sh *shrinker) fewerKeys() bool {
	n := sh.out.World.intSetting("keys")
	for m := 1; m < n; m *= 2 {
		if sh.try(sh.out.World.set("keys", strconv.Itoa(m)), fmt.Sprintf("keys %d -> %d", n, m)) {
			return true
		}
	}
	return false
}

// entryTime is when a schedule entry starts, as its text writes it: "T@5s...", "5s:groups", "5s", or a
// filter's "... @5s-6s".
func entryTime(s Setting) (time.Duration, bool) {
	text := s.Text
	switch s.Name {
	case "heal", "repair":
	case "partition", "cut", "restore":
		text, _, _ = strings.Cut(text, ":")
	case "filter":
		_, text, _ = strings.Cut(text, "@")
		text, _, _ = strings.Cut(text, "-")
	default:
		_, text, _ = strings.Cut(text, "@")
		if i := strings.IndexAny(text, ":="); i >= 0 {
			text = text[:i]
		}
	}
	d, err := time.ParseDuration(strings.TrimSpace(text))
	return d, err == nil
}

// shorter moves the end earlier. With a repair: the repair (and measure_from, when it is the repair's
// time) to just after the last other entry, or a quarter or half of the way there, keeping the liveness
// bound; then no repair at all, the run ending just after the failing run stopped (a safety violation
// stops it). Without a repair: the end just after the failing run stopped, just after the last entry,
// or halfway there.
func (sh *shrinker) shorter() bool {
	w := sh.out.World
	end, _ := time.ParseDuration(got(w.Get("duration")))
	last := time.Duration(0)
	for _, i := range w.entries() {
		t, ok := entryTime(w.Settings[i])
		if !ok {
			return false // a time we cannot read: leave the end alone
		}
		last = max(last, t)
	}
	stopped := sh.out.Result.Simulated.Truncate(time.Millisecond) + time.Millisecond
	if repair, bound := w.phases(); repair > 0 {
		for _, r := range []time.Duration{last + time.Millisecond, last + (repair-last)/4, last + (repair-last)/2} {
			r = r.Round(time.Millisecond)
			if r <= last || r >= repair {
				continue
			}
			c := w.with(func(_ int, s Setting) (Setting, bool) {
				switch {
				case s.Name == "repair", s.Name == "measure_from" && s.Text == got(w.Get("repair")):
					s.Text = ms(r)
				case s.Name == "duration":
					s.Text = ms(r + bound)
				}
				return s, true
			})
			if sh.try(c, fmt.Sprintf("repair %s -> %s", ms(repair), ms(r))) {
				return true
			}
		}
		if stopped > last && stopped < end {
			c := w.with(func(_ int, s Setting) (Setting, bool) {
				if s.Name == "duration" {
					s.Text = ms(stopped)
				}
				return s, s.Name != "repair" && s.Name != "measure_from"
			})
			return sh.try(c, fmt.Sprintf("no repair, duration %s -> %s", ms(end), ms(stopped)))
		}
		return false
	}
	for _, d := range []time.Duration{stopped, last + time.Millisecond, (last + (end-last)/2).Round(time.Millisecond)} {
		if d > last && d < end && sh.try(w.set("duration", ms(d)), fmt.Sprintf("duration %s -> %s", ms(end), ms(d))) {
			return true
		}
	}
	return false
}

// got is a Get's value alone.
func got(s string, _ bool) string { return s }

// optional are the settings that may go back to their defaults, each group together; "node" is also
// tried one setting at a time.
var optional = [][]string{
	{"loss"}, {"dup"}, {"reorder"}, {"flap.up", "flap.down"}, {"node"}, {"clock_drift"},
	{"snapshot_entries"}, {"max_batch"}, {"max_inflight"}, {"timer_jitter"}, {"heartbeat"},
	{"think"}, {"arrival_rate"}, {"key_zipf"}, {"client_retry"}, {"read_ratio", "read_mode"}, {"read_mode"},
	{"replace_mode"}, {"vote_write_holds_timer"}, {"pre_vote"}, {"check_quorum"}, {"vote_write"},
	{"voter_timer"}, {"heartbeat_reply"}, {"topology", "routing"}, {"regions"},
	{"client_timeout"}, {"op_deadline"},
}

// defaults sets optional settings back to their defaults (drops them), a group at a time, then each
// node setting alone.
func (sh *shrinker) defaults() bool {
	changed := false
	for _, g := range optional {
		w := sh.out.World
		c := w.with(func(_ int, s Setting) (Setting, bool) { return s, !slices.Contains(g, s.Name) })
		if len(c.Settings) < len(w.Settings) && sh.try(c, "default "+strings.Join(g, ", ")) {
			changed = true
		}
	}
	for k := 0; ; k++ {
		w := sh.out.World
		var ix []int
		for i, s := range w.Settings {
			if s.Name == "node" {
				ix = append(ix, i)
			}
		}
		if k >= len(ix) {
			return changed
		}
		text := w.Settings[ix[k]].Text
		if sh.try(w.with(func(i int, s Setting) (Setting, bool) { return s, i != ix[k] }), "default node "+text) {
			changed = true
			k--
		}
	}
}
