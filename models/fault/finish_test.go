package fault

import (
	"reflect"
	"strings"
	"testing"
)

func TestParsePairs(t *testing.T) {
	for _, tt := range []struct {
		in    string
		want  []Pair
		canon string
		err   string
	}{
		{"1<->2", []Pair{{1, 2}}, "1<->2", ""},
		{"3<->1, 2<->1", []Pair{{1, 2}, {1, 3}}, "1<->2 1<->3", ""},
		{"1<->2 4<->5", []Pair{{1, 2}, {4, 5}}, "1<->2 4<->5", ""},
		{"5<->4", []Pair{{4, 5}}, "4<->5", ""}, // the largest IDs of n = 5
		{"", nil, "", `"": empty list: want A<->B[,C<->D]`},
		{" , ", nil, "", "empty list"},
		{"1->2", nil, "", `link "1->2": want A<->B (a flap takes both directions down at once)`},
		{"1<->1", nil, "", "a node has no link to itself"},
		{"1<->2,2<->1", nil, "", "link 1<->2 is listed twice"},
		{"0<->1", nil, "", "node IDs start at 1"},
		{"1<->6", nil, "", "node 6 is not in 1..5"},
		{"leader<->2", nil, "", `node "leader" is not accepted here: want a node ID`},
		{"*<->2", nil, "", `node "*": want a node ID`},
	} {
		got, err := ParsePairs(tt.in, 5)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) || FormatPairs(got) != tt.canon {
			t.Errorf("%q: %v %q, %v; want %v %q", tt.in, got, FormatPairs(got), err, tt.want, tt.canon)
		}
		if again, err := ParsePairs(FormatPairs(got), 5); err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("%q: the canonical form reads back as %v, %v", tt.in, again, err)
		}
	}
}
