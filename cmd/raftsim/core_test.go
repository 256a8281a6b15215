package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSpanFloors: the settings that set a rate of faults or of client writes have the floor the
// heartbeat and the timeouts have, 1us, as a flag and as a spec field alike (one line, exit 2). At 1ns
// they ran for hours: a mean MTTF and MTTR of 1ns simulated 1.2 ms in 10 s, a chaos interval of 1ns
// 3.2 ms, an op deadline of 1ns 76 ms.
func TestSpanFloors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		flags []string
		yaml  string
		flag  string // how the message starts: the flag and its value
	}{
		{[]string{"--mttf", "const:1ns", "--mttr", "const:1us"}, "scenario: {crash_recovery: {mttf: const:1ns, mttr: const:1us}}", "--mttf const:1ns: "},
		{[]string{"--mttf", "exp:1s", "--mttr", "exp:999ns"}, "scenario: {crash_recovery: {mttf: exp:1s, mttr: exp:999ns}}", "--mttr exp:999ns: "},
		{[]string{"--chaos", "--chaos-interval", "1ns"}, "scenario: {chaos: true, chaos_interval: 1ns}", "--chaos-interval 1ns: "},
		{[]string{"--op-deadline", "1ns"}, "cluster: {op_deadline: 1ns}", "--op-deadline 1ns: "},
	}
	for i, tt := range tests {
		t.Run(strings.Join(tt.flags, " "), func(t *testing.T) {
			r := raftsim(t, nil, append([]string{"run"}, tt.flags...)...)
			if r.code != 2 || !strings.HasPrefix(r.stderr, "raftsim: "+tt.flag) || !strings.Contains(r.stderr, "at least 1us (") ||
				strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("run: exit %d, stderr %q; want 2 and %q...at least 1us", r.code, r.stderr, tt.flag)
			}
			file := filepath.Join(dir, "s"+string(rune('0'+i))+".yaml")
			if err := os.WriteFile(file, []byte("name: x\n"+tt.yaml+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			r = raftsim(t, nil, "sweep", file, "--point", "0", "--trial", "0")
			if r.code != 2 || !strings.Contains(r.stderr, "at least 1us (") || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("sweep: exit %d, stderr %q; want 2 and the same floor", r.code, r.stderr)
			}
		})
	}
	// At the floors, a run goes.
	r := raftsim(t, nil, "run", "--duration", "2ms", "--mttf", "const:1us", "--mttr", "exp:1us", "--chaos", "--chaos-interval", "1us", "--op-deadline", "1us")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}
