// The mock WhatsApp web chat. It uses only the mock's endpoints:
// POST /mock/inbound, GET and DELETE /mock/conversations/{user},
// GET /mock/conversations and GET /mock/events.
"use strict";

// TODO: test the page in a browser. Overlapping reloads (a user switch during
// a reconnect) can still drop live events that arrive meanwhile.

const $ = (id) => document.getElementById(id);
// pending buffers live events while a reload is fetching the conversation.
const state = { user: "", lastSeq: 0, bubbles: new Map(), lastFlow: null, pending: null };

// ---- the current user ----

function currentUser() {
  const picked = $("phone-picker").value;
  return picked !== "" ? picked : $("phone-entry").value.trim();
}

function switchUser() {
  $("phone-entry").hidden = $("phone-picker").value !== "";
  const user = currentUser();
  if (user === state.user) return;
  state.user = user;
  localStorage.setItem("mockwhatsapp.user", user);
  reload();
}

async function reload() {
  $("messages").replaceChildren();
  state.lastSeq = 0;
  state.bubbles.clear();
  state.lastFlow = null;
  if (!state.user) return;
  const user = state.user;
  state.pending = [];
  try {
    const resp = await fetch(`/mock/conversations/${encodeURIComponent(user)}/messages?after=0`);
    const page = await resp.json();
    if (user !== state.user) return;
    for (const item of page.messages || []) render(item);
  } catch (err) {
    setStatus(`GET conversation failed: ${err}`, true);
  } finally {
    const pending = state.pending || [];
    state.pending = null;
    for (const item of pending) if (item.user === state.user) render(item);
  }
}

// ---- sending as the user ----

async function sendInbound(fields) {
  if (!state.user) {
    setStatus("choose or type a phone number first", true);
    return;
  }
  const body = Object.assign({ from: state.user }, fields);
  const name = $("profile-name").value.trim();
  if (name) body.name = name;
  try {
    const resp = await fetch("/mock/inbound", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const result = await resp.json();
    if (!resp.ok) {
      setStatus(`not delivered: ${result.error}`, true);
    } else {
      setStatus(`delivered ${result.wamid}, bot answered HTTP ${result.status}`, result.status !== 200);
    }
  } catch (err) {
    setStatus(`POST /mock/inbound failed: ${err}`, true);
  }
}

function setStatus(text, isError) {
  $("status").textContent = text;
  $("status").classList.toggle("error", Boolean(isError));
}

// ---- rendering conversation items ----

function render(item) {
  if (item.seq <= state.lastSeq) return;
  state.lastSeq = item.seq;
  if (item.direction === "in") renderInbound(item);
  else if (item.direction === "out") renderOutbound(item);
  else if (item.direction === "status") renderStatus(item.body);
  const list = $("messages");
  list.scrollTop = list.scrollHeight;
}

function bubble(kind, html) {
  const div = document.createElement("div");
  div.className = `bubble ${kind}`;
  div.innerHTML = html;
  $("messages").append(div);
  return div;
}

function renderInbound(item) {
  const m = item.body;
  let html;
  switch (m.type) {
    case "text": html = formatWhatsApp(m.text.body); break;
    case "interactive": html = inboundInteractive(m.interactive); break;
    case "button": html = "🔘 " + escapeHTML(m.button.text); break;
    case "image": html = "📷 image" + (m.image.caption ? "<br>" + formatWhatsApp(m.image.caption) : ""); break;
    case "reaction": html = "reacted " + escapeHTML(m.reaction.emoji || "(removed)"); break;
    case "location": html = `📍 ${m.location.latitude}, ${m.location.longitude}`; break;
    default: html = `<em>${escapeHTML(m.type)} message</em>`;
  }
  const div = bubble("user", html + `<div class="meta">${time(item)}</div>`);
  state.bubbles.set(m.id, div);
}

function inboundInteractive(i) {
  if (i.type === "button_reply") return "🔘 " + escapeHTML(i.button_reply.title);
  if (i.type === "list_reply") return "📋 " + escapeHTML(i.list_reply.title);
  if (i.type === "nfm_reply") return "📝 form sent: <code>" + escapeHTML(i.nfm_reply.response_json) + "</code>";
  return escapeHTML(i.type);
}

function renderOutbound(item) {
  const m = item.body;
  if (m.status === "read") {
    const read = state.bubbles.get(m.message_id);
    if (read) read.querySelector(".meta").insertAdjacentHTML("beforeend", ' <span class="read">✓✓</span>');
    return;
  }
  const refused = item.result && item.result.error;
  const div = bubble(refused ? "bot refused" : "bot", outboundBody(m));
  if (refused) {
    const e = item.result.error;
    div.insertAdjacentHTML("beforeend",
      `<span class="error-mark">✖ refused ${e.code}: ${escapeHTML(e.error_data.details)}</span>`);
  } else {
    addChoices(div, m);
  }
  div.insertAdjacentHTML("beforeend", `<div class="meta">${time(item)} <span class="tick"></span></div>`);
  if (item.result && item.result.id) state.bubbles.set(item.result.id, div);
}

function outboundBody(m) {
  if (m.type === "template" && m.template) {
    const params = (m.template.components || []).flatMap((c) => (c.parameters || []).map((p) => p.text));
    return `<em>template ${escapeHTML(m.template.name)}</em><br>` + params.map(escapeHTML).join("<br>");
  }
  if (m.type === "interactive" && m.interactive) {
    const i = m.interactive;
    let html = "";
    if (i.header && i.header.text) html += `<div class="header">${formatWhatsApp(i.header.text)}</div>`;
    html += formatWhatsApp(i.body ? i.body.text : "");
    if (i.footer && i.footer.text) html += `<div class="footer">${escapeHTML(i.footer.text)}</div>`;
    return html;
  }
  return formatWhatsApp(m.text ? m.text.body : `(${m.type} message)`);
}

// addChoices adds the tappable parts of a message: reply buttons, the list
// button, or the Flow call to action.
function addChoices(div, m) {
  const i = m.interactive;
  if (m.type !== "interactive" || !i || !i.action) return;
  const box = document.createElement("div");
  box.className = "choices";
  if (i.type === "button") {
    for (const b of i.action.buttons || []) {
      box.append(choiceButton(b.reply.title, () =>
        sendInbound({ type: "button_reply", id: b.reply.id, title: b.reply.title })));
    }
  } else if (i.type === "list") {
    box.append(choiceButton("☰ " + i.action.button, () => openList(i.action)));
  } else if (i.type === "flow") {
    state.lastFlow = i.action.parameters || null;
    box.append(choiceButton(i.action.parameters ? i.action.parameters.flow_cta : "Open form", () => openFlow()));
  }
  div.append(box);
}

function choiceButton(label, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

function renderStatus(st) {
  const div = state.bubbles.get(st.id);
  if (!div) return;
  const tick = div.querySelector(".tick");
  if (!tick) return;
  const marks = { sent: "✓", delivered: "✓✓", read: '<span class="read">✓✓</span>' };
  if (st.status === "failed") {
    const e = (st.errors || [])[0] || {};
    tick.innerHTML = `<span class="error-mark">⚠ failed ${escapeHTML(e.code)}: ${escapeHTML((e.error_data || {}).details || "")}</span>`;
    div.classList.add("refused");
  } else if (marks[st.status] && !tick.querySelector(".error-mark")) {
    // Statuses may arrive out of order: never move a tick backwards.
    const rank = { "": 0, sent: 1, delivered: 2, read: 3 };
    if (rank[st.status] > rank[tick.dataset.status || ""]) {
      tick.dataset.status = st.status;
      tick.innerHTML = marks[st.status];
    }
  }
}

function time(item) {
  return escapeHTML(item.time.slice(11, 19));
}

// ---- list and form panels ----

function openList(action) {
  $("list-title").textContent = action.button;
  const sections = $("list-sections");
  sections.replaceChildren();
  for (const section of action.sections || []) {
    if (section.title) {
      const h = document.createElement("h3");
      h.textContent = section.title;
      sections.append(h);
    }
    for (const row of section.rows || []) {
      const b = choiceButton("", () => {
        $("list-panel").hidden = true;
        sendInbound({ type: "list_reply", id: row.id, title: row.title, description: row.description || "" });
      });
      b.className = "row-choice";
      b.textContent = row.title;
      if (row.description) {
        const small = document.createElement("small");
        small.textContent = row.description;
        b.append(small);
      }
      sections.append(b);
    }
  }
  $("list-panel").hidden = false;
}

function openFlow() {
  $("flow-token").value = state.lastFlow ? state.lastFlow.flow_token || "" : "";
  $("flow-panel").hidden = false;
  $("flow-fields").focus();
}

function submitFlow(event) {
  event.preventDefault();
  const fields = {};
  for (const line of $("flow-fields").value.split("\n")) {
    const at = line.indexOf("=");
    if (at > 0) fields[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  const request = { type: "flow", fields };
  const token = $("flow-token").value.trim();
  if (token) request.flow_token = token;
  $("flow-panel").hidden = true;
  sendInbound(request);
}

// ---- live updates ----

function connect() {
  const events = new EventSource("/mock/events");
  events.addEventListener("open", () => {
    $("connection").textContent = "live";
    $("connection").classList.add("live");
    reload(); // catch up on what happened while disconnected
  });
  events.addEventListener("error", () => {
    $("connection").textContent = "reconnecting…";
    $("connection").classList.remove("live");
  });
  events.addEventListener("item", (e) => {
    const item = JSON.parse(e.data);
    if (state.pending) state.pending.push(item);
    else if (item.user === state.user) render(item);
  });
  events.addEventListener("cleared", (e) => {
    if (JSON.parse(e.data).user === state.user) reload();
  });
}

// ---- wiring ----

function init() {
  const saved = localStorage.getItem("mockwhatsapp.user");
  if (saved) {
    const known = [...$("phone-picker").options].some((o) => o.value === saved);
    $("phone-picker").value = known ? saved : "";
    if (!known) $("phone-entry").value = saved;
  }
  $("phone-picker").addEventListener("change", switchUser);
  $("phone-entry").addEventListener("change", switchUser);

  $("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = $("text").value;
    if (!text.trim()) return;
    $("text").value = "";
    sendInbound({ type: "text", text });
  });
  $("image").addEventListener("click", () => {
    const caption = prompt("Image caption (optional)", "");
    if (caption !== null) sendInbound({ type: "image", caption });
  });
  $("form").addEventListener("click", openFlow);
  $("flow-panel").addEventListener("submit", submitFlow);
  $("flow-close").addEventListener("click", () => { $("flow-panel").hidden = true; });
  $("list-close").addEventListener("click", () => { $("list-panel").hidden = true; });
  $("clear").addEventListener("click", async () => {
    if (!state.user) return;
    await fetch(`/mock/conversations/${encodeURIComponent(state.user)}`, { method: "DELETE" });
    setStatus("conversation cleared");
  });

  switchUser();
  connect();
}

init();
