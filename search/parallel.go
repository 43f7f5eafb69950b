package search

import (
	"context"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

// forEach calls f for each i from 0 to n-1 on up to workers goroutines,
// one of which is the caller's, and returns the first error. After an
// error, the context that f gets is cancelled and no further i starts.
//
// A search runs its partitions and its result entries this way. Running
// one share on the caller's goroutine and reusing the others for several
// entries saves goroutine starts and wake-ups, which add to the latency
// of a search when other work keeps the CPUs busy.
func forEach(ctx context.Context, n, workers int, f func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	work := func() error {
		for {
			i := int(next.Add(1) - 1)
			if i >= n {
				return nil
			}
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			if err := f(ctx, i); err != nil {
				cancel(err)
				return err
			}
		}
	}

	var g errgroup.Group
	for range min(workers, n) - 1 {
		g.Go(work)
	}
	err := work()
	if gerr := g.Wait(); err == nil {
		err = gerr
	}
	return err
}
