package swarm

import (
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/raftsim/raftsim/safety/linearize"
)

// Plan is which seeds a check runs and how.
type Plan struct {
	From  uint64 // first seed
	Seeds uint64 // how many seeds, From to From+Seeds-1; 0 with a Budget means until the budget is spent (or the largest seed is run)
	// Workers run seeds in parallel (0 means GOMAXPROCS); each seed's run is single-threaded and
	// independent of the others, so no outcome depends on them.
	Workers int
	// Budget, when positive, stops handing out seeds once this much wall-clock time has passed; the
	// seeds already started finish, and the report covers a contiguous range from From.
	Budget time.Duration
	// MaxFailures, when positive, ends the check at its MaxFailures-th failing seed in seed order: the
	// report covers the seeds up to it, whatever the workers (those running past it are dropped).
	MaxFailures uint64
	// World draws a seed's world; nil means Draw.
	World func(seed uint64) World
	Options
}

// Report is a check's account.
type Report struct {
	From, Seeds uint64 // the seeds run: From to From+Seeds-1
	// Failures counts the failed seeds by kind; Unknown counts the seeds whose linearizability check
	// ran out of time and that did not fail otherwise.
	Failures  map[Kind]uint64
	Unknown   uint64
	Simulated time.Duration // simulated time covered, summed over the seeds
	Events    uint64        // events run, summed over the seeds
	Ops       uint64        // client operations checked for linearizability
	Wall      time.Duration // wall-clock time of the check
	// Failed are the failing seeds' results, in seed order (the first MaxFailed of them).
	Failed []Result
}

// MaxFailed bounds the failing results a report keeps (each holds its history).
const MaxFailed = 100

// Failed returns the total number of failed seeds.
func (r *Report) FailedSeeds() uint64 {
	var n uint64
	for _, c := range r.Failures {
		n += c
	}
	return n
}

// Check runs the plan's seeds and returns the report. progress, when set, is called after each seed
// in seed order (from one goroutine) with that seed's result. The wall clock decides only when a budget
// stops the check, never an outcome: every seed's result is the same whatever the workers. The error is
// ctx's when the check was interrupted; the report then covers the seeds finished in order before it.
func Check(ctx context.Context, p Plan, progress func(*Result)) (Report, error) {
	draw := p.World
	if draw == nil {
		draw = Draw
	}
	workers := p.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type done struct {
		res Result
		err error
	}
	jobs := make(chan uint64)
	results := make(chan done, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seed := range jobs {
				res, err := Run(ctx, draw(seed), p.Options)
				res.Seed = seed
				results <- done{res, err}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := uint64(0); p.Seeds == 0 || i < p.Seeds; i++ {
			if p.Budget > 0 && time.Since(start) >= p.Budget {
				return
			}
			if p.From+i < p.From {
				return // past the largest seed: no wrapping round to seed 0 and the seeds already run
			}
			select {
			case jobs <- p.From + i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	rep := Report{From: p.From, Failures: map[Kind]uint64{}}
	pending := map[uint64]done{}
	next := p.From
	var stop error
	full := false // MaxFailures reached
	for d := range results {
		if d.err != nil {
			if stop == nil {
				stop = d.err
				cancel()
			}
			continue
		}
		pending[d.res.Seed] = d
		for {
			d, ok := pending[next]
			if !ok || stop != nil || full {
				break
			}
			delete(pending, next)
			next++
			rep.add(&d.res)
			if progress != nil {
				progress(&d.res)
			}
			if p.MaxFailures > 0 && rep.FailedSeeds() >= p.MaxFailures {
				full = true
				cancel()
			}
		}
	}
	rep.Wall = time.Since(start)
	if stop == nil && !full {
		stop = ctx.Err()
	}
	if full {
		stop = nil // the check's own end, not an interruption
	}
	return rep, stop
}

// add counts one seed's result.
func (r *Report) add(res *Result) {
	r.Seeds++
	r.Simulated += res.Simulated
	r.Events += res.Events
	r.Ops += uint64(res.Ops)
	switch {
	case res.Fail != "":
		r.Failures[res.Fail]++
		if len(r.Failed) < MaxFailed {
			r.Failed = append(r.Failed, *res)
		}
	case res.Linearize == linearize.Unknown:
		r.Unknown++
	}
}
