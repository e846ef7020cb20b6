package actors

import (
	"context"
	"time"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// Loaded is the state an actor reads from the store when it starts.
type Loaded struct {
	Snapshot vimbiso.Snapshot
	Token    string
	Pending  []vimbiso.InboxItem // in inbox order
	// Unreadable lists inbox ids whose entries could not be decoded; the
	// actor drops them so that they never block the inbox.
	Unreadable []string
}

// Store keeps conversations durable.
type Store interface {
	// Load returns the snapshot, the CredEx token and the pending inbox.
	Load(ctx context.Context, u vimbiso.User) (Loaded, error)
	// Save writes the snapshot with a compare-and-set on snap.Version and
	// removes the processed inbox items, atomically. It returns
	// vimbiso.ErrVersionConflict when another activation saved first.
	Save(ctx context.Context, u vimbiso.User, snap *vimbiso.Snapshot, token string, done ...string) error
	// SaveTurn is Save that also caches a changed dashboard and indexes its
	// accounts, in the same round trip where it can; dash nil means Save.
	SaveTurn(ctx context.Context, u vimbiso.User, snap *vimbiso.Snapshot, token string, dash *vimbiso.Dashboard, dashAt time.Time, done ...string) error
	// Idle records that u has no pending input any more.
	Idle(ctx context.Context, u vimbiso.User) error

	LoadDashboard(ctx context.Context, u vimbiso.User) (*vimbiso.Dashboard, time.Time, error)
	SetAlerts(ctx context.Context, u vimbiso.User, on bool) error
	AlertsOn(ctx context.Context, u vimbiso.User) (bool, error)
}

// CredEx makes one CredEx call with a member token and returns the
// normalised result and the newest token ("" when the response carried none).
type CredEx interface {
	Do(ctx context.Context, token string, call vimbiso.Call) (vimbiso.Result, string)
}

// Sender sends WhatsApp messages through the Graph API.
type Sender interface {
	// Send sends r from the business number from to u and returns the
	// message id Meta assigned. A refusal is a *vimbiso.SendError.
	Send(ctx context.Context, from string, u vimbiso.User, bsuid string, r vimbiso.Reply) (string, error)
	MarkRead(ctx context.Context, from, messageID string, typing bool) error
}
