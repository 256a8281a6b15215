package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/raftsim/raftsim/demo/site"
)

// demoFlags are the flags of `raftsim demo`.
type demoFlags struct {
	addr string
	open bool
}

func newDemoCmd() *cobra.Command {
	f := &demoFlags{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "serve the simulator in the browser on localhost (the Raft nodes run in the page)",
		Long: "Serve the browser simulator on localhost: a page that runs raftsim's own Raft nodes, compiled\n" +
			"to WebAssembly, deterministically, with no server taking part once it is loaded. Pause, step,\n" +
			"scrub the timeline, crash nodes, drop messages, cut links, follow a guided scenario, share a\n" +
			"moment by URL. The files are embedded in this binary; it prints the address and serves until\n" +
			"Ctrl-C. docs/demo.md describes the page.",
		Example: "  raftsim demo\n" +
			"  raftsim demo --addr 127.0.0.1:0 --open\n" +
			"  raftsim demo --addr :8080          # every interface, for a classroom",
		Args: noArgs,
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT` (port 0: any free port)")
	fs.BoolVar(&f.open, "open", false, "open the page in the default browser (xdg-open, open)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return runDemo(cmd.Context(), f, cmd.OutOrStdout(), cmd.ErrOrStderr())
	}
	return cmd
}

// checkAddr refuses an --addr that is not HOST:PORT with a port 0 to 65535, before anything listens:
// net.Listen takes "" as every interface on a random port, which nobody means by an empty flag.
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return usageErrorf("--addr %q: want HOST:PORT, such as 127.0.0.1:8080", addr)
	}
	if p, err := strconv.ParseUint(port, 10, 16); err != nil || strconv.FormatUint(p, 10) != port {
		return usageErrorf("--addr %q: the port must be a number from 0 to 65535", addr)
	}
	return nil
}

func runDemo(ctx context.Context, f *demoFlags, stdout, stderr io.Writer) error {
	if err := checkAddr(f.addr); err != nil {
		return err
	}
	files := site.FS()
	if !site.HasWasm(files) {
		// go install (the README's way to install) embeds the page only when make wasm ran first.
		return errors.New("demo: this binary was built without the browser build: run make build (or make wasm before go build or go install)")
	}
	ln, err := net.Listen("tcp", f.addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return usageErrorf("--addr %s: the port is in use (another raftsim demo?): choose another, or port 0 for any free one", f.addr)
	}
	if err != nil {
		return usageErrorf("--addr %s: %v", f.addr, err)
	}
	// On every interface (--addr :8080, for a classroom) the listener's address is [::]:8080, which is
	// no address to type: print the local one, and the addresses others can reach.
	tcp := ln.Addr().(*net.TCPAddr)
	url := "http://" + tcp.String() + "/"
	if tcp.IP.IsUnspecified() {
		url = "http://localhost:" + strconv.Itoa(tcp.Port) + "/"
	}
	fmt.Fprintf(stdout, "raftsim demo: serving the browser simulator at %s (Ctrl-C stops)\n", url)
	if tcp.IP.IsUnspecified() {
		fmt.Fprintf(stdout, "  on every interface: from other machines, %s\n", remoteURLs(tcp.Port))
	}
	srv := &http.Server{Handler: site.Handler(files), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	if f.open {
		if err := openBrowser(url); err != nil {
			fmt.Fprintf(stderr, "raftsim demo: could not open a browser (%v): open %s yourself\n", err, url)
		}
	}
	select {
	case err := <-done:
		return fmt.Errorf("demo: %w", err)
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
		return fmt.Errorf("demo: interrupted: %w", ctx.Err()) // context.Canceled: exit status 130
	}
}

// remoteURLs lists the page's address on each of this machine's non-loopback unicast addresses (at
// most four), for the people of a classroom; or says what to use when there are none to list.
func remoteURLs(port int) string {
	addrs, _ := net.InterfaceAddrs()
	var urls []string
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || !ipn.IP.IsGlobalUnicast() {
			continue
		}
		urls = append(urls, "http://"+net.JoinHostPort(ipn.IP.String(), strconv.Itoa(port))+"/")
	}
	switch {
	case len(urls) == 0:
		return "http://<this machine's address>:" + strconv.Itoa(port) + "/"
	case len(urls) > 4:
		urls = append(urls[:4], "...")
	}
	return strings.Join(urls, " ")
}

// openBrowser starts the system's opener on url and does not wait for it.
func openBrowser(url string) error {
	name := "xdg-open"
	switch runtime.GOOS {
	case "darwin":
		name = "open"
	case "windows":
		return exec.Command("rundll32", "url.dll,FileProtocolHandler", url).Start()
	}
	return exec.Command(name, url).Start()
}
