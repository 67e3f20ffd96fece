// Shared by the hub's browser tests: hub_testserver as a child process, the LAN API, Chromium.
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');

const TOKENS = { 1: 'token-one-0123456789abcdef', 2: 'token-two-0123456789abcdef',
                 3: 'token-three-0123456789abcdef' };
const tmpBase = process.env.BORNE_TEST_TMP || os.tmpdir();
fs.mkdirSync(tmpBase, { recursive: true });

let failures = 0;
function check(ok, what) {
  if (!ok) {
    failures++;
    console.error('check failed: ' + what);
  }
}

// hub_testserver: first line "PORT <n>", then one answer line per command.
async function startServer(server) {
  const child = spawn(server, [], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, SDL_VIDEODRIVER: 'dummy', SDL_RENDER_DRIVER: 'software', SDL_AUDIODRIVER: 'dummy' },
  });
  const lines = readline.createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (l) => { const w = waiting.shift(); if (w) w(l); });
  const next = () => new Promise((resolve) => waiting.push(resolve));
  const first = await next();
  const port = Number((/^PORT (\d+)$/.exec(first) || [])[1]);
  check(port > 0, 'hub_testserver prints its port');
  return {
    port,
    ask: (cmd) => { const p = next(); child.stdin.write(cmd + '\n'); return p; },
    // Ends the server and checks it exits cleanly (sanitizer builds report leaks there).
    stop: async () => {
      child.stdin.end('quit\n');
      if (child.exitCode === null) await new Promise((r) => child.on('exit', r));
      check(child.exitCode === 0, `hub_testserver exits with 0 (${child.exitCode})`);
    },
  };
}

async function api(port, method, p, body, counter = 1) {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1${p}`, {
    method,
    headers: { 'Authorization': 'Bearer ' + TOKENS[counter], 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, data: await res.json() };
}

// Debian's chromium, headless, with a fresh profile; `options` adds context options (such as
// timezoneId).
async function launch(modules, options = {}) {
  const { chromium } = require(path.join(modules, 'playwright-core'));
  const profile = fs.mkdtempSync(path.join(tmpBase, 'hub_browser-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    ...options,
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

async function newPage(context) {
  const page = await context.newPage();
  page.on('pageerror', (e) => check(false, 'page error: ' + e.message));
  return page;
}

// The counter page, set up for `counter` (first visit: pick it and paste its token).
async function openCounterPage(context, port, counter) {
  const page = await newPage(context);
  await page.goto(`http://127.0.0.1:${port}/counter`);
  await page.waitForSelector('#setup:not([hidden])');
  await page.selectOption('#setup-counter', String(counter));
  await page.fill('#setup-token', TOKENS[counter]);
  await page.click('#setup-form button[type=submit]');
  await page.waitForSelector('#desk:not([hidden])');
  return page;
}

// Text lines of the page that overlap another text's lines ("a" overlaps "b").
function textOverlaps(page) {
  return page.evaluate(() => {
    const out = [];
    const boxes = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (!n.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      for (const r of range.getClientRects())
        if (r.width > 0 && r.height > 0) boxes.push({ r, text: n.textContent.trim().slice(0, 30) });
    }
    const shrink = 2;   // line boxes of adjacent lines may touch
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r, b = boxes[j].r;
        if (a.left + shrink < b.right && b.left + shrink < a.right &&
            a.top + shrink < b.bottom && b.top + shrink < a.bottom)
          out.push(`"${boxes[i].text}" overlaps "${boxes[j].text}"`);
      }
    return out;
  });
}

function finish() {
  console.log(`${failures ? 0 : 1} passed, ${failures ? 1 : 0} failed`);
  process.exit(failures ? 1 : 0);
}

module.exports = { TOKENS, tmpBase, check, startServer, api, launch, newPage, openCounterPage, textOverlaps, finish };
