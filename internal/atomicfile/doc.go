// Package atomicfile writes raftsim's output files so that nothing already there is damaged: result
// files, figures, comparisons and traces all go through it.
//
// What Create does depends on what the path names when it is called:
//
//   - "-" (Stdout) is standard output, written as a stream.
//   - A regular file, or nothing yet, is replaced atomically: the output goes to a temporary file in the
//     same directory, which Commit flushes, syncs, gives the mode of the file it replaces (0644 less the
//     umask for a new file), renames over the path and makes durable by syncing the directory. A reader,
//     or a crash, sees the old file or the whole new one, never a part. An existing file that is
//     read-only to this process is refused rather than replaced. Replacing breaks hard links: the other
//     names keep the old content.
//   - A character or block device (/dev/null, a terminal) or a named pipe (FIFO) is a stream: it is
//     opened and written in place, never replaced, truncated or removed. Opening a FIFO waits, as a shell
//     redirection does, until a reader opens it; the context given to Create ends the wait, and a write
//     that blocks because the reader stopped reading.
//   - A symbolic link is followed, through any chain of links: the file it leads to is treated as above,
//     so a link to a regular file stays a link and its target is replaced atomically, a link to a device
//     or a pipe is written through, and a dangling link gets its target created.
//   - A directory, a socket, a path whose directory does not exist, a directory that cannot be written
//     and a loop of links are refused by Create, before anything is written, with a *PathError.
//
// Abort undoes what can be undone: the temporary file is removed and a regular file is left as it
// was. What was written to a stream stays written; Abort flushes it, so the reader has every byte
// produced before the abort.
//
// # Temporary files
//
// A temporary file is named "." + the target's name + ".tmp-" + 16 hex digits, and its writer holds an
// exclusive flock(2) on it until it is renamed or removed. A process killed with SIGKILL cannot remove
// its temporary file, but its lock dies with it, so Clean, which removes only the temporary files whose
// lock it can take without waiting, removes exactly the files of dead writers, even while other
// processes write in the same directory. Create cleans up after dead writers of the same target, and a
// results directory is cleaned as a whole when a sweep starts or its plots are redrawn. On systems
// without flock(2) (anything but Unix) Clean removes nothing.
package atomicfile
