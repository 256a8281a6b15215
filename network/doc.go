// Package network carries messages between the endpoints of a simulated run over a topology.Graph.
//
// Each directed edge (u, v) is a link with its own latency distribution, loss probability and
// bandwidth. A link serialises: a message starts transmitting when the one before it on the same link has
// finished, takes size/bandwidth to transmit, then travels for a latency drawn from the link's own
// random stream. Links are FIFO, as a TCP connection is: a message never overtakes an earlier one on
// the same link, whatever the latency draws.
//
// Messages between nodes that are not adjacent are forwarded hop by hop along the graph's current
// shortest path (topology.Graph.NextHop), each hop paying its own link's costs. A cut drops the messages
// that try to use the edge, including those already on it when they arrive. External endpoints
// (clients) are connected directly to every node by a link with the client parameters, outside the
// graph and its cuts.
//
// A link's queue belongs to its connection: the simulator resets it (ResetLink, ResetNode) when an edge
// is cut or restored and when a node restarts, so one message delayed without bound by a heavy-tailed
// latency does not hold up the link for the rest of the run.
//
// Every random draw of a link comes from the stream "link/U->V" of the root seed, so the fate of one
// link's messages never depends on the traffic on another.
package network
