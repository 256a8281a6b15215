package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Progress bars are drawn on standard error only when it is a terminal (golang.org/x/term: false for
// /dev/null, a file or a pipe), fit its width (schollz/progressbar measures it at every redraw), and
// use the wall clock, which reaches nothing but the bar.

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// barDelay is how long a command runs before its bar appears, so that quick runs print nothing extra.
const barDelay = 500 * time.Millisecond

// runProgress is the bar of `raftsim run`: simulated time reached out of the duration.
type runProgress struct {
	w     io.Writer
	total time.Duration
	start time.Time
	bar   *progressbar.ProgressBar
	off   bool
}

func newRunProgress(w io.Writer, quiet bool, total time.Duration) *runProgress {
	return &runProgress{w: w, total: total, start: time.Now(), off: quiet || !isTerminal(w)}
}

// update is cluster.Config.Progress.
func (p *runProgress) update(now time.Duration) {
	if p.off {
		return
	}
	if p.bar == nil {
		if time.Since(p.start) < barDelay {
			return
		}
		p.bar = progressbar.NewOptions64(p.total.Milliseconds(),
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription("simulated ms"),
			progressbar.OptionSetWidth(30),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	_ = p.bar.Set64(now.Milliseconds())
}

// finish clears the bar; it may be called more than once.
func (p *runProgress) finish() {
	if p.bar != nil {
		_ = p.bar.Clear()
		_ = p.bar.Exit()
		p.bar = nil
	}
	p.off = true
}

// sweepProgress is the bar of `raftsim sweep`: trials done out of all, with points done, the rate of
// this run (trials resumed from a journal left out) and the time left.
type sweepProgress struct {
	w    io.Writer
	bar  *progressbar.ProgressBar
	base int // trials done before this run: resumed
}

// newSweepProgress returns nil when no bar should be drawn: quiet, or w not a terminal.
func newSweepProgress(w io.Writer, quiet bool) *sweepProgress {
	if quiet || !isTerminal(w) {
		return nil
	}
	return &sweepProgress{w: w, base: -1}
}

// Update implements sweep.Progress.
func (p *sweepProgress) Update(trialsDone, trials, pointsDone, points int) {
	if p.bar == nil {
		p.base = trialsDone
		p.bar = progressbar.NewOptions(trials-trialsDone,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetWidth(20),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("trials"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionSetRenderBlankState(true),
		)
	}
	p.bar.Describe(fmt.Sprintf("points %d/%d", pointsDone, points))
	_ = p.bar.Set(trialsDone - p.base)
}

// Close implements sweep.Progress.
func (p *sweepProgress) Close() {
	if p.bar != nil {
		_ = p.bar.Clear()
		_ = p.bar.Exit()
	}
}
