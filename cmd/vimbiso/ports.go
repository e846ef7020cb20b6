package main

import (
	"context"

	vimbiso "github.com/vimbisopay/vimbiso"
	"github.com/vimbisopay/vimbiso/actors"
	"github.com/vimbisopay/vimbiso/persistence"
)

// storePort lets the actors use the Redis store through their own port.
type storePort struct{ *persistence.Store }

var _ actors.Store = storePort{}

func (p storePort) Load(ctx context.Context, u vimbiso.User) (actors.Loaded, error) {
	l, err := p.Store.Load(ctx, u)
	if err != nil {
		return actors.Loaded{}, err
	}
	return actors.Loaded{Snapshot: l.Snapshot, Token: l.Token, Pending: l.Pending, Unreadable: l.Unreadable}, nil
}
