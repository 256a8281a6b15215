package fault

import (
	"reflect"
	"strings"
	"testing"
)

// fuzzParsers lists every short form's parser, by the kind whose name String writes before the form;
// Filter is a kind too, and flap pairs, which are no event, are fuzzed by FuzzParsePairs.
var fuzzParsers = []struct {
	kind  Kind
	parse parser
}{
	{Crash, ParseCrash}, {Restart, ParseRestart}, {Isolate, ParseIsolate}, {Transfer, ParseTransfer},
	{Add, ParseAdd}, {Remove, ParseRemove}, {Replace, ParseReplace},
	{Cut, ParseCut}, {Restore, ParseRestore}, {Partition, ParsePartition}, {Heal, parseHeal},
	{Filter, ParseFilter}, {Pause, ParsePause}, {DiskStall, ParseDiskStall}, {DiskSlow, ParseDiskSlow},
}

// FuzzParse feeds arbitrary text to every fault form's parser, for clusters of 1 to 16 nodes: it
// fails with a one-line error or returns events, each of which String writes in a form that the same
// parser reads back to the same event (one event), with every node ID in range.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"2@10s", "leader@1s", "leader+2@1.5s", " 1 @ 3s , leader@2s,5@0s", "follower@2s", "crashed-leader@9s",
		"3@1m30s", "2:6@10s", "5s:1->2", "5s:1<->2,3->4", "5s:leader<->3", "5s:1,2|3,4,5", "5s:leader,follower|rest",
		"5s:rest|leader", "5s: 3 | 1 , 2 |5", "5s", " 1s , 2s ", "drop append 1->2,1->3 @2s-5s",
		"delay:50ms votes * @1s-1.5s", "drop replies 1->*,*->5 @3s-4s", "drop app leader->*,*->crashed-leader @1s",
		"2@10s:500ms", "1@5s:forever", "3@2s=lognormal:50ms:1,1@3s=20ms", "", ",", "1@1s,", "leader+99@1s",
		"0@1s", "1@-1s", "1@1e400s", "9223372036854775807@1s", "1@2562048h",
	}
	for i := range fuzzParsers {
		for _, s := range seeds {
			f.Add(uint8(i), s, uint8(5))
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, s string, nodes uint8) {
		p := fuzzParsers[int(which)%len(fuzzParsers)]
		n := 1 + int(nodes)%16
		evs, err := p.parse(s, n)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("%v %q: error of more than one line: %q", p.kind, s, err)
			}
			return
		}
		if len(evs) == 0 {
			t.Fatalf("%v %q: no error and no event", p.kind, s)
		}
		for _, e := range evs {
			if e.Kind != p.kind || e.At < 0 || e.For < 0 {
				t.Fatalf("%v %q: event %#v", p.kind, s, e)
			}
			checkIDs(t, s, e, n)
			text, ok := strings.CutPrefix(e.String(), p.kind.String()+" ")
			if !ok {
				t.Fatalf("%v %q: String %q does not start with the kind", p.kind, s, e.String())
			}
			back, err := p.parse(text, n)
			if err != nil {
				t.Fatalf("%v %q: String %q does not parse back: %v", p.kind, s, e.String(), err)
			}
			if len(back) != 1 || !reflect.DeepEqual(back[0], e) {
				t.Fatalf("%v %q: String %q parses back as %#v, want %#v", p.kind, s, e.String(), back, e)
			}
		}
	})
}

// checkIDs: every node a parsed event names by ID is in 1..n, or in 1..MaxMemberID for the kinds that
// name nodes the run adds.
func checkIDs(t *testing.T, s string, e Event, n int) {
	t.Helper()
	limit := int64(n)
	switch e.Kind {
	case Transfer, Add, Remove, Replace:
		limit = MaxMemberID
	}
	bad := func(id int64) bool { return id < 1 || id > limit }
	var ids []int64
	if e.Role == ByID && e.Kind != Cut && e.Kind != Restore && e.Kind != Partition && e.Kind != Heal && e.Kind != Filter {
		ids = append(ids, e.Node)
	}
	if e.Kind == Replace {
		ids = append(ids, e.New)
	}
	for _, ed := range e.Edges {
		ids = append(ids, ed.From, ed.To)
	}
	for _, g := range e.Groups {
		ids = append(ids, g...)
	}
	for _, id := range ids {
		if bad(id) {
			t.Fatalf("%v %q: node %d outside 1..%d in %#v", e.Kind, s, id, limit, e)
		}
	}
}

// FuzzParsePairs: the flap's link list fails with a one-line error, or gives pairs A < B in 1..n,
// sorted, none twice, that FormatPairs writes in a form read back to the same pairs.
func FuzzParsePairs(f *testing.F) {
	for _, s := range []string{"1<->2", "1<->2,3<->4", "1<->2 3<->4", "2<->1", "1->2", "1<->1", "1<->2,2<->1", "", " , ", "leader<->2", "0<->1"} {
		f.Add(s, uint8(5))
	}
	f.Fuzz(func(t *testing.T, s string, nodes uint8) {
		n := 1 + int(nodes)%16
		ps, err := ParsePairs(s, n)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("%q: error of more than one line: %q", s, err)
			}
			return
		}
		for i, p := range ps {
			if p.A < 1 || p.A >= p.B || p.B > int64(n) || i > 0 && !(ps[i-1].A < p.A || ps[i-1].A == p.A && ps[i-1].B < p.B) {
				t.Fatalf("%q: pairs %v", s, ps)
			}
		}
		text := FormatPairs(ps)
		back, err := ParsePairs(text, n)
		if err != nil || !reflect.DeepEqual(back, ps) {
			t.Fatalf("%q: %v formats as %q, which reads back as %v, %v", s, ps, text, back, err)
		}
	})
}
