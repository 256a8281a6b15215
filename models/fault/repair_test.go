package fault

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseRepair(t *testing.T) {
	tests := []struct {
		in      string
		want    []Event
		wantErr string
	}{
		{in: "8s", want: []Event{{At: 8 * time.Second, Kind: Repair}}},
		{in: " 1m30s ", want: []Event{{At: 90 * time.Second, Kind: Repair}}},
		{in: "0s", want: []Event{{At: 0, Kind: Repair}}},
		{in: "", wantErr: `"": empty list`},
		{in: "8s,9s", wantErr: `"8s,9s": one time only`},
		{in: "8s,", wantErr: `an empty item`},
		{in: "8", wantErr: `"8": time "8" is not a duration`},
		{in: "-1s", wantErr: `"-1s": time "-1s" is negative`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRepair(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseRepair(%q) = %v, %v; want an error saying %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseRepair(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			// The short form reads back as the event.
			e := got[0]
			kind, text, _ := strings.Cut(e.String(), " ")
			if kind != "repair" || kind != Repair.String() {
				t.Fatalf("%q: kind %q, want repair", e.String(), kind)
			}
			back, err := ParseRepair(text)
			if err != nil || !reflect.DeepEqual(back, got) {
				t.Fatalf("%q read back as %v, %v", e.String(), back, err)
			}
		})
	}
}
