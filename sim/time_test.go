package sim

import (
	"math"
	"testing"
	"time"
)

func TestFloatNanosSaturates(t *testing.T) {
	tests := []struct {
		x    float64
		want time.Duration
	}{
		{0, 0},
		{-1, 0},
		{math.Inf(-1), 0},
		{math.NaN(), 0},
		{0.4, 0},
		{0.5, 1},
		{64999.99999999999, 65000}, // 65 bytes at 1MB/s: rounded, not truncated
		{1e18, 1e18},
		{float64(math.MaxInt64 - 1023), math.MaxInt64 - 1023}, // the largest float64 below 2^63
		{1 << 63, MaxDuration},
		{1e300, MaxDuration},
		{math.Inf(1), MaxDuration},
	}
	for _, tt := range tests {
		if got := FloatNanos(tt.x); got != tt.want {
			t.Errorf("FloatNanos(%v) = %v, want %v", tt.x, got, tt.want)
		}
	}
	// The transmission of one byte at 1e-300 bytes/s lasts forever; it does not end in the past.
	if got := FloatSeconds(1 / 1e-300); got != MaxDuration {
		t.Errorf("FloatSeconds(1e300) = %v, want MaxDuration", got)
	}
	if got := FloatSeconds(1.5); got != 1500*time.Millisecond {
		t.Errorf("FloatSeconds(1.5) = %v", got)
	}
}

func TestTimeArithmeticSaturates(t *testing.T) {
	tests := []struct {
		name string
		got  Time
		want Time
	}{
		{"add", Time(5).Add(7), 12},
		{"add near never", (Never - 3).Add(5), Never},
		{"add max to never", Never.Add(MaxDuration), Never},
		{"add max to zero", Time(0).Add(MaxDuration), Never},
		{"add durations", Time(AddDurations(MaxDuration-1, 2)), Never},
		{"add durations exact", Time(AddDurations(MaxDuration-2, 2)), Never},
		{"add small durations", Time(AddDurations(3, 4)), 7},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}
