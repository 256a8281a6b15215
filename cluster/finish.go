package cluster

import (
	"fmt"
)

// ClientRetry is a client's retry policy: where it sends an attempt after a refusal.
type ClientRetry uint8

const (
	// RetryLeader follows the leader a refusing node names, at once; after a node that names none, or
	// an attempt left unanswered, the client pauses and tries its next endpoint (the default, as
	// raftsim's clients always did).
	RetryLeader ClientRetry = iota
	// RetryRoundRobin ignores leader hints: after any refusal the client pauses and tries its next
	// endpoint in its own round-robin order, and stays with an endpoint while it answers, as etcd's
	// clientv3 balancer moves over its endpoints. etcd's followers forward a proposal to the leader,
	// raftsim's refuse it, so here each wrong endpoint costs a refusal and the pause (client_backoff).
	RetryRoundRobin
)

// ClientRetryNames are the policies' names in specs and flags, by value.
var ClientRetryNames = []string{RetryLeader: "leader", RetryRoundRobin: "round_robin"}

func (r ClientRetry) String() string {
	if int(r) < len(ClientRetryNames) {
		return ClientRetryNames[r]
	}
	return fmt.Sprintf("ClientRetry(%d)", uint8(r))
}

// validateFinish checks the second-wave workload settings: the think time's distribution, the client's
// pause between attempts and its retry policy.
func (c *Config) validateFinish() error {
	switch {
	case c.ThinkDist != nil && !c.ThinkDist.FiniteMean():
		return fmt.Errorf("think: %v: want a distribution of finite mean (no pareto with alpha <= 1)", c.ThinkDist)
	case c.Workload.Backoff < 0:
		return fmt.Errorf("client-backoff: %s: must be positive", ascii(c.Workload.Backoff))
	case c.Workload.Backoff > 0 && c.Workload.Backoff < MinClientTimeout:
		return fmt.Errorf("client-backoff: %s: at least %s (a client retrying faster would send more than any link carries)", ascii(c.Workload.Backoff), ascii(MinClientTimeout))
	case int(c.ClientRetry) >= len(ClientRetryNames):
		return fmt.Errorf("client-retry: %v: want leader or round_robin", c.ClientRetry)
	}
	return nil
}
