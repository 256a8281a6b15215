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
// line names the spec's SHA-256, the root seed and the trials per point; its second is the CSV header
// point,trial,seed,<measures>; every other line is one trial as CSV: the point's key, the trial index,
// its seed (as results.FormatSeed writes it; a decimal seed of an older journal reads too) and its measures in strconv's shortest round-trip form, so that a resumed sweep reproduces
// them exactly. A last line cut short by a crash is dropped on resume.
//
// Cancelling the context stops the sweep from starting trials and stops the running ones within a few
// thousand events (a trial of a hundred thousand simulated hours does not hold up Ctrl-C); a trial
// stopped that way is not journaled and runs again on resume. Run returns an *InterruptedError. Run with Options.Resume then reads the journal,
// checks that it belongs to the same spec, seed and trial count, and runs only the missing trials.
// Without Resume, Run refuses a directory that holds a journal rather than discard it. When every
// trial is done the result files are written and the journal is removed.
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
// fail again on resume. Errors writing the journal keep it, so the sweep can be resumed once the cause
// is fixed.
package sweep
