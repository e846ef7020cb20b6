// The mock WhatsApp web chat. It uses only the mock's endpoints:
// POST /mock/inbound, GET /mock/conversations, GET and DELETE
// /mock/conversations/{user}, and GET /mock/events.
"use strict";

const $ = (id) => document.getElementById(id);

const businessNumber = document.body.dataset.businessNumber;
const demoMembers = JSON.parse($("demo-members").textContent);

// Tick ranks. A tick only ever moves up, because statuses and read receipts
// may arrive out of order. User messages: "recorded" (the mock stored it),
// "delivered" (the bot returned 200 for the webhook delivery), "read" (the bot
// marked it as read). Bot messages: sent, delivered, read.
const tickRank = { "": 0, recorded: 1, sent: 1, delivered: 2, read: 3 };
const tickMarks = { recorded: "✓", sent: "✓", delivered: "✓✓", read: "✓✓" };

const state = {
  current: null,               // the conversation on screen
  conversations: new Map(),    // user → conversation
  backlog: null,               // live items held during the catch-up
  flowFieldNames: ["firstName", "lastName"], // fields of the last form sent
};

// ---- conversations ----

// conversation returns the record of user, creating it (and its list entry
// and message pane) on first use.
function conversation(user) {
  let conv = state.conversations.get(user);
  if (conv) return conv;

  const demo = demoMembers.find((m) => m.phone === user) || {};
  conv = {
    user,
    name: demo.name || "",
    note: demo.note || "",
    profileName: "",          // sent as the profile name when set
    pane: document.createElement("div"),
    entry: null,
    lastSeq: 0,
    lastDay: "",
    bubbles: new Map(),       // wamid → bubble element
    marks: new Map(),         // wamid → tick state that arrived before its bubble
    warnings: new Map(),      // wamid → the bot's HTTP status for the webhook delivery, when not 200
    lastFlow: null,           // parameters of the newest Flow message
    syncs: 0,                 // fetches queued or running
    syncChain: Promise.resolve(),
    pending: null,            // live items buffered while fetches run
    unread: 0,
    preview: "",
    previewTime: "",
  };
  conv.pane.className = "conversation";
  conv.pane.dataset.testid = "conversation";
  conv.pane.dataset.phone = user;
  conv.pane.hidden = true;
  $("messages").append(conv.pane);
  state.conversations.set(user, conv);
  conv.entry = chatEntry(conv);
  updateEntry(conv);
  return conv;
}

// sync fetches the items of conv newer than the last one shown. Live items
// that arrive meanwhile are buffered, then shown in order, so that none is
// lost or shown twice.
function sync(conv) {
  conv.syncs++;
  if (!conv.pending) conv.pending = [];
  conv.syncChain = conv.syncChain.then(async () => {
    try {
      const url = `/mock/conversations/${encodeURIComponent(conv.user)}/messages?after=${conv.lastSeq}`;
      const resp = await fetch(url);
      if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
      const page = await resp.json();
      const live = conv.lastSeq > 0;
      for (const item of page.messages || []) render(conv, item, live);
    } catch (err) {
      setStatus(`Could not load the conversation of ${conv.user}: ${err.message}`, true);
    } finally {
      conv.syncs--;
      if (conv.syncs === 0) {
        const buffered = conv.pending.sort((a, b) => a.seq - b.seq);
        conv.pending = null;
        for (const item of buffered) render(conv, item, true);
      }
    }
  });
  return conv.syncChain;
}

// receive handles one live item. While the catch-up after (re)connecting
// has not scheduled its fetches yet, items wait in state.backlog, because
// an item shown before its conversation's history would hide that history.
function receive(item) {
  if (state.backlog) {
    state.backlog.push(item);
    return;
  }
  const conv = conversation(item.user);
  if (conv.pending) conv.pending.push(item);
  else render(conv, item, true);
}

function forget(conv) {
  conv.pane.replaceChildren();
  conv.lastSeq = 0;
  conv.lastDay = "";
  conv.bubbles.clear();
  conv.marks.clear();
  conv.warnings.clear();
  conv.lastFlow = null;
  conv.unread = 0;
  conv.preview = "";
  conv.previewTime = "";
  updateEntry(conv);
}

function select(user) {
  const conv = conversation(user);
  if (state.current === conv) return;
  if (state.current) {
    state.current.pane.hidden = true;
    state.current.entry.classList.remove("active");
  }
  state.current = conv;
  conv.pane.hidden = false;
  conv.entry.classList.add("active");
  conv.unread = 0;
  updateEntry(conv);
  updateHeader();
  localStorage.setItem("mockwhatsapp.user", user);
  scrollToEnd(true);
  $("text").focus();
}

function displayName(conv) {
  return conv.name || conv.profileName || conv.user;
}

// ---- the side panel ----

function chatEntry(conv) {
  const li = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "chat-entry";
  button.dataset.testid = "phone-entry";
  button.dataset.phone = conv.user;
  button.innerHTML = `
    <span class="avatar" aria-hidden="true"></span>
    <span class="entry-text">
      <span class="entry-top"><span class="entry-name"></span><span class="entry-phone"></span><span class="entry-time"></span></span>
      <span class="entry-bottom"><span class="entry-preview"></span><span class="unread" data-testid="unread-count" hidden></span></span>
    </span>`;
  button.addEventListener("click", () => select(conv.user));
  li.append(button);
  $("chat-list").append(li);
  return button;
}

function updateEntry(conv) {
  const e = conv.entry;
  const name = displayName(conv);
  e.querySelector(".avatar").textContent = avatarLetter(conv);
  e.querySelector(".entry-name").textContent = name;
  e.querySelector(".entry-phone").textContent = name === conv.user ? "" : conv.user;
  e.querySelector(".entry-time").textContent = conv.previewTime;
  e.querySelector(".entry-preview").textContent = conv.preview || conv.note || " ";
  const badge = e.querySelector(".unread");
  badge.hidden = conv.unread === 0;
  badge.textContent = String(conv.unread);
  e.classList.toggle("has-unread", conv.unread > 0);
  e.title = name;
  sortEntries();
  if (conv === state.current) updateHeader();
}

// sortEntries puts the most recently active conversations first, as
// WhatsApp does. Quiet ones keep the order they were added in.
function sortEntries() {
  const list = $("chat-list");
  const items = [...state.conversations.values()];
  const order = new Map(items.map((c, i) => [c, i]));
  items.sort((a, b) => (b.lastSeq - a.lastSeq) || (order.get(a) - order.get(b)));
  items.forEach((c, i) => {
    if (list.children[i] !== c.entry.parentElement) list.insertBefore(c.entry.parentElement, list.children[i] || null);
  });
}

function avatarLetter(conv) {
  const name = conv.name || conv.profileName;
  return name ? name.trim().charAt(0).toUpperCase() : "#";
}

function updateHeader() {
  const conv = state.current;
  if (!conv) return;
  $("chat-avatar").textContent = avatarLetter(conv);
  $("chat-name").textContent = displayName(conv);
  const parts = [conv.user];
  if (conv.note && !conv.name) parts.push(conv.note);
  parts.push(`chatting with business ${businessNumber}`);
  $("chat-subtitle").textContent = conv.typingUntil > Date.now() ? "typing…" : parts.join(" · ");
}

// ---- sending as the user ----

async function sendInbound(fields) {
  const conv = state.current;
  if (!conv) {
    setStatus("Choose a chat or type a phone number first.", true);
    return;
  }
  const body = Object.assign({ from: conv.user }, fields);
  if (conv.profileName) body.name = conv.profileName;
  let resp, result;
  try {
    resp = await fetch("/mock/inbound", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    result = await resp.json();
  } catch (err) {
    setStatus(`POST /mock/inbound failed: ${err.message}`, true);
    return;
  }

  if (!resp.ok) {
    // 400: the mock rejected the request. 502: the bot was unreachable,
    // and the message was recorded under details.wamid.
    const details = result.details || {};
    if (details.wamid) warnDelivery(conv, details.wamid, 0);
    setStatus(`Not delivered: ${result.error}`, true);
    return;
  }
  if (result.status === 200) {
    markTick(conv, result.wamid, "delivered");
    setStatus("");
  } else {
    warnDelivery(conv, result.wamid, result.status);
    setStatus(`The bot answered the webhook delivery with HTTP ${result.status}.`, true);
  }
}

function setStatus(text, isError) {
  $("status").textContent = text;
  $("status").classList.toggle("error", Boolean(isError));
}

// ---- rendering conversation items ----

// render shows one item of conv. Items at or below the last seq shown are
// skipped, so a fetch and the event stream may both deliver an item.
function render(conv, item, live) {
  if (item.seq <= conv.lastSeq) return;
  const stick = conv === state.current && nearEnd();
  conv.lastSeq = item.seq;

  if (item.direction === "in") renderInbound(conv, item);
  else if (item.direction === "out") renderOutbound(conv, item, live);
  else if (item.direction === "status") renderStatus(conv, item.body);

  updateEntry(conv);
  if (stick) scrollToEnd(false);
}

function renderInbound(conv, item) {
  const m = item.body;
  const div = bubble(conv, item, "user", inboundHTML(m));
  div.dataset.wamid = m.id;
  addMeta(div, item, true);
  conv.bubbles.set(m.id, div);
  setPreview(conv, item, inboundPreview(m));

  markTick(conv, m.id, "recorded");
  if (conv.marks.has(m.id)) markTick(conv, m.id, conv.marks.get(m.id));
  if (conv.warnings.has(m.id)) warnDelivery(conv, m.id, conv.warnings.get(m.id));
}

function inboundHTML(m) {
  switch (m.type) {
    case "text": return formatWhatsApp(m.text.body);
    case "interactive": return inboundInteractive(m.interactive);
    case "button": return `<span class="reply-kind">Quick reply</span>${escapeHTML(m.button.text || m.button.payload)}`;
    case "image":
      return `<div class="image-placeholder" aria-label="image">📷</div>` +
        (m.image.caption ? formatWhatsApp(m.image.caption) : "");
    case "reaction": return `Reacted ${escapeHTML(m.reaction.emoji || "(reaction removed)")}`;
    case "location": return `📍 ${escapeHTML(m.location.latitude)}, ${escapeHTML(m.location.longitude)}`;
    case "sticker": return "🖼 Sticker";
    default: return `<em>${escapeHTML(m.type)} message</em>`;
  }
}

function inboundInteractive(i) {
  if (i.type === "button_reply") return escapeHTML(i.button_reply.title || i.button_reply.id);
  if (i.type === "list_reply") {
    const r = i.list_reply;
    return escapeHTML(r.title || r.id) + (r.description ? `<div class="reply-description">${escapeHTML(r.description)}</div>` : "");
  }
  if (i.type === "nfm_reply") {
    return `<span class="reply-kind">Form sent</span><code class="mono">${escapeHTML(i.nfm_reply.response_json)}</code>`;
  }
  return escapeHTML(i.type);
}

function inboundPreview(m) {
  switch (m.type) {
    case "text": return plainText(m.text.body);
    case "interactive": {
      const i = m.interactive;
      const choice = i.button_reply || i.list_reply;
      return choice ? choice.title || choice.id : "Form sent";
    }
    case "button": return m.button.text || m.button.payload;
    case "image": return "📷 " + (m.image.caption || "Photo");
    default: return m.type;
  }
}

function renderOutbound(conv, item, live) {
  const m = item.body;
  if (m.status) {
    // A read receipt, maybe with a typing indicator: it marks the user's
    // message as read and creates no bubble.
    markTick(conv, m.message_id, "read");
    if (m.typing_indicator) showTyping(conv);
    return;
  }
  conv.typingUntil = 0;

  const error = item.result && item.result.error;
  const div = bubble(conv, item, "bot", outboundHTML(m));
  if (error) {
    div.classList.add("refused");
    const mark = document.createElement("div");
    mark.className = "error-mark";
    mark.dataset.testid = "error-mark";
    mark.textContent = `✖ Refused, error ${error.code}: ${(error.error_data && error.error_data.details) || error.message}`;
    div.append(mark);
  }
  addMeta(div, item, !error);
  if (!error) addChoices(conv, div, m);

  const wamid = item.result && item.result.id;
  if (wamid) {
    div.dataset.wamid = wamid;
    conv.bubbles.set(wamid, div);
    if (conv.marks.has(wamid)) markTick(conv, wamid, conv.marks.get(wamid));
  }
  setPreview(conv, item, error ? `✖ refused ${error.code}` : outboundPreview(m));
  if (live && conv !== state.current) conv.unread++;
}

function outboundHTML(m) {
  if (m.type === "template" && m.template) return templateHTML(m.template);
  if (m.type === "interactive" && m.interactive) {
    const i = m.interactive;
    let html = "";
    if (i.header && i.header.text) html += `<div class="msg-header">${formatWhatsApp(i.header.text)}</div>`;
    html += `<div class="msg-body">${formatWhatsApp(i.body ? i.body.text : "")}</div>`;
    if (i.footer && i.footer.text) html += `<div class="msg-footer">${formatWhatsApp(i.footer.text)}</div>`;
    return html;
  }
  if (m.type === "text" && m.text) return `<div class="msg-body">${formatWhatsApp(m.text.body)}</div>`;
  return `<em>${escapeHTML(m.type)} message</em>`;
}

// templateHTML shows a template by its name, language and body parameters,
// because the page does not know the approved template text.
function templateHTML(t) {
  const params = [];
  for (const c of t.components || []) {
    if (c.type !== "body" && c.type !== "header") continue;
    for (const p of c.parameters || []) params.push(p.text !== undefined ? p.text : JSON.stringify(p));
  }
  const lang = t.language && t.language.code ? ` (${escapeHTML(t.language.code)})` : "";
  let html = `<div class="template-name" data-testid="template-name">📄 Template <strong>${escapeHTML(t.name)}</strong>${lang}</div>`;
  html += `<ol class="template-params" data-testid="template-params">` +
    params.map((p) => `<li>${escapeHTML(p)}</li>`).join("") + `</ol>`;
  return html;
}

function outboundPreview(m) {
  if (m.type === "template" && m.template) return "📄 " + m.template.name;
  if (m.type === "interactive" && m.interactive) return plainText(m.interactive.body ? m.interactive.body.text : "");
  if (m.type === "text" && m.text) return plainText(m.text.body);
  return m.type;
}

function bubble(conv, item, author, html) {
  addDaySeparator(conv, item);
  const div = document.createElement("div");
  div.className = `bubble ${author}`;
  div.dataset.testid = "bubble";
  div.dataset.author = author;
  div.dataset.seq = String(item.seq);
  const content = document.createElement("div");
  content.className = "content";
  content.innerHTML = html;
  div.append(content);
  conv.pane.append(div);
  return div;
}

function addMeta(div, item, withTick) {
  const meta = document.createElement("div");
  meta.className = "meta";
  const time = document.createElement("time");
  time.dateTime = item.time;
  time.textContent = clock(item.time);
  meta.append(time);
  if (withTick) {
    const tick = document.createElement("span");
    tick.className = "tick";
    tick.dataset.testid = "tick";
    tick.dataset.status = "";
    meta.append(tick);
  }
  div.append(meta);
}

function addDaySeparator(conv, item) {
  const day = new Date(item.time).toDateString();
  if (day === conv.lastDay) return;
  conv.lastDay = day;
  const chip = document.createElement("div");
  chip.className = "day";
  chip.textContent = day === new Date().toDateString() ? "Today" : day;
  conv.pane.append(chip);
}

// markTick raises the tick of the message wamid to status. Ticks never move
// down. A status for a bubble not shown yet is kept for it.
function markTick(conv, wamid, status) {
  if (!wamid) return;
  const div = conv.bubbles.get(wamid);
  const tick = div && div.querySelector(".tick");
  if (!tick) {
    const earlier = conv.marks.get(wamid) || "";
    if (tickRank[status] > tickRank[earlier]) conv.marks.set(wamid, status);
    return;
  }
  if (tickRank[status] <= tickRank[tick.dataset.status]) return;
  tick.dataset.status = status;
  tick.textContent = tickMarks[status];
  tick.classList.toggle("read", status === "read");
  tick.title = status;
}

// warnDelivery marks the user's message wamid with the bot's HTTP status
// for its webhook delivery.
// TODO: show it for messages sent by tests or `vimbiso chat` too. Only the
// POST /mock/inbound response carries the status, so only messages sent
// from this page get the mark.
function warnDelivery(conv, wamid, httpStatus) {
  const div = conv.bubbles.get(wamid);
  if (!div) {
    conv.warnings.set(wamid, httpStatus);
    return;
  }
  if (div.querySelector(".delivery-warning")) return;
  const warning = document.createElement("div");
  warning.className = "delivery-warning";
  warning.dataset.testid = "delivery-warning";
  warning.textContent = httpStatus === 0
    ? "⚠ The bot was unreachable: the webhook delivery failed."
    : `⚠ The bot answered the webhook delivery with HTTP ${httpStatus}.`;
  div.insertBefore(warning, div.querySelector(".meta"));
}

function renderStatus(conv, st) {
  if (st.status !== "failed") {
    if (tickRank[st.status] !== undefined) markTick(conv, st.id, st.status);
    return;
  }
  const div = conv.bubbles.get(st.id);
  if (!div || div.querySelector(".error-mark")) return;
  const e = (st.errors || [])[0] || {};
  const mark = document.createElement("div");
  mark.className = "error-mark";
  mark.dataset.testid = "error-mark";
  mark.textContent = `✖ Failed, error ${e.code}: ${(e.error_data && e.error_data.details) || e.title || e.message || ""}`;
  div.classList.add("refused");
  div.insertBefore(mark, div.querySelector(".meta"));
}

function setPreview(conv, item, text) {
  conv.preview = text;
  conv.previewTime = clock(item.time);
}

// showTyping shows "typing…" in the header, as WhatsApp does after a read
// receipt with a typing indicator: until the next message, at most 25 s.
function showTyping(conv) {
  conv.typingUntil = Date.now() + 25000;
  updateHeader();
  setTimeout(updateHeader, 25100);
}

function clock(time) {
  const d = new Date(time);
  if (Number.isNaN(d.getTime())) return "";
  return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function nearEnd() {
  const box = $("messages");
  return box.scrollHeight - box.scrollTop - box.clientHeight < 80;
}

function scrollToEnd(now) {
  const box = $("messages");
  if (now) box.scrollTop = box.scrollHeight;
  else requestAnimationFrame(() => { box.scrollTop = box.scrollHeight; });
}

// ---- reply buttons, lists, Flows and template quick replies ----

// addChoices adds the tappable parts of a message below its text: reply
// buttons, the list button, the Flow call to action, or the quick replies
// of a template.
function addChoices(conv, div, m) {
  const box = document.createElement("div");
  box.className = "choices";
  const i = m.interactive;
  if (m.type === "interactive" && i && i.action) {
    if (i.type === "button") {
      for (const b of i.action.buttons || []) {
        const reply = b.reply || {};
        box.append(choiceButton(reply.title, "reply-button", reply.id, () =>
          sendInbound({ type: "button_reply", id: reply.id, title: reply.title })));
      }
    } else if (i.type === "list") {
      box.append(choiceButton("☰ " + (i.action.button || "Choose"), "list-button", "", () => openList(i.action)));
    } else if (i.type === "flow") {
      const p = i.action.parameters || {};
      conv.lastFlow = p;
      box.append(choiceButton(p.flow_cta || "Open form", "flow-button", p.flow_token || "", () => openFlow(p)));
    }
  } else if (m.type === "template" && m.template) {
    for (const c of m.template.components || []) {
      if (c.type !== "button") continue;
      for (const p of c.parameters || []) {
        if (!p.payload) continue;
        // TODO: label the button with its text from the approved template,
        // which the send request does not carry. The payload is shown instead.
        box.append(choiceButton(p.payload, "template-button", p.payload, () =>
          sendInbound({ type: "button", payload: p.payload, text: p.payload })));
      }
    }
  }
  if (box.children.length > 0) div.append(box);
}

function choiceButton(label, testid, id, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.dataset.testid = testid;
  if (id) b.dataset.id = id;
  b.addEventListener("click", onClick);
  return b;
}

function openList(action) {
  $("list-title").textContent = action.button || "Choose";
  const sections = $("list-sections");
  sections.replaceChildren();
  for (const section of action.sections || []) {
    if (section.title) {
      const h = document.createElement("h3");
      h.textContent = section.title;
      sections.append(h);
    }
    for (const row of section.rows || []) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "list-row";
      b.dataset.testid = "list-row";
      b.dataset.id = row.id;
      const title = document.createElement("span");
      title.className = "row-title";
      title.textContent = row.title;
      b.append(title);
      if (row.description) {
        const small = document.createElement("span");
        small.className = "row-description";
        small.textContent = row.description;
        b.append(small);
      }
      b.addEventListener("click", () => {
        $("list-sheet").hidden = true;
        const reply = { type: "list_reply", id: row.id, title: row.title };
        if (row.description) reply.description = row.description;
        sendInbound(reply);
      });
      sections.append(b);
    }
  }
  $("list-sheet").hidden = false;
}

// openFlow opens the form for a Flow reply. Without parameters it uses the
// newest Flow message of the conversation, if any.
function openFlow(parameters) {
  const p = parameters || (state.current && state.current.lastFlow) || {};
  $("flow-title").textContent = p.flow_cta || "Send form";
  $("flow-token").value = p.flow_token || "";
  const fields = $("flow-fields");
  fields.replaceChildren();
  // TODO: take the field names from the Flow's screen, which the page
  // cannot see. It offers the names of the last form sent instead.
  for (const name of state.flowFieldNames) addFlowField(name, "");
  $("flow-sheet").hidden = false;
  const first = fields.querySelector("input.value");
  if (first) first.focus();
}

function addFlowField(name, value) {
  const row = document.createElement("div");
  row.className = "flow-field";
  row.innerHTML = `<input class="name" type="text" autocomplete="off" placeholder="field name" aria-label="Field name" data-testid="flow-field-name">` +
    `<input class="value" type="text" autocomplete="off" placeholder="value" aria-label="Field value" data-testid="flow-field-value">`;
  row.querySelector(".name").value = name;
  row.querySelector(".value").value = value;
  $("flow-fields").append(row);
}

function submitFlow(event) {
  event.preventDefault();
  const fields = {};
  for (const row of $("flow-fields").querySelectorAll(".flow-field")) {
    const name = row.querySelector(".name").value.trim();
    if (name) fields[name] = row.querySelector(".value").value;
  }
  if (Object.keys(fields).length > 0) state.flowFieldNames = Object.keys(fields);
  const request = { type: "flow", fields };
  const token = $("flow-token").value.trim();
  if (token) request.flow_token = token;
  $("flow-sheet").hidden = true;
  sendInbound(request);
}

// ---- live updates ----

function connect() {
  const events = new EventSource("/mock/events");
  events.addEventListener("open", async () => {
    state.backlog = state.backlog || [];
    $("connection").textContent = "live";
    $("connection").classList.add("live");
    // Catch up on what happened before the stream opened or while it was
    // down: every conversation the mock has, then each one shown here.
    try {
      const resp = await fetch("/mock/conversations");
      const list = await resp.json();
      for (const c of list.conversations || []) {
        const conv = conversation(c.user);
        if (!conv.name && !conv.profileName && c.name) conv.profileName = c.name;
        if (c.last_seq > conv.lastSeq && conv.lastSeq === 0) sync(conv);
      }
    } catch (err) {
      setStatus(`GET /mock/conversations failed: ${err.message}`, true);
    }
    for (const conv of state.conversations.values()) {
      if (conv.lastSeq > 0) sync(conv);
    }
    const backlog = state.backlog;
    state.backlog = null;
    for (const item of backlog) receive(item);
  });
  events.addEventListener("error", () => {
    $("connection").textContent = "reconnecting…";
    $("connection").classList.remove("live");
  });
  events.addEventListener("item", (e) => receive(JSON.parse(e.data)));
  events.addEventListener("cleared", (e) => {
    const conv = state.conversations.get(JSON.parse(e.data).user);
    if (conv) forget(conv);
  });
}

// ---- wiring ----

function init() {
  for (const m of demoMembers) conversation(m.phone);
  const saved = JSON.parse(localStorage.getItem("mockwhatsapp.extra") || "[]");
  for (const user of saved) conversation(user);
  select(localStorage.getItem("mockwhatsapp.user") || demoMembers[0].phone);

  $("new-chat").addEventListener("submit", (e) => {
    e.preventDefault();
    const user = $("new-phone").value.replace(/[\s+()-]/g, "");
    if (!user) return;
    const conv = conversation(user);
    const name = $("new-name").value.trim();
    if (name) {
      conv.profileName = name;
      updateEntry(conv);
    }
    const extra = new Set(JSON.parse(localStorage.getItem("mockwhatsapp.extra") || "[]"));
    if (!demoMembers.some((m) => m.phone === user)) extra.add(user);
    localStorage.setItem("mockwhatsapp.extra", JSON.stringify([...extra]));
    $("new-phone").value = "";
    $("new-name").value = "";
    select(user);
    sync(conv);
  });

  $("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = $("text").value;
    if (!text.trim()) return;
    $("text").value = "";
    sendInbound({ type: "text", text });
  });

  $("image").addEventListener("click", () => {
    $("image-caption").value = "";
    $("image-sheet").hidden = false;
    $("image-caption").focus();
  });
  $("image-sheet").addEventListener("submit", (e) => {
    e.preventDefault();
    $("image-sheet").hidden = true;
    const caption = $("image-caption").value;
    sendInbound(caption ? { type: "image", caption } : { type: "image" });
  });
  $("image-close").addEventListener("click", () => { $("image-sheet").hidden = true; });

  $("form").addEventListener("click", () => openFlow(null));
  $("flow-add").addEventListener("click", () => addFlowField("", ""));
  $("flow-sheet").addEventListener("submit", submitFlow);
  $("flow-close").addEventListener("click", () => { $("flow-sheet").hidden = true; });
  $("list-close").addEventListener("click", () => { $("list-sheet").hidden = true; });
  for (const sheet of document.querySelectorAll(".sheet")) {
    // A tap on the shade outside the sheet closes it.
    sheet.addEventListener("click", (e) => { if (e.target === sheet) sheet.hidden = true; });
  }
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") for (const sheet of document.querySelectorAll(".sheet")) sheet.hidden = true;
  });

  $("clear").addEventListener("click", async () => {
    const conv = state.current;
    if (!conv) return;
    const resp = await fetch(`/mock/conversations/${encodeURIComponent(conv.user)}`, { method: "DELETE" });
    setStatus(resp.ok ? `Conversation with ${conv.user} cleared.` : `Clear failed: HTTP ${resp.status}`, !resp.ok);
  });

  connect();
}

init();
