package spec

import (
	"errors"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"empty file", "", "spec: t.yaml: empty file"},
		{"syntax", "name: x\naxes: [\n", "spec: t.yaml:2: did not find expected node content"},
		{"two documents", "name: x\n---\nname: y\n", "spec: t.yaml:2: more than one YAML document"},
		{"not a mapping", "- a\n", "spec: t.yaml:1: want a mapping, got a list"},
		{"name required", "seed: 1\n", "spec: t.yaml:1: name: required"},
		{"bad name", "name: Quorum!\n", `spec: t.yaml:1: name: "Quorum!": want a name of at most 64 lower-case letters, digits, '_' and '-', starting with a letter or digit`},
		{"unknown key", "name: x\nnodes: 5\n", "spec: t.yaml:2: nodes: unknown field (want name, description, seed, trials, duration, cluster, scenario, axes, plots, reference)"},
		{"duplicate key", "name: x\ntrials: 2\ntrials: 3\n", "spec: t.yaml:3: trials: duplicate key"},
		{"wrong type", "name: x\ntrials: many\n", `spec: t.yaml:2: trials: want an integer, got string "many"`},
		{"quoted integer", "name: x\ncluster:\n  nodes: \"5\"\n", `spec: t.yaml:3: cluster.nodes: want an integer, got string "5"`},
		{"trials zero", "name: x\ntrials: 0\n", "spec: t.yaml:2: trials: 0: want 1 to 1000000"},
		{"negative seed", "name: x\nseed: -1\n", "spec: t.yaml:2: seed: want an integer from 0 to 18446744073709551615, got -1"},
		{"bad duration", "name: x\nduration: 20\n", `spec: t.yaml:2: duration: "20" is not a duration like 150ms`},
		{"zero duration", "name: x\nduration: 0s\n", "spec: t.yaml:2: duration: 0s: must be positive"},
		{"negative duration", "name: x\ncluster: {think: -1ms}\n", "spec: t.yaml:2: cluster.think: -1ms is negative"},
		{"unknown setting", "name: x\ncluster:\n  nodez: 5\n", "spec: t.yaml:3: cluster.nodez: unknown field (want nodes, election_timeout, heartbeat, fsync, disk_bandwidth, latency, loss, bandwidth, topology, routing, bootstrap, clients, client_timeout, op_deadline, think, value_size, keys, read_ratio, read_mode, clock_drift, pre_vote, check_quorum, vote_write, voter_timer, vote_write_holds_timer, heartbeat_reply, timer_jitter, max_inflight, max_batch, snapshot_entries, snapshot_bytes, replace_mode, check, dup, reorder, client_latency, client_loss, client_bandwidth, regions, client_region, arrival_rate, key_zipf, value_sizes, node, client_retry, client_backoff)"},
		{"setting in the wrong section", "name: x\ncluster:\n  faults: 1\n", "spec: t.yaml:3: cluster.faults: faults is a scenario: setting, not a cluster: one"},
		{"duration in a section", "name: x\nscenario: {duration: 5s}\n", "spec: t.yaml:2: scenario.duration: duration is set at the top level, not in scenario:"},
		{"nodes out of range", "name: x\ncluster: {nodes: 0}\n", "spec: t.yaml:2: cluster.nodes: 0: want 1 to 1000"},
		{"bad latency", "name: x\ncluster:\n  latency: uniform:8ms:2ms\n", `spec: t.yaml:3: cluster.latency: "uniform:8ms:2ms": min 8ms > max 2ms`},
		{"bad bandwidth", "name: x\ncluster: {bandwidth: 10 furlongs}\n", `spec: t.yaml:2: cluster.bandwidth: "10 furlongs": unknown unit "furlongs" (want bps, Kbps, Mbps, Gbps, Tbps, B/s, KB/s, MB/s, GB/s, TB/s, KiB/s, MiB/s, GiB/s, TiB/s)`},
		{"bad timeout range", "name: x\ncluster: {election_timeout: \"300ms:150ms\"}\n", `spec: t.yaml:2: cluster.election_timeout: "300ms:150ms": maximum 150ms is below the minimum 300ms`},
		{"bad routing", "name: x\ncluster: {routing: ospf}\n", `spec: t.yaml:2: cluster.routing: "ospf": want direct or shortest-path`},
		{"loss above 1", "name: x\ncluster: {loss: 1.5}\n", "spec: t.yaml:2: cluster.loss: 1.5: want a probability in [0, 1]"},
		{"bad topology", "name: x\ncluster: {topology: torus}\n", `spec: t.yaml:2: cluster.topology: "torus": want mesh, star, ring, line or a topology file (.yaml, .yml, .json)`},
		{"missing topology file", "name: x\ncluster: {topology: nowhere.yaml}\n", "spec: t.yaml:2: cluster.topology: open testdata/specs/nowhere.yaml: no such file or directory"},
		{"bad schedule entry", "name: x\nscenario:\n  schedule:\n    - crash 1@10s\n    - explode 2@3s\n", `spec: t.yaml:5: scenario.schedule[1]: "explode 2@3s": want KIND ARGS with KIND one of crash, restart, cut, restore, partition, isolate, heal, transfer, add, remove, replace, filter, pause, disk-stall, disk-slow, repair`},
		{"bad schedule time", "name: x\nscenario: {schedule: [\"crash 1@soon\"]}\n", `spec: t.yaml:2: scenario.schedule[0]: "1@soon": time "soon" is not a duration like 10s or 1500ms`},
		{"leader_crash unknown field", "name: x\nscenario:\n  leader_crash: {after: 1s, stael: 2}\n", "spec: t.yaml:3: scenario.leader_crash.stael: unknown field (want after, stale, stop)"},
		{"leader_crash without after", "name: x\nscenario:\n  leader_crash: {stale: 2}\n", "spec: t.yaml:3: scenario.leader_crash: after: required (when the leader in office is crashed)"},
		{"crash_recovery without mttr", "name: x\nscenario:\n  crash_recovery: {mttf: exp:1s}\n", "spec: t.yaml:3: scenario.crash_recovery: mttr: required"},
		{"crash_recovery zero mean", "name: x\nscenario:\n  crash_recovery: {mttf: exp:1s, mttr: 0s}\n", "spec: t.yaml:3: scenario.crash_recovery.mttr: const:0s has mean 0s: at least 1us (a fault every few nanoseconds makes a run of seconds take hours)"},

		{"axis named like a numeric column", "name: x\naxes:\n  - {param: heartbeat, values: [10ms, 20ms]}\n  - name: heartbeat_ms\n    variant: [{name: a}, {name: b}]\n",
			`spec: t.yaml:2: axes: column "heartbeat_ms" appears twice (an axis may not be named like a fixed column, a measure or another axis's numeric column)`},
		{"axis named like a measure", "name: x\naxes:\n  - name: commits\n    variant: [{name: a}, {name: b}]\n",
			`spec: t.yaml:2: axes: column "commits" appears twice (an axis may not be named like a fixed column, a measure or another axis's numeric column)`},

		// Points.
		{"f > n", "name: x\ncluster: {nodes: 3}\nscenario:\n  faults: 4\n  crash_at: 1s\n", "spec: t.yaml:4: scenario.faults: faults 4 > nodes 3"},
		{"f > n on an axis", "name: x\nscenario: {crash_at: 1s}\naxes:\n  - {param: nodes, values: [3, 5]}\n  - {param: faults, from: 0, to: nodes+1}\n",
			"spec: t.yaml:5: axes[1] (faults=4 at nodes=3): faults 4 > nodes 3"},
		{"f > n blamed on the inner axis", "name: x\nscenario: {crash_at: 1s}\naxes:\n  - {param: faults, values: [0, 4]}\n  - {param: nodes, values: [5, 3]}\n",
			"spec: t.yaml:5: axes[1] (nodes=3 at faults=4): faults 4 > nodes 3"},
		{"f > n in a variant", "name: x\nscenario: {crash_at: 1s}\naxes:\n  - {param: nodes, values: [3]}\n  - variant:\n      - {name: a}\n      - {name: b, params: {faults: 4}}\n",
			"spec: t.yaml:7: axes[1] (variant=b at nodes=3): faults 4 > nodes 3"},
		{"dependent range below the domain", "name: x\nscenario: {crash_at: 1s}\naxes:\n  - {param: nodes, values: [5, 1]}\n  - {param: faults, from: nodes-3, to: nodes}\n",
			"spec: t.yaml:5: axes[1] (faults=-2 at nodes=1): faults -2: want 0 to 1000"},
		{"faults without crash_at", "name: x\nscenario:\n  faults: 1\n", "spec: t.yaml:3: scenario.faults: faults 1 needs crash_at, after the first election"},
		{"crash_at after the end", "name: x\nduration: 10s\nscenario: {faults: 1, crash_at: 10s}\n", "spec: t.yaml:3: scenario.crash_at: crash_at 10s is not before the end of the run (duration 10s)"},
		{"measure_from after the end", "name: x\nduration: 10s\nscenario:\n  measure_from: 12s\n", "spec: t.yaml:4: scenario.measure_from: measure_from 12s is not before the end of the run (duration 10s)"},
		{"measure_from after a default end", "name: x\nscenario:\n  measure_from: 2m\n", "spec: t.yaml:3: scenario.measure_from: measure_from 2m0s is not before the end of the run (duration 1m0s)"},
		{"schedule node outside the cluster", "name: x\nscenario: {schedule: [\"crash 4@1s\"]}\naxes:\n  - {param: nodes, values: [5, 3]}\n",
			`spec: t.yaml:4: axes[0] (nodes=3): schedule: "4@1s": node 4 is not in 1..3 (nodes 3)`},
		{"schedule after the end", "name: x\nduration: 10s\nscenario: {schedule: [\"heal 10s\"]}\n", "spec: t.yaml:3: scenario.schedule: schedule: heal 10s is not before the end of the run (duration 10s)"},
		{"stale > n-2", "name: x\nscenario: {leader_crash: {after: 1s, stale: 2}}\naxes:\n  - {param: nodes, values: [5, 3]}\n",
			"spec: t.yaml:4: axes[0] (nodes=3): leader_crash: stale 2 > nodes-2 = 1 (a survivor that is not stale must be able to win)"},
		{"topology file of another size", "name: x\ncluster: {topology: ../topologies/five.yaml}\naxes:\n  - {param: nodes, values: [5, 7]}\n",
			"spec: t.yaml:4: axes[0] (nodes=7): topology: ../topologies/five.yaml has 5 nodes but nodes is 7"},
		{"chaos quiet too long", "name: x\nduration: 5s\nscenario: {chaos: true, chaos_quiet: 5s}\n", "spec: t.yaml:3: scenario.chaos_quiet: chaos_quiet 5s leaves no time for chaos (duration 5s)"},

		// Axes.
		{"axes not a list", "name: x\naxes: {param: nodes}\n", "spec: t.yaml:2: axes: want a list, got a mapping"},
		{"empty axis", "name: x\naxes:\n  - {param: nodes, values: []}\n", "spec: t.yaml:3: axes[0].values: empty: an axis needs at least one value"},
		{"unknown axis param", "name: x\naxes:\n  - {param: nodez, values: [1]}\n", "spec: t.yaml:3: axes[0].param: unknown parameter nodez"},
		{"unknown axis key", "name: x\naxes:\n  - {param: nodes, vals: [1]}\n", "spec: t.yaml:3: axes[0].vals: unknown field (want param, values, from, to, step, variant, name)"},
		{"axis without param", "name: x\naxes:\n  - {values: [1]}\n", "spec: t.yaml:3: axes[0]: want param (and values, or from and to) or variant"},
		{"axis without values", "name: x\naxes:\n  - {param: nodes}\n", "spec: t.yaml:3: axes[0]: want values, or from and to"},
		{"values and range", "name: x\naxes:\n  - {param: nodes, values: [1], from: 1, to: 2}\n", "spec: t.yaml:3: axes[0].from: an axis takes values, or from and to, not both"},
		{"range without to", "name: x\naxes:\n  - {param: nodes, from: 1}\n", "spec: t.yaml:3: axes[0]: to: required in a range"},
		{"duplicate value", "name: x\naxes:\n  - {param: election_timeout, values: [\"150ms:300ms\", \"0.15s:0.3s\"]}\n", "spec: t.yaml:3: axes[0].values[1]: 150ms:300ms is the same value as values[0]"},
		{"bad axis value", "name: x\naxes:\n  - param: nodes\n    values:\n      - 3\n      - five\n", `spec: t.yaml:6: axes[0].values[1]: want an integer, got string "five"`},
		{"duplicate axis param", "name: x\naxes:\n  - {param: nodes, values: [3]}\n  - {param: nodes, values: [5]}\n", "spec: t.yaml:4: axes[1].param: axis nodes is already axes[0]"},
		{"param set by an axis and a variant", "name: x\naxes:\n  - {param: nodes, values: [3]}\n  - variant:\n      - name: a\n        params:\n          nodes: 5\n",
			"spec: t.yaml:7: axes[1].variant[0].params.nodes: nodes is already set by axes[0]"},
		{"mapping axis", "name: x\naxes:\n  - {param: leader_crash, values: [{after: 1s}]}\n", "spec: t.yaml:3: axes[0].param: leader_crash is a mapping: vary it with a variant axis"},
		{"text range", "name: x\naxes:\n  - {param: latency, from: 1ms, to: 2ms}\n", "spec: t.yaml:3: axes[0].from: latency is not a number or a duration: only integer, number and duration axes are ranges; list its values"},
		{"empty range", "name: x\naxes:\n  - {param: nodes, from: 9, to: 1}\n", "spec: t.yaml:3: axes[0].to: 1 is below from 9: the range is empty"},
		{"zero step", "name: x\naxes:\n  - {param: nodes, from: 1, to: 9, step: 0}\n", "spec: t.yaml:3: axes[0].step: 0: want a positive step"},
		{"fractional int step", "name: x\naxes:\n  - {param: nodes, from: 1, to: 9, step: 1.5}\n", "spec: t.yaml:3: axes[0].step: want an integer, got number 1.5"},
		{"duration range without step", "name: x\naxes:\n  - {param: heartbeat, from: 50ms, to: 100ms}\n", "spec: t.yaml:3: axes[0]: step: required for a duration range"},
		{"negative duration step", "name: x\naxes:\n  - {param: heartbeat, from: 50ms, to: 100ms, step: -5ms}\n", "spec: t.yaml:3: axes[0].step: -5ms is negative"},
		{"too many values", "name: x\naxes:\n  - {param: keys, from: 1, to: 100000}\n", "spec: t.yaml:3: axes[0].to: 1 to 100000 by 1 has more than 10000 values"},
		{"too many points", "name: x\naxes:\n  - {param: nodes, from: 1, to: 1000}\n  - {param: clients, from: 0, to: nodes}\n", "spec: t.yaml: axes: the sweep has more than 10000 points"},
		{"bound names a later axis", "name: x\naxes:\n  - {param: faults, from: 0, to: nodes}\n  - {param: nodes, values: [3]}\n", "spec: t.yaml:3: axes[0].to: nodes is axes[1], a later axis: a bound may only name an earlier one"},
		{"bound names no axis", "name: x\naxes:\n  - {param: faults, from: 0, to: n}\n", "spec: t.yaml:3: axes[0].to: n names no earlier axis"},
		{"bound names a variant axis", "name: x\naxes:\n  - variant: [{name: a}]\n  - {param: faults, from: 0, to: variant}\n", "spec: t.yaml:4: axes[1].to: variant is a variant axis, not a number"},
		{"bound of another kind", "name: x\naxes:\n  - {param: heartbeat, values: [1s]}\n  - {param: faults, from: 0, to: heartbeat}\n", "spec: t.yaml:4: axes[1].to: heartbeat is a duration axis but faults is an integer"},
		{"bad bound offset", "name: x\naxes:\n  - {param: nodes, values: [3]}\n  - {param: faults, from: 0, to: nodes+x}\n", `spec: t.yaml:4: axes[1].to: offset "x": want a non-negative integer`},
		{"variant without name", "name: x\naxes:\n  - variant: [{params: {nodes: 3}}]\n", "spec: t.yaml:3: axes[0].variant[0]: name: required"},
		{"duplicate variant", "name: x\naxes:\n  - variant: [{name: a}, {name: a}]\n", "spec: t.yaml:3: axes[0].variant[1].name: a is already variant[0]"},
		{"variant unknown param", "name: x\naxes:\n  - variant: [{name: a, params: {nodez: 3}}]\n", "spec: t.yaml:3: axes[0].variant[0].params.nodez: unknown parameter nodez"},
		{"variant with values", "name: x\naxes:\n  - {variant: [{name: a}], values: [1]}\n", "spec: t.yaml:3: axes[0].values: a variant axis sets its parameters in its variants"},
		{"variant axis named as a param", "name: x\naxes:\n  - {name: nodes, variant: [{name: a}]}\n", "spec: t.yaml:3: axes[0].name: nodes is a parameter; name the variant axis otherwise"},
		{"empty variant list", "name: x\naxes:\n  - variant: []\n", "spec: t.yaml:3: axes[0].variant: empty: an axis needs at least one variant"},

		// Plots.
		{"plot unknown measure", plotSpec("kind: cdf\n          measure: latency_p95_ms"), `spec: t.yaml:11: plots[0].rows[0][0].measure: unknown measure "latency_p95_ms" (see experiments/measure: availability, availability_after, success_rate, ops_ok, ops_failed, election_downtime_ms, …)`},
		{"plot unknown axis", plotSpec("kind: lines\n          x: n\n          measure: availability"), "spec: t.yaml:11: plots[0].rows[0][0].x: n is not an axis (want nodes, faults, variant)"},
		{"heatmap without y", plotSpec("kind: heatmap\n          x: nodes\n          measure: availability"), "spec: t.yaml:10: plots[0].rows[0][0]: y: required in a heatmap panel"},
		{"panel without kind", plotSpec("measure: availability"), "spec: t.yaml:10: plots[0].rows[0][0]: kind: required (cdf, lines or heatmap)"},
		{"unknown panel kind", plotSpec("kind: pie"), `spec: t.yaml:10: plots[0].rows[0][0].kind: "pie": want cdf, lines or heatmap`},
		{"field of another kind", plotSpec("kind: cdf\n          measure: availability\n          log_y: true"), "spec: t.yaml:12: plots[0].rows[0][0].log_y: not used by a cdf panel (want kind, title, measure, series, where, log_x, xlabel, x_range)"},
		{"where value not on the axis", plotSpec("kind: heatmap\n          x: nodes\n          y: faults\n          measure: availability\n          where: {variant: [a, c]}"),
			"spec: t.yaml:14: plots[0].rows[0][0].where.variant[1]: c is not a value of axis variant (a, b)"},
		{"where value canonicalised then not found", plotSpec("kind: heatmap\n          x: nodes\n          y: faults\n          measure: availability\n          where: {nodes: 4}"),
			"spec: t.yaml:14: plots[0].rows[0][0].where.nodes: 4 is not a value of axis nodes (3, 5)"},
		{"pooled axis", plotSpec("kind: lines\n          x: nodes\n          measure: availability\n          where: {variant: a}"),
			"spec: t.yaml:10: plots[0].rows[0][0]: axis faults takes 6 values here (0, 1, 2, 3, 4, 5): make it the panel's x or series, or keep one with where"},
		{"x of text", "name: x\naxes:\n  - {param: latency, values: [\"uniform:1ms:2ms\", 2ms]}\nplots:\n  - name: p\n    rows: [[{kind: lines, x: latency, measure: availability}]]\n",
			"spec: t.yaml:6: plots[0].rows[0][0].x: latency is not a numeric axis: a plot coordinate must be an integer, number or duration (or a latency spec whose every value is a constant)"},
		{"reference without a reference", "name: x\naxes:\n  - {param: fsync, values: [1ms, 2ms]}\nplots:\n  - name: p\n    rows: [[{kind: lines, x: fsync, measure: availability, reference: true}]]\n",
			"spec: t.yaml:6: plots[0].rows[0][0]: the spec has no reference: section to draw"},
		{"reference that does not apply", "name: x\naxes:\n  - {param: nodes, values: [3, 5]}\n  - {param: fsync, values: [1ms, 2ms]}\nplots:\n  - name: p\n    rows: [[{kind: lines, x: fsync, measure: availability, stat: p50, where: {nodes: 3}, reference: true}]]\n" +
			"reference:\n  axis: nodes\n  measure: availability\n  rows: [{value: 5, stat: p50, paper: 1}, {value: 3, stat: mean, paper: 1}]\n",
			"spec: t.yaml:7: plots[0].rows[0][0]: no row of reference: applies: want a row at the one value of nodes the panel keeps, of measure availability and stat p50"},
		{"band of a percentile", "name: x\naxes:\n  - {param: nodes, values: [3, 5]}\nplots:\n  - name: p\n    rows: [[{kind: lines, x: nodes, measure: availability, stat: p99, error: band}]]\n",
			"spec: t.yaml:6: plots[0].rows[0][0].error: band is the CI95 of the mean: it needs stat mean, not p99"},
		{"binomial without crash_recovery", "name: x\naxes:\n  - {param: nodes, values: [3, 5]}\nplots:\n  - name: p\n    rows: [[{kind: lines, x: nodes, measure: availability, predictions: [{kind: binomial}]}]]\n",
			"spec: t.yaml:6: plots[0].rows[0][0].predictions[0]: binomial needs crash_recovery at every point of the panel (nodes=3 has none)"},
		{"duplicate plot name", "name: x\nplots:\n  - {name: p, rows: [[{kind: cdf, measure: availability}]]}\n  - {name: p, rows: [[{kind: cdf, measure: availability}]]}\n",
			"spec: t.yaml:4: plots[1].name: p is already plots[0]"},
		{"empty row", "name: x\nplots:\n  - {name: p, rows: [[]]}\n", "spec: t.yaml:3: plots[0].rows[0]: empty row"},
		{"bad width", "name: x\nplots:\n  - {name: p, width: 0, rows: [[{kind: cdf, measure: availability}]]}\n", "spec: t.yaml:3: plots[0].width: 0: want inches, from 1 to 20"},
		{"huge plot", "name: x\nplots:\n  - {name: p, width: 100, height: 100, rows: [[{kind: cdf, measure: availability}]]}\n", "spec: t.yaml:3: plots[0].width: 100: want inches, from 1 to 20"},
		{"dpi too high", "name: x\nplots:\n  - {name: p, dpi: 1200, rows: [[{kind: cdf, measure: availability}]]}\n", "spec: t.yaml:3: plots[0].dpi: 1200: want 72 to 600 dots per inch"},
		{"dpi not an integer", "name: x\nplots:\n  - {name: p, dpi: 300.5, rows: [[{kind: cdf, measure: availability}]]}\n", "spec: t.yaml:3: plots[0].dpi: want an integer, got number 300.5"},
		{"too many pixels", "name: x\nplots:\n  - name: p\n    width: 20\n    height: 20\n    dpi: 600\n    rows: [[{kind: cdf, measure: availability}]]\n",
			"spec: t.yaml:6: plots[0].dpi: 20 x 20 in at 600 dpi is a PNG of 144.0 megapixels, more than 40: lower dpi or the size (the PDF and SVG do not depend on dpi)"},
		{"too many pixels for a wide page", "name: x\nplots:\n  - {name: p, width: 12, height: 10, dpi: 600, rows: [[{kind: cdf, measure: availability}]]}\n",
			"spec: t.yaml:3: plots[0].dpi: 12 x 10 in at 600 dpi is a PNG of 43.2 megapixels, more than 40: lower dpi or the size (the PDF and SVG do not depend on dpi)"},
		{"default width too large", "name: x\nplots:\n  - name: p\n    rows: [[" + strings.Repeat("{kind: cdf, measure: availability}, ", 5) + "{kind: cdf, measure: availability}]]\n",
			"spec: t.yaml:4: plots[0].rows: the default width for these panels is 22.6 in, more than 20: give width"},
		{"log axis from zero", "name: x\nplots:\n  - {name: p, rows: [[{kind: cdf, measure: availability, log_x: true, x_range: [0, 10]}]]}\n", "spec: t.yaml:3: plots[0].rows[0][0].x_range: a logarithmic axis takes positive ends only"},
		{"span of three", "name: x\nplots:\n  - {name: p, rows: [[{kind: cdf, measure: availability, x_range: [0, 1, 2]}]]}\n", "spec: t.yaml:3: plots[0].rows[0][0].x_range: want [MIN, MAX] (null for an automatic end), got 3 items"},
		{"bad span", "name: x\nplots:\n  - {name: p, rows: [[{kind: cdf, measure: availability, x_range: [5, 1]}]]}\n", "spec: t.yaml:3: plots[0].rows[0][0].x_range: min 5 is not below max 1"},

		// Reference.
		{"reference value not on the axis", "name: x\naxes:\n  - {param: election_timeout, values: [\"150ms:150ms\"]}\nreference:\n  axis: election_timeout\n  measure: election_downtime_ms\n  rows:\n    - {value: \"150ms:155ms\", paper: 287}\n",
			"spec: t.yaml:8: reference.rows[0].value: 150ms:155ms is not a value of axis election_timeout (150ms:150ms)"},
		{"reference bad bound", "name: x\naxes:\n  - {param: nodes, values: [3]}\nreference:\n  axis: nodes\n  measure: availability\n  rows:\n    - {value: 3, paper: 1, bound: \">=\"}\n",
			`spec: t.yaml:8: reference.rows[0].bound: ">=": want =, <, >`},
		{"reference without rows", "name: x\naxes:\n  - {param: nodes, values: [3]}\nreference: {axis: nodes, measure: availability}\n", "spec: t.yaml:4: reference: rows: required"},

		// Aliases.
		{"alias bomb", aliasBomb(), "spec: t.yaml:4: more than 10000 aliases followed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse([]byte(tt.src), "testdata/specs/t.yaml")
			if err == nil {
				t.Fatalf("Parse succeeded:\n%s", s.Canonical())
			}
			want := strings.Replace(tt.want, "t.yaml", "testdata/specs/t.yaml", 1)
			if err.Error() != want {
				t.Errorf("error\n got %s\nwant %s", err, want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("error %T is not an *Error", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error has more than one line")
			}
		})
	}
}

// plotSpec is a spec with a nodes × faults × variant sweep and one panel, given from its kind on
// (line 10), indented for the panel's mapping.
func plotSpec(panel string) string {
	return `name: x
scenario: {crash_at: 1s}
axes:
  - {param: nodes, values: [3, 5]}
  - {param: faults, from: 0, to: nodes}
  - variant: [{name: a}, {name: b}]
plots:
  - name: p
    rows:
      - - ` + panel + "\n"
}

// aliasBomb is a small file that expands to 200 rows of 100 panels through aliases: 20200 aliases to
// follow.
func aliasBomb() string {
	row := "&r [&p {kind: cdf, measure: availability}" + strings.Repeat(", *p", 99) + "]"
	return "name: x\nplots:\n  - name: p\n    rows: [" + row + strings.Repeat(", *r", 199) + "]\n"
}
