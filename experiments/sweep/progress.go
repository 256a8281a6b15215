package sweep

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/raftsim/raftsim/sim"
)

// redrawEvery is the shortest time between two redraws of the progress line.
const redrawEvery = 100 * time.Millisecond

// refreshEvery is how often the line is redrawn when nothing finished, to keep rate and ETA current.
const refreshEvery = time.Second

const barWidth = 20

// progress draws the one-line progress bar. Wall-clock time is used here and nowhere else; nothing of
// it reaches the result files.
type progress struct {
	w   io.Writer
	now func() time.Time

	points, trials int // totals
	pointsDone     int
	trialsDone     int
	base           int // trials done before this call started, left out of the rate

	start, last time.Time // start of this call; last redraw (zero: none yet)
	width       int       // length of the last line drawn
	dirty       bool      // something finished since the last redraw
}

func newProgress(w io.Writer, now func() time.Time, points, trials int) *progress {
	return &progress{w: w, now: now, points: points, trials: trials, start: now()}
}

// resumed counts the trials taken from a journal and draws the first line.
func (p *progress) resumed(finished []int, perPoint int) {
	p.count(finished, perPoint)
	p.base = p.trialsDone
	p.draw()
}

// done records n more finished trials; finished is the count per point.
func (p *progress) done(finished []int, perPoint, n int) {
	p.count(finished, perPoint)
	p.dirty = true
	if p.now().Sub(p.last) >= redrawEvery {
		p.draw()
	}
}

func (p *progress) count(finished []int, perPoint int) {
	p.pointsDone, p.trialsDone = 0, 0
	for _, f := range finished {
		p.trialsDone += f
		if f == perPoint {
			p.pointsDone++
		}
	}
}

// tick redraws a line left stale by the rate limit, and refreshes an idle one now and then.
func (p *progress) tick() {
	if since := p.now().Sub(p.last); (p.dirty && since >= redrawEvery) || since >= refreshEvery {
		p.draw()
	}
}

func (p *progress) draw() {
	now := p.now()
	p.last, p.dirty = now, false
	line := p.line(now.Sub(p.start))
	pad := ""
	if n := p.width - len(line); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	p.width = len(line)
	fmt.Fprintf(p.w, "\r%s%s", line, pad)
}

// line is the progress line after elapsed time of this call.
func (p *progress) line(elapsed time.Duration) string {
	filled := 0
	if p.trials > 0 {
		filled = barWidth * p.trialsDone / p.trials
	}
	bar := strings.Repeat("=", filled) + strings.Repeat(" ", barWidth-filled)
	rate, eta := "-", "-"
	if ran := p.trialsDone - p.base; ran > 0 && elapsed > 0 {
		r := float64(ran) / elapsed.Seconds()
		rate = fmt.Sprintf("%.1f", r)
		left := sim.FloatSeconds(float64(p.trials-p.trialsDone) / r) // saturates: a slow start does not wrap
		eta = left.Round(time.Second).String()
	}
	return fmt.Sprintf("[%s] points %d/%d  trials %d/%d  %s trials/s  ETA %s",
		bar, p.pointsDone, p.points, p.trialsDone, p.trials, rate, eta)
}

// finish clears the line.
func (p *progress) finish() {
	if p.width > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.width))
		p.width = 0
	}
}
