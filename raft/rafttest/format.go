package rafttest

import (
	"fmt"
	"strings"

	"github.com/raftsim/raftsim/raft"
)

func fmtEntry(x raft.Entry, data bool) string {
	if data && x.Type == raft.EntryConfChange {
		cc, _, err := raft.DecodeConfEntry(x.Data)
		if err != nil {
			return fmt.Sprintf("%d/%d:conf(%v)", x.Term, x.Index, err)
		}
		return fmt.Sprintf("%d/%d:conf(%v)", x.Term, x.Index, cc)
	}
	if data && len(x.Data) > 0 {
		return fmt.Sprintf("%d/%d:%s", x.Term, x.Index, x.Data)
	}
	return fmt.Sprintf("%d/%d", x.Term, x.Index)
}

func fmtEntries(ents []raft.Entry, data bool) string {
	s := make([]string, len(ents))
	for i, x := range ents {
		s[i] = fmtEntry(x, data)
	}
	return "[" + strings.Join(s, " ") + "]"
}

// lastOf is the last entry of a durable state, in its log or its snapshot.
func lastOf(d raft.Durable) string {
	if len(d.Entries) == 0 {
		return fmt.Sprintf("%d/%d", d.Snapshot.Term, d.Snapshot.Index)
	}
	return fmtEntry(d.Entries[len(d.Entries)-1], false)
}

func fmtSnap(s *raft.Snapshot) string {
	return fmt.Sprintf("%d/%d size=%d [%s]", s.Term, s.Index, s.Size, s.Data)
}

func fmtBatch(p *raft.Persist) string {
	var s string
	if p.HasHardState {
		s += fmt.Sprintf(" term=%d vote=%d", p.HardState.Term, p.HardState.Vote)
	}
	if p.Snapshot != nil {
		s += fmt.Sprintf(" snapshot=%d/%d", p.Snapshot.Term, p.Snapshot.Index)
	}
	if p.First != 0 {
		s += " entries=" + fmtEntries(p.Entries, false)
	}
	if s == "" {
		s = " (nothing to write: orders the held messages)"
	}
	return s
}

// fmtMsg is the one-line form of a message used in transcripts.
func fmtMsg(m raft.Message) string {
	s := fmt.Sprintf("%d->%d %s term=%d", m.From, m.To, m.Type, m.Term)
	switch m.Type {
	case raft.MsgApp:
		s += fmt.Sprintf(" log=%d/%d commit=%d", m.LogTerm, m.Index, m.Commit)
		if len(m.Entries) > 0 {
			s += " entries=" + fmtEntries(m.Entries, false)
		}
	case raft.MsgAppResp:
		if m.Reject {
			s += fmt.Sprintf(" rejected index=%d hint=%d", m.Index, m.RejectHint)
			if m.LogTerm != 0 {
				s += fmt.Sprintf(" hint-term=%d", m.LogTerm)
			}
		} else {
			s += fmt.Sprintf(" index=%d", m.Index)
		}
	case raft.MsgHeartbeat:
		s += fmt.Sprintf(" commit=%d", m.Commit)
		if m.Index != 0 {
			s += fmt.Sprintf(" snapshot=%d", m.Index)
		}
		if m.Context != 0 {
			s += fmt.Sprintf(" round=%d", m.Context)
		}
	case raft.MsgHeartbeatResp:
		if m.Index != 0 {
			s += fmt.Sprintf(" snapshot=%d", m.Index)
		}
		if m.Context != 0 {
			s += fmt.Sprintf(" round=%d", m.Context)
		}
	case raft.MsgSnap:
		s += fmt.Sprintf(" snapshot=%d/%d size=%d commit=%d", m.LogTerm, m.Index, m.Snapshot.Size, m.Commit)
	case raft.MsgVote, raft.MsgPreVote:
		s += fmt.Sprintf(" log=%d/%d", m.LogTerm, m.Index)
		if m.Context == raft.CampaignTransfer {
			s += " transfer"
		}
	case raft.MsgReadIndex:
		s += fmt.Sprintf(" read=#%d", m.Context)
	case raft.MsgReadIndexResp:
		s += fmt.Sprintf(" read=#%d", m.Context)
		if !m.Reject {
			s += fmt.Sprintf(" index=%d", m.Index)
		}
	}
	if m.Reject && m.Type != raft.MsgAppResp {
		s += " rejected"
	}
	return s
}
