// Package swarm is raftsim's swarm testing (`raftsim check`): each seed draws a whole world — cluster
// size, topology or regions, latency, loss, duplication and reordering, a fault schedule of crashes,
// partitions (whole and partial), pauses, disk stalls and slow disks, filters and flaps, clock drift,
// PreVote and CheckQuorum, snapshots, membership changes, transfers and a workload of writes and reads —
// and runs it in two phases, as TigerBeetle's VOPR does: a safety phase with the faults, then a liveness
// phase that starts with every fault repaired (the "repair" schedule entry), in which the cluster must
// elect a leader, commit a client write and serve a client read within a bound stated in election
// timeouts. The safety properties are checked as the run goes (package safety); the client history is
// checked for linearizability afterwards (package safety/linearize, Porcupine), with a time limit: a
// check that runs out of time is an Unknown, counted and reported, never a pass.
//
// Most seeds draw a general world; 8% draw from one of two corner families (family.go: elections racing
// replication as in the Raft paper's Figure 8, and lease reads at the edge of their clock assumption),
// corners the general worlds reach too rarely. Which one comes from the seed's own "swarm/family"
// stream. No drawn world breaks an assumption Raft rests on beyond the racy worlds' timing rule: none
// has a configuration warning (cluster.Config.Warnings), and Shrink never steps into one.
//
// A world is written as a run's settings (World.Settings: the spec fields and schedule entries of
// docs/experiments.md), so that it goes through exactly the parser and checks a user's spec does, and a
// failing world can be printed as a spec file or a `raftsim run` command line that replays it. Shrink
// looks for a smaller world that still fails. The design follows swarm testing (Groce et al., "Swarm
// Testing", ISSTA 2012): many seeds, each switching features on and off, find more than many seeds of
// one configuration.
//
// A check's deterministic figures can be written as a report (ReportFile, `raftsim check --report`);
// a check split into shards of contiguous seeds (ShardSeeds) gives reports that MergeReports merges to
// the whole check's report, byte for byte (docs/shards.md).
package swarm
