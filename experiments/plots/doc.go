// Package plots draws raftsim's publication figures with gonum/plot.
//
// It offers a few builders, each returning an ordinary *plot.Plot that
// callers may still adjust:
//
//   - CDF: empirical CDFs of one or more samples (latency, downtime),
//     optionally on a log x axis.
//   - Lines: a metric against a swept parameter, with optional confidence
//     bands or error bars.
//   - Heatmap: a metric over the discrete (n, f) grid, plus a separate
//     colour-bar panel and optional overlay lines such as n = 2f+1.
//
// Figure lays panels out on a grid, aligning their data areas, giving
// colour-bar columns a narrow width and heatmap cells a square shape, and
// writes PNG (300 dpi unless set otherwise) and SVG, atomically with Save.
//
// All builders share one style: Liberation Sans text at fixed sizes, a
// light grid, and series told apart by colour (the colour-blind-safe
// Okabe–Ito palette), dash pattern and marker shape, so figures stay
// legible in greyscale. Legends are placed inside the data area at the
// corner that hides the least data, on a translucent white box.
//
// Output is deterministic: the same inputs give byte-identical PNG and SVG
// files. Nothing here depends on time, randomness or map order; the only
// float formatting is gonum's own. (Golden files are exact on one
// architecture: Go may fuse multiply-adds on arm64 or ppc64, which can move
// an anti-aliased edge by one PNG pixel.)
package plots
