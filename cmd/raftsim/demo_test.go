package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/raftsim/raftsim/demo/site"
)

// TestDemoBadAddr: an --addr that is not HOST:PORT, or whose port is out of range, is one line and
// exit status 2, before anything listens (an empty one would otherwise be every interface).
func TestDemoBadAddr(t *testing.T) {
	for _, addr := range []string{"", "8080", "localhost", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:http", "[::1"} {
		r := raftsim(t, nil, "demo", "--addr", addr)
		if r.code != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "--addr") {
			t.Errorf("--addr %q: exit %d, stderr %q; want 2 and one line naming --addr", addr, r.code, r.stderr)
		}
	}
	// A port another program holds is bad input too.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if !site.HasWasm(site.FS()) {
		return // the binary stops at its missing wasm first: TestDemoServes
	}
	r := raftsim(t, nil, "demo", "--addr", ln.Addr().String())
	if r.code != 2 || !strings.Contains(r.stderr, "--addr") {
		t.Errorf("--addr on a port in use: exit %d, stderr %q; want 2 naming --addr", r.code, r.stderr)
	}
}

// TestDemoServes: `raftsim demo --addr 127.0.0.1:0` prints its address, serves the page, its script,
// Go's loader and the wasm (as application/wasm, which WebAssembly.instantiateStreaming insists on),
// and stops on SIGINT with exit status 130. A binary built without `make wasm` says so in one line and
// exits 1 instead (`go test ./...` on a fresh checkout).
func TestDemoServes(t *testing.T) {
	if !site.HasWasm(site.FS()) {
		r := raftsim(t, nil, "demo", "--addr", "127.0.0.1:0")
		if r.code != 1 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "make build") {
			t.Fatalf("without the wasm: exit %d, stderr %q; want 1 and one line saying run make build", r.code, r.stderr)
		}
		t.Skip("this test binary holds no raftsim.wasm (run make wasm first): only the refusal was checked")
	}
	cmd, out, stderr := startDemo(t, "127.0.0.1:0")
	defer cmd.Process.Kill()
	line, err := out.ReadString('\n')
	if err != nil {
		t.Fatalf("no address printed: %v (stderr %q)", err, stderr.String())
	}
	i := strings.Index(line, "http://")
	if i < 0 {
		t.Fatalf("no address in %q", line)
	}
	url := strings.Fields(line[i:])[0]
	client := &http.Client{Timeout: 10 * time.Second}
	for path, want := range map[string]string{
		"":                  "text/html",
		"app.js":            "text/javascript",
		site.WasmExecFile:   "text/javascript",
		site.WasmFile:       "application/wasm",
		"style.css":         "text/css",
		"no-such-file.html": "",
	} {
		resp, err := client.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case want == "" && resp.StatusCode != http.StatusNotFound:
			t.Errorf("GET /%s: status %d, want 404", path, resp.StatusCode)
		case want != "" && (resp.StatusCode != http.StatusOK || len(body) == 0):
			t.Errorf("GET /%s: status %d, %d bytes", path, resp.StatusCode, len(body))
		case want != "" && !strings.HasPrefix(resp.Header.Get("Content-Type"), want):
			t.Errorf("GET /%s: Content-Type %q, want %s", path, resp.Header.Get("Content-Type"), want)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Fatalf("after SIGINT: %v, want exit status 130 (stderr %q)", err, stderr.String())
	}
}

// startDemo starts `raftsim demo --addr addr` as a process of its own (the test binary as main), and
// returns it with its standard output to read the printed address from, and its standard error.
func startDemo(t *testing.T, addr string) (*exec.Cmd, *bufio.Reader, *strings.Builder) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "demo", "--addr", addr)
	cmd.Env = append(os.Environ(), "RAFTSIM_BE_MAIN=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &strings.Builder{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewReader(out), stderr
}
