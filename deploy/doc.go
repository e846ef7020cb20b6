// Package deploy holds the operator's files for vimbiso, which are not Go:
// the Docker Compose stack (compose.yaml with env.example), the Prometheus
// scrape configuration and alert rules (prometheus/), and a Grafana
// dashboard (grafana/vimbiso.json). README.md in this folder explains them.
//
// The package has no code of its own. Its tests keep those files valid:
// they run promtool on the rules and the configuration, check the
// dashboard's and rules' queries against the metrics that the real front
// end and conversation actors serve, parse compose.yaml, and run
// env.example against `vimbiso serve` and `vimbiso mock` on loopback ports.
package deploy
