package search

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

func TestForEachCallsEveryIndexOnce(t *testing.T) {
	for _, tc := range []struct{ n, workers int }{{0, 2}, {1, 2}, {10, 1}, {10, 2}, {3, 8}} {
		calls := make([]atomic.Int32, tc.n)
		err := forEach(context.Background(), tc.n, tc.workers, func(_ context.Context, i int) error {
			calls[i].Add(1)
			return nil
		})
		if err != nil {
			t.Errorf("n %d, workers %d: %v", tc.n, tc.workers, err)
		}
		for i := range calls {
			if got := calls[i].Load(); got != 1 {
				t.Errorf("n %d, workers %d: index %d called %d times, want 1", tc.n, tc.workers, i, got)
			}
		}
	}
}

func TestForEachStopsAtFirstError(t *testing.T) {
	failure := errors.New("failure")
	var started atomic.Int32
	err := forEach(context.Background(), 100, 2, func(ctx context.Context, i int) error {
		started.Add(1)
		switch {
		case i < 3:
			return nil
		case i == 3:
			return failure
		}
		// Later calls wait for the cancellation that the failure causes.
		<-ctx.Done()
		return ctx.Err()
	})
	if !errors.Is(err, failure) {
		t.Errorf("error %v, want %v", err, failure)
	}
	if n := started.Load(); n > 5 {
		t.Errorf("%d calls started, want at most 5 after the error at index 3", n)
	}
}

func TestForEachCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	err := forEach(ctx, 5, 2, func(context.Context, int) error {
		called = true
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if called {
		t.Error("f called with a cancelled context")
	}
}
