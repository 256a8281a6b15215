// Package topology describes the simulated network: a directed graph whose
// nodes are the Raft nodes 1..n and whose edges are links, each with its own
// latency distribution, loss probability and bandwidth. An edge u->v means u
// can send directly to v.
//
// The package holds the static description (Link per edge), the cut state
// (edges that exist but currently carry nothing, as in a partition) and
// routing: a message between nodes that are not adjacent is forwarded hop
// by hop along a shortest path over edges that are up, and every hop costs
// that edge's latency, loss and bandwidth. The simulator keeps the dynamic
// per-link state (queues, messages in flight) elsewhere.
//
// The structure lives in a gonum graph/simple.DirectedGraph; per-pair data
// is mirrored in dense slices so that Up, Link and NextHop are O(1) and
// allocation free on the simulator's per-message path. Everything that
// iterates over nodes or edges does so in ascending ID order, so results
// never depend on map order. Version changes on every change to edges,
// links or cuts, and routing tables are recomputed lazily when it has.
//
// # Building graphs
//
// Mesh, Star, Ring and Line (or Generate by name) build the usual shapes;
// New plus SetLink builds anything. Load and Parse read a topology file.
//
// # Topology files
//
// A file is YAML (.yaml, .yml) or JSON (.json, the same fields). Parsing is
// strict: an unknown key, a duplicate key (YAML), a value of the wrong type
// or an impossible value is an error naming the file, the line (YAML only)
// and the field:
//
//	topology: net.yaml:7: edges[2].loss: 1.5 not in [0,1]
//	topology: net.json: edges[2].loss: 1.5 not in [0,1]
//
// The sections are applied in a fixed order, whatever their order in the
// file: base, then groups and links, then edges; later entries replace
// earlier ones.
//
// nodes (required) is the node count; IDs are 1..nodes, at most
// MaxFileNodes:
//
//	nodes: 5
//
// base starts from a generated topology: mesh, star, ring, line or none
// (the default, no edges). Its edges use the defaults:
//
//	base: mesh
//
// defaults gives the link parameters of every edge that does not set its
// own. A field left out falls back to the Link the caller passes to Load or
// Parse. latency is a spec for package models/latency, loss a probability in
// [0,1], bandwidth a rate for ParseBandwidth ("unlimited" or 0 for none):
//
//	defaults: {latency: "const:5ms", loss: 0, bandwidth: 1Gbps}
//
// edges adds, replaces or removes single edges. Link fields left out come
// from defaults. both: true applies the entry to both directions. remove:
// true deletes an edge, which must exist (for example, one the base made),
// and takes no link fields:
//
//	edges:
//	  - {from: 1, to: 2, latency: "uniform:2ms:8ms", loss: 0.01, bandwidth: 100Mbps}
//	  - {from: 4, to: 5, both: true, latency: "lognormal:40ms:0.2"}
//	  - {from: 3, to: 4, remove: true}
//
// groups names sets of nodes, such as regions. A node may be in several
// groups. The graph remembers them (see Graph.Group), so tools can, for
// example, partition by region:
//
//	groups:
//	  us: [1, 2, 3]
//	  eu: [4, 5]
//
// links sets the edges of whole groups at once, before edges are applied.
// within: G sets every edge between two members of G; between: [G, H, ...]
// sets every edge, in both directions, between members of different listed
// groups. Link fields left out come from defaults. remove: true deletes
// whichever of those edges exist instead:
//
//	links:
//	  - {between: [us, eu], latency: "lognormal:80ms:0.1"}
//	  - {within: us, latency: "const:1ms"}
//	  - {between: [us, eu], remove: true}   # regions that cannot talk directly
//
// regions groups the nodes into regions, each a group of its name, with
// the link within it (link fields as elsewhere; left out, defaults). Either
// every region lists its nodes, each node in exactly one, or none does and
// node i is in region (i-1) mod R. The edges inside a region take its link
// (before links and edges, which refine them); a links entry whose groups are
// all regions also sets the link between those regions that clients placed
// in them use (Graph.RegionLink):
//
//	regions:
//	  - {name: us-east-1, latency: "const:500us"}
//	  - {name: eu-west-1, latency: "const:500us"}
//	links:
//	  - {between: [us-east-1, eu-west-1], latency: "const:40.275ms"}
//
// Preset returns a built-in region file (presets/*.yaml: aws3, aws5) over any
// node count; each names the published round-trip times its latencies are
// half of.
//
// testdata/wan3.yaml (three regions) and testdata/howard-abraham.yaml (the
// partial-connectivity example of Howard & Abraham, 2020) are complete
// files.
package topology
