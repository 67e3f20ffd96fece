// The LAN pages as people see them (issue 14), in Debian's headless Chromium:
// - /display, the waiting-room TV, after 12 calls with every service waiting, at 1920×1080 and
//   1366×768: the page is one screen, no element lies outside the viewport, the waits carry
//   their legend, and the sound button shows its state;
// - /counter, a desk serving appointments, in a browser whose zone is UTC while the antenne is
//   in Europe/Paris: the appointments' queue (R) is listed and named under "En attente", the R
//   ticket is called and named, its times are the antenne's, "Absent" is offered only once
//   the hub would accept it, and a paper-out at the kiosk shows on the desk at once.
// Leaves hub_screens_display_<W>x<H>.png and hub_screens_counter.png in BORNE_TEST_TMP.
//
// Usage: node test_hub_screens.js <hub_testserver> <node_modules dir>
'use strict';

const path = require('path');
const t = require('./test_hub_lib.js');

const [server, modules] = process.argv.slice(2);

// Elements whose box leaves the viewport (hidden and empty ones aside), and text lines that
// overlap another text's lines.
async function outside(page) {
  const out = await page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.left < 0 || r.top < 0 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5)
        out.push(`${el.tagName}#${el.id}.${el.className} ${Math.round(r.left)},${Math.round(r.top)}–` +
                 `${Math.round(r.right)},${Math.round(r.bottom)} "${el.textContent.slice(0, 30)}"`);
    }
    if (document.documentElement.scrollHeight > innerHeight)
      out.push(`page height ${document.documentElement.scrollHeight} > ${innerHeight}`);
    return out;
  });
  return out.concat(await t.textOverlaps(page));
}

async function displayFits(srv, browser) {
  // 12 calls, then people left waiting in every walk-in service.
  for (let i = 0; i < 12; i++) {
    const svc = i % 2 ? 'F' : 'A';
    t.check((await t.api(srv.port, 'POST', '/tickets', { service: svc })).status === 201, 'ticket issued');
  }
  for (const c of [1, 2, 3]) await t.api(srv.port, 'POST', `/counters/${c}/open`, null, c);
  let calls = 0;
  for (let round = 0; round < 12 && calls < 12; round++) {
    for (const c of [1, 2, 3]) {
      const r = await t.api(srv.port, 'POST', `/counters/${c}/call-next`, null, c);
      if (r.status !== 200) continue;
      calls++;
      await t.api(srv.port, 'POST', `/counters/${c}/finish`, { outcome: 'served' }, c);
    }
  }
  t.check(calls === 12, `12 calls made (${calls})`);
  for (let i = 0; i < 25; i++)
    await t.api(srv.port, 'POST', '/tickets', { service: i % 2 ? 'F' : 'A' });

  for (const [width, height] of [[1920, 1080], [1366, 768]]) {
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => t.check(false, 'page error: ' + e.message));
    await page.setViewportSize({ width, height });
    await page.goto(`http://127.0.0.1:${srv.port}/display`);
    await page.waitForFunction(() => document.querySelectorAll('#services li').length > 0);
    const bad = await outside(page);
    t.check(bad.length === 0, `/display at ${width}×${height}: nothing outside the screen\n  ${bad.join('\n  ')}`);
    const legend = await page.textContent('#side h2:last-of-type');
    t.check(/attente estimée/.test(legend), `the waits have a legend ("${legend}")`);
    const firstWait = await page.textContent('#services li .wait');
    t.check(/^(attente \d+ à \d+ min|attente de plus de 2 h|aucun guichet ouvert)$/.test(firstWait),
      `a wait reads as minutes ("${firstWait}")`);
    const lines = await page.$$eval('#services li .wait', (els) =>
      els.map((e) => e.getClientRects().length));
    t.check(lines.every((n) => n <= 1), `each wait stays on one line (${lines})`);
    await page.screenshot({ path: path.join(t.tmpBase, `hub_screens_display_${width}x${height}.png`) });
    await page.click('#sound');
    t.check(await page.textContent('#sound') === 'Son activé' &&
            await page.getAttribute('#sound', 'aria-pressed') === 'true',
            'the sound button shows that sound is on');
    await page.close();
  }
}

// Local time of `unix` in the antenne's zone, as the page must show it.
const parisTime = (unix) => new Date(unix * 1000).toLocaleTimeString('fr-FR',
  { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' });
const utcTime = (unix) => new Date(unix * 1000).toLocaleTimeString('fr-FR',
  { timeZone: 'UTC', hour: '2-digit', minute: '2-digit' });

async function counterAppointments(srv, browser) {
  const now = Math.floor(Date.now() / 1000);
  const at = now - 300;   // due: called before walk-ins
  const r = await t.api(srv.port, 'PUT', '/appointments',
    [{ code: 'RDV-7', at, service: 'R', note: 'Dossier transport' }], 2);
  t.check(r.status === 200, `appointment saved (${r.status})`);
  const ci = await srv.ask('checkin RDV-7');
  t.check(ci.startsWith('CHECKIN '), `the visitor checks in (${ci})`);
  const rLabel = ci.split(' ')[2];

  const page = await t.openCounterPage(browser.context, srv.port, 2);
  const rRow = page.locator('#services li', { hasText: 'Rendez-vous' });
  await rRow.first().waitFor();
  t.check((await rRow.first().textContent()).startsWith('R · Rendez-vous'),
    'the appointments queue is listed by name under "En attente"');
  const waiting = Number(await rRow.first().locator('.count').textContent());
  t.check(waiting >= 1, `R tickets waiting are counted (${waiting})`);

  const c2 = await t.api(srv.port, 'GET', '/state');
  if (c2.data.counters.find((c) => c.id === 2).state !== 'open') {
    await page.getByRole('button', { name: 'Ouvrir' }).click();
    await page.waitForSelector('#btn-call:not([disabled])');
  }
  await page.getByRole('button', { name: 'Appeler le suivant' }).click();
  await page.waitForFunction((l) => document.getElementById('ticket-label').textContent === l, rLabel);
  const info = await page.textContent('#ticket-info');
  t.check(info.startsWith('Rendez-vous · '), `the R ticket is named ("${info}")`);
  await page.waitForSelector('#appointment:not([hidden])');
  const title = await page.textContent('#appointment-title');
  t.check(title.includes(parisTime(at)) && parisTime(at) !== utcTime(at),
    `the appointment time is the antenne's (${parisTime(at)}, not UTC ${utcTime(at)}): "${title}"`);
  t.check(await page.isDisabled('#btn-noshow'), '"Absent" is not offered before a recall');
  await page.getByRole('button', { name: 'Rappeler' }).click();
  await page.waitForSelector('#btn-noshow:not([disabled])');
  await page.screenshot({ path: path.join(t.tmpBase, 'hub_screens_counter.png') });
  await page.getByRole('button', { name: 'Réponse sur place', exact: true }).click();
  await page.waitForFunction(() => document.getElementById('ticket-label').textContent === '—');

  // The kiosk's printer runs out of paper: the desk says so at once, and stops when it is back.
  t.check(await page.isHidden('#printer'), 'no printer banner while nothing is wrong');
  t.check(await srv.ask('printer paper_out 0') === 'OK', 'the printer runs out of paper');
  await page.waitForSelector('#printer:not([hidden])', { timeout: 5000 });
  const banner = await page.textContent('#printer');
  t.check(banner.includes('plus de papier') && banner.includes('pas de ticket papier'),
    `the desk is told the kiosk prints no slip ("${banner}")`);
  await page.screenshot({ path: path.join(t.tmpBase, 'hub_screens_counter_paper_out.png') });
  t.check(await srv.ask('printer ready 1') === 'OK', 'paper is back');
  await page.waitForSelector('#printer[hidden]', { state: 'attached', timeout: 5000 });
  await page.close();
}

async function main() {
  const srv = await t.startServer(server);
  let browser = null;
  try {
    browser = await t.launch(modules, { timezoneId: 'UTC' });
    await counterAppointments(srv, browser);
    await displayFits(srv, browser);
  } catch (e) {
    t.check(false, 'exception: ' + (e && e.stack || e));
  } finally {
    if (browser) await browser.close();
    await srv.stop();
  }
  t.finish();
}

main();
