// The steering console of headquarters (issue 15) and the HQ page's weather order (issue 14), in
// Debian's headless Chromium against a real borne-collector seeded through its real ingest:
//   - antennes of the repository's table (assets/collector/antennes-hdf.csv) upload contract-2
//     batches, one (Soissons) contract-1 batches, the last ones stay silent;
//   - every figure of /console/period (week, month, year, a territory, a group, an antenne) equals the sum
//     computed here from the uploaded buckets; a contract-1 antenne's tickets are counted as such,
//     never as zero outcomes; a period with no data says "pas de données";
//   - /console shows the live snapshots, alerts first, with the counts that were posted;
//   - waiting targets per antenne come from the published fleet documents (region → group → antenne):
//     the Now page and the "within target" shares judge each antenne by its own;
//   - at 1366×768 and 1920×1080 no element leaves the viewport sideways and no two text boxes overlap;
//   - the HQ page's legend, its bars, the console's legend and the CSV export's columns all go
//     sunny → storm in the kiosk's words, and a legend swatch has the colour of its bars.
//   - people sign in (Argon2id hashes from borne-collector-passwd): a wrong password is refused, the
//     session cookie is HttpOnly and SameSite=Strict; a group's manager sees their group's figures and
//     gets 403 for another group's pages and exports; signing out needs the form's CSRF token.
//   - every change is a POST carrying the session's CSRF token: a sign-in not from the console's own
//     form, an acknowledgement or a sign-out without the token are 403; the director acknowledges an
//     alert from the Now page and it names her; a manager cannot acknowledge another group's alert;
//     sessions outlive a restart of the collector (kept in its store, hashed).
// Screenshots in BORNE_TEST_TMP: console_<view>_<W>x<H>.png, hq_page_<W>x<H>.png.
//
// Usage: node test_collector_console.js <borne-collector> <borne-collector-passwd> <node_modules dir>
'use strict';

const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const t = require('./test_hub_lib.js');

const [collectorBin, passwdBin, modules] = process.argv.slice(2);
const dir = fs.mkdtempSync(path.join(t.tmpBase, 'collector_console-'));
const HQ_TOKEN = 'hq-console-token-0123456789';
const WEATHER = ['Soleil', 'Soleil voilé', 'Nuageux', 'Pluie', 'Orage'];
const WEATHER_WORDS = ['soleil', 'soleil_voile', 'nuageux', 'pluie', 'orage'];
const OUTCOMES = ['answered', 'partner', 'online_help', 'appointment'];
const REASONS = ['attente', 'accueil', 'reponse', 'locaux', 'autre'];
const BANDS = ['0-5', '5-10', '10-15', '15-20', '20-30', '30-45', '45-60', '60+'];
const BAND_LOW = [0, 5, 10, 15, 20, 30, 45, 60];
const TARGET_MIN = 15;   // the region's document (and the collector's default)
// Waiting targets published through the fleet's documents (region → group → antenne): the aisne-sud
// group's antennes 30 min, Arras 5 min, Amiens 12 min (not a band bound: judged at 10).
const GROUP_TARGET = 30;
const OWN_TARGETS = { arras: 5, amiens: 12 };
const targetOf = (a) => OWN_TARGETS[a.id] || (a.group === 'aisne-sud' ? GROUP_TARGET : TARGET_MIN);
const judgedBound = (min) => Math.max(0, ...BAND_LOW.slice(1).filter((b) => b <= min));
const USERS = { directrice: 'mot-de-passe-de-la-region', 'gestion-aisne-sud': 'mot-de-passe-du-groupe' };

function slug(name) {
  return name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

// The repository's antennes table: id, name, territory, group.
function antennes() {
  const csv = fs.readFileSync(path.join(process.env.BORNE_ASSETS, 'collector', 'antennes-hdf.csv'), 'utf8');
  const rows = csv.split('\n').filter((l) => l && !l.startsWith('#')).slice(1);
  return rows.map((l) => {
    const c = l.split(',');
    return { id: slug(c[0]), name: c[0], territory: c[4], group: c[5] };
  });
}

let seed = 12345;   // xorshift32: deterministic figures from run to run
function rnd(lo, hi) {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return lo + (seed % (hi - lo + 1));
}
function split(total, parts) {
  const out = new Array(parts).fill(0);
  for (let i = 0; i < total; i++) out[rnd(0, parts - 1)]++;
  return out;
}

function dayText(day) { return new Date(day * 86400000).toISOString().slice(0, 10); }

// One bucket with every count consistent, as a board's engine would build it.
function bucket(day, hour, service) {
  const issued = rnd(2, 18);
  const noShow = rnd(0, 2);
  const redirected = rnd(0, 3);
  const served = Math.max(0, issued - noShow - redirected);
  const waited = served + redirected;
  const bands = split(waited, 8);
  const sum = bands.reduce((s, n, i) => s + n * (BAND_LOW[i] * 60 + 120), 0);
  const feedback = [rnd(0, 4), rnd(0, 3), rnd(0, 2), rnd(0, 2), rnd(0, 1)];
  const reasons = split(rnd(0, feedback[3] + feedback[4]), 5);
  const others = split(served, 3);
  const caf = rnd(0, redirected);
  const partners = {};
  if (caf) partners.caf = caf;
  if (redirected - caf > 0 && rnd(0, 1)) partners['france-travail'] = redirected - caf;
  return {
    day: dayText(day), hour, service, public: '', revision: 1,
    issued, called: waited, served, redirected, no_show: noShow, cancelled: 0, expired: 0, transferred: 0,
    appointments_checked_in: 0,
    wait: waited ? { sum_s: sum, count: waited, p50_s: 300, p90_s: 900 } : { sum_s: 0, count: 0, p50_s: 0, p90_s: 0 },
    service_time: waited ? { sum_s: waited * 600, count: waited, p50_s: 500, p90_s: 900 }
      : { sum_s: 0, count: 0, p50_s: 0, p90_s: 0 },
    feedback,
    wait_bands: bands, outcomes: [others[0], redirected, others[1], others[2]],
    channels: [rnd(0, 3), rnd(0, 2)], feedback_reasons: reasons, partners,
  };
}

function v1(b) {
  const copy = { ...b };
  for (const k of ['wait_bands', 'outcomes', 'channels', 'feedback_reasons', 'partners']) delete copy[k];
  return copy;
}

let batchN = 0;
function uuid() {
  batchN++;
  return `00000000-0000-4000-8000-${String(batchN).padStart(12, '0')}`;
}

async function post(port, token, p, body) {
  const res = await fetch(`http://127.0.0.1:${port}${p}`, {
    method: 'POST', headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, data: await res.json().catch(() => null) };
}

async function hqGet(port, p) {
  const res = await fetch(`http://127.0.0.1:${port}${p}`, { headers: { Authorization: 'Bearer ' + HQ_TOKEN } });
  return { status: res.status, text: await res.text() };
}

// Expected figures over the buckets kept by `keep` (antenne, bucket).
function expect(uploaded, keep) {
  const e = { rows: 0, issued: 0, served: 0, redirected: 0, waitSum: 0, waitCount: 0, v1: 0, within: 0, judged: 0,
              fb: [0, 0, 0, 0, 0], outcomes: [0, 0, 0, 0], channels: [0, 0], reasons: [0, 0, 0, 0, 0],
              bands: new Array(8).fill(0), partners: {}, per: {}, heat: {} };
  for (const { antenne, schema, b } of uploaded) {
    if (!keep(antenne, b)) continue;
    e.rows++;
    e.issued += b.issued; e.served += b.served; e.redirected += b.redirected;
    e.waitSum += b.wait.sum_s; e.waitCount += b.wait.count;
    e.per[antenne.id] = (e.per[antenne.id] || 0) + b.issued;
    const wd = (new Date(b.day + 'T00:00:00Z').getUTCDay() + 6) % 7;
    e.heat[`${wd}.${b.hour}`] = (e.heat[`${wd}.${b.hour}`] || 0) + b.issued;
    b.feedback.forEach((n, i) => { e.fb[i] += n; });
    if (schema < 2) { e.v1 += b.issued; continue; }
    b.outcomes.forEach((n, i) => { e.outcomes[i] += n; });
    b.channels.forEach((n, i) => { e.channels[i] += n; });
    b.feedback_reasons.forEach((n, i) => { e.reasons[i] += n; });
    b.wait_bands.forEach((n, i) => { e.bands[i] += n; });
    const bound = judgedBound(targetOf(antenne));
    if (bound) b.wait_bands.forEach((n, i) => { e.judged += n; if (i + 1 < 8 && BAND_LOW[i + 1] <= bound) e.within += n; });
    for (const [id, n] of Object.entries(b.partners)) e.partners[id] = (e.partners[id] || 0) + n;
  }
  return e;
}

// The figures of a page: data-k → { text, v }.
async function figures(page) {
  return page.evaluate(() => {
    const out = {};
    for (const el of document.querySelectorAll('[data-k]'))
      out[el.dataset.k] = { text: el.textContent.trim(), v: el.dataset.v };
    return out;
  });
}

const count = (f) => (f ? Number(f.text.replace(/[\s\u202f\u00a0]/g, '')) : NaN);

function checkFigures(what, got, e, antennesIn) {
  const eq = (k, want) => t.check(count(got[k]) === want, `${what}: ${k} = ${want} (page: ${got[k] && got[k].text})`);
  eq('total.issued', e.issued);
  eq('total.served', e.served);
  const mean = Math.floor(e.waitSum / e.waitCount);
  t.check(got['total.wait_mean'] && Number(got['total.wait_mean'].v) === mean,
          `${what}: mean wait ${mean} s (page: ${JSON.stringify(got['total.wait_mean'])})`);
  t.check(got['total.within'] && got['total.within'].v === `${e.within}/${e.judged}`,
          `${what}: within each antenne's target ${e.within}/${e.judged} (page: ${JSON.stringify(got['total.within'])})`);
  OUTCOMES.forEach((w, i) => eq(`outcome.${w}`, e.outcomes[i]));
  eq('channel.visit', e.outcomes.reduce((s, n) => s + n, 0));
  eq('channel.phone', e.channels[0]);
  eq('channel.email', e.channels[1]);
  REASONS.forEach((w, i) => eq(`reason.${w}`, e.reasons[i]));
  BANDS.forEach((w, i) => eq(`band.${w}`, e.bands[i]));
  WEATHER_WORDS.forEach((w, i) => eq(`weather.${w}`, e.fb[i]));
  for (const [id, n] of Object.entries(e.partners)) eq(`partner.${id}`, n);
  const pagePartners = Object.keys(got).filter((k) => k.startsWith('partner.')).length;
  t.check(pagePartners === Object.keys(e.partners).length, `${what}: ${pagePartners} partners listed`);
  if (e.v1) eq('total.v1_issued', e.v1);
  else t.check(!got['total.v1_issued'], `${what}: no contract-1 note`);
  for (const a of antennesIn) {
    if (e.per[a.id] === undefined)
      t.check(!got[`antenne.${a.id}.issued`], `${what}: ${a.id} has no figure (pas de données)`);
    else {
      eq(`antenne.${a.id}.issued`, e.per[a.id]);
      const tg = got[`antenne.${a.id}.target`];
      t.check(tg && Number(tg.v) === targetOf(a), `${what}: ${a.id}'s target ${targetOf(a)} min (page: ${tg && tg.v})`);
    }
  }
  for (const [k, n] of Object.entries(e.heat)) eq(`heat.${k}`, n);
  const heatSum = Object.entries(got).filter(([k]) => k.startsWith('heat.')).reduce((s, [, f]) => s + count(f), 0);
  t.check(heatSum === e.issued, `${what}: the heat map adds up to the tickets (${heatSum})`);
}

// Elements whose box leaves the viewport sideways (a report page scrolls down, never sideways), and
// text lines that overlap another's.
async function layoutFaults(page) {
  const out = await page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.left < -0.5 || r.right > innerWidth + 0.5)
        out.push(`${el.tagName}.${el.className} ${Math.round(r.left)}–${Math.round(r.right)} "${el.textContent.slice(0, 30)}"`);
    }
    if (document.documentElement.scrollWidth > innerWidth) out.push(`page width ${document.documentElement.scrollWidth}`);
    return out;
  });
  return out.concat(await t.textOverlaps(page));
}

// Legend words and colours, and for every distribution bar its segments' words and colours, left to right.
function weatherOrder(page) {
  return page.evaluate(() => {
    const legend = [...document.querySelectorAll('.legend span')].map((s) => ({
      word: s.textContent.trim(), colour: getComputedStyle(s.querySelector('i')).backgroundColor }));
    const bars = [...document.querySelectorAll('.dist')].map((d) => [...d.querySelectorAll('span')]
      .map((s) => ({ word: s.title.split(' : ')[0], left: s.getBoundingClientRect().left,
                     colour: getComputedStyle(s).backgroundColor })));
    return { legend, bars };
  });
}

function checkWeatherOrder(what, o) {
  t.check(JSON.stringify(o.legend.map((l) => l.word)) === JSON.stringify(WEATHER),
          `${what}: legend sunny → storm (${o.legend.map((l) => l.word).join(', ')})`);
  t.check(o.bars.length > 0, `${what}: distribution bars shown`);
  for (const bar of o.bars) {
    const idx = bar.map((s) => WEATHER.indexOf(s.word));
    t.check(idx.every((v, i) => v >= 0 && (i === 0 || v > idx[i - 1])), `${what}: bar in legend order (${idx})`);
    t.check(bar.every((s, i) => i === 0 || s.left >= bar[i - 1].left), `${what}: segments left to right`);
    for (const s of bar) {
      const l = o.legend.find((x) => x.word === s.word);
      t.check(l && l.colour === s.colour, `${what}: ${s.word} bar has its legend colour`);
    }
  }
}

async function view(browser, port, name, p, sizes) {
  const results = [];
  for (const [width, height] of sizes) {
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => t.check(false, 'page error: ' + e.message));
    await page.setViewportSize({ width, height });
    const res = await page.goto(`http://127.0.0.1:${port}${p}`);
    t.check(res.status() === 200, `${name}: ${p} answers 200 (${res.status()})`);
    const faults = await layoutFaults(page);
    t.check(faults.length === 0, `${name} at ${width}×${height}: ${faults.slice(0, 8).join('; ')}`);
    await page.screenshot({ path: path.join(t.tmpBase, `${name}_${width}x${height}.png`), fullPage: true });
    results.push(page);
  }
  return results;
}

// A browser context of its own (no HQ token), signed in through the form.
async function signIn(b, port, name, password) {
  const ctx = await b.newContext();
  const page = await ctx.newPage();
  page.on('pageerror', (e) => t.check(false, 'page error: ' + e.message));
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(`http://127.0.0.1:${port}/console`);
  t.check(page.url().endsWith('/console/login'), `${name}: the console asks to sign in (${page.url()})`);
  await page.fill('input[name=name]', name);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  return { ctx, page };
}

// Waits (generously: the alert rules run every 15 s) until the Now page lists an active alert.
async function waitForAlert(page, port, key) {
  for (let i = 0; i < 120; i++) {
    await page.goto(`http://127.0.0.1:${port}/console`);
    if (await page.locator(`tr[data-alert="${key}"]`).count()) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

async function signedIn(b, srv, uploaded, all, date, inMonth, sizes) {
  let port = srv.port;
  // A wrong password: refused, the form says so, no cookie.
  const wrong = await signIn(b, port, 'directrice', 'pas-le-bon-mot-de-passe');
  t.check((await wrong.page.textContent('.error')) === 'Nom ou mot de passe incorrect.', 'a wrong password is refused');
  t.check((await wrong.ctx.cookies()).every((c) => c.name !== 'borne_session'), 'no session after a wrong password');
  await wrong.page.screenshot({ path: path.join(t.tmpBase, 'console_login_refused_1366x768.png') });
  await wrong.ctx.close();

  // A sign-in posted from elsewhere than the console's form (no sign-in token) is refused.
  const forgedLogin = await fetch(`http://127.0.0.1:${port}/console/login`, {
    method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `name=directrice&password=${USERS.directrice}` });
  t.check(forgedLogin.status === 403 && !forgedLogin.headers.get('set-cookie'),
          `a sign-in without the form's token is a 403 (${forgedLogin.status})`);

  // The region's director: every group.
  const dir = await signIn(b, port, 'directrice', USERS.directrice);
  t.check(dir.page.url().endsWith('/console'), `the director lands on the console (${dir.page.url()})`);
  const cookie = (await dir.ctx.cookies()).find((c) => c.name === 'borne_session');
  t.check(cookie && cookie.httpOnly && cookie.sameSite === 'Strict' && cookie.value.length === 64,
          `session cookie HttpOnly, SameSite=Strict (${JSON.stringify(cookie)})`);
  t.check((await dir.page.textContent('#reader')) === 'directrice', 'the page names who reads');
  const other = await dir.page.goto(`http://127.0.0.1:${port}/console/period?period=week&date=${date}&group=cote-d-opale`);
  t.check(other.status() === 200, 'the director reads any group');
  // Signing out needs the form's token: a forged POST carrying the cookie is refused.
  for (const form of [{}, { csrf: '0'.repeat(64) }]) {
    const r = await dir.ctx.request.post(`http://127.0.0.1:${port}/console/logout`, { form, maxRedirects: 0 });
    t.check(r.status() === 403, `sign-out without the right CSRF token is a 403 (${r.status()})`);
  }
  t.check((await dir.page.goto(`http://127.0.0.1:${port}/console`)).status() === 200, 'still signed in after the forged posts');

  // Acknowledging an alert: refused without the session's token, done from the page's button.
  t.check(await waitForAlert(dir.page, port, 'fourmies.wait'), 'the Now page lists Fourmies\' wait alert');
  for (const form of [{ antenne: 'fourmies', kind: 'wait' }, { antenne: 'fourmies', kind: 'wait', csrf: '0'.repeat(64) }]) {
    const r = await dir.ctx.request.post(`http://127.0.0.1:${port}/console/alerts/ack`, { form, maxRedirects: 0 });
    t.check(r.status() === 403, `an acknowledgement without the right CSRF token is a 403 (${r.status()})`);
  }
  const before = await dir.page.goto(`http://127.0.0.1:${port}/console`);
  t.check(before.status() === 200 && await dir.page.locator('tr[data-alert="fourmies.wait"] form.ack').count() === 1,
          'the forged acknowledgements changed nothing');
  await Promise.all([dir.page.waitForNavigation(), dir.page.click('tr[data-alert="fourmies.wait"] form.ack button')]);
  const acked = (await figures(dir.page))['alert.fourmies.wait.ack'];
  t.check(acked && acked.text.startsWith('par directrice'), `the alert names who acknowledged it (${acked && acked.text})`);
  await dir.page.screenshot({ path: path.join(t.tmpBase, 'console_now_acknowledged_1366x768.png'), fullPage: true });

  // The collector restarts: the director is still signed in (the session was kept in the store).
  port = await srv.restart();
  const again = await dir.page.goto(`http://127.0.0.1:${port}/console`);
  t.check(again.status() === 200 && dir.page.url().endsWith('/console') &&
          (await dir.page.textContent('#reader')) === 'directrice',
          `still signed in after a restart (${again.status()} ${dir.page.url()})`);
  await Promise.all([dir.page.waitForNavigation(), dir.page.click('form.who button')]);
  t.check((await dir.ctx.cookies()).every((c) => c.name !== 'borne_session'), 'signing out removes the cookie');
  t.check(dir.page.url().endsWith('/console/login'), `signing out leads to the form (${dir.page.url()})`);
  await dir.page.goto(`http://127.0.0.1:${port}/console`);
  t.check(dir.page.url().endsWith('/console/login'), 'the old session no longer opens the console');
  await dir.ctx.close();

  // A group's manager: their group's antennes and figures only.
  const mgr = await signIn(b, port, 'gestion-aisne-sud', USERS['gestion-aisne-sud']);
  const mine = all.filter((a) => a.group === 'aisne-sud');
  const rows = await mgr.page.evaluate(() => [...document.querySelectorAll('#now tbody tr')].map((r) => r.dataset.antenne));
  t.check(JSON.stringify(rows.sort()) === JSON.stringify(mine.map((a) => a.id).sort()),
          `the manager's Maintenant lists their group only (${rows})`);
  for (const [width, height] of sizes) {
    await mgr.page.setViewportSize({ width, height });
    const res = await mgr.page.goto(`http://127.0.0.1:${port}/console/period?period=month&date=${date}`);
    t.check(res.status() === 200, 'the manager reads their period page');
    const faults = await layoutFaults(mgr.page);
    t.check(faults.length === 0, `manager's page at ${width}×${height}: ${faults.slice(0, 8).join('; ')}`);
    await mgr.page.screenshot({ path: path.join(t.tmpBase, `console_manager_${width}x${height}.png`), fullPage: true });
  }
  const offered = await mgr.page.evaluate(() => [...document.querySelectorAll('select[name=antenne] option')]
    .map((o) => o.value).filter((v) => v));
  t.check(JSON.stringify(offered.sort()) === JSON.stringify(mine.map((a) => a.id).sort()),
          `the manager is offered their antennes only (${offered})`);
  checkFigures('manager month', await figures(mgr.page),
               expect(uploaded, (a, bk) => inMonth(a, bk) && a.group === 'aisne-sud'), mine);
  const other2 = all.find((a) => a.group !== 'aisne-sud');
  for (const p of [`/console/period?group=${other2.group}`, `/console/period?antenne=${other2.id}`,
                   `/console?group=${other2.group}`, `/api/v1/export.csv?antenne=${other2.id}`,
                   '/api/v1/export.json', '/']) {
    const r = await mgr.ctx.request.get(`http://127.0.0.1:${port}${p}`, { maxRedirects: 0 });
    t.check(r.status() === 403, `the manager cannot read ${p} (${r.status()})`);
  }
  const mgrCsrf = await mgr.page.getAttribute('form.who input[name=csrf]', 'value');
  const foreign = await mgr.ctx.request.post(`http://127.0.0.1:${port}/console/alerts/ack`,
    { form: { antenne: other2.id, kind: 'wait', csrf: mgrCsrf }, maxRedirects: 0 });
  t.check(foreign.status() === 403, `the manager cannot acknowledge another group's alert (${foreign.status()})`);
  const ownCsv = await mgr.ctx.request.get(`http://127.0.0.1:${port}/api/v1/export.csv?antenne=${mine[0].id}&from=${date}`);
  t.check(ownCsv.status() === 200 && (await ownCsv.text()).includes(`\r\n${mine[0].id},`),
          `the manager exports their own antenne (${ownCsv.status()})`);
  await mgr.ctx.close();
}

async function main() {
  const all = antennes();
  t.check(all.length >= 19 && all.every((a) => a.territory && a.group), 'the antennes table has territories and groups');
  const tokens = Object.fromEntries(all.map((a) => [a.id, `${a.id}-token-0123456789`.slice(0, 60)]));
  fs.writeFileSync(path.join(dir, 'tokens.txt'), all.map((a) => `${a.id} ${tokens[a.id]}`).join('\n') + '\n',
                   { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'hq.token'), HQ_TOKEN + '\n', { mode: 0o600 });
  const hash = (pw) => execFileSync(passwdBin, [], { input: pw + '\n' }).toString().trim();
  fs.writeFileSync(path.join(dir, 'users.txt'), [
    '# console users',
    `directrice region ${hash(USERS.directrice)}`,
    `gestion-aisne-sud group:aisne-sud ${hash(USERS['gestion-aisne-sud'])}`,
  ].join('\n') + '\n', { mode: 0o600 });
  const srv = {
    child: null, port: 0,
    async start() {
      this.child = spawn(collectorBin, ['--port', '0', '--sqlite', path.join(dir, 'hq.sqlite'),
        '--antennes-csv', path.join(process.env.BORNE_ASSETS, 'collector', 'antennes-hdf.csv'),
        '--tokens', path.join(dir, 'tokens.txt'), '--admin-token-file', path.join(dir, 'hq.token'),
        '--alarms-journal', path.join(dir, 'alarms.jsonl'), '--wait-target-min', String(TARGET_MIN),
        '--users', path.join(dir, 'users.txt')],
      { stdio: ['ignore', 'pipe', 'inherit'] });
      const first = await new Promise((r) => readline.createInterface({ input: this.child.stdout }).once('line', r));
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(first || '');
      t.check(!!m, `borne-collector starts (${first})`);
      this.port = Number(m[1]);
      return this.port;
    },
    async stop() {
      const done = new Promise((r) => this.child.on('exit', r));
      this.child.kill('SIGTERM');
      await done;
      t.check(this.child.exitCode === 0, `borne-collector exits with 0 (${this.child.exitCode})`);
    },
    async restart() { await this.stop(); return this.start(); },
  };
  const port = await srv.start();
  let browser;
  try {
    // Two weeks ago, Monday to Friday, and one day of the same month outside that week.
    const today = Math.floor(Date.now() / 86400000);
    const monday = today - 14 - ((new Date(today * 86400000).getUTCDay() + 6) % 7);
    const month = dayText(monday).slice(0, 7);
    const days = [0, 1, 2, 3, 4].map((d) => monday + d);
    for (const extra of [monday - 7, monday + 7])
      if (dayText(extra).startsWith(month)) days.push(extra);
    const uploading = all.slice(0, all.length - 3);
    const uploaded = [];
    for (const a of uploading) {
      const schema = a.id === 'soissons' ? 1 : 2;
      for (const day of days) {
        const buckets = [];
        for (const hour of [9, 10, 11, 14, 16]) for (const svc of ['A', 'F']) buckets.push(bucket(day, hour, svc));
        const body = { schema, antenne: a.id, batch: uuid(), sent_at: new Date().toISOString().slice(0, 19) + 'Z',
                       buckets: schema === 2 ? buckets : buckets.map(v1) };
        const r = await post(port, tokens[a.id], `/api/v1/antennes/${a.id}/batches`, body);
        t.check(r.status === 200 && r.data.applied === buckets.length,
                `${a.id} ${dayText(day)} schema ${schema}: ${r.status} ${JSON.stringify(r.data)}`);
        for (const b of buckets) uploaded.push({ antenne: a, schema, b });
      }
    }
    // Waiting targets: the region's, a group's and two antennes' own, published as fleet documents.
    const put = async (scope, doc) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/config/documents/${scope}`, {
        method: 'PUT', headers: { Authorization: 'Bearer ' + HQ_TOKEN, 'Content-Type': 'application/json' },
        body: JSON.stringify(doc) });
      t.check(res.status === 200, `document ${scope}: ${res.status}`);
    };
    await put('region', { waiting_target_min: TARGET_MIN });
    await put('group:aisne-sud', { antennes: all.filter((a) => a.group === 'aisne-sud').map((a) => a.id),
                                   waiting_target_min: GROUP_TARGET });
    for (const [id, min] of Object.entries(OWN_TARGETS)) await put(`antenne:${id}`, { waiting_target_min: min });
    const pub = await post(port, HQ_TOKEN, '/api/v1/config/publish', {});
    t.check(pub.status === 200 && pub.data.antennes.length === all.length, `published: ${JSON.stringify(pub)}`);

    // Live snapshots: one over the region's target, one over its own (Arras: 400 s > 5 min), one with
    // its printer out of paper (and 2 min: within its 12), one closed.
    const live = [
      ['fourmies', true, 3, 'ready', [['A', 6, 1500], ['F', 2, 300]]],
      ['amiens', true, 2, 'paper_out', [['A', 1, 120]]],
      ['arras', true, 4, 'ready', [['A', 3, 400]]],
      ['clermont', false, 0, 'ready', []],
    ];
    for (const [id, open, desks, printer, services] of live) {
      const r = await post(port, tokens[id], `/api/v1/antennes/${id}/live`, {
        schema: 2, antenne: id, id: uuid(), at: new Date().toISOString().slice(0, 19) + 'Z', open,
        desks_open: desks, printer,
        services: services.map(([service, waiting, longest]) => ({ service, waiting, longest_wait_s: longest })) });
      t.check(r.status === 200 && r.data.kept === true, `live ${id}: ${r.status}`);
    }

    // Bad queries: clear errors.
    for (const q of ['?period=decade', '?territory=Atlantide', '?group=nope', '?antenne=nowhere', '?date=2026-13-45'])
      t.check((await hqGet(port, '/console/period' + q)).status === 400, `console/period${q} is a 400`);
    const anon = await fetch(`http://127.0.0.1:${port}/console`, { redirect: 'manual' });
    t.check(anon.status === 303 && anon.headers.get('location') === '/console/login',
            `without credentials the console sends to the sign-in form (${anon.status})`);
    const badToken = await fetch(`http://127.0.0.1:${port}/console`, { headers: { Authorization: 'Bearer not-the-hq-token-000' }, redirect: 'manual' });
    t.check(badToken.status === 303, `a wrong token opens nothing (${badToken.status})`);

    const { chromium } = require(path.join(modules, 'playwright-core'));
    browser = {
      context: await (await chromium.launch({
        executablePath: '/usr/bin/chromium', headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      })).newContext({ extraHTTPHeaders: { Authorization: 'Bearer ' + HQ_TOKEN }, timezoneId: 'Europe/Paris' }),
    };
    const sizes = [[1366, 768], [1920, 1080]];
    const date = dayText(monday);
    const inWeek = (a, b) => b.day >= dayText(monday) && b.day <= dayText(monday + 6);
    const inMonth = (a, b) => b.day.startsWith(month);
    const byId = (id) => all.find((a) => a.id === id);

    const scopes = [
      ['console_week', `period=week&date=${date}`, inWeek, all],
      ['console_month', `period=month&date=${date}`, inMonth, all],
      ['console_year', `period=year&date=${date}`, (a, b) => b.day.startsWith(month.slice(0, 4)), all],
      ['console_aisne', `period=week&date=${date}&territory=Aisne`, (a, b) => inWeek(a, b) && a.territory === 'Aisne',
       all.filter((a) => a.territory === 'Aisne')],
      ['console_group', `period=month&date=${date}&group=aisne-sud`, (a, b) => inMonth(a, b) && a.group === 'aisne-sud',
       all.filter((a) => a.group === 'aisne-sud')],
      ['console_day', `period=day&date=${dayText(monday + 1)}&antenne=fourmies`,
       (a, b) => a.id === 'fourmies' && b.day === dayText(monday + 1), [byId('fourmies')]],
    ];
    for (const [name, q, keep, scope] of scopes) {
      const pages = await view(browser, port, name, `/console/period?${q}`, sizes);
      const got = await figures(pages[0]);
      checkFigures(name, got, expect(uploaded, keep), scope);
      if (name === 'console_week') {
        for (const terr of ['Aisne', 'Nord', 'Somme']) {
          const e = expect(uploaded, (a, b) => inWeek(a, b) && a.territory === terr);
          t.check(count(got[`territory.${terr}.issued`]) === e.issued, `territory ${terr}: ${e.issued} tickets`);
        }
        for (const g of ['aisne-sud', 'cote-d-opale']) {
          const e = expect(uploaded, (a, b) => inWeek(a, b) && a.group === g);
          t.check(count(got[`group.${g}.issued`]) === e.issued, `group ${g}: ${e.issued} tickets`);
        }
        const silent = all[all.length - 1];
        const row = await pages[0].locator(`#by-antenne tr:has-text("${silent.name}") .nodata`).textContent();
        t.check(row === 'pas de données', `${silent.name} (silent) says "pas de données" (${row})`);
        checkWeatherOrder('console', await weatherOrder(pages[0]));
      }
      for (const p of pages) await p.close();
    }
    // A period with no data at all.
    const [emptyPage] = await view(browser, port, 'console_empty', '/console/period?period=month&date=2001-02-10', [[1366, 768]]);
    t.check((await figures(emptyPage))['empty'].text === 'pas de données', 'an empty period says "pas de données"');
    t.check(!(await figures(emptyPage))['total.issued'], 'an empty period shows no zero count');

    // Now: what was posted, alerts first.
    const nowPages = await view(browser, port, 'console_now', '/console', sizes);
    const now = await figures(nowPages[0]);
    t.check(count(now['now.fourmies.waiting']) === 8 && now['now.fourmies.longest'].v === '1500',
            `Fourmies: 8 waiting, longest 25 min (${JSON.stringify(now['now.fourmies.longest'])})`);
    t.check(count(now['now.arras.desks']) === 4, 'Arras: 4 desks open');
    t.check(now['now.open'].text === `3 / ${all.length}`, `3 antennes open (${now['now.open'].text})`);
    t.check(count(now['now.waiting']) === 12, `12 people waiting (${now['now.waiting'].text})`);
    t.check(count(now['now.over']) === 2 && count(now['now.alerts']) === 3,
            `two over their target, three in alert (${now['now.over'].text}, ${now['now.alerts'].text})`);
    for (const id of ['fourmies', 'arras', 'amiens'])
      t.check(Number(now[`now.${id}.target`].v) === targetOf(byId(id)),
              `Now: ${id} against its own target ${targetOf(byId(id))} (page: ${now[`now.${id}.target`].v})`);
    const order = await nowPages[0].evaluate(() => [...document.querySelectorAll('#now tbody tr')]
      .map((r) => ({ id: r.dataset.antenne, alert: r.classList.contains('alert') })));
    t.check(order.slice(0, 3).every((o) => o.alert) && !order[3].alert &&
            JSON.stringify(order.slice(0, 3).map((o) => o.id).sort()) === JSON.stringify(['amiens', 'arras', 'fourmies']),
            `alerts first (${order.slice(0, 4).map((o) => o.id)})`);
    const liveApi = JSON.parse((await hqGet(port, '/api/v1/live')).text);
    t.check(liveApi.find((l) => l.antenne === 'fourmies').live.waiting === 8, '/api/v1/live agrees with the page');
    const nord = await view(browser, port, 'console_now_nord', '/console?territory=Nord', [[1366, 768]]);
    const nordRows = await nord[0].evaluate(() => [...document.querySelectorAll('#now tbody tr')].map((r) => r.dataset.antenne));
    t.check(nordRows.length === all.filter((a) => a.territory === 'Nord').length && nordRows.includes('fourmies'),
            `the Nord filter lists the Nord antennes (${nordRows})`);

    // Issue 14: the HQ page's legend and bars, and the export's columns, sunny → storm.
    const hqPages = await view(browser, port, 'hq_page', '/', sizes);
    checkWeatherOrder('HQ page', await weatherOrder(hqPages[0]));
    const csv = (await hqGet(port, `/api/v1/export.csv?from=${date}&to=${dayText(monday + 6)}`)).text.split('\r\n');
    const head = csv[0].split(',');
    const cols = WEATHER_WORDS.map((w) => head.indexOf(w));
    t.check(cols.every((c, i) => c > 0 && (i === 0 || c === cols[i - 1] + 1)), `export columns sunny → storm (${cols})`);
    const e = expect(uploaded, inWeek);
    const csvFb = [0, 0, 0, 0, 0];
    for (const l of csv.slice(1).filter((x) => x)) cols.forEach((c, i) => { csvFb[i] += Number(l.split(',')[c]); });
    t.check(JSON.stringify(csvFb) === JSON.stringify(e.fb), `export weather columns = uploaded (${csvFb} / ${e.fb})`);

    await signedIn(browser.context.browser(), srv, uploaded, all, date, inMonth, sizes);
  } finally {
    if (browser) await browser.context.browser().close();
    await srv.stop();
  }
  t.finish();
}

main().catch((e) => { console.error(e); process.exit(1); });
