// raftsim's browser simulator: the page around package demo, compiled to WebAssembly (the global
// `raftsim`, its API in docs/demo.md). The page holds no simulation state of its own: every frame it
// asks the session for its State at the new time and draws it. Going back in time is the session's
// deterministic replay, so what is drawn at a time is the same whichever way the learner got there.
//
// What is drawn is also written into data attributes (the <svg> has data-time, data-event and
// data-leader; each node's <g> data-node, data-role, data-term, data-vote, data-commit, data-log,
// data-up), which the browser tests in demo/site read.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);

const app = {
  sid: 0,          // the session id, 0 before the wasm runs
  state: null,     // the last State drawn
  playing: false,
  speed: 100,      // simulated ms per real second
  scenario: null,  // the guided scenario being followed, or null
  trace: null,     // a trace file's timeline (read-only mode), or null
  lastFrame: 0,
};
window.raftsimApp = app; // for the tests and the curious

function call(name, ...args) {
  const out = globalThis.raftsim[name](...args);
  if (typeof out === "number") return out;
  const v = JSON.parse(out);
  if (v && typeof v === "object" && !Array.isArray(v) && v.error) throw new Error(v.error);
  return v;
}

// callText is call for the functions that return plain text (encode): an error is still JSON.
function callText(name, ...args) {
  const out = globalThis.raftsim[name](...args);
  if (typeof out === "string" && out.startsWith("{")) throw new Error(JSON.parse(out).error || out);
  return String(out);
}

function status(text, bad) {
  const s = $("status");
  s.textContent = text;
  s.classList.toggle("bad", !!bad);
}

// ---- starting ----

async function start() {
  if (typeof Go === "undefined") {
    status("wasm_exec.js is missing: this copy of the page was built without make wasm", true);
    return;
  }
  const go = new Go();
  let inst;
  try {
    const resp = fetch("raftsim.wasm");
    inst = WebAssembly.instantiateStreaming
      ? await WebAssembly.instantiateStreaming(resp, go.importObject)
      : await WebAssembly.instantiate(await (await resp).arrayBuffer(), go.importObject);
  } catch (e) {
    status("could not load raftsim.wasm: " + e.message, true);
    return;
  }
  go.run(inst.instance);
  for (let i = 0; i < 200 && !globalThis.raftsim; i++) await new Promise((r) => setTimeout(r, 10));
  if (!globalThis.raftsim) {
    status("raftsim.wasm started but did not register its API", true);
    return;
  }
  for (const sc of call("scenarios")) {
    const o = document.createElement("option");
    o.value = sc.name;
    o.textContent = sc.title;
    $("scenario").append(o);
  }
  wire();
  if (!openFragment(location.hash)) newSession(call("defaults"));
  requestAnimationFrame(frame);
}

// openFragment opens a shared moment (#v1.…); false when the fragment is not one.
function openFragment(hash) {
  const frag = hash.replace(/^#/, "");
  if (!frag) return false;
  if (frag.startsWith("scenario=")) {
    startScenario(decodeURIComponent(frag.slice(9)));
    return true;
  }
  try {
    useSession(call("open", frag), null);
    status("opened a shared moment: " + fmtMs(app.state.nowMs));
    return true;
  } catch (e) {
    status("the link's moment could not be opened: " + e.message, true);
    return false;
  }
}

function useSession(sid, scenario) {
  if (app.sid) globalThis.raftsim.close(app.sid);
  app.sid = sid;
  app.scenario = scenario;
  app.trace = null;
  app.playing = false;
  app.reached = 0;
  const st = call("state", sid);
  fillSettings(call("settings", sid));
  showNarration();
  draw(st);
}

function newSession(settings) {
  useSession(call("new", JSON.stringify(settings)), null);
  status("a new cluster: press play, or step one event at a time");
}

function startScenario(name) {
  const sc = call("scenarios").find((s) => s.name === name);
  if (!sc) {
    status("no scenario named " + name, true);
    return;
  }
  useSession(call("scenario", name), sc);
  $("scenario").value = name;
  status(sc.title + ": press play; the narration follows the clock, at your pace");
}

// ---- the loop ----

function frame(ts) {
  const dt = app.lastFrame ? Math.min(ts - app.lastFrame, 100) : 0;
  app.lastFrame = ts;
  if (app.playing && (app.sid || app.trace)) {
    const end = endMs();
    const to = Math.min(app.state.nowMs + (dt / 1000) * app.speed, end);
    if (to > app.state.nowMs) seek(to, true);
    if (app.state.nowMs >= end) setPlaying(false);
  }
  requestAnimationFrame(frame);
}

// endMs is where playing stops: the end of the session's timeline (a scenario's story may end sooner,
// but the run goes on), or of the trace.
function endMs() {
  return app.trace ? app.trace.endMs : app.state.endMs;
}

// scrubMax is the timeline slider's end: as far as the learner has gone, at least the scenario's
// story or a second, so that a 60 s timeline does not squeeze the first second into a few pixels.
function scrubMax() {
  if (app.trace) return app.trace.endMs;
  return Math.min(app.state.endMs, Math.max(app.reached, (app.scenario && app.scenario.endMs) || 0, 1000));
}

function seek(ms, forward) {
  if (app.trace) return draw(traceState(app.trace, ms));
  draw(call(forward ? "runTo" : "seek", app.sid, ms));
}

function setPlaying(p) {
  app.playing = p;
  $("play").textContent = p ? "❚❚ pause" : "▶ play";
  if (!p) updateHash();
}

// act applies a learner's action now; in the past it forks (later actions are dropped).
function act(action) {
  if (app.trace) return status("a trace is read-only", true);
  try {
    draw(call("act", app.sid, JSON.stringify(action)));
    updateHash();
  } catch (e) {
    status(e.message, true);
  }
}

function updateHash() {
  if (!app.sid || app.trace) return;
  try {
    history.replaceState(null, "", "#" + callText("encode", app.sid).replace(/^#/, ""));
  } catch (e) {
    /* a moment too large to share: the address keeps the last one */
  }
}

// ---- controls ----

function wire() {
  $("play").onclick = () => setPlaying(!app.playing);
  $("step").onclick = () => {
    setPlaying(false);
    if (app.trace) return draw(traceState(app.trace, app.trace.nextTime(app.state.nowMs)));
    draw(call("step", app.sid, 1));
  };
  $("speed").onchange = (e) => (app.speed = Number(e.target.value));
  $("scrub").oninput = (e) => {
    setPlaying(false);
    seek(Number(e.target.value), false);
  };
  $("scrub").onchange = () => updateHash();
  $("fork").onclick = fork;
  $("scenario").onchange = (e) => (e.target.value ? startScenario(e.target.value) : newSession(call("defaults")));
  $("share").onclick = share;
  $("tracefile").onchange = openTrace;
  $("partition").onclick = () => {
    const groups = $("groups").value.split("|").map((g) => g.split(",").map((x) => Number(x.trim())).filter((x) => x > 0));
    act({ kind: "partition", groups });
  };
  $("heal").onclick = () => act({ kind: "heal" });
  $("write").onclick = () => act({ kind: "write", node: 0 });
  $("settings-form").onsubmit = (e) => {
    e.preventDefault();
    try {
      newSession(readSettings());
    } catch (err) {
      status(err.message, true);
    }
  };
  document.addEventListener("keydown", (e) => {
    if (e.target.tagName === "INPUT" || e.target.tagName === "SELECT") return;
    if (e.key === " ") {
      e.preventDefault();
      setPlaying(!app.playing);
    } else if (e.key === "ArrowRight") $("step").click();
    else if (e.key === "Escape") hideMenu();
  });
  document.addEventListener("click", (e) => {
    if (!$("menu").contains(e.target) && !e.target.closest("[data-node]")) hideMenu();
  });
  window.addEventListener("hashchange", () => {
    const cur = app.sid && !app.trace ? callText("encode", app.sid).replace(/^#/, "") : "";
    if (location.hash.replace(/^#/, "") !== cur) openFragment(location.hash);
  });
}

// fork keeps the actions up to now and drops the rest: from here the run goes on its own, or with
// what the learner does next.
function fork() {
  if (app.trace) return;
  const now = app.state.nowMs;
  const sid = call("new", JSON.stringify(call("settings", app.sid)));
  for (const a of call("actions", app.sid)) if (a.atMs <= now) call("schedule", sid, JSON.stringify(a));
  const scenario = app.scenario;
  useSession(sid, null);
  draw(call("seek", sid, now));
  updateHash();
  status("forked at " + fmtMs(now) + (scenario ? " (left the scenario's script)" : ""));
}

async function share() {
  updateHash();
  try {
    await navigator.clipboard.writeText(location.href);
    status("the link to this moment is copied");
  } catch (e) {
    status("the link to this moment is in the address bar");
  }
}

function fillSettings(s) {
  const f = $("settings-form");
  for (const [k, v] of Object.entries(s)) {
    const el = f.elements[k];
    if (!el) continue;
    if (el.type === "checkbox") el.checked = !!v;
    else el.value = v;
  }
}

function readSettings() {
  const f = $("settings-form");
  const s = call("defaults");
  for (const k of Object.keys(s)) {
    const el = f.elements[k];
    if (!el) continue;
    s[k] = el.type === "checkbox" ? el.checked : Number(el.value);
  }
  return s;
}

// ---- the node menu ----

function showMenu(node, x, y) {
  const m = $("menu");
  m.innerHTML = "";
  m.dataset.for = node.id;
  const items = node.up
    ? [["crash", { kind: "crash", node: node.id }],
       ["pause 500 ms", { kind: "pause", node: node.id, forMs: 500 }],
       ["time out", { kind: "timeout", node: node.id }],
       ["client write here", { kind: "write", node: node.id }]]
    : [["restart", { kind: "restart", node: node.id }]];
  const h = document.createElement("div");
  h.className = "menu-title";
  h.textContent = "S" + node.id;
  m.append(h);
  for (const [label, action] of items) {
    const b = document.createElement("button");
    b.textContent = label;
    b.dataset.action = action.kind;
    b.onclick = () => {
      hideMenu();
      act(action);
    };
    m.append(b);
  }
  m.style.left = x + "px";
  m.style.top = y + "px";
  m.hidden = false;
}

function hideMenu() {
  $("menu").hidden = true;
}

// ---- drawing ----

const ROLE_COLOR = { leader: "#2e8b57", candidate: "#e67e22", precandidate: "#b7950b", follower: "#5b7db1" };
// Message colours, by the trace's names of the types (docs/trace.md); msgType maps raft's MsgAppResp
// style to them.
const MSG_COLOR = { app: "#2e8b57", app_resp: "#8fbc8f", heartbeat: "#7f8c8d", heartbeat_resp: "#bdc3c7",
  vote: "#e67e22", vote_resp: "#f5b041", prevote: "#d4ac0d", prevote_resp: "#f7dc6f",
  snap: "#8e44ad", request: "#c0392b", reply: "#e6a0a0" };
const msgType = (t) => String(t).replace(/^Msg/, "").replace(/Resp$/, "_resp").toLowerCase();
const msgColor = (t) => MSG_COLOR[msgType(t)] || "#777";

function layout(n) {
  const pos = [];
  const r = n === 1 ? 0 : 220;
  for (let i = 0; i < n; i++) {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
    pos.push([300 + r * Math.cos(a), 300 + r * Math.sin(a)]);
  }
  return pos;
}

function el(name, attrs, parent) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (parent) parent.append(e);
  return e;
}

// linkEnds gives the ends of the directed link a->b: beside the centre line (to the right of the
// direction of travel), so a->b and b->a are two lines, and outside both circles.
function linkEnds(pa, pb) {
  const dx = pb[0] - pa[0], dy = pb[1] - pa[1];
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len, uy = dy / len, ox = -uy * 6, oy = ux * 6;
  return [[pa[0] + ux * 44 + ox, pa[1] + uy * 44 + oy], [pb[0] - ux * 44 + ox, pb[1] - uy * 44 + oy]];
}

function draw(st) {
  app.state = st;
  app.reached = Math.max(app.reached || 0, st.nowMs);
  const svg = $("cluster");
  svg.innerHTML = "";
  svg.dataset.time = String(st.nowMs);
  svg.dataset.event = String(st.event);
  svg.dataset.leader = String(st.leader);
  const n = st.nodes.length;
  const pos = layout(n);
  const cut = new Set((st.cuts || []).map(([a, b]) => a + ">" + b));

  const links = el("g", { class: "links" }, svg);
  for (let a = 1; a <= n; a++) {
    for (let b = 1; b <= n; b++) {
      if (a === b) continue;
      const [p, q] = linkEnds(pos[a - 1], pos[b - 1]);
      const down = cut.has(a + ">" + b);
      const g = el("g", { class: "link" + (down ? " cut" : ""), "data-from": a, "data-to": b, "data-cut": down }, links);
      el("line", { x1: p[0], y1: p[1], x2: q[0], y2: q[1], class: "wire" }, g);
      el("line", { x1: p[0], y1: p[1], x2: q[0], y2: q[1], class: "hit" }, g);
      el("title", {}, g).textContent = `S${a}→S${b}: click to ${down ? "restore" : "cut"} this direction`;
      g.onclick = () => act({ kind: down ? "restore" : "cut", node: a, to: b });
    }
  }

  const msgs = el("g", { class: "messages" }, svg);
  for (const m of st.messages || []) {
    if (m.from < 1 || m.from > n || m.to < 1 || m.to > n) continue; // a client's: drawn at its node
    const [p, q] = linkEnds(pos[m.from - 1], pos[m.to - 1]);
    const span = m.deliverMs - m.sentMs;
    const f = span > 0 ? Math.min(1, Math.max(0, (st.nowMs - m.sentMs) / span)) : 1;
    const c = el("circle", { cx: p[0] + (q[0] - p[0]) * f, cy: p[1] + (q[1] - p[1]) * f, r: m.entries ? 8 : 6,
      fill: msgColor(m.type), class: "msg", "data-msg": m.id, "data-type": m.type }, msgs);
    el("title", {}, c).textContent = `${m.type} S${m.from}→S${m.to} term ${m.term}${m.entries ? ", " + m.entries + " entries" : ""}: click to drop`;
    c.onclick = (e) => {
      e.stopPropagation();
      act({ kind: "drop", msg: m.id });
    };
  }

  const nodes = el("g", { class: "nodes" }, svg);
  st.nodes.forEach((nd, i) => {
    const [x, y] = pos[i];
    const g = el("g", {
      class: "node " + nd.role + (nd.up ? "" : " down") + (nd.paused ? " paused" : ""),
      transform: `translate(${x},${y})`,
      "data-node": nd.id, "data-role": nd.role, "data-term": nd.term, "data-vote": nd.vote,
      "data-commit": nd.commit, "data-last": nd.lastIndex, "data-up": nd.up,
      "data-log": (nd.log || []).map((e) => e.term).join(","),
    }, nodes);
    // The election timer: the arc left of the time until it fires.
    if (nd.up && nd.electionDeadlineMs != null && nd.electionStartMs != null) {
      const total = nd.electionDeadlineMs - nd.electionStartMs;
      const left = total > 0 ? Math.max(0, Math.min(1, (nd.electionDeadlineMs - st.nowMs) / total)) : 0;
      el("circle", { r: 46, class: "timer-track" }, g);
      if (left > 0) el("path", { d: arc(46, left), class: "timer" }, g);
    }
    el("circle", { r: 40, fill: nd.up ? ROLE_COLOR[nd.role] || "#888" : "#444", class: "body" }, g);
    el("text", { y: -8, class: "term" }, g).textContent = "term " + nd.term;
    el("text", { y: 12, class: "small" }, g).textContent = nd.up ? nd.role : "crashed";
    el("text", { y: 27, class: "small" }, g).textContent = nd.vote ? "voted S" + nd.vote : "";
    el("text", { y: -52, class: "id" }, g).textContent = "S" + nd.id + (nd.paused ? " (paused)" : "");
    el("title", {}, g).textContent = `S${nd.id}: ${nd.role}, term ${nd.term}, commit ${nd.commit}; click for its menu`;
    g.onclick = (e) => {
      e.stopPropagation();
      if (app.trace) return;
      const box = $("picture").getBoundingClientRect();
      showMenu(nd, e.clientX - box.left + 8, e.clientY - box.top + 8);
    };
  });
  el("text", { x: 300, y: 300, class: "clock" }, svg).textContent = fmtMs(st.nowMs);
  legend(svg, st);
  if (st.error) status("the run stopped: " + st.error, true);

  const scrub = $("scrub");
  scrub.max = String(scrubMax());
  scrub.value = String(st.nowMs);
  $("clock").textContent = fmtMs(st.nowMs) + " · event " + st.event;
  drawLogs(st);
  drawMeasures(st);
  showNarration();
  $("event-lines").textContent = (st.events || []).slice(-12).map(shortEvent).join("\n");
}

// legend names the colours of the message types in flight now (all of them would crowd the corner).
function legend(svg, st) {
  const types = [...new Set((st.messages || []).map((m) => msgType(m.type)))].sort();
  const g = el("g", { class: "legend", transform: "translate(8,16)" }, svg);
  types.forEach((ty, i) => {
    el("circle", { cx: 6, cy: i * 16, r: 5, fill: msgColor(ty) }, g);
    el("text", { x: 16, y: i * 16 + 4 }, g).textContent = ty;
  });
}

function arc(r, frac) {
  if (frac >= 0.9999) return `M 0 ${-r} A ${r} ${r} 0 1 1 -0.01 ${-r}`;
  const a = -Math.PI / 2 + 2 * Math.PI * frac;
  return `M 0 ${-r} A ${r} ${r} 0 ${frac > 0.5 ? 1 : 0} 1 ${r * Math.cos(a)} ${r * Math.sin(a)}`;
}

// drawLogs draws each node's log as a grid, one column per index: committed entries solid,
// uncommitted ones dashed; the leader's nextIndex and matchIndex for each follower under its row.
function drawLogs(st) {
  const lo = Math.min(...st.nodes.map((nd) => (nd.log && nd.log.length ? nd.log[0].index : nd.lastIndex + 1)));
  const hi = Math.max(0, ...st.nodes.map((nd) => nd.lastIndex));
  const first = Math.max(lo, hi - 23, 1);
  const leader = st.nodes.find((nd) => nd.role === "leader" && nd.up);
  const prog = new Map(((leader && leader.progress) || []).map((p) => [p.peer, p]));
  let html = '<table class="logs"><tr><th></th>';
  for (let i = first; i <= Math.max(hi, first); i++) html += `<th>${i}</th>`;
  html += "<th>commit</th>" + (leader ? `<th title="S${leader.id}'s view">match / next</th>` : "") + "</tr>";
  for (const nd of st.nodes) {
    const byIndex = new Map((nd.log || []).map((e) => [e.index, e]));
    html += `<tr data-log-node="${nd.id}"><th>S${nd.id}</th>`;
    const p = leader && nd.id !== leader.id ? prog.get(nd.id) : undefined; // the leader's own: not a follower's
    for (let i = first; i <= Math.max(hi, first); i++) {
      const e = byIndex.get(i);
      const marks = p ? (i === p.next ? " next" : "") + (i === p.match ? " match" : "") : "";
      if (!e) html += `<td class="${i <= nd.snapshotIndex ? "snap" : "empty"}${marks}"></td>`;
      else html += `<td class="${e.committed ? "committed" : "uncommitted"}${marks}" data-index="${i}">${e.term}</td>`;
    }
    html += `<td>${nd.commit}</td>`;
    if (leader) html += `<td>${nd.id === leader.id ? "leader" : p ? p.match + " / " + p.next : ""}</td>`;
    html += "</tr>";
  }
  $("logs").innerHTML = html + "</table>" +
    '<p class="legend-logs">each cell an entry, showing its term: solid, committed; dashed, not yet. Under the leader: ' +
    "a green bar over a follower's matchIndex, an orange one under its nextIndex.</p>";
}

function drawMeasures(st) {
  const m = st.measures;
  if (!m) {
    $("measure-body").innerHTML = "";
    return;
  }
  const f = (x, d) => (x == null || Number.isNaN(x) ? "–" : Number(x).toFixed(d));
  let html = `<p data-testid="availability">availability so far <b>${f(100 * m.availability, 1)}%</b></p>` +
    `<p>writes ${m.writes}, committed ${m.committedWrites}; commit latency ` +
    (m.committedWrites ? `mean ${f(m.commitLatencyMeanMs, 1)} ms, p99 ${f(m.commitLatencyP99Ms, 1)} ms` : "– (none committed yet)") + `</p><table class="bytype"><tr><th>type</th><th>messages</th><th>bytes</th></tr>`;
  for (const k of Object.keys(m.messages || {})) html += `<tr><td>${k}</td><td>${m.messages[k]}</td><td>${(m.bytes || {})[k] ?? ""}</td></tr>`;
  $("measure-body").innerHTML = html + "</table>";
}

function showNarration() {
  const sc = app.scenario;
  $("narration").hidden = !sc;
  if (!sc || !app.state) return;
  $("scenario-title").textContent = sc.title;
  const now = app.state.nowMs;
  let cur = -1;
  (sc.narration || []).forEach((s, i) => {
    if (s.atMs <= now) cur = i;
  });
  $("narration-now").textContent = cur >= 0 ? sc.narration[cur].text : "";
  const ol = $("narration-steps");
  if (ol.dataset.for !== sc.name) {
    ol.dataset.for = sc.name;
    ol.innerHTML = "";
    (sc.narration || []).forEach((s) => {
      const li = document.createElement("li");
      li.textContent = fmtMs(s.atMs) + " — " + s.text;
      li.title = "go to " + fmtMs(s.atMs);
      li.onclick = () => {
        setPlaying(false);
        seek(s.atMs, false);
      };
      ol.append(li);
    });
  }
  [...ol.children].forEach((li, i) => li.classList.toggle("current", i === cur));
}

function fmtMs(ms) {
  return ms >= 10000 ? (ms / 1000).toFixed(2) + " s" : ms.toFixed(1) + " ms";
}

function shortEvent(line) {
  try {
    const e = JSON.parse(line);
    const t = fmtMs(e.t / 1e6);
    const rest = Object.entries(e).filter(([k]) => k !== "t" && k !== "ev").map(([k, v]) => k + "=" + v).join(" ");
    return `${t.padStart(10)}  ${e.ev} ${rest}`;
  } catch (err) {
    return line;
  }
}

// ---- a trace file, read-only (docs/trace.md) ----

function openTrace(e) {
  const file = e.target.files[0];
  if (!file) return;
  file.text().then((text) => {
    try {
      app.trace = parseTrace(text);
    } catch (err) {
      status(file.name + ": " + err.message, true);
      return;
    }
    setPlaying(false);
    app.scenario = null;
    draw(traceState(app.trace, 0));
    status(`${file.name}: ${app.trace.events.length} events, ${app.trace.n} nodes, read-only: play, step and scrub`);
  });
}

function parseTrace(text) {
  const events = [];
  let n = 0;
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    let e;
    try {
      e = JSON.parse(line);
    } catch (err) {
      throw new Error(`line ${i + 1}: not JSON`);
    }
    if (typeof e.t !== "number" || typeof e.ev !== "string") throw new Error(`line ${i + 1}: no t or ev`);
    e.ms = e.t / 1e6;
    e.line = line;
    if (e.ev === "state" || e.ev === "commit" || e.ev === "timeout") n = Math.max(n, e.node);
    events.push(e);
  });
  if (!events.length) throw new Error("no events");
  // Pair each send with the deliver or drop of the same from, to and type, first in first out.
  const open = new Map();
  for (const e of events) {
    const k = e.from + ">" + e.to + ">" + e.type;
    if (e.ev === "send") {
      if (!open.has(k)) open.set(k, []);
      open.get(k).push(e);
    } else if ((e.ev === "deliver" || e.ev === "drop") && open.has(k) && open.get(k).length) {
      open.get(k).shift().endMs = e.ms;
    }
  }
  return {
    events, n: Math.min(Math.max(n, 1), 9), endMs: events[events.length - 1].ms,
    nextTime(ms) {
      const e = events.find((x) => x.ms > ms);
      return e ? e.ms : ms;
    },
  };
}

function traceState(tr, ms) {
  const nodes = [];
  for (let i = 1; i <= tr.n; i++) nodes.push({ id: i, role: "follower", term: 0, vote: 0, commit: 0, lastIndex: 0,
    snapshotIndex: 0, log: [], up: true, paused: false, progress: [], electionStartMs: null, electionDeadlineMs: null });
  const inflight = [];
  let count = 0, leader = 0;
  const lines = [];
  for (const e of tr.events) {
    if (e.ms > ms) break;
    count++;
    lines.push(e.line);
    const nd = nodes[(e.node || 0) - 1];
    if (e.ev === "state" && nd) {
      nd.role = e.state;
      nd.term = e.term;
    } else if (e.ev === "commit" && nd) nd.commit = e.index;
    else if (e.ev === "fault" && nd && /^crash/.test(e.desc || e.kind)) nd.up = false;
    else if (e.ev === "fault" && nd && /^restart/.test(e.desc || e.kind)) {
      nd.up = true;
      nd.role = "follower"; // a node starts as a follower, whether or not the trace says so
    }
    else if (e.ev === "persist" && nd && e.last) nd.lastIndex = Math.max(nd.lastIndex, e.last);
    else if (e.ev === "send" && (e.endMs === undefined || e.endMs > ms)) inflight.push({ id: count, from: e.from, to: e.to,
      type: e.type, term: e.term || 0, entries: e.entries || 0, sentMs: e.ms, deliverMs: e.endMs ?? e.ms });
  }
  for (const nd of nodes) {
    if (!nd.up) nd.role = ""; // as package demo's State has it
    if (nd.role === "leader") leader = nd.id;
  }
  return { nowMs: ms, event: count, endMs: tr.endMs, leader, nodes, messages: inflight.filter((m) => m.deliverMs > ms),
    cuts: [], partition: [], measures: null, events: lines.slice(-40) };
}

start();
