// Package network carries messages between the endpoints of a simulated run over a topology.Graph.
//
// Each directed edge (u, v) is a link with its own latency distribution, loss probability and
// bandwidth. A link serialises: a message starts transmitting when the one before it on the same link has
// finished, takes size/bandwidth to transmit, then travels for a latency drawn from the link's own
// random stream. Links are FIFO, as a TCP connection is: a message never overtakes an earlier one on
// the same link, whatever the latency draws — except one a Filter delays, which is held aside.
//
// Filters (AddFilter) drop or delay the messages of chosen classes on chosen links for a span of
// time, the message-level faults of scripted scenarios; a dropped one draws nothing from its link's
// stream.
//
// Messages between nodes that are not adjacent are forwarded hop by hop along the graph's current
// shortest path (topology.Graph.NextHop), each hop paying its own link's costs. A cut drops the messages
// that try to use the edge, including those already on it when they arrive. External endpoints
// (clients) are connected directly to every node by a link with the client parameters, outside the
// graph and its cuts; the state of such a link is made when a message first uses it, so a population of
// clients costs what its traffic costs, not a table of every pair of endpoints.
//
// A link's queue belongs to its connection: the simulator resets it (ResetLink, ResetNode) when an edge
// is cut or restored and when a node restarts, so one message delayed without bound by a heavy-tailed
// latency does not hold up the link for the rest of the run.
//
// A link holds at most LinkCapacity messages at once (queued, transmitting or propagating); a message
// sent to a full link is dropped as overflow, as etcd drops a Raft message when its per-peer send buffer
// is full. It bounds what a sender that outpaces its link can pile up: a heartbeat every nanosecond, a
// bandwidth near zero, a latency of hours. A message that would arrive after the run's end (SetHorizon)
// is released at once rather than held: it could never be seen. Memory is therefore bounded by the
// links in use, whatever the settings.
//
// Times saturate: a transmission at a bandwidth near zero, or a latency drawn from a heavy tail, ends
// at sim.Never at the latest, and a message due then never arrives.
//
// Every random draw of a link comes from the stream "link/U->V" of the root seed, so the fate of one
// link's messages never depends on the traffic on another.
package network
