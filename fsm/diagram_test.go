package fsm

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// diagramExtensions maps each diagram format to its golden file extension.
var diagramExtensions = map[string]string{DiagramMermaid: ".mmd", DiagramDOT: ".dot"}

// TestDiagramGolden keeps testdata/<flow>.mmd and .dot equal to the
// diagrams drawn from the current tables. Run with -update to rewrite them.
func TestDiagramGolden(t *testing.T) {
	for format, ext := range diagramExtensions {
		diagrams, err := Diagrams(format)
		if err != nil {
			t.Fatalf("Diagrams(%s): %v", format, err)
		}
		for _, name := range FlowNames() {
			path := filepath.Join("testdata", name+ext)
			got := diagrams[name]
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Errorf("%v (run go test ./fsm -run Diagram -update to create it)", err)
				continue
			}
			if got != string(want) {
				t.Errorf("diagram of flow %s differs from %s (run go test ./fsm -run Diagram -update and review the diff)\n--- got ---\n%s", name, path, got)
			}
		}
	}
}

// TestDiagramNoStaleGoldens finds golden diagrams of flows that no longer
// exist. With -update it deletes them.
func TestDiagramNoStaleGoldens(t *testing.T) {
	for _, ext := range diagramExtensions {
		paths, err := filepath.Glob(filepath.Join("testdata", "*"+ext))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range paths {
			name := strings.TrimSuffix(filepath.Base(path), ext)
			if slices.Contains(FlowNames(), name) {
				continue
			}
			if *update {
				if err := os.Remove(path); err != nil {
					t.Fatal(err)
				}
				continue
			}
			t.Errorf("%s is the diagram of no flow (run go test ./fsm -run Diagram -update to delete it)", path)
		}
	}
}

func TestFlowNamesMatchAllFlows(t *testing.T) {
	names := FlowNames()
	flows := allFlows()
	if len(names) != len(flows) {
		t.Fatalf("FlowNames() has %d names, allFlows() has %d flows", len(names), len(flows))
	}
	seen := map[string]bool{}
	for i, f := range flows {
		if names[i] != f.name {
			t.Errorf("FlowNames()[%d] = %q, want %q", i, names[i], f.name)
		}
		if seen[f.name] {
			t.Errorf("flow name %q is used twice", f.name)
		}
		seen[f.name] = true
	}
}

func TestDiagramsDeterministic(t *testing.T) {
	for format := range diagramExtensions {
		first, err := Diagrams(format)
		if err != nil {
			t.Fatal(err)
		}
		for range 5 {
			again, err := Diagrams(format)
			if err != nil {
				t.Fatal(err)
			}
			for name, d := range first {
				if again[name] != d {
					t.Fatalf("%s diagram of flow %s changed between two calls:\n%s\n---\n%s", format, name, d, again[name])
				}
			}
		}
	}
}

// TestDiagramDrawsEveryTransition checks each flow's Mermaid diagram
// against its table: one edge per source state, and a single edge from
// "any state" for a transition with an empty From.
func TestDiagramDrawsEveryTransition(t *testing.T) {
	diagrams, err := Diagrams(DiagramMermaid)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range allFlows() {
		lines := strings.Split(diagrams[f.name], "\n")
		for _, tr := range f.transitions {
			suffix := fmt.Sprintf(" --> %s : %s", tr.To, tr.Event)
			edges := slices.DeleteFunc(slices.Clone(lines), func(l string) bool { return !strings.HasSuffix(l, suffix) })
			if len(tr.From) == 0 {
				want := "    " + mermaidAnyID + suffix
				if len(edges) != 1 || edges[0] != want {
					t.Errorf("flow %s: event %s from any state drawn as %q, want once as %q", f.name, tr.Event, edges, want)
				}
				continue
			}
			for _, from := range tr.From {
				want := "    " + string(from) + suffix
				if !slices.Contains(edges, want) {
					t.Errorf("flow %s: edge %q missing from\n%s", f.name, want, diagrams[f.name])
				}
			}
		}
	}
}

// TestDiagramShowsEntriesFromOtherFlows checks that a flow's diagram shows
// how the other flows enter it.
func TestDiagramShowsEntriesFromOtherFlows(t *testing.T) {
	diagrams, err := Diagrams(DiagramMermaid)
	if err != nil {
		t.Fatal(err)
	}
	flows := allFlows()
	owner := map[State]string{}
	for _, f := range flows {
		for s := range f.screens {
			owner[s] = f.name
		}
	}
	for _, g := range flows {
		for _, tr := range g.transitions {
			target := owner[tr.To]
			if target == g.name {
				continue
			}
			for _, from := range tr.From {
				want := fmt.Sprintf("    %s --> %s : %s\n", from, tr.To, tr.Event)
				if !strings.Contains(diagrams[target], want) {
					t.Errorf("flow %s: entry %q from flow %s missing from\n%s", target, want, g.name, diagrams[target])
				}
			}
		}
	}
}

func TestDiagramUnknownFormat(t *testing.T) {
	_, err := Diagrams("svg")
	if err == nil || !strings.Contains(err.Error(), `"svg"`) {
		t.Errorf("Diagrams(svg) error = %v, want one naming the format", err)
	}
}

func TestDiagramUnknownFlow(t *testing.T) {
	_, err := Diagram("no_such_flow", DiagramMermaid)
	if err == nil || !strings.Contains(err.Error(), `"no_such_flow"`) {
		t.Errorf("Diagram(no_such_flow) error = %v, want one naming the flow", err)
	}
}

// diagramTestChart is a small chart with every kind of edge: the start
// edge, a transition from any state, one with two source states, and
// edges into and out of another flow.
func diagramTestChart(t *testing.T) *chart {
	t.Helper()
	enter := screen{enter: func(*turn) {}}
	c, err := newChart(
		flow{
			name: "gate",
			transitions: []Transition{
				{"gate_opened", nil, StateNoSession},
				{"pass_shown", []State{StateNoSession}, "hall"},
			},
			screens: map[State]screen{StateNoSession: enter},
		},
		flow{
			name: "hall",
			transitions: []Transition{
				{"room_entered", []State{"hall"}, "room"},
				{"hall_left", []State{"hall", "room"}, StateNoSession},
				{"room_entered", []State{"room"}, "room"},
			},
			screens: map[State]screen{"hall": enter, "room": enter},
		},
	)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDiagramMermaidLayout(t *testing.T) {
	c := diagramTestChart(t)
	d, err := newFlowDiagram(c, c.flows[1])
	if err != nil {
		t.Fatal(err)
	}
	want := `stateDiagram-v2
    %% The hall flow, drawn from the transition tables of package fsm.
    %% Transitions from any state are drawn only in the flow that defines them, but leave every state.
    hall
    room
    state "no_session (gate flow)" as no_session

    hall --> no_session : hall_left
    hall --> room : room_entered
    no_session --> hall : pass_shown
    room --> no_session : hall_left
    room --> room : room_entered

    classDef otherFlow stroke-dasharray:5 5
    class no_session otherFlow
`
	if got := renderMermaid(d); got != want {
		t.Errorf("renderMermaid(hall) =\n%s\nwant\n%s", got, want)
	}
}

func TestDiagramDOTLayout(t *testing.T) {
	c := diagramTestChart(t)
	d, err := newFlowDiagram(c, c.flows[0])
	if err != nil {
		t.Fatal(err)
	}
	want := `// The gate flow, drawn from the transition tables of package fsm.
digraph "gate" {
	// Transitions from any state are drawn only in the flow that defines them, but leave every state.
	node [shape=box, style=rounded];
	"[*]" [shape=point, width=0.15, label=""];
	"any state" [shape=plaintext];
	"no_session";
	"hall" [style="rounded,dashed", label="hall\n(hall flow)"];
	"room" [style="rounded,dashed", label="room\n(hall flow)"];

	"[*]" -> "no_session";
	"any state" -> "no_session" [label="gate_opened"];
	"hall" -> "no_session" [label="hall_left"];
	"no_session" -> "hall" [label="pass_shown"];
	"room" -> "no_session" [label="hall_left"];
}
`
	if got := renderDOT(d); got != want {
		t.Errorf("renderDOT(gate) =\n%s\nwant\n%s", got, want)
	}
}

func TestDiagramMermaidAnyStateOnce(t *testing.T) {
	c := diagramTestChart(t)
	d, err := newFlowDiagram(c, c.flows[0])
	if err != nil {
		t.Fatal(err)
	}
	got := renderMermaid(d)
	for _, want := range []string{
		"    state \"any state\" as any_state\n",
		"    [*] --> no_session\n",
		"    any_state --> no_session : gate_opened\n",
		"    class any_state anyState\n",
		"    class hall, room otherFlow\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("diagram of gate lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, ": gate_opened"); n != 1 {
		t.Errorf("gate_opened drawn %d times, want once:\n%s", n, got)
	}
}

func TestDiagramEmptyFlow(t *testing.T) {
	d, err := newFlowDiagram(&chart{}, flow{name: "later"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := renderMermaid(d), "stateDiagram-v2\n    %% The later flow, drawn from the transition tables of package fsm.\n    %% It has no states yet.\n"; got != want {
		t.Errorf("renderMermaid(empty) = %q, want %q", got, want)
	}
	if got := renderDOT(d); !strings.HasSuffix(got, "digraph \"later\" {\n\t// It has no states yet.\n}\n") {
		t.Errorf("renderDOT(empty) = %q, want an empty digraph", got)
	}
}

func TestDiagramRejectsUndrawableNames(t *testing.T) {
	enter := screen{enter: func(*turn) {}}
	cases := []struct {
		name string
		flow flow
		want string
	}{
		{"flow name", flow{name: "Bad Flow", screens: map[State]screen{"a": enter}}, `invalid flow name "Bad Flow"`},
		{"state with space", flow{name: "f", screens: map[State]screen{"two words": enter}}, `invalid state name "two words"`},
		{"state named like any state", flow{name: "f", screens: map[State]screen{mermaidAnyID: enter}}, `collides`},
		{"event with dash", flow{name: "f", screens: map[State]screen{"a": enter}, transitions: []Transition{{"went-out", nil, "a"}}}, `invalid event name "went-out"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := newChart(tc.flow)
			if err != nil {
				t.Fatal(err)
			}
			_, err = newFlowDiagram(c, tc.flow)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("newFlowDiagram error = %v, want one containing %s", err, tc.want)
			}
		})
	}
}

func TestDiagramGlobalTransitions(t *testing.T) {
	var want []GlobalTransition
	for _, f := range allFlows() {
		for _, tr := range f.transitions {
			if len(tr.From) == 0 {
				want = append(want, GlobalTransition{f.name, tr.Event, tr.To})
			}
		}
	}
	got := GlobalTransitions()
	if !slices.Equal(got, want) {
		t.Errorf("GlobalTransitions() = %v, want %v", got, want)
	}
	for _, g := range got {
		if g.Event == EventSessionEnded && g.To == StateNoSession && g.Flow == "login" {
			return
		}
	}
	t.Errorf("GlobalTransitions() = %v, want session_ended to no_session from the login flow among them", got)
}
