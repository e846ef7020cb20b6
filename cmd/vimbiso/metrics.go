package main

import (
	"runtime"
	"runtime/debug"

	"github.com/prometheus/client_golang/prometheus"
)

// intakeMetrics are the series of the webhook's storage step.
type intakeMetrics struct {
	dedupeHits prometheus.Counter
}

func newIntakeMetrics(reg prometheus.Registerer) *intakeMetrics {
	m := &intakeMetrics{
		dedupeHits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "vimbiso_dedupe_hits_total",
			Help: "Messages and events dropped at intake because their id was stored before (redeliveries and duplicates).",
		}),
	}
	reg.MustRegister(m.dedupeHits)
	return m
}

// registerBuildInfo exports vimbiso_build_info, 1, labelled with the
// version control revision the binary was built from and the Go version.
func registerBuildInfo(reg prometheus.Registerer) {
	revision := "unknown"
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				revision = s.Value[:12]
			}
		}
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "vimbiso_build_info",
		Help:        "Always 1; its labels name the build.",
		ConstLabels: prometheus.Labels{"revision": revision, "goversion": runtime.Version()},
	})
	g.Set(1)
	reg.MustRegister(g)
}
