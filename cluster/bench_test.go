package cluster

import (
	"testing"
	"time"
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
