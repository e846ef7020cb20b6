package actors

import (
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	vimbiso "github.com/vimbisopay/vimbiso"
	"github.com/vimbisopay/vimbiso/fsm"
)

// Metrics are the conversation actors' Prometheus series. Labels are
// bounded: flows and states come from the flow tables, never from users.
type Metrics struct {
	activated   prometheus.Counter
	transitions *prometheus.CounterVec
	inputWait   prometheus.Histogram
	turn        prometheus.Histogram
	storeOps    *prometheus.HistogramVec
	storeErrors *prometheus.CounterVec
	panics      prometheus.Counter
	heldBack    prometheus.Counter
}

// NewMetrics registers the actors' series on reg. Active conversations and
// the age of the oldest waiting input are read from r at scrape time.
func NewMetrics(reg prometheus.Registerer, r *LocalRouter) *Metrics {
	m := &Metrics{
		activated: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "vimbiso_conversations_activated_total",
			Help: "Conversation actors started, from a snapshot or from nothing.",
		}),
		transitions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vimbiso_fsm_transitions_total",
			Help: "Conversation state changes, by the flow of the new state and the states left and entered.",
		}, []string{"flow", "from", "to"}),
		inputWait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "vimbiso_input_wait_seconds",
			Help:    "Time from an input's arrival at the webhook to the start of its turn.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 10),
		}),
		turn: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "vimbiso_turn_seconds",
			Help:    "Time to process one input: CredEx calls, sends and the snapshot save.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 10),
		}),
		storeOps: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "vimbiso_snapshot_seconds",
			Help:    "Latency of snapshot loads and saves, inbox included.",
			Buckets: prometheus.ExponentialBuckets(0.0002, 4, 9),
		}, []string{"op"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vimbiso_redis_errors_total",
			Help: "Failed Redis operations of the conversation actors, by operation.",
		}, []string{"op"}),
		panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "vimbiso_turn_panics_total",
			Help: "Turns that panicked; their input was dropped so that it cannot block the inbox.",
		}),
		heldBack: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "vimbiso_inputs_held_back_total",
			Help: "Inputs that waited because their user sent more than USER_INPUT_RATE a minute.",
		}),
	}
	reg.MustRegister(m.activated, m.transitions, m.inputWait, m.turn, m.storeOps, m.storeErrors, m.panics, m.heldBack,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "vimbiso_conversations_active",
			Help: "Conversation actors running in this process.",
		}, func() float64 { return float64(r.Active()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "vimbiso_inbox_oldest_age_seconds",
			Help: "Age of the oldest input delivered to an actor of this process and not yet processed.",
		}, func() float64 { return r.oldestWaiting().Seconds() }),
	)
	return m
}

// transition counts a state change; a step that stays in its state is not
// a transition.
func (m *Metrics) transition(from, to fsm.State) {
	if m == nil || from == to {
		return
	}
	m.transitions.WithLabelValues(fsm.FlowOf(to), string(from), string(to)).Inc()
}

func (m *Metrics) activation() {
	if m != nil {
		m.activated.Inc()
	}
}

func (m *Metrics) turnDone(waited, took time.Duration) {
	if m == nil {
		return
	}
	if waited > 0 {
		m.inputWait.Observe(waited.Seconds())
	}
	m.turn.Observe(took.Seconds())
}

// store records one store operation's latency, and its failure.
func (m *Metrics) store(op string, took time.Duration, err error) {
	if m == nil {
		return
	}
	m.storeOps.WithLabelValues(op).Observe(took.Seconds())
	if err != nil && !errors.Is(err, vimbiso.ErrVersionConflict) {
		m.storeErrors.WithLabelValues(op).Inc()
	}
}

func (m *Metrics) panicked() {
	if m != nil {
		m.panics.Inc()
	}
}

func (m *Metrics) held() {
	if m != nil {
		m.heldBack.Inc()
	}
}
