package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/raftsim/raftsim/experiments/results"
)

// versionString says what this binary is, from its build information: the module version ("(devel)"
// for a build from a checkout), the VCS revision and whether the checkout was modified, and the Go
// toolchain. Result manifests record the same facts.
func versionString() string {
	b := results.ReadBuild()
	rev := b.Revision
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if b.Modified == "true" {
		rev += ", modified"
	}
	return fmt.Sprintf("raftsim %s (revision %s) %s %s/%s", b.Version, rev, b.Go, runtime.GOOS, runtime.GOARCH)
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "print the version and build of this binary",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), versionString())
			return nil
		},
	}
}
