// Package site is the browser simulator's static page: index.html, app.js and style.css under
// static/, with raftsim.wasm (package demo compiled by `make wasm`: GOOS=js GOARCH=wasm go build
// ./demo/wasm) and wasm_exec.js (Go's loader, copied from $(go env GOROOT)/lib/wasm by the same
// target, so that it always matches the compiler that built the wasm). Both generated files are
// gitignored; the directory is embedded whole, so a checkout without them still compiles, and
// HasWasm says whether this binary holds them (`raftsim demo` refuses to serve a page that cannot
// run).
//
// The page is plain JavaScript and SVG, no framework and no bundler: `raftsim demo` serves it on
// localhost (Handler), and `make site` copies the same files to out/site/ to publish as a static
// site. The Raft nodes run in the page, in WebAssembly: no server takes part once it is loaded.
//
// What the page shows is also in the DOM as data attributes (data-node, data-term, data-role,
// data-vote, data-commit, data-log, and data-time on the picture), so the browser tests in this
// package (chromedp driving headless Chromium) read the page's state and compare it with package
// demo's, run natively to the same simulated time. docs/demo.md describes the page and its tests.
package site
