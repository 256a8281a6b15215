# raftsim — the two commands a fresh machine needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/raftsim
# The version stamp (VCS revision) goes into the binary and into every manifest it writes.
BUILD   := $(GO) build -buildvcs=true
PKGS    := ./...
# Packages that start goroutines (parallel seeds, the sweep runner, the CLI's signal handling and
# progress): `make test` runs them again under the race detector, in -short mode to keep CI within its
# budget. experiments/specs is left out: it starts no goroutine of its own, and its sweeps go through the
# runner that experiments/sweep's tests race-check (under -race it took 7 minutes of a loaded machine).
RACE_PKGS := ./cluster/ ./experiments/sweep/ ./cmd/raftsim/

.PHONY: all build wasm chromium browser-test site run demo demo-run readme test fuzz-short fuzz mutants swarm soak check vet fmt fmt-check bench peers clean

all: build

# wasm first: the binary embeds the browser simulator (raftsim demo), which refuses to start without it.
build: wasm
	$(BUILD) -o $(BIN) ./cmd/raftsim

# The main job: the built-in experiments into out/, with their plots: fig16, quorum, tradeoff,
# rolling-replace, partial-partition, wan, loss, drift, gray and throughput (about 85 s of CPU) at full size; fig16-sensitivity (378
# points; 33 s on 2 idle cores at its full 200 trials per point) at REDUCED_TRIALS per point, into its
# own directory so that it never replaces full-size results.
EXPERIMENTS := fig16 quorum tradeoff fig16-sensitivity rolling-replace partial-partition wan loss drift gray throughput
FULL_IN_RUN := fig16 quorum tradeoff rolling-replace partial-partition wan loss drift gray throughput
REDUCED_TRIALS := 100
run: build
	@for e in $(FULL_IN_RUN); do ./$(BIN) sweep $$e --out out/$$e || exit $$?; done
	@echo "fig16-sensitivity at $(REDUCED_TRIALS) trials per point, to keep make run short; full size (200): ./$(BIN) sweep fig16-sensitivity --out out/fig16-sensitivity"
	@./$(BIN) sweep fig16-sensitivity --trials $(REDUCED_TRIALS) --out out/fig16-sensitivity-$(REDUCED_TRIALS)
	@echo; echo "plots:"; ls out/*/plots/*.png

# The browser simulator (docs/demo.md), served on http://127.0.0.1:8080/ until Ctrl-C.
demo: build
	./$(BIN) demo

# One five-node cluster for 60 simulated seconds, the leader crashed at 20s, safety checked, in the terminal.
demo-run: build
	./$(BIN) run --nodes 5 --duration 60s --crash leader@20s --check

# Run the built-in experiments afresh (--force: out/ may hold results of an older spec) and copy their
# figures and the fig16 comparison table into the README (docs/figures).
readme: build
	@for e in $(EXPERIMENTS); do ./$(BIN) sweep $$e --out out/$$e --force || exit $$?; done
	mkdir -p docs/figures
	for e in $(EXPERIMENTS); do cp out/$$e/plots/*.png docs/figures/; done
	cp out/fig16/comparison.md docs/figures/fig16-comparison.md
	cp out/fig16-sensitivity/consistent.md docs/figures/fig16-sensitivity-consistent.md
	./scripts/readme-table README.md docs/figures/fig16-comparison.md
	./scripts/readme-table README.md docs/figures/fig16-sensitivity-consistent.md fig16-sensitivity
	./scripts/partial-partition-table out/partial-partition > docs/figures/partial-partition.md
	./scripts/readme-table README.md docs/figures/partial-partition.md partial-partition

# The tools the last three need (Chromium, Jupyter with GoNB, Slurm with munge) are installed by their
# targets when missing (apt-get as root on Debian; GoNB with go install at pinned versions). -timeout:
# the slowest packages (cluster, experiments/specs) take 5-10 minutes each on a loaded 2-core machine, past
# go test's default 10 minutes per package; CI's own limit is the one that matters.
test: fmt-check vet
	$(GO) test -count=1 -timeout 30m $(PKGS)
	$(GO) test -count=1 -timeout 30m -race -short $(RACE_PKGS)
	$(MAKE) --no-print-directory fuzz-short
	$(MAKE) --no-print-directory mutants
	$(MAKE) --no-print-directory swarm
	$(MAKE) --no-print-directory browser-test
	$(MAKE) --no-print-directory notebooks
	$(MAKE) --no-print-directory slurm-test

# raftsim check over a fixed set of seeds (README, Trust): each seed a whole world, safety and liveness
# phases, the history checked for linearizability. About 10 s on 2 idle cores. A failure prints the command
# that replays it and the world goes to out/swarm-failures/.
SWARM_SEEDS := 2000
swarm: build
	./$(BIN) check --seeds $(SWARM_SEEDS) --quiet --failures out/swarm-failures

# A check for a person to leave running: seeds from SOAK_FROM (past the ones CI and the README use) until
# SOAK_BUDGET of wall-clock time is spent, every failing world written to SOAK_DIR as a spec file that
# `raftsim replay FILE` runs again. Ctrl-C stops it with the table of what it covered.
SOAK_FROM   ?= 1000001
SOAK_BUDGET ?= 8h
SOAK_DIR    ?= soak
soak: build
	./$(BIN) check --from $(SOAK_FROM) --seeds 0 --budget $(SOAK_BUDGET) --failures $(SOAK_DIR)

# Every fuzz target (scripts/fuzz finds them: the parsers of specs, flags, topologies, latencies, fault
# forms, node settings, sizes, seeds and durations; one Raft node fed well-formed messages; clusters of
# Raft nodes in the interaction env; fuzzed settings run through the simulator, FuzzRun) for FUZZ_SHORT
# each, one after another: about two minutes. An input that fails is written to the package's
# testdata/fuzz/<target>, where every `go test` runs it again.
FUZZ_SHORT ?= 4s
fuzz-short:
	./scripts/fuzz $(FUZZ_SHORT)

# The same for a person to leave running: FUZZTIME each (default 10m), one after another, logs in
# FUZZLOGS. On a shared machine: make fuzz FUZZFLAGS=-parallel=1.
FUZZTIME ?= 10m
FUZZLOGS ?= out/fuzz
fuzz:
	./scripts/fuzz $(FUZZTIME) $(FUZZLOGS)

# The checks can fail: every mutation (raft/mutation.go, compiled only with -tags mutants) is caught,
# in a scenario script and in a simulated run, and the same schedule without it passes. Only the mutant
# tests run (a few seconds once compiled); the release build's tests are `make test`'s first line.
MUTANT_PKGS := ./raft/ ./safety/ ./cluster/ ./cmd/raftsim/ ./swarm/
mutants:
	$(GO) vet -tags mutants $(MUTANT_PKGS)
	$(GO) test -count=1 -tags mutants -run 'Mutant|Mutation' $(MUTANT_PKGS)

# The quick edit-test loop (under two minutes on 2 cores): formatting, vet, and every package's tests in
# -short mode (fewer chaos seeds, the built-in experiments at reduced size, no race detector).
check: fmt-check vet
	$(GO) test -count=1 -short $(PKGS)

# The browser build's main package compiles only for js/wasm: vetted on its own.
vet:
	$(GO) vet $(PKGS)
	GOOS=js GOARCH=wasm $(GO) vet ./demo/wasm

fmt:
	gofmt -w $$(git ls-files '*.go')

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# Benchmarks quoted in the README: the bare event loop and a five-node cluster under load.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -cpu 1 ./sim/ ./cluster/

# raftsim beside the peer programs of ../shared/peers, in one run, as ratios (README, Performance).
peers:
	./scripts/peers 3

# --- Notebooks (issue 10; notebooks/README.md) ---
# make notebooks: install what is missing (Jupyter's nbconvert from Debian's packages; GoNB and goimports
# at the versions notebooks/tools/go.mod pins, into bin/notebook-tools; the GoNB kernel into bin/jupyter),
# then execute every notebook headless (`go test ./notebooks/` with RAFTSIM_REQUIRE_JUPYTER=1), the
# executed copies into out/notebooks/. Fails on any error in any cell.
# make notebooks-kernel: the same tools plus gopls, and the kernel in your own Jupyter, to edit them.
# make notebooks-clean: strip outputs and execution counts from notebooks/*.ipynb before a commit.
.PHONY: notebooks notebooks-kernel notebooks-clean
notebooks:
	./scripts/notebooks run
notebooks-kernel:
	./scripts/notebooks kernel
notebooks-clean:
	./scripts/notebooks strip

clean:
	rm -rf bin out

# --- Slurm (issue 11; helper batch) ---------------------------------------------------------------------
# A real single-node Slurm (scripts/slurm-local: Debian's slurmctld, slurmd, slurm-client and munge,
# installed when missing, started as daemons without systemd or cgroups; root on Debian) runs fig16 at 20
# trials per point as a 4-task job array plus the merge job, both submitted through `raftsim slurm
# --submit`, and every merged file is compared byte for byte with a one-machine sweep (cmd/raftsim
# TestSlurmReal, which fails without sbatch here). The daemons keep running afterwards; slurm-stop stops
# them.
.PHONY: slurm-test slurm-stop
slurm-test:
	./scripts/slurm-local start
	RAFTSIM_REQUIRE_SLURM=1 $(GO) test -count=1 -run '^TestSlurmReal$$' -v ./cmd/raftsim/
slurm-stop:
	./scripts/slurm-local stop

# --- The browser simulator (issue 10; docs/demo.md) ---
# wasm: package demo compiled to WebAssembly, and Go's loader for it copied from the same toolchain (a
# loader from another Go version fails at startup), into demo/site/static/, which the binary embeds.
# Both are generated and gitignored.
SITE_STATIC := demo/site/static
wasm:
	GOOS=js GOARCH=wasm $(GO) build -o $(SITE_STATIC)/raftsim.wasm ./demo/wasm
	install -m 644 "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" $(SITE_STATIC)/wasm_exec.js

# Debian's headless-capable Chromium, which the browser tests drive; installed only when missing (root).
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update && apt-get install -y chromium; }

# The page in headless Chromium (chromedp): a scenario run, the leader crashed by a click, the page's
# state against package demo's own at the same simulated time, scrubbing, a shared URL in a fresh tab,
# and a screenshot of every guided scenario into out/screenshots/. Fails, not skips, without Chromium.
# The tests use the wasm `make wasm` just built (RAFTSIM_WASM_DIR) rather than build it again; run
# alone, `go test ./demo/site/` builds its own. raftsim demo's tests run too, with the wasm embedded.
browser-test: wasm chromium
	mkdir -p out/screenshots
	RAFTSIM_REQUIRE_CHROMIUM=1 RAFTSIM_SCREENSHOTS=$(CURDIR)/out/screenshots RAFTSIM_WASM_DIR=$(CURDIR)/$(SITE_STATIC) \
		$(GO) test -count=1 ./demo/site/ ./cmd/raftsim/ -run 'Browser|Demo'


# The same page as a static site to publish (any web server that serves .wasm as application/wasm).
site: wasm
	rm -rf out/site
	mkdir -p out/site
	cp -R $(SITE_STATIC)/. out/site/
