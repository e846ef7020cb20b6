package actors

import (
	"log/slog"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// Router delivers inputs to the one live conversation actor of each user.
// The local router below runs every actor in this process; a cluster
// router would place them on the nodes of a protoactor-go cluster.
type Router interface {
	// Deliver hands over inputs already stored in their users' inboxes.
	Deliver(items ...vimbiso.InboxItem)
	// Wake makes the users' actors read their inboxes.
	Wake(users ...vimbiso.User)
}

// LocalRouter runs the conversation actors of one process. It counts the
// deliveries on their way to each actor, so that an idle actor stops only
// when nothing was sent to it after its timer fired.
type LocalRouter struct {
	system *actor.ActorSystem
	cfg    Config
	deps   Deps

	metrics *Metrics // nil until UseMetrics

	mu     sync.Mutex
	actors map[string]*route // by User.Key; guarded by mu
}

var _ Router = (*LocalRouter)(nil)

type route struct {
	pid      *actor.PID
	inflight int
	waiting  []time.Time // arrival times of the deliveries on their way, oldest first
}

// NewLocalRouter returns a router that spawns actors in system.
func NewLocalRouter(system *actor.ActorSystem, cfg Config, deps Deps) *LocalRouter {
	return &LocalRouter{system: system, cfg: cfg.withDefaults(), deps: deps, actors: map[string]*route{}}
}

// UseMetrics makes the actors record their series in m. Call it before
// the first delivery.
func (r *LocalRouter) UseMetrics(m *Metrics) { r.metrics = m }

// Deliver implements Router.
func (r *LocalRouter) Deliver(items ...vimbiso.InboxItem) {
	for _, item := range items {
		pid := r.acquire(item.User, true, item.Input.ReceivedAt)
		r.system.Root.Send(pid, &Deliver{Item: item})
	}
}

// Wake implements Router.
func (r *LocalRouter) Wake(users ...vimbiso.User) {
	for _, u := range users {
		pid := r.acquire(u, false, time.Time{})
		r.system.Root.Send(pid, &Wake{})
	}
}

// Active returns how many conversation actors run.
func (r *LocalRouter) Active() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.actors)
}

// acquire returns the user's actor, spawning it when none runs.
func (r *LocalRouter) acquire(u vimbiso.User, delivery bool, arrived time.Time) *actor.PID {
	r.mu.Lock()
	defer r.mu.Unlock()
	rt, ok := r.actors[u.Key()]
	if !ok {
		rt = &route{pid: r.spawn(u)}
		r.actors[u.Key()] = rt
	}
	if delivery {
		rt.inflight++
		if arrived.IsZero() {
			arrived = r.cfg.Now()
		}
		rt.waiting = append(rt.waiting, arrived)
	}
	return rt.pid
}

func (r *LocalRouter) spawn(u vimbiso.User) *actor.PID {
	props := actor.PropsFromProducer(func() actor.Actor {
		return &conversationActor{
			user:   u,
			cfg:    r.cfg,
			deps:   r.deps,
			router: r,
			log:    r.cfg.Logger.With(slog.String("user", u.Hash())),
		}
	})
	// The name carries a hash, never the phone number: protoactor-go logs
	// actor names.
	return r.system.Root.SpawnPrefix(props, "conversation-"+u.Hash()+"-")
}

// done records that the actor handled one delivery.
func (r *LocalRouter) done(u vimbiso.User) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if rt, ok := r.actors[u.Key()]; ok && rt.inflight > 0 {
		rt.inflight--
		rt.waiting = rt.waiting[1:]
	}
}

// oldestWaiting returns how long the oldest delivery still on its way to
// an actor has waited since it reached the webhook.
func (r *LocalRouter) oldestWaiting() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	var oldest time.Time
	for _, rt := range r.actors {
		if len(rt.waiting) > 0 && (oldest.IsZero() || rt.waiting[0].Before(oldest)) {
			oldest = rt.waiting[0]
		}
	}
	if oldest.IsZero() {
		return 0
	}
	return r.cfg.Now().Sub(oldest)
}

// release forgets pid as u's actor if no delivery is on its way to it. It
// reports whether the actor may stop.
func (r *LocalRouter) release(u vimbiso.User, pid *actor.PID) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	rt, ok := r.actors[u.Key()]
	if !ok || !rt.pid.Equal(pid) {
		return true
	}
	if rt.inflight > 0 {
		return false
	}
	delete(r.actors, u.Key())
	return true
}
