package deploy

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vimbisopay/vimbiso"
	"github.com/vimbisopay/vimbiso/actors"
)

// turnTimeout bounds how long the scrape waits for the test conversation's
// turn, which includes one 200 ms back-off after the failed save.
const turnTimeout = 10 * time.Second

// errRedisDown is the store error of the first save, as a lost Redis
// connection would return it.
var errRedisDown = errors.New("dial tcp 127.0.0.1:6379: connect: connection refused")

// flakyStore is an in-memory actors.Store whose first Save fails with
// errRedisDown, so that the actors count a Redis error and retry.
type flakyStore struct {
	mu        sync.Mutex
	saves     int
	snapshots map[string]vimbiso.Snapshot
}

func (s *flakyStore) Load(_ context.Context, u vimbiso.User) (actors.Loaded, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return actors.Loaded{Snapshot: s.snapshots[u.Key()]}, nil
}

func (s *flakyStore) Save(_ context.Context, u vimbiso.User, snap *vimbiso.Snapshot, _ string, _ ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.saves++
	if s.saves == 1 {
		return errRedisDown
	}
	snap.Version++
	if s.snapshots == nil {
		s.snapshots = make(map[string]vimbiso.Snapshot)
	}
	s.snapshots[u.Key()] = *snap
	return nil
}

func (s *flakyStore) SaveTurn(ctx context.Context, u vimbiso.User, snap *vimbiso.Snapshot, token string, _ *vimbiso.Dashboard, _ time.Time, done ...string) error {
	return s.Save(ctx, u, snap, token, done...)
}

func (s *flakyStore) Idle(context.Context, vimbiso.User) error { return nil }

func (s *flakyStore) LoadDashboard(context.Context, vimbiso.User) (*vimbiso.Dashboard, time.Time, error) {
	return nil, time.Time{}, vimbiso.ErrNotFound
}

func (s *flakyStore) SaveDashboard(context.Context, vimbiso.User, *vimbiso.Dashboard, time.Time) error {
	return nil
}

func (s *flakyStore) SetAlerts(context.Context, vimbiso.User, bool) error { return nil }

func (s *flakyStore) AlertsOn(context.Context, vimbiso.User) (bool, error) { return true, nil }

func (s *flakyStore) IndexAccounts(context.Context, vimbiso.User, []string) error { return nil }

// credexDown returns an unavailable result for every call.
type credexDown struct{}

func (credexDown) Do(_ context.Context, _ string, call vimbiso.Call) (vimbiso.Result, string) {
	return vimbiso.Result{Op: call.Op, Outcome: vimbiso.OutcomeUnavailable}, ""
}

// acceptingSender accepts every message.
type acceptingSender struct{}

func (acceptingSender) Send(context.Context, string, vimbiso.User, string, vimbiso.Reply) (string, error) {
	return "wamid.DEPLOYTEST", nil
}

func (acceptingSender) MarkRead(context.Context, string, string, bool) error { return nil }

// driveActors registers the conversation actors' metrics on reg, as
// `vimbiso serve` does, and runs one "hi" through a conversation actor on
// in-memory ports. The turn activates the actor, moves its state, loads
// and saves a snapshot, and counts one failed save.
func driveActors(t *testing.T, reg *prometheus.Registry) {
	t.Helper()
	system := actors.NewSystem(slog.New(slog.DiscardHandler))
	t.Cleanup(system.Shutdown)
	router := actors.NewLocalRouter(system, actors.Config{}, actors.Deps{
		Store:  &flakyStore{},
		CredEx: credexDown{},
		Sender: acceptingSender{},
	})
	router.UseMetrics(actors.NewMetrics(reg, router))

	now := time.Now()
	router.Deliver(vimbiso.InboxItem{
		ID:   "1-0",
		User: vimbiso.User{PhoneNumberID: scrapePhoneNumberID, WaID: "263770000009"},
		Input: vimbiso.Input{
			Kind:       vimbiso.InputText,
			MessageID:  "wamid.DEPLOYTEST.IN",
			Type:       "text",
			Text:       "hi",
			SentAt:     now,
			ReceivedAt: now,
		},
	})

	deadline := time.Now().Add(turnTimeout)
	for turnsDone(t, reg) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the test conversation's turn did not end within %s", turnTimeout)
		}
		time.Sleep(10 * time.Millisecond) // the actor has no completion signal to wait on
	}
}

// turnsDone returns the sample count of vimbiso_turn_seconds, which the
// actor records after the turn's last save.
func turnsDone(t *testing.T, reg prometheus.Gatherer) uint64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, family := range families {
		if family.GetName() == "vimbiso_turn_seconds" && len(family.GetMetric()) > 0 {
			return family.GetMetric()[0].GetHistogram().GetSampleCount()
		}
	}
	return 0
}
