package trace

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Text describes an event in words for people, without its time: "n3 candidate term 4",
// "n1 → n3 app term 2 index=12 log_term=2 entries=3 commit=11". Endpoints are named as
// info.Endpoint does (n3, c1). `raftsim trace show` prints it after the time.
func Text(e *Event, info Info) string {
	var b strings.Builder
	ep := info.Endpoint
	switch e.Kind {
	case KindHeader:
		fmt.Fprintf(&b, "trace version %d: %d nodes, %d clients, seed %d", e.Version, e.Nodes, e.Clients, e.Seed)
	case KindState:
		fmt.Fprintf(&b, "%s %s term %d", ep(e.Node), e.State, e.Term)
		if e.Lead != 0 && e.State != "leader" {
			fmt.Fprintf(&b, " lead %s", ep(e.Lead))
		}
	case KindTimeout:
		fmt.Fprintf(&b, "%s %s timeout", ep(e.Node), e.Timer)
	case KindSend:
		fmt.Fprintf(&b, "%s → %s ", ep(e.From), ep(e.To))
		msgText(&b, e)
	case KindDeliver:
		fmt.Fprintf(&b, "%s ← %s ", ep(e.To), ep(e.From))
		msgText(&b, e)
	case KindDrop:
		fmt.Fprintf(&b, "%s → %s ", ep(e.From), ep(e.To))
		msgText(&b, e)
		fmt.Fprintf(&b, " DROPPED (%s)", e.Reason)
	case KindRequest:
		fmt.Fprintf(&b, "%s → %s request seq=%d", ep(e.From), ep(e.To), e.Seq)
	case KindReply:
		fmt.Fprintf(&b, "%s → %s reply seq=%d ", ep(e.From), ep(e.To), e.Seq)
		if e.OK {
			b.WriteString("ok")
		} else {
			b.WriteString("refused")
			if e.Leader != 0 {
				fmt.Fprintf(&b, ", leader %s", ep(e.Leader))
			}
		}
	case KindPersist:
		fmt.Fprintf(&b, "%s persisted seq=%d", ep(e.Node), e.Seq)
		if e.HardState {
			fmt.Fprintf(&b, " term=%d vote=%d", e.Term, e.Vote)
		}
		if e.First != 0 {
			fmt.Fprintf(&b, " entries %d..%d", e.First, e.Last)
		}
		if e.Released > 0 {
			fmt.Fprintf(&b, ", released %d", e.Released)
		}
	case KindCommit:
		fmt.Fprintf(&b, "%s commit index=%d", ep(e.Node), e.Index)
	case KindFault:
		b.WriteString("FAULT " + e.Desc)
		if e.Node != 0 {
			fmt.Fprintf(&b, " (%s)", ep(e.Node))
		}
	case KindOp:
		c := fmt.Sprintf("c%d", e.Client)
		if e.Read {
			fmt.Fprintf(&b, "%s read key=%d → %d", c, e.Key, e.Value)
		} else {
			fmt.Fprintf(&b, "%s write key=%d value=%d (prev %d)", c, e.Key, e.Value, e.Prev)
		}
		if e.OK {
			b.WriteString(" ok")
		} else {
			b.WriteString(" FAILED (deadline)")
		}
		fmt.Fprintf(&b, ", invoked at %s, %d attempts", Millis(e.Invoke), e.Attempts)
	case KindScenario:
		fmt.Fprintf(&b, "scenario %s: %s index=%d", e.What, ep(e.Node), e.Index)
	case KindViolation:
		fmt.Fprintf(&b, "VIOLATION %s: %s (seed %d)", e.Invariant, e.Detail, e.Seed)
	default:
		fmt.Fprintf(&b, "%q (an event this raftsim does not know)", e.Ev)
	}
	return b.String()
}

// msgText is a message's type, term and fields: "app term 2 index=12 log_term=2 entries=3 commit=11".
func msgText(b *strings.Builder, e *Event) {
	b.WriteString(e.Type)
	if e.Type == "request" || e.Type == "reply" {
		fmt.Fprintf(b, " seq=%d", e.Seq)
		return
	}
	fmt.Fprintf(b, " term %d", e.Term)
	switch e.Type {
	case "app":
		fmt.Fprintf(b, " index=%d log_term=%d entries=%d commit=%d", e.Index, e.LogTerm, e.Entries, e.Commit)
	case "app_resp":
		fmt.Fprintf(b, " index=%d", e.Index)
		if e.Reject {
			fmt.Fprintf(b, " rejected hint=%d hint_term=%d", e.Hint, e.HintTerm)
		}
	case "heartbeat":
		fmt.Fprintf(b, " commit=%d", e.Commit)
	case "vote", "prevote":
		fmt.Fprintf(b, " index=%d log_term=%d", e.Index, e.LogTerm)
	case "vote_resp", "prevote_resp":
		if e.Reject {
			b.WriteString(" rejected")
		} else {
			b.WriteString(" granted")
		}
	case "read_index_resp":
		fmt.Fprintf(b, " index=%d", e.Index)
		if e.Reject {
			b.WriteString(" rejected")
		}
	}
	if e.Ctx != 0 {
		fmt.Fprintf(b, " ctx=%d", e.Ctx)
	}
}

// Millis is a time in milliseconds with three decimals, "1523.417 ms": the unit people read Raft's
// timeouts in, to the microsecond (truncated: integer arithmetic, so no rounding can differ).
func Millis(d time.Duration) string {
	neg := ""
	if d < 0 {
		neg, d = "-", -d
	}
	us := int64(d / time.Microsecond)
	return neg + strconv.FormatInt(us/1000, 10) + "." + fmt.Sprintf("%03d", us%1000) + " ms"
}

// Line is the event as `raftsim trace show` prints it: its time in ms, right-aligned, then Text.
func Line(e *Event, info Info) string {
	return fmt.Sprintf("%13s  %s", Millis(e.T), Text(e, info))
}
