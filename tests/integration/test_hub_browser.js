// The browser counter page (/counter) in Debian's headless Chromium, driven by playwright-core:
// an agent picks the counter, enters its token, opens the counter and clicks "Appeler le
// suivant" for real; the engine (asked through hub_testserver) has the ticket called at that
// counter and the page shows it; a ticket issued meanwhile shows up live in the waiting
// counts (event stream); "Réponse sur place" closes the ticket with that outcome; the desk counts
// two phone calls and an e-mail with one tap each. Then an appointment with a note checks
// in and is called: the page shows its time and note in the labelled box, again after a
// reload (fetched with the counter's token, never from the public stream). Last, a visitor asks
// at the kiosk to speak to an agent while the agent is scrolled down: at 1366x768 and 1280x720
// the banner is in view, overlaps no text, and "J'y vais" dismisses it for every desk. Leaves
// hub_browser.png, hub_browser_note.png and hub_browser_agent_<size>.png in BORNE_TEST_TMP.
//
// Usage: node test_hub_browser.js <hub_testserver> <node_modules dir>
'use strict';

const path = require('path');
const t = require('./test_hub_lib.js');

const [server, modules] = process.argv.slice(2);

// Text overlaps a person can see: text that scrolled under the sticky agent banner is covered by it
// (the banner is opaque), not mixed with its words.
async function visibleOverlaps(page) {
  const covered = await page.evaluate(() => {
    const banner = document.getElementById('agent');
    const hidden = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (!n.textContent.trim() || banner.contains(n)) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const r = range.getBoundingClientRect();
      const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (r.width > 0 && at && banner.contains(at)) hidden.push(n.textContent.trim().slice(0, 30));
    }
    return hidden;
  });
  return (await t.textOverlaps(page)).filter((o) => !covered.some((c) => o.includes(`"${c}"`)));
}

async function main() {
  const srv = await t.startServer(server);
  let browser = null;
  try {
    const a = await t.api(srv.port, 'POST', '/tickets', { service: 'A' });
    const f = await t.api(srv.port, 'POST', '/tickets', { service: 'F', priority: true });
    t.check(a.status === 201 && f.status === 201, 'two tickets issued over the API');

    browser = await t.launch(modules);
    const page = await t.openCounterPage(browser.context, srv.port, 1);
    t.check(await page.evaluate(() => localStorage.getItem('borne.counter.token.1')) === t.TOKENS[1],
      'the token is kept in localStorage');

    await page.getByRole('button', { name: 'Ouvrir' }).click();
    await page.waitForSelector('#btn-call:not([disabled])');
    await page.getByRole('button', { name: 'Appeler le suivant' }).click();

    // priority first: F001 is called before A001
    await page.waitForFunction(() => document.getElementById('ticket-label').textContent === 'F001');
    const engine = await srv.ask(`ticket ${f.data.ticket.id}`);
    t.check(/^TICKET \d+ F001 called 1$/.test(engine), `engine has F001 called at counter 1 (${engine})`);
    const info = await page.textContent('#ticket-info');
    t.check(info.includes('Formation et emploi') && info.includes('Appelé'), `current visitor shown (${info})`);

    // live: a ticket issued elsewhere raises the A count without reloading
    await t.api(srv.port, 'POST', '/tickets', { service: 'A' });
    await page.waitForFunction(() => {
      const li = [...document.querySelectorAll('#services li')].find((x) => x.textContent.startsWith('A'));
      return li && li.querySelector('.count').textContent === '2';
    }, null, { timeout: 5000 });
    await page.screenshot({ path: path.join(t.tmpBase, 'hub_browser.png') });

    await page.getByRole('button', { name: 'Réponse sur place', exact: true }).click();
    await page.waitForFunction(() => document.getElementById('ticket-label').textContent === '—');
    const done = await srv.ask(`ticket ${f.data.ticket.id}`);
    t.check(/^TICKET \d+ F001 done 1$/.test(done), `engine has F001 done (${done})`);
    const outcome = await srv.ask(`outcome ${f.data.ticket.id}`);
    t.check(outcome === 'OUTCOME answered -', `F001 answered on the spot (${outcome})`);
    for (const name of ['Téléphone', 'Téléphone', 'Courriel']) {
      await page.getByRole('button', { name, exact: true }).click();
      await page.waitForFunction(() => document.getElementById('message').textContent.startsWith('Contact compté'));
      await page.evaluate(() => { document.getElementById('message').textContent = ''; });
    }
    const contacts = await srv.ask('contacts');
    t.check(contacts === 'CONTACTS phone 2 email 1', `two calls and an e-mail counted (${contacts})`);
    const after = await srv.ask(`ticket ${a.data.ticket.id}`);
    t.check(/ waiting /.test(after), `A001 still waiting (${after})`);
    t.check(await page.isHidden('#appointment'), 'no appointment box for a walk-in');

    // an appointment for service A, due 5 minutes ago, checked in at the kiosk: called first
    const note = 'Dossier CAF : apporter l\'avis d\'imposition 2025';
    const at = Math.floor(Date.now() / 1000) - 300;
    const put = await t.api(srv.port, 'PUT', '/appointments',
      [{ code: 'RDV-NAV-1', at, service: 'A', counter: 1, note }]);
    t.check(put.status === 200, `appointment imported (${put.status})`);
    const ci = await srv.ask('checkin RDV-NAV-1');
    const [, appt, label] = /^CHECKIN (\d+) (A\d{3})$/.exec(ci) || [];
    t.check(!!label, `appointment checked in (${ci})`);
    await page.getByRole('button', { name: 'Appeler le suivant' }).click();
    await page.waitForFunction((l) => document.getElementById('ticket-label').textContent === l, label);
    await page.waitForSelector('#appointment:not([hidden])', { timeout: 5000 });
    const hhmm = new Date(at * 1000).toLocaleTimeString('fr-FR',
      { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris' });   // the antenne's zone
    const title = await page.textContent('#appointment-title');
    t.check(title === `Rendez-vous de ${hhmm} — note :`, `appointment box titled (${title})`);
    t.check(await page.textContent('#appointment-note') === note, 'the note is shown');
    await page.screenshot({ path: path.join(t.tmpBase, 'hub_browser_note.png') });

    // on page load the note comes back from GET /counters/1
    await page.reload();
    await page.waitForSelector('#desk:not([hidden])');
    await page.waitForSelector('#appointment:not([hidden])', { timeout: 5000 });
    t.check(await page.textContent('#appointment-note') === note, 'the note is shown after a reload');

    // referred to a partner: one tap for the outcome, one for which partner
    await page.getByRole('button', { name: 'Orienté vers un partenaire', exact: true }).click();
    await page.waitForSelector('#partners:not([hidden])');
    await page.screenshot({ path: path.join(t.tmpBase, 'hub_browser_partners.png') });
    await page.getByRole('button', { name: 'CAF de l\'Aisne', exact: true }).click();
    await page.waitForFunction(() => document.getElementById('ticket-label').textContent === '—'
      && document.getElementById('appointment').hidden);
    t.check(await page.textContent('#appointment-note') === '', 'the note is gone with the visitor');
    const referral = await srv.ask(`outcome ${appt}`);
    t.check(referral === 'OUTCOME partner caf', `the visitor was referred to the CAF (${referral})`);

    // a visitor asks at the kiosk to speak to an agent, the agent's page at its top and scrolled down
    for (const [width, height] of [[1366, 768], [1280, 720]]) {
      await page.setViewportSize({ width, height });
      for (const scrolled of [false, true]) {
        const where = `${width}x${height}${scrolled ? ' scrolled down' : ''}`;
        await page.evaluate((down) => window.scrollTo(0, down ? document.body.scrollHeight : 0), scrolled);
        t.check(await srv.ask('agent') === 'OK', 'the kiosk asks for an agent');
        await page.waitForSelector('#agent:not([hidden])', { timeout: 5000 });
        const box = await page.evaluate(() => {
          const r = document.getElementById('agent').getBoundingClientRect();
          return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, w: innerWidth, h: innerHeight };
        });
        t.check(box.top >= 0 && box.left >= 0 && box.bottom <= box.h && box.right <= box.w,
          `the agent banner is inside the viewport at ${where} (${JSON.stringify(box)})`);
        const text = await page.textContent('#agent-text');
        t.check(/^Un usager souhaite parler à un agent — borne d'accueil \(depuis \d\d:\d\d\)/.test(text),
          `the banner says who asks and since when (${text})`);
        const overlaps = await visibleOverlaps(page);
        t.check(overlaps.length === 0, `no text overlaps another at ${where}: ${overlaps.join('; ')}`);
        await page.screenshot({ path: path.join(t.tmpBase,
          `hub_browser_agent_${width}x${height}${scrolled ? '_scrolled' : ''}.png`) });
        await page.getByRole('button', { name: 'J\'y vais', exact: true }).click();
        await page.waitForSelector('#agent', { state: 'hidden', timeout: 5000 });
        const state = await t.api(srv.port, 'GET', '/state');
        t.check(state.data.agent_request === null, 'the request is dismissed for every desk');
      }
    }
  } finally {
    if (browser) await browser.close();
    await srv.stop();
  }
  t.finish();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
