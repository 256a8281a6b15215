// Package rafttest is an interaction env for raft.Node: a host that drives nodes by hand, one input at
// a time, prints a transcript of everything that happens, and checks after every input the safety
// properties it can see. Scripts in the style of cockroachdb/datadriven pair each command with its
// expected transcript; those in raft/testdata are a specification of the node's behaviour (see the
// comments in each for what it shows and which section of the Raft paper or thesis it exercises).
// RunScript replays one; Random drives an env through a random scenario and returns it as a script.
//
// An Observer sees the nodes from outside the way the simulator's safety checker sees a run, so that
// a checker can be tried on scenarios built exactly, Figure 8 of the Raft paper among them. The package
// is for tests only; it is not a package test because raft's own tests and other packages' share it.
//
// Commands (node lists are "1 2 3" or "1,2,3"):
//
//	add-nodes N [prevote=true|thesis|etcd] [checkquorum=] [election=150ms:300ms] [heartbeat=50ms]
//	          [mutate=name,...] [max-entries=] [max-inflight=] [async-persist=true|1,2] [seed=]
//	          [vote-write=parallel|before_send] [voter-timer=on_grant|on_durable]
//	          [vote-write-holds-timer=] [heartbeat-reply=queued|at_once]   (see raft.Variant)
//	          [lease-read=] [clock-drift=0.01]   (reads: see raft/read.go)
//	          [spares=K]  K more nodes, N+1..N+K, outside the bootstrap configuration (to add later)
//	reset                         forget the cluster (to run a second scenario in one file)
//	campaign N / tick-election N  fire the election timer (a leader's quorum check with CheckQuorum)
//	tick-heartbeat N, tick-lease N
//	propose N data...             one entry per datum
//	read N                        ask node N for a linearizable read (ReadIndex), tagged #1, #2, ...
//	transfer N M                  leader N hands its leadership to M
//	advance D                     move the env's clock on by D (only lease reads look at it)
//	conf-change N add-voter|add-learner|remove ID   propose a configuration change at node N
//	conf [nodes]                  each node's configuration, its entry's index, and the node's place in it
//	stabilize [nodes]             Readies in ID order, then every queued message between the nodes,
//	                              until nothing moves; batches of synchronous nodes are durable at once
//	process-ready nodes           take one Ready from each, deliver nothing
//	persist nodes [upto=seq]      make an asynchronous node's pending batches durable, in order
//	deliver-msgs / drop-msgs [from=] [to=] [type=]   the queued messages matching every filter
//	msgs                          list the queued messages
//	partition 1,2|3,4,5 / isolate N / cut 1->2 / cut 1-2 / heal   links are cut at delivery time
//	crash N / restart N           lose everything not durable / start from what is durable
//	set-durable N [term=] [vote=] [log=1,1,4]   write a crashed node's stable storage directly
//	status [nodes] / log [nodes] / check
//	timers [nodes]                how often each node's election timer was armed, and whether it is now
//	expect-violations             the script shows a broken property on purpose
//
// mutate= switches on mutations, rules of Raft the nodes break on purpose (raft.Mutation; names as
// raft.ParseMutation reads them, comma-separated). It parses only in a build with the mutants tag; in
// any other a script that uses it fails with an error that says so. The scripts that use it are in
// raft/testdata/mutants, which only mutants-tagged tests run.
//
// A timer fires only if the node armed it (timers are one-shot; the env learns of them from Readies).
//
// Transcript notation: an entry is term/index (with :data when it has a payload, :conf(change) when it
// is a configuration entry), so log=1/5 in an
// AppendEntries is the entry preceding the ones sent, and in a vote request the candidate's last
// entry. "> 1 handling Ready" lists what node 1 handed out: "send" for messages that leave at once,
// "persist #n" for its batch, "apply" for committed entries. A synchronous node's batch is durable as
// soon as it is listed, and the "send" lines after it are the messages it held; an asynchronous node's
// batch is "(pending)" and its messages are "hold ... until #n" until a persist command. A heartbeat that belongs to a read
// round shows round=N, echoed by its answer; "read #n index=i" is a node's answer to a read, and "serve
// read #n" is when the env serves it, once the node has applied up to i. "> 2 receiving
// messages" lists deliveries to node 2 and what they changed. After every input the env checks the
// safety properties it can see — one leader per term, one vote per node per term, Log Matching,
// Leader Completeness, agreement of committed and applied entries, nothing vouched for before it is
// durable, timers that fit the role, and no read served at an applied index below the highest commit
// index any node had reached when the read was asked — and prints each violation once, on a line
// starting with !!!.
// A violation fails RunScript's test unless the script says expect-violations. What an Observer
// reports is kept apart (Env.ObserverErrors) and never printed, so a transcript does not depend on
// who watches it.
package rafttest
