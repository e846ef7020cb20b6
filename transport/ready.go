package transport

import (
	"context"
	"errors"
)

// CheckerFunc adapts a function to the Checker interface.
type CheckerFunc func(ctx context.Context) error

// Ready calls f.
func (f CheckerFunc) Ready(ctx context.Context) error { return f(ctx) }

// Checks returns a Checker that runs every non-nil checker in order, each
// even after another failed, and reports the failures joined with
// errors.Join (one line each in the /readyz body). It reports ready when
// all of them are ready, or when none is given.
func Checks(checkers ...Checker) Checker {
	return CheckerFunc(func(ctx context.Context) error {
		var errs []error
		for _, c := range checkers {
			if c == nil {
				continue
			}
			if err := c.Ready(ctx); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	})
}

var _ Checker = (*GraphClient)(nil)

// Ready returns Degraded, so that a GraphClient can serve as
// ServerConfig.Degraded: /readyz then answers 200 with status "degraded"
// while Meta refuses the access token. It must not be one of the Checks
// behind the 503, which would take the node out of the load balancer and
// stop webhook deliveries that can still be processed.
func (g *GraphClient) Ready(context.Context) error {
	return g.Degraded()
}
