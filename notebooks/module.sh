#!/bin/sh
# module.sh points the GoNB kernel's scratch module at the raftsim checkout this script lives in.
#
# Every notebook's first cell runs it with GoNB's `!*` (a shell in the kernel's scratch directory,
# GONB_TMP_DIR, which holds the go.mod the cells are compiled in):
#
#	!*"$GONB_DIR/module.sh"
#
# GONB_DIR is the directory the kernel started in: the notebook's own, under Jupyter and under
# `make notebooks`. The checkout is the module that directory belongs to (`go list -m`), so a notebook
# runs against the code beside it, not against a published version, and no network is needed beyond
# the Go module proxy for the modules raftsim already requires. The gonbui package (inline figures) is
# required at the version of the GoNB kernel pinned in tools/go.mod: GoNB's own `go get` asks the proxy
# for a module's newest version when none is required, which the proxy here refuses for GoNB.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here" && go list -m -f '{{.Dir}}' 2>/dev/null || true)
if [ -z "$root" ] || ! grep -qx 'module github.com/raftsim/raftsim' "$root/go.mod" 2>/dev/null; then
	echo "module.sh: $here is not inside a raftsim checkout (go list -m says \"$root\")" >&2
	exit 1
fi
gonb=$(cd "$here/tools" && go list -m -f '{{.Version}}' github.com/janpfeifer/gonb)
go mod edit \
	-replace "github.com/raftsim/raftsim=$root" \
	-require "github.com/raftsim/raftsim@v0.0.0" \
	-require "github.com/janpfeifer/gonb@$gonb"
echo "raftsim from $root, gonbui $gonb"
