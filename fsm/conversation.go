package fsm

import (
	"context"
	"errors"
	"sync"
	"time"

	lfsm "github.com/looplab/fsm"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// Config holds the settings the conversation needs.
type Config struct {
	SessionTTL         time.Duration  // a session ends this long after the last input
	Location           *time.Location // for greetings and due dates
	SupportContact     string         // named by help and E_PHONE_REJECTED
	TermsURL           string         // optional, named at registration
	RegistrationFlowID string         // optional WhatsApp Flow for the names
	TemplateName       string         // notification template outside the 24-hour window
	TemplateLanguage   string
}

func (cfg Config) withDefaults() Config {
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 300 * time.Second
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.SupportContact == "" {
		cfg.SupportContact = "the credex support team"
	}
	if cfg.TemplateName == "" {
		cfg.TemplateName = "incoming_notification"
	}
	if cfg.TemplateLanguage == "" {
		cfg.TemplateLanguage = "en_US"
	}
	return cfg
}

// Output is the work one Step leaves to the caller, in order: send Replies,
// then make Call (if any) and feed its Result back with another Step.
type Output struct {
	Replies []vimbiso.Reply
	Call    *vimbiso.Call
	// DropToken requests that the caller discard the member's CredEx token.
	DropToken bool
	// Alerts, when set, is the user's new choice for notifications.
	Alerts *bool
	// Template, when set, is sent once in place of a free-form
	// notification that Meta refuses because the 24-hour window closed
	// (error 131047).
	Template *vimbiso.Reply
}

func ptr[T any](v T) *T { return &v }

// Conversation is one user's conversation. It is not safe for concurrent
// use: its owner (the user's actor) feeds it one input at a time.
type Conversation struct {
	cfg   Config
	chart *chart
	state State // the current state; a pooled looplab/fsm machine moves it
	phone string

	snap vimbiso.Snapshot

	dash        *vimbiso.Dashboard
	dashAt      time.Time
	dashStale   bool
	dashChanged bool

	awaiting vimbiso.CallOp // the call whose Result the current state waits for
	turnID   string         // message id of the input that started the turn
	// reconciling holds the input that waits while an open intent is
	// checked against a fresh dashboard.
	reconciling *vimbiso.Input
	turn        *turn // set during Step, for the looplab enter callback
}

var (
	defaultChartOnce sync.Once
	defaultChart     *chart
	defaultChartErr  error
)

func conversationChart() (*chart, error) {
	defaultChartOnce.Do(func() {
		defaultChart, defaultChartErr = newChart(allFlows()...)
	})
	return defaultChart, defaultChartErr
}

// New resumes the conversation of the member with the given phone number
// from a snapshot and the cached dashboard (nil when there is none).
func New(cfg Config, phone string, snap vimbiso.Snapshot, dash *vimbiso.Dashboard, dashAt time.Time) (*Conversation, error) {
	ch, err := conversationChart()
	if err != nil {
		return nil, err
	}
	c := &Conversation{cfg: cfg.withDefaults(), chart: ch, phone: phone, snap: snap, dash: dash, dashAt: dashAt}
	c.snap.Schema = vimbiso.SnapshotSchema
	state := State(snap.State)
	if _, known := ch.screens[state]; !known {
		// An unknown or empty state starts over; LOGIN restores the rest.
		state = StateNoSession
	}
	c.state = state
	c.snap.State = string(state)
	return c, nil
}

// machine is a looplab/fsm machine built from the chart, lent to one
// conversation for the length of one event. Building one costs about as
// much as a whole turn and holds tens of kilobytes, so conversations share
// a pool of them instead of keeping one each.
type machine struct {
	fsm   *lfsm.FSM
	owner *Conversation // the conversation whose event runs; set only while lent
}

var machines = sync.Pool{New: func() any {
	ch, err := conversationChart()
	if err != nil {
		return nil
	}
	m := &machine{}
	events := make([]lfsm.EventDesc, 0, len(ch.transitions))
	for _, tr := range ch.transitions {
		events = append(events, lfsm.EventDesc{Name: string(tr.Event), Src: ch.sources(tr), Dst: string(tr.To)})
	}
	m.fsm = lfsm.NewFSM(string(StateNoSession), events, lfsm.Callbacks{
		"enter_state": func(_ context.Context, e *lfsm.Event) { m.owner.enter(State(e.Dst)) },
	})
	return m
}}

// State returns the current state.
func (c *Conversation) State() State { return c.state }

// Snapshot returns the state to save after a turn.
func (c *Conversation) Snapshot() vimbiso.Snapshot {
	c.snap.State = string(c.state)
	return c.snap
}

// SetVersion records the version persistence assigned to the last save.
func (c *Conversation) SetVersion(v int64) { c.snap.Version = v }

// Dashboard returns the member's dashboard, when it was fetched, and
// whether it changed since the last call.
func (c *Conversation) Dashboard() (*vimbiso.Dashboard, time.Time, bool) {
	changed := c.dashChanged
	c.dashChanged = false
	return c.dash, c.dashAt, changed
}

// MarkDashboardStale makes the next screen that needs the dashboard fetch
// it again first.
func (c *Conversation) MarkDashboardStale() { c.dashStale = true }

// Sent records a reply that the Graph API accepted with the given message
// id. A tap counts only on the last interactive message, so that an older
// screen's button never acts on a newer one.
//
// A message whose ids all work from any state (a notification's accept and
// decline buttons, the dashboard menu) is not recorded, so that it never
// makes the buttons of the screen the member is on stale.
func (c *Conversation) Sent(r vimbiso.Reply, messageID string) {
	if !r.Interactive() || onlyGlobalChoices(r.ChoiceIDs()) {
		return
	}
	c.snap.LastInteractiveID = messageID
	c.snap.LastChoices = r.ChoiceIDs()
}

// Step handles one input at the given time.
func (c *Conversation) Step(in vimbiso.Input, now time.Time) Output {
	if in.Kind != vimbiso.InputResult {
		c.turnID = in.MessageID
		if in.Kind == vimbiso.InputEvent && in.Event != nil {
			c.turnID = "event:" + in.Event.ID
		}
	}
	t := &turn{c: c, now: now, in: in}
	c.turn = t
	defer func() { c.turn = nil }()

	switch in.Kind {
	case vimbiso.InputResult:
		c.handleResult(t, in.Result)
	case vimbiso.InputIgnored:
		// Reactions, system notices and group messages change nothing.
	case vimbiso.InputEvent:
		c.handleEvent(t, in.Event)
	default:
		c.handleInput(t, in)
	}
	c.snap.State = string(c.state)
	return t.out
}

func (c *Conversation) handleResult(t *turn, r *vimbiso.Result) {
	if r == nil || r.Op != c.awaiting {
		return // an answer nobody waits for any more
	}
	c.awaiting = ""
	if c.reconciling != nil {
		c.finishReconcile(t, r)
		return
	}
	if r.Outcome == vimbiso.OutcomeUnauthorized {
		// CredEx refused the token twice, with a fresh login in between.
		// Authentication runs before CredEx's handlers, so nothing was done.
		t.text(msgAuth)
		c.snap.Intent = nil
		t.out.DropToken = true
		c.endSession()
		return
	}
	sc := c.chart.screens[c.State()]
	if sc.result == nil {
		return
	}
	c.fire(t, sc.result(t, r))
}

// fire moves the machine on ev and runs the enter function of the state
// reached, also when ev leads back to the current state.
func (c *Conversation) fire(t *turn, ev Event) {
	if ev == "" {
		return
	}
	m := machines.Get().(*machine)
	m.owner = c
	m.fsm.SetState(string(c.state))
	err := m.fsm.Event(context.Background(), string(ev))
	c.state = State(m.fsm.Current())
	m.owner = nil
	machines.Put(m)
	var same lfsm.NoTransitionError
	switch {
	case err == nil:
	case errors.As(err, &same):
		c.enter(c.State())
	default:
		// A missing transition is a bug in the tables; tests catch it.
		// The user sees an apology instead of silence.
		t.text(msgService)
	}
}

func (c *Conversation) enter(s State) {
	if c.turn == nil {
		return
	}
	c.state = s
	c.snap.State = string(s)
	// The new screen sets its own choices when it is interactive; until
	// then no earlier button counts.
	c.snap.LastChoices = nil
	c.chart.screens[s].enter(c.turn)
}
