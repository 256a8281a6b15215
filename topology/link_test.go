package topology

import (
	"math"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/models/latency"
)

func TestParseBandwidth(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{"1Gbps", 1.25e8},
		{"100Mbps", 1.25e7},
		{"10Kbps", 1250},
		{"1bps", 0.125},
		{"2Tbps", 2.5e11},
		{"1.5Gbps", 1.875e8},
		{"1e3Mbps", 1.25e8},
		{"10MB/s", 1e7},
		{"512KiB/s", 512 * 1024},
		{"1MiB/s", 1 << 20},
		{"3GiB/s", 3 << 30},
		{"1TiB/s", 1 << 40},
		{"1TB/s", 1e12},
		{"8B/s", 8},
		{"1GB/s", 1e9},
		{"1kB/s", 1e3},
		{"0", 0},
		{"unlimited", 0},
		{"Unlimited", 0},
		{" 0 ", 0},
		{"0Mbps", 0},
		{"-0Mbps", 0},
		{"1GBPS", 1.25e8}, // case-insensitive: "bps" is always bits
		{"100 mbps", 1.25e7},
		{"1 gb/s", 1e9},
	}
	for _, tt := range tests {
		got, err := ParseBandwidth(tt.in)
		if err != nil {
			t.Errorf("ParseBandwidth(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want || math.Signbit(got) {
			t.Errorf("ParseBandwidth(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseBandwidthErrors(t *testing.T) {
	const units = "(want bps, Kbps, Mbps, Gbps, Tbps, B/s, KB/s, MB/s, GB/s, TB/s, KiB/s, MiB/s, GiB/s, TiB/s)"
	tests := []struct{ in, err string }{
		{"", `topology: bandwidth "": empty`},
		{"100", `topology: bandwidth "100": missing unit ` + units},
		{"1.5", `topology: bandwidth "1.5": missing unit ` + units},
		{"10Xbps", `topology: bandwidth "10Xbps": unknown unit "Xbps" ` + units},
		{"10 bits/s", `topology: bandwidth "10 bits/s": unknown unit "bits/s" ` + units},
		{"fast", `topology: bandwidth "fast": unknown unit "fast" ` + units},
		{"Mbps", `topology: bandwidth "Mbps": missing number before Mbps`},
		{"-5Mbps", `topology: bandwidth "-5Mbps": -5 is negative`},
		{"1.2.3Mbps", `topology: bandwidth "1.2.3Mbps": "1.2.3" is not a number`},
		{"1e400Mbps", `topology: bandwidth "1e400Mbps": 1e400Mbps is out of range`},
		{"1e308Tbps", `topology: bandwidth "1e308Tbps": 1e308Tbps is out of range`},
		{"infbps", `topology: bandwidth "infbps": unknown unit "infbps" ` + units},
		{"∞Gbps", `topology: bandwidth "∞Gbps": "∞" is not a number`},
	}
	for _, tt := range tests {
		_, err := ParseBandwidth(tt.in)
		if err == nil || err.Error() != tt.err {
			t.Errorf("ParseBandwidth(%q) error\n got: %v\nwant: %s", tt.in, err, tt.err)
		}
	}
}

func TestFormatBandwidth(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "unlimited"},
		{1.25e8, "1Gbps"},
		{1.25e7, "100Mbps"},
		{1.875e8, "1.5Gbps"},
		{1250, "10Kbps"},
		{0.125, "1bps"},
		{0.0625, "0.5bps"},
		{1e7, "80Mbps"},
		{1 << 20, "8.388608Mbps"},
		{2.5e11, "2Tbps"},
		{2.5e14, "2000Tbps"},
		{-1, "invalid(-1)"},
		{math.NaN(), "invalid(NaN)"},
		{math.Inf(1), "invalid(+Inf)"},
	}
	for _, tt := range tests {
		if got := FormatBandwidth(tt.in); got != tt.want {
			t.Errorf("FormatBandwidth(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatBandwidthRoundTrip(t *testing.T) {
	vals := []float64{
		0.1, 1, 3, 7.7, 1e-300, 5e-324, 123456.789, 1 << 20, 524288, 1e9 / 3,
		math.MaxFloat64, math.MaxFloat64 / 8, math.MaxFloat64 / 9, math.Pi * 1e15,
	}
	for i := range 2000 {
		vals = append(vals, math.Exp(float64(i)/40-20)*math.Pi)
	}
	for _, x := range vals {
		s := FormatBandwidth(x)
		back, err := ParseBandwidth(s)
		if err != nil || back != x {
			t.Errorf("FormatBandwidth(%v) = %q parses to %v, %v", x, s, back, err)
		}
	}
}

func FuzzParseBandwidth(f *testing.F) {
	for _, s := range []string{"1Gbps", "512KiB/s", "0", "unlimited", "1e3 Mbps", "-0bps", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseBandwidth(s)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("multi-line error %q", err)
			}
			return
		}
		if !(v >= 0) || math.IsInf(v, 0) || math.Signbit(v) {
			t.Fatalf("ParseBandwidth(%q) = %v", s, v)
		}
		f := FormatBandwidth(v)
		if back, err := ParseBandwidth(f); err != nil || back != v {
			t.Fatalf("ParseBandwidth(%q) = %v, formatted %q, parsed back %v, %v", s, v, f, back, err)
		}
	})
}

func TestLinkValidate(t *testing.T) {
	lat := latency.Const(1)
	tests := []struct {
		l   Link
		err string
	}{
		{Link{Latency: lat}, ""},
		{Link{Latency: lat, Loss: 1, Bandwidth: 1}, ""},
		{Link{}, "topology: link has no latency"},
		{Link{Latency: lat, Loss: -0.1}, "topology: link loss -0.1 not in [0,1]"},
		{Link{Latency: lat, Loss: 1.5}, "topology: link loss 1.5 not in [0,1]"},
		{Link{Latency: lat, Loss: math.NaN()}, "topology: link loss NaN not in [0,1]"},
		{Link{Latency: lat, Bandwidth: -1}, "topology: link bandwidth -1 is not a finite number >= 0"},
		{Link{Latency: lat, Bandwidth: math.Inf(1)}, "topology: link bandwidth +Inf is not a finite number >= 0"},
		{Link{Latency: lat, Bandwidth: math.NaN()}, "topology: link bandwidth NaN is not a finite number >= 0"},
	}
	for _, tt := range tests {
		err := tt.l.Validate()
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.err {
			t.Errorf("%v.Validate() = %q, want %q", tt.l, got, tt.err)
		}
	}
}

func TestLinkEqualAndString(t *testing.T) {
	a := Link{Latency: latency.MustParse("uniform:1ms:2ms"), Loss: 0.01, Bandwidth: 1.25e8}
	b := Link{Latency: latency.MustParse("uniform:1ms:2ms"), Loss: 0.01, Bandwidth: 1.25e8}
	if !a.Equal(b) {
		t.Errorf("equal links with distinct Dist pointers compare unequal")
	}
	for _, c := range []Link{
		{Latency: latency.MustParse("uniform:1ms:3ms"), Loss: 0.01, Bandwidth: 1.25e8},
		{Latency: a.Latency, Loss: 0.02, Bandwidth: 1.25e8},
		{Latency: a.Latency, Loss: 0.01},
		{Loss: 0.01, Bandwidth: 1.25e8},
	} {
		if a.Equal(c) || c.Equal(a) {
			t.Errorf("%v == %v", a, c)
		}
	}
	if got, want := a.String(), "latency=uniform:1ms:2ms loss=0.01 bandwidth=1Gbps"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got, want := (Link{}).String(), "latency=<nil> loss=0 bandwidth=unlimited"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
