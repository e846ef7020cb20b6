package deploy

import (
	"slices"
	"strings"
	"testing"
)

// prometheusMadeNames are series that Prometheus itself writes for every
// scrape target, so the service never serves them.
var prometheusMadeNames = map[string]bool{"up": true}

// promqlKeywords are PromQL words that are not metric names and may stand
// without "(" right after them: operators, modifiers, literals and the
// aggregations, which accept "sum by (le) (...)".
var promqlKeywords = map[string]bool{
	"and": true, "or": true, "unless": true, "bool": true, "offset": true,
	"inf": true, "nan": true, "atan2": true,
	"sum": true, "min": true, "max": true, "avg": true, "group": true,
	"stddev": true, "stdvar": true, "count": true, "count_values": true,
	"bottomk": true, "topk": true, "quantile": true,
	"limitk": true, "limit_ratio": true,
}

// labelListKeywords are followed by a parenthesised list of label names.
var labelListKeywords = map[string]bool{
	"by": true, "without": true, "on": true, "ignoring": true,
	"group_left": true, "group_right": true,
}

// metricNames returns the metric names that a PromQL expression selects, in
// order of appearance. It is a scanner, not a parser: it skips strings,
// label matchers, range and subquery brackets, label lists and numbers, and
// takes every other word that is not followed by "(" as a metric name.
// Grafana variables such as $instance may appear inside matchers and
// brackets. promtool checks the syntax separately.
//
// NOTE: a metric selected only through {__name__="..."} is not found.
func metricNames(expr string) []string {
	var names []string
	for i := 0; i < len(expr); {
		c := expr[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			i = skipQuoted(expr, i)
		case c == '{':
			i = skipBracket(expr, i, '}')
		case c == '[':
			i = skipBracket(expr, i, ']')
		case c >= '0' && c <= '9' || c == '.':
			for i < len(expr) && (isWordByte(expr[i]) || expr[i] == '.') {
				i++
			}
		case isWordStart(c):
			end := i
			for end < len(expr) && isWordByte(expr[end]) {
				end++
			}
			word := expr[i:end]
			next := skipSpace(expr, end)
			calls := next < len(expr) && expr[next] == '('
			switch {
			case labelListKeywords[word] && calls:
				end = skipBracket(expr, next, ')')
			case labelListKeywords[word], promqlKeywords[strings.ToLower(word)], calls:
			default:
				if !slices.Contains(names, word) {
					names = append(names, word)
				}
			}
			i = end
		default:
			i++
		}
	}
	return names
}

// skipQuoted returns the index after the string that starts at expr[start].
func skipQuoted(expr string, start int) int {
	quote := expr[start]
	for i := start + 1; i < len(expr); i++ {
		switch {
		case expr[i] == '\\' && quote != '`':
			i++
		case expr[i] == quote:
			return i + 1
		}
	}
	return len(expr)
}

// skipBracket returns the index after the closing byte that matches the
// bracket at expr[start], skipping strings inside it.
func skipBracket(expr string, start int, closing byte) int {
	for i := start + 1; i < len(expr); {
		switch expr[i] {
		case '"', '\'', '`':
			i = skipQuoted(expr, i)
		case closing:
			return i + 1
		default:
			i++
		}
	}
	return len(expr)
}

func skipSpace(expr string, i int) int {
	for i < len(expr) && strings.ContainsRune(" \t\r\n", rune(expr[i])) {
		i++
	}
	return i
}

func isWordStart(c byte) bool {
	return c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isWordByte(c byte) bool { return isWordStart(c) || c >= '0' && c <= '9' }

func TestMetricNames(t *testing.T) {
	tests := []struct {
		expr string
		want []string
	}{
		// Selectors, matchers and ranges.
		{`up`, []string{"up"}},
		{`up{job="vimbiso", instance=~"$instance"} == 0`, []string{"up"}},
		{`rate(a_total{x="}{",y='"'}[$__rate_interval])`, []string{"a_total"}},
		{`rate(a_total[5m:1m] offset 1h)`, []string{"a_total"}},

		// Aggregations, label lists and binary operators.
		{`sum by (route, outcome) (rate(a_total[5m]))`, []string{"a_total"}},
		{`sum(rate(a_total[5m])) without (le) / on() group_left sum(b_total)`, []string{"a_total", "b_total"}},
		{`a / ignoring (outcome) group_left () b and c unless d or bool e`, []string{"a", "b", "c", "d", "e"}},
		{`histogram_quantile(0.95, sum by (endpoint, le) (rate(d_bucket[10m]))) > 4`, []string{"d_bucket"}},
		{`x > 1e3 and y < Inf`, []string{"x", "y"}},

		// Recording rule names and repeats.
		{`job:a:rate5m / job:a:rate5m`, []string{"job:a:rate5m"}},
	}
	for _, tt := range tests {
		if got := metricNames(tt.expr); !slices.Equal(got, tt.want) {
			t.Errorf("metricNames(%q) = %q, want %q", tt.expr, got, tt.want)
		}
	}
}
