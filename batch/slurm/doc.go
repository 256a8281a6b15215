// Package slurm writes a sharded sweep (batch.Sweep) as two Slurm batch scripts, and submits them
// through sbatch.
//
// The array script runs one task per shard (#SBATCH --array=1-N): task I runs shard I of N, its index
// read from SLURM_ARRAY_TASK_ID, with as many sweep workers as the task has CPUs
// (SLURM_CPUS_PER_TASK). The shard command is idempotent, so the script asks for --requeue: a task
// that Slurm requeues after a node failure or a preemption continues from its shard's journal. The
// merge script runs `raftsim merge` once; Submit submits it with --dependency=afterok:<array job id>
// (every task of the array finished with exit 0) and --kill-on-invalid-dep=yes, so that a failed shard
// cancels the merge instead of leaving it pending for ever.
//
// The scripts name the raftsim binary and every directory by absolute path: Slurm runs them on other
// machines of the cluster, which see the same shared file system but not the submitting shell's working
// directory or PATH.
//
// Every option is checked as sbatch would take it (Validate): time limits in Slurm's six forms, memory
// as a count of megabytes with an optional K, M, G or T suffix, names without white space or shell
// characters. An error names the sbatch option.
package slurm
