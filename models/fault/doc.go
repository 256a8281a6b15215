// Package fault describes what goes wrong in a run, as data: crashes (volatile state lost), restarts
// (recovery from what was durable), directed link cuts and restores, partitions, isolation and healing,
// and gray failures, where a node stays up but stalls or slows: a process pause, a disk stall, a slow
// disk (gray.go); and the repair of every fault at once, after which none fires (repair.go).
//
// Schedules come from the command line's short forms (ParseCrash, ParseCut, …) or are drawn from a
// seeded stream (NewChaos, CrashRecovery). A schedule is a list of Events sorted by time; events at the
// same instant keep the order they were given in, so a schedule means the same thing on every run.
//
// A fault may name a node by a role instead of an ID (target.go): leader, leader+K, follower,
// crashed-leader, and in a partition rest. Every form reads its nodes through one parser (parseTarget,
// by way of parseAtList for the ID@T forms), so a kind added later takes the roles too. The cluster
// resolves a role when the fault fires (cluster.resolve, its one place), and what happens when a role
// names nobody is defined once: the fault fires at T or not at all, never later, since a fault that
// waited for a leader would fire after the entries written after it to undo it. With no leader at T,
// leader+K hits 1+K live nodes drawn in its place, so that the count of nodes a fault hits never depends
// on the election's timing (the rule crash leader+K always had); with no live follower, or no leader
// crashed yet, the fault does nothing. The run's fault timeline names the node each role named, or why
// none (docs/experiments.md, "Role targets"). A message filter's link ends may be leader, follower or
// crashed-leader too (MsgFilter.RoleLinks): resolved when the filter starts and kept until it ends.
//
// A drawn schedule is a Source, drawn one event at a time as the run reaches it, so that its cost
// follows the run rather than the settings: a fault every nanosecond for an hour costs nothing before
// the run starts, and stopping the run stops the drawing. Merge interleaves sources in exactly the order
// Sort would give their events listed one source after another (Collect draws a source to a list).
package fault
