# raftsim — the two commands a fresh machine needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/raftsim
# The version stamp (VCS revision) goes into the binary and into every manifest it writes.
BUILD   := $(GO) build -buildvcs=true
PKGS    := ./...
# Packages that start goroutines (the sweep runner); the race detector runs on them in `make test`.
RACE_PKGS ?= $(shell $(GO) list -f '{{if .TestGoFiles}}{{.ImportPath}}{{end}}' ./experiments/... 2>/dev/null | grep -E 'experiments/(sweep|runner)' )

.PHONY: all build run test vet fmt fmt-check bench chaos clean

all: build

build:
	$(BUILD) -o $(BIN) ./cmd/raftsim

# The main job on built-in defaults: a five-node cluster, 60 simulated seconds, the leader crashed at 20s.
run: build
	./$(BIN) run --nodes 5 --duration 60s --crash leader@20s --check

test: fmt-check vet
	$(GO) test -count=1 $(PKGS)
	@if [ -n "$(RACE_PKGS)" ]; then echo "race detector on: $(RACE_PKGS)"; $(GO) test -count=1 -race $(RACE_PKGS); fi

vet:
	$(GO) vet $(PKGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# Benchmarks quoted in the README: the bare event loop and a five-node cluster under load.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -cpu 1 ./sim/ ./cluster/

clean:
	rm -rf bin out
