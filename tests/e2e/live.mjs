#!/usr/bin/env node
// Real-browser end-to-end test of `socdrill serve`.
//
// Starts the server on a free loopback port (seed 1, speed 300), opens the facilitator,
// Tier 1, Tier 2, the board and the other seats in headless Debian Chromium (driven by
// playwright-core, no Playwright browser download), plays one malicious alert from the
// Tier 1 queue through escalation to a Tier 2 investigation, pauses and resumes, asks to
// end and cancels the confirmation, jumps the clock through its confirmation, takes a
// full-page screenshot of every console, ends and reveals through the confirmations and
// checks and screenshots the debrief.
// Along the way it checks the evidence the consoles show: the alert's log line and cue
// chips on Tier 1 (also at 1024x768, with the triage buttons in view), and that every
// alert and record on the Tier 1 and Tier 2 pages is drawn with the same classes
// whatever it is. Then a second, solo server (one threat intel seat, bots elsewhere)
// checks the trainee's pacing controls and the threat intel console: it enriches an
// indicator and waits for the answer. The threat intel console is also checked on the
// main server when its scenario staffs that seat.
//
// Environment:
//   SOCDRILL_BIN  server binary (default: target/release/socdrill, else target/debug/socdrill)
//   E2E_OUT       where screenshots, the server log and the journal go
//                 (default: screenshots in target/ci-artifacts/e2e, journal under target/e2e)
//   CHROMIUM      browser executable (default: /usr/bin/chromium)
//   E2E_HEADFUL=1 show the browser (for debugging on a desktop)
//   E2E_WEB_FROM_DISK=1  serve the page (assets/web) from disk instead of from the binary,
//                 which embeds it: for working on the page without a rebuild. Without
//                 it the test fails when the binary's page differs from assets/web.
// Exits non-zero with a message naming the failed step; always stops the server.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const WAIT = 60_000; // every wait times out after this
const STAMP = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
const SHOTS = path.resolve(process.env.E2E_OUT || path.join(ROOT, 'target', 'ci-artifacts', 'e2e'));
const JOURNAL = path.join(process.env.E2E_OUT ? SHOTS : path.join(ROOT, 'target', 'e2e'), `journal-${STAMP}-${process.pid}`);
const CHROME = process.env.CHROMIUM || '/usr/bin/chromium';
const NOT_BLANK = path.join(ROOT, '.ci', 'png_not_blank.py');
const WEB = path.join(ROOT, 'assets', 'web');
const FROM_DISK = !!process.env.E2E_WEB_FROM_DISK;
const SIX = ['tier1-1', 'tier2-1', 'hunter-1', 'responder-1', 'manager-1', 'engineer-1'];

// ---------------------------------------------------------------- log

const T0 = Date.now();
let stepName = null, stepAt = T0;
const secs = (ms) => (ms / 1000).toFixed(1);
function step(name) {
  const now = Date.now();
  if (stepName) console.log(`  ok   ${stepName} (${secs(now - stepAt)} s)`);
  console.log(`[${secs(now - T0).padStart(6)} s] ${name}`);
  stepName = name;
  stepAt = now;
}
const note = (text) => console.log(`         ${text}`);
class Failure extends Error {}
const fail = (text) => { throw new Failure(text); };

// ---------------------------------------------------------------- server

function binary() {
  if (process.env.SOCDRILL_BIN) {
    const b = path.resolve(process.env.SOCDRILL_BIN);
    if (!fs.existsSync(b)) fail(`SOCDRILL_BIN=${b} does not exist`);
    return b;
  }
  for (const kind of ['release', 'debug']) {
    const b = path.join(ROOT, 'target', kind, 'socdrill');
    if (fs.existsSync(b)) return b;
  }
  fail('no socdrill binary: build it (cargo build --release) or set SOCDRILL_BIN');
}

/**
 * Starts the server and resolves with its links once it has printed them all. `solo`
 * (a role slug) starts a trainee's drill with `scenario` instead: one seat, no facilitator.
 */
function startServer(bin, { scenario = null, solo = null, tag = '' } = {}) {
  fs.mkdirSync(path.dirname(JOURNAL), { recursive: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  const log = fs.createWriteStream(path.join(SHOTS, `server${tag}.log`));
  const args = ['serve', ...(scenario ? [scenario] : []), '--bind', '127.0.0.1:0', '--journal', JOURNAL + tag, '--seed', '1', '--speed', '300',
    ...(solo ? ['--solo', solo] : [])];
  note(`${bin} ${args.join(' ')}`);
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const server = { child, exited: null, links: null };
  let out = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Failure(`the server printed no links within ${WAIT / 1000} s:\n${out}`)), WAIT);
    child.stdout.on('data', (d) => {
      log.write(d);
      out += d;
      if (!server.links && /Ctrl-C stops the server/.test(out)) {
        clearTimeout(timer);
        try { server.links = solo ? parseSolo(out) : parseLinks(out); resolve(server); } catch (e) { reject(e); }
      }
    });
    child.stderr.on('data', (d) => { log.write(d); out += d; });
    child.on('error', (e) => { clearTimeout(timer); reject(new Failure(`cannot start ${bin}: ${e.message}`)); });
    child.on('exit', (code, sig) => {
      server.exited = `exit code ${code}${sig ? `, signal ${sig}` : ''}`;
      clearTimeout(timer);
      reject(new Failure(`the server stopped before printing its links (${server.exited}):\n${out}`));
    });
  });
  return { server, ready };
}

function parseLinks(out) {
  const fac = /facilitator:\s+(http:\/\/\S+\/f\/\S+)/.exec(out);
  const board = /board \(read-only\):\s+(http:\/\/\S+\/b\/\S+)/.exec(out);
  const seats = seatLinks(out);
  if (!fac || !board) fail(`cannot find the facilitator and board links in:\n${out}`);
  for (const s of SIX) {
    if (!seats[s]) fail(`no link for seat ${s} in:\n${out}`);
  }
  return { facilitator: fac[1], board: board[1], seats };
}
function seatLinks(out) {
  const seats = {};
  for (const m of out.matchAll(/^\s+(\S+)\s+.*?\s(http:\/\/\S+\/s\/\S+)\s*$/gm)) seats[m[1]] = m[2];
  return seats;
}
/** A solo server prints the trainee's link only. */
function parseSolo(out) {
  const seats = seatLinks(out), names = Object.keys(seats);
  if (names.length !== 1 || /facilitator:/.test(out)) fail(`a solo server should print one seat's link and no facilitator's:\n${out}`);
  return { seat: names[0], url: seats[names[0]] };
}

async function stopServer(server) {
  const { child } = server;
  if (server.exited || child.exitCode != null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT'); // as Ctrl-C: the server saves the exercise and stops
  const t = setTimeout(() => { if (child.exitCode == null) child.kill('SIGKILL'); }, 5000);
  await gone;
  clearTimeout(t);
}

// ---------------------------------------------------------------- page helpers

/** Waits until `fn(arg)` is truthy in the page; fails naming `what`. Returns its value. */
async function until(page, what, fn, arg, timeout = WAIT) {
  try {
    const h = await page.waitForFunction(fn, arg, { timeout, polling: 100 });
    return await h.jsonValue();
  } catch (e) {
    if (e instanceof Failure) throw e;
    fail(`${page.__name}: timed out after ${timeout / 1000} s waiting for ${what}${e.message.includes('Timeout') ? '' : ` (${e.message.split('\n')[0]})`}`);
  }
}

const phaseIs = (page, phase) =>
  until(page, `#phase to say "${phase}"`, (p) => document.querySelector('#phase')?.textContent.trim() === p, phase);

/** Counts every change of #feedback, so a reply can be told from what was there before. */
async function watchFeedback(page) {
  await page.evaluate(() => {
    const el = document.querySelector('#feedback');
    window.__fb = 0;
    new MutationObserver(() => { window.__fb++; }).observe(el, { childList: true, characterData: true, subtree: true, attributes: true });
  });
}

/**
 * Clicks `selector` and waits for the page's answer in #feedback; fails on a refusal
 * unless `allowRefusal`. Returns {ok, text, until} (until: the sim second the action ends).
 */
function clickForReply(page, selector, expect, opts) {
  return replyTo(page, selector, () => page.locator(selector).first().click({ timeout: WAIT }), expect, opts);
}
/** As clickForReply, for a key pressed on the console. */
function pressForReply(page, key, expect, opts) {
  return replyTo(page, `key ${key}`, () => page.keyboard.press(key), expect, opts);
}
async function replyTo(page, selector, trigger, expect, { allowRefusal = false } = {}) {
  const before = await page.evaluate(() => window.__fb);
  await trigger();
  await until(page, `a reply to ${selector} in #feedback`, (n) => {
    const el = document.querySelector('#feedback');
    return window.__fb > n && /\b(ok|refused)\b/.test(el.className) && el.textContent.trim() !== '';
  }, before);
  // The change counter moves on the class change and the text change: read both settled.
  const res = await page.evaluate(() => {
    const el = document.querySelector('#feedback');
    return { ok: el.classList.contains('ok'), text: el.textContent.trim() };
  });
  const m = /busy until T\+(\d+):(\d\d):(\d\d)/.exec(res.text);
  res.until = m ? +m[1] * 3600 + +m[2] * 60 + +m[3] : null;
  if (!res.ok && !allowRefusal) fail(`${page.__name}: ${selector} was refused: ${res.text}`);
  if (res.ok && expect && !expect.test(res.text)) fail(`${page.__name}: ${selector}: unexpected feedback "${res.text}" (wanted ${expect})`);
  return res;
}

/** Waits until the seat is idle again: #busy shows no action and the clock is past `untilT`. */
async function waitIdle(page, untilT, what) {
  await until(page, `the seat to be idle after ${what}${untilT != null ? ` (busy until T+${untilT}s)` : ''}`, (u) => {
    const busy = document.querySelector('#busy');
    const idle = busy.hidden || busy.classList.contains('idle');
    const m = /T\+(\d+):(\d\d):(\d\d)/.exec(document.querySelector('#clock').textContent);
    const now = m ? +m[1] * 3600 + +m[2] * 60 + +m[3] : 0;
    return idle && (u == null || now >= u);
  }, untilT);
}

const secondsOf = (t) => { const m = /T\+(\d+):(\d\d):(\d\d)/.exec(t || ''); return m ? +m[1] * 3600 + +m[2] * 60 + +m[3] : null; };

async function shot(page, name, { minText = 200, fullPage = true } = {}) {
  const file = path.join(SHOTS, `${name}.png`);
  const text = await page.evaluate(() => {
    const b = document.body;
    const r = b.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(b).visibility !== 'hidden' ? b.innerText.trim().length : 0;
  });
  if (text < minText) fail(`${page.__name}: the page shows only ${text} characters of visible text before screenshot ${name}`);
  await page.screenshot({ path: file, fullPage, timeout: WAIT });
  const size = fs.statSync(file).size;
  if (size < 8000) fail(`${file} is only ${size} bytes: blank?`);
  let share = '';
  if (fs.existsSync(NOT_BLANK)) {
    const r = spawnSync('python3', [NOT_BLANK, file], { encoding: 'utf8' });
    if (r.error) note(`(python3 not available: skipped the pixel check of ${name}.png)`);
    else if (r.status !== 0) fail(`${file} looks blank: ${(r.stdout + r.stderr).trim()}`);
    else share = ` — ${(/([\d.]+% of pixels)/.exec(r.stdout) || [, ''])[1]} inked`;
  }
  note(`${name}.png ${Math.round(size / 1024)} KiB, ${text} chars of text${share}`);
}

/**
 * Clicks a button for an irreversible op (end, reveal, jump) and waits for the page's
 * confirmation dialog. Returns what it shows and which element has the focus.
 */
async function askConfirm(page, selector) {
  await page.locator(selector).click({ timeout: WAIT });
  await until(page, `the confirmation dialog after ${selector}`, () => document.querySelector('#confirm-dialog')?.open);
  await page.locator('#confirm-dialog').waitFor({ state: 'visible', timeout: WAIT });
  return page.evaluate(() => {
    const d = document.querySelector('#confirm-dialog');
    return {
      title: document.querySelector('#confirm-title').textContent.trim(),
      text: document.querySelector('#confirm-text').textContent.trim(),
      ok: document.querySelector('#confirm-ok').textContent.trim(),
      focused: document.activeElement?.id ?? null,
      role: d.getAttribute('role'),
      modal: d.getAttribute('aria-modal'),
    };
  });
}

/** Fails unless the dialog `d` (from askConfirm) is the accessible, safe-by-default one. */
function checkDialog(page, d, title, text) {
  if (!title.test(d.title)) fail(`${page.__name}: the dialog's title is "${d.title}", wanted ${title}`);
  if (!text.test(d.text)) fail(`${page.__name}: the dialog says "${d.text}", wanted ${text}`);
  if (d.role !== 'dialog' || d.modal !== 'true') fail(`${page.__name}: the dialog has role=${d.role} aria-modal=${d.modal}`);
  if (d.focused !== 'confirm-cancel') fail(`${page.__name}: the dialog opened with the focus on #${d.focused}, not on Cancel`);
}

/** Waits until the confirmation dialog is closed and gone from view. */
async function dialogGone(page) {
  await until(page, 'the confirmation dialog to close', () => !document.querySelector('#confirm-dialog').open);
  if (await page.locator('#confirm-dialog').isVisible()) fail(`${page.__name}: the confirmation dialog is closed but still visible`);
}

/** A browser context; with E2E_WEB_FROM_DISK its pages get the page files from assets/web. */
async function newContext(browser, viewport) {
  const ctx = await browser.newContext({ viewport });
  if (FROM_DISK) {
    const file = (name, type) => (route) => route.fulfill({ status: 200, contentType: type, body: fs.readFileSync(path.join(WEB, name)) });
    await ctx.route(/\/assets\/app\.js$/, file('app.js', 'text/javascript; charset=utf-8'));
    await ctx.route(/\/assets\/app\.css$/, file('app.css', 'text/css; charset=utf-8'));
    await ctx.route(/\/[sfb]\/[^/?#]+$/, file('index.html', 'text/html; charset=utf-8'));
  }
  return ctx;
}

/** Fails unless the server serves the page in assets/web (the binary embeds it: a stale build would test an old page). */
async function servedPageIsCurrent(origin) {
  if (FROM_DISK) { note('E2E_WEB_FROM_DISK: the pages get assets/web from disk, not from the binary'); return; }
  for (const name of ['app.js', 'app.css']) {
    const served = await (await fetch(new URL(`/assets/${name}`, origin))).text();
    if (served !== fs.readFileSync(path.join(WEB, name), 'utf8')) fail(`the server's /assets/${name} differs from assets/web/${name}: rebuild (cargo build --release)`);
  }
}

/**
 * In the page: every alert and record row of each group (name, selector, whether it must
 * carry cue chips), with the classes it is drawn with. Nothing about an item may show in
 * its styling: within a group every row has the same classes, on itself and inside it,
 * apart from its cue chips' own names, its severity badge (which every seat reads) and
 * selection and countdown state. Chips carry `cue` and cue names only.
 */
function drawnAlike(groups) {
  const STATE = new Set(['selected', 'soon', 'breached']);
  const free = (c) => STATE.has(c) || /^cue-/.test(c) || /^sev-/.test(c);
  const text = (document.querySelector('#app')?.textContent || '') + (document.querySelector('#debrief')?.textContent || '');
  const out = { counts: {}, alerts: [], problems: [], routine: /routine activity/i.test(text) };
  for (const [name, sel, withCues] of groups) {
    let first = null;
    const rows = Array.from(document.querySelectorAll(sel));
    out.counts[name] = rows.length;
    for (const r of rows) {
      if (r.dataset.alert) out.alerts.push(+r.dataset.alert);
      const own = [...r.classList].filter((c) => !free(c)).sort().join(' ');
      const inner = [...new Set(Array.from(r.querySelectorAll('[class]')).flatMap((e) => [...e.classList]))].filter((c) => !free(c)).sort().join(' ');
      const sig = `row: ${own || '(none)'}; inside: ${inner}`;
      const what = r.textContent.replace(/\s+/g, ' ').trim().slice(0, 70);
      if (first === null) first = sig;
      else if (sig !== first) out.problems.push(`${name}: "${what}" is drawn with ${sig}; the first row with ${first}`);
      for (const chip of r.querySelectorAll('.cue')) {
        const odd = [...chip.classList].filter((c) => c !== 'cue' && !/^cue-/.test(c));
        if (odd.length) out.problems.push(`${name}: a cue chip of "${what}" has the classes ${odd.join(' ')}`);
      }
      if (withCues && (r.querySelectorAll('.cues .cue-prevalence').length !== 1 || r.querySelectorAll('.cues .cue-intel').length !== 1)) {
        out.problems.push(`${name}: "${what}" lacks its prevalence or intel chip`);
      }
    }
  }
  return out;
}
const TIER1_ROWS = [
  ['queue', '[data-testid=queue-row]', false], ['my alerts', '[data-testid=held-row]', false],
  ['known alerts', '#known-list [data-testid=evidence][data-kind=Alert]', true],
  ['known records', '#known-list [data-testid=evidence][data-kind=Record]', true],
];
const TIER2_ROWS = [
  ['finding records', '[data-testid=record]', true],
  ['case alerts', '#cases-body [data-testid=evidence][data-kind=Alert]', true],
  ['case records', '#cases-body [data-testid=evidence][data-kind=Record]', true],
  ['known alerts', '#known-list [data-testid=evidence][data-kind=Alert]', true],
  ['known records', '#known-list [data-testid=evidence][data-kind=Record]', true],
];

/** Checks a page's alerts and records are drawn alike; `malicious` (alert ids) for the note. */
async function checkDrawnAlike(page, groups, malicious = []) {
  const r = await page.evaluate(drawnAlike, groups);
  if (r.routine) fail(`${page.__name}: the page says "routine activity"`);
  if (r.problems.length) fail(`${page.__name}: alerts or records drawn differently:\n    ${r.problems.slice(0, 8).join('\n    ')}`);
  const rows = Object.values(r.counts).reduce((a, b) => a + b, 0);
  if (rows < 2) fail(`${page.__name}: only ${rows} alert or record row(s) to compare`);
  const bad = r.alerts.filter((id) => malicious.includes(id)).length;
  note(`${page.__name}: ${Object.entries(r.counts).filter(([, n]) => n).map(([k, n]) => `${n} ${k}`).join(', ')} drawn alike` +
    (r.alerts.length ? ` (alert rows: ${bad} malicious, ${r.alerts.length - bad} benign)` : ''));
}

/** The facilitator's list of malicious alerts (ground truth). */
const maliciousAlerts = (fac) => fac.evaluate(() => {
  const el = document.querySelector('#truth .malicious .mono');
  return el ? el.textContent.split(',').map((s) => s.trim()).filter((s) => /^\d+$/.test(s)).map(Number) : [];
});

/**
 * The threat intel console: screenshots it, enriches the first indicator nobody has
 * enriched yet (key n), and waits for the answer to show in its row.
 */
async function intelConsole(page, name) {
  const first = await until(page, 'an indicator on the watchlist', () => {
    const rows = Array.from(document.querySelectorAll('[data-testid=indicator-row]'));
    const intel = (r) => r.querySelector('[data-testid=indicator-intel]').textContent.trim();
    const r = rows.find((x) => intel(x) === 'intel: not enriched') || rows[0];
    return r ? { id: r.dataset.indicator, label: r.cells[0].textContent.trim(), intel: intel(r), rows: rows.length } : null;
  });
  note(`${first.rows} indicator(s); enriching ${first.label} (${first.intel})`);
  await shot(page, name);
  await page.locator(`[data-testid=indicator-row][data-indicator="${first.id}"] td`).first().click();
  await until(page, 'the indicator to be selected', (id) => document.querySelector(`[data-testid=indicator-row][data-indicator="${id}"]`)?.classList.contains('selected'), first.id);
  const r = await pressForReply(page, 'n', /accepted: Enrich started/);
  note(r.text);
  await waitIdle(page, r.until, 'Enrich');
  const intel = await until(page, `the intel on ${first.label}`, (id) => {
    const t = document.querySelector(`[data-testid=indicator-row][data-indicator="${id}"] [data-testid=indicator-intel]`)?.textContent.trim();
    return t && /^intel: /.test(t) && t !== 'intel: not enriched' ? t : null;
  }, first.id);
  note(`${first.label}: ${intel}`);
  await shot(page, `${name}-enriched`);
}

/**
 * A copy of the default scenario whose service-desk inject asks the manager a decision
 * with a consequence (isolating the phished workstation), for the main server: the
 * shipped default keeps its calibration, the browser checks the mechanism.
 */
function decisionScenario() {
  const src = fs.readFileSync(path.join(ROOT, 'scenarios', 'phish-to-exfil.ron'), 'utf8');
  const anchor = /(\(id: "user-call",[\s\S]*?questions: \[[^\]]*\])\)/;
  const out = src.replace(anchor, (_, head) => `${head},
         decision: Some((options: ["Isolate ws-fin-07 now and keep it powered for forensics", "Let the service desk re-image it tomorrow"], expected: 0,
             consequences: [(option: 0, effects: [Isolate("ws-fin-07")])])))`);
  if (out === src) fail('cannot find the user-call inject in scenarios/phish-to-exfil.ron');
  const file = path.join(ROOT, 'target', 'e2e-decision.ron');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, out);
  return file;
}

/** A copy of the default scenario with a threat intel seat, for the solo drill. */
function intelScenario() {
  const src = fs.readFileSync(path.join(ROOT, 'scenarios', 'phish-to-exfil.ron'), 'utf8');
  const out = src.replace(/staffing:\s*\[/, (m) => `${m}\n        (role: Intel, seats: 1),`);
  if (out === src) fail('cannot find the staffing list in scenarios/phish-to-exfil.ron');
  const file = path.join(ROOT, 'target', 'e2e-intel.ron');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, out);
  return file;
}

// ---------------------------------------------------------------- the test

async function main() {
  const bin = binary();
  for (const f of fs.existsSync(SHOTS) ? fs.readdirSync(SHOTS) : []) {
    if (f.endsWith('.png')) fs.rmSync(path.join(SHOTS, f)); // no stale screenshot may pass for a new one
  }
  step('the page draws no item by its wording');
  for (const name of ['app.js', 'app.css']) {
    const m = /.{0,40}routine.{0,40}/i.exec(fs.readFileSync(path.join(WEB, name), 'utf8'));
    if (m) fail(`assets/web/${name} mentions "routine": ${m[0].trim()}`);
  }
  note('assets/web/app.js and app.css never say "routine"');
  step('start the server');
  const decisions = decisionScenario();
  note(`${path.relative(ROOT, decisions)}: the default scenario, its service-desk inject asking the manager to isolate ws-fin-07`);
  const { server, ready } = startServer(bin, { scenario: decisions });
  cleanup.server = server;
  const { links } = await ready;
  note(`facilitator ${links.facilitator}`);
  await servedPageIsCurrent(links.facilitator);
  const hasIntel = !!links.seats['intel-1'];
  note(hasIntel ? 'the scenario staffs a threat intel seat (intel-1)' : 'the scenario staffs no threat intel seat: its console is checked on a solo server later');

  step('open the consoles in Chromium');
  if (!fs.existsSync(CHROME)) fail(`no browser at ${CHROME} (apt-get install chromium, or set CHROMIUM)`);
  // A page fulfilled from disk counts as not local, and Chromium's local network access
  // checks would then block its socket to the loopback server.
  const args = ['--no-sandbox', '--disable-dev-shm-usage', ...(FROM_DISK ? ['--disable-features=LocalNetworkAccessChecks'] : [])];
  const browser = await chromium.launch({ executablePath: CHROME, headless: !process.env.E2E_HEADFUL, args });
  cleanup.browser = browser;
  const errors = [];
  const viewport = { width: 1280, height: 900 };
  const person = async () => newContext(browser, viewport);
  const [facCtx, t1Ctx, t2Ctx, watchCtx] = await Promise.all([person(), person(), person(), person()]);
  const hellos = new Map();
  const open = async (ctx, name, url) => {
    const page = await ctx.newPage();
    page.__name = name;
    page.on('pageerror', (e) => errors.push(`${name}: uncaught ${e.message}`));
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const at = m.location();
      if (at && /\/favicon\.ico$/.test(at.url)) return; // the page declares no icon; Chromium asks anyway
      errors.push(`${name}: console error during "${stepName}": ${m.text()}${at && at.url ? ` (at ${at.url}${at.lineNumber != null ? `:${at.lineNumber}` : ''})` : ''}`);
    });
    page.on('response', (r) => { if (r.status() >= 400 && !/\/favicon\.ico$/.test(r.url())) errors.push(`${name}: HTTP ${r.status()} for ${r.url()}`); });
    page.on('requestfailed', (r) => errors.push(`${name}: request failed: ${r.url()} (${r.failure()?.errorText})`));
    // The server's hello, as the page received it.
    page.on('websocket', (ws) => ws.on('framereceived', (f) => {
      try { const m = JSON.parse(f.payload); if (m.type === 'hello' && !hellos.has(name)) hellos.set(name, m); } catch { /* not JSON */ }
    }));
    const res = await page.goto(url, { timeout: WAIT });
    if (!res || res.status() !== 200) fail(`${name}: GET ${url} answered ${res && res.status()}`);
    return page;
  };
  const P = {};
  P.facilitator = await open(facCtx, 'facilitator', links.facilitator);
  P.tier1 = await open(t1Ctx, 'tier1', links.seats['tier1-1']);
  P.tier2 = await open(t2Ctx, 'tier2', links.seats['tier2-1']);
  P.board = await open(watchCtx, 'board', links.board);
  for (const r of ['hunter', 'responder', 'manager', 'engineer']) P[r] = await open(watchCtx, r, links.seats[`${r}-1`]);
  if (hasIntel) P.intel = await open(watchCtx, 'intel', links.seats['intel-1']);
  const pages = Object.values(P);
  for (const p of pages) { await phaseIs(p, 'lobby'); await watchFeedback(p); }
  const fac = P.facilitator, t1 = P.tier1, t2 = P.tier2;
  note(`${pages.length} pages connected, all in the lobby`);
  const roles = (hellos.get('tier1')?.scenario?.roles || []).map((r) => `${r.role} (${r.label})`);
  if (!roles.some((r) => r.startsWith('Intel '))) fail(`tier1: hello.scenario.roles lacks the threat intel role: ${roles.join(', ')}`);
  if (!('Enrich' in (hellos.get('tier1')?.scenario?.durations || {}))) fail('tier1: hello.scenario.durations has no Enrich');
  note(`hello lists the roles ${roles.join(', ')}`);

  step('Tier 1 reads the briefing in the lobby and gives a name');
  const brief = await until(t1, 'the briefing in the lobby', () => {
    const b = document.querySelector('#briefing');
    if (!b || b.hidden) return null;
    const mine = b.querySelector('tr.mine');
    return {
      summary: b.querySelector('.summary')?.textContent.trim() || '',
      roles: b.querySelectorAll('[data-testid=brief-role]').length,
      mine: mine ? mine.textContent.replace(/\s+/g, ' ').trim() : '',
      rules: b.querySelectorAll('ul li').length,
    };
  });
  if (brief.summary.length < 40) fail(`tier1: the briefing's summary is "${brief.summary}"`);
  if (brief.roles < 6 || !/Tier 1 triage/.test(brief.mine) || !/Keys:/.test(brief.mine)) fail(`tier1: the briefing's roles: ${brief.roles}, own role row "${brief.mine}"`);
  note(`${brief.roles} roles with their jobs; own row: ${brief.mine.slice(0, 90)}…`);
  await t1.locator('#name-input').fill('Ana Souza');
  await replyTo(t1, 'Enter in #name-input', () => t1.locator('#name-input').press('Enter'), /accepted: welcome, Ana Souza/);
  await until(fac, 'the facilitator to see the name in the lobby', () => /Ana Souza/.test(document.querySelector('#briefing')?.textContent || ''));
  await shot(t1, 'tier1-lobby-briefing');

  step('facilitator adds a detection engineering seat in the lobby');
  await fac.locator('#staff-role').selectOption('Engineer');
  await fac.locator('#staff-seats').fill('2');
  await clickForReply(fac, '#staff-go', /accepted: Detection engineering now has 2 seat/);
  await until(fac, 'engineer-2 in the seats table with its link', () =>
    Array.from(document.querySelectorAll('#seats-body tr[data-testid=seat-row]')).some((r) => r.cells[0].textContent.trim() === 'engineer-2' && /\/s\//.test(r.querySelector('input')?.value || '')));
  if (hasIntel) {
    // intel-1's seat moved up a number: its page is reconnected and keeps its seat.
    await until(P.intel, 'the intel page to join again as seat 8', () =>
      S.hello && S.hello.seat && S.hello.seat.id === 8 && S.hello.seat.name === 'intel-1' && !S.stopped && document.querySelector('#conn').hidden);
    await phaseIs(P.intel, 'lobby');
  }
  note('engineer-2 added; the pages whose seat moved joined again');

  step('facilitator starts the exercise');
  await clickForReply(fac, '#fac-start', /accepted: started/);
  await Promise.all(pages.map((p) => phaseIs(p, 'running')));
  const playedBy = await until(fac, 'the seats table to list who plays each seat', () => {
    const rows = Array.from(document.querySelectorAll('#seats-body tr[data-testid=seat-row]'));
    const o = Object.fromEntries(rows.map((r) => [r.cells[0].textContent.trim(), r.cells[2].querySelector('.tag').textContent.trim()]));
    return rows.length && o['tier1-1'] ? o : null;
  });
  const player = await fac.evaluate(() => Array.from(document.querySelectorAll('#seats-body tr[data-testid=seat-row]'))
    .find((r) => r.cells[0].textContent.trim() === 'tier1-1')?.querySelector('[data-testid=player]')?.textContent.trim());
  if (player !== 'Ana Souza') fail(`facilitator: tier1-1's player is "${player}", not the name given in the lobby`);
  for (const s of [...SIX, ...(hasIntel ? ['intel-1'] : [])]) {
    if (playedBy[s] !== 'person') fail(`facilitator: seat ${s} is played by "${playedBy[s]}", expected a person (its page is open)`);
  }
  if (playedBy['tier1-2'] !== 'bot') fail(`facilitator: seat tier1-2 is played by "${playedBy['tier1-2']}", expected a bot (nobody opened it)`);
  note(`every page says running; seats: ${Object.entries(playedBy).map(([k, v]) => `${k}=${v}`).join(' ')}`);

  // ---- Tier 1
  step('Tier 1 waits for a malicious alert in its queue (ground truth from the facilitator)');
  let alert = null, take = null;
  const tried = new Set();
  let slowed = false;
  for (let attempt = 1; attempt <= 5 && !take; attempt++) {
    const deadline = Date.now() + WAIT;
    let candidate = null;
    while (!candidate) {
      if (Date.now() > deadline) fail(`no malicious alert reached the Tier 1 queue within ${WAIT / 1000} s (tried ${[...tried].join(', ') || 'none'})`);
      const malicious = await fac.evaluate(() => {
        const el = document.querySelector('#truth .malicious .mono');
        return el ? el.textContent.split(',').map((s) => s.trim()).filter((s) => /^\d+$/.test(s)).map(Number) : [];
      });
      const queue = await t1.evaluate(() => Array.from(document.querySelectorAll('[data-testid=queue-row]')).map((r) => +r.dataset.alert));
      candidate = queue.find((id) => malicious.includes(id) && !tried.has(id)) ?? null;
      if (!candidate) await t1.waitForTimeout(100);
    }
    tried.add(candidate);
    note(`malicious alert ${candidate} is in the queue at ${await t1.locator('#clock').textContent()}`);
    if (!slowed) {
      await fac.locator('#fac-speed').fill('30');
      await clickForReply(fac, '#fac-speed-set', /accepted: speed 30/);
      slowed = true;
      note('facilitator set the speed to 30');
    }
    step(`Tier 1 takes alert ${candidate}`);
    const row = t1.locator(`[data-testid=queue-row][data-alert="${candidate}"]`);
    if (await row.count() === 0) fail(`alert ${candidate} left the Tier 1 queue before the person could click it: the bot took the person's queue`);
    await row.click({ timeout: WAIT });
    await until(t1, `the detail panel to show alert #${candidate}`, (id) => document.querySelector('#alert-detail')?.textContent.includes(`#${id}`), candidate);
    const r = await clickForReply(t1, '#take', /accepted: TakeAlert started/, { allowRefusal: true });
    if (!r.ok) fail(`tier1: #take was refused (${r.text}): the person's queue was not theirs`);
    alert = candidate;
    take = r;
  }
  if (!take) fail('Tier 1 could not take any malicious alert');
  note(take.text);
  await waitIdle(t1, take.until, 'TakeAlert');
  await until(t1, `alert ${alert} among "My alerts"`, (id) => !!document.querySelector(`[data-testid=held-row][data-alert="${id}"]`), alert);

  step(`Tier 1 reads the evidence of alert ${alert}: its log line and cues`);
  const ev = await until(t1, 'the log line and the cue chips in the alert detail', (id) => {
    const d = document.querySelector('#alert-detail');
    if (!d.textContent.includes(`#${id}`)) return null;
    const line = d.querySelector('[data-testid=logline]')?.textContent.trim();
    const chips = Array.from(d.querySelectorAll('[data-testid=cues] .cue')).map((c) => c.textContent.trim());
    const prevalence = d.querySelector('[data-testid=cues] .cue-prevalence')?.textContent.trim();
    return line && line !== '(no record)' && prevalence ? { line, chips, prevalence } : null;
  }, alert);
  if (!/^seen on \d+ hosts?( · rare)?$/.test(ev.prevalence)) fail(`tier1: the prevalence chip says "${ev.prevalence}"`);
  if (ev.chips.filter((c) => c.startsWith('intel: ')).length !== 1) fail(`tier1: the alert's chips carry no single intel chip: ${ev.chips.join(' | ')}`);
  note(`log line: ${ev.line}`);
  note(`cues: ${ev.chips.join(' | ')}`);
  await checkDrawnAlike(t1, TIER1_ROWS, await maliciousAlerts(fac));
  await shot(t1, 'tier1-evidence');
  // A 1024x768 screen: the alert's evidence and the triage buttons in view without scrolling.
  await t1.setViewportSize({ width: 1024, height: 768 });
  await t1.evaluate(() => window.scrollTo(0, 0));
  const hidden = await t1.evaluate(() => ['take', 'classify-malicious', 'classify-benign', 'alert-detail'].filter((id) => {
    const r = document.getElementById(id).getBoundingClientRect();
    return !(r.height > 0 && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth);
  }));
  await shot(t1, 'tier1-1024x768', { fullPage: false });
  await t1.setViewportSize(viewport);
  if (hidden.length) fail(`tier1: at 1024x768 these are not in view without scrolling: ${hidden.map((h) => `#${h}`).join(', ')}`);
  note('at 1024x768 the evidence and the Take, Malicious and Benign buttons are in view');

  step(`Tier 1 classifies alert ${alert} as malicious`);
  const cls = await clickForReply(t1, '#classify-malicious', /accepted: Classify started/);
  note(cls.text);
  await waitIdle(t1, cls.until, 'Classify');

  step(`Tier 1 escalates alert ${alert} to Tier 2`);
  await t1.locator('#escalate').click();
  await until(t1, 'the escalation form to open', () => !document.querySelector('#escalate-form').hidden);
  const title = await t1.locator('#escalate-alert').textContent();
  if (!title.includes(`#${alert}`)) fail(`tier1: the escalation form is about "${title}", not alert #${alert}`);
  const evidence = await until(t1, 'pre-checked evidence in the escalation form', () => {
    const boxes = Array.from(document.querySelectorAll('#escalate-evidence [data-testid=evidence-option]'));
    return boxes.length ? { all: boxes.length, checked: boxes.filter((b) => b.checked).map((b) => {
      const l = b.closest('label');
      return `${l.querySelector('.kind')?.textContent.trim() ?? ''} ${(l.querySelector('.label') || l).textContent.replace(/\s+/g, ' ').trim()}`.trim();
    }) } : null;
  });
  if (evidence.checked.length < 2) fail(`tier1: only ${evidence.checked.length} of ${evidence.all} evidence items are pre-checked (${evidence.checked.join('; ')}); expected the alert's own items (at least 2)`);
  note(`${evidence.checked.length} of ${evidence.all} evidence items pre-checked: ${evidence.checked.join('; ')}`);
  await t1.locator('#escalate-to').selectOption('Tier2');
  await t1.locator('#escalate-severity').selectOption('High');
  const summary = `E2E: alert #${alert} classified malicious; please scope the host and account`;
  await t1.locator('#escalate-summary').fill(summary);
  // The form must keep what was typed across the state updates that keep arriving.
  await t1.waitForTimeout(600);
  if (await t1.locator('#escalate-summary').inputValue() !== summary) fail('tier1: the escalation summary was wiped by a re-render');
  if (await t1.locator('#escalate-severity').inputValue() !== 'High') fail('tier1: the escalation severity was reset by a re-render');
  const stillChecked = await t1.locator('#escalate-evidence [data-testid=evidence-option]:checked').count();
  if (stillChecked !== evidence.checked.length) fail(`tier1: ${stillChecked} evidence items checked after re-renders, ${evidence.checked.length} before`);
  // Enter in the summary sends the escalation (Shift+Enter would start a new line).
  const hand = await replyTo(t1, 'Enter in #escalate-summary', () => t1.locator('#escalate-summary').press('Enter'), /accepted: Handoff started/);
  note(`Enter sent it: ${hand.text}`);
  await until(t1, 'the escalation form to close after sending', () => document.querySelector('#escalate-form').hidden);
  await waitIdle(t1, hand.until, 'Handoff');
  const verdict = await until(t1, `alert ${alert} among "My alerts" with its verdict`, () =>
    Array.from(document.querySelectorAll('[data-testid=decided-row]')).map((r) => r.textContent.replace(/\s+/g, ' ').trim()).find((t) => /malicious · escalated/.test(t)) ?? null);
  note(`my alerts: ${verdict}`);

  // ---- Tier 2
  step('Tier 2 waits for the handoff and takes it');
  const hrow = t2.locator('[data-testid=handoff-row]', { hasText: summary });
  await until(t2, 'the handoff from Tier 1 in "Waiting handoffs"', (s) =>
    Array.from(document.querySelectorAll('[data-testid=handoff-row]')).some((r) => r.textContent.includes(s)), summary);
  const hid = await hrow.getAttribute('data-handoff');
  note(`handoff #${hid} arrived at ${await t2.locator('#clock').textContent()}`);
  const age = await until(t2, 'the waiting handoff\'s age against the pickup target', (id) => {
    const el = document.querySelector(`[data-testid=handoff-row][data-handoff="${id}"] .age`);
    const band = el && /\bage-(ok|soon|late|overdue)\b/.exec(el.className);
    return band && /^\d+:\d\d(:\d\d)? (in time|due soon|late|overdue)$/.test(el.textContent.trim()) ? `${el.textContent.trim()} (${band[0]})` : null;
  }, hid);
  note(`waiting for ${age}`);
  const th = await clickForReply(t2, `[data-testid=handoff-row][data-handoff="${hid}"] [data-testid=take-handoff]`, /accepted: TakeHandoff started/);
  note(th.text);
  await waitIdle(t2, th.until, 'TakeHandoff');
  const caseId = await until(t2, 'a case in "My cases"', () => document.querySelector('[data-testid=case-row]')?.dataset.case ?? null);
  note(`case #${caseId} opened`);

  step('Tier 2 investigates a host');
  await t2.locator(`[data-testid=case-row][data-case="${caseId}"] td`).first().click();
  await until(t2, `case ${caseId} chosen in #investigate-case`, (c) => document.querySelector('#investigate-case').value === c, caseId);
  const host = await until(t2, 'a host among the subjects', () => {
    const o = Array.from(document.querySelectorAll('#investigate-subject option')).find((x) => {
      try { return 'Host' in JSON.parse(x.value) && /^host\b/i.test(x.textContent.trim()); } catch { return false; }
    });
    return o ? { value: o.value, label: o.textContent.trim() } : null;
  });
  await t2.locator('#investigate-subject').selectOption(host.value);
  const inv = await clickForReply(t2, '#investigate-go', /accepted: Investigate started/);
  note(`${host.label}: ${inv.text}`);
  // An investigation takes 10 to 30 simulated minutes: the facilitator fast-forwards.
  await fac.locator('#fac-speed').fill('120');
  await clickForReply(fac, '#fac-speed-set', /accepted: speed 120/);
  note('facilitator set the speed to 120 while Tier 2 waits');
  await waitIdle(t2, inv.until, 'Investigate');
  const finding = await until(t2, 'a finding', () => document.querySelector('[data-testid=finding] header')?.textContent.replace(/\s+/g, ' ').trim() ?? null);
  note(`finding: ${finding}`);
  await checkDrawnAlike(t2, TIER2_ROWS);
  await fac.locator('#fac-speed').fill('30');
  await clickForReply(fac, '#fac-speed-set', /accepted: speed 30/);

  // ---- the room: a live inject answered, a note, a message, a seat handed to a bot and back
  step('facilitator writes and fires an inject for Tier 1 and the manager');
  await fac.locator('#linj-title').fill('The CFO is on the phone');
  await fac.locator('#linj-body').fill('She asks whether payroll is affected and what to tell staff.');
  await fac.locator('#linj-form input[name=linj-to][value=Tier1]').check();
  await fac.locator('#linj-form input[name=linj-to][value=Manager]').check();
  await fac.locator('#linj-questions').fill('What do you tell her now?');
  await clickForReply(fac, '#linj-go', /accepted: fired "The CFO is on the phone"/);
  await until(P.board, 'the live inject on the board', () => /The CFO is on the phone/.test(document.querySelector('#board-injects')?.textContent || ''));
  await until(fac, 'the live inject in the facilitator\'s injects table', () =>
    Array.from(document.querySelectorAll('[data-testid=inject-row]')).some((r) => /The CFO is on the phone/.test(r.textContent) && /written live/.test(r.textContent)));
  step('Tier 1 answers the inject\'s question (Enter sends)');
  await until(t1, 'the live inject in the Tier 1 inbox', () =>
    Array.from(document.querySelectorAll('[data-testid=inject]')).some((i) => /The CFO is on the phone/.test(i.textContent)));
  await t1.locator('#answer-inject').selectOption({ label: await t1.evaluate(() =>
    Array.from(document.querySelectorAll('#answer-inject option')).find((o) => /The CFO is on the phone/.test(o.textContent)).textContent) });
  const answer = 'Nothing confirmed about payroll yet; we call her back within the hour';
  await t1.locator('#answer-text').fill(answer);
  await replyTo(t1, 'Enter in #answer-text', () => t1.locator('#answer-text').press('Enter'), /accepted: answer recorded/);
  await until(t1, 'the answer under the inject', (a) => Array.from(document.querySelectorAll('[data-testid=my-answer]')).some((x) => x.textContent.includes(a)), answer);
  step('facilitator notes an observation against an objective and messages Tier 1');
  const obs = 'Tier 1 read the log line and the cues before calling the alert';
  await fac.locator('#note-role').selectOption('Tier1');
  const objective = await fac.evaluate(() => document.querySelectorAll('#note-objective option')[1]?.value);
  if (!objective) fail('facilitator: no objective to note against');
  await fac.locator('#note-objective').selectOption(objective);
  await fac.locator('#note-text').fill(obs);
  await clickForReply(fac, '#note-go', /accepted: noted/);
  await fac.locator('#msg-to').selectOption({ label: await fac.evaluate(() =>
    Array.from(document.querySelectorAll('#msg-to option')).find((o) => /^tier1-1 /.test(o.textContent)).textContent) });
  await fac.locator('#msg-text').fill('Take the oldest alert next');
  await clickForReply(fac, '#msg-go', /accepted: sent to tier1-1/);
  await until(t1, 'the message in the Tier 1 inbox', () => /Take the oldest alert next/.test(document.querySelector('#messages')?.textContent || ''));
  await until(fac, 'the answer, the note and the message in the discussion', (a) => {
    const t = document.querySelector('#discussion')?.textContent || '';
    return t.includes(a) && /Tier 1 read the log line/.test(t) && /Take the oldest alert next/.test(t) && /Ana Souza/.test(t);
  }, answer);
  await shot(t1, 'tier1-inbox');
  await shot(fac, 'facilitator-discussion');

  step('facilitator hands Tier 2 to a bot, and Tier 2 takes the seat back');
  await clickForReply(fac, '[data-testid=seat-row]:has-text("tier2-1") [data-testid=release-seat]', /accepted: tier2-1 is played by a bot now/);
  await until(t2, 'the banner saying a bot plays the seat', () => !document.querySelector('#seat-bot').hidden);
  await until(fac, 'the seats table to show tier2-1 played by a bot', () =>
    Array.from(document.querySelectorAll('#seats-body tr[data-testid=seat-row]')).some((r) => r.cells[0].textContent.trim() === 'tier2-1' && r.cells[2].querySelector('.tag').textContent.trim() === 'bot'));
  await shot(t2, 'tier2-handed-to-bot');
  await clickForReply(t2, '#take-back', /accepted: the seat is yours again/);
  await until(t2, 'the banner to go', () => document.querySelector('#seat-bot').hidden);
  note('tier2-1: person → bot → person');

  step('facilitator adds a seat for a latecomer, then removes it through the confirmation');
  await fac.locator('#addseat-role').selectOption('Hunter');
  const added = await clickForReply(fac, '#addseat-go', /accepted: added hunter-\d+/);
  const addedName = /hunter-\d+/.exec(added.text)[0];
  const rowOf = (name) => `[data-testid=seat-row]:has-text("${name}")`;
  await until(fac, 'the new seat in the seats table, played by a bot, with its link', (n) =>
    Array.from(document.querySelectorAll('#seats-body tr[data-testid=seat-row]')).some((r) => r.cells[0].textContent.trim() === n
      && r.cells[2].querySelector('.tag').textContent.trim() === 'bot' && /\/s\/[A-Za-z0-9_-]{22}$/.test(r.querySelector('input').value)), addedName);
  const askRemove = await askConfirm(fac, `${rowOf(addedName)} [data-testid=remove-seat]`);
  checkDialog(fac, askRemove, /^Remove the seat/, new RegExp(`^Remove takes ${addedName} out of the exercise`));
  await clickForReply(fac, '#confirm-ok', new RegExp(`accepted: removed ${addedName}`));
  await dialogGone(fac);
  await until(fac, 'the removed seat shown as left', (n) =>
    Array.from(document.querySelectorAll('#seats-body tr[data-testid=seat-row]')).some((r) => r.cells[0].textContent.trim() === n
      && r.cells[2].querySelector('.tag').textContent.trim() === 'left'), addedName);
  await until(fac, 'the seat changes in the discussion', (n) => {
    const t = document.querySelector('#discussion')?.textContent || '';
    return t.includes(`added a`) && t.includes('removed the seat');
  }, addedName);
  note(`${addedName}: added while running, removed after the confirmation`);

  step('the manager decides to isolate ws-fin-07; the attack is blocked');
  const mgr = P.manager;
  // The service desk's inject (the scenario's first) asks whether to isolate the laptop.
  const isolate = '[data-testid=inject][data-inject="0"] [data-testid=inject-option][data-option="0"]';
  await until(mgr, 'the service desk\'s decision in the manager\'s inbox', (sel) => !!document.querySelector(sel), isolate);
  const decided = await clickForReply(mgr, isolate, /accepted: AnswerInject started/);
  note(decided.text);
  await fac.locator('#fac-speed').fill('900');
  await clickForReply(fac, '#fac-speed-set', /accepted: speed 900/);
  const blocked = await until(fac, 'a stage blocked in the ground truth', () => {
    const li = document.querySelector('#truth .st-Blocked');
    return li ? li.textContent.replace(/\s+/g, ' ').trim() : null;
  });
  const changed = await until(fac, 'the decision and what it changed in the discussion', () =>
    Array.from(document.querySelectorAll('#discussion [data-testid=discussion-decision]')).map((x) => x.textContent.replace(/\s+/g, ' ').trim())
      .find((t) => /it changed: host ws-fin-07 cut off the network/.test(t)) ?? null);
  note(`ground truth: ${blocked}; ${changed.slice(0, 140)}`);
  await shot(fac, 'facilitator-decision-blocked');
  await fac.locator('#fac-speed').fill('30');
  await clickForReply(fac, '#fac-speed-set', /accepted: speed 30/);

  // ---- pause and resume
  step('facilitator pauses');
  await clickForReply(fac, '#fac-pause', /accepted: paused/);
  await Promise.all(pages.map((p) => phaseIs(p, 'paused')));
  const c1 = await P.board.locator('#clock').textContent();
  await P.board.waitForTimeout(1500);
  const c2 = await P.board.locator('#clock').textContent();
  if (c1 !== c2) fail(`board: the clock moved while paused (${c1} → ${c2})`);
  note(`every page says paused; the clock stands at ${c2}`);
  step('facilitator resumes');
  await clickForReply(fac, '#fac-resume', /accepted: resumed/);
  await Promise.all(pages.map((p) => phaseIs(p, 'running')));
  await until(P.board, 'the clock to move again', (c) => document.querySelector('#clock').textContent !== c, c2);

  // ---- confirmations: nothing irreversible happens without one
  step('facilitator clicks End and cancels the confirmation');
  const askEnd = await askConfirm(fac, '#fac-end');
  checkDialog(fac, askEnd, /^End the exercise\?$/, /without defenders/);
  note(`"${askEnd.title}" — ${askEnd.text}`);
  await shot(fac, 'facilitator-confirm-end', { fullPage: false });
  await fac.locator('#confirm-cancel').click();
  await dialogGone(fac);
  await fac.waitForTimeout(600); // a stray end would show within a state update or two
  for (const p of [fac, t1]) {
    const ph = await p.locator('#phase').textContent();
    if (!['running', 'paused'].includes(ph.trim())) fail(`${p.__name}: the phase is "${ph}" after cancelling End`);
    if (!(await p.evaluate(() => document.querySelector('#debrief').hidden))) fail(`${p.__name}: a debrief is shown after cancelling End`);
  }
  const fbCancel = (await fac.locator('#feedback').textContent()).trim();
  if (!/^cancelled: end not sent/.test(fbCancel)) fail(`facilitator: after Cancel the status says "${fbCancel}"`);
  note(`still ${(await fac.locator('#phase').textContent()).trim()}; status: ${fbCancel}`);

  step('facilitator clicks Reveal and presses Escape');
  const askReveal = await askConfirm(fac, '#fac-reveal');
  checkDialog(fac, askReveal, /^Reveal the debrief/, /debrief/);
  await fac.keyboard.press('Escape');
  await dialogGone(fac);
  await fac.waitForTimeout(600);
  if ((await fac.locator('#phase').textContent()).trim() === 'ended') fail('facilitator: Escape on the reveal dialog ended the exercise');
  if (!(await P.board.evaluate(() => document.querySelector('#debrief').hidden))) fail('board: a debrief is shown after Escape on the reveal dialog');
  note('dialog closed, nothing sent');

  step('facilitator jumps to the next inject through the confirmation');
  const askJump = await askConfirm(fac, '#fac-jump');
  checkDialog(fac, askJump, /^Jump/, /^Jump moves the clock to T\+\d+:\d\d:\d\d/);
  note(askJump.text);
  const before = secondsOf(await fac.locator('#clock').textContent());
  const jumped = await clickForReply(fac, '#confirm-ok', /accepted: jumped from T\+/);
  await dialogGone(fac);
  note(jumped.text.length > 240 ? `${jumped.text.slice(0, 240)}…` : jumped.text);
  const feedLine = await until(fac, 'a line starting "jumped from" in the feed', () => {
    const first = document.querySelector('#feed [data-testid=feed-line] .text');
    return first && first.textContent.startsWith('jumped from') ? first.textContent : null;
  });
  const after = secondsOf(await fac.locator('#clock').textContent());
  if (!(after > before)) fail(`facilitator: the clock did not move forward on the jump (${before} s → ${after} s)`);
  note(`feed: ${feedLine.slice(0, 120)}${feedLine.length > 120 ? '…' : ''}`);

  if (hasIntel) {
    step('threat intel enriches an indicator');
    await intelConsole(P.intel, 'intel');
  }

  step('every alert and record on Tier 1 and Tier 2 is drawn alike');
  const malicious = await maliciousAlerts(fac);
  await checkDrawnAlike(t1, TIER1_ROWS, malicious);
  await checkDrawnAlike(t2, TIER2_ROWS);

  step('the detection engineer sees what each rule raised and how it was judged');
  const ruleLoad = await until(P.engineer, 'alert counts and judgements on the rules', () => {
    const rows = Array.from(document.querySelectorAll('[data-testid=rule-row]'));
    const alerts = rows.reduce((n, r) => n + parseInt(r.querySelector('[data-testid=rule-alerts]').textContent, 10), 0);
    const judged = rows.map((r) => r.querySelector('[data-testid=rule-judged]').textContent.trim());
    return alerts > 0 && judged.every((j) => /^\d+ \/ \d+ \/ \d+$/.test(j)) ? { alerts, rows: rows.length, judged: judged.join(', ') } : null;
  });
  note(`${ruleLoad.rows} rules, ${ruleLoad.alerts} alerts raised; judged malicious / benign / open: ${ruleLoad.judged}`);

  // ---- screenshots
  step('screenshots of every console');
  for (const name of ['tier1', 'tier2', 'hunter', 'responder', 'manager', 'engineer', 'facilitator', 'board']) {
    await shot(P[name], name);
  }

  step('facilitator ends the exercise through the confirmation');
  const askEnd2 = await askConfirm(fac, '#fac-end');
  checkDialog(fac, askEnd2, /^End the exercise\?$/, /without defenders/);
  await clickForReply(fac, '#confirm-ok', /accepted: ended/);
  await dialogGone(fac);
  await Promise.all(pages.map((p) => phaseIs(p, 'ended')));
  if (!(await t1.evaluate(() => document.querySelector('#debrief').hidden))) fail('tier1: the debrief shows before the facilitator revealed it');
  note('every page says ended; no debrief before the reveal');

  step('facilitator reveals the debrief through the confirmation');
  const askReveal2 = await askConfirm(fac, '#fac-reveal');
  checkDialog(fac, askReveal2, /^Reveal the debrief/, /debrief/);
  if (/ends the exercise first/.test(askReveal2.text)) fail(`facilitator: the reveal dialog still offers to end the ended exercise: ${askReveal2.text}`);
  await clickForReply(fac, '#confirm-ok', /accepted: revealed/);
  await dialogGone(fac);
  for (const p of pages) {
    await until(p, 'the debrief', () => { const d = document.querySelector('#debrief'); return !d.hidden && d.textContent.includes('Debrief'); });
    // Ended early: the note saying the attack ran on without defenders leads the debrief.
    const d = await until(p, 'the debrief notes', () => {
      const n = document.querySelector('#debrief #debrief-notes');
      const lead = n && n.querySelector('.note.lead');
      if (!n || !lead) return null;
      const box = n.getBoundingClientRect(), score = document.querySelector('#debrief .scorehead').getBoundingClientRect();
      const pickup = Array.from(document.querySelectorAll('#debrief [data-testid=pickup]')).map((c) => c.textContent.trim());
      const heads = Array.from(document.querySelectorAll('#debrief th')).map((th) => th.textContent.trim());
      const comps = Array.from(document.querySelectorAll('#debrief [data-testid=component-score]')).map((c) => c.textContent.trim());
      return { lead: lead.textContent.trim(), notes: n.querySelectorAll('.note').length, above: box.bottom <= score.top, visible: box.height > 0, pickup, pickupHead: heads.includes('Pickup'), comps };
    });
    if (!/without defenders/.test(d.lead)) fail(`${p.__name}: the leading debrief note does not say the attack ran on without defenders: "${d.lead}"`);
    if (!d.visible || !d.above) fail(`${p.__name}: the debrief notes are not shown above the score`);
    if (!d.pickupHead) fail(`${p.__name}: the debrief's handoffs table has no Pickup column`);
    if (!d.pickup.length || !d.pickup.every((x) => /^(after \d+(s|m|h\d\dm)|never picked up)$/.test(x))) fail(`${p.__name}: unexpected pickup cells: ${d.pickup.join(' | ')}`);
    if (!d.pickup.some((x) => x.startsWith('after'))) fail(`${p.__name}: no handoff shows as picked up, though Tier 2 took one`);
    if (!d.comps.length || !d.comps.every((x) => /^(\d+%|not rated — .+)$/.test(x))) fail(`${p.__name}: unexpected component scores: ${d.comps.join(' | ')}`);
    if (p === t1) note(`${d.notes} note(s), leading with: ${d.lead}; pickups: ${d.pickup.join(', ')}`);
  }
  const report = await t1.locator('#report-link').getAttribute('href');
  if (!report) fail('tier1: the debrief has no report link');
  const rep = await fetch(new URL(report, links.facilitator));
  const repText = await rep.text();
  if (rep.status !== 200 || repText.length < 500) fail(`GET ${report} answered ${rep.status} with ${repText.length} bytes`);
  note(`report ${report}: ${rep.status}, ${Math.round(repText.length / 1024)} KiB`);
  for (const text of [obs, answer, 'The CFO is on the phone', 'Ana Souza', 'Observations by objective', 'handed the seat to a bot',
    'it changed: host ws-fin-07 cut off the network', 'blocked by containment']) {
    if (!repText.includes(text)) fail(`the after-action report lacks "${text}"`);
  }
  note('the report carries the note (under its objective), the answer, the live inject, the hand-over and the participant\'s name');
  const debriefTalk = await until(t1, 'the discussion in the debrief', () => document.querySelector('#debrief-discussion')?.textContent || null);
  if (!debriefTalk.includes(answer) || !debriefTalk.includes(obs)) fail('tier1: the debrief\'s discussion lacks the answer or the note');
  // The person kept their queue: no bot took a Tier 1 alert before it had waited the
  // server's default 10 minutes.
  const journal = fs.readFileSync(path.join(JOURNAL, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const raisedAt = new Map(journal.filter((e) => e.ev === 'AlertRaised').map((e) => [e.alert, e.t]));
  const seats = journal.find((e) => e.ev === 'Started').seats;
  const tier1Bots = new Set(seats.filter((x) => x.role === 'Tier1' && x.controller.startsWith('bot')).map((x) => x.seat));
  const early = journal.filter((e) => e.ev === 'AlertTaken' && tier1Bots.has(e.seat) && e.t - raisedAt.get(e.alert) < 600);
  const personTook = journal.filter((e) => e.ev === 'AlertTaken' && e.seat === 0).length;
  if (early.length) fail(`a Tier 1 bot took ${early.length} alert(s) before they had waited 10 minutes: ${JSON.stringify(early.slice(0, 3))}`);
  note(`the person took ${personTook} alert(s); Tier 1 bots took none younger than 10 minutes`);
  await until(P.board, 'the attacker timeline on the board', () => { const t = document.querySelector('#board-timeline'); return !t.hidden && !!t.querySelector('svg'); });
  const score = await t1.locator('#debrief .scorehead .big').textContent();
  note(`team score ${score}`);
  await shot(t1, 'tier1-debrief');
  await shot(P.board, 'board-debrief');
  await shot(fac, 'facilitator-debrief');

  step('check the browsers reported no errors');
  if (errors.length) fail(`errors in the pages:\n  ${errors.join('\n  ')}`);
  // Close the pages first: a page losing its server would report the lost connection.
  await Promise.all([facCtx, t1Ctx, t2Ctx, watchCtx].map((c) => c.close()));
  await stopServer(server);
  cleanup.server = null;

  // ---- a solo drill: a trainee paces it alone; the threat intel console
  step('start a solo threat intel drill on a second server');
  const scenario = hasIntel ? null : intelScenario();
  note(scenario ? `${path.relative(ROOT, scenario)}: the default scenario with a threat intel seat` : 'the default scenario');
  const solo = startServer(bin, { scenario, solo: 'intel', tag: '-solo' });
  cleanup.solo = solo.server;
  const soloLinks = (await solo.ready).links;
  note(`${soloLinks.seat}: ${soloLinks.url}`);
  const soloCtx = await newContext(browser, viewport);
  const me = await open(soloCtx, 'intel-solo', soloLinks.url);
  await phaseIs(me, 'running'); // a solo drill starts when its link opens
  await watchFeedback(me);
  const hello = hellos.get('intel-solo');
  if (!hello?.seat?.solo || hello.seat.role !== 'Intel') fail(`intel-solo: hello.seat is ${JSON.stringify(hello?.seat)}, wanted a solo Intel seat`);
  const shown = () => me.evaluate(() => ['solo-controls', 'solo-pause', 'solo-resume', 'solo-speed', 'solo-end', 'solo-reveal']
    .filter((id) => { const el = document.getElementById(id); return el && el.getClientRects().length > 0; }).join(' '));
  const running = await shown();
  if (running !== 'solo-controls solo-pause solo-speed solo-end') fail(`intel-solo: while running the header shows ${running}`);

  step('the trainee pauses, resumes and sets the speed');
  await clickForReply(me, '#solo-pause', /accepted: paused/);
  await phaseIs(me, 'paused');
  if (await shown() !== 'solo-controls solo-resume solo-speed solo-end') fail(`intel-solo: while paused the header shows ${await shown()}`);
  await clickForReply(me, '#solo-resume', /accepted: resumed/);
  await phaseIs(me, 'running');
  await replyTo(me, '#solo-speed', () => me.locator('#solo-speed').selectOption('600'), /accepted: speed 600/);
  await until(me, 'the header to show ×600', () => /×600\b/.test(document.querySelector('#clock-meta').textContent));
  note(`controls: ${await shown()}; ${(await me.locator('#clock-meta').textContent()).trim()}`);

  step('threat intel enriches an indicator (solo)');
  await intelConsole(me, 'intel-solo');

  step('the trainee ends the drill through the confirmation and sees the debrief');
  const askSolo = await askConfirm(me, '#solo-end');
  checkDialog(me, askSolo, /^End your drill\?$/, /without defenders.*debrief opens/);
  await clickForReply(me, '#confirm-ok', /accepted: revealed/);
  await dialogGone(me);
  await phaseIs(me, 'ended');
  await until(me, 'the debrief', () => { const d = document.querySelector('#debrief'); return !d.hidden && d.textContent.includes('Debrief'); });
  if (await shown() !== '') fail(`intel-solo: after the debrief the header still shows ${await shown()}`);
  await shot(me, 'intel-solo-debrief');

  step('check the browsers reported no errors');
  if (errors.length) fail(`errors in the pages:\n  ${errors.join('\n  ')}`);
  await soloCtx.close();
  stepName && console.log(`  ok   ${stepName} (${secs(Date.now() - stepAt)} s)`);
  stepName = null;
  return pages;
}

// ---------------------------------------------------------------- run

const cleanup = { server: null, solo: null, browser: null };
async function tidy() {
  if (cleanup.browser) await cleanup.browser.close().catch(() => {});
  cleanup.browser = null;
  for (const k of ['server', 'solo']) {
    if (cleanup[k]) await stopServer(cleanup[k]).catch(() => {});
    cleanup[k] = null;
  }
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => { console.error(`\n${sig}: stopping`); await tidy(); process.exit(130); });
}

// A last guard: whatever hangs, the run ends (and stops the servers) after 7 minutes.
const watchdog = setTimeout(async () => {
  console.log(`\nFAIL during "${stepName || 'setup'}": the whole test ran over 420 s`);
  console.log('0 passed, 1 failed');
  await tidy();
  process.exit(1);
}, 420_000);
watchdog.unref();

let code = 0;
try {
  await main();
  console.log(`PASS socdrill serve e2e in ${secs(Date.now() - T0)} s; screenshots in ${SHOTS}`);
  console.log('1 passed, 0 failed');
} catch (e) {
  code = 1;
  console.log(`\nFAIL during "${stepName || 'setup'}" after ${secs(Date.now() - T0)} s:\n  ${e instanceof Failure ? e.message : e.stack || e}`);
  if (cleanup.browser) {
    for (const ctx of cleanup.browser.contexts()) {
      for (const p of ctx.pages()) {
        await p.screenshot({ path: path.join(SHOTS, `FAILED-${p.__name}.png`), fullPage: true, timeout: 10_000 }).catch(() => {});
      }
    }
    console.log(`  screenshots of every page at the failure: ${SHOTS}/FAILED-*.png; server log: ${SHOTS}/server.log`);
  }
  console.log('0 passed, 1 failed');
} finally {
  await tidy();
}
process.exit(code);
