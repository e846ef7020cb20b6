package fsm

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	vimbiso "github.com/vimbisopay/vimbiso"
)

// bannerMax is the longest result text that becomes the first line of the
// next screen. A longer one is sent as a message of its own.
const bannerMax = 300

// turn collects what one Step produces.
type turn struct {
	c   *Conversation
	now time.Time
	in  vimbiso.Input
	out Output
}

func (t *turn) send(replies ...vimbiso.Reply) {
	t.out.Replies = append(t.out.Replies, replies...)
}

func (t *turn) text(body string) { t.send(vimbiso.Text(body)) }

// interactive sends r, preceded by its body as a text when the body would
// not fit an interactive message.
func (t *turn) interactive(r vimbiso.Reply, full string) {
	if vimbiso.Length(full) > vimbiso.MaxInteractiveBody {
		t.text(full)
		r.Body = msgChooseAction
	}
	t.send(r)
}

// call requests a CredEx call from the caller. Its result comes back to the
// current state's result function.
//
// A mutation is recorded first as the snapshot's intent, with the
// outgoing offers it could add to, so that after a crash the conversation
// can tell whether CredEx carried it out before it would call again. The
// state's result function clears the intent.
func (t *turn) call(c vimbiso.Call) {
	if c.Op.Mutates() {
		c.IdempotencyKey = t.idempotencyKey(c.Op)
		t.c.snap.Intent = &vimbiso.Intent{Key: c.IdempotencyKey, Call: c, At: t.now, Before: t.pendingOutIDs(c)}
	}
	t.out.Call = &c
	t.c.awaiting = c.Op
}

// idempotencyKey is the same for every processing of the message that
// started the turn, also in the steps fed by CredEx's results, so that a
// repeat after a crash carries the key of the first attempt.
func (t *turn) idempotencyKey(op vimbiso.CallOp) string {
	sum := sha256.Sum256([]byte(t.c.phone + "\x00" + t.c.turnID + "\x00" + string(op)))
	return hex.EncodeToString(sum[:16])
}

// flow returns the data of the flow in progress.
func (t *turn) flow() *vimbiso.FlowData { return &t.c.snap.Flow }

// takeBanner returns the pending result line and clears it.
func (t *turn) takeBanner() string {
	b := t.c.snap.Flow.Banner
	t.c.snap.Flow.Banner = ""
	return b
}

// setBanner queues a result line for the next screen; a line too long to
// be a banner is sent at once as its own message.
func (t *turn) setBanner(s string) {
	if s == "" {
		return
	}
	if vimbiso.Length(s) > bannerMax {
		t.text(s)
		return
	}
	if b := t.c.snap.Flow.Banner; b != "" {
		s = b + "\n" + s
	}
	t.c.snap.Flow.Banner = s
}

// flushBanner sends a pending banner as a text, for screens that have no
// place for it.
func (t *turn) flushBanner() {
	if b := t.takeBanner(); b != "" {
		t.text(b)
	}
}

// dropFlow clears the flow in progress, keeping only a pending banner.
func (t *turn) dropFlow() {
	banner := t.c.snap.Flow.Banner
	t.c.snap.Flow = vimbiso.FlowData{Banner: banner}
}

// showDashboard moves to the dashboard with banner as its first line,
// fetching the dashboard first when it is missing or stale.
func (t *turn) showDashboard(banner string) Event {
	t.dropFlow()
	t.setBanner(banner)
	if t.c.dash == nil || t.c.dashStale {
		return t.login(afterMenu, "")
	}
	return EventDashboardShown
}

// login starts LOGIN. The after argument names what to do once the member
// is known.
func (t *turn) login(after, arg string) Event {
	f := t.flow()
	f.After, f.AfterArg = after, arg
	return EventLoginStarted
}

// repeat renders the current screen again.
func (t *turn) repeat() {
	t.c.enter(t.c.State())
}

// setDashboard stores a full dashboard from a CredEx result.
func (t *turn) setDashboard(d *vimbiso.Dashboard) {
	if d == nil {
		return
	}
	t.c.dash = d
	t.c.dashAt = t.now
	t.c.dashStale = false
	t.c.dashChanged = true
}

// activeAccount returns the account the member acts for.
func (t *turn) activeAccount() (vimbiso.Account, bool) {
	return t.c.dash.Account(t.c.snap.ActiveAccountID)
}

// tooOld reports whether the input is older than a session: a backlog after
// a crash must not confirm anything that moves money.
func (t *turn) tooOld() bool {
	return !t.in.SentAt.IsZero() && t.now.Sub(t.in.SentAt) > t.c.cfg.SessionTTL
}

// dashboardMaxAge is the maximum age of a dashboard that a list of offers
// or members is built from.
const dashboardMaxAge = 30 * time.Second

// refreshIfOld starts a LOGIN to refresh the dashboard when it is missing,
// stale or older than dashboardMaxAge, and reports whether it did. The
// state's result function then passes the result to refreshed.
func (t *turn) refreshIfOld() bool {
	c := t.c
	if c.dash != nil && !c.dashStale && t.now.Sub(c.dashAt) <= dashboardMaxAge {
		return false
	}
	t.call(vimbiso.Call{Op: vimbiso.CallLogin, Phone: c.phone})
	return true
}

// refreshed handles the LOGIN result that refreshIfOld requested. On
// success it renders the current state again, and on failure it shows the
// dashboard with the error.
func refreshed(t *turn, r *vimbiso.Result) Event {
	if r.OK() && r.Dashboard != nil {
		t.setDashboard(r.Dashboard)
		if _, ok := t.activeAccount(); ok {
			t.repeat()
			return ""
		}
	}
	msg := msgService
	if r.Outcome == vimbiso.OutcomeRateLimited {
		msg = msgRateLimited
	}
	if t.c.dash == nil {
		t.text(msg)
		return EventSessionEnded
	}
	t.c.dashStale = false
	return t.showDashboard(msg)
}
