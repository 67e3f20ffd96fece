// A simulated morning, end to end: visitors arrive (tickets over the API, some priority), two
// counters serve them — counter 1 in headless Chromium (/counter, real clicks), counter 2 the
// counter appliance offscreen (SDL, taps, inside hub_testserver) — and a waiting-room display
// (/display in Chromium) shows every call as it happens. At the end: every ticket was called
// exactly once, by one of the two counters, and is done; nobody is left waiting.
// Leaves hub_morning_counter.png and hub_morning_display.png in BORNE_TEST_TMP.
//
// Usage: node test_hub_morning.js <hub_testserver> <node_modules dir>
'use strict';

const path = require('path');
const t = require('./test_hub_lib.js');

const [server, modules] = process.argv.slice(2);
const VISITORS = 14;

async function main() {
  const srv = await t.startServer(server);
  let browser = null;
  try {
    t.check(await srv.ask('appliance 2') === 'OK', 'the appliance of counter 2 starts');
    t.check((await srv.ask('tap Ouvrir')).startsWith('OK'), 'counter 2 opens on the appliance');

    browser = await t.launch(modules);
    const display = await t.newPage(browser.context);
    await display.goto(`http://127.0.0.1:${srv.port}/display`);
    const desk = await t.openCounterPage(browser.context, srv.port, 1);
    await desk.getByRole('button', { name: 'Ouvrir' }).click();
    await desk.waitForSelector('#btn-call:not([disabled])');

    const issued = new Set();
    for (let i = 0; i < VISITORS; i++) {
      const r = await t.api(srv.port, 'POST', '/tickets',
        { service: i % 3 === 0 ? 'F' : 'A', priority: i === 5 }, 1 + (i % 2));
      t.check(r.status === 201, `visitor ${i} gets a ticket`);
      issued.add(r.data.ticket.label);
    }

    const calledBy = new Map();   // label → counter
    const shownOnDisplay = (label) =>
      display.waitForFunction((l) => document.getElementById('now-label').textContent === l,
        label, { timeout: 5000 }).then(() => true, () => false);
    let rounds = 0;
    for (let emptyBoth = false; !emptyBoth && rounds < VISITORS * 2; rounds++) {
      // counter 1, in the browser
      await desk.waitForSelector('#btn-call:not([disabled])');
      await desk.getByRole('button', { name: 'Appeler le suivant' }).click();
      await desk.waitForFunction(() => document.getElementById('ticket-label').textContent !== '—' ||
        document.getElementById('message').textContent.includes('Personne'));
      const l1 = (await desk.textContent('#ticket-label')).trim();
      if (l1 !== '—') {
        t.check(!calledBy.has(l1), `${l1} called only once`);
        calledBy.set(l1, 1);
        t.check(await shownOnDisplay(l1), `the display shows ${l1}`);
        await desk.getByRole('button', { name: 'Réponse sur place', exact: true }).click();
        await desk.waitForFunction(() => document.getElementById('ticket-label').textContent === '—');
      }
      // counter 2, on the appliance
      const call = await srv.ask('tap Appeler le suivant');
      const l2 = (/^OK (\S+)/.exec(call) || [])[1];
      if (l2 && l2 !== '-') {
        t.check(!calledBy.has(l2), `${l2} called only once`);
        calledBy.set(l2, 2);
        t.check(await shownOnDisplay(l2), `the display shows ${l2}`);
        if (rounds === 1) await desk.screenshot({ path: path.join(t.tmpBase, 'hub_morning_counter.png') });
        t.check((await srv.ask('tap Réponse sur place')).startsWith('OK - '), `${l2} finished on the appliance (answered on the spot)`);
      } else {
        t.check(call.includes("Personne n'attend"), `appliance says the queue is empty (${call})`);
      }
      emptyBoth = l1 === '—' && !(l2 && l2 !== '-');
    }
    await display.screenshot({ path: path.join(t.tmpBase, 'hub_morning_display.png') });

    t.check(calledBy.size === VISITORS, `every visitor called (${calledBy.size}/${VISITORS})`);
    for (const label of issued) t.check(calledBy.has(label), `${label} was called`);
    const by1 = [...calledBy.values()].filter((c) => c === 1).length;
    console.log(`calls: ${[...calledBy].map(([l, c]) => `${l}@${c}`).join(' ')}`);
    t.check(by1 > 0 && by1 < VISITORS, `both counters served (${by1} by counter 1)`);
    t.check(await srv.ask('waiting') === 'WAITING 0', 'nobody left waiting');
    const lastCall = await display.textContent('#now-label');
    t.check(calledBy.has(lastCall.trim()), `display shows a call of the morning (${lastCall})`);
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
