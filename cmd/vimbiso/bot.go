package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/vimbisopay/vimbiso/actors"
	"github.com/vimbisopay/vimbiso/fsm"
	"github.com/vimbisopay/vimbiso/persistence"
	"github.com/vimbisopay/vimbiso/transport"
)

// bot is the production service: the HTTP front end, the conversation
// actors and the clients they use, wired over one store.
type bot struct {
	cfg      Config
	log      *slog.Logger
	store    *persistence.Store
	system   *actor.ActorSystem
	router   *actors.LocalRouter
	registry *prometheus.Registry
	front    *transport.Server
}

// newBot wires the service. The store is opened by the caller, because
// `vimbiso dev` may pass an embedded Redis.
func newBot(cfg Config, store *persistence.Store, log *slog.Logger) *bot {
	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := transport.NewMetrics(registry)
	registerBuildInfo(registry)

	// One keep-alive pool for CredEx and the Graph API. Go's default keeps
	// two idle connections per host, so under load most calls opened a new
	// connection.
	transportPool := http.DefaultTransport.(*http.Transport).Clone()
	transportPool.MaxIdleConns = 1024
	transportPool.MaxIdleConnsPerHost = 512
	graph := transport.NewGraphClientWithOptions(cfg.WhatsAppURL, cfg.AccessToken, transport.GraphOptions{
		HTTPClient: &http.Client{Timeout: 30 * time.Second, Transport: transportPool},
		Metrics:    metrics, Logger: log, SendRate: cfg.SendRate,
	})
	// The CredEx client bounds each request with its own context deadline,
	// so a client timeout would only add a second timer to every call.
	credexHTTP := &http.Client{Transport: transportPool}
	credex := transport.NewCredExClient(transport.CredExConfig{
		BaseURL:         cfg.CredExURL,
		APIKey:          cfg.ClientAPIKey,
		RateLimitBypass: cfg.CredExRateLimitBypass,
		Logger:          log,
		// One budget for every node: CredEx counts calls per client IP.
		Budget: newCredexBudget(store, cfg.CredExRateLimit),
	}, credexHTTP, metrics)

	system := actors.NewSystem(log)
	router := actors.NewLocalRouter(system, actors.Config{
		Conversation: fsm.Config{
			SessionTTL:         cfg.SessionTTL,
			Location:           cfg.Timezone,
			SupportContact:     cfg.SupportContact,
			TermsURL:           cfg.TermsURL,
			RegistrationFlowID: cfg.RegistrationFlowID,
			TemplateName:       cfg.TemplateName,
			TemplateLanguage:   cfg.TemplateLanguage,
		},
		IdleTimeout: cfg.IdleTimeout,
		InputRate:   cfg.UserInputRate,
		Logger:      log,
	}, actors.Deps{Store: storePort{store}, CredEx: credex, Sender: graph})
	router.UseMetrics(actors.NewMetrics(registry, router))

	in := &intake{store: store, router: router, sender: graph, log: log, metrics: newIntakeMetrics(registry)}
	front := transport.NewServer(transport.ServerConfig{
		AppSecret:      cfg.AppSecret,
		VerifyToken:    cfg.VerifyToken,
		PhoneNumberIDs: cfg.PhoneNumberIDs,
		Logger:         log,
		Gatherer:       registry,
		Degraded:       graph,
	}, in, readiness{store}, metrics)

	front.HandleCallbacks(transport.CallbackConfig{
		APIKey:        cfg.ClientAPIKey,
		WebhookSecret: cfg.CredExWebhookSecret,
	}, &callbacks{store: store, router: router, phoneNumberID: cfg.PhoneNumberID, log: log, now: time.Now})

	return &bot{cfg: cfg, log: log, store: store, system: system, router: router, registry: registry, front: front}
}

// recover wakes the conversations that had input stored when the last
// process stopped.
func (b *bot) recover(ctx context.Context) error {
	users, err := b.store.PendingUsers(ctx)
	if err != nil {
		return fmt.Errorf("list conversations with pending input: %w", err)
	}
	b.router.Wake(users...)
	if len(users) > 0 {
		b.log.Info("resuming conversations with pending input", "count", len(users))
	}
	return nil
}

// recoveryRetry is the pause between attempts to wake the conversations
// with stored input while Redis cannot be reached.
const recoveryRetry = 5 * time.Second

// recoverUntilDone runs recover until it succeeds or ctx ends: a process
// that starts while Redis is down must still wake those conversations.
func (b *bot) recoverUntilDone(ctx context.Context) {
	for {
		err := b.recover(ctx)
		if err == nil {
			return
		}
		b.log.Error("recovery of pending conversations failed, retrying", "err", err, "retry_in", recoveryRetry)
		select {
		case <-ctx.Done():
			return
		case <-time.After(recoveryRetry):
		}
	}
}

// stop lets every actor finish its current input, then stops them.
func (b *bot) stop() {
	b.system.Shutdown()
}

// readiness reports the service ready while the state Redis responds.
type readiness struct{ store *persistence.Store }

// Ready returns a short reason without the server's address, because
// /readyz shows it to whoever asks.
func (r readiness) Ready(ctx context.Context) error {
	if err := r.store.Ping(ctx); err != nil {
		return errors.New("state redis unreachable")
	}
	return nil
}
