package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vimbisopay/vimbiso/devstack/mockwhatsapp"
)

// The load of TestFaultsLoseNothingRepeatNothing: about 2,300 messages
// from 60 users, plus the concurrent copies of every 5th menu step.
const (
	faultNewMembers   = 45 // unregistered users who register, then use the menu
	faultMenuSteps    = 34 // menu steps of each new member after registering
	faultVisitorPairs = 6  // pairs of unregistered users whose messages share one body
	faultPairBatches  = 35 // bodies per pair
	faultBobSteps     = 50 // menu steps of Bob
	faultOfferSteps   = 3  // menu steps of Alice and Carol before each offer
	faultTailSteps    = 12 // menu steps of Alice and Carol after their offers
	faultRepeatEvery  = 5  // every 5th menu step is delivered three times at once
	visitorWindow     = 3  // bodies a visitor pair sends ahead of the replies
)

const (
	carolPhone = "263770000004"

	// replyDeadline bounds the wait for the reply to one accepted message;
	// it covers a restart of the bot or of Redis.
	replyDeadline = 90 * time.Second
	// outageDeadline bounds how long a driver waits for a stopped service.
	outageDeadline = 60 * time.Second
	// maxDeliveryAttempts bounds the deliveries of one body.
	maxDeliveryAttempts = 30
	// drainDeadline bounds the wait for every inbox to empty at the end.
	drainDeadline = 60 * time.Second
)

// moneyEndpoints are the CredEx mutations that move money or rights; the
// bot records an intent before each, so none may ever be repeated.
var moneyEndpoints = []string{
	"createCredex", "acceptCredex", "acceptCredexBulk", "declineCredex", "cancelCredex",
	"authorizeForAccount", "unauthorizeForAccount", "updateSendOffersTo", "createRecurring",
}

// serviceGate reports to the drivers whether the service is meant to be up.
// The test marks it down before it stops the bot or Redis, and up once
// they are back. Drivers keep sending during an outage; a body that got no
// 200 waits for the gate before it is sent again, as Meta redelivers what
// was not answered 200.
type serviceGate struct {
	mu       sync.Mutex
	up       chan struct{} // closed while the service is up
	failures atomic.Int64  // bodies that got no 200
}

func newServiceGate() *serviceGate {
	up := make(chan struct{})
	close(up)
	return &serviceGate{up: up}
}

func (g *serviceGate) down() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.up = make(chan struct{})
}

func (g *serviceGate) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	close(g.up)
}

// isUp reports whether the service is meant to be up now.
func (g *serviceGate) isUp() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-g.up:
		return true
	default:
		return false
	}
}

// wait waits until the service is meant to be up.
func (g *serviceGate) wait(ctx context.Context) bool {
	g.mu.Lock()
	up := g.up
	g.mu.Unlock()
	timer := time.NewTimer(outageDeadline)
	defer timer.Stop()
	select {
	case <-up:
		return true
	case <-timer.C:
		return false
	case <-ctx.Done():
		return false
	}
}

// faultRun is one run of the fault test: the stack, the bot process of the
// moment, and what the drivers sent and got.
type faultRun struct {
	t     *testing.T
	s     *stack
	bin   string
	addr  string
	watch *conversationWatch
	gate  *serviceGate
	redis *redis.Client // the state Redis; it reconnects after a restart

	bots []*serveProcess // every bot process started, the current one last

	wamids      atomic.Int64
	sent        atomic.Int64 // distinct messages
	deliveries  atomic.Int64 // webhook deliveries, redeliveries and resends included
	answered200 atomic.Int64 // distinct messages the webhook answered 200
	non200      atomic.Int64 // deliveries answered with anything else, or not at all
	redelivered atomic.Int64 // extra deliveries sent at the same time as the first
	resent      atomic.Int64 // messages sent again after their body got no 200, once per resend
	kills       int
	midOffer    int // kills while a committed createCredex call had no response yet
	outages     int // kills of the bot plus restarts of Redis

	mu       sync.Mutex
	accepted map[string]string // wamid → conversation key, for messages answered 200
}

func (r *faultRun) newWAMID() string {
	return fmt.Sprintf("wamid.FAULT%08d", r.wamids.Add(1))
}

func (r *faultRun) startBot() {
	r.t.Helper()
	r.bots = append(r.bots, r.s.startServe(r.t, r.bin, r.addr))
}

// deliver sends msgs in one body, delivered 1+redeliver times at once,
// until the webhook answers 200, and returns their wamids.
func (r *faultRun) deliver(ctx context.Context, msgs []mockwhatsapp.InboundRequest, redeliver int) ([]string, bool) {
	body, wamids := r.newBody(msgs, redeliver)
	accepted, ok := r.attempt(ctx, &body)
	if !ok {
		return nil, false
	}
	if !accepted && !r.resend(ctx, &body) {
		return nil, false
	}
	return wamids, true
}

// newBody gives msgs fresh wamids and the current time, and returns the
// body that carries them with their wamids.
func (r *faultRun) newBody(msgs []mockwhatsapp.InboundRequest, redeliver int) (mockwhatsapp.InboundRequest, []string) {
	ts := time.Now().Unix()
	wamids := make([]string, len(msgs))
	for i := range msgs {
		msgs[i].WAMID = r.newWAMID()
		msgs[i].Timestamp = ts
		wamids[i] = msgs[i].WAMID
	}
	r.sent.Add(int64(len(msgs)))

	body := mockwhatsapp.InboundRequest{Batch: msgs}
	if len(msgs) == 1 {
		body = msgs[0]
	}
	body.Redeliver, body.Concurrent = redeliver, redeliver > 0
	return body, wamids
}

// messagesOf returns the messages a body carries.
func messagesOf(body *mockwhatsapp.InboundRequest) []*mockwhatsapp.InboundRequest {
	if len(body.Batch) == 0 {
		return []*mockwhatsapp.InboundRequest{body}
	}
	msgs := make([]*mockwhatsapp.InboundRequest, len(body.Batch))
	for i := range body.Batch {
		msgs[i] = &body.Batch[i]
	}
	return msgs
}

// attempt delivers body once (1+Redeliver times) and reports whether the
// webhook answered 200 to any copy. ok is false when the driver must stop.
func (r *faultRun) attempt(ctx context.Context, body *mockwhatsapp.InboundRequest) (accepted, ok bool) {
	msgs := messagesOf(body)
	copies := int64(1 + body.Redeliver)
	r.deliveries.Add(copies)
	r.redelivered.Add(int64(body.Redeliver))
	res, err := mockwhatsapp.Inbound(ctx, r.s.client, r.s.mocks.whatsappServer.URL(), *body)
	switch {
	case ctx.Err() != nil:
		return false, false
	case err != nil && strings.Contains(err.Error(), "HTTP 400"):
		r.t.Errorf("the mock rejected the inbound request %+v: %v", *body, err)
		return false, false
	case err == nil && slices.Contains(res.Statuses, http.StatusOK):
		r.non200.Add(copies - int64(countStatus(res.Statuses, http.StatusOK)))
		r.answered200.Add(int64(len(msgs)))
		r.mu.Lock()
		for _, m := range msgs {
			r.accepted[m.WAMID] = m.From
		}
		r.mu.Unlock()
		return true, true
	}
	// The mock answers 502 when the bot is unreachable, and passes on the
	// bot's status (503 while Redis is down) otherwise.
	r.non200.Add(copies)
	r.gate.failures.Add(1)
	return false, true
}

// resend delivers a body that got no 200 again until it does, as Meta
// redelivers: the same ids, timestamps and reply contexts, one copy at a
// time, after the outage when one is under way.
func (r *faultRun) resend(ctx context.Context, body *mockwhatsapp.InboundRequest) bool {
	if !r.keepContexts(ctx, body) {
		return false
	}
	body.Redeliver, body.Concurrent = 0, false
	ids := []string{}
	for _, m := range messagesOf(body) {
		ids = append(ids, m.WAMID)
	}

	for attempt := 1; attempt <= maxDeliveryAttempts; attempt++ {
		switch {
		case !r.gate.isUp():
			if !r.gate.wait(ctx) {
				if ctx.Err() == nil {
					r.t.Errorf("the service was not back within %v; %s not delivered", outageDeadline, ids)
				}
				return false
			}
		case attempt > 1:
			// A refusal outside a planned outage (Redis connections being
			// re-established): retry after a growing pause, as Meta does.
			time.Sleep(time.Duration(attempt) * 50 * time.Millisecond)
		}
		r.resent.Add(int64(len(ids)))
		accepted, ok := r.attempt(ctx, body)
		if !ok {
			return false
		}
		if accepted {
			return true
		}
	}
	r.t.Errorf("%s not answered 200 after %d deliveries", ids, maxDeliveryAttempts)
	return false
}

func countStatus(statuses []int, status int) int {
	n := 0
	for _, s := range statuses {
		if s == status {
			n++
		}
	}
	return n
}

// keepContexts copies into body the context ids the mock gave its taps,
// so that a redelivery replies to the same message as the first delivery
// did, whatever the bot sent since.
func (r *faultRun) keepContexts(ctx context.Context, body *mockwhatsapp.InboundRequest) bool {
	for _, m := range messagesOf(body) {
		if m.Type != "button_reply" && m.Type != "list_reply" && m.Type != "button" {
			continue
		}
		var recorded convItem
		items, ok := r.watch.waitFor(ctx, m.From, replyTimeout, func(items []convItem) bool {
			for _, it := range items {
				if it.inboundID == m.WAMID {
					recorded = it
					return true
				}
			}
			return false
		})
		if !ok {
			r.t.Errorf("the mock did not record the first delivery of %s:\n%s", m.WAMID, describeItems(items))
			return false
		}
		var in struct {
			Context struct{ ID string } `json:"context"`
		}
		_ = json.Unmarshal(recorded.Body, &in)
		m.ContextID = in.Context.ID
	}
	return true
}

// step sends one message of user until it is accepted and waits for the
// first reply to it, which it returns with the others seen so far.
func (r *faultRun) step(ctx context.Context, req mockwhatsapp.InboundRequest, redeliver int) ([]graphMessage, bool) {
	wamids, ok := r.deliver(ctx, []mockwhatsapp.InboundRequest{req}, redeliver)
	if !ok {
		return nil, false
	}
	return r.awaitReply(ctx, req.From, wamids[0])
}

// awaitReply waits for the first reply to an accepted message.
func (r *faultRun) awaitReply(ctx context.Context, user, wamid string) ([]graphMessage, bool) {
	items, ok := r.watch.waitFor(ctx, user, replyDeadline, func(items []convItem) bool {
		_, ok := repliesTo(items, wamid)
		return ok
	})
	if !ok {
		if ctx.Err() == nil {
			r.t.Errorf("accepted message %s of %s got no reply within %v:\n%s", wamid, user, replyDeadline, describeItems(tail(items, 12)))
		}
		return nil, false
	}
	replies, _ := repliesTo(items, wamid)
	graphs := make([]graphMessage, len(replies))
	for i, it := range replies {
		graphs[i] = it.graph()
	}
	return graphs, true
}

func tail(items []convItem, n int) []convItem {
	if len(items) > n {
		return items[len(items)-n:]
	}
	return items
}

// menuStep returns the i-th step of a member's round through the menu.
// Dashboard rows work from any state, so the steps never go stale.
func menuStep(member string, i int) mockwhatsapp.InboundRequest {
	steps := []mockwhatsapp.InboundRequest{
		{Type: "text", Text: "menu"},
		{Type: "list_reply", ID: "ledger"},
		{Type: "text", Text: "help"},
		{Type: "list_reply", ID: "offers_in"},
		{Type: "text", Text: "ok"},
		{Type: "text", Text: "menu"},
		{Type: "list_reply", ID: "offers_out"},
	}
	req := steps[i%len(steps)]
	req.From = member
	return req
}

// redeliveries returns how many extra copies step i is delivered with.
func redeliveries(i int) int {
	if i%faultRepeatEvery == faultRepeatEvery-1 {
		return 2
	}
	return 0
}

// menuRound runs n menu steps of member.
func (r *faultRun) menuRound(ctx context.Context, member string, n int) bool {
	for i := range n {
		if _, ok := r.step(ctx, menuStep(member, i), redeliveries(i)); !ok {
			return false
		}
	}
	return true
}

// newMemberName returns a first and last name unique to member i, made of
// letters only, as the name rule requires.
func newMemberName(i int) (string, string) {
	suffix := string(rune('a'+i/26)) + string(rune('a'+i%26))
	return "Tendai" + suffix, "Moyo" + suffix
}

func newMemberPhone(i int) string { return fmt.Sprintf("2637720%05d", i+1) }

// register walks a new user through registration. It decides each message
// from the last reply, so a screen repeated by a restart does not derail it.
func (r *faultRun) register(ctx context.Context, phone, first, last string) bool {
	req := mockwhatsapp.InboundRequest{From: phone, Type: "text", Text: "hi"}
	for i := range 12 {
		replies, ok := r.step(ctx, req, redeliveries(i))
		if !ok {
			return false
		}
		for _, g := range replies {
			if strings.Contains(g.body(), "Welcome to credex,") || slices.Contains(g.ids(), "offer_secured") {
				return true
			}
		}
		reply := replies[len(replies)-1]
		switch ids, body := reply.ids(), reply.body(); {
		case slices.Contains(ids, "reg_confirm"):
			req = mockwhatsapp.InboundRequest{From: phone, Type: "button_reply", ID: "reg_confirm"}
		case slices.Contains(ids, "reg_start"):
			req = mockwhatsapp.InboundRequest{From: phone, Type: "button_reply", ID: "reg_start"}
		case strings.Contains(body, "*first name*"):
			req = mockwhatsapp.InboundRequest{From: phone, Type: "text", Text: first}
		case strings.Contains(body, "*last name*"):
			req = mockwhatsapp.InboundRequest{From: phone, Type: "text", Text: last}
		default:
			req = mockwhatsapp.InboundRequest{From: phone, Type: "text", Text: "hi"}
		}
	}
	r.t.Errorf("%s did not finish registering in 12 messages:\n%s", phone, describeItems(tail(r.watch.conversation(phone), 12)))
	return false
}

// openPersonal logs a demo member in and picks their personal account.
func (r *faultRun) openPersonal(ctx context.Context, member string) bool {
	for range 4 {
		replies, ok := r.step(ctx, mockwhatsapp.InboundRequest{From: member, Type: "text", Text: "hi"}, 0)
		if !ok {
			return false
		}
		picker := replies[len(replies)-1]
		row := ""
		for _, sec := range picker.Interactive.Action.Sections {
			for _, rw := range sec.Rows {
				if strings.Contains(rw.Title+rw.Description, member) {
					row = rw.ID
				}
			}
		}
		if row == "" {
			continue
		}
		replies, ok = r.step(ctx, mockwhatsapp.InboundRequest{From: member, Type: "list_reply", ID: row}, 0)
		if !ok {
			return false
		}
		if slices.Contains(replies[len(replies)-1].ids(), "offer_secured") {
			return true
		}
	}
	r.t.Errorf("%s could not open the personal account:\n%s", member, describeItems(tail(r.watch.conversation(member), 12)))
	return false
}

// offer makes member offer amount USD to Bob with a quick command and the
// confirmation tap, until the offer exists in the mock CredEx. Before each
// attempt it waits until the member's inbox is empty, so that an earlier
// tap still waiting to be processed cannot create a second offer.
func (r *faultRun) offer(ctx context.Context, member, amount string) bool {
	for range 4 {
		if !r.waitInboxEmpty(ctx, member) {
			return false
		}
		if r.offerCount(member, amount) > 0 {
			return true
		}
		replies, ok := r.step(ctx, mockwhatsapp.InboundRequest{From: member, Type: "text", Text: amount + "=>" + bobPhone}, 0)
		if !ok {
			return false
		}
		if !slices.Contains(replies[len(replies)-1].ids(), "offer_send") {
			continue
		}
		if _, ok := r.step(ctx, mockwhatsapp.InboundRequest{From: member, Type: "button_reply", ID: "offer_send"}, 0); !ok {
			return false
		}
	}
	if r.waitInboxEmpty(ctx, member) && r.offerCount(member, amount) > 0 {
		return true
	}
	r.t.Errorf("the offer of %s USD by %s was not created in 4 attempts:\n%s", amount, member, describeItems(tail(r.watch.conversation(member), 16)))
	return false
}

// inboxKey is the Redis key of a user's inbox on the development number.
func inboxKey(waID string) string {
	return "vimbiso:{" + devPhoneNumberID + ":" + waID + "}:inbox"
}

// waitInboxEmpty waits until every accepted message of user is processed.
func (r *faultRun) waitInboxEmpty(ctx context.Context, user string) bool {
	deadline := time.Now().Add(replyDeadline)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		n, err := r.redis.Exists(ctx, inboxKey(user)).Result()
		if err == nil && n == 0 {
			return true
		}
		time.Sleep(20 * time.Millisecond) // polling Redis, which has no push for this
	}
	if ctx.Err() == nil {
		r.t.Errorf("the inbox of %s still holds input after %v", user, replyDeadline)
	}
	return false
}

// credexState is the part of GET /mock/state the checks read.
type credexState struct {
	Members []struct {
		Name  string `json:"name"`
		Phone string `json:"phone"`
	} `json:"members"`
	Accounts []struct {
		AccountID     string `json:"accountID"`
		AccountHandle string `json:"accountHandle"`
	} `json:"accounts"`
	Offers []struct {
		IssuerAccountID   string `json:"issuerAccountID"`
		ReceiverAccountID string `json:"receiverAccountID"`
		Amount            string `json:"amount"`
	} `json:"offers"`
}

func (r *faultRun) credexState() (credexState, error) {
	var st credexState
	resp, err := r.s.client.Get(r.s.mocks.credexServer.URL() + "/mock/state")
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return st, fmt.Errorf("GET /mock/state: %s", resp.Status)
	}
	return st, json.NewDecoder(resp.Body).Decode(&st)
}

// accountOf returns the id of the account with handle, "" when none has.
func (st credexState) accountOf(handle string) string {
	for _, a := range st.Accounts {
		if a.AccountHandle == handle {
			return a.AccountID
		}
	}
	return ""
}

// offerCount returns how many offers of amount USD go from member's
// personal account to Bob's.
func (r *faultRun) offerCount(member, amount string) int {
	st, err := r.credexState()
	if err != nil {
		r.t.Errorf("reading the mock CredEx state: %v", err)
		return 0
	}
	from, to := st.accountOf(member), st.accountOf(bobPhone)
	n := 0
	for _, o := range st.Offers {
		if o.IssuerAccountID == from && o.ReceiverAccountID == to && o.Amount == amount+" USD" {
			n++
		}
	}
	return n
}

// scriptedOffers returns the amounts each member offers Bob, each unique,
// so that the mock's record shows which offer was made how often. Alice's
// total stays under her tier's daily limit of 10 USD.
func scriptedOffers() map[string][]string {
	return map[string][]string{
		alicePhone: {"1.01", "1.02", "1.03", "1.04", "1.05"},
		carolPhone: {"1.11", "1.12", "1.13", "1.14", "1.15"},
	}
}

// plannedMessages estimates the messages the drivers send, to place the
// outages; registration needs about six.
func plannedMessages() int {
	offers := 0
	for _, amounts := range scriptedOffers() {
		offers += len(amounts) * (2 + faultOfferSteps)
	}
	return faultNewMembers*(6+faultMenuSteps) + faultVisitorPairs*faultPairBatches*2 + faultBobSteps + offers + 2*(2+faultTailSteps)
}

// visitorStep returns the message of visitor in a pair's i-th body.
func visitorStep(visitor string, i int) mockwhatsapp.InboundRequest {
	steps := []mockwhatsapp.InboundRequest{
		{Type: "text", Text: "hi"},
		{Type: "text", Text: "help"},
		{Type: "button_reply", ID: "reg_about"},
		{Type: "text", Text: "ok"},
	}
	req := steps[i%len(steps)]
	req.From = visitor
	return req
}

// visitorPair sends bodies that each contain one message of a and one of
// b, without waiting for each reply: it keeps at most visitorWindow bodies
// ahead of the replies. A body rejected during an outage joins a backlog.
// The pair goes on sending until the backlog has visitorWindow bodies, and
// resends the backlog in order once the service is back.
func (r *faultRun) visitorPair(ctx context.Context, a, b string) {
	type pairBody struct {
		body     mockwhatsapp.InboundRequest
		wamids   []string
		accepted bool
	}
	var bodies, backlog []*pairBody
	awaitBoth := func(pb *pairBody) bool {
		for j, user := range []string{a, b} {
			if _, ok := r.awaitReply(ctx, user, pb.wamids[j]); !ok {
				return false
			}
		}
		return true
	}
	flush := func() bool {
		for _, pb := range backlog {
			if !r.resend(ctx, &pb.body) {
				return false
			}
			pb.accepted = true
		}
		backlog = backlog[:0]
		return true
	}

	for i := range faultPairBatches {
		if i >= visitorWindow && bodies[i-visitorWindow].accepted && !awaitBoth(bodies[i-visitorWindow]) {
			return
		}
		if len(backlog) > 0 && (r.gate.isUp() || len(backlog) >= visitorWindow) && !flush() {
			return
		}
		pb := &pairBody{}
		pb.body, pb.wamids = r.newBody([]mockwhatsapp.InboundRequest{visitorStep(a, i), visitorStep(b, i+1)}, 0)
		accepted, ok := r.attempt(ctx, &pb.body)
		if !ok {
			return
		}
		pb.accepted = accepted
		if !accepted {
			backlog = append(backlog, pb)
		}
		bodies = append(bodies, pb)
	}
	if !flush() {
		return
	}
	for _, pb := range bodies {
		if !awaitBoth(pb) {
			return
		}
	}
}

// outage is one planned fault, made once the webhook has accepted at
// messages: a SIGKILL of the bot, a SIGKILL while a createCredex call is
// open, or a clean restart of Redis.
type outage struct {
	at       int64
	midOffer bool
	redis    bool
}

func TestFaultsLoseNothingRepeatNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it several times")
	}
	s := startMockStack(t)
	r := &faultRun{
		t: t, s: s, bin: buildBinary(t), addr: freeAddr(t),
		gate: newServiceGate(), accepted: map[string]string{},
	}
	r.redis = s.redis.Client(t)
	r.startBot()
	r.watch = watchConversations(t, s)

	ctx, cancel := context.WithCancel(context.Background())
	var drivers sync.WaitGroup
	finished := make(chan struct{})
	defer func() {
		cancel()
		drivers.Wait()
	}()

	r.startDrivers(ctx, &drivers)
	go func() {
		drivers.Wait()
		close(finished)
	}()

	plan := int64(plannedMessages())
	outages := []outage{
		{at: plan / 10},
		{at: plan * 28 / 100},
		{at: plan * 40 / 100, midOffer: true},
		{at: plan * 64 / 100},
		{at: plan * 82 / 100, redis: true},
	}
	for _, o := range outages {
		if !r.waitAccepted(o.at, finished) {
			t.Errorf("the drivers finished after %d accepted messages, before the outage planned at %d", r.answered200.Load(), o.at)
			break
		}
		switch {
		case o.redis:
			r.restartRedis()
		case o.midOffer:
			r.restartBotMidOffer(finished)
		default:
			r.restartBot()
		}
	}
	<-finished

	r.checkDrained()
	r.checkEveryMessageAnswered()
	r.checkOffers()
	r.checkMembers()
	r.checkLogs()
}

// startDrivers starts one goroutine per user (per pair of visitors).
func (r *faultRun) startDrivers(ctx context.Context, wg *sync.WaitGroup) {
	for i := range faultNewMembers {
		phone := newMemberPhone(i)
		first, last := newMemberName(i)
		wg.Go(func() {
			if r.register(ctx, phone, first, last) {
				r.menuRound(ctx, phone, faultMenuSteps)
			}
		})
	}
	for i := range faultVisitorPairs {
		a, b := fmt.Sprintf("2637740%05d", 2*i+1), fmt.Sprintf("2637740%05d", 2*i+2)
		wg.Go(func() { r.visitorPair(ctx, a, b) })
	}
	wg.Go(func() {
		if r.openPersonal(ctx, bobPhone) {
			r.menuRound(ctx, bobPhone, faultBobSteps)
		}
	})
	for member, amounts := range scriptedOffers() {
		wg.Go(func() {
			if !r.openPersonal(ctx, member) {
				return
			}
			for _, amount := range amounts {
				if !r.menuRound(ctx, member, faultOfferSteps) || !r.offer(ctx, member, amount) {
					return
				}
			}
			r.menuRound(ctx, member, faultTailSteps)
		})
	}
}

// waitAccepted waits until n messages were accepted; it reports false when
// the drivers finish first.
func (r *faultRun) waitAccepted(n int64, finished <-chan struct{}) bool {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for r.answered200.Load() < n {
		select {
		case <-finished:
			return false
		case <-tick.C:
		}
	}
	return true
}

// waitRefusals waits until some bodies were rejected during an outage, so
// that every outage has messages to redeliver. It gives up after a few
// seconds, because the drivers may all be waiting for replies.
func (r *faultRun) waitRefusals(since int64) {
	deadline := time.Now().Add(3 * time.Second)
	for r.gate.failures.Load() < since+10 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond) // polling a counter of the drivers
	}
}

// restartBot kills the bot with SIGKILL and starts a new process on the
// same address.
func (r *faultRun) restartBot() {
	r.t.Helper()
	before := r.gate.failures.Load()
	r.gate.down()
	r.bots[len(r.bots)-1].kill()
	r.kills++
	r.outages++
	r.waitRefusals(before)
	r.startBot()
	r.gate.open()
}

// restartBotMidOffer makes the next createCredex take effect in the mock
// CredEx without ever sending a response. It waits until the bot has made
// that call and kills the bot while it waits, so the offer exists and the
// bot's snapshot has only the intent to make it. The next process must
// find the offer instead of making it again.
//
// It first waits until each member who offers has an offer pending, so
// that the open offer is never the issuer's first: reconciliation must
// then tell the new offer from the ones that were pending before.
func (r *faultRun) restartBotMidOffer(finished <-chan struct{}) {
	r.t.Helper()
	deadline := time.Now().Add(replyDeadline)
	for member, amounts := range scriptedOffers() {
		for r.offerCount(member, amounts[0]) == 0 {
			select {
			case <-finished:
				r.t.Errorf("the drivers finished before %s made a first offer", member)
				return
			default:
			}
			if time.Now().After(deadline) {
				r.t.Errorf("%s made no first offer within %v", member, replyDeadline)
				return
			}
			time.Sleep(20 * time.Millisecond) // polling the mock CredEx's state
		}
	}

	fault := `{"endpoint":"createCredex","times":1,"afterCommit":true,"timeout":true}`
	resp, err := r.s.client.Post(r.s.mocks.credexServer.URL()+"/mock/fail", "application/json", strings.NewReader(fault))
	if err != nil {
		r.t.Fatalf("arming the createCredex fault: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		r.t.Fatalf("arming the createCredex fault: %s", resp.Status)
	}

	deadline = time.Now().Add(replyDeadline)
	for {
		mutations, err := r.mutations()
		if err != nil {
			r.t.Fatal(err)
		}
		if slices.ContainsFunc(mutations, func(m credexMutation) bool {
			return m.Endpoint == "createCredex" && m.Committed && m.Status == 0
		}) {
			break
		}
		select {
		case <-finished:
			r.t.Errorf("no offer was confirmed after the createCredex fault was armed, so the bot was not killed mid-offer")
			return
		default:
		}
		if time.Now().After(deadline) {
			r.t.Errorf("no createCredex call reached the mock within %v of arming the fault", replyDeadline)
			return
		}
		time.Sleep(20 * time.Millisecond) // polling the mock CredEx's record
	}
	r.midOffer++
	r.restartBot()
}

// restartRedis shuts Redis down cleanly and starts it again on the same
// port and append-only file, then waits until the bot reports ready.
func (r *faultRun) restartRedis() {
	r.t.Helper()
	before := r.gate.failures.Load()
	r.gate.down()
	r.s.redis.Stop(r.t)
	r.outages++
	r.waitRefusals(before)
	r.s.redis.Restart(r.t)

	deadline := time.Now().Add(replyTimeout)
	for {
		resp, err := r.s.client.Get(r.s.botURL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("the bot did not report ready within %v of the Redis restart", replyTimeout)
		}
		time.Sleep(20 * time.Millisecond) // polling /readyz
	}
	r.gate.open()
}

// checkDrained waits until no inbox is left in Redis: every accepted
// message was processed and removed.
func (r *faultRun) checkDrained() {
	r.t.Helper()
	deadline := time.Now().Add(drainDeadline)
	var keys []string
	for {
		var err error
		keys, err = r.redis.Keys(context.Background(), "vimbiso:*:inbox").Result()
		if err != nil {
			r.t.Fatalf("listing inbox keys: %v", err)
		}
		if len(keys) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond) // polling Redis
	}
	for _, key := range keys {
		entries, _ := r.redis.XRange(context.Background(), key, "-", "+").Result()
		r.t.Errorf("%s still holds %d accepted inputs %v after %v: accepted messages were never processed", key, len(entries), entries, drainDeadline)
	}
}

// checkEveryMessageAnswered checks, in the mock's record of each
// conversation, that every message answered 200 was marked read and
// followed by a reply, that no message was processed more often than the
// outages explain, and that the mock refused no reply.
func (r *faultRun) checkEveryMessageAnswered() {
	r.t.Helper()
	byUser := map[string][]string{}
	for wamid, user := range r.accepted {
		byUser[user] = append(byUser[user], wamid)
	}

	replies, repeatedTurns, unanswered := 0, 0, 0
	for _, user := range r.watch.users() {
		items := r.watch.conversation(user)
		reads := map[string]int{}
		for _, it := range items {
			switch {
			case it.readOf != "":
				reads[it.readOf]++
			case it.reply:
				replies++
				if it.refused {
					r.t.Errorf("the mock refused a reply to %s: %s: %+v", user, it.Body, it.Result.Error)
				}
			}
		}

		// The coarse form of the guarantee: the first delivery of each
		// accepted message is followed by some reply to that user. A later
		// copy can come after the reply: a body whose 200 was lost with
		// the process is processed on restart, then resent and dropped.
		seen := map[string]bool{}
		for i, it := range items {
			if it.inboundID == "" || r.accepted[it.inboundID] == "" || seen[it.inboundID] {
				continue
			}
			seen[it.inboundID] = true
			if !slices.ContainsFunc(items[i+1:], func(c convItem) bool { return c.reply }) {
				r.t.Errorf("accepted message %s of %s has no reply after it:\n%s", it.inboundID, user, describeItems(tail(items, 12)))
			}
		}

		repeats := 0
		for _, wamid := range byUser[user] {
			if !processedToReply(items, wamid) {
				unanswered++
				r.t.Errorf("accepted message %s of %s was never processed to a reply (read receipts: %d):\n%s", wamid, user, reads[wamid], describeItems(tail(items, 12)))
			}
			if reads[wamid] > 1 {
				repeats++
			}
		}
		repeatedTurns += repeats
		// Each crash can interrupt at most the one turn a user's actor is
		// in, which the next activation processes again.
		if repeats > r.outages {
			r.t.Errorf("%s had %d messages processed more than once, but there were only %d outages", user, repeats, r.outages)
		}
	}

	r.t.Logf("messages sent %d, answered 200 %d, deliveries %d, non-200 deliveries %d, concurrent duplicates %d, resent after no 200 %d",
		r.sent.Load(), r.answered200.Load(), r.deliveries.Load(), r.non200.Load(), r.redelivered.Load(), r.resent.Load())
	r.t.Logf("replies %d, bot kills %d (%d while createCredex was open), Redis restarts %d, messages processed twice %d, unanswered %d",
		replies, r.kills, r.midOffer, r.outages-r.kills, repeatedTurns, unanswered)
}

// checkOffers checks that every scripted offer exists exactly once and
// that no money mutation was repeated.
func (r *faultRun) checkOffers() {
	r.t.Helper()
	offers := 0 // scripted offers that exist, each counted once
	for member, amounts := range scriptedOffers() {
		for _, amount := range amounts {
			n := r.offerCount(member, amount)
			if n != 1 {
				r.t.Errorf("the offer of %s USD from %s to Bob exists %d times, want once", amount, member, n)
			}
			if n > 0 {
				offers++
			}
		}
	}

	mutations, err := r.mutations()
	if err != nil {
		r.t.Fatal(err)
	}
	counts := map[string]int{}
	onboardRepeats := 0
	for _, m := range mutations {
		counts[m.Endpoint]++
		switch {
		case slices.Contains(moneyEndpoints, m.Endpoint) && m.Repeats > 0:
			r.t.Errorf("%s with idempotency key %q repeats %d earlier call(s) with that key: one intent was carried out more than once", m.Endpoint, m.IdempotencyKey, m.Repeats)
		case m.Endpoint == "onboardMember" && m.Repeats > 0:
			onboardRepeats++
		}
	}
	if counts["createCredex"] != offers {
		r.t.Errorf("createCredex was called %d times for %d confirmed offers", counts["createCredex"], offers)
	}
	r.t.Logf("offers confirmed %d, CredEx mutations %v, onboardMember repeats after a crash %d (a repeat gets 409, which registration treats as done)",
		offers, counts, onboardRepeats)
}

// credexMutation is one entry of GET /mock/mutations.
type credexMutation struct {
	Endpoint       string `json:"endpoint"`
	IdempotencyKey string `json:"idempotencyKey"`
	Status         int    `json:"status"`    // 0 when the mock sent no answer
	Repeats        int    `json:"repeats"`   // earlier mutations with the same key
	Committed      bool   `json:"committed"` // the call took effect
}

// mutations returns the mock CredEx's record of mutations.
func (r *faultRun) mutations() ([]credexMutation, error) {
	resp, err := r.s.client.Get(r.s.mocks.credexServer.URL() + "/mock/mutations")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /mock/mutations: %s", resp.Status)
	}
	var body struct {
		Mutations []credexMutation `json:"mutations"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("decode GET /mock/mutations: %w", err)
	}
	return body.Mutations, nil
}

// checkMembers checks that every new user is a member exactly once, with
// the names they gave.
func (r *faultRun) checkMembers() {
	r.t.Helper()
	st, err := r.credexState()
	if err != nil {
		r.t.Fatal(err)
	}
	for i := range faultNewMembers {
		phone := newMemberPhone(i)
		first, last := newMemberName(i)
		var names []string
		for _, m := range st.Members {
			if m.Phone == phone {
				names = append(names, m.Name)
			}
		}
		if len(names) != 1 || names[0] != first+" "+last {
			r.t.Errorf("members with phone %s: %q, want one named %q", phone, names, first+" "+last)
		}
	}
}

// checkLogs stops the last bot and checks that no process logged a panic.
func (r *faultRun) checkLogs() {
	r.t.Helper()
	r.bots[len(r.bots)-1].kill()
	for i, p := range r.bots {
		for _, line := range strings.Split(p.log.String(), "\n") {
			if strings.Contains(strings.ToLower(line), "panic") {
				r.t.Errorf("bot process %d logged a panic: %s", i+1, line)
			}
		}
	}
}
