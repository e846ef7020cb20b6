package actors

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"testing"
	"time"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// memoryStore is a Store that keeps nothing and reports each turn's save
// on a channel, so that a benchmark measures the actors' own cost. Every
// user loads as new.
type memoryStore struct {
	saved chan vimbiso.User
}

func (s *memoryStore) Load(context.Context, vimbiso.User) (Loaded, error) {
	return Loaded{Snapshot: vimbiso.Snapshot{Schema: vimbiso.SnapshotSchema}}, nil
}

func (s *memoryStore) Save(_ context.Context, u vimbiso.User, snap *vimbiso.Snapshot, _ string, done ...string) error {
	snap.Version++
	if len(done) > 0 {
		s.saved <- u
	}
	return nil
}

func (s *memoryStore) SaveTurn(ctx context.Context, u vimbiso.User, snap *vimbiso.Snapshot, token string, _ *vimbiso.Dashboard, _ time.Time, done ...string) error {
	return s.Save(ctx, u, snap, token, done...)
}

func (s *memoryStore) Idle(context.Context, vimbiso.User) error { return nil }
func (s *memoryStore) LoadDashboard(context.Context, vimbiso.User) (*vimbiso.Dashboard, time.Time, error) {
	return nil, time.Time{}, vimbiso.ErrNotFound
}
func (s *memoryStore) SaveDashboard(context.Context, vimbiso.User, *vimbiso.Dashboard, time.Time) error {
	return nil
}
func (s *memoryStore) SetAlerts(context.Context, vimbiso.User, bool) error         { return nil }
func (s *memoryStore) AlertsOn(context.Context, vimbiso.User) (bool, error)        { return true, nil }
func (s *memoryStore) IndexAccounts(context.Context, vimbiso.User, []string) error { return nil }

// discardSender accepts every message and keeps none.
type discardSender struct {
	mu  sync.Mutex
	seq int
}

func (s *discardSender) Send(context.Context, string, vimbiso.User, string, vimbiso.Reply) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return fmt.Sprintf("wamid.OUT%d", s.seq), nil
}

func (s *discardSender) MarkRead(context.Context, string, string, bool) error { return nil }

func newBenchRouter(b *testing.B, idle time.Duration) (*LocalRouter, *memoryStore) {
	b.Helper()
	store := &memoryStore{saved: make(chan vimbiso.User, 1024)}
	system := NewSystem(slog.New(slog.DiscardHandler))
	b.Cleanup(system.Shutdown)
	router := NewLocalRouter(system, Config{IdleTimeout: idle, InputRate: 0},
		Deps{Store: store, CredEx: &tokenCredEx{}, Sender: &discardSender{}})
	return router, store
}

func benchItem(u vimbiso.User, n int) vimbiso.InboxItem {
	return vimbiso.InboxItem{
		ID:   fmt.Sprintf("%d-0", n+1),
		User: u,
		Input: vimbiso.Input{
			Kind: vimbiso.InputText, Type: "text", Text: "hi",
			MessageID: fmt.Sprintf("wamid.IN%d", n), SentAt: time.Now(), ReceivedAt: time.Now(),
		},
	}
}

// BenchmarkDispatch measures one input from Router.Deliver until the
// actor saved its turn, for a user whose actor already runs. The store
// and the Graph API do nothing and CredEx returns "not a member", so the
// figure covers the router, the actor, the conversation's step (login,
// then the registration greeting) and protoactor's mailbox.
func BenchmarkDispatch(b *testing.B) {
	router, store := newBenchRouter(b, 10*time.Minute)
	u := vimbiso.User{PhoneNumberID: "100000000000001", WaID: "263771000001"}
	n := 0
	router.Deliver(benchItem(u, n))
	<-store.saved

	for b.Loop() {
		n++
		router.Deliver(benchItem(u, n))
		<-store.saved
	}
}

// BenchmarkActorMemory measures the Go heap per conversation after 10,000
// users sent one message each. In "active" their actors stay alive. In
// "passivated" a 100 ms idle timeout stops them first, so the figure is
// what a stopped conversation leaves behind. One op is the whole run.
func BenchmarkActorMemory(b *testing.B) {
	const users = 10_000
	for _, tc := range []struct {
		name string
		idle time.Duration
	}{
		{"active", 10 * time.Minute},
		{"passivated", 100 * time.Millisecond},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var perUser float64
			for b.Loop() {
				router, store := newBenchRouter(b, tc.idle)
				before := heapInUse()
				go func() {
					for i := range users {
						u := vimbiso.User{PhoneNumberID: "100000000000001", WaID: fmt.Sprintf("2637730%05d", i)}
						router.Deliver(benchItem(u, i))
					}
				}()
				for range users {
					<-store.saved
				}
				deadline := time.Now().Add(30 * time.Second)
				for tc.idle < time.Minute && router.Active() > 0 && time.Now().Before(deadline) {
					time.Sleep(50 * time.Millisecond)
				}
				after := heapInUse()
				if tc.idle < time.Minute && router.Active() > 0 {
					b.Fatalf("%d actors still active 30 s after a 100 ms idle timeout", router.Active())
				}
				perUser = float64(int64(after)-int64(before)) / users
				runtime.KeepAlive(router)
			}
			b.ReportMetric(perUser, "heap-bytes/conversation")
		})
	}
}

// heapInUse returns the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
