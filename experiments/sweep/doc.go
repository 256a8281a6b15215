// Package sweep runs the trials of an experiments.Plan in parallel and writes the results directory.
//
// Each trial runs the point's configuration with the trial's seed (experiments.TrialSeed) on one
// goroutine of a pool; a run is single-threaded and shares nothing with the others, so what a trial
// measures does not depend on the worker count or on scheduling. The result files (manifest.json,
// trials.csv, summary.csv, summary_long.csv, see package results) are written once every trial is done, from the
// trials sorted into sweep order: they are byte-identical whatever the number of workers, the order in
// which trials finished, and whether the sweep was interrupted and resumed on the way.
//
// # Journal
//
// While a sweep runs, every finished trial is appended to trials.journal in the results directory and
// synced to disk before it counts as done (the trials that finish together share one sync). Its first
// line gives the journal's version (v2), the spec's SHA-256, the root seed, the trials per point and,
// for each file the spec read besides itself (a topology file), input=NAME:SHA256; its second is the
// CSV header point,trial,seed,<measures>,crc32c; every other line is one trial as CSV: the point's
// key, the trial index, its seed (as results.FormatSeed writes it), its measures in strconv's shortest
// round-trip form, so that a resumed sweep reproduces them exactly, and the CRC-32C of the line's text
// before its last comma. On resume every line is held against its checksum: the last line, which a
// crash may have cut short or garbled while it was written, is dropped if it fails, and its trial runs
// again; any other line that fails is damage, and the journal is refused naming the line. A journal of
// another version is refused as such.
//
// A topology file is read once, when the spec is parsed: the plan keeps its bytes
// (experiments.Input) and every trial runs from them, so a file edited while a sweep runs does not
// change it; a resume whose file has changed since is refused, naming the file.
//
// Cancelling the context stops the sweep from starting trials and stops the running ones within a few
// thousand events (a trial of a hundred thousand simulated hours does not hold up Ctrl-C); a trial
// stopped that way is not journaled and runs again on resume. Run returns an *InterruptedError. Run
// with Options.Resume then reads the journal (stopping, with the journal unchanged, if the context is
// cancelled while it reads), checks that it belongs to the same spec, input files, seed and trial
// count, and runs only the missing trials. Without Resume, Run refuses a directory that holds a
// journal rather than discard it. When every trial is done the result files are written, then
// Options.Finish is called (the CLI draws its plots there), and only then is the journal removed: a
// sweep killed, interrupted or stopped by an error before that is resumed without running a trial,
// the result files written again, byte for byte, and Finish called again.
//
// # The results directory
//
// A sweep holds its directory from start to end with results.Lock, an flock on .raftsim.lock inside
// it, released when the process ends however it ends: a second sweep (or `raftsim plot`) on the same
// directory is refused at once and writes nothing, and a sweep killed with SIGKILL leaves no stale
// lock. The lock file itself stays. Holding the lock, Run first removes the temporary files that
// killed writers left (atomicfile.Clean).
//
// Run takes a directory that is new, holds nothing of raftsim's, or holds the finished results or the
// journal of the same sweep (same canonical spec, by its SHA-256, seed and trials per point). With
// Resume it needs a journal: a directory that does not exist, is empty or holds only finished
// results is refused. Without Resume it refuses a journal, the results of another sweep (the message
// says what differs: experiment, trials, seed, other settings), and a manifest, journal or
// trials.csv it cannot read as raftsim's own — unless Options.Force, which removes raftsim's own
// files (results.Files, the journal and the files Options.Derived names, plots and comparison for the
// CLI) before the sweep starts, and nothing else. Every refusal wraps ErrRefused.
//
// A trial that fails (a safety violation, a configuration the cluster rejects) fails the sweep: no
// more trials start, no result file is written, and the journal is removed, since the same seed would
// fail again on resume. An error writing the journal, the result files or what Finish writes (a full
// disk) keeps the journal: Run returns a *StoppedError saying how many trials are kept, and the sweep
// can be resumed once the cause is fixed.
//
// # Shards
//
// With Options.Shard, Run runs only the trials Assign gives one shard of N (a greedy
// longest-processing-time-first assignment on TrialCost, which depends on the plan alone) into a shard
// directory: its journal, whose first line also says shard=I/N and which stays once the shard is done,
// and ShardFile, written last. With Resume a shard also starts in a directory that does not exist or
// holds nothing of raftsim's, so that one command serves a batch task's first run and its requeue.
// Merge checks a set of shard directories (same sweep, same build, every shard once, each whole) before
// it touches its output, then writes the result files through the same writer as Run: the files are
// the one-machine sweep's, byte for byte. docs/shards.md describes it for users.
package sweep
