package cluster

import (
	"strings"
	"testing"

	"github.com/raftsim/raftsim/models/latency"
)

// TestPresetLatencyRefused: a region preset gives every link its latency, so a latency set beside it
// did nothing (raftsim run --regions aws3 --latency const:100ms printed what const:1ms did). It is
// refused, naming the field; the default, however written, is accepted.
func TestPresetLatencyRefused(t *testing.T) {
	for _, tt := range []struct{ lat, want string }{
		{"const:1ms", "latency: const:1ms: aws3 sets the latency of every link"},
		{"uniform:500us:1500us", ""},
		{"uniform:0.5ms:1.5ms", ""},
	} {
		cfg := Default()
		cfg.Regions = "aws3"
		cfg.Link.Latency = latency.MustParse(tt.lat)
		err := cfg.Validate()
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: %v, want %q", tt.lat, err, tt.want)
		}
	}
}
