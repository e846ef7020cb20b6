package fsm

import (
	"fmt"
	"slices"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// State is the user's place in the conversation. Its value is stored in
// snapshots, so renaming one needs a snapshot schema bump and a migration.
type State string

// Event is the occurrence that moves the conversation from one state to another.
type Event string

// Transition moves the conversation from any of From to To on Event. An
// empty From means every state.
type Transition struct {
	Event Event
	From  []State
	To    State
}

// screen describes one state: what the bot does on entering it and how the
// state reads the user's inputs and the results of its CredEx calls.
type screen struct {
	// enter renders the state's screen or starts its CredEx call. It runs
	// on every entry, also when a state is entered again from itself.
	enter func(t *turn)
	// input handles a user input that passed the global checks. It returns
	// the event to fire, or "" to stay without rendering again.
	input func(t *turn, in vimbiso.Input) Event
	// result handles the result of the call the state made.
	result func(t *turn, r *vimbiso.Result) Event
	// buttons reports whether the state waits for a tap, so that E_UNKNOWN
	// asks for a tap instead of naming the menu.
	buttons bool
	// prompt reports whether the state waits for typed text, so that its
	// question is asked again after a photo or a sticker.
	prompt bool
}

// flow is one conversation flow: its transitions and its screens.
type flow struct {
	name        string
	transitions []Transition
	screens     map[State]screen
}

// chart is every flow merged: the transition table handed to looplab/fsm
// and the screens by state.
type chart struct {
	flows       []flow
	transitions []Transition
	screens     map[State]screen
	states      []State
}

// newChart merges flows and checks that the tables agree, because
// looplab/fsm silently ignores a callback or transition that names a state
// it does not know.
func newChart(flows ...flow) (*chart, error) {
	c := &chart{flows: flows, screens: map[State]screen{}}
	for _, f := range flows {
		for s, sc := range f.screens {
			if _, dup := c.screens[s]; dup {
				return nil, fmt.Errorf("flow %s: state %q defined twice", f.name, s)
			}
			c.screens[s] = sc
			c.states = append(c.states, s)
		}
	}
	slices.Sort(c.states)
	seen := map[[2]string]State{}
	for _, f := range flows {
		for _, tr := range f.transitions {
			if _, ok := c.screens[tr.To]; !ok {
				return nil, fmt.Errorf("flow %s: event %q goes to unknown state %q", f.name, tr.Event, tr.To)
			}
			for _, from := range tr.From {
				if _, ok := c.screens[from]; !ok {
					return nil, fmt.Errorf("flow %s: event %q leaves unknown state %q", f.name, tr.Event, from)
				}
			}
			c.transitions = append(c.transitions, tr)
		}
	}
	for _, tr := range c.transitions {
		for _, from := range c.sources(tr) {
			key := [2]string{string(tr.Event), from}
			if to, dup := seen[key]; dup && to != tr.To {
				return nil, fmt.Errorf("event %q from %q goes to both %q and %q", tr.Event, from, to, tr.To)
			}
			seen[key] = tr.To
		}
	}
	for _, s := range c.states {
		if c.screens[s].enter == nil {
			return nil, fmt.Errorf("state %q has no enter function", s)
		}
	}
	return c, nil
}

// sources expands an empty From to every state.
func (c *chart) sources(tr Transition) []string {
	from := tr.From
	if len(from) == 0 {
		from = c.states
	}
	out := make([]string, len(from))
	for i, s := range from {
		out[i] = string(s)
	}
	return out
}
