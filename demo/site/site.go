package site

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
)

//go:embed static
var static embed.FS

// Generated files the page cannot run without (see the package doc).
const (
	WasmFile     = "raftsim.wasm"
	WasmExecFile = "wasm_exec.js"
)

// FS returns the page's files: index.html at its root.
func FS() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic("site: " + err.Error()) // "static" is a valid path: unreachable
	}
	return sub
}

// HasWasm reports whether fsys holds the generated files (raftsim.wasm and wasm_exec.js). A binary
// built with `go build` alone, without `make wasm` first, has neither.
func HasWasm(fsys fs.FS) bool {
	for _, name := range []string{WasmFile, WasmExecFile} {
		if fi, err := fs.Stat(fsys, name); err != nil || fi.IsDir() || fi.Size() == 0 {
			return false
		}
	}
	return true
}

// Handler serves fsys over HTTP: the page at /, .wasm as application/wasm (which
// WebAssembly.instantiateStreaming requires), and nothing cached, so that a page reloaded after a
// rebuild runs the new wasm.
func Handler(fsys fs.FS) http.Handler {
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Set here rather than left to the system's MIME tables, which a minimal machine may lack.
		if ext := path.Ext(r.URL.Path); contentTypes[ext] != "" {
			w.Header().Set("Content-Type", contentTypes[ext])
		}
		w.Header().Set("Cache-Control", "no-store")
		files.ServeHTTP(w, r)
	})
}

var contentTypes = map[string]string{
	".wasm": "application/wasm",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".html": "text/html; charset=utf-8",
}
