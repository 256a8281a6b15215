// Package fault describes what goes wrong in a run, as data: crashes (volatile state lost), restarts
// (recovery from what was durable), directed link cuts and restores, partitions, isolation and healing,
// and gray failures, where a node stays up but stalls or slows: a process pause, a disk stall, a slow
// disk (gray.go).
//
// Schedules come from the command line's short forms (ParseCrash, ParseCut, …) or are drawn from a
// seeded stream (NewChaos, CrashRecovery). A schedule is a list of Events sorted by time; events at the
// same instant keep the order they were given in, so a schedule means the same thing on every run.
//
// A drawn schedule is a Source, drawn one event at a time as the run reaches it, so that its cost
// follows the run rather than the settings: a fault every nanosecond for an hour costs nothing before
// the run starts, and stopping the run stops the drawing. Merge interleaves sources in exactly the order
// Sort would give their events listed one source after another (Collect draws a source to a list).
package fault
