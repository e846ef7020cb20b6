package transport

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics holds the counters of the transport package. Every label takes
// values from a small fixed set (routes, outcomes, kinds, Meta's error
// codes), never a phone number or a message id. A nil *Metrics is valid and
// records nothing.
type Metrics struct {
	webhookRequests *prometheus.CounterVec
	inboundMessages *prometheus.CounterVec
	statuses        *prometheus.CounterVec
	webhookErrors   *prometheus.CounterVec
	skippedChanges  prometheus.Counter
	graphSends      *prometheus.CounterVec
	credexCalls     *prometheus.CounterVec
	credexDuration  *prometheus.HistogramVec
	graphRetries    *prometheus.CounterVec
	rateLimitWaits  *prometheus.CounterVec
	rateLimitWait   *prometheus.HistogramVec
}

// NewMetrics creates the transport metrics and registers them on reg. A nil
// reg leaves them unregistered, which suits tests.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		webhookRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vimbiso_webhook_requests_total",
			Help: "HTTP requests to the front end, by route and outcome.",
		}, []string{"route", "outcome"}),
		inboundMessages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vimbiso_inbound_messages_total",
			Help: "WhatsApp messages decoded from webhooks, by input kind.",
		}, []string{"kind"}),
		statuses: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vimbiso_whatsapp_statuses_total",
			Help: "WhatsApp status callbacks, by status.",
		}, []string{"status"}),
		webhookErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vimbiso_whatsapp_webhook_errors_total",
			Help: "Errors reported inside WhatsApp webhooks (value.errors, message and status errors), by Meta error code.",
		}, []string{"code"}),
		skippedChanges: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "vimbiso_webhook_skipped_changes_total",
			Help: "Webhook changes skipped: other fields or business numbers this service does not serve.",
		}),
		graphSends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vimbiso_graph_sends_total",
			Help: "Graph API requests, by message kind and result code (ok, a Meta error code, http_<status> or network).",
		}, []string{"kind", "code"}),
		credexCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vimbiso_credex_calls_total",
			Help: "CredEx API calls after retries, by endpoint and outcome.",
		}, []string{"endpoint", "outcome"}),
		credexDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "vimbiso_credex_request_duration_seconds",
			Help:    "Duration of single CredEx HTTP requests (each attempt), by endpoint.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15},
		}, []string{"endpoint"}),
		graphRetries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vimbiso_graph_retries_total",
			Help: "Graph API requests repeated after a refusal, by the Meta error code that caused the repeat (or http_5xx, http_429).",
		}, []string{"code"}),
		rateLimitWaits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vimbiso_rate_limit_waits_total",
			Help: "Requests held back by one of our rate limiters before they were sent, by limiter (graph_send, graph_pair, credex).",
		}, []string{"limiter"}),
		rateLimitWait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "vimbiso_rate_limit_wait_seconds",
			Help:    "Time a request was held back by one of our rate limiters, by limiter. Requests that went out at once are not observed.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60},
		}, []string{"limiter"}),
	}
	if reg != nil {
		reg.MustRegister(m.webhookRequests, m.inboundMessages, m.statuses, m.webhookErrors,
			m.skippedChanges, m.graphSends, m.credexCalls, m.credexDuration,
			m.graphRetries, m.rateLimitWaits, m.rateLimitWait)
	}
	return m
}

func (m *Metrics) webhookRequest(route, outcome string) {
	if m != nil {
		m.webhookRequests.WithLabelValues(route, outcome).Inc()
	}
}

func (m *Metrics) inbound(kind string) {
	if m != nil {
		m.inboundMessages.WithLabelValues(kind).Inc()
	}
}

// status counts a status callback. Meta's values are a fixed set; anything
// else is counted as "other" to keep the label bounded.
func (m *Metrics) status(status string) {
	if m == nil {
		return
	}
	switch status {
	case "sent", "delivered", "read", "failed", "deleted", "warning":
	default:
		status = "other"
	}
	m.statuses.WithLabelValues(status).Inc()
}

func (m *Metrics) webhookError(code int) {
	if m != nil {
		m.webhookErrors.WithLabelValues(strconv.Itoa(code)).Inc()
	}
}

func (m *Metrics) skipped(n int) {
	if m != nil && n > 0 {
		m.skippedChanges.Add(float64(n))
	}
}

func (m *Metrics) graphSend(kind, code string) {
	if m != nil {
		m.graphSends.WithLabelValues(kind, code).Inc()
	}
}

func (m *Metrics) credexCall(endpoint, outcome string) {
	if m != nil {
		m.credexCalls.WithLabelValues(endpoint, outcome).Inc()
	}
}

func (m *Metrics) credexRequest(endpoint string, d time.Duration) {
	if m != nil {
		m.credexDuration.WithLabelValues(endpoint).Observe(d.Seconds())
	}
}

// graphRetry counts a repeated Graph request. label is one of the fixed
// retry classes of graph_retry.go.
func (m *Metrics) graphRetry(label string) {
	if m != nil {
		m.graphRetries.WithLabelValues(label).Inc()
	}
}

// rateLimited counts a request that limiter held back for d.
func (m *Metrics) rateLimited(limiter string, d time.Duration) {
	if m != nil {
		m.rateLimitWaits.WithLabelValues(limiter).Inc()
		m.rateLimitWait.WithLabelValues(limiter).Observe(d.Seconds())
	}
}
