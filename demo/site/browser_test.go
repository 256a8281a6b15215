package site_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/raftsim/raftsim/demo/site"
)

// The browser tests (issue 10, "tested in a real browser") drive Debian's headless Chromium with
// chromedp over the page served, as `raftsim demo` serves it, from the embedded files (site.FS and
// site.Handler). The generated files (raftsim.wasm, wasm_exec.js) are built by the test itself from
// the working tree (buildWasm), so the page under test never runs a stale wasm left by an older
// `make wasm`. Without Chromium they skip, unless RAFTSIM_REQUIRE_CHROMIUM=1 (make browser-test),
// when they fail.

// TestMain removes the wasm the tests built, if they built one.
func TestMain(m *testing.M) {
	code := m.Run()
	if wasm.built {
		os.RemoveAll(wasm.dir)
	}
	os.Exit(code)
}

// chromium returns the browser's path, or skips (fails under RAFTSIM_REQUIRE_CHROMIUM=1). -short
// skips too (make check stays quick and needs no browser), unless the browser is required.
func chromium(t *testing.T) string {
	t.Helper()
	required := os.Getenv("RAFTSIM_REQUIRE_CHROMIUM") == "1"
	if testing.Short() && !required {
		t.Skip("-short: the browser tests run in make browser-test")
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if required {
		t.Fatal("no chromium on PATH and RAFTSIM_REQUIRE_CHROMIUM=1: run make chromium (apt-get install chromium)")
	}
	t.Skip("no chromium on PATH: the browser tests need it (make chromium; make browser-test requires it)")
	return ""
}

var wasm struct {
	once  sync.Once
	dir   string
	built bool // dir is the tests' own, to remove
	err   error
}

// buildWasm compiles ./demo/wasm for GOOS=js GOARCH=wasm into a directory beside Go's loader from
// the same toolchain, once per test binary. RAFTSIM_WASM_DIR names a directory that already holds
// both (a development shortcut; make browser-test does not set it).
func buildWasm(t *testing.T) string {
	t.Helper()
	wasm.once.Do(func() {
		if d := os.Getenv("RAFTSIM_WASM_DIR"); d != "" {
			wasm.dir = d
			return
		}
		dir, err := os.MkdirTemp("", "raftsim-wasm-")
		if err != nil {
			wasm.err = err
			return
		}
		wasm.dir, wasm.built = dir, true
		gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
		cmd := exec.Command(gobin, "build", "-o", filepath.Join(dir, site.WasmFile), "../wasm")
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		if out, err := cmd.CombinedOutput(); err != nil {
			wasm.err = fmt.Errorf("GOOS=js GOARCH=wasm go build ./demo/wasm: %v\n%s", err, out)
			return
		}
		loader, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "lib", "wasm", site.WasmExecFile))
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, site.WasmExecFile), loader, 0o644)
		}
		wasm.err = err
	})
	if wasm.err != nil {
		t.Fatal(wasm.err)
	}
	return wasm.dir
}

// overlay is the embedded page with the generated files taken from dir.
type overlay struct {
	base fs.FS
	dir  string
}

func (o overlay) Open(name string) (fs.File, error) {
	if name == site.WasmFile || name == site.WasmExecFile {
		return os.DirFS(o.dir).Open(name)
	}
	return o.base.Open(name)
}

// page serves the page and starts a headless Chromium; it returns the page's URL and a browser
// context (the first tab), both closed when the test ends.
func page(t *testing.T) (string, context.Context) {
	t.Helper()
	exe := chromium(t)
	srv := httptest.NewServer(site.Handler(overlay{site.FS(), buildWasm(t)}))
	t.Cleanup(srv.Close)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,                           // root, in a container
		chromedp.Flag("disable-dev-shm-usage", true), // a small /dev/shm
		chromedp.WindowSize(1400, 900),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelT(); cancelB(); cancelA() })
	if err := chromedp.Do(ctx); err != nil { // start the browser now: its errors are the test's
		t.Fatalf("starting %s: %v", exe, err)
	}
	return srv.URL + "/", ctx
}

// shown is the state the page shows, read from the picture's data attributes.
type shown struct {
	Time   string      `json:"time"` // data-time, as the page wrote it (a JS number's shortest form)
	Event  string      `json:"event"`
	Leader string      `json:"leader"`
	Nodes  []shownNode `json:"nodes"`
}

type shownNode struct {
	ID     string `json:"id"`
	Role   string `json:"role"`
	Term   string `json:"term"`
	Vote   string `json:"vote"`
	Commit string `json:"commit"`
	Log    string `json:"log"` // the terms of the entries shown, "1,1,2"
	Up     string `json:"up"`
}

func (s shown) String() string {
	b, _ := json.Marshal(s)
	return string(b)
}

const readShown = `(() => {
	const svg = document.getElementById('cluster');
	return JSON.stringify({time: svg.dataset.time, event: svg.dataset.event, leader: svg.dataset.leader,
		nodes: [...svg.querySelectorAll('[data-node]')].map(g => ({id: g.dataset.node, role: g.dataset.role,
			term: g.dataset.term, vote: g.dataset.vote, commit: g.dataset.commit, log: g.dataset.log, up: g.dataset.up}))});
})()`

// read returns what the page in ctx shows now.
func read(t *testing.T, ctx context.Context) shown {
	t.Helper()
	js, err := chromedp.Run(ctx, chromedp.Evaluate[string](readShown))
	if err != nil {
		t.Fatal(err)
	}
	var s shown
	if err := json.Unmarshal([]byte(js), &s); err != nil {
		t.Fatalf("the page's state %q: %v", js, err)
	}
	return s
}

// ready waits until the page has drawn a cluster (the wasm is running), or fails with the page's
// status line.
func ready(t *testing.T, ctx context.Context) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(wctx, chromedp.WaitVisible(chromedp.CSS(`#cluster [data-node]`))); err != nil {
		status, _ := chromedp.Run(ctx, chromedp.Text(chromedp.ID(`status`)))
		t.Fatalf("the page drew no cluster: %v (status line: %q)", err, status)
	}
}

// evalJS runs an expression in the page and returns its value, as JSON.
func evalJS(t *testing.T, ctx context.Context, expr string) []byte {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// click clicks the element a CSS selector finds.
func click(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

// open navigates ctx's tab to url and waits for the cluster to be drawn.
func open(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	ready(t, ctx)
}

// scrubTo moves the timeline's slider to ms as a learner's drag ends there: the value set, then
// the input and change events it fires.
func scrubTo(t *testing.T, ctx context.Context, ms string) {
	t.Helper()
	evalJS(t, ctx, `(() => { const s = document.getElementById('scrub'); s.value = '`+ms+`';
		s.dispatchEvent(new Event('input')); s.dispatchEvent(new Event('change')); return 0; })()`)
}

// playUntil clicks play and waits (polling the picture) until cond holds of what the page shows, then
// clicks pause and returns what it shows.
func playUntil(t *testing.T, ctx context.Context, what string, cond func(shown) bool) shown {
	t.Helper()
	click(t, ctx, `#play`)
	deadline := time.Now().Add(60 * time.Second)
	for {
		s := read(t, ctx)
		if cond(s) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited 60 s for %s; the page shows %v", what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
	click(t, ctx, `#play`)
	return read(t, ctx)
}

func nodeByID(s shown, id string) *shownNode {
	for i := range s.Nodes {
		if s.Nodes[i].ID == id {
			return &s.Nodes[i]
		}
	}
	return nil
}

// screenshotDir is where screenshots go: RAFTSIM_SCREENSHOTS, or a temporary directory kept for the
// test binary's run (its path is logged).
func screenshotDir(t *testing.T) string {
	if d := os.Getenv("RAFTSIM_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	d := filepath.Join(os.TempDir(), "raftsim-screenshots")
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	return d
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(screenshotDir(t), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}
