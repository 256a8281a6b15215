package batch

import (
	"strings"
	"testing"
)

// TestValidateRefusesControlCharacters: a word of a sweep with a line break (a spec file named
// "a\ntouch x\n.yaml") ended the comment line of the generated job script that shows the command, and
// the script ran the rest as commands. Validate refuses a control character in every word.
func TestValidateRefusesControlCharacters(t *testing.T) {
	ok := Sweep{Binary: "/usr/bin/raftsim", Spec: "/home/me/my spec.yaml", Seed: "1", Trials: "10", Shards: 2, Out: "/o", Dir: "/o.shards"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("a valid sweep (a space in SPEC is quoted): %v", err)
	}
	for _, tc := range []struct {
		what string
		edit func(s *Sweep)
	}{
		{"SPEC", func(s *Sweep) { s.Spec = "/home/me/a\ntouch x\n.yaml" }},
		{"SPEC", func(s *Sweep) { s.Spec = "/home/me/a\r.yaml" }},
		{"raftsim binary", func(s *Sweep) { s.Binary = "/usr/bin/raft\nsim" }},
		{"--seed", func(s *Sweep) { s.Seed = "1\x00" }},
		{"--trials", func(s *Sweep) { s.Trials = "1\x1b" }},
		{"--out", func(s *Sweep) { s.Out = "/o\n" }},
		{"shard directory", func(s *Sweep) { s.Dir = "/o\t" }},
	} {
		s := ok
		tc.edit(&s)
		err := s.Validate()
		if err == nil || !strings.HasPrefix(err.Error(), "batch: "+tc.what+" ") || !strings.Contains(err.Error(), "control character") {
			t.Errorf("%+v: Validate = %v, want an error naming %s", s, err, tc.what)
		}
	}
}
