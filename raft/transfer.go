package raft

import (
	"fmt"
	"time"
)

// Leadership transfer (thesis §3.10). The leader brings the target's log up to date, then sends it
// MsgTimeoutNow; the target starts an election at once, skipping PreVote, and its vote requests say so
// (Context CampaignTransfer), so that voters answer them even while they hear from the old leader
// (CheckQuorum's lease; etcd's campaignTransfer). While the transfer is in progress the leader refuses
// proposals (ErrTransferring), so that the target's log stays complete; if the target has not taken
// over within a minimum election timeout — counted in heartbeat intervals, as etcd counts ticks — the
// leader gives up and accepts proposals again.

// leadTransfer is a leadership transfer in progress.
type leadTransfer struct {
	to    uint64 // the target; None when no transfer is in progress
	ticks int    // heartbeat intervals since the transfer started
	sent  bool   // MsgTimeoutNow has been sent
}

// TransferLeadership starts handing the leadership over to peer to. It returns ErrNotLeader on a node
// that does not lead, and an error if to is not another peer. Asking again for the same target changes
// nothing; asking for another replaces the transfer.
func (n *Node) TransferLeadership(to uint64) error {
	if n.state != Leader {
		return ErrNotLeader
	}
	i := n.peerIndex(to)
	switch {
	case i < 0:
		return fmt.Errorf("raft: transfer to %d: not a peer", to)
	case to == n.id:
		return fmt.Errorf("raft: transfer to %d: it leads already", to)
	case !n.prs[i].Voter:
		return fmt.Errorf("raft: transfer to %d: not a voter of the configuration", to)
	case n.transfer.to == to:
		return nil
	}
	n.transfer = leadTransfer{to: to}
	pr := &n.prs[i]
	if !n.maybeSendTimeoutNow(pr) {
		n.sendAppend(pr, false)
	}
	return nil
}

// Transferee returns the target of the leadership transfer in progress, or None.
func (n *Node) Transferee() uint64 { return n.transfer.to }

// maybeSendTimeoutNow tells the target to campaign once its log matches the leader's, and reports
// whether it did.
func (n *Node) maybeSendTimeoutNow(pr *progress) bool {
	if n.transfer.sent || pr.Match != n.lastIndex() {
		return false
	}
	n.transfer.sent = true
	n.reads.noLease = true // the target's election will not wait for the followers' leases
	n.send(Message{Type: MsgTimeoutNow, To: pr.ID, Term: n.term})
	return true
}

// transferTick counts a heartbeat interval of a transfer in progress and gives it up after a minimum
// election timeout.
func (n *Node) transferTick() {
	if n.transfer.to == None {
		return
	}
	n.transfer.ticks++
	if time.Duration(n.transfer.ticks)*n.cfg.HeartbeatInterval >= n.cfg.ElectionTimeoutMin {
		n.transfer = leadTransfer{}
	}
}

// handleTimeoutNow starts the election the leader asked for, at once and without PreVote.
func (n *Node) handleTimeoutNow(m *Message) {
	if !n.conf().IsVoter(n.id) {
		return // a learner, a spare or a removed node never campaigns
	}
	n.campaign(false, true)
}
