package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Phone numbers of the load users, 12 digits like the demo members. Each
// role has its own block so that runs never mix them up.
func activePhone(i int) string    { return fmt.Sprintf("2637710%05d", i) } // members who chat
func recipientPhone(i int) string { return fmt.Sprintf("2637720%05d", i) } // members who only receive offers
func strangerPhone(i int) string  { return fmt.Sprintf("2637730%05d", i) } // not members

// step is one message of a scenario and the reply that ends its turn.
type step struct {
	kind   string // text, button_reply or list_reply
	value  string // the text, or the tapped id
	expect string // a substring of the Graph request body of the reply
}

// The scenarios. A tap's context is the reply of the step before it, which
// is the message that holds the tapped id.
var (
	// dashboardMark is the id of a row that only the dashboard's menu holds.
	dashboardMark = `"offer_secured"`

	scenarioW1 = []step{
		{kind: "text", value: "hi", expect: dashboardMark},
		{kind: "text", value: "menu", expect: dashboardMark},
	}
)

// scenarioW2 makes two secured offers to recipient: a quick command and its
// confirmation, then the same offer through the menu.
func scenarioW2(recipient string) []step {
	return []step{
		{kind: "text", value: "1=>" + recipient, expect: `"offer_send"`},
		{kind: "button_reply", value: "offer_send", expect: "You offered"},
		{kind: "list_reply", value: "offer_secured", expect: "how much"},
		{kind: "text", value: "1", expect: "Who should receive"},
		{kind: "text", value: recipient, expect: `"offer_send"`},
		{kind: "button_reply", value: "offer_send", expect: "You offered"},
	}
}

// webhookClient posts signed webhook deliveries to the bot, as Meta does.
type webhookClient struct {
	http   *http.Client
	url    string
	secret []byte
}

// loadMessageSeq numbers the message ids of every webhookClient in this
// process. One counter for all of them keeps the ids unique when a run
// uses two clients (w4 logs its users in with one and sends with another):
// a repeated id is a redelivery to the bot, which drops it without a reply.
var loadMessageSeq atomic.Int64

func newWebhookClient(botURL string) *webhookClient {
	transport := &http.Transport{MaxIdleConns: 4096, MaxIdleConnsPerHost: 4096, IdleConnTimeout: time.Minute}
	return &webhookClient{
		http:   &http.Client{Transport: transport, Timeout: 30 * time.Second},
		url:    botURL + "/webhook",
		secret: []byte(devAppSecret),
	}
}

// The Cloud API webhook body, with the fields the bot reads.
type (
	hookBody struct {
		Object string      `json:"object"`
		Entry  []hookEntry `json:"entry"`
	}
	hookEntry struct {
		ID      string       `json:"id"`
		Changes []hookChange `json:"changes"`
	}
	hookChange struct {
		Field string    `json:"field"`
		Value hookValue `json:"value"`
	}
	hookValue struct {
		MessagingProduct string        `json:"messaging_product"`
		Metadata         hookMetadata  `json:"metadata"`
		Contacts         []hookContact `json:"contacts"`
		Messages         []hookMessage `json:"messages"`
	}
	hookMetadata struct {
		DisplayPhoneNumber string `json:"display_phone_number"`
		PhoneNumberID      string `json:"phone_number_id"`
	}
	hookContact struct {
		Profile struct {
			Name string `json:"name"`
		} `json:"profile"`
		WaID string `json:"wa_id"`
	}
	hookMessage struct {
		From        string           `json:"from"`
		ID          string           `json:"id"`
		Timestamp   string           `json:"timestamp"`
		Type        string           `json:"type"`
		Text        *hookText        `json:"text,omitempty"`
		Interactive *hookInteractive `json:"interactive,omitempty"`
		Context     *hookContext     `json:"context,omitempty"`
	}
	hookText struct {
		Body string `json:"body"`
	}
	hookInteractive struct {
		Type        string      `json:"type"`
		ButtonReply *hookChoice `json:"button_reply,omitempty"`
		ListReply   *hookChoice `json:"list_reply,omitempty"`
	}
	hookChoice struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	hookContext struct {
		From string `json:"from"`
		ID   string `json:"id"`
	}
)

// body returns the webhook body of one message from phone. contextID is
// the id of the message that holds the tapped button or row.
func (c *webhookClient) body(phone string, s step, contextID string, now time.Time) []byte {
	msg := hookMessage{
		From:      phone,
		ID:        "wamid.LOAD" + strconv.FormatInt(loadMessageSeq.Add(1), 10),
		Timestamp: strconv.FormatInt(now.Unix(), 10),
		Type:      "text",
	}
	switch s.kind {
	case "text":
		msg.Text = &hookText{Body: s.value}
	case "button_reply":
		msg.Type = "interactive"
		msg.Interactive = &hookInteractive{Type: s.kind, ButtonReply: &hookChoice{ID: s.value, Title: s.value}}
	case "list_reply":
		msg.Type = "interactive"
		msg.Interactive = &hookInteractive{Type: s.kind, ListReply: &hookChoice{ID: s.value, Title: s.value}}
	}
	if contextID != "" {
		msg.Context = &hookContext{From: devDisplayNumber, ID: contextID}
	}
	contact := hookContact{WaID: phone}
	contact.Profile.Name = "Load User"
	value := hookValue{
		MessagingProduct: "whatsapp",
		Metadata:         hookMetadata{DisplayPhoneNumber: devDisplayNumber, PhoneNumberID: devPhoneNumberID},
		Contacts:         []hookContact{contact},
		Messages:         []hookMessage{msg},
	}
	data, _ := json.Marshal(hookBody{
		Object: "whatsapp_business_account",
		Entry:  []hookEntry{{ID: devBusinessID, Changes: []hookChange{{Field: "messages", Value: value}}}},
	})
	return data
}

// post delivers body signed with the app secret and returns an error
// unless the bot responded 200.
func (c *webhookClient) post(ctx context.Context, body []byte) error {
	mac := hmac.New(sha256.New, c.secret)
	mac.Write(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("post %s: %w", c.url, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("post %s: status %s", c.url, resp.Status)
	}
	return nil
}

// samples collects latencies from many goroutines.
type samples struct {
	mu      sync.Mutex
	webhook []time.Duration // from the request to the bot's 200
	reply   []time.Duration // from the request to the reply at the mock
}

func (s *samples) add(webhook, reply time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = append(s.webhook, webhook)
	if reply > 0 {
		s.reply = append(s.reply, reply)
	}
}

// loadUser plays one member through a scenario in a closed loop: each
// message waits for the reply of the one before.
type loadUser struct {
	phone     string
	client    *webhookClient
	box       chan reply
	contextID string // wamid of the last reply, the context of the next tap
}

// errReplyTimeout reports a turn whose reply never came.
var errReplyTimeout = errors.New("no reply in time")

// turn sends one step and waits for its reply. It returns the time the
// webhook took to respond and the time until the reply reached the mock.
func (u *loadUser) turn(ctx context.Context, s step, timeout time.Duration) (time.Duration, time.Duration, error) {
	for drained := false; !drained; {
		select {
		case <-u.box:
		default:
			drained = true
		}
	}
	contextID := ""
	if s.kind != "text" {
		contextID = u.contextID
	}
	start := time.Now()
	if err := u.client.post(ctx, u.client.body(u.phone, s, contextID, start)); err != nil {
		return 0, 0, err
	}
	answered := time.Since(start)

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		select {
		case r := <-u.box:
			if bytes.Contains(r.body, []byte(s.expect)) {
				u.contextID = r.wamid
				return answered, r.at.Sub(start), nil
			}
		case <-timer.C:
			return answered, 0, fmt.Errorf("user %s, message %q: %w (expected a reply containing %s)", u.phone, s.value, errReplyTimeout, s.expect)
		case <-ctx.Done():
			return answered, 0, ctx.Err()
		}
	}
}

// closedLoop runs every user through its scenario, again and again, until
// duration passes, maxTurns turns were sent, or the user went through it
// rounds times (0: no limit). A user stops at its first failed turn. It
// returns the turns and scenarios completed and the errors.
func closedLoop(ctx context.Context, users []*loadUser, scenarios [][]step, duration time.Duration, maxTurns int64, rounds int, sink *samples) (turns, completed int64, errs []error) {
	ctx, cancel := context.WithTimeout(ctx, duration)
	defer cancel()
	var (
		sent     atomic.Int64
		nTurns   atomic.Int64
		nDone    atomic.Int64
		errMu    sync.Mutex
		firstErr = func(err error) {
			errMu.Lock()
			defer errMu.Unlock()
			errs = append(errs, err)
		}
		wg sync.WaitGroup
	)
	for i, u := range users {
		scenario := scenarios[i%len(scenarios)]
		wg.Go(func() {
			for round := 0; rounds == 0 || round < rounds; round++ {
				for _, s := range scenario {
					if sent.Add(1) > maxTurns || ctx.Err() != nil {
						return
					}
					webhook, replyAfter, err := u.turn(ctx, s, 30*time.Second)
					if err != nil {
						if ctx.Err() == nil {
							firstErr(err)
						}
						return
					}
					nTurns.Add(1)
					sink.add(webhook, replyAfter)
				}
				nDone.Add(1)
			}
		})
	}
	wg.Wait()
	return nTurns.Load(), nDone.Load(), errs
}

// openLoop posts count messages at rate per second, however long the bot
// takes to respond, spread over users in turn. Each latency is measured from
// the time the message was due, so that a stalled bot shows in the figures
// instead of slowing the sender down.
func openLoop(ctx context.Context, client *webhookClient, users []string, text string, rate, count int, sink *samples) (failed int64) {
	var (
		wg      sync.WaitGroup
		nFailed atomic.Int64
	)
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	for i := range count {
		due := start.Add(time.Duration(i) * interval)
		// Meta has the body built and signed by the time it is due. Building
		// it before the wait keeps the generator's own work out of the
		// webhook's latency.
		body := client.body(users[i%len(users)], step{kind: "text", value: text}, "", due)
		if !sleepContext(ctx, time.Until(due)) {
			break
		}
		wg.Go(func() {
			if err := client.post(ctx, body); err != nil {
				nFailed.Add(1)
				return
			}
			sink.add(time.Since(due), 0)
		})
	}
	wg.Wait()
	return nFailed.Load()
}

// seedMembers makes each phone a CredEx member at the mock, with a large
// secured balance and tier 3, which has no daily limit, so that neither
// stops the offers of a long run.
func seedMembers(ctx context.Context, credexURL string, phones []string) error {
	client := &http.Client{Timeout: 10 * time.Second}
	call := func(path string, body any) error {
		data, _ := json.Marshal(body)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, credexURL+path, bytes.NewReader(data))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("x-client-api-key", devClientAPIKey)
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("seed member: post %s: %w", path, err)
		}
		defer resp.Body.Close()
		if resp.StatusCode >= 300 {
			msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			return fmt.Errorf("seed member: post %s: status %s: %s", path, resp.Status, strings.TrimSpace(string(msg)))
		}
		return nil
	}
	for _, phone := range phones {
		if err := call("/onboardMember", map[string]string{
			"firstname": "Load", "lastname": "Tester", "phone": phone, "defaultDenom": "USD",
		}); err != nil {
			return err
		}
		if err := call("/devadmin/gimmeSecured", map[string]any{
			"accountHandle": phone, "denom": "USD", "amount": 1000000,
		}); err != nil {
			return err
		}
		if err := call("/mock/members/"+phone+"/tier", map[string]int{"tier": 3}); err != nil {
			return err
		}
	}
	return nil
}

// openWindows records at the mock WhatsApp that each phone wrote just
// now, so that the mock accepts free-form replies to them: the load users
// write to the bot directly, not through the mock.
func openWindows(ctx context.Context, whatsappURL string, phones []string) error {
	client := &http.Client{Timeout: 10 * time.Second}
	for _, phone := range phones {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost,
			whatsappURL+"/mock/users/"+phone+"/last-inbound", strings.NewReader(`{"age":"0s"}`))
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("open the 24-hour window of %s: %w", phone, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("open the 24-hour window of %s: status %s", phone, resp.Status)
		}
	}
	return nil
}
