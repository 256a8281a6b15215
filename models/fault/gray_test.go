package fault

import (
	"strings"
	"testing"
)

// TestParseGray: the gray failures' forms, their edge values (a pause of 0, a stall for ever) and their
// errors; String gives back a form that parses to the same event.
func TestParseGray(t *testing.T) {
	parse := map[Kind]func(string, int) ([]Event, error){Pause: ParsePause, DiskStall: ParseDiskStall, DiskSlow: ParseDiskSlow}
	good := []struct {
		kind Kind
		in   string
		want []string
	}{
		{Pause, "2@10s:500ms", []string{"pause 2@10s:500ms"}},
		{Pause, "2@10s:0s, 3@1m:1h", []string{"pause 2@10s:0s", "pause 3@1m0s:1h0m0s"}},
		{DiskStall, "1@5s:forever", []string{"disk-stall 1@5s:forever"}},
		{DiskStall, "1@5s:2s", []string{"disk-stall 1@5s:2s"}},
		{DiskSlow, "3@2s=lognormal:50ms:1,1@3s=20ms", []string{"disk-slow 3@2s=lognormal:50ms:1", "disk-slow 1@3s=const:20ms"}},
	}
	for _, g := range good {
		evs, err := parse[g.kind](g.in, 5)
		if err != nil {
			t.Errorf("%v %q: %v", g.kind, g.in, err)
			continue
		}
		var got []string
		for _, e := range evs {
			got = append(got, e.String())
			// The form String writes parses back to the same event.
			again, err := parse[g.kind](strings.TrimPrefix(e.String(), g.kind.String()+" "), 5)
			if err != nil || len(again) != 1 || again[0].String() != e.String() {
				t.Errorf("%v: String %q does not parse back: %v", g.kind, e.String(), err)
			}
		}
		if strings.Join(got, ";") != strings.Join(g.want, ";") {
			t.Errorf("%v %q: %q, want %q", g.kind, g.in, got, g.want)
		}
	}
	if evs, _ := ParseDiskStall("1@5s:forever", 5); !evs[0].Forever || evs[0].For != 0 {
		t.Errorf("forever: %+v", evs[0])
	}
	bad := []struct {
		kind     Kind
		in, want string
	}{
		{Pause, "2@10s", "want ID@TIME:DURATION"},
		{Pause, "2@10s:forever", `time "forever" is not a duration`},
		{Pause, "6@1s:1s", "node 6 is not in 1..5"},
		{Pause, "0@1s:1s", "node IDs start at 1"},
		{Pause, "2@-1s:1s", "is negative"},
		{Pause, "2@1s:-1s", "is negative"},
		{Pause, "", "empty list"},
		{DiskStall, "2@1s:never", "or forever"},
		{DiskSlow, "2@1s", "want ID@TIME=LATENCY"},
		{DiskSlow, "2@1s=warp:1ms", "unknown distribution"},
		{DiskSlow, "2@1s=pareto:1ms:1", "infinite mean"},
	}
	for _, b := range bad {
		if _, err := parse[b.kind](b.in, 5); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%v %q: %v, want an error with %q", b.kind, b.in, err, b.want)
		}
	}
	if Pause.String() != "pause" || DiskStall.String() != "disk-stall" || DiskSlow.String() != "disk-slow" {
		t.Error("kind names")
	}
}
