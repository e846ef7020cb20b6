package transport

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vimbisopay/vimbiso"
)

// scriptedBudget returns its waits from Take in order, repeating the last,
// or err when set, and counts the calls.
type scriptedBudget struct {
	mu    sync.Mutex
	waits []time.Duration
	err   error
	takes int
}

func (b *scriptedBudget) Take(context.Context) (time.Duration, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.takes++
	if b.err != nil {
		return 0, b.err
	}
	return b.waits[min(b.takes, len(b.waits))-1], nil
}

// startBudgetedCredEx starts a CredEx stand-in and a client that takes its
// calls from budget, logging to the returned buffer.
func startBudgetedCredEx(t *testing.T, budget CredExBudget, replies ...credexReply) (*credexStandIn, *CredExClient, *sleepRecorder, *prometheus.Registry, *bytes.Buffer) {
	t.Helper()
	standIn := &credexStandIn{replies: replies}
	srv := httptest.NewServer(http.HandlerFunc(standIn.serve))
	t.Cleanup(srv.Close)
	sleeps := &sleepRecorder{}
	registry := prometheus.NewRegistry()
	var logs bytes.Buffer
	client := NewCredExClient(CredExConfig{
		BaseURL: srv.URL + "/v1",
		APIKey:  testAPIKey,
		Timeout: 2 * time.Second,
		Sleep:   sleeps.sleep,
		Budget:  budget,
		Logger:  slog.New(slog.NewTextHandler(&logs, nil)),
	}, srv.Client(), NewMetrics(registry))
	return standIn, client, sleeps, registry, &logs
}

func TestCredExBudgetWaits(t *testing.T) {
	ledger := vimbiso.Call{Op: vimbiso.CallGetLedger, AccountID: aliceAcct}
	tooMany := credexReply{status: 429, body: "Too many requests, please try again later"}
	tests := []struct {
		name     string
		waits    []time.Duration
		replies  []credexReply
		requests int
		takes    int
		sleeps   []time.Duration
	}{
		{"budget left", []time.Duration{0}, []credexReply{fixture(t, 200, "ledger_legacy")},
			1, 1, nil},
		{"waits for the budget", []time.Duration{3 * time.Second}, []credexReply{fixture(t, 200, "ledger_legacy")},
			1, 1, []time.Duration{3 * time.Second}},
		{"each retry takes a token", []time.Duration{0}, []credexReply{tooMany, fixture(t, 200, "ledger_legacy")},
			2, 2, []time.Duration{2 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			budget := &scriptedBudget{waits: tt.waits}
			standIn, client, sleeps, registry, _ := startBudgetedCredEx(t, budget, tt.replies...)

			res, _ := client.Do(context.Background(), "t", ledger)

			if res.Outcome != vimbiso.OutcomeOK {
				t.Errorf("Outcome = %q, want ok", res.Outcome)
			}
			if n := len(standIn.got()); n != tt.requests {
				t.Errorf("requests = %d, want %d", n, tt.requests)
			}
			if budget.takes != tt.takes {
				t.Errorf("budget takes = %d, want %d", budget.takes, tt.takes)
			}
			if got := sleeps.got(); !reflect.DeepEqual(got, tt.sleeps) {
				t.Errorf("waits = %v, want %v", got, tt.sleeps)
			}
			budgetWaits := 0.0
			if tt.waits[0] > 0 {
				budgetWaits = 1
			}
			if got := metric(t, registry, "vimbiso_rate_limit_waits_total", limiterCredEx); got != budgetWaits {
				t.Errorf("vimbiso_rate_limit_waits_total{limiter=%q} = %v, want %v", limiterCredEx, got, budgetWaits)
			}
		})
	}
}

func TestCredExBudgetPastDeadline(t *testing.T) {
	budget := &scriptedBudget{waits: []time.Duration{2 * time.Minute}}
	standIn, client, sleeps, _, _ := startBudgetedCredEx(t, budget, fixture(t, 200, "ledger_legacy"))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	res, _ := client.Do(ctx, "t", vimbiso.Call{Op: vimbiso.CallGetLedger, AccountID: aliceAcct})

	if res.Outcome != vimbiso.OutcomeRateLimited {
		t.Errorf("Outcome = %q, want rate_limited", res.Outcome)
	}
	if n := len(standIn.got()); n != 0 {
		t.Errorf("requests = %d, want 0", n)
	}
	if got := sleeps.got(); len(got) != 0 {
		t.Errorf("waits = %v, want none", got)
	}
}

func TestCredExBudgetWaitCancelled(t *testing.T) {
	budget := &scriptedBudget{waits: []time.Duration{5 * time.Second}}
	standIn, client, sleeps, _, _ := startBudgetedCredEx(t, budget, fixture(t, 200, "ledger_legacy"))
	sleeps.result = context.Canceled

	res, _ := client.Do(context.Background(), "t", vimbiso.Call{Op: vimbiso.CallGetLedger, AccountID: aliceAcct})

	if res.Outcome != vimbiso.OutcomeRateLimited {
		t.Errorf("Outcome = %q, want rate_limited", res.Outcome)
	}
	if n := len(standIn.got()); n != 0 {
		t.Errorf("requests = %d, want 0", n)
	}
}

func TestCredExBudgetFailureIgnored(t *testing.T) {
	budget := &scriptedBudget{err: errors.New("take credex token: unavailable: connection refused")}
	standIn, client, sleeps, _, logs := startBudgetedCredEx(t, budget, fixture(t, 200, "ledger_legacy"))
	call := vimbiso.Call{Op: vimbiso.CallGetLedger, AccountID: aliceAcct}

	for i := range 3 {
		if res, _ := client.Do(context.Background(), "t", call); res.Outcome != vimbiso.OutcomeOK {
			t.Errorf("call %d: Outcome = %q, want ok", i+1, res.Outcome)
		}
	}
	if n := len(standIn.got()); n != 3 {
		t.Errorf("requests = %d, want 3", n)
	}
	if got := sleeps.got(); len(got) != 0 {
		t.Errorf("waits = %v, want none", got)
	}
	// Three failures within a minute are logged once.
	if n := strings.Count(logs.String(), "credex call budget unavailable"); n != 1 {
		t.Errorf("budget failure logged %d times, want 1:\n%s", n, logs)
	}
}
