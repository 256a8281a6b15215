// Package readfile reads the files a user hands raftsim (spec files, topology files, the files of a
// results directory) so that no such file can hang a command or exhaust its memory.
//
// Only regular files are read (a symbolic link to one is fine). Anything else is refused before a byte
// is read, with an error wrapping ErrNotRegular: a directory, a device such as /dev/zero (which would
// read forever), a named pipe or a socket. A named pipe is refused rather than read because opening
// one blocks until another process opens it for writing, possibly never, and a spec or topology is
// read more than once; write the text to a file instead of passing <(…). Files are opened without
// blocking, so a pipe put in the place of a file between a check and the open cannot block either.
//
// Every read is capped: a file longer than its limit (checked from its size, and again while reading,
// since a file may grow or lie about its size, as /proc files do) is refused with a *TooLargeError
// after at most limit+1 bytes. The limits are generous for real files:
//
//	SpecLimit    16 MiB  spec and topology files (the built-in specs are 2 KB; a topology of 500 nodes
//	                     with every one of its 250,000 edges listed is 12 MB, and its decoding takes
//	                     about 60 times that in memory, so a 1000-node one, 50 MB, would take 3 GB:
//	                     describe such a topology with base, defaults, groups and links instead)
//	ResultLimit   1 GiB  trials.csv, summary.csv, manifest.json and the sweep journal: a sweep holds at
//	                     most experiments.MaxTrials (a million) trials, whose trials.csv is about 300 MB
//
// Errors are *fs.PathError values naming the operation and the path, as the os package's are.
package readfile
