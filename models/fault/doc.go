// Package fault describes what goes wrong in a run, as data: crashes (volatile state lost), restarts
// (recovery from what was durable), directed link cuts and restores, partitions, isolation and healing.
//
// Schedules come from the command line's short forms (ParseCrash, ParseCut, …) or are drawn from a
// seeded stream (Chaos). A schedule is a list of Events sorted by time; events at the same instant keep
// the order they were given in, so a schedule means the same thing on every run.
package fault
