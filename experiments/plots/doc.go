// Package plots draws raftsim's publication figures with gonum/plot.
//
// It offers a few builders, each returning an ordinary *plot.Plot that
// callers may still adjust:
//
//   - CDF: empirical CDFs of one or more samples (latency, downtime),
//     optionally on a log x axis. A sample may hold +Inf for an outcome
//     not reached when the observation ended: it counts in the total, the
//     curve stops at the largest finite value with an arrow head, and the
//     legend gives the count ("807 of 1000 unfinished").
//   - Lines: a metric against a swept parameter, with optional confidence
//     bands or error bars.
//   - Heatmap: a metric over the discrete (n, f) grid, plus a separate
//     colour-bar panel and optional boundaries such as n = 2f+1, drawn
//     along cell edges.
//
// Figure lays panels out on a grid, aligning their data areas, giving
// colour-bar columns a narrow width and heatmap cells a square shape, and
// writes PNG (300 dpi unless set otherwise), SVG and PDF, atomically with
// Save. Its size and resolution are bounded (MaxInches, MaxDPI,
// MaxMegapixels), so drawing takes bounded memory.
//
// All builders share one style: Liberation Sans text at fixed sizes (9 to
// 12 pt at the figure's size), a light grid, and series told apart by
// colour (the colour-blind-safe Okabe–Ito palette), dash pattern and marker
// shape, so figures stay legible in greyscale. Axes fitted to the data get
// a margin so no marker sits on the frame; an explicit range is exact.
// Ticks fall on multiples of 1, 2 or 5 times a power of ten, labelled with
// equal decimals; log axes are labelled 10^k with a real superscript.
// Legends never cover data: inside the data area where a place is free
// (checked against every line, marker and cell), otherwise above it.
//
// Output is deterministic: the same inputs give byte-identical PNG, SVG
// and PDF files. Nothing here depends on time, randomness or map order (the
// PDF's date is fixed and its resources sorted); the only float formatting
// is gonum's own and strconv's. (Golden files are exact on one
// architecture: Go may fuse multiply-adds on arm64 or ppc64, which can move
// an anti-aliased edge by one PNG pixel.)
package plots
