package cluster

import (
	"testing"

	"github.com/raftsim/raftsim/topology"
)

// TestTopologyFileLimitIsClusterLimit: a topology file may declare as many nodes as a cluster may have,
// no more (it allowed 1,024 against the cluster's 1,000: a file that loaded could not run).
func TestTopologyFileLimitIsClusterLimit(t *testing.T) {
	if topology.MaxFileNodes != MaxNodes {
		t.Fatalf("topology.MaxFileNodes = %d, cluster.MaxNodes = %d", topology.MaxFileNodes, MaxNodes)
	}
}
