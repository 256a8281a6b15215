package cluster

import (
	"testing"
	"time"

	"github.com/raftsim/raftsim/models/latency"
)

// BenchmarkCluster runs a five-node cluster under steady load from 10 closed-loop clients for one
// simulated second per iteration, and reports delivered messages and events per second of wall time.
func BenchmarkCluster(b *testing.B) {
	cfg := Default()
	cfg.Duration = time.Second
	cfg.Clients = 10
	b.ReportAllocs()
	var delivered, events uint64
	for i := 0; i < b.N; i++ {
		cfg.Seed = uint64(i + 1)
		c, err := New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Run(); err != nil {
			b.Fatal(err)
		}
		delivered += c.net.Delivered
		events += c.loop.Fired()
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(delivered)/sec, "msgs/s")
	b.ReportMetric(float64(events)/sec, "events/s")
	b.ReportMetric(float64(delivered)/float64(b.N), "msgs/op")
}

// BenchmarkPeerWorkload is the workload of the etcdsim comparison (../shared/peers/README.md, make
// peers) for two simulated seconds per iteration: five nodes, 64 closed-loop clients, 0.5 ms links, no
// disk time, 100-byte writes, unlimited bandwidth, and log compaction every 10,000 entries. It reports
// commits per second of wall time.
func BenchmarkPeerWorkload(b *testing.B) {
	cfg := Default()
	cfg.Nodes, cfg.Clients, cfg.Duration = 5, 64, 2*time.Second
	cfg.Link.Latency = latency.Const(500 * time.Microsecond)
	cfg.Link.Bandwidth = 0
	cfg.Fsync = latency.Const(0)
	cfg.Workload.ValueSize = 100
	cfg.SnapshotEntries = 10000
	b.ReportAllocs()
	var commits uint64
	for i := 0; i < b.N; i++ {
		cfg.Seed = uint64(i + 1)
		c, err := New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		sum, err := c.Run()
		if err != nil {
			b.Fatal(err)
		}
		commits += sum.Commits
	}
	b.ReportMetric(float64(commits)/b.Elapsed().Seconds(), "commits/s")
}
