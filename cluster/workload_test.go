package cluster

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/workload"
)

// history records the operations of a run.
type history struct{ ops []workload.Op }

func (h *history) Record(op workload.Op) { h.ops = append(h.ops, op) }

func runCfg(t *testing.T, cfg Config) (Summary, *history, *Cluster) {
	t.Helper()
	h := &history{}
	cfg.History = h
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Run()
	if err != nil {
		t.Fatal(err)
	}
	return s, h, c
}

// tracedRun runs cfg and returns its trace and summary.
func tracedRun(t *testing.T, cfg Config) ([]byte, Summary) {
	t.Helper()
	var b bytes.Buffer
	cfg.Trace = &b
	s, _, _ := runCfg(t, cfg)
	return b.Bytes(), s
}

func summaryJSON(t *testing.T, s Summary) []byte {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestArrivals: open-loop arrivals at edge rates. A rate so small that nothing arrives in the run; a
// modest one that the cluster serves, nothing refused once a leader is elected; and the largest, a
// million a second against 4 clients, which saturates them: almost every arrival is refused, and what
// is outstanding, and the memory, stay bounded by the clients however long the run.
func TestArrivals(t *testing.T) {
	for _, tt := range []struct {
		rate               float64
		clients            int
		duration           time.Duration
		minOffered, maxOff uint64
		minRefusedFraction float64
		maxRefusedFraction float64
	}{
		{1e-9, 4, 10 * time.Second, 0, 0, 0, 0},
		{100, 8, 10 * time.Second, 900, 1100, 0, 0.05},
		{MaxArrivalRate, 4, 200 * time.Millisecond, 190000, 210000, 0.99, 1},
	} {
		cfg := Default()
		cfg.ArrivalRate, cfg.Clients, cfg.Duration = tt.rate, tt.clients, tt.duration
		s, h, c := runCfg(t, cfg)
		a := s.Arrivals
		if a == nil || a.Offered < tt.minOffered || a.Offered > tt.maxOff {
			t.Fatalf("rate %v: arrivals %+v, want %d to %d offered", tt.rate, a, tt.minOffered, tt.maxOff)
		}
		frac := 0.0
		if a.Offered > 0 {
			frac = float64(a.Refused) / float64(a.Offered)
		}
		if frac < tt.minRefusedFraction || frac > tt.maxRefusedFraction {
			t.Errorf("rate %v: %d of %d refused (%.4f), want %v to %v", tt.rate, a.Refused, a.Offered, frac, tt.minRefusedFraction, tt.maxRefusedFraction)
		}
		if got := uint64(len(h.ops)) + a.Refused; got > a.Offered || a.Offered-got > uint64(tt.clients) {
			t.Errorf("rate %v: %d done + %d refused of %d offered: at most the %d clients' operations may be outstanding", tt.rate, len(h.ops), a.Refused, a.Offered, tt.clients)
		}
		if in := c.net.InFlight(); in > 64*tt.clients+1000 {
			t.Errorf("rate %v: %d messages in flight at the end", tt.rate, in)
		}
	}
	// Saturated for ten times longer: the heap does not grow with the refused arrivals.
	var before, after runtime.MemStats
	cfg := Default()
	cfg.ArrivalRate, cfg.Clients, cfg.Duration = MaxArrivalRate, 4, 2*time.Second
	runtime.GC()
	runtime.ReadMemStats(&before)
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 64<<20 {
		t.Errorf("two seconds of a million refused arrivals a second hold %d MB", grew>>20)
	}
	runtime.KeepAlive(c)
}

// TestWorkloadModelsNeutral: every workload model at its neutral value is the run without it, byte for
// byte: no arrival rate, uniform keys, and a constant size equal to value_size.
func TestWorkloadModelsNeutral(t *testing.T) {
	base := Default()
	base.Clients, base.Duration = 4, 5*time.Second
	want, _, _ := runCfg(t, base)
	for name, set := range map[string]func(c *Config){
		"arrival_rate 0":  func(c *Config) { c.ArrivalRate = 0 },
		"key_zipf 0":      func(c *Config) { c.KeyZipf = 0 },
		"value_sizes 128": func(c *Config) { c.ValueSizes = "const:128" },
	} {
		cfg := base
		set(&cfg)
		got, _, _ := runCfg(t, cfg)
		if !bytes.Equal(summaryJSON(t, got), summaryJSON(t, want)) {
			t.Errorf("%s changed the run", name)
		}
	}
}

// TestWorkloadStreams: each model draws from its own stream. With Zipf keys or random sizes on, every
// client's own draws are what they were (the k-th operation of a client is a read exactly when it was
// without the model; with sizes on, its key too), while the model's draws change what it models: keys
// skewed towards 0, payloads of many sizes. (Keys and sizes do change the run's timing: they change the
// bytes of every entry on the wire and on disk.)
func TestWorkloadStreams(t *testing.T) {
	base := Default()
	base.Clients, base.Duration, base.Workload.ReadRatio = 4, 5*time.Second, 0.3
	_, h0, _ := runCfg(t, base)
	byClient := func(h *history) map[uint64][]workload.Op {
		m := map[uint64][]workload.Op{}
		for _, op := range h.ops {
			m[op.Client] = append(m[op.Client], op)
		}
		return m
	}
	c0 := byClient(h0)
	same := func(name string, h *history, keysToo bool) {
		t.Helper()
		checked := 0
		for id, ops := range byClient(h) {
			for k := range min(len(ops), len(c0[id])) {
				if ops[k].Read != c0[id][k].Read || keysToo && ops[k].Key != c0[id][k].Key {
					t.Fatalf("%s: client %d op %d: read %v key %d, without the model %v %d: the model moved the client's draws",
						name, id, k, ops[k].Read, ops[k].Key, c0[id][k].Read, c0[id][k].Key)
				}
				checked++
			}
		}
		if checked < 1000 {
			t.Fatalf("%s: %d operations compared", name, checked)
		}
	}

	z := base
	z.KeyZipf = 1.5
	_, h1, _ := runCfg(t, z)
	same("zipf", h1, false)
	zero := 0
	for _, op := range h1.ops {
		if op.Key == 0 {
			zero++
		}
	}
	// With s = 1.5 over 1000 keys key 0 has probability about 0.39 (1/zeta(1.5) = 0.383); uniform, 0.001.
	if n := len(h1.ops); zero < n/4 || zero > n/2 {
		t.Errorf("Zipf: %d of %d keys are 0, want about 39%%", zero, n)
	}

	v := base
	v.ValueSizes = "uniform:64:65536"
	s2, h2, _ := runCfg(t, v)
	same("sizes", h2, true)
	if s0, _, _ := runCfg(t, base); !(s2.Bytes > 10*s0.Bytes) {
		t.Errorf("sizes up to 64 KiB sent %d bytes, 128-byte values %d: want many times more", s2.Bytes, s0.Bytes)
	}
}

func TestParseSizes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, tt := range []struct {
		spec   string
		lo, hi int64
		err    string
	}{
		{"const:0", 0, 0, ""},
		{"const:128", 128, 128, ""},
		{"uniform:64:4096", 64, 4096, ""},
		{"exp:1024", 0, 1 << 30, ""},
		{"lognormal:1024:0.5", 0, 1 << 40, ""},
		{"const:1073741824", 1 << 30, 1 << 30, ""},
		{"const:1073741825", 0, 0, `"const:1073741825": "1073741825" is not a size in bytes from 0 to 1073741824`},
		{"uniform:64:4KiB", 0, 0, `"uniform:64:4KiB": "4KiB" is not a size in bytes`},
		{"zipf:2", 0, 0, `"zipf:2": want const, uniform, normal, exp, lognormal or pareto`},
		{"uniform:64", 0, 0, `"uniform:64":`},
	} {
		d, err := ParseSizes(tt.spec)
		if tt.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tt.err) || strings.Contains(err.Error(), "\n") {
				t.Errorf("%s: error %v, want %s", tt.spec, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.spec, err)
		}
		for range 1000 {
			if x := d.Sample(r); x < tt.lo || x > tt.hi {
				t.Fatalf("%s: drew %d", tt.spec, x)
			}
		}
	}
}

func TestWorkloadSettingErrors(t *testing.T) {
	for _, tt := range []struct {
		set  func(c *Config)
		want string
	}{
		{func(c *Config) { c.ArrivalRate = -1 }, "arrival-rate: -1: want 0 (closed loop) to 1e+06 operations per second"},
		{func(c *Config) { c.ArrivalRate = 2e6 }, "arrival-rate: 2e+06: want 0 (closed loop) to 1e+06 operations per second"},
		{func(c *Config) { c.ArrivalRate, c.Clients = 10, 0 }, "arrival-rate: 10: open-loop arrivals need clients"},
		{func(c *Config) { c.KeyZipf = 1 }, "key-zipf: 1: want 0 (uniform keys) or an exponent s above 1, at most 1000"},
		{func(c *Config) { c.KeyZipf = 0.5 }, "key-zipf: 0.5: want 0"},
		{func(c *Config) { c.ValueSizes = "exp:x" }, `value-sizes: "exp:x": "x" is not a size in bytes`},
	} {
		cfg := Default()
		tt.set(&cfg)
		err := cfg.Validate()
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("error\n got: %v\nwant: %s", err, tt.want)
		}
	}
}
