/* socdrill serve: the browser front end. Plain ES2020, no dependencies, no build step.
 * The page reads its mode and key from its path (/s/KEY seat, /f/KEY facilitator,
 * /b/KEY board), talks to /ws, its key sent in the first message rather than the URL
 * (docs/serve-protocol.md), and re-renders on
 * every `state`. Forms are built once per page and only their option lists and the
 * tables around them are refreshed, so nothing a participant is typing is wiped. */
'use strict';

// ---------------------------------------------------------------- helpers

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
const J = (v) => JSON.stringify(v);
const LEVELS = ['Low', 'Medium', 'High', 'Critical'];
const LOOKBACKS = [[3600, '1 hour'], [14400, '4 hours'], [86400, '24 hours'], [604800, '7 days']];
const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function esc(v) { return String(v ?? '').replace(/[&<>"']/g, (c) => ESC[c]); }
function pad(n) { return String(n).padStart(2, '0'); }
function fmtT(s) {
  s = Math.max(0, Math.floor(s || 0));
  return `T+${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}
function fmtDur(s) {
  s = Math.abs(Math.floor(s || 0));
  const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, x = s % 60;
  return h ? `${h}:${pad(m)}:${pad(x)}` : `${m}:${pad(x)}`;
}
/** A span in words as the reports write it: `45s`, `12m`, `1h05m`. */
function fmtSpan(s) {
  s = Math.max(0, Math.floor(s || 0));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m` : `${Math.floor(m / 60)}h${pad(m % 60)}m`;
}
function num(x, d = 1) { return x == null || Number.isNaN(+x) ? '—' : Number(x).toFixed(d); }
function pct(x) { return x == null ? '—' : `${Math.round(x * 100)}%`; }
/** A 0–100 figure as a percentage; "—" when there was nothing to measure. */
function pct100(x, d = 1) { return x == null ? '—' : `${num(x, d)}%`; }
/** Replace an element's markup only when it changed (keeps focus, scroll, open menus). */
function put(el, html) {
  if (el && el._html !== html) { el._html = html; el.innerHTML = html; }
}
/** Refill a <select> from [[value, label]] when the list changed, keeping the choice. */
function fillSelect(sel, opts) {
  if (!sel) return;
  const key = J(opts);
  if (sel._key === key) return;
  const cur = sel._key === undefined ? null : sel.value; // first fill: take the first option
  sel._key = key;
  sel.innerHTML = opts.map(([v, l]) => `<option value="${esc(v)}">${esc(l)}</option>`).join('');
  if (opts.some(([v]) => String(v) === cur)) sel.value = cur;
}
function optionsHTML(list, def) {
  return list.map(([v, l]) => `<option value="${esc(v)}"${String(v) === String(def) ? ' selected' : ''}>${esc(l)}</option>`).join('');
}
const levelOpts = (def = 'Medium') => optionsHTML(LEVELS.map((l) => [l, l]), def);
const lookbackOpts = () => optionsHTML(LOOKBACKS, 86400);
function sevBadge(l) { return `<span class="sev sev-${esc(l)}">${esc(l)}</span>`; }
function tag(text, cls = '') { return `<span class="tag ${cls}">${esc(text)}</span>`; }
function emptyRow(cols, text) { return `<tr class="empty"><td colspan="${cols}">${esc(text)}</td></tr>`; }
/** A countdown cell the ticker keeps current; `late` prefixes the text once past. */
function countdown(deadline, late = '') {
  return `<span class="mono" data-deadline="${deadline}"${late ? ` data-late="${esc(late)}"` : ''}></span>`;
}
const since = (t) => `<span class="mono" data-since="${t}"></span>`;

// ---------------------------------------------------------------- evidence and cues

/* Nothing a seat sees says whether an item is malicious: every alert and record carries
 * its log line and the same cue fields, and every one is drawn the same way. A chip's
 * look depends on that cue alone (a "rare" chip looks the same on every item), never on
 * the item's wording, so nobody can read the answer off the styling. */
const CUE_HELP = {
  prevalence: 'Hosts in the organisation showing the same activity in the last 30 days; 3 or fewer is rare.',
  first_seen: 'The first activity of its kind on this host.',
  unusual_parent: 'An unusual parent and child process, or an unusual client, method or logon type.',
  new_destination: 'An external destination, sender or source address never seen before.',
  volume: 'Far more bytes, files or events than this host or account usually shows.',
  odd_detail: 'Something in the line itself is off for what it claims to be: an encoded command line, an unsigned binary or one in a user-writable folder, a sender or domain one letter from a known one, a token used from two places.',
  off_hours: 'Outside business hours (08:00–18:00).',
  privileged: 'An administrator, domain administrator or service account is involved.',
  intel: 'What threat intelligence says of an indicator the item carries. The threat intel analyst enriches indicators.',
};
const CUE_FLAGS = [
  ['first_seen', 'first seen on this host'],
  ['unusual_parent', 'unusual parent/client'],
  ['new_destination', 'new external destination'],
  ['volume', 'unusual volume'],
  ['odd_detail', 'odd detail in the line'],
  ['off_hours', 'off-hours'],
  ['privileged', 'privileged account'],
];
const cueName = (k) => `cue-${k.replace(/_/g, '-')}`;
/** A chip; `note` (free text, may be long) wraps, the chip's own words never break. */
function chip(cls, text, help, note = '') {
  return `<span class="cue ${cls}" title="${esc(help)}">${esc(text)}${note ? `<span class="cue-note"> — ${esc(note)}</span>` : ''}</span>`;
}

/** What threat intelligence said (or that nobody asked), as one chip. */
function intelChip(i) {
  if (!i) return chip('cue-intel cue-intel-none', 'intel: not enriched', CUE_HELP.intel);
  if (i.verdict === 'Malicious') return chip('cue-intel cue-intel-bad', `intel: known bad ${pct(i.confidence)}`, CUE_HELP.intel, i.note);
  if (i.verdict === 'Benign') return chip('cue-intel cue-intel-good', `intel: known good ${pct(i.confidence)}`, CUE_HELP.intel, i.note);
  return chip('cue-intel cue-intel-unknown', 'intel: nothing known', CUE_HELP.intel, i.note);
}

/** An alert's or record's cues as chips: prevalence always, every other cue only when
 * present, then the intel. Null (hosts, accounts, indicators) draws nothing. */
function cuesHTML(c) {
  if (!c) return '';
  const n = c.prevalence, rare = n <= 3;
  const chips = [chip(`cue-prevalence${rare ? ' cue-rare' : ''}`, `seen on ${n} host${n === 1 ? '' : 's'}${rare ? ' · rare' : ''}`, CUE_HELP.prevalence)];
  for (const [k, text] of CUE_FLAGS) if (c[k]) chips.push(chip(cueName(k), text, CUE_HELP[k]));
  chips.push(intelChip(c.intel));
  return `<span class="cues" data-testid="cues">${chips.join('')}</span>`;
}

/** An evidence card's text: a record as time, source and log line (the server sends
 * them apart, the time in seconds); anything else as its label. */
function evidenceText(c) {
  const r = c.record;
  if (!r) return `<span class="label">${esc(c.label)}</span>`;
  return `<span class="label"><span class="t mono">${fmtT(r.at)}</span> <span class="src">${esc(r.source)}</span> ` +
    `<span class="logline">${esc(r.line)}</span></span>`;
}
/** One evidence card in a list: its kind, its text and, for alerts and records, its cues. */
const evidenceItem = (c) => `<li class="ev-item" data-testid="evidence" data-kind="${esc(itemKind(c.item))}">` +
  `<span class="kind">${esc(itemKind(c.item))}</span><span class="ev-body">${evidenceText(c)}${cuesHTML(c.cues)}</span></li>`;

/** A stack of panels in one grid column. */
const col = (cls, ...panels) => `<div class="col ${cls}">${panels.join('')}</div>`;
function panel(id, title, help, body, cls = '') {
  return `<section class="panel ${cls}" id="${id}"><header><h2>${title}</h2>` +
    `<p class="help">${help}</p></header><div class="body">${body}</div></section>`;
}

// ---------------------------------------------------------------- state

const S = {
  mode: null, key: null,
  hello: null, state: null, view: {}, clockAt: 0,
  ws: null, nextId: 1, pending: new Map(), retry: 0, stopped: false,
  role: null, built: false, confirm: null,
  ui: { alert: null, alertIdx: 0, escOpen: false, escFor: null, finding: null, openCases: new Set(), indicator: null },
};

const sc = () => (S.hello && S.hello.scenario) || {};
function roleLabel(role) {
  // Views name roles as "Tier1"; results use slugs such as "tier1".
  const r = (sc().roles || []).find((x) => x.role === role || x.role.toLowerCase() === role);
  return r ? r.label : role;
}
function itemKind(item) { return Object.keys(item)[0]; }
function knownCard(item) {
  const key = J(item);
  return (S.view.known || []).find((c) => J(c.item) === key) || null;
}
function knownLabel(item) { const k = knownCard(item); return k ? k.label : null; }
function itemLabel(item) {
  const k = knownLabel(item);
  if (k) return k;
  const [kind, i] = Object.entries(item)[0];
  if (kind === 'Host') return `host ${(sc().hosts || [])[i]?.id ?? i}`;
  if (kind === 'Account') return `account ${(sc().accounts || [])[i]?.id ?? i}`;
  return `${kind.toLowerCase()} ${i}`;
}
/** An alert's own evidence items as cards (its observables come in the card's order).
 * The alert and its record carry the alert's cues: the record is what the rule fired on. */
function alertItemCards(a) {
  let o = 0;
  return (a.items || []).map((item) => {
    const kind = itemKind(item), known = knownCard(item);
    const obs = kind === 'Observable' ? a.observables[o++] : null;
    if (kind === 'Alert') return { item, label: `alert ${a.id}: ${a.rule}`, cues: a.cues };
    if (known) return known;
    if (kind === 'Record') return { item, label: `${a.source} record behind alert ${a.id}: ${a.line}`, cues: a.cues };
    return { item, label: obs || itemLabel(item), cues: null };
  });
}
/** An indicator by its observable index, as the intel watchlist or the seat's knowledge names it. */
function indicatorLabel(o) {
  const i = (S.view.indicators || []).find((x) => x.item.Observable === o);
  return i ? i.label : itemLabel({ Observable: o });
}
function describeAction(a) {
  if (!a || typeof a !== 'object') return String(a);
  const [k, v] = Object.entries(a)[0];
  const host = (i) => (sc().hosts || [])[i]?.id ?? i;
  const acct = (i) => (sc().accounts || [])[i]?.id ?? i;
  switch (k) {
    case 'TakeAlert': return `Take alert ${v}`;
    case 'Classify': return `Classify alert ${v[0]} as ${String(v[1]).toLowerCase()}`;
    case 'Close': return `Close alert ${v}`;
    case 'Handoff': return `Handoff to ${roleLabel(v.to)}${v.alert != null ? ` (alert ${v.alert})` : ''}${v.case != null ? ` (case ${v.case})` : ''}`;
    case 'TakeHandoff': return `Take handoff ${v}`;
    case 'ReturnHandoff': return `Return handoff ${v[0]}`;
    case 'Investigate': return `Investigate ${itemLabel(v.subject)}`;
    case 'DeclareIncident': return `Declare case ${v[0]} an incident (${v[1]})`;
    case 'MergeCases': return `Merge case ${v[1]} into case ${v[0]}`;
    case 'Hunt': return v.hypothesis.Technique ? `Hunt for ${v.hypothesis.Technique}` : `Hunt in data source ${(sc().sources || [])[v.hypothesis.Source]?.id ?? v.hypothesis.Source}`;
    case 'Isolate': return `Isolate host ${host(v)}`;
    case 'Eradicate': return `Eradicate persistence on ${host(v)}`;
    case 'Recover': return `Recover host ${host(v)}`;
    case 'DisableAccount': return `Disable account ${acct(v)}`;
    case 'ResetCredentials': return `Reset credentials of ${acct(v)}`;
    case 'Block': return `Block ${itemLabel({ Observable: v })}`;
    case 'AnswerInject': return `Answer inject ${v[0]}`;
    case 'SetSeverity': return `Set case ${v[0]} severity to ${v[1]}`;
    case 'ChangeRule': return `Change rule ${v[0]}`;
    case 'Enrich': return `Enrich ${indicatorLabel(v)}`;
    default: return k;
  }
}

// ---------------------------------------------------------------- connection

function connect() {
  const proto = location.protocol === 'https:' ? 'wss' : 'ws';
  let ws;
  try {
    ws = new WebSocket(`${proto}://${location.host}/ws`);
  } catch (e) {
    scheduleReconnect();
    return;
  }
  S.ws = ws;
  // The key goes in the first message, not the URL, so it stays out of proxy logs.
  ws.onopen = () => { S.namedThisConnection = false; ws.send(J({ op: 'join', key: S.key })); };
  ws.onmessage = (ev) => {
    let msg;
    try { msg = JSON.parse(ev.data); } catch (e) { return; }
    onMessage(msg);
  };
  ws.onclose = () => { if (S.ws === ws) { S.ws = null; scheduleReconnect(); } };
}

function scheduleReconnect() {
  S.pending.clear();
  if (S.stopped) return;
  const delay = [1, 2, 4, 5][Math.min(S.retry, 3)];
  S.retry++;
  const what = S.hello ? 'Connection lost' : `Cannot reach the exercise server${S.retry > 3 ? ' (is the link complete?)' : ''}`;
  banner(`${what} — reconnecting… (next try in ${delay} s)`, 'warn');
  setTimeout(connect, delay * 1000);
}

function banner(text, cls = 'warn') {
  const el = $('#conn');
  el.hidden = !text;
  el.className = `banner ${cls}`;
  el.textContent = text || '';
}

function onMessage(msg) {
  switch (msg.type) {
    case 'hello':
      S.retry = 0;
      banner(null);
      S.hello = msg;
      build();
      break;
    case 'state':
      S.state = msg;
      S.view = msg.view || {};
      S.clockAt = performance.now();
      sendSavedName();
      render();
      // The server cannot record moves (a full disk): everyone sees why it paused.
      if (msg.clock && msg.clock.stalled) {
        banner(msg.clock.stalled, 'refused');
        S.stallShown = true;
      } else if (S.stallShown) {
        banner(null);
        S.stallShown = false;
      }
      break;
    case 'reply': onReply(msg); break;
    case 'error': feedback(false, `error: ${msg.error}`); break;
    case 'refused':
      S.stopped = true;
      banner(`Connection refused: ${msg.reason || msg.error || msg.message || 'no reason given'} (reload the page to try again).`, 'refused');
      if (S.ws) S.ws.close();
      break;
    default: break;
  }
}

/** A participant who gave their name before (in this browser) is named again on
 * arrival, unless the seat already has that name. */
function sendSavedName() {
  if (S.mode !== 'seat' || S.namedThisConnection || !S.state.room || !S.hello.seat) return;
  S.namedThisConnection = true;
  let saved = null;
  try { saved = localStorage.getItem('socdrill.name'); } catch (e) { return; }
  const mine = (S.state.room.seats || [])[S.hello.seat.id];
  if (saved && mine && mine.player !== saved) send('name', { name: saved });
}

/** Send one request; every request carries a fresh numeric id echoed in its reply. */
function send(op, fields = {}, opts = {}) {
  if (!S.ws || S.ws.readyState !== WebSocket.OPEN) {
    feedback(false, 'not sent: not connected (reconnecting…)');
    return null;
  }
  const id = S.nextId++;
  S.pending.set(id, opts);
  S.ws.send(J({ id, op, ...fields }));
  return id;
}
const act = (action, opts) => send('act', { action }, opts);

function onReply(msg) {
  const p = S.pending.get(msg.id) || {};
  S.pending.delete(msg.id);
  if (!msg.ok && p.confirm && /^confirm: /.test(msg.error || '')) {
    askConfirm(p.confirm, msg.error.slice('confirm: '.length));
    return;
  }
  if (msg.ok) {
    let text = `accepted: ${msg.message || 'ok'}`;
    if (msg.until != null) text += ` — busy until ${fmtT(msg.until)}`;
    feedback(true, text);
    if (p.onOk) p.onOk(msg);
  } else {
    feedback(false, `refused: ${msg.error || 'no reason given'}`);
  }
}

/** Shows a reply in the status bar: ok true (accepted), false (refused) or null (neither). */
function feedback(ok, text) {
  const el = $('#feedback');
  el.className = `feedback ${ok == null ? '' : ok ? 'ok' : 'refused'}`;
  el.textContent = text;
  el.classList.remove('flash');
  void el.offsetWidth; // restart the highlight animation
  el.classList.add('flash');
}
const invalid = (text) => feedback(false, `not sent: ${text}`);

// ---------------------------------------------------------------- confirmation

/* End, reveal and jump cannot be undone, so the server acts on them only with
 * `confirm: true`. The page sends them without it first: the refusal says what the op
 * would do, worded by the server for the exercise as it stands, and the dialog shows
 * that. Confirm sends the same op again with the flag; Cancel and Escape send nothing. */
const CONFIRM = {
  end: { title: 'End the exercise?', ok: 'End the exercise' },
  reveal: { title: 'Reveal the debrief to everyone?', ok: 'Reveal the debrief' },
  jump: { title: 'Jump the clock forward?', ok: 'Jump' },
  removeseat: { title: 'Remove the seat?', ok: 'Remove the seat' },
};
/* Nobody facilitates a solo drill: ending it opens the trainee's debrief at once. */
const SOLO_CONFIRM = {
  end: { title: 'End your drill?', ok: 'End and see the debrief', more: 'Your debrief opens straight away.' },
  reveal: { title: 'Show the debrief?', ok: 'Show the debrief' },
};

function sendConfirmable(op, fields = {}) { send(op, fields, { confirm: { op, fields } }); }

function askConfirm(req, text) {
  const dlg = $('#confirm-dialog');
  const c = (isSolo() && SOLO_CONFIRM[req.op]) || CONFIRM[req.op] || { title: `${req.op}?`, ok: 'Confirm' };
  S.confirm = req;
  $('#confirm-title').textContent = c.title;
  // The last sentence tells a client what to send; here the Confirm button does that.
  $('#confirm-text').textContent = text.replace(/\s*Send \w+ again with confirm: true\.?\s*$/, '') + (c.more ? ` ${c.more}` : '');
  $('#confirm-ok').textContent = c.ok;
  feedback(null, `${c.title} Confirm or cancel in the dialog.`);
  if (!dlg.open) dlg.showModal();
  $('#confirm-cancel').focus(); // the safe choice is the default: Enter or Space cancels
}

function confirmOk() {
  const req = S.confirm;
  S.confirm = null; // before close(): the close handler treats a pending request as cancelled
  $('#confirm-dialog').close();
  if (req) send(req.op, { ...req.fields, confirm: true });
}

/** Cancel, Escape or any other close: nothing is sent. */
function confirmClosed() {
  if (!S.confirm) return;
  feedback(null, `cancelled: ${S.confirm.op} not sent`);
  S.confirm = null;
}

// ---------------------------------------------------------------- clock

function simNow() {
  const c = S.state && S.state.clock;
  if (!c) return 0;
  if (c.phase !== 'running') return c.now;
  const t = c.now + (c.speed || 0) * (performance.now() - S.clockAt) / 1000;
  return c.end != null ? Math.min(c.end, t) : t;
}

function tick() {
  const now = Math.floor(simNow());
  $('#clock').textContent = fmtT(now);
  for (const el of $$('[data-deadline]')) {
    const left = +el.dataset.deadline - now;
    const late = left < 0;
    el.textContent = late ? (el.dataset.late ? `${el.dataset.late} ${fmtDur(-left)}` : '0:00') : fmtDur(left);
    el.classList.toggle('breached', late && !!el.dataset.late);
    el.classList.toggle('soon', !late && left < 120);
  }
  for (const el of $$('[data-since]')) el.textContent = fmtDur(Math.max(0, now - +el.dataset.since));
  for (const el of $$('[data-waiting]')) {
    const age = Math.max(0, now - +el.dataset.waiting), [cls, word] = ageBand(age);
    el.className = `age ${cls}`;
    el.textContent = `${fmtDur(age)} ${word}`;
  }
}

/** How late a waiting handoff is against the scoring's pickup target: the pickup
 * component starts to fall past the target, so warn from half of it. */
function ageBand(age) {
  const target = pickupTarget();
  if (age > 2 * target) return ['age-overdue', 'overdue'];
  if (age > target) return ['age-late', 'late'];
  if (age >= target / 2) return ['age-soon', 'due soon'];
  return ['age-ok', 'in time'];
}
const pickupTarget = () => sc().pickup_target_seconds || 1800;

// ---------------------------------------------------------------- page skeletons

function build() {
  const h = S.hello;
  $('#scenario-title').textContent = sc().title || '';
  if (S.mode === 'seat' && h.seat) {
    $('#who').textContent = `${h.seat.name} · ${h.seat.role_label || roleLabel(h.seat.role)}${h.seat.solo ? ' · solo' : ''}`;
    if (h.seat.solo) $('#lobby').textContent = 'Starting your drill…';
    document.title = `${h.seat.role_label || h.seat.role} — socdrill`;
  } else {
    $('#who').textContent = S.mode === 'facilitator' ? 'Facilitator' : 'SOC floor board';
    document.title = `${S.mode === 'facilitator' ? 'Facilitator' : 'Board'} — socdrill`;
  }
  if (S.built) { render(); return; } // a reconnect: keep the page and whatever is being typed
  S.built = true;
  document.body.classList.add(`mode-${S.mode}`);
  let html;
  if (S.mode === 'facilitator') html = buildFacilitator();
  else if (S.mode === 'board') html = buildBoard();
  else {
    S.role = h.seat ? h.seat.role : null;
    document.body.classList.add(`role-${S.role}`);
    html = (BUILD[S.role] || buildGeneric)();
  }
  $('#app').innerHTML = html;
  if (S.state) render();
}

const knownPanel = (cls = '') => panel('p-known', 'What you know <span class="count" id="known-count"></span>',
  'Everything you have discovered or been handed: the items you can attach to handoffs and act on.',
  '<ul class="known" id="known-list"></ul>', cls);

/** Messages from the facilitator, the injects, and a form to answer their questions
 * (outside the list, so what is being typed survives new injects arriving). */
const INBOX_BODY = `<ul id="messages" class="messages" hidden></ul><div id="inbox" class="inbox"></div>
  <div class="form" id="answer-form" hidden>
    <label class="full">Answer <select id="answer-inject"></select></label>
    <label class="full"><textarea id="answer-text" rows="2" data-send="answer-go" placeholder="Your answer to its questions, for the debrief (Enter sends, Shift+Enter a new line)"></textarea></label>
    <button type="button" id="answer-go">Send answer</button></div>`;

function inboxPanel(cls = '') {
  if (S.role === 'Manager') {
    return panel('p-inbox', 'Client &amp; leadership communication <span class="count" id="inbox-count"></span>',
      'Messages from the client, leadership and the facilitator. Where a decision is asked for, choose one option; answer the questions for the debrief.',
      INBOX_BODY, `${cls} comms`);
  }
  return panel('p-inbox', 'Injects &amp; messages <span class="count" id="inbox-count"></span>',
    'Scenario events addressed to your role and messages from the facilitator. Answer the questions: your answers go into the debrief.',
    INBOX_BODY, cls);
}

function handoffsPanel(canReturn, cls = '') {
  const ret = canReturn ? `<div class="form inline" id="return-form">
      <label>Return handoff <select id="return-handoff"></select></label>
      <label class="grow">Feedback to the sender <textarea id="return-feedback" rows="2" data-send="return-go" placeholder="What is missing, or why this is not for Tier 2"></textarea></label>
      <button type="button" id="return-go">Return to sender</button></div>` : '';
  const due = `Pick each up within ${fmtSpan(pickupTarget())}: its age turns amber at half that, red past it.`;
  return panel('p-handoffs', 'Waiting handoffs <span class="count" id="handoffs-count"></span>',
    canReturn ? `Work handed to your role. Take one to open a case with its evidence, or return it with feedback if it is incomplete or misrouted. ${due}`
      : `Work handed to your role. Take one to pick up its evidence. ${due}`,
    `<table class="tbl"><thead><tr><th>#</th><th>From</th><th>Sev</th><th>Summary</th><th class="num">Items</th><th class="num">Waiting</th><th></th></tr></thead>
     <tbody id="handoffs-body"></tbody></table>${ret}`, cls);
}

function handoffFormHTML(p, targets, sendLabel, extra = '') {
  return `<div class="form" id="${p}-fields">${extra}
    <label>Send to <select id="${p}-to">${optionsHTML(targets, targets[0][0])}</select></label>
    <label>Severity <select id="${p}-severity">${levelOpts('High')}</select></label>
    <div class="field full"><span class="lbl">Evidence to attach</span><div class="picker" id="${p}-evidence"></div></div>
    <label class="full">Summary <textarea id="${p}-summary" rows="3" data-send="${p}-send" placeholder="What you saw, why it matters, what you already checked (Enter sends, Shift+Enter a new line)"></textarea></label>
    <button type="button" class="primary" id="${p}-send">${sendLabel}</button></div>`;
}

const casesPanel = (cls = '') => panel('p-cases', 'My cases <span class="count" id="cases-count"></span>',
  'Cases you own. Click a case to use it in the forms; open "items" to see its evidence.',
  `<table class="tbl sel"><thead><tr><th>Case</th><th>Sev</th><th>Status</th><th>Opened</th><th>Evidence</th></tr></thead>
   <tbody id="cases-body"></tbody></table>`, cls);

const findingsPanel = (cls = '', help = 'Results of your investigations, newest first. Records on each timeline are oldest first.') =>
  panel('p-findings', 'Findings <span class="count" id="findings-count"></span>', help, '<div id="findings" class="findings"></div>', cls);

const BUILD = {
  Tier1: () => `<div class="grid">
    ${col('span7', panel('p-queue', 'Alert queue <span class="count" id="queue-count"></span>',
      'Alerts waiting for triage, most urgent first. Select one (click, or j/k) and take it (t) before its SLA runs out.',
      `<table class="tbl sel"><thead><tr><th>Sev</th><th>Rule</th><th>Tenant</th><th>Host / account</th><th class="num">Age</th><th class="num">SLA</th></tr></thead>
       <tbody id="queue-body"></tbody></table>`),
    panel('p-held', 'My alerts <span class="count" id="held-count"></span>',
      'Alerts you hold (classify each, then close it or escalate it), then the ones you finished with your verdicts.',
      `<table class="tbl sel"><thead><tr><th>Sev</th><th>Rule</th><th>Tenant</th><th>Host / account</th><th class="num">Age</th><th class="num">Status</th></tr></thead>
       <tbody id="held-body"></tbody></table>`),
    knownPanel())}
    ${col('span5', panel('p-detail', 'Alert detail', 'Take the alert, classify it, then close it (benign) or escalate it with its evidence (malicious).',
      `<div class="actions">
         <button type="button" id="take">Take <kbd>t</kbd></button>
         <button type="button" id="classify-malicious" class="bad">Malicious <kbd>m</kbd></button>
         <button type="button" id="classify-benign" class="good">Benign <kbd>b</kbd></button>
         <button type="button" id="close">Close <kbd>c</kbd></button>
         <button type="button" id="escalate" class="primary">Escalate… <kbd>e</kbd></button>
       </div>
       <div id="alert-detail"></div>
       <div id="escalate-form" class="subform" hidden>
         <h3>Escalate <span id="escalate-alert"></span></h3>
         ${handoffFormHTML('escalate', [['Tier2', 'Tier 2 investigation'], ['Responder', 'Incident response']], 'Send escalation')}
         <button type="button" id="escalate-cancel">Cancel <kbd>Esc</kbd></button>
       </div>
       <div class="keys"><kbd>j</kbd>/<kbd>k</kbd> or <kbd>↓</kbd>/<kbd>↑</kbd> select · <kbd>t</kbd> take ·
         <kbd>m</kbd> malicious · <kbd>b</kbd> benign · <kbd>c</kbd> close · <kbd>e</kbd> escalate · <kbd>Esc</kbd> close the form</div>`),
    inboxPanel())}</div>`,

  Tier2: () => `<div class="grid">
    ${col('span7', handoffsPanel(true), findingsPanel(),
      panel('p-ir', 'Hand to incident response',
        'Send a confirmed case to the responders with the evidence they need to contain it (hosts, accounts, observables).',
        handoffFormHTML('ir', [['Responder', 'Incident response']], 'Send to incident response',
          '<label>Case <select id="ir-case"></select></label>')))}
    ${col('span5', casesPanel(),
      panel('p-investigate', 'Investigate',
        'Search the telemetry around a host, account or observable you know. Longer look-backs find more but take longer.',
        `<div class="form">
          <label class="full">Subject <select id="investigate-subject"></select></label>
          <label>Look back <select id="investigate-lookback">${lookbackOpts()}</select></label>
          <label>For case <select id="investigate-case"></select></label>
          <button type="button" class="primary" id="investigate-go">Investigate</button></div>`),
      panel('p-scope', 'Scope &amp; declare',
        'Merge cases that are the same intrusion; declare an incident when a case is confirmed malicious.',
        `<div class="form"><h3 class="full">Merge cases</h3>
          <label>Keep case <select id="merge-a"></select></label>
          <label>Merge in case <select id="merge-b"></select></label>
          <button type="button" id="merge-go">Merge</button></div>
         <div class="form"><h3 class="full">Declare incident</h3>
          <label>Case <select id="incident-case"></select></label>
          <label>Severity <select id="incident-severity">${levelOpts('High')}</select></label>
          <button type="button" class="bad" id="incident-go">Declare incident</button></div>`),
      knownPanel())}
    ${inboxPanel('span12')}</div>`,

  Hunter: () => `<div class="grid">
    ${col('span5', panel('p-hunt', 'Hypothesis',
      'Hunt for an ATT&amp;CK technique, or for anything unusual in one data source, across all tenants or one.',
      `<div class="form">
        <label>Hunt for <select id="hunt-kind"><option value="Technique">an ATT&amp;CK technique</option><option value="Source">anything unusual in a data source</option></select></label>
        <label id="hunt-technique-field">Technique <input id="hunt-technique" list="technique-list" placeholder="e.g. T1059" autocomplete="off" spellcheck="false">
          <datalist id="technique-list">${(sc().techniques || []).map(([id, name]) => `<option value="${esc(id)}">${esc(name)}</option>`).join('')}</datalist></label>
        <label id="hunt-source-field" hidden>Data source <select id="hunt-source">${optionsHTML((sc().sources || []).map((s) => [s.index, s.id]))}</select></label>
        <label>Tenants <select id="hunt-tenant">${optionsHTML([['', 'all tenants'], ...(sc().tenants || []).map((t) => [t.index, t.name])], '')}</select></label>
        <label>Look back <select id="hunt-lookback">${lookbackOpts()}</select></label>
        <button type="button" class="primary" id="hunt-go">Run hunt</button></div>`),
    panel('p-hh', 'Turn a finding into a case',
      'Hand a finding to Tier 2 (investigate further) or straight to incident response (clearly malicious).',
      `<p id="hh-finding" class="muted"></p>
       ${handoffFormHTML('hh', [['Tier2', 'Tier 2 investigation'], ['Responder', 'Incident response']], 'Send handoff')}`))}
    ${col('span7', findingsPanel('', 'Hunt results, newest first. Use "Open a case…" on a finding to hand its records on.'), knownPanel())}
    ${inboxPanel('span12')}</div>`,

  Responder: () => `<div class="grid">
    ${col('span7', handoffsPanel(false),
      panel('p-contain', 'Containment',
        'Hosts, accounts and observables you know, with the measures that apply. Partner teams carry them out after a delay.',
        `<table class="tbl"><thead><tr><th>Kind</th><th>Item</th><th>Context</th><th>Measures</th></tr></thead>
         <tbody id="contain-body"></tbody></table>`))}
    ${col('span5', casesPanel(),
      panel('p-partners', 'Partner-team progress',
        'Measures you requested and when each partner team is due to finish them.',
        `<table class="tbl"><thead><tr><th>Measure</th><th>Team</th><th>Asked</th><th>Due</th><th>Status</th></tr></thead>
         <tbody id="partners-body"></tbody></table>`))}
    ${knownPanel('span6')}${inboxPanel('span6')}</div>`,

  Manager: () => `<div class="grid">
    ${inboxPanel('span12')}
    ${panel('p-assign', 'Alert queue &amp; assignment <span class="count" id="mq-count"></span>',
      'Every alert waiting for Tier 1, most urgent first. Assign one to an analyst: only they may take it, and it goes to the top of their work.',
      `<table class="tbl"><thead><tr><th>Sev</th><th>Rule</th><th>Tenant</th><th>Host / account</th><th class="num">Age</th><th class="num">SLA</th></tr></thead>
       <tbody id="mq-body"></tbody></table>
       <div class="form">
        <label>Alert <select id="assign-alert"></select></label>
        <label>Tier 1 analyst <select id="assign-seat"></select></label>
        <button type="button" class="primary" id="assign-go">Assign</button></div>`, 'span12')}
    ${panel('p-workload', 'SOC workload', 'What every desk is doing, queue depth and alert volume. Rebalance before queues breach their SLAs.',
      '<div id="workload"></div>', 'span8')}
    ${col('span4', panel('p-severity', 'Incident severity', 'Set the severity of a case by its id (as the analysts report it).',
      `<div class="form">
        <label>Case id <input id="sev-case" type="number" min="0" step="1" placeholder="0"></label>
        <label>Severity <select id="sev-level">${levelOpts('High')}</select></label>
        <button type="button" class="primary" id="sev-go">Set severity</button></div>`), knownPanel())}</div>`,

  Engineer: () => `<div class="grid">
    ${panel('p-rules', 'Detection rules',
      'Enable, disable or tune rules from what they raise and how the analysts judged it: a rule whose alerts are mostly called benign buries real ones; changes deploy after a delay.',
      `<table class="tbl"><thead><tr><th>Rule</th><th>Source</th><th>Techniques</th><th>State</th><th class="num" title="alerts raised so far, and per hour">Alerts</th><th class="num" title="how analysts judged them: called malicious / called benign / not judged yet">Judged M / B / open</th><th class="num">Fidelity</th><th class="num">Benign/h</th><th>Pending change</th><th></th></tr></thead>
       <tbody id="rules-body"></tbody></table>`, 'span8')}
    ${col('span4', panel('p-tune', 'Tune a rule', 'Fidelity is the share of real activity the rule catches (0–1); benign/h is its false-positive rate. Leave a field empty to keep it.',
      `<div class="form">
        <label class="full">Rule <select id="tune-rule"></select></label>
        <label>Fidelity (0–1) <input id="tune-fidelity" type="number" min="0" max="1" step="0.05"></label>
        <label>Benign per hour <input id="tune-benign" type="number" min="0" step="0.5"></label>
        <button type="button" class="primary" id="tune-go">Deploy tuning</button></div>`), handoffsPanel(false))}
    ${knownPanel('span6')}${inboxPanel('span6')}</div>`,
};
BUILD.Intel = () => {
  const mean = (sc().durations || {}).Enrich;
  return `<div class="grid">
    ${col('span7', panel('p-indicators', 'Indicators <span class="count" id="indicators-count"></span>',
      `Indicators the SOC has come across in alerts, handoffs and cases, newest first. Enriching one asks the threat intelligence
       sources what they know of it${mean ? ` (about ${fmtSpan(mean)})` : ''}; the answer then shows beside every alert and record carrying it, on every console.
       Select one (click, or j/k) and enrich it (n).`,
      `<table class="tbl sel"><thead><tr><th>Indicator</th><th class="num">Alerts</th><th>Case</th><th>Intel</th><th></th></tr></thead>
       <tbody id="indicators-body"></tbody></table>
       <div class="keys"><kbd>j</kbd>/<kbd>k</kbd> or <kbd>↓</kbd>/<kbd>↑</kbd> select · <kbd>n</kbd> enrich the selected indicator</div>`))}
    ${col('span5', inboxPanel(), knownPanel())}</div>`;
};
const buildGeneric = () => `<div class="grid">${knownPanel('span6')}${inboxPanel('span6')}</div>`;

function buildFacilitator() {
  return `<div class="grid">
    ${panel('p-controls', 'Exercise control',
      'Start, pause and pace the clock; jump to the next timed inject; end the exercise and reveal the debrief to everyone.',
      `<div class="controls">
        <button type="button" id="fac-start" class="primary">Start</button>
        <button type="button" id="fac-pause">Pause</button>
        <button type="button" id="fac-resume">Resume</button>
        <label class="inline">Speed <input id="fac-speed" type="number" min="0.1" max="3600" step="any"> sim s per s</label>
        <button type="button" id="fac-speed-set">Set speed</button>
        <button type="button" id="fac-jump">Jump to next inject</button><span id="fac-next" class="muted"></span>
        <span class="spacer"></span>
        <button type="button" id="fac-end" class="bad">End exercise</button>
        <button type="button" id="fac-reveal" class="bad">Reveal debrief</button></div>
       <div class="controls">
        <label class="inline">Bots wait for people <select id="fac-botwait">
          <option value="0">not at all (race them)</option><option value="300">5 min</option><option value="600">10 min</option>
          <option value="900">15 min</option><option value="1800">30 min</option><option value="never">never (assigned work only)</option></select></label>
        <button type="button" id="fac-botwait-set">Set</button><span id="fac-botwait-now" class="muted"></span></div>
       <div class="controls" id="fac-staff"><label class="inline">Seats before the start: <select id="staff-role"></select></label>
        <label class="inline"><input id="staff-seats" type="number" min="0" max="50" step="1" value="1"> seat(s)</label>
        <button type="button" id="staff-go">Set seats</button><span class="muted">new seats' links appear in the seats table</span></div>
       <div class="controls" id="fac-addseat" hidden><label class="inline">Add a seat while it runs: <select id="addseat-role"></select></label>
        <button type="button" id="addseat-go">Add seat</button><span class="muted">a bot plays it until someone opens its link; remove a bot's seat from the seats table</span></div>
       <div class="muted boardlink">Board (big screen): <a id="board-link" target="_blank" rel="noopener"></a></div>`, 'span12')}
    ${panel('p-discuss', 'Discussion <span class="count" id="discuss-count"></span>',
      'Notes and observations for the after-action report (per role, per objective), messages to seats, and injects written now. All of it is journaled and goes into the debrief.',
      `<div class="discuss"><div class="form" id="note-form"><h3>Note an observation</h3>
          <label>About <select id="note-role"></select></label><label>Objective <select id="note-objective"></select></label>
          <label class="full"><textarea id="note-text" rows="2" data-send="note-go" placeholder="What you saw (Enter adds the note)"></textarea></label>
          <button type="button" id="note-go">Add note</button></div>
        <div class="form" id="msg-form"><h3>Message</h3><label>To <select id="msg-to"></select></label>
          <label class="full"><textarea id="msg-text" rows="2" data-send="msg-go" placeholder="Appears in the seat's inbox (Enter sends)"></textarea></label>
          <button type="button" id="msg-go">Send message</button></div>
        <div class="form" id="linj-form"><h3>Write an inject</h3><label class="full">Title <input id="linj-title" maxlength="200"></label>
          <label class="full">What happens <textarea id="linj-body" rows="2"></textarea></label>
          <div class="field full"><span class="lbl">To</span><span id="linj-to" class="checks"></span></div>
          <label class="full">Questions, one per line <textarea id="linj-questions" rows="2"></textarea></label>
          <button type="button" id="linj-go" class="primary">Fire inject now</button></div></div>
       <ol id="discussion" class="feed discussion"></ol>`, 'span12')}
    ${col('span7', panel('p-seats', 'Seats', 'Who plays each seat and what they are doing. Send each person their join link.',
      `<table class="tbl"><thead><tr><th>Seat</th><th>Role</th><th>Played by</th><th>Online</th><th>Doing</th><th>Until</th><th class="num">Actions</th><th>Join link</th><th></th></tr></thead>
       <tbody id="seats-body"></tbody></table>`),
    panel('p-scores', 'Live scores', 'The scorecard for the exercise so far (final at the end).', '<div id="scores"></div>'))}
    ${col('span5', panel('p-injects', 'Injects', 'Scenario events. Timed ones fire on their own; fire any of them now to add pressure.',
      `<table class="tbl"><thead><tr><th>#</th><th>Inject</th><th>To</th><th>When</th><th></th></tr></thead>
       <tbody id="injects-body"></tbody></table>`),
    panel('p-feed', 'Feed <span class="count" id="feed-count"></span>',
      'What a jump passed over (attacker stages, injects, alerts), newest first.', '<ol id="feed" class="feed"></ol>'),
    panel('p-truth', 'Ground truth <span class="tag red">facilitator only</span>',
      'What the attacker has done. Never show this screen to the players before the debrief.', '<div id="truth"></div>', 'truth'))}
    ${panel('p-workload', 'SOC workload', 'The floor as the manager and the board see it.', '<div id="workload"></div>', 'span12')}</div>`;
}

function buildBoard() {
  return `<div id="board">
    <div id="board-tiles"></div>
    <div class="board-row"><div class="board-chart"><h2>Alert volume per hour</h2><div id="board-chart"></div></div>
      <div class="board-desks"><h2>Seat activity</h2><div id="board-desks"></div></div>
      <div class="board-injects"><h2>Injects</h2><ol id="board-injects" class="board-inject-list"></ol></div></div>
    <div id="board-timeline" hidden></div></div>`;
}

// ---------------------------------------------------------------- rendering

function render() {
  if (!S.built || !S.state) return;
  renderHeader();
  renderBusy();
  if (S.mode === 'facilitator') renderFacilitator();
  else if (S.mode === 'board') renderBoard();
  else {
    (RENDER[S.role] || (() => {}))();
    renderKnown();
    renderInbox();
  }
  renderDebrief();
  tick();
}

function renderHeader() {
  const c = S.state.clock;
  const ph = $('#phase');
  ph.textContent = c.phase;
  ph.className = `phase phase-${c.phase}`;
  document.body.dataset.phase = c.phase;
  $('#clock-meta').textContent = `of ${fmtT(c.end)} · ×${num(c.speed, c.speed % 1 ? 1 : 0)}`;
  const lobby = $('#lobby');
  lobby.hidden = c.phase !== 'lobby' || S.mode === 'facilitator';
  renderBriefing(c);
  $('#seat-bot').hidden = !(S.mode === 'seat' && S.view && S.view.person === false && ['running', 'paused'].includes(c.phase));
  if (isSolo()) renderSoloControls(c);
}

/** The lobby: the scenario in brief, the objectives, the environment, every role's job
 * and keys, the rules of play, who is here; a seat gives its participant's name. */
function briefingHTML() {
  const b = sc().briefing || {}, env = b.environment || {};
  const me = S.mode === 'seat' && S.hello.seat ? S.hello.seat.role : null;
  const name = S.mode === 'seat' ? `<div class="form inline name-form"><label class="grow">Your name, for the debrief
      <input id="name-input" data-send="name-go" maxlength="60" autocomplete="name" placeholder="e.g. Ana Souza"></label>
      <button type="button" id="name-go" class="primary">Join as this name</button><span id="name-now" class="muted"></span></div>` : '';
  return `<div class="panel span12"><header><h2>Briefing — ${esc(sc().title || '')}</h2>
    <p class="help">Read this while the room gathers; the facilitator starts the clock.</p></header><div class="body brief">
    ${name}
    <p class="summary">${esc(b.summary || sc().summary || '')}</p>
    <div class="brief-cols"><div><h3>Objectives</h3><ul>${(b.objectives || []).map((o) => `<li>${esc(o.description)}</li>`).join('') || '<li class="muted">none stated</li>'}</ul>
      <h3>The environment</h3><p>${esc((env.tenants || []).join(', '))}: ${env.hosts ?? '?'} hosts, ${env.accounts ?? '?'} accounts,
        ${env.rules ?? '?'} detection rules over ${esc((env.sources || []).join(', '))}; the exercise runs ${fmtSpan(env.time_limit || sc().time_limit || 0)} of simulated time.</p>
      <h3>Rules of play</h3><ul>${(b.rules || []).map((r) => `<li>${esc(r)}</li>`).join('')}</ul><p id="brief-botwait" class="muted"></p></div>
    <div><h3>Roles</h3><table class="tbl roles"><thead><tr><th>Role</th><th>Seats</th><th>The job</th></tr></thead><tbody>
      ${(b.roles || []).map((r) => `<tr${r.role === me ? ' class="mine"' : ''} data-testid="brief-role"><td><b>${esc(r.label)}</b>${r.role === me ? ' ' + tag('you', 'blue') : ''}</td>
        <td class="num">${r.seats}</td><td>${esc(r.job)}${r.keys ? `<div class="muted">Keys: ${esc(r.keys)}</div>` : ''}</td></tr>`).join('')}</tbody></table>
      <h3>Who is here</h3><ul id="brief-room" class="room"></ul></div></div></div></div>`;
}

function renderBriefing(c) {
  const el = $('#briefing');
  el.hidden = c.phase !== 'lobby' || S.mode === 'board' && !sc().briefing;
  if (el.hidden) return;
  if (!el._built) { el._built = true; el.innerHTML = briefingHTML(); }
  const room = S.state.room || {};
  $('#brief-botwait').textContent = room.bot_wait ? `Bots take their role's work ${room.bot_wait}.` : '';
  put($('#brief-room'), (room.seats || []).map((x) => `<li data-testid="room-seat">${esc(x.name)} <span class="muted">${esc(x.role_label)}</span>
    ${x.connected ? tag(x.player || 'here, unnamed', 'green') : '<span class="muted">not yet</span>'}</li>`).join(''));
  const mine = S.mode === 'seat' && S.hello.seat && (room.seats || [])[S.hello.seat.id];
  const now = $('#name-now');
  if (now) now.textContent = mine && mine.player ? `Joined as ${mine.player}.` : '';
}

const isSolo = () => !!(S.mode === 'seat' && S.hello && S.hello.seat && S.hello.seat.solo);
/** Simulated seconds per wall second a trainee may choose from (the current one is always offered). */
const SOLO_SPEEDS = [1, 10, 30, 60, 120, 300, 600, 1800];

/** A solo trainee's pacing: only what applies now is shown, so the header stays small. */
function renderSoloControls(c) {
  const live = ['running', 'paused'].includes(c.phase), reveal = c.phase === 'ended' && !S.state.debrief;
  $('#solo-controls').hidden = !live && !reveal;
  $('#solo-pause').hidden = c.phase !== 'running';
  $('#solo-resume').hidden = c.phase !== 'paused';
  $('#solo-end').hidden = !live;
  $('#solo-reveal').hidden = !reveal;
  const sel = $('#solo-speed');
  sel.closest('label').hidden = !live;
  const speeds = [...new Set([...SOLO_SPEEDS, c.speed])].sort((a, b) => a - b);
  fillSelect(sel, speeds.map((x) => [x, `×${num(x, x % 1 ? 1 : 0)}`]));
  if (document.activeElement !== sel) sel.value = String(c.speed);
}

function renderBusy() {
  const el = $('#busy');
  el.hidden = S.mode !== 'seat';
  if (el.hidden) return;
  const w = S.view.working_on;
  if (w) {
    el.className = 'busy';
    put(el, `Busy — working on <b>${esc(describeAction(w[0]))}</b> until ${fmtT(w[1])} (${countdown(w[1])} left)`);
  } else {
    el.className = 'busy idle';
    put(el, 'Ready — no action under way.');
  }
}

/** Who the manager assigned an alert to, as a tag ("for you" on that analyst's own console). */
function assignedTag(a) {
  if (a.assigned_to == null) return '';
  const mine = S.hello && S.hello.seat && S.hello.seat.id === a.assigned_to;
  const desk = ((S.view.workload || {}).desks || []).find((d) => d.seat === a.assigned_to);
  return ' ' + tag(mine ? 'assigned to you' : `assigned to ${desk ? desk.name : 'seat ' + a.assigned_to}`, mine ? 'blue' : '');
}

function alertRow(a, testid, inQueue) {
  // Host and account each stay whole; a narrow table breaks the cell at the slash.
  const who = [a.host, a.account].filter(Boolean).map((x) => `<span class="nw">${esc(x)}</span>`).join(' / ') || '—';
  const last = inQueue ? countdown(a.raised_at + a.sla_seconds, 'breached')
    : tag(a.verdict ? `held · ${a.verdict === 'Malicious' ? 'malicious' : 'benign'}` : 'held');
  return `<tr data-testid="${testid}" data-alert="${a.id}"${S.ui.alert === a.id ? ' class="selected"' : ''}>` +
    `<td>${sevBadge(a.severity)}</td><td>${esc(a.rule)}${assignedTag(a)}</td><td>${esc(a.tenant)}</td><td class="mono wrap">${who}</td>` +
    `<td class="num">${since(a.raised_at)}</td><td class="num">${last}</td></tr>`;
}

/** Your own call on an alert, as your console shows it after you finished it. */
function verdictTag(a) {
  const v = a.verdict === 'Malicious' ? 'malicious' : a.verdict === 'Benign' ? 'benign' : 'no verdict';
  return tag(`${v} · ${a.escalated ? 'escalated' : 'closed'}`, 'verdict');
}

function tier1Alerts() { return [...(S.view.queue || []), ...(S.view.held || [])]; }

function renderTier1() {
  const q = S.view.queue || [], held = S.view.held || [], all = tier1Alerts();
  if (!all.some((a) => a.id === S.ui.alert)) {
    if (S.ui.escOpen) S.ui.escOpen = false; // its alert is gone
    const next = all[Math.min(S.ui.alertIdx, all.length - 1)];
    S.ui.alert = next ? next.id : null;
  }
  S.ui.alertIdx = Math.max(0, all.findIndex((a) => a.id === S.ui.alert));
  $('#queue-count').textContent = q.length;
  $('#held-count').textContent = held.length;
  put($('#queue-body'), q.map((a) => alertRow(a, 'queue-row', true)).join('') || emptyRow(6, 'The queue is empty: nothing waiting for triage.'));
  const done = (S.view.decided || []).map((a) => `<tr data-testid="decided-row" class="done"><td>${sevBadge(a.severity)}</td><td>${esc(a.rule)}</td>` +
    `<td>${esc(a.tenant)}</td><td class="mono wrap">${esc([a.host, a.account].filter(Boolean).join(' / ') || '—')}</td><td class="num">${since(a.raised_at)}</td>` +
    `<td class="num">${verdictTag(a)}</td></tr>`).join('');
  put($('#held-body'), (held.map((a) => alertRow(a, 'held-row', false)).join('') || emptyRow(6, 'You hold no alerts. Take one from the queue.')) + done);
  const a = all.find((x) => x.id === S.ui.alert);
  renderAlertDetail(a, held.some((x) => x.id === S.ui.alert));
  renderEscalate(a);
}

function renderAlertDetail(a, held) {
  for (const id of ['take', 'classify-malicious', 'classify-benign', 'close', 'escalate']) $(`#${id}`).disabled = !a;
  if (!a) { put($('#alert-detail'), '<p class="muted">No alert selected. Click a row in the queue.</p>'); return; }
  const host = (sc().hosts || []).find((h) => h.id === a.host);
  const acct = (sc().accounts || []).find((x) => x.id === a.account);
  const techName = (t) => { const f = (sc().techniques || []).find(([id]) => id === t); return f ? `${t} ${f[1]}` : t; };
  const row = (k, v) => `<dt>${k}</dt><dd>${v}</dd>`;
  // The evidence first: the line the rule fired on and what the console knows about it.
  put($('#alert-detail'), `<dl class="kv">
    ${row('Alert', `<span class="mono">#${a.id}</span> ${sevBadge(a.severity)} ${held ? tag('held by you', 'blue') : tag('in queue')}`)}
    ${row('Rule', `${esc(a.rule)} <span class="mono muted">${esc(a.rule_id)}</span>`)}
    ${row('Log line', `<span class="src">${esc(a.source)}</span><div class="logline" data-testid="logline">${esc(a.line) || '<span class="muted">(no record)</span>'}</div>`)}
    ${row('Cues', cuesHTML(a.cues))}
    ${row('Techniques', `<span class="mono">${a.techniques.map((t) => esc(techName(t))).join(', ') || '—'}</span>`)}
    ${row('Tenant', esc(a.tenant))}
    ${row('Host', a.host ? `<span class="mono">${esc(a.host)}</span>${host ? ` <span class="muted">${esc(host.kind)}, ${esc(host.criticality)} criticality</span>` : ''}` : '—')}
    ${row('Account', a.account ? `<span class="mono">${esc(a.account)}</span>${acct ? ` <span class="muted">${esc(acct.privilege)}</span>` : ''}` : '—')}
    ${row('Observables', a.observables.length ? `<ul class="plain mono">${a.observables.map((o) => `<li>${esc(o)}</li>`).join('')}</ul>` : '—')}
    ${row('Raised', `${fmtT(a.raised_at)} (${since(a.raised_at)} ago)`)}
    ${row('SLA', held ? 'picked up' : `${countdown(a.raised_at + a.sla_seconds, 'breached')} <span class="muted">to pick up (${fmtDur(a.sla_seconds)} target)</span>`)}
  </dl>`);
  $('#take').classList.toggle('primary', !held);
}

function renderEscalate(a) {
  const form = $('#escalate-form');
  form.hidden = !(S.ui.escOpen && a);
  if (form.hidden) return;
  if (S.ui.escFor !== a.id) {
    S.ui.escFor = a.id;
    $('#escalate-severity').value = a.severity;
  }
  $('#escalate-alert').textContent = `alert #${a.id}: ${a.rule}`;
  const own = alertItemCards(a);
  renderPicker($('#escalate-evidence'), [...own, ...(S.view.known || [])], new Set(own.map((c) => J(c.item))), `alert${a.id}`);
}

/** Evidence checkboxes; the user's ticks survive re-renders until `resetKey` changes. */
function renderPicker(el, cards, defaults, resetKey) {
  if (el._reset !== resetKey) { el._reset = resetKey; el._checked = new Map(); }
  const seen = new Set();
  const rows = [];
  for (const c of cards) {
    const v = J(c.item);
    if (seen.has(v)) continue;
    seen.add(v);
    const on = el._checked.has(v) ? el._checked.get(v) : defaults.has(v);
    rows.push(`<label class="pick"><input type="checkbox" data-testid="evidence-option" value="${esc(v)}"${on ? ' checked' : ''}>` +
      `<span class="kind">${esc(itemKind(c.item))}</span><span class="ev-body">${evidenceText(c)}${cuesHTML(c.cues)}</span></label>`);
  }
  put(el, rows.join('') || '<div class="muted">Nothing to attach yet.</div>');
}
const picked = (el) => $$('input[data-testid="evidence-option"]:checked', el).map((i) => JSON.parse(i.value));

function sendHandoff(p, about, onDone) {
  const summary = $(`#${p}-summary`).value.trim();
  const draft = { to: $(`#${p}-to`).value, alert: null, case: null, ...about,
    evidence: picked($(`#${p}-evidence`)), severity: $(`#${p}-severity`).value, summary };
  act({ Handoff: draft }, { onOk: () => { $(`#${p}-summary`).value = ''; if (onDone) onDone(); } });
}

function selectAlert(id) {
  S.ui.alert = id;
  renderTier1();
  tick();
  const row = $(`tr[data-alert="${id}"]`);
  if (row && row.scrollIntoView) row.scrollIntoView({ block: 'nearest' });
}
function moveSelection(d) {
  const ids = $$('#queue-body tr[data-alert], #held-body tr[data-alert]').map((r) => +r.dataset.alert);
  if (!ids.length) return;
  const i = ids.indexOf(S.ui.alert);
  selectAlert(ids[i < 0 ? 0 : Math.max(0, Math.min(ids.length - 1, i + d))]);
}
function withAlert(fn) {
  if (S.ui.alert == null) { invalid('select an alert first'); return; }
  fn(S.ui.alert);
}
const tier1 = {
  take: () => withAlert((id) => act({ TakeAlert: id })),
  malicious: () => withAlert((id) => act({ Classify: [id, 'Malicious'] })),
  benign: () => withAlert((id) => act({ Classify: [id, 'Benign'] })),
  close: () => withAlert((id) => act({ Close: id })),
  escalate: () => withAlert(() => {
    S.ui.escOpen = true;
    S.ui.escFor = null;
    renderTier1();
    $('#escalate-summary').focus();
  }),
  cancel: () => {
    S.ui.escOpen = false;
    const form = $('#escalate-form');
    if (form.contains(document.activeElement)) document.activeElement.blur(); // shortcuts work again
    form.hidden = true;
  },
  send: () => withAlert((id) => sendHandoff('escalate', { alert: id }, tier1.cancel)),
};

// --- shared seat panels

function renderHandoffs(canReturn) {
  const list = S.view.handoffs || [];
  $('#handoffs-count').textContent = list.length;
  put($('#handoffs-body'), list.map((h) => `<tr data-testid="handoff-row" data-handoff="${h.id}">
    <td class="mono">#${h.id}</td><td>${esc(roleLabel(h.from))}</td><td>${sevBadge(h.severity)}</td>
    <td>${esc(h.summary) || '<span class="muted">(no summary)</span>'}</td><td class="num">${h.evidence}</td><td class="num"><span data-waiting="${h.sent_at}"></span></td>
    <td class="btns"><button type="button" class="primary" data-testid="take-handoff" data-handoff="${h.id}">Take</button>${canReturn
      ? `<button type="button" data-testid="return-handoff" data-handoff="${h.id}">Return…</button>` : ''}</td></tr>`).join('')
    || emptyRow(7, 'No handoffs waiting for your role.'));
  if (canReturn) fillSelect($('#return-handoff'), list.length ? list.map((h) => [h.id, `#${h.id} from ${roleLabel(h.from)}: ${h.summary || '(no summary)'}`.slice(0, 90)]) : [['', '— none waiting —']]);
}

function caseOpts(cases, none) {
  const opts = cases.map((c) => [c.id, `case #${c.id} (${c.severity}${c.incident ? ', incident' : ''}, ${c.evidence.length} items)`]);
  return none ? [['', none], ...opts] : (opts.length ? opts : [['', '— no cases yet —']]);
}

function renderCases() {
  const cases = S.view.cases || [];
  $('#cases-count').textContent = cases.length;
  put($('#cases-body'), cases.map((c) => `<tr data-testid="case-row" data-case="${c.id}"${S.ui.case === c.id ? ' class="selected"' : ''}>
    <td class="mono">#${c.id}</td><td>${sevBadge(c.severity)}</td><td>${c.incident ? tag('incident', 'red') : tag('case')}</td>
    <td class="mono">${fmtT(c.opened_at)}</td>
    <td><details data-case="${c.id}"${S.ui.openCases.has(c.id) ? ' open' : ''}><summary>${c.evidence.length} items</summary>
      <ul class="plain ev">${c.evidence.map(evidenceItem).join('')}</ul></details></td></tr>`).join('')
    || emptyRow(5, 'No cases yet. Taking a handoff opens one.'));
}

/** A record on a finding's timeline. Every record is drawn alike, whatever it says. */
function recordItem(c) {
  const r = c.record;
  const [t, src, line] = r ? [fmtT(r.at), r.source, r.line] : ['', '', c.label];
  return `<li class="rec" data-testid="record"><span class="t mono">${t}</span><span class="src">${esc(src)}</span>` +
    `<span class="rec-body"><span class="logline">${esc(line)}</span>${cuesHTML(c.cues)}</span></li>`;
}
const findingKey = (f) => `${f.at}|${f.kind}|${f.subject}`;

function renderFindings(withHandoff) {
  const list = S.view.findings || [];
  $('#findings-count').textContent = list.length;
  put($('#findings'), list.map((f) => `<article class="finding${S.ui.finding === findingKey(f) ? ' chosen' : ''}" data-testid="finding">
    <header>${tag(f.kind, 'blue')} <b>${esc(f.subject)}</b> <span class="muted mono">${fmtT(f.at)}</span>
      <span class="muted">${f.records.length} record${f.records.length === 1 ? '' : 's'}</span>
      ${withHandoff ? `<button type="button" data-testid="finding-handoff" data-key="${esc(findingKey(f))}">Open a case…</button>` : ''}</header>
    <ol class="timeline">${f.records.map(recordItem).join('') || '<li class="none">Nothing found in that window.</li>'}</ol></article>`).join('')
    || '<p class="muted">No results yet.</p>');
}

function renderKnown() {
  const el = $('#known-list');
  if (!el) return;
  const known = S.view.known || [];
  $('#known-count').textContent = known.length;
  put(el, known.map(evidenceItem).join('') || '<li class="muted">Nothing yet.</li>');
}

function renderInbox() {
  const el = $('#inbox');
  if (!el) return;
  const list = (S.view.inbox || []).slice().reverse();
  const msgs = (S.view.messages || []).slice().reverse();
  $('#inbox-count').textContent = list.length + msgs.length;
  const ml = $('#messages');
  ml.hidden = !msgs.length;
  put(ml, msgs.map((m) => `<li data-testid="message"><span class="t mono">${fmtT(m.at)}</span> <b>Facilitator${m.to_all ? ' to everyone' : ' to you'}:</b> ${esc(m.text)}</li>`).join(''));
  const askable = list.filter((i) => i.questions.length);
  $('#answer-form').hidden = !askable.length;
  fillSelect($('#answer-inject'), askable.map((i) => [i.id, `${fmtT(i.at)} ${i.title}`]));
  put(el, list.map((i) => `<article class="inject${i.options.length ? ' decision' : ''}" data-testid="inject" data-inject="${i.id}">
    <h3>${esc(i.title)} <span class="muted mono">${fmtT(i.at)}</span></h3><p class="msg">${esc(i.body)}</p>
    ${i.questions.length ? `<div class="questions"><span class="lbl">Discuss</span><ul>${i.questions.map((q) => `<li>${esc(q)}</li>`).join('')}</ul></div>` : ''}
    ${(i.answers || []).length ? `<div class="answers"><span class="lbl">Your answers</span><ul>${i.answers.map((a) => `<li data-testid="my-answer">${esc(a)}</li>`).join('')}</ul></div>` : ''}
    ${i.options.length ? `<div class="options"><span class="lbl">Decision needed — choose one</span>${i.options.map((o, k) =>
      `<button type="button" class="primary" data-testid="inject-option" data-inject="${i.id}" data-option="${k}">${esc(o)}</button>`).join('')}</div>` : ''}
  </article>`).join('') || '<p class="muted">Nothing yet.</p>');
}

// --- role consoles

function renderTier2() {
  const v = S.view, cases = v.cases || [];
  renderHandoffs(true);
  renderCases();
  renderFindings(false);
  const subjects = (v.known || []).filter((c) => ['Host', 'Account', 'Observable'].includes(itemKind(c.item)));
  fillSelect($('#investigate-subject'), subjects.length ? subjects.map((c) => [J(c.item), c.label]) : [['', '— nothing known yet: take a handoff —']]);
  fillSelect($('#investigate-case'), caseOpts(cases, 'none'));
  fillSelect($('#merge-a'), caseOpts(cases));
  fillSelect($('#merge-b'), caseOpts(cases));
  const other = cases.find((x) => String(x.id) !== $('#merge-a').value);
  if ($('#merge-b').value === $('#merge-a').value && other) $('#merge-b').value = String(other.id);
  fillSelect($('#incident-case'), caseOpts(cases));
  fillSelect($('#ir-case'), [...caseOpts(cases).filter(([id]) => id !== ''), ['', 'no case']]);
  const c = cases.find((x) => String(x.id) === $('#ir-case').value);
  renderPicker($('#ir-evidence'), [...(c ? c.evidence : []), ...(v.known || [])],
    new Set((c ? c.evidence : []).map((e) => J(e.item))), `case${c ? c.id : ''}`);
}

function renderHunter() {
  renderFindings(true);
  const f = (S.view.findings || []).find((x) => findingKey(x) === S.ui.finding);
  put($('#hh-finding'), f ? `From the ${esc(f.kind)} on <b>${esc(f.subject)}</b> at ${fmtT(f.at)} (${f.records.length} records pre-selected).`
    : 'Choose "Open a case…" on a finding to pre-select its records, or pick evidence below.');
  renderPicker($('#hh-evidence'), [...(f ? f.records : []), ...(S.view.known || [])],
    new Set((f ? f.records : []).map((r) => J(r.item))), S.ui.finding || '');
}

const MEASURES = {
  Host: [['Isolate', 'Isolate'], ['Eradicate', 'Eradicate'], ['Recover', 'Recover']],
  Account: [['DisableAccount', 'Disable'], ['ResetCredentials', 'Reset credentials']],
  Observable: [['Block', 'Block']],
};
function renderResponder() {
  renderHandoffs(false);
  renderCases();
  const items = (S.view.known || []).filter((c) => MEASURES[itemKind(c.item)]);
  put($('#contain-body'), items.map((c) => {
    const kind = itemKind(c.item), idx = c.item[kind];
    let ctx = '';
    if (kind === 'Host') { const h = (sc().hosts || [])[idx]; if (h) ctx = `${h.kind}, ${h.criticality} criticality, ${h.tenant}`; }
    if (kind === 'Account') { const a = (sc().accounts || [])[idx]; if (a) ctx = `${a.privilege}, ${a.tenant}`; }
    return `<tr data-testid="asset-row"><td><span class="kind">${kind}</span></td><td class="mono">${esc(c.label)}</td>
      <td class="muted">${esc(ctx)}</td><td class="btns">${MEASURES[kind].map(([op, l]) =>
        `<button type="button" data-testid="contain" data-act="${op}" data-index="${idx}">${l}</button>`).join('')}</td></tr>`;
  }).join('') || emptyRow(4, 'Nothing to contain yet. Take a handoff to learn the affected hosts, accounts and observables.'));
  put($('#partners-body'), (S.view.partners || []).map((p) => `<tr data-testid="partner-row"><td>${esc(p.measure)}</td><td>${esc(p.team)}</td>
    <td class="mono">${fmtT(p.requested_at)}</td><td class="mono">${fmtT(p.due)}</td>
    <td>${p.done ? tag('done', 'green') : `${tag('pending', 'amber')} ${countdown(p.due, 'overdue')}`}</td></tr>`).join('')
    || emptyRow(5, 'No measures requested yet.'));
}

function renderManager() {
  put($('#workload'), workloadHTML(S.view.workload));
  const q = S.view.queue || [];
  $('#mq-count').textContent = q.length;
  put($('#mq-body'), q.map((a) => alertRow(a, 'mq-row', true)).join('') || emptyRow(6, 'The queue is empty.'));
  fillSelect($('#assign-alert'), q.map((a) => [a.id, `alert ${a.id} — ${a.severity} — ${a.rule}`]));
  const tier1 = ((S.view.workload || {}).desks || []).filter((d) => d.role === 'Tier1');
  fillSelect($('#assign-seat'), tier1.map((d) => [d.seat, `${d.name} (${d.played_by}${d.doing ? ', busy' : ''})`]));
}

function renderEngineer() {
  const rules = S.view.rules || [];
  put($('#rules-body'), rules.map((r) => `<tr data-testid="rule-row" data-rule="${r.index}">
    <td><span class="mono">${esc(r.id)}</span><br>${esc(r.name)}</td><td>${esc(r.source)}</td><td class="mono">${r.techniques.map(esc).join(' ')}</td>
    <td>${r.enabled ? tag('enabled', 'green') : tag('disabled')}</td>
    <td class="num" data-testid="rule-alerts">${r.alerts}<br><span class="muted">${num(r.per_hour, 1)}/h</span></td>
    <td class="num" data-testid="rule-judged">${r.called_malicious} / ${r.called_benign} / ${r.open}</td><td class="num">${num(r.fidelity, 2)}</td><td class="num">${num(r.benign_per_hour, 1)}</td>
    <td>${r.pending ? `${esc(r.pending[0])}<br><span class="muted">deploys ${fmtT(r.pending[1])} (${countdown(r.pending[1])})</span>` : '<span class="muted">—</span>'}</td>
    <td class="btns"><button type="button" data-testid="rule-toggle" data-rule="${r.index}" data-change="${r.enabled ? 'Disable' : 'Enable'}">${r.enabled ? 'Disable' : 'Enable'}</button>
      <button type="button" data-testid="rule-tune" data-rule="${r.index}">Tune…</button></td></tr>`).join('') || emptyRow(10, 'No rules.'));
  fillSelect($('#tune-rule'), rules.map((r) => [r.index, `${r.id} — ${r.name}`]));
  renderHandoffs(false);
}
function pickTuneRule(index) {
  const r = (S.view.rules || []).find((x) => x.index === index);
  if (!r) return;
  $('#tune-rule').value = String(index);
  $('#tune-fidelity').value = r.fidelity;
  $('#tune-benign').value = r.benign_per_hour;
  $('#tune-fidelity').focus();
}

// --- threat intel

function renderIntel() {
  const list = S.view.indicators || [], w = S.view.working_on;
  const enriching = w && w[0] && w[0].Enrich != null ? w[0].Enrich : null;
  if (!list.some((i) => i.item.Observable === S.ui.indicator)) S.ui.indicator = list.length ? list[0].item.Observable : null;
  $('#indicators-count').textContent = list.length;
  put($('#indicators-body'), list.map((i) => {
    const o = i.item.Observable;
    const status = enriching === o ? `${tag('enriching…', 'amber')} ${countdown(w[1])}` : intelChip(i.intel);
    return `<tr data-testid="indicator-row" data-indicator="${o}"${S.ui.indicator === o ? ' class="selected"' : ''}>` +
      `<td class="mono wrap anywhere">${esc(i.label)}</td><td class="num">${i.alerts}</td><td>${i.in_case ? tag('in a case', 'blue') : ''}</td>` +
      `<td data-testid="indicator-intel">${status}</td><td class="btns"><button type="button" data-testid="enrich" data-indicator="${o}"` +
      `${i.intel ? ' title="Ask the sources again"' : ''}>${i.intel ? 'Enrich again' : 'Enrich'}</button></td></tr>`;
  }).join('') || emptyRow(5, 'No indicators yet: they come up with the alerts.'));
}
function selectIndicator(o) {
  S.ui.indicator = o;
  renderIntel();
  const row = $(`tr[data-indicator="${o}"]`);
  if (row && row.scrollIntoView) row.scrollIntoView({ block: 'nearest' });
}
function moveIndicator(d) {
  const ids = $$('#indicators-body tr[data-indicator]').map((r) => +r.dataset.indicator);
  if (!ids.length) return;
  const i = ids.indexOf(S.ui.indicator);
  selectIndicator(ids[i < 0 ? 0 : Math.max(0, Math.min(ids.length - 1, i + d))]);
}
function enrich(o) {
  if (o == null) { invalid('select an indicator first'); return; }
  act({ Enrich: o });
}

const RENDER = { Tier1: renderTier1, Tier2: renderTier2, Hunter: renderHunter, Responder: renderResponder, Manager: renderManager, Engineer: renderEngineer, Intel: renderIntel };

// --- workload, board, facilitator

function barChart(values, height = 90, minSlots = 4) {
  const vals = values && values.length ? values : [0];
  const max = Math.max(1, ...vals), bw = 26, gap = 6, top = 14;
  const W = Math.max(vals.length, minSlots) * (bw + gap), H = height + top + 16;
  const bars = vals.map((v, i) => {
    const bh = Math.max(v ? 2 : 0, Math.round((v / max) * height)), x = i * (bw + gap) + gap / 2;
    return `<g><title>hour ${i + 1}: ${v} alerts${i === vals.length - 1 ? ' (so far)' : ''}</title>` +
      `<rect x="${x}" y="${top + height - bh}" width="${bw}" height="${bh}" class="${i === vals.length - 1 ? 'bar partial' : 'bar'}"></rect>` +
      `<text x="${x + bw / 2}" y="${top + height - bh - 3}" class="v">${v}</text>` +
      `<text x="${x + bw / 2}" y="${H - 3}" class="k">${i + 1}</text></g>`;
  }).join('');
  return `<svg class="bars" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="alerts per hour">${bars}</svg>`;
}

function tilesHTML(w) {
  const waiting = (w.handoffs_waiting || []).reduce((n, [, k]) => n + k, 0);
  const perRole = (w.handoffs_waiting || []).map(([r, k]) => `${roleLabel(r)} ${k}`).join(', ');
  const tile = (id, v, k, sub = '') => `<div class="tile" data-testid="tile-${id}"><div class="v">${v}</div><div class="k">${k}</div>${sub ? `<div class="sub">${esc(sub)}</div>` : ''}</div>`;
  return `<div class="tiles">${tile('queue', w.queue, 'queue depth', 'alerts waiting for Tier 1')}${tile('alerts', w.alerts_raised, 'alerts raised')}` +
    `${tile('handoffs', waiting, 'handoffs waiting', perRole)}${tile('cases', w.open_cases, 'open cases')}${tile('incidents', w.incidents, 'incidents')}</div>`;
}

function desksHTML(desks, full) {
  return `<table class="tbl"><thead><tr><th>Seat</th><th>Role</th><th>Played by</th><th>Doing</th>${full ? '<th>Until</th><th class="num">Actions</th>' : ''}</tr></thead><tbody>
    ${(desks || []).map((d) => `<tr><td class="mono">${esc(d.name)}</td><td>${esc(roleLabel(d.role))}</td><td>${tag(d.played_by, d.played_by === 'person' ? 'blue' : '')}${d.player ? ` ${esc(d.player)}` : ''}</td>
      <td>${d.doing ? esc(d.doing) : '<span class="muted">idle</span>'}</td>${full ? `<td>${d.until != null ? `${fmtT(d.until)}` : ''}</td><td class="num">${d.actions}</td>` : ''}</tr>`).join('')}</tbody></table>`;
}

function workloadHTML(w) {
  if (!w) return '<p class="muted">No data yet.</p>';
  return `${tilesHTML(w)}<div class="split"><div><span class="lbl">Alerts per hour</span>${barChart(w.alerts_per_hour)}</div>
    <div class="grow"><span class="lbl">Desks</span>${desksHTML(w.desks, true)}</div></div>`;
}

function renderBoard() {
  const v = S.view, w = v.workload;
  if (w) {
    put($('#board-tiles'), tilesHTML(w));
    put($('#board-chart'), `${barChart(w.alerts_per_hour, 160, 12)}<div class="muted">by hour of the exercise · ${w.alerts_raised} alerts in total</div>`);
    put($('#board-desks'), desksHTML(w.desks, false));
  }
  put($('#board-injects'), (v.injects || []).map((i) => `<li data-testid="board-inject"><span class="t mono">${fmtT(i.at)}</span>
    <b>${esc(i.title)}</b> <span class="muted">to ${(i.to || []).map((r) => esc(roleLabel(r))).join(', ')}</span></li>`).join('')
    || '<li class="muted">No inject yet.</li>');
  const tl = $('#board-timeline');
  tl.hidden = !v.timeline;
  if (v.timeline) put(tl, `<h2>What the attacker did, against what the defenders did</h2>${v.timeline}`);
}

/** The seats table's button: hand a person's seat to a bot, or remove a bot's seat. */
function seatButton(s, c) {
  if (!['running', 'paused'].includes(c.phase)) return '';
  if (s.played_by === 'person') return `<button type="button" data-testid="release-seat" data-seat="${s.seat}" title="A bot plays the seat until its person takes it back">Hand to bot</button>`;
  if (s.played_by === 'bot' && !s.connected) return `<button type="button" data-testid="remove-seat" data-seat="${s.seat}" title="The seat takes no more work; its open alerts go back to the queue">Remove</button>`;
  return '';
}

function renderFacilitator() {
  const v = S.view, c = S.state.clock;
  const speed = $('#fac-speed');
  if (document.activeElement !== speed && !speed._dirty) speed.value = c.speed;
  $('#fac-next').textContent = v.next_inject_at != null ? `next inject at ${fmtT(v.next_inject_at)}` : 'no timed inject left';
  for (const [id, phases] of [['fac-start', ['lobby']], ['fac-pause', ['running']], ['fac-resume', ['paused']]]) {
    $(`#${id}`).classList.toggle('dim', !phases.includes(c.phase));
  }
  $('#fac-jump').classList.toggle('dim', v.next_inject_at == null || !['running', 'paused'].includes(c.phase));
  const bl = $('#board-link');
  if (v.board_link && bl.getAttribute('href') !== v.board_link) { bl.href = v.board_link; bl.textContent = location.origin + v.board_link; }
  put($('#seats-body'), (v.seats || []).map((s) => {
    const url = location.origin + s.link;
    return `<tr data-testid="seat-row"><td class="mono">${esc(s.name)}</td><td>${esc(roleLabel(s.role))}</td>
      <td>${tag(s.played_by, s.played_by === 'person' ? 'blue' : s.played_by === 'left' ? 'amber' : '')}${s.player ? ` <b data-testid="player">${esc(s.player)}</b>` : ''}</td><td>${s.connected ? tag('online', 'green') : '<span class="muted">—</span>'}</td>
      <td>${s.doing ? esc(s.doing) : '<span class="muted">idle</span>'}</td><td class="mono">${s.until != null ? fmtT(s.until) : ''}</td>
      <td class="num">${s.actions}</td><td class="link"><input readonly class="mono" value="${esc(url)}" aria-label="join link for ${esc(s.name)}">
      <button type="button" data-testid="copy-link" data-link="${esc(url)}">Copy</button></td>
      <td>${seatButton(s, c)}</td></tr>`;
  }).join('') || emptyRow(9, 'No seats.'));
  renderDiscussion(v);
  put($('#injects-body'), (v.injects || []).map((i) => `<tr data-testid="inject-row"><td class="mono">${i.index}</td>
    <td><b>${esc(i.title)}</b><br><span class="muted mono">${esc(i.id)}</span></td><td>${(i.to || []).map((r) => esc(roleLabel(r))).join(', ')}</td>
    <td class="mono">${esc(i.when)}</td><td>${i.fired ? tag('fired', 'green')
      : `<button type="button" data-testid="fire-inject" data-inject="${i.index}">Fire now</button>`}</td></tr>`).join('') || emptyRow(5, 'No injects.'));
  const feed = (v.feed || []).slice().reverse();
  $('#feed-count').textContent = feed.length;
  // One line per thing passed over, so a long jump reads as a list.
  put($('#feed'), feed.map((f) => `<li data-testid="feed-line"><span class="t mono">${fmtT(f.t)}</span>` +
    `<span class="text">${String(f.text).split('; ').map(esc).join(';<br>')}</span></li>`).join('')
    || '<li class="muted">Nothing yet: a jump lists here what it passed over.</li>');
  put($('#scores'), scoreHTML(v.scores, false));
  put($('#truth'), truthHTML(v.truth));
  put($('#workload'), workloadHTML(v.workload));
}

/** The facilitator's discussion forms (filled once per change of lists) and the list. */
function renderDiscussion(v) {
  const room = S.state.room || {};
  $('#fac-botwait-now').textContent = room.bot_wait ? `now: bots take their role's work ${room.bot_wait}` : '';
  const bw = $('#fac-botwait'), cur = room.bot_wait_seconds === null ? 'never' : String(room.bot_wait_seconds ?? '');
  if (document.activeElement !== bw && bw._shown !== cur && [...bw.options].some((o) => o.value === cur)) { bw.value = cur; bw._shown = cur; }
  const roles = ((sc().briefing || {}).roles || []).map((r) => [r.role, r.label]);
  $('#fac-staff').hidden = S.state.clock.phase !== 'lobby';
  $('#fac-addseat').hidden = !['running', 'paused'].includes(S.state.clock.phase);
  fillSelect($('#staff-role'), (sc().roles || []).map((r) => [r.role, r.label]));
  fillSelect($('#addseat-role'), (sc().roles || []).map((r) => [r.role, r.label]));
  fillSelect($('#note-role'), [['', 'the team'], ...roles]);
  fillSelect($('#note-objective'), [['', '— none —'], ...(v.objectives || []).map((o) => [o.id, o.description])]);
  fillSelect($('#msg-to'), [['', 'everyone'], ...(v.seats || []).map((s) => [s.seat, `${s.name}${s.player ? ` (${s.player})` : ''}`])]);
  put($('#linj-to'), roles.map(([r, l]) => `<label class="inline"><input type="checkbox" name="linj-to" value="${esc(r)}"> ${esc(l)}</label>`).join(''));
  const list = (v.discussion || []).slice().reverse();
  $('#discuss-count').textContent = list.length;
  put($('#discussion'), list.map(discussionItem).join('') || '<li class="muted">Nothing yet: notes, answers, messages and decisions appear here.</li>');
}

function discussionItem(d) {
  const about = [d.about, d.objective ? `objective ${d.objective}` : null].filter(Boolean).join('; ');
  return `<li data-testid="discussion-${esc(d.kind)}"><span class="t mono">${fmtT(d.t)}</span>
    <span class="text">${tag(d.kind, d.kind === 'note' ? 'blue' : '')} <b>${esc(d.who)}</b>${about ? ` <span class="muted">— ${esc(about)}</span>` : ''}: ${esc(d.text)}</span></li>`;
}

function truthHTML(t) {
  if (!t) return '<p class="muted">No data yet.</p>';
  const intr = (t.intrusions || []).map(([id, stages], i) => `<div class="intrusion"><h3>${esc(id)}</h3>
    <ol class="stages">${stages.map(([s, st]) => `<li class="st-${esc(st)}"><span>${esc(s)}</span><small>${esc(st)}</small></li>`).join('')}</ol>
    <div>Footholds: <span class="mono">${((t.footholds || [])[i] || []).map(esc).join(', ') || 'none'}</span></div></div>`).join('');
  const alerts = t.alerts || [];
  const bad = alerts.filter(([, m]) => m).map(([id]) => id);
  return `${intr}<div class="malicious">Malicious alerts: <span class="mono">${bad.join(', ') || 'none yet'}</span>
    <span class="muted">(${bad.length} of ${alerts.length} raised)</span></div>`;
}

// --- scorecard (live scores and debrief)

function miniBar(x) {
  const w = Math.max(0, Math.min(1, x || 0)) * 100;
  return `<svg class="mini" viewBox="0 0 100 8" preserveAspectRatio="none"><rect width="100" height="8" class="bg"></rect><rect width="${w.toFixed(1)}" height="8" class="fg"></rect></svg>`;
}
/** When a handoff was picked up: past the pickup target its pickup score falls, and one never picked up scores 0 for it. */
function pickupHTML(s) {
  if (s == null) return tag('never picked up', 'red');
  return `<span class="${s > pickupTarget() ? 'bad' : ''}">after ${fmtSpan(s)}</span>`;
}
const dur = (s, censored) => (s == null ? '—' : `${fmtDur(s)}${censored ? ' <span class="tag amber">censored</span>' : ''}`);

/** The team score against par and a typical team's band (the middle half of competent bots). */
function standingHTML(r) {
  const s = r.team_score, out = [];
  if (r.par != null) {
    out.push(`par ${num(r.par)}${s == null ? '' : s >= r.par ? ' · at or above par' : ` · ${num(r.par - s)} below par`}`);
  }
  if (r.typical) {
    const [lo, hi] = r.typical;
    const side = s == null ? '' : s > hi ? ' · above it' : s >= lo ? ' · within it' : ' · below it';
    out.push(`a typical team scores ${num(lo)}–${num(hi)}${side}`);
  }
  return out.length ? out.map(esc).join('<br>') : 'no par';
}

function ladderHTML(l) {
  if (!l) return '';
  const [word, cls] = l.passed === true ? ['passed', 'green'] : l.passed === false ? ['not passed', 'red'] : ['no pass: no team score', 'amber'];
  return `<div class="ladder" data-testid="ladder">${tag(word, cls)} ladder ${esc(l.track)}, step ${l.step}: needs ${num(l.pass_score)}` +
    `${l.next ? ` · next step ${esc(l.next)}` : ' · the last step'}</div>`;
}

/** A component's row. Points are its share of the team score: the weights of the rated
 * components, scaled up to fill the share of those not rated (before any collateral penalty). */
function componentRow(c, rated) {
  if (c.score == null) {
    return `<tr data-testid="component" class="not-rated"><td>${esc(c.name)}</td><td colspan="2" class="muted" data-testid="component-score">not rated — ${esc(c.note || 'nothing to measure')}</td>
      <td class="num muted">${pct(c.weight)}</td><td class="num muted">—</td></tr>`;
  }
  return `<tr data-testid="component"><td>${esc(c.name)}</td><td class="barcell">${miniBar(c.score)}</td><td class="num" data-testid="component-score">${pct(c.score)}</td>
    <td class="num">${pct(c.weight)}</td><td class="num">${rated > 0 ? num(c.score * c.weight / rated * 100) : '—'}</td></tr>`;
}

function scoreHTML(r, full) {
  if (!r) return '<p class="muted">No scores yet.</p>';
  const comps = r.components || [];
  const rated = comps.reduce((w, c) => w + (c.score == null ? 0 : c.weight), 0);
  const big = r.team_score != null ? `<div class="big">${num(r.team_score)}</div><div>team score<br><span class="muted">${standingHTML(r)}</span></div>`
    : `<div class="big none">no team score</div><div class="why">${esc(r.team_score_note || 'nothing could be rated')}<br>${standingHTML(r)}</div>`;
  let html = `<div class="scorehead">${big}
    <div class="facts"><span>MTTA ${r.mtta_seconds != null ? fmtDur(r.mtta_seconds) : '—'}</span><span>MTTD ${r.mttd_seconds != null ? fmtDur(r.mttd_seconds) : '—'}</span>
    <span>MTTC ${r.mttc_seconds != null ? fmtDur(r.mttc_seconds) : '—'}</span>${r.impact ? `<span>impact ${num(r.impact.percent, 0)}% of possible</span>` : ''}</div></div>
    ${full && r.ladder ? ladderHTML(r.ladder) : ''}
    <table class="tbl"><thead><tr><th>Component</th><th></th><th class="num">Score</th><th class="num">Weight</th><th class="num">Points</th></tr></thead><tbody>
    ${comps.map((c) => componentRow(c, rated)).join('')}</tbody></table>
    ${comps.some((c) => c.score == null) && rated > 0 ? '<p class="muted">A component with nothing to measure is not rated and left out: the rated ones share its weight.</p>' : ''}
    <table class="tbl"><thead><tr><th>Intrusion</th><th>Compromised</th><th>Detected</th><th>Dwell</th><th>Contained</th><th>Time to contain</th><th>Stages</th></tr></thead><tbody>
    ${(r.intrusions || []).map((i) => `<tr><td>${esc(i.name || i.id)}</td><td class="mono">${i.compromised_at != null ? fmtT(i.compromised_at) : '—'}</td>
      <td>${i.detected_at != null ? `<span class="mono">${fmtT(i.detected_at)}</span>${i.detected_by ? ` <span class="muted">by ${esc(i.detected_by)}</span>` : ''}`
        : i.told_at != null ? `${tag('not detected', 'red')} <span class="muted">announced by the attacker at ${fmtT(i.told_at)}</span>` : tag('not detected', 'red')}</td>
      <td>${dur(i.dwell_seconds, i.censored)}</td>
      <td>${i.contained_at != null ? `<span class="mono">${fmtT(i.contained_at)}</span>` : tag('not contained', 'red')}</td>
      <td>${dur(i.time_to_contain_seconds, i.contained_at == null || (i.censored && i.contained_at == null))}</td>
      <td>${(i.stages_fired || []).length} fired, ${(i.stages_blocked || []).length} blocked</td></tr>`).join('') || emptyRow(7, 'No intrusions.')}</tbody></table>`;
  const t = r.triage;
  if (!full) {
    if (t) html += `<p class="muted">Triage accuracy ${pct100(t.accuracy)} · SLA met ${pct100(t.sla_met_percent, 0)} · handoff quality ${num(r.handoff_quality)}</p>`;
    return html;
  }
  if (t) {
    html += `<h3>Triage</h3><div class="split"><table class="tbl confusion"><thead><tr><th></th><th>truly malicious</th><th>truly benign</th></tr></thead><tbody>
      <tr><th>called malicious</th><td class="good">${t.true_positives} true positives</td><td class="bad">${t.false_positives} false positives</td></tr>
      <tr><th>called benign</th><td class="bad">${t.false_negatives} false negatives</td><td class="good">${t.true_negatives} true negatives</td></tr>
      <tr><th>never triaged</th><td>${t.untriaged_malicious}</td><td>${t.untriaged_benign}</td></tr></tbody></table>
      <ul class="plain"><li>Accuracy <b>${pct100(t.accuracy)}</b></li><li>Needless escalations ${t.needless_escalations}</li>
      <li>SLA breaches ${t.sla_breaches} (${pct100(t.sla_met_percent, 0)} met)</li></ul></div>`;
  }
  html += `<h3>Handoffs <span class="muted">mean quality ${num(r.handoff_quality)}</span></h3>
    <table class="tbl"><thead><tr><th>#</th><th>From → to</th><th>Sent</th><th>Severity (true)</th><th class="num">Complete</th><th class="num">Precise</th><th class="num">Missing</th><th>Bounced</th><th>Pickup</th><th class="num">Quality</th></tr></thead><tbody>
    ${(r.handoffs || []).map((h) => `<tr><td class="mono">${h.id}</td><td>${esc(h.sender)} → ${esc(h.receiver || h.to)}</td><td class="mono">${fmtT(h.sent_at)}</td>
      <td>${esc(h.severity)}${h.severity !== h.true_severity ? ` <span class="bad">(${esc(h.true_severity)})</span>` : ''}</td>
      <td class="num">${pct(h.completeness)}</td><td class="num">${pct(h.precision)}</td><td class="num">${h.missing}</td><td>${h.bounced ? tag('returned', 'amber') : ''}</td>
      <td data-testid="pickup">${pickupHTML(h.pickup_seconds)}</td><td class="num"><b>${num(h.quality)}</b></td></tr>`).join('') || emptyRow(10, 'No handoffs.')}</tbody></table>
    <h3>Objectives</h3><table class="tbl"><tbody>
    ${(r.objectives || []).map((o) => `<tr data-testid="objective"><td>${o.rating == null
      ? '<span class="rating r-none" title="not rated: nothing to measure">—</span>'
      : `<span class="rating r-${esc(o.rating)}" title="P performed · S some difficulty · M major difficulty · U unable">${esc(o.rating)}</span>`}</td>
      <td>${esc(o.description)}<br><span class="muted">${esc(o.evidence)}</span></td></tr>`).join('')}</tbody></table>
    <p class="muted">P performed without challenges · S with some challenges · M with major challenges · U unable to perform · — not rated (nothing to measure)</p>
    <h3>Seats</h3><table class="tbl"><thead><tr><th>Seat</th><th>Role</th><th>Played by</th><th class="num">Actions</th><th class="num">Refused</th><th class="num">Busy</th><th class="num">Classified (correct)</th><th class="num">Handoffs</th><th class="num">Handoff quality</th></tr></thead><tbody>
    ${(r.seats || []).map((s) => `<tr><td class="mono">${esc(s.seat)}</td><td>${esc(roleLabel(s.role))}</td><td>${esc(s.controller)}</td><td class="num">${s.actions}</td>
      <td class="num">${s.refused}</td><td class="num">${pct(s.utilisation)}</td><td class="num">${s.classified} (${s.classified_correctly})</td>
      <td class="num">${s.handoffs_sent}</td><td class="num">${num(s.handoff_quality)}</td></tr>`).join('')}</tbody></table>`;
  return html;
}

function renderDebrief() {
  const d = S.state.debrief, el = $('#debrief');
  el.hidden = !d;
  document.body.classList.toggle('has-debrief', !!d);
  if (!d) return;
  const r = d.results || {};
  const showTimeline = d.timeline && !(S.mode === 'board' && S.view.timeline);
  const early = r.ended_by === 'defenders';
  const how = early ? `The exercise was ended early, at ${fmtT(r.ended_at)}; the attack ran on to ${fmtT(r.ran_to)} without defenders.`
    : r.ended_by === 'resolved' ? `The exercise is over: every intrusion was over by ${fmtT(r.ran_to)}.`
      : `The exercise ran to its time limit (${fmtT(r.ran_to)}).`;
  // The sentences the debrief must carry, first and large. The server puts the early
  // end first when there is one; it leads in red so nobody reads the score without it.
  const notes = (d.notes || []).map((n, i) => `<p class="note${early && i === 0 ? ' lead' : ''}" data-testid="debrief-note">${esc(n)}</p>`).join('');
  put(el, `<div class="panel span12"><header><h2>Debrief — ${esc(r.title || sc().title || '')}</h2>
    <p class="help">${esc(how)} How the team did, against the attacker's ground truth.
    ${d.report ? `<a id="report-link" href="${esc(d.report)}" target="_blank" rel="noopener">Open the after-action report</a>` : ''}</p></header>
    <div class="body">${notes ? `<div id="debrief-notes" class="notes${early ? ' early' : ''}" role="status">${notes}</div>` : ''}${scoreHTML(r, true)}${showTimeline ? `<h3>Timeline</h3><div class="timeline-svg">${d.timeline}</div>` : ''}
    ${(d.discussion || []).length ? `<h3>Injects, decisions and discussion</h3><ol class="feed discussion" id="debrief-discussion">${d.discussion.map(discussionItem).join('')}</ol>` : ''}</div></div>`);
}

// ---------------------------------------------------------------- events

function caseSelected(id) {
  S.ui.case = id;
  for (const sel of ['#investigate-case', '#incident-case', '#ir-case', '#merge-a']) { const el = $(sel); if (el) el.value = String(id); }
  render();
}

function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(() => feedback(true, 'link copied'), () => feedback(false, 'copy failed: select the link and copy it'));
    return;
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  document.body.appendChild(ta);
  ta.select();
  const ok = document.execCommand && document.execCommand('copy');
  ta.remove();
  feedback(!!ok, ok ? 'link copied' : 'copy failed: select the link and copy it');
}

const ON_ID = {
  take: tier1.take, 'classify-malicious': tier1.malicious, 'classify-benign': tier1.benign, close: tier1.close,
  escalate: tier1.escalate, 'escalate-cancel': tier1.cancel, 'escalate-send': tier1.send,
  'return-go': () => {
    const id = $('#return-handoff').value, text = $('#return-feedback').value.trim();
    if (id === '') return invalid('no handoff to return');
    if (!text) return invalid('write the feedback for the sender');
    act({ ReturnHandoff: [+id, text] }, { onOk: () => { $('#return-feedback').value = ''; } });
  },
  'investigate-go': () => {
    const subj = $('#investigate-subject').value, c = $('#investigate-case').value;
    if (!subj) return invalid('choose a subject to investigate');
    act({ Investigate: { case: c === '' ? null : +c, subject: JSON.parse(subj), lookback: +$('#investigate-lookback').value } });
  },
  'merge-go': () => {
    const a = $('#merge-a').value, b = $('#merge-b').value;
    if (a === '' || b === '') return invalid('choose two cases');
    if (a === b) return invalid('choose two different cases');
    act({ MergeCases: [+a, +b] });
  },
  'incident-go': () => {
    const c = $('#incident-case').value;
    if (c === '') return invalid('choose a case');
    act({ DeclareIncident: [+c, $('#incident-severity').value] });
  },
  'ir-send': () => { const c = $('#ir-case').value; sendHandoff('ir', { case: c === '' ? null : +c }); },
  'hunt-go': () => {
    let hypothesis;
    if ($('#hunt-kind').value === 'Source') hypothesis = { Source: +$('#hunt-source').value };
    else {
      const m = /T\d{4}(\.\d{3})?/i.exec($('#hunt-technique').value);
      if (!m) return invalid('enter an ATT&CK technique id such as T1059');
      hypothesis = { Technique: m[0].toUpperCase() };
    }
    const t = $('#hunt-tenant').value;
    act({ Hunt: { hypothesis, tenant: t === '' ? null : +t, lookback: +$('#hunt-lookback').value } });
  },
  'hh-send': () => sendHandoff('hh', {}, () => { S.ui.finding = null; render(); }),
  'assign-go': () => {
    const a = $('#assign-alert').value, s = $('#assign-seat').value;
    if (a === '' || s === '') return invalid('choose an alert and an analyst');
    act({ Assign: [+a, +s] });
  },
  'sev-go': () => {
    const c = $('#sev-case').value;
    if (c === '' || !Number.isInteger(+c) || +c < 0) return invalid('enter a case id');
    act({ SetSeverity: [+c, $('#sev-level').value] });
  },
  'tune-go': () => {
    const idx = $('#tune-rule').value, f = $('#tune-fidelity').value, b = $('#tune-benign').value;
    if (idx === '') return invalid('choose a rule');
    if (f !== '' && !(+f >= 0 && +f <= 1)) return invalid('fidelity must be between 0 and 1');
    if (b !== '' && !(+b >= 0)) return invalid('benign per hour must be 0 or more');
    act({ ChangeRule: [+idx, { Tune: { fidelity: f === '' ? null : +f, benign_per_hour: b === '' ? null : +b } }] });
  },
  'answer-go': () => {
    const i = $('#answer-inject').value, text = $('#answer-text').value.trim();
    if (i === '') return invalid('no inject with questions to answer');
    if (!text) return invalid('write your answer first');
    send('reply', { inject: +i, text }, { onOk: () => { $('#answer-text').value = ''; } });
  },
  'name-go': () => {
    const name = $('#name-input').value.trim();
    if (!name) return invalid('write your name first');
    send('name', { name }, { onOk: () => { try { localStorage.setItem('socdrill.name', name); } catch (e) { /* private mode */ } S.ui.named = name; render(); } });
  },
  'take-back': () => send('take'),
  'addseat-go': () => send('addseat', { role: $('#addseat-role').value }),
  'staff-go': () => {
    const n = +$('#staff-seats').value;
    if (!Number.isInteger(n) || n < 0 || n > 50) return invalid('give 0 to 50 seats');
    send('staff', { role: $('#staff-role').value, seats: n });
  },
  'fac-botwait-set': () => {
    const v = $('#fac-botwait').value;
    send('botwait', { seconds: v === 'never' ? null : +v });
  },
  'note-go': () => {
    const text = $('#note-text').value.trim();
    if (!text) return invalid('write the note first');
    const role = $('#note-role').value, objective = $('#note-objective').value;
    send('note', { role: role || null, objective: objective || null, text }, { onOk: () => { $('#note-text').value = ''; } });
  },
  'msg-go': () => {
    const text = $('#msg-text').value.trim();
    if (!text) return invalid('write the message first');
    const to = $('#msg-to').value;
    send('message', { to: to === '' ? null : +to, text }, { onOk: () => { $('#msg-text').value = ''; } });
  },
  'linj-go': () => {
    const title = $('#linj-title').value.trim();
    const to = $$('input[name="linj-to"]:checked').map((i) => i.value);
    if (!title) return invalid('give the inject a title');
    if (!to.length) return invalid('choose at least one role to address');
    const questions = $('#linj-questions').value.split('\n').map((q) => q.trim()).filter(Boolean);
    send('inject', { title, body: $('#linj-body').value.trim(), to, questions }, { onOk: () => {
      for (const id of ['#linj-title', '#linj-body', '#linj-questions']) $(id).value = '';
    } });
  },
  'fac-start': () => send('start'), 'fac-pause': () => send('pause'), 'fac-resume': () => send('resume'),
  'fac-jump': () => sendConfirmable('jump'), 'fac-end': () => sendConfirmable('end'), 'fac-reveal': () => sendConfirmable('reveal'),
  'solo-pause': () => send('pause'), 'solo-resume': () => send('resume'),
  'solo-end': () => sendConfirmable('end'), 'solo-reveal': () => sendConfirmable('reveal'),
  'confirm-ok': confirmOk, 'confirm-cancel': () => $('#confirm-dialog').close(),
  'fac-speed-set': () => {
    const el = $('#fac-speed'), x = +el.value;
    if (!(x >= 0.1 && x <= 3600)) return invalid('speed must be between 0.1 and 3600');
    send('speed', { x }, { onOk: () => { el._dirty = false; } });
  },
};

const ON_TESTID = {
  'take-handoff': (b) => act({ TakeHandoff: +b.dataset.handoff }),
  'return-handoff': (b) => { $('#return-handoff').value = b.dataset.handoff; $('#return-feedback').focus(); },
  'finding-handoff': (b) => { S.ui.finding = b.dataset.key; render(); $('#hh-summary').focus(); },
  contain: (b) => act({ [b.dataset.act]: +b.dataset.index }),
  'inject-option': (b) => act({ AnswerInject: [+b.dataset.inject, +b.dataset.option] }),
  'rule-toggle': (b) => act({ ChangeRule: [+b.dataset.rule, b.dataset.change] }),
  'rule-tune': (b) => pickTuneRule(+b.dataset.rule),
  'fire-inject': (b) => send('fire', { inject: +b.dataset.inject }),
  'release-seat': (b) => send('release', { seat: +b.dataset.seat }),
  'remove-seat': (b) => sendConfirmable('removeseat', { seat: +b.dataset.seat }),
  'copy-link': (b) => copyText(b.dataset.link),
  enrich: (b) => { selectIndicator(+b.dataset.indicator); enrich(+b.dataset.indicator); },
};

function onClick(e) {
  const btn = e.target.closest('button');
  if (btn) {
    const h = ON_TESTID[btn.dataset.testid] || ON_ID[btn.id];
    if (h && !btn.disabled) { e.preventDefault(); h(btn); }
    return;
  }
  const row = e.target.closest('tr[data-alert]');
  if (row && S.role === 'Manager') {
    // The manager's queue picks the alert to assign.
    S.ui.alert = +row.dataset.alert;
    renderManager();
    $('#assign-alert').value = row.dataset.alert;
    return;
  }
  if (row) { selectAlert(+row.dataset.alert); return; }
  const ind = e.target.closest('tr[data-indicator]');
  if (ind) { selectIndicator(+ind.dataset.indicator); return; }
  const caseRow = e.target.closest('tr[data-case]');
  if (caseRow && !e.target.closest('details')) caseSelected(+caseRow.dataset.case);
}

function onChange(e) {
  const t = e.target;
  if (t.matches('input[data-testid="evidence-option"]')) {
    const p = t.closest('.picker');
    if (p && p._checked) p._checked.set(t.value, t.checked);
  } else if (t.id === 'hunt-kind') {
    $('#hunt-technique-field').hidden = t.value !== 'Technique';
    $('#hunt-source-field').hidden = t.value !== 'Source';
  } else if (t.id === 'tune-rule') {
    pickTuneRule(+t.value);
  } else if (t.id === 'ir-case') {
    render();
  } else if (t.id === 'solo-speed') {
    send('speed', { x: +t.value });
    t.blur(); // the console's keys work again
  }
}

/** The consoles worked from the keyboard, and their keys. */
const KEYS = {
  Tier1: () => ({ j: () => moveSelection(1), ArrowDown: () => moveSelection(1), k: () => moveSelection(-1), ArrowUp: () => moveSelection(-1),
    t: tier1.take, m: tier1.malicious, b: tier1.benign, c: tier1.close, e: tier1.escalate }),
  Intel: () => ({ j: () => moveIndicator(1), ArrowDown: () => moveIndicator(1), k: () => moveIndicator(-1), ArrowUp: () => moveIndicator(-1),
    n: () => enrich(S.ui.indicator) }),
};

function onKey(e) {
  if ($('#confirm-dialog').open) return; // modal: its own buttons and Escape only
  if (e.key === 'Enter' && e.target.id === 'fac-speed') { ON_ID['fac-speed-set'](); return; }
  // In a message box, Enter sends and Shift+Enter starts a new line.
  const to = e.target.dataset && e.target.dataset.send;
  if (e.key === 'Enter' && to && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    const btn = document.getElementById(to);
    if (btn && !btn.disabled) btn.click();
    return;
  }
  if (S.mode !== 'seat' || !KEYS[S.role]) return;
  if (e.key === 'Escape') {
    if (S.ui.escOpen) { e.preventDefault(); tier1.cancel(); }
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.target.closest && e.target.closest('input, textarea, select, [contenteditable="true"]')) return;
  const fn = KEYS[S.role]()[e.key];
  if (fn) { e.preventDefault(); fn(); }
}

// ---------------------------------------------------------------- start

function main() {
  const m = /^\/([sfb])\/([^/?#]+)/.exec(location.pathname);
  if (!m) {
    $('#who').textContent = '';
    $('#app').innerHTML = `<div class="panel span12 landing"><header><h2>socdrill live exercise</h2></header><div class="body">
      <p>Open the link your facilitator gave you: it looks like <span class="mono">${esc(location.origin)}/s/…</span> for a seat,
      <span class="mono">/f/…</span> for the facilitator or <span class="mono">/b/…</span> for the big-screen board.</p></div></div>`;
    return;
  }
  S.mode = { s: 'seat', f: 'facilitator', b: 'board' }[m[1]];
  S.key = decodeURIComponent(m[2]);
  document.addEventListener('click', onClick);
  document.addEventListener('change', onChange);
  document.addEventListener('keydown', onKey);
  $('#confirm-dialog').addEventListener('close', confirmClosed);
  document.addEventListener('input', (e) => { if (e.target.id === 'fac-speed') e.target._dirty = true; });
  document.addEventListener('toggle', (e) => {
    const d = e.target;
    if (d.tagName === 'DETAILS' && d.dataset.case != null) {
      if (d.open) S.ui.openCases.add(+d.dataset.case); else S.ui.openCases.delete(+d.dataset.case);
    }
  }, true);
  setInterval(tick, 500);
  connect();
}

main();
