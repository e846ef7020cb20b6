package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vimbisopay/vimbiso/devstack/mockwhatsapp"
)

// browserStepTimeout bounds each step of a browser test: one click, or one
// wait for the bot's reply, which includes the bot's round trip to the
// mock CredEx.
const browserStepTimeout = 20 * time.Second

// TestWebChatRegistersAndOffers drives the web chat page in headless
// Chromium against the whole stack: a new member registers, then Alice
// picks her account and sends a secured offer, all by clicks and typing.
func TestWebChatRegistersAndOffers(t *testing.T) {
	s := startStack(t)
	p := openChatPage(t, s.mocks.whatsappServer.URL())

	// A number with no member: register by buttons and typed names.
	p.openChat("263770000003")
	seq := p.send("hi")
	seq = p.waitBotMessage(seq, "Become a member")
	p.click("reply-button", "Become a member")
	seq = p.waitBotMessage(seq, "first name")
	seq = p.send("Joan")
	seq = p.waitBotMessage(seq, "last name")
	seq = p.send("Sample")
	seq = p.waitBotMessage(seq, "Joan")
	p.click("reply-button", "✅ Create account")
	p.waitBotMessage(seq, "Joan Sample Personal")
	p.waitFor("the dashboard's list button", `newestBot() && newestBot().querySelector('[data-testid="list-button"]')`)
	p.waitFor("the read tick on the user's last message", `(() => {
		const mine = visibleBubbles().filter((b) => b.dataset.author === "user").at(-1);
		const tick = mine && mine.querySelector('[data-testid="tick"]');
		return tick && tick.dataset.status === "read" && tick.classList.contains("read");
	})()`)

	// Alice has two accounts: she picks her personal one from the list.
	p.openChat("263770000001")
	if got := p.evaluateString(`visibleBubbles().length + ""`); got != "0" {
		t.Errorf("Alice's chat shows %s bubbles before she wrote, want 0: switching kept the wrong conversation", got)
	}
	seq = p.send("hi")
	seq = p.waitBotMessage(seq, "Alice")
	p.click("list-button", "")
	p.tapRow("Personal")
	seq = p.waitBotMessage(seq, "Alice Example")
	p.waitFor("the dashboard's list button", `newestBot().querySelector('[data-testid="list-button"]')`)

	// The secured offer, by the menu.
	p.click("list-button", "")
	p.tapRow("💸 Offer secured")
	seq = p.waitBotMessage(seq, "")
	seq = p.send("1.5")
	seq = p.waitBotMessage(seq, "")
	seq = p.send("263770000002")
	confirm := p.waitBotMessage(seq, "1.50 USD")
	if !p.hasButton("✅ Sign & send") {
		t.Fatalf("no \"✅ Sign & send\" button after the offer's handle; the secured offer flow did not reach its confirmation. Newest bot message: %q",
			p.evaluateString(`newestBot().textContent`))
	}
	p.click("reply-button", "✅ Sign & send")
	p.waitBotMessage(confirm, "You offered 1.50 USD")
	p.waitFor("the dashboard's list button", `newestBot().querySelector('[data-testid="list-button"]')`)

	// The registration chat is kept, and its entry shows no unread count,
	// since nothing arrived there while Alice chatted.
	if got := p.evaluateString(`document.querySelector('[data-testid="phone-entry"][data-phone="263770000003"] [data-testid="unread-count"]').hidden + ""`); got != "true" {
		t.Errorf("unread badge of 263770000003 hidden = %s, want true", got)
	}
	p.openChat("263770000003")
	p.waitBotMessage(0, "Joan Sample Personal")
	p.openChat("263770000001")

	p.screenshot("webchat.png")
}

// TestWebChatEscapesHTML checks that bot text reaches the page only as text:
// a <script> and an <img onerror> in a message, a button and a list row
// render as characters and never run.
func TestWebChatEscapesHTML(t *testing.T) {
	m := startPageMock(t)
	const user = "263770000021"
	m.inbound(mockwhatsapp.InboundRequest{From: user, Text: "hi"})
	hostile := `<script>window.injected = 1</script><img src="x" onerror="window.injected = 2"> *bold* and https://example.org/?a=1&b=<i>`
	m.graphSend(fmt.Sprintf(`{"messaging_product":"whatsapp","to":%q,"type":"text","text":{"body":%q}}`, user, hostile))
	m.graphSend(fmt.Sprintf(`{"messaging_product":"whatsapp","to":%q,"type":"interactive","interactive":{"type":"list","body":{"text":"<b>list</b>"},"action":{"button":"<i>open</i>","sections":[{"title":"<u>s</u>","rows":[{"id":"r1","title":"<img src=x>","description":"<script>x</script>"}]}]}}}`, user))

	p := openChatPage(t, m.url)
	p.openNewChat(user)
	p.waitBotMessage(0, "<b>list</b>")

	text := p.evaluateString(`visibleBubbles().filter((b) => b.dataset.author === "bot")[0].textContent`)
	if !strings.Contains(text, `<script>window.injected = 1</script><img src="x" onerror="window.injected = 2">`) {
		t.Errorf("bot bubble text = %q, want the markup shown as typed", text)
	}
	checks := map[string]string{
		"no script, img, b, i or u element in the conversation": `document.querySelector('.conversation:not([hidden])').querySelectorAll("script, img, b, i, u").length === 0`,
		"no injected script ran":                                `window.injected === undefined`,
		"*bold* became <strong>":                                `visibleBubbles()[1].querySelector("strong").textContent === "bold"`,
		"the link stops before the escaped <":                   `visibleBubbles()[1].querySelector("a").getAttribute("href") === "https://example.org/?a=1&b="`,
		"the list button shows its label as text":               `document.querySelector('[data-testid="list-button"]').textContent === "☰ <i>open</i>"`,
	}
	for name, check := range checks {
		if got := p.evaluateString(`(` + check + `) + ""`); got != "true" {
			t.Errorf("%s: %s = %s", name, check, got)
		}
	}

	p.click("list-button", "")
	row := p.evaluateString(`document.querySelector('[data-testid="list-row"]').textContent + "|" + document.querySelectorAll("#list-sheet img, #list-sheet script, #list-sheet u").length`)
	if row != "<img src=x><script>x</script>|0" {
		t.Errorf("list row = %q, want its title and description as text and no elements", row)
	}
}

// TestWebChatFormatter checks formatWhatsApp, the page's renderer of
// WhatsApp formatting, on its hard cases.
func TestWebChatFormatter(t *testing.T) {
	m := startPageMock(t)
	p := openChatPage(t, m.url)

	cases := []struct{ name, in, want string }{
		{"bold italic strike", "*b* _i_ ~s~", "<strong>b</strong> <em>i</em> <del>s</del>"},
		{"nested", "*_both_*", "<strong><em>both</em></strong>"},
		{"inner spaces are no markers", "* not bold *", "* not bold *"},
		{"markers inside words", "snake_case_name 2*3*4", "snake_case_name 2*3*4"},
		{"monospace keeps markers", "```a *b* <i>```", `<code class="mono">a *b* &lt;i&gt;</code>`},
		{"inline code", "run `x_y_z` now", "run <code>x_y_z</code> now"},
		{"new lines", "one\ntwo", "one<br>two"},
		{"quote", "> said *this*", `<span class="quote">said <strong>this</strong></span>`},
		{"url with underscores", "see https://x.org/a_b_c.", `see <a href="https://x.org/a_b_c" target="_blank" rel="noopener noreferrer">https://x.org/a_b_c</a>.`},
		{"url inside bold", "*https://x.org*", `<strong><a href="https://x.org" target="_blank" rel="noopener noreferrer">https://x.org</a></strong>`},
		{"no javascript links", "javascript:alert(1)", "javascript:alert(1)"},
		{"quote in url ends it", `https://x.org/"onclick=1`, `<a href="https://x.org/" target="_blank" rel="noopener noreferrer">https://x.org/</a>&quot;onclick=1`},
		{"html escaped", `<script>&'"`, "&lt;script&gt;&amp;&#39;&quot;"},
		{"NUL removed", "a\x00b", "ab"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in, _ := json.Marshal(tc.in)
			got := p.evaluateString("formatWhatsApp(" + string(in) + ")")
			if got != tc.want {
				t.Errorf("formatWhatsApp(%q)\n got %s\nwant %s", tc.in, got, tc.want)
			}
		})
	}
}

// TestWebChatShowsErrorsAndUnread checks the marks the page adds: a send
// the mock refused, a webhook delivery the bot did not acknowledge with 200, the
// unread count of another chat, and ticks that never move backwards.
func TestWebChatShowsErrorsAndUnread(t *testing.T) {
	m := startPageMock(t)
	const alice, bob = "263770000001", "263770000002"
	p := openChatPage(t, m.url)
	p.openChat(alice)

	// The fake bot returns 500 for this text, so the bubble gets a warning.
	seq := p.send("please fail")
	p.waitFor("the delivery warning", `(() => {
		const w = visibleBubbles().at(-1).querySelector('[data-testid="delivery-warning"]');
		return w && w.textContent.includes("HTTP 500");
	})()`)

	// A send over the 4096-character limit is refused with code 131009.
	m.graphSend(fmt.Sprintf(`{"messaging_product":"whatsapp","to":%q,"type":"text","text":{"body":%q}}`, alice, strings.Repeat("x", 4097)))
	seq = p.waitBotMessage(seq, "xxxx")
	mark := p.evaluateString(`newestBot().querySelector('[data-testid="error-mark"]').textContent`)
	if !strings.Contains(mark, "131009") || !strings.Contains(mark, "text.body") {
		t.Errorf("error mark = %q, want the code 131009 and the details naming text.body", mark)
	}

	// The mock posts sent, delivered and read in a random order here. The
	// tick ends at read whatever the order, because it never moves down.
	wamid := m.graphSend(fmt.Sprintf(`{"messaging_product":"whatsapp","to":%q,"type":"text","text":{"body":"ticks"}}`, alice))
	p.waitBotMessage(seq, "ticks")
	m.waitStatuses(alice, wamid, 3)
	p.waitFor("the blue ticks of the bot message", `newestBot().querySelector('[data-testid="tick"]').dataset.status === "read"`)
	if got := p.evaluateString(`newestBot().querySelector('[data-testid="tick"]').textContent`); got != "✓✓" {
		t.Errorf("tick after all three statuses = %q, want ✓✓", got)
	}
	// The bot's mark-as-read turns the user's ticks blue.
	m.graphSend(fmt.Sprintf(`{"messaging_product":"whatsapp","status":"read","message_id":%q}`,
		p.evaluateString(`visibleBubbles().filter((b) => b.dataset.author === "user").at(-1).dataset.wamid`)))
	p.waitFor("the user's blue ticks", `(() => {
		const tick = visibleBubbles().filter((b) => b.dataset.author === "user").at(-1).querySelector('[data-testid="tick"]');
		return tick.dataset.status === "read" && tick.classList.contains("read");
	})()`)

	// Two messages to Bob while Alice's chat is open.
	m.inbound(mockwhatsapp.InboundRequest{From: bob, Text: "hello"})
	m.graphSend(fmt.Sprintf(`{"messaging_product":"whatsapp","to":%q,"type":"text","text":{"body":"one"}}`, bob))
	m.graphSend(fmt.Sprintf(`{"messaging_product":"whatsapp","to":%q,"type":"text","text":{"body":"two"}}`, bob))
	badge := `document.querySelector('[data-testid="phone-entry"][data-phone="` + bob + `"] [data-testid="unread-count"]')`
	p.waitFor("Bob's unread count of 2", badge+`.textContent === "2" && !`+badge+`.hidden`)
	p.openChat(bob)
	if got := p.evaluateString(badge + `.hidden + ""`); got != "true" {
		t.Errorf("Bob's unread badge hidden = %s after opening his chat, want true", got)
	}
	if got := p.evaluateString(`visibleBubbles().map((b) => b.textContent).join("|")`); !strings.Contains(got, "one") || !strings.Contains(got, "two") {
		t.Errorf("Bob's chat = %q, want both messages", got)
	}
}

// TestWebChatActions checks what the page's controls send to the mock:
// a reply button, a template quick reply, a simulated image, a Flow form,
// and that clearing empties the conversation.
func TestWebChatActions(t *testing.T) {
	m := startPageMock(t)
	const user = "263770000031"
	m.inbound(mockwhatsapp.InboundRequest{From: user, Text: "hi"})
	m.graphSend(fmt.Sprintf(`{"messaging_product":"whatsapp","to":%q,"type":"interactive","interactive":{"type":"button","body":{"text":"Pick"},"action":{"buttons":[{"type":"reply","reply":{"id":"b_yes","title":"Yes"}},{"type":"reply","reply":{"id":"b_no","title":"No"}}]}}}`, user))
	m.graphSend(fmt.Sprintf(`{"messaging_product":"whatsapp","to":%q,"type":"template","template":{"name":"incoming_notification","language":{"code":"en_US"},"components":[{"type":"body","parameters":[{"type":"text","text":"Alice Example"},{"type":"text","text":"Bob offered you 2.00 USD"}]}]}}`, user))
	m.graphSend(fmt.Sprintf(`{"messaging_product":"whatsapp","to":%q,"type":"interactive","interactive":{"type":"flow","body":{"text":"Tell us your name"},"action":{"name":"flow","parameters":{"flow_message_version":"3","flow_id":"400000000000001","flow_token":"reg-token-1","flow_cta":"Become a member","flow_action":"navigate","flow_action_payload":{"screen":"MEMBER_SIGNUP"}}}}}`, user))

	p := openChatPage(t, m.url)
	p.openNewChat(user)
	seq := p.waitBotMessage(0, "Tell us your name")
	template := p.evaluateString(`visibleBubbles().find((b) => b.querySelector('[data-testid="template-name"]')).textContent`)
	for _, want := range []string{"incoming_notification", "Alice Example", "Bob offered you 2.00 USD"} {
		if !strings.Contains(template, want) {
			t.Errorf("template bubble %q lacks %q", template, want)
		}
	}

	// The mock's one template has no buttons, so a template with a quick
	// reply goes straight into the page, as the event stream would bring
	// it, just after the newest item.
	p.evaluateString(fmt.Sprintf(`render(conversation(%[1]q), {seq: conversation(%[1]q).lastSeq + 0.5, time: new Date().toISOString(), direction: "out",
		body: {type: "template", template: {name: "incoming_notification", language: {code: "en_US"}, components: [
			{type: "body", parameters: [{type: "text", text: "A"}, {type: "text", text: "B"}]},
			{type: "button", sub_type: "quick_reply", index: "0", parameters: [{type: "payload", payload: "offers_in"}]}]}},
		result: {http_status: 200, error: null, id: "wamid.INJECTED"}}, true) || ""`, user))

	p.click("reply-button", "No")
	p.click("template-button", "offers_in")
	p.do("simulate an image",
		chromedp.Click(chromedp.CSS(`[data-testid="simulate-image"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="image-caption"]`), "receipt *42*"),
		chromedp.Click(chromedp.CSS(`[data-testid="image-submit"]`)),
	)
	p.click("flow-button", "Become a member")
	p.do("fill in the form",
		chromedp.SendKeys(chromedp.CSS(`[data-testid="flow-field-value"]`), "Joan"),
		chromedp.SendKeys(chromedp.JSPath(`document.querySelectorAll('[data-testid="flow-field-value"]')[1]`), "Sample"),
		chromedp.Click(chromedp.CSS(`[data-testid="flow-submit"]`)),
	)
	p.waitFor("the four user messages", fmt.Sprintf(`visibleBubbles().filter((b) => b.dataset.author === "user" && Number(b.dataset.seq) > %d).length === 4`, seq))
	if got := p.evaluateString(`visibleBubbles().at(-2).querySelector("strong").textContent`); got != "42" {
		t.Errorf("image caption bold = %q, want 42", got)
	}

	items, err := mockwhatsapp.Messages(context.Background(), m.client, m.url, user, int64(seq))
	if err != nil {
		t.Fatal(err)
	}
	var sent []string
	for _, it := range items {
		if it.Direction == mockwhatsapp.DirectionIn {
			sent = append(sent, string(it.Body))
		}
	}
	wants := []string{
		`"button_reply":{"id":"b_no","title":"No"}`,
		`"button":{"text":"offers_in","payload":"offers_in"}`,
		`"caption":"receipt *42*"`,
		`"response_json":"{\"firstName\":\"Joan\",\"flow_token\":\"reg-token-1\",\"lastName\":\"Sample\"}"`,
	}
	if len(sent) != len(wants) {
		t.Fatalf("the page sent %d messages, want %d: %q", len(sent), len(wants), sent)
	}
	for i, want := range wants {
		if !strings.Contains(sent[i], want) {
			t.Errorf("message %d = %s, want it to contain %s", i, sent[i], want)
		}
	}

	p.do("clear the conversation", chromedp.Click(chromedp.CSS(`[data-testid="clear-conversation"]`)))
	p.waitFor("an empty conversation", `visibleBubbles().length === 0`)
	if after, err := mockwhatsapp.Messages(context.Background(), m.client, m.url, user, 0); err != nil || len(after) != 0 {
		t.Errorf("the mock holds %d items after the clear (err %v), want none", len(after), err)
	}
}

// ---- the page mock: mock WhatsApp in front of a fake bot ----

// pageMock is the mock WhatsApp with the test acting as the bot: the
// webhook returns 200, or 500 for a text containing "please fail", and the
// test sends the replies itself. The mock posts the statuses of each
// accepted send in a random order.
type pageMock struct {
	t      *testing.T
	url    string
	client *http.Client
}

func startPageMock(t *testing.T) *pageMock {
	t.Helper()
	bot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body bytes.Buffer
		body.ReadFrom(r.Body)
		if strings.Contains(body.String(), "please fail") {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(bot.Close)

	mock := mockwhatsapp.New(mockwhatsapp.Config{ShuffleStatuses: true, BotURL: bot.URL})
	srv := httptest.NewServer(mock)
	t.Cleanup(func() {
		mock.Close()
		srv.Close()
	})
	return &pageMock{t: t, url: srv.URL, client: &http.Client{Timeout: 10 * time.Second}}
}

func (m *pageMock) inbound(req mockwhatsapp.InboundRequest) {
	m.t.Helper()
	if _, err := mockwhatsapp.Inbound(context.Background(), m.client, m.url, req); err != nil {
		m.t.Fatalf("inbound from %s: %v", req.From, err)
	}
}

// graphSend posts body to the Graph send endpoint as the bot would, and
// returns the wamid of an accepted send ("" for a refused one).
func (m *pageMock) graphSend(body string) string {
	m.t.Helper()
	req, err := http.NewRequest(http.MethodPost, m.url+"/v21.0/"+devPhoneNumberID+"/messages", strings.NewReader(body))
	if err != nil {
		m.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+devAccessToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := m.client.Do(req)
	if err != nil {
		m.t.Fatalf("graph send: %v", err)
	}
	defer resp.Body.Close()
	var answer struct {
		Messages []struct{ ID string } `json:"messages"`
	}
	json.NewDecoder(resp.Body).Decode(&answer)
	if len(answer.Messages) == 0 {
		return ""
	}
	return answer.Messages[0].ID
}

// waitStatuses waits until the mock recorded n statuses of the message
// wamid sent to user.
func (m *pageMock) waitStatuses(user, wamid string, n int) {
	m.t.Helper()
	deadline := time.Now().Add(browserStepTimeout)
	for {
		items, err := mockwhatsapp.Messages(context.Background(), m.client, m.url, user, 0)
		if err != nil {
			m.t.Fatal(err)
		}
		count := 0
		for _, it := range items {
			if it.Direction == mockwhatsapp.DirectionStatus && strings.Contains(string(it.Body), wamid) {
				count++
			}
		}
		if count >= n {
			return
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("the mock recorded %d statuses of %s, want %d", count, wamid, n)
		}
		time.Sleep(20 * time.Millisecond) // polling the mock, which has no push to a test
	}
}

// ---- the browser ----

// chatPage is the web chat page open in a headless Chromium tab.
type chatPage struct {
	t   *testing.T
	ctx context.Context
}

// pageHelpers are functions the test's scripts use in the page: the
// bubbles of the conversation on screen, the newest bot bubble, and the
// highest seq among the bubbles.
const pageHelpers = `
window.visibleBubbles = () => [...document.querySelectorAll('.conversation:not([hidden]) [data-testid="bubble"]')];
window.newestBot = () => visibleBubbles().filter((b) => b.dataset.author === "bot").at(-1);
window.newestSeq = () => Math.max(0, ...visibleBubbles().map((b) => Number(b.dataset.seq)));
`

// chromiumPath returns the Chromium binary, or skips the test when there
// is none.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if path := os.Getenv("CHROMIUM"); path != "" {
		return path
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	t.Skip("chromium not found: install it with `make test-deps`, or set CHROMIUM to its path")
	return ""
}

// openChatPage starts headless Chromium with a new profile and opens the
// page at baseURL. The flags keep Chromium off the network: no background
// requests, no component or sync traffic, and no host name resolves, so
// only the loopback page loads. Uncaught exceptions in the page fail t.
func openChatPage(t *testing.T, baseURL string) *chatPage {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 860),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	var reportExceptions func()
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		if reportExceptions != nil {
			reportExceptions()
		}
	})

	// The first Run starts the browser and binds it to ctx, so it runs
	// without a timeout. The steps after it get one each.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	p := &chatPage{t: t, ctx: ctx}
	reportExceptions = p.watchExceptions()
	p.do("open the page "+baseURL,
		chromedp.Navigate(baseURL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="message-input"]`)),
		chromedp.Evaluate[chromedp.Void](pageHelpers),
	)
	p.waitFor("the live event stream", `document.querySelector('[data-testid="connection"]').textContent === "live"`)
	return p
}

// watchExceptions collects the uncaught exceptions and unhandled promise
// rejections of the page. The returned function, called after the tab's
// context ended, fails the test for each.
func (p *chatPage) watchExceptions() func() {
	messages := chromedp.Console(p.ctx)
	var mu sync.Mutex
	var exceptions []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() {
				mu.Lock()
				exceptions = append(exceptions, m.String())
				mu.Unlock()
			}
		}
	}()
	return func() {
		<-done // the end of the tab's context ends the iteration
		mu.Lock()
		defer mu.Unlock()
		for _, e := range exceptions {
			p.t.Errorf("page exception: %s", e)
		}
	}
}

func (p *chatPage) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, browserStepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			p.t.Fatalf("%s: timed out after %v. Newest bot message: %q", step, browserStepTimeout, p.newestBotText())
		}
		p.t.Fatalf("%s: %v", step, err)
	}
}

// evaluateString runs a script that returns a string.
func (p *chatPage) evaluateString(script string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, browserStepTimeout)
	defer cancel()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](script))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", script, err)
	}
	return got
}

func (p *chatPage) newestBotText() string {
	ctx, cancel := context.WithTimeout(p.ctx, 2*time.Second)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(window.newestBot && newestBot()) ? newestBot().textContent : "(none)"`))
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	return text
}

// waitFor waits until the script is true in the page.
func (p *chatPage) waitFor(condition, script string) {
	p.t.Helper()
	p.do("wait for "+condition, chromedp.Poll[chromedp.Void](script,
		chromedp.WithPollingInterval(25*time.Millisecond), chromedp.WithPollingTimeout(browserStepTimeout)))
}

// openChat clicks the entry of phone in the side panel.
func (p *chatPage) openChat(phone string) {
	p.t.Helper()
	p.do("open the chat with "+phone,
		chromedp.Click(chromedp.CSS(`[data-testid="phone-entry"][data-phone="`+phone+`"]`), chromedp.NodeVisible))
	p.waitFor("the chat with "+phone, `document.querySelector('.conversation:not([hidden])').dataset.phone === "`+phone+`"`)
}

// openNewChat types phone into the free entry of the side panel.
func (p *chatPage) openNewChat(phone string) {
	p.t.Helper()
	p.do("type the number "+phone,
		chromedp.SendKeys(chromedp.CSS(`[data-testid="phone-input"]`), phone),
		chromedp.Click(chromedp.CSS(`[data-testid="phone-open"]`)),
	)
	p.waitFor("the chat with "+phone, `document.querySelector('.conversation:not([hidden])').dataset.phone === "`+phone+`"`)
}

// send types text in the message box, clicks Send, waits for the user's
// bubble and returns its seq.
func (p *chatPage) send(text string) int {
	p.t.Helper()
	before := p.newestSeq()
	p.do("type "+text,
		chromedp.SendKeys(chromedp.CSS(`[data-testid="message-input"]`), text),
		chromedp.Click(chromedp.CSS(`[data-testid="send-button"]`)),
	)
	return p.waitBubble(before, "user", text)
}

// waitBotMessage waits for a bot bubble newer than seq that contains text,
// and returns its seq.
func (p *chatPage) waitBotMessage(seq int, text string) int {
	p.t.Helper()
	return p.waitBubble(seq, "bot", text)
}

func (p *chatPage) waitBubble(seq int, author, text string) int {
	p.t.Helper()
	quoted, _ := json.Marshal(text)
	find := fmt.Sprintf(`visibleBubbles().find((b) => Number(b.dataset.seq) > %d && b.dataset.author === %q && b.textContent.includes(%s))`, seq, author, quoted)
	p.waitFor(fmt.Sprintf("a %s message after seq %d containing %q", author, seq, text), find)
	var got int
	if _, err := fmt.Sscan(p.evaluateString(find+`.dataset.seq`), &got); err != nil {
		p.t.Fatalf("read seq: %v", err)
	}
	return got
}

func (p *chatPage) newestSeq() int {
	p.t.Helper()
	var seq int
	fmt.Sscan(p.evaluateString(`newestSeq() + ""`), &seq)
	return seq
}

// click clicks the newest button with the test id whose label contains
// label, in the conversation on screen.
func (p *chatPage) click(testID, label string) {
	p.t.Helper()
	quoted, _ := json.Marshal(label)
	path := fmt.Sprintf(`[...document.querySelectorAll('.conversation:not([hidden]) [data-testid=%q]')].filter((b) => b.textContent.includes(%s)).at(-1)`, testID, quoted)
	// The element's own click(), not a mouse click at its coordinates:
	// new bubbles scroll the chat, and a moved button would miss.
	p.do(fmt.Sprintf("wait for the %s %q", testID, label), chromedp.WaitVisible(chromedp.JSPath(path)))
	p.evaluateString(path + `.click(), "clicked"`)
}

func (p *chatPage) hasButton(label string) bool {
	quoted, _ := json.Marshal(label)
	return p.evaluateString(fmt.Sprintf(`!!newestBot() && [...newestBot().querySelectorAll("button")].some((b) => b.textContent === %s) + ""`, quoted)) == "true"
}

// tapRow taps the first row of the open list sheet whose text contains
// label.
func (p *chatPage) tapRow(label string) {
	p.t.Helper()
	quoted, _ := json.Marshal(label)
	path := fmt.Sprintf(`[...document.querySelectorAll('#list-sheet:not([hidden]) [data-testid="list-row"]')].find((r) => r.textContent.includes(%s))`, quoted)
	p.do(fmt.Sprintf("tap the list row %q", label), chromedp.Click(chromedp.JSPath(path), chromedp.NodeVisible))
	p.waitFor("the list sheet to close", `document.querySelector('[data-testid="list-sheet"]').hidden`)
}

// screenshot saves the viewport as a PNG: to testdata with -update, else
// to the test's temporary folder.
func (p *chatPage) screenshot(name string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, browserStepTimeout)
	defer cancel()
	// Clicks reset the viewport, so the size is set here, just before.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 860)); err != nil {
		p.t.Fatalf("set the viewport: %v", err)
	}
	p.waitFor("the chat to settle at the new size", `new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))`)
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatalf("screenshot: %v", err)
	}
	dir := p.t.TempDir()
	if *update {
		dir = "testdata"
		if err := os.MkdirAll(dir, 0o755); err != nil {
			p.t.Fatal(err)
		}
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("screenshot of the chat: %s", path)
}
