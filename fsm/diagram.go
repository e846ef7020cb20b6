package fsm

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Diagram formats accepted by Diagram and Diagrams.
const (
	DiagramMermaid = "mermaid" // a Mermaid stateDiagram-v2
	DiagramDOT     = "dot"     // a Graphviz digraph
)

// Pseudo-states of a diagram. Neither can be the name of a real state:
// names must match diagramName, which allows no space or bracket.
const (
	diagramStart = "[*]"       // the start of a new conversation, or of one whose state is unknown
	diagramAny   = "any state" // the source of a transition with an empty From
)

// mermaidAnyID is the Mermaid id of diagramAny, which has a space.
const mermaidAnyID = "any_state"

// globalNote is a comment in every diagram that has states, because a
// reader could take a state without arrows out of it for a dead end.
const globalNote = "Transitions from any state are drawn only in the flow that defines them, but leave every state."

// diagramName is the pattern of names that both renderers can write without
// quoting or escaping. State, event and flow names are checked against it.
var diagramName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// FlowNames returns the name of every flow of the conversation, in the
// fixed order in which the package lists its flows.
func FlowNames() []string {
	flows := allFlows()
	names := make([]string, len(flows))
	for i, f := range flows {
		names[i] = f.name
	}
	return names
}

// GlobalTransition is a transition that leaves every state of the
// conversation, with the name of the flow whose table defines it.
type GlobalTransition struct {
	Flow  string
	Event Event
	To    State
}

// GlobalTransitions returns every transition with an empty From, in the
// order of FlowNames and then of each flow's table. A flow's diagram draws
// only its own, so these also apply to the states of every other diagram.
func GlobalTransitions() []GlobalTransition {
	var global []GlobalTransition
	for _, f := range allFlows() {
		for _, tr := range f.transitions {
			if len(tr.From) == 0 {
				global = append(global, GlobalTransition{Flow: f.name, Event: tr.Event, To: tr.To})
			}
		}
	}
	return global
}

// Diagram draws one flow's state machine in format (DiagramMermaid or
// DiagramDOT) from the transition tables the conversation runs. The output
// is deterministic, so it can be kept as a golden file.
func Diagram(flowName, format string) (string, error) {
	diagrams, err := Diagrams(format)
	if err != nil {
		return "", err
	}
	d, ok := diagrams[flowName]
	if !ok {
		return "", fmt.Errorf("unknown flow %q (known flows: %s)", flowName, strings.Join(FlowNames(), ", "))
	}
	return d, nil
}

// Diagrams draws every flow in format, keyed by flow name (see Diagram).
// It fails when format is unknown, when the tables are inconsistent (the
// same check as building a Conversation), or when a name cannot be drawn.
func Diagrams(format string) (map[string]string, error) {
	render, ok := map[string]func(flowDiagram) string{
		DiagramMermaid: renderMermaid,
		DiagramDOT:     renderDOT,
	}[format]
	if !ok {
		return nil, fmt.Errorf("unknown diagram format %q (want %s or %s)", format, DiagramMermaid, DiagramDOT)
	}
	c, err := conversationChart()
	if err != nil {
		return nil, err
	}
	diagrams := make(map[string]string, len(c.flows))
	for _, f := range c.flows {
		if _, dup := diagrams[f.name]; dup {
			return nil, fmt.Errorf("flow name %q is used twice", f.name)
		}
		d, err := newFlowDiagram(c, f)
		if err != nil {
			return nil, err
		}
		diagrams[f.name] = render(d)
	}
	return diagrams, nil
}

// flowDiagram is the content of one flow's diagram, sorted and ready to render.
type flowDiagram struct {
	name string
	// states are the flow's own states, sorted.
	states []string
	// others are the states of other flows that the edges touch, sorted,
	// with the name of the flow each belongs to.
	others []otherState
	// edges are the flow's transitions, one per source state, and the
	// transitions of other flows that enter this flow's states.
	edges []diagramEdge
}

type otherState struct{ state, flow string }

// diagramEdge is one arrow. from may be diagramStart or diagramAny.
type diagramEdge struct{ from, event, to string }

// usesAny reports whether an edge starts at the "any state" pseudo-state.
func (d flowDiagram) usesAny() bool {
	return slices.ContainsFunc(d.edges, func(e diagramEdge) bool { return e.from == diagramAny })
}

// newFlowDiagram collects flow f's states and edges from the merged chart.
// A transition with an empty From becomes a single edge from diagramAny,
// because expanding it would draw one arrow from every state of every flow.
func newFlowDiagram(c *chart, f flow) (flowDiagram, error) {
	owner := map[string]string{}
	for _, g := range c.flows {
		for s := range g.screens {
			owner[string(s)] = g.name
		}
	}

	d := flowDiagram{name: f.name}
	for s := range f.screens {
		d.states = append(d.states, string(s))
	}
	slices.Sort(d.states)

	if owner[string(StateNoSession)] == f.name {
		d.edges = append(d.edges, diagramEdge{diagramStart, "", string(StateNoSession)})
	}
	for _, g := range c.flows {
		for _, tr := range g.transitions {
			// Another flow's transition belongs here only when it enters
			// one of this flow's states.
			if g.name != f.name && owner[string(tr.To)] != f.name {
				continue
			}
			d.edges = append(d.edges, transitionEdges(tr)...)
		}
	}
	slices.SortFunc(d.edges, compareEdges)
	d.edges = slices.Compact(d.edges)

	others := map[string]bool{}
	for _, e := range d.edges {
		for _, s := range []string{e.from, e.to} {
			if s != diagramStart && s != diagramAny && owner[s] != f.name {
				others[s] = true
			}
		}
	}
	for s := range others {
		d.others = append(d.others, otherState{s, owner[s]})
	}
	slices.SortFunc(d.others, func(a, b otherState) int { return cmp.Compare(a.state, b.state) })

	return d, d.check()
}

// transitionEdges returns one edge per source state of tr, or a single
// edge from diagramAny when tr leaves every state.
func transitionEdges(tr Transition) []diagramEdge {
	if len(tr.From) == 0 {
		return []diagramEdge{{diagramAny, string(tr.Event), string(tr.To)}}
	}
	edges := make([]diagramEdge, len(tr.From))
	for i, from := range tr.From {
		edges[i] = diagramEdge{string(from), string(tr.Event), string(tr.To)}
	}
	return edges
}

// compareEdges orders the start edge first, then the edges from any state,
// then the rest by source state, event and target state.
func compareEdges(a, b diagramEdge) int {
	rank := func(from string) int {
		switch from {
		case diagramStart:
			return 0
		case diagramAny:
			return 1
		}
		return 2
	}
	return cmp.Or(
		cmp.Compare(rank(a.from), rank(b.from)),
		cmp.Compare(a.from, b.from),
		cmp.Compare(a.event, b.event),
		cmp.Compare(a.to, b.to),
	)
}

// check rejects names that the renderers would have to quote or escape,
// and a state whose name collides with the Mermaid id of "any state".
func (d flowDiagram) check() error {
	if !diagramName.MatchString(d.name) {
		return fmt.Errorf("invalid flow name %q for a diagram: it must match %s", d.name, diagramName)
	}
	names := slices.Clone(d.states)
	for _, o := range d.others {
		names = append(names, o.state)
	}
	for _, s := range names {
		if !diagramName.MatchString(s) {
			return fmt.Errorf("flow %s: invalid state name %q for a diagram: it must match %s", d.name, s, diagramName)
		}
		if s == mermaidAnyID {
			return fmt.Errorf("flow %s: state %q collides with the Mermaid id of %q: rename the state", d.name, s, diagramAny)
		}
	}
	for _, e := range d.edges {
		if e.from != diagramStart && !diagramName.MatchString(e.event) {
			return fmt.Errorf("flow %s: invalid event name %q for a diagram: it must match %s", d.name, e.event, diagramName)
		}
	}
	return nil
}

// renderMermaid writes d as a Mermaid stateDiagram-v2. States of other
// flows are dashed and labelled with their flow's name.
func renderMermaid(d flowDiagram) string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	fmt.Fprintf(&b, "    %%%% The %s flow, drawn from the transition tables of package fsm.\n", d.name)
	if len(d.edges) == 0 && len(d.states) == 0 {
		b.WriteString("    %% It has no states yet.\n")
		return b.String()
	}
	b.WriteString("    %% " + globalNote + "\n")

	if d.usesAny() {
		fmt.Fprintf(&b, "    state %q as %s\n", diagramAny, mermaidAnyID)
	}
	for _, s := range d.states {
		fmt.Fprintf(&b, "    %s\n", s)
	}
	for _, o := range d.others {
		fmt.Fprintf(&b, "    state \"%s (%s flow)\" as %s\n", o.state, o.flow, o.state)
	}

	if len(d.edges) > 0 {
		b.WriteString("\n")
	}
	for _, e := range d.edges {
		from := e.from
		if from == diagramAny {
			from = mermaidAnyID
		}
		if e.event == "" {
			fmt.Fprintf(&b, "    %s --> %s\n", from, e.to)
			continue
		}
		fmt.Fprintf(&b, "    %s --> %s : %s\n", from, e.to, e.event)
	}

	if d.usesAny() || len(d.others) > 0 {
		b.WriteString("\n")
	}
	if d.usesAny() {
		b.WriteString("    classDef anyState fill:#f4f4f4,stroke-dasharray:2 2,font-style:italic\n")
		fmt.Fprintf(&b, "    class %s anyState\n", mermaidAnyID)
	}
	if len(d.others) > 0 {
		ids := make([]string, len(d.others))
		for i, o := range d.others {
			ids[i] = o.state
		}
		b.WriteString("    classDef otherFlow stroke-dasharray:5 5\n")
		fmt.Fprintf(&b, "    class %s otherFlow\n", strings.Join(ids, ", "))
	}
	return b.String()
}

// renderDOT writes d as a Graphviz digraph. Every id is quoted, so the
// pseudo-states keep their own names.
func renderDOT(d flowDiagram) string {
	var b strings.Builder
	fmt.Fprintf(&b, "// The %s flow, drawn from the transition tables of package fsm.\n", d.name)
	fmt.Fprintf(&b, "digraph %q {\n", d.name)
	if len(d.edges) == 0 && len(d.states) == 0 {
		b.WriteString("\t// It has no states yet.\n}\n")
		return b.String()
	}
	b.WriteString("\t// " + globalNote + "\n")

	b.WriteString("\tnode [shape=box, style=rounded];\n")
	if slices.ContainsFunc(d.edges, func(e diagramEdge) bool { return e.from == diagramStart }) {
		fmt.Fprintf(&b, "\t%q [shape=point, width=0.15, label=\"\"];\n", diagramStart)
	}
	if d.usesAny() {
		fmt.Fprintf(&b, "\t%q [shape=plaintext];\n", diagramAny)
	}
	for _, s := range d.states {
		fmt.Fprintf(&b, "\t%q;\n", s)
	}
	for _, o := range d.others {
		fmt.Fprintf(&b, "\t%q [style=\"rounded,dashed\", label=\"%s\\n(%s flow)\"];\n", o.state, o.state, o.flow)
	}

	b.WriteString("\n")
	for _, e := range d.edges {
		if e.event == "" {
			fmt.Fprintf(&b, "\t%q -> %q;\n", e.from, e.to)
			continue
		}
		fmt.Fprintf(&b, "\t%q -> %q [label=%q];\n", e.from, e.to, e.event)
	}
	b.WriteString("}\n")
	return b.String()
}

// FlowOf returns the name of the flow that defines state s, or "unknown"
// for a state no flow defines. Metrics label transitions with it.
func FlowOf(s State) string {
	ch, err := conversationChart()
	if err != nil {
		return "unknown"
	}
	for _, f := range ch.flows {
		if _, ok := f.screens[s]; ok {
			return f.name
		}
	}
	return "unknown"
}
