// Package notebooks holds no code: it is the directory of raftsim's research notebooks (Jupyter on the
// GoNB Go kernel, see README.md here) and of their tests.
//
// The tests keep two promises:
//
//   - TestStored, in every `go test`: a notebook in git is stored without outputs or execution counts
//     (what a run shows belongs to that run, and a diff of a notebook should be a diff of its code), on
//     the GoNB kernel, and its first code cell points the kernel at this checkout (module.sh). With
//     -strip it removes the outputs instead of failing: `go test ./notebooks/ -run TestStored -strip`.
//   - TestExecute, with RAFTSIM_REQUIRE_JUPYTER=1 (`make notebooks` sets it, after installing Jupyter,
//     GoNB and its kernel): every notebook executes headless with `jupyter nbconvert --execute`, no cell
//     fails, and every notebook draws at least one figure. Without the variable it is skipped, so that
//     `go test ./...` needs no Jupyter; with it, a missing tool fails the test.
package notebooks
