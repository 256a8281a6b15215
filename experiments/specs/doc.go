// Package specs embeds the built-in experiments, so `raftsim sweep quorum` works outside the
// repository. Each is an ordinary spec file (docs/experiments.md) that `raftsim sweep FILE` would run
// the same way.
package specs
