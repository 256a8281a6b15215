package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/raftsim/raftsim/experiments/spec"
	"github.com/raftsim/raftsim/raft"
)

// TestVariantFlags: the implementation variants are flags generated from the spec registry, and a flag
// and the spec field of the same value give the same configuration. --pre-vote alone, true and thesis
// all mean the thesis's style, as --pre-vote always did.
func TestVariantFlags(t *testing.T) {
	tests := []struct {
		flags []string
		yaml  string // the cluster: mapping of the same settings
		check func(v raft.Variant, pv raft.PreVote) bool
	}{
		{nil, "{}", func(v raft.Variant, pv raft.PreVote) bool { return v == raft.Variant{} && pv == raft.PreVoteOff }},
		{[]string{"--pre-vote"}, "{pre_vote: true}", func(_ raft.Variant, pv raft.PreVote) bool { return pv == raft.PreVoteThesis }},
		{[]string{"--pre-vote=thesis"}, "{pre_vote: thesis}", func(_ raft.Variant, pv raft.PreVote) bool { return pv == raft.PreVoteThesis }},
		{[]string{"--pre-vote=true"}, "{pre_vote: thesis}", func(_ raft.Variant, pv raft.PreVote) bool { return pv == raft.PreVoteThesis }},
		{[]string{"--pre-vote=etcd"}, "{pre_vote: etcd}", func(_ raft.Variant, pv raft.PreVote) bool { return pv == raft.PreVoteEtcd }},
		{[]string{"--pre-vote=false"}, "{pre_vote: false}", func(_ raft.Variant, pv raft.PreVote) bool { return pv == raft.PreVoteOff }},
		{[]string{"--vote-write", "before_send"}, "{vote_write: before_send}",
			func(v raft.Variant, _ raft.PreVote) bool {
				return v == raft.Variant{VoteWrite: raft.VoteWriteBeforeSend}
			}},
		{[]string{"--voter-timer", "on_durable"}, "{voter_timer: on_durable}",
			func(v raft.Variant, _ raft.PreVote) bool { return v == raft.Variant{VoterTimer: raft.TimerOnDurable} }},
		{[]string{"--vote-write-holds-timer"}, "{vote_write_holds_timer: true}",
			func(v raft.Variant, _ raft.PreVote) bool { return v == raft.Variant{VoteWriteHoldsTimer: true} }},
		{[]string{"--heartbeat-reply=at_once"}, "{heartbeat_reply: at_once}",
			func(v raft.Variant, _ raft.PreVote) bool { return v == raft.Variant{HeartbeatReply: raft.ReplyAtOnce} }},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.flags, " "), func(t *testing.T) {
			f, _ := parseFlags(t, tt.flags...)
			got, _, err := f.config()
			if err != nil {
				t.Fatal(err)
			}
			s, err := spec.Parse([]byte("name: x\ncluster: "+tt.yaml+"\n"), "x.yaml")
			if err != nil {
				t.Fatal(err)
			}
			plan, _ := s.Plan()
			want := plan.Points[0].Config
			if !tt.check(got.Variant, got.PreVote) || got.Variant != want.Variant || got.PreVote != want.PreVote {
				t.Errorf("flags gave %+v pre-vote %v; spec gave %+v pre-vote %v", got.Variant, got.PreVote, want.Variant, want.PreVote)
			}
		})
	}
	for _, tt := range []struct {
		flags      []string
		yaml, want string
	}{
		{[]string{"--pre-vote=maybe"}, "{pre_vote: maybe}", "want etcd, thesis, true or false (true is thesis)"},
		{[]string{"--vote-write=after"}, "{vote_write: after}", "want parallel or before_send"},
		{[]string{"--voter-timer=never"}, "{voter_timer: never}", "want on_grant or on_durable"},
		{[]string{"--heartbeat-reply=1"}, "{heartbeat_reply: 1}", "want queued or at_once"},
	} {
		f, _ := parseFlags(t, tt.flags...)
		_, _, ferr := f.config()
		_, serr := spec.Parse([]byte("name: x\ncluster: "+tt.yaml+"\n"), "x.yaml")
		var ue *usageError
		if !errors.As(ferr, &ue) || serr == nil || !strings.Contains(ferr.Error(), tt.want) || !strings.Contains(serr.Error(), tt.want) {
			t.Errorf("%v: flags: %v; spec: %v; want both refused with %q", tt.flags, ferr, serr, tt.want)
		}
	}
}
