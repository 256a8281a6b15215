package cluster

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/raftsim/raftsim/models/fault"
	"github.com/raftsim/raftsim/network"
	"github.com/raftsim/raftsim/sim"
	"github.com/raftsim/raftsim/topology"
)

// applyFilter starts a message filter (fault.MsgFilter) on the network, from now until its Until.
func (c *Cluster) applyFilter(e *fault.Event) {
	f := e.Filter
	c.trace.fault(e, 0)
	nf := network.Filter{Classes: uint32(f.Types), Delay: f.Delay, Until: sim.Never}
	if f.Until != fault.Forever {
		nf.Until = sim.Time(f.Until)
	}
	for _, p := range f.Links {
		nf.Links = append(nf.Links, [2]uint64{uint64(p.From), uint64(p.To)})
	}
	c.net.AddFilter(nf)
	action := "dropping"
	if f.Delay > 0 {
		action = "delaying by " + ascii(f.Delay)
	}
	until := "the end of the run"
	if f.Until != fault.Forever {
		until = ascii(time.Duration(f.Until))
	}
	links := make([]string, len(f.Links))
	for i, p := range f.Links {
		links[i] = p.String()
	}
	c.timeline.add(c.loop.Now(), e, nil, nil, fmt.Sprintf("%s %s on %s until %s", action, f.Types, strings.Join(links, ","), until))
}

// ClientLink is the link between a client and a node, each way: Link, with the client settings that
// are set in its place, and never duplicating nor reordering.
func (c *Config) ClientLink() topology.Link {
	l := topology.Link{Latency: c.Link.Latency, Loss: c.Link.Loss, Bandwidth: c.Link.Bandwidth}
	if c.ClientLatency != nil {
		l.Latency = c.ClientLatency
	}
	if c.ClientLoss != nil {
		l.Loss = *c.ClientLoss
	}
	if c.ClientBandwidth != nil {
		l.Bandwidth = *c.ClientBandwidth
	}
	return l
}

// flapSources are the link flaps of the run over g: one source per pair of nodes with an edge either
// way (of the pairs Flap.Links chooses, when it does), drawn from the pair's own stream.
func (c *Config) flapSources(g *topology.Graph) []fault.Source {
	f := c.Flap
	if f == nil {
		return nil
	}
	var out []fault.Source
	n := int64(g.Len())
	for a := int64(1); a <= n; a++ {
		for b := a + 1; b <= n; b++ {
			var edges []topology.Edge
			if _, ok := g.Link(a, b); ok {
				edges = append(edges, topology.Edge{From: a, To: b})
			}
			if _, ok := g.Link(b, a); ok {
				edges = append(edges, topology.Edge{From: b, To: a})
			}
			if f.Links != nil && !slices.Contains(f.Links, fault.Pair{A: a, B: b}) {
				continue // not a chosen link: no stream made, nothing drawn
			}
			if len(edges) > 0 {
				r := sim.Stream(c.Seed, fmt.Sprintf("flap/%d-%d", a, b))
				out = append(out, fault.Flap(edges, f.Up, f.Down, r, c.Duration))
			}
		}
	}
	return out
}

// validateLinks checks the settings of the links area: the client link, duplication and reordering,
// and the nodes message filters name.
func (c *Config) validateLinks() error {
	switch {
	case c.ClientLoss != nil && !(*c.ClientLoss >= 0 && *c.ClientLoss <= 1):
		return fmt.Errorf("client-loss: %v: must be in [0, 1]", *c.ClientLoss)
	case c.ClientBandwidth != nil && !(*c.ClientBandwidth >= 0):
		return fmt.Errorf("client-bandwidth: %v: must not be negative", *c.ClientBandwidth)
	case !(c.Link.Dup >= 0 && c.Link.Dup <= 1):
		return fmt.Errorf("dup: %v: must be in [0, 1]", c.Link.Dup)
	case !(c.Link.Reorder >= 0 && c.Link.Reorder <= 1):
		return fmt.Errorf("reorder: %v: must be in [0, 1]", c.Link.Reorder)
	}
	if f := c.Flap; f != nil {
		switch {
		case f.Up == nil || f.Down == nil:
			return errors.New("flap: both up and down are needed")
		case f.Up.Mean() < MinFlapSpan:
			return fmt.Errorf("flap: up %v has mean %s: at least %s (every pair of nodes flaps)", f.Up, ascii(f.Up.Mean()), ascii(MinFlapSpan))
		case f.Down.Mean() < MinFlapSpan:
			return fmt.Errorf("flap: down %v has mean %s: at least %s (every pair of nodes flaps)", f.Down, ascii(f.Down.Mean()), ascii(MinFlapSpan))
		}
		for _, p := range f.Links {
			if p.B > int64(c.Hosts()) {
				return fmt.Errorf("flap: links: %v: node %d is not in 1..%d", p, p.B, c.Hosts())
			}
		}
	}
	for _, e := range c.Faults {
		if e.Kind != fault.Filter {
			continue
		}
		for _, p := range e.Filter.Links {
			if p.From > int64(c.Hosts()) || p.To > int64(c.Hosts()) {
				return fmt.Errorf("filter: %v: link %v: node %d is not in 1..%d", e, p, max(p.From, p.To), c.Hosts())
			}
		}
		for _, l := range e.Filter.RoleLinks {
			if id := max(l.From.ID, l.To.ID); id > int64(c.Hosts()) {
				return fmt.Errorf("filter: %v: node %d is not in 1..%d", e, id, c.Hosts())
			}
		}
	}
	return nil
}
