// Package batch describes a sharded sweep as the commands a batch system runs: one idempotent shard
// command per task, and one merge command once every shard is done. Its subpackages write those
// commands into a Slurm job array (batch/slurm) and a Kubernetes Indexed Job (batch/k8s); neither
// submits anything but through the scheduler's own client, and raftsim has no coordinator of its own.
//
// The commands are those of the shard contract (raftsim sweep --shard, raftsim merge): shard I of N
// runs
//
//	raftsim sweep SPEC [--seed S] [--trials T] --shard I/N --out SHARDS/shard-I --resume --workers W --quiet
//
// which starts the shard in an empty directory, continues it from its journal after a requeue or a
// preemption, and does nothing when the shard is finished, so a task may run any number of times; and
// the merge runs
//
//	raftsim merge OUT SHARDS/shard-1 ... SHARDS/shard-N
//
// which writes OUT byte-identical to `raftsim sweep SPEC --out OUT` on one machine.
package batch
