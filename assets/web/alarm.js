// Browser counter, safety alarm: raise (press and hold the discreet button, or hold
// Ctrl+Alt+A), hear and acknowledge the alarms of the other desks, see who acknowledged and
// whether the alarm left the antenne. Loaded after counter.js, whose globals it reads: API, $,
// newKey, sleep, myCounter, state, counterId and token (the desk chosen on this browser).
//
// The alarm is silent for the public: it never goes through the public event stream. This page
// reads the desks' own stream (GET /alarms/events) with fetch(), because EventSource cannot send
// the Authorization header and a token in a URL ends up in logs. Each message is the whole list,
// so a missed message is repaired by the next one.
'use strict';

const ALARM_HOLD_MS = 2000;
const ALARM_ACKS = { vu: 'J\'ai vu', appelle: 'J\'appelle', arrive: 'J\'arrive' };
const ALARM_RELAY = {
  pending: 'transmission au siège…',
  sent: 'transmise au siège',
  unreachable: 'non transmise : réseau indisponible',
  local_only: 'non transmise : pas de liaison avec le siège',
};

const alarm = {
  list: [],
  desk: '',            // "counterId:token" the stream was opened for
  abort: null,         // AbortController of the open stream
  hold: null,          // { start, test, timer, source }
  audio: null,         // AudioContext, created on the first gesture (autoplay rules)
  beeping: null,
  clearing: 0,         // id of the alarm whose clear form is open
};

// ---- the stream -----------------------------------------------------------------------------

function alarmParse(chunk) {
  let ev = 'message';
  const data = [];
  for (const line of chunk.split('\n')) {
    if (line.startsWith('event:')) ev = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  if (ev === 'alarm' && data.length) {
    alarm.list = JSON.parse(data.join('\n')).alarms;
    alarmRender();
  }
}

async function alarmStream(ctrl) {
  const res = await fetch(API + '/alarms/events', {
    headers: { 'Authorization': 'Bearer ' + token }, cache: 'no-store', signal: ctrl.signal,
  });
  if (!res.ok || !res.body) throw new Error('alarm stream ' + res.status);
  alarmLink(true);
  const reader = res.body.getReader();
  const text = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += text.decode(value, { stream: true });
    let end;
    while ((end = buf.indexOf('\n\n')) >= 0) {
      alarmParse(buf.slice(0, end));
      buf = buf.slice(end + 2);
    }
  }
}

// Keeps one stream open for the desk chosen on this page, reopening it after a failure or when
// the agent switches desks.
async function alarmKeepConnected() {
  for (;;) {
    const desk = counterId && token ? `${counterId}:${token}` : '';
    if (desk !== alarm.desk || !alarm.abort) {
      if (alarm.abort) alarm.abort.abort();
      alarm.desk = desk;
      alarm.abort = null;
      alarm.list = [];
      alarmRender();
      if (desk) {
        const ctrl = new AbortController();
        alarm.abort = ctrl;
        alarmStream(ctrl).catch(() => {}).finally(() => {
          if (alarm.abort === ctrl) alarm.abort = null;
          alarmLink(false);
        });
      }
    }
    await sleep(1000);
  }
}

function alarmLink(up) {
  $('alarm-link').hidden = up || !counterId;
}

// ---- actions --------------------------------------------------------------------------------

async function alarmPost(path, body) {
  const key = newKey();
  for (let attempt = 0; attempt < 6; attempt++) {
    try {
      const res = await fetch(API + path, {
        method: 'POST',
        headers: { 'Authorization': 'Bearer ' + token, 'Idempotency-Key': key,
                   'Content-Type': 'application/json' },
        body: JSON.stringify(body || {}),
      });
      const data = await res.json().catch(() => ({}));
      if (res.status < 500 && data.error !== 'in_progress') return { ok: res.ok, data };
    } catch (e) { /* network: retry with the same key */ }
    await sleep(400 * (attempt + 1));
  }
  return { ok: false, data: { error: 'network' } };
}

async function alarmRaise(test) {
  $('alarm-note').textContent = test ? 'Envoi de l\'alerte de TEST…' : 'Envoi de l\'alerte…';
  const r = await alarmPost(`/counters/${counterId}/alarm`, test ? { test: true } : {});
  if (!r.ok) {
    $('alarm-note').textContent = 'ALERTE NON ENVOYÉE : téléphonez. (' +
      (r.data.message || r.data.error) + ')';
    return;
  }
  $('alarm-note').textContent = '';
  const a = r.data.alarm;
  if (!alarm.list.some((x) => x.id === a.id)) alarm.list.unshift(a);
  alarmRender();
}

// ---- press and hold -------------------------------------------------------------------------

function alarmHoldStart(test, source) {
  if (alarm.hold || !counterId || !token) return;
  alarmAudio();
  const start = performance.now();
  const bar = $('alarm-progress');
  bar.hidden = false;
  const tick = () => {
    if (!alarm.hold) return;
    const f = Math.min(1, (performance.now() - start) / ALARM_HOLD_MS);
    bar.value = f;
    if (f >= 1) {
      alarmHoldEnd();
      alarmRaise(test);
      return;
    }
    alarm.hold.timer = requestAnimationFrame(tick);
  };
  alarm.hold = { start, test, source, timer: requestAnimationFrame(tick) };
}

function alarmHoldEnd() {
  if (!alarm.hold) return;
  cancelAnimationFrame(alarm.hold.timer);
  alarm.hold = null;
  $('alarm-progress').hidden = true;
  $('alarm-progress').value = 0;
}

function alarmHoldable(button, test) {
  button.addEventListener('pointerdown', (e) => {
    e.preventDefault();
    button.setPointerCapture(e.pointerId);
    alarmHoldStart(test, 'pointer');
  });
  for (const ev of ['pointerup', 'pointercancel', 'lostpointercapture']) {
    button.addEventListener(ev, () => { if (alarm.hold && alarm.hold.source === 'pointer') alarmHoldEnd(); });
  }
  // Space or Enter held on the focused button works like the pointer.
  button.addEventListener('keydown', (e) => {
    if ((e.key === ' ' || e.key === 'Enter') && !e.repeat) alarmHoldStart(test, 'key');
    if (e.key === ' ' || e.key === 'Enter') e.preventDefault();
  });
  button.addEventListener('keyup', () => { if (alarm.hold && alarm.hold.source === 'key') alarmHoldEnd(); });
  button.addEventListener('click', (e) => e.preventDefault());
}

// Ctrl+Alt+A held for the same two seconds, from anywhere on the page.
function alarmShortcut(e) {
  const combo = e.ctrlKey && e.altKey && (e.code === 'KeyA' || e.key === 'a' || e.key === 'A');
  if (e.type === 'keydown' && combo) {
    e.preventDefault();
    if (!e.repeat) alarmHoldStart(false, 'shortcut');
  } else if (e.type === 'keyup' && alarm.hold && alarm.hold.source === 'shortcut') {
    alarmHoldEnd();
  }
}

// ---- sound ----------------------------------------------------------------------------------

// Browsers start audio only after a gesture on the page: the context is made at the first one.
function alarmAudio() {
  if (!alarm.audio && window.AudioContext) alarm.audio = new AudioContext();
  if (alarm.audio && alarm.audio.state === 'suspended') alarm.audio.resume();
}

function alarmTone() {
  const ctx = alarm.audio;
  document.body.dataset.alarmTones = String(Number(document.body.dataset.alarmTones || 0) + 1);
  if (!ctx || ctx.state !== 'running') return;
  const t = ctx.currentTime;
  for (const [at, f] of [[0, 880], [0.25, 660], [0.5, 880]]) {
    const o = ctx.createOscillator();
    const g = ctx.createGain();
    o.frequency.value = f;
    g.gain.setValueAtTime(0.0001, t + at);
    g.gain.exponentialRampToValueAtTime(0.3, t + at + 0.02);
    g.gain.exponentialRampToValueAtTime(0.0001, t + at + 0.22);
    o.connect(g).connect(ctx.destination);
    o.start(t + at);
    o.stop(t + at + 0.24);
  }
}

// Rings every 3 s while another desk's live alarm waits for this desk's acknowledgement.
function alarmRing(on) {
  if (on && !alarm.beeping) {
    alarmTone();
    alarm.beeping = setInterval(alarmTone, 3000);
  } else if (!on && alarm.beeping) {
    clearInterval(alarm.beeping);
    alarm.beeping = null;
  }
}

// ---- rendering ------------------------------------------------------------------------------

function alarmMine(a) {
  return !a.remote && a.counter === counterId;
}

function alarmEl(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function alarmTime(unix) {
  return new Date(unix * 1000).toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit' });
}

function alarmCard(a) {
  const mine = alarmMine(a);
  const live = !a.cleared_at;
  const card = alarmEl('div', 'alarm-card' + (live ? ' live' : ' cleared') + (a.test ? ' test' : ''));
  card.dataset.uid = a.uid;
  const where = a.remote ? `${a.desk} — ${a.antenne_name || a.antenne}` : a.desk;
  const title = alarmEl('h2', 'alarm-title');
  if (a.test) title.append(alarmEl('span', 'alarm-test', 'TEST'));
  title.append(mine ? `Votre alerte (${where}) depuis ${alarmTime(a.raised_at)}`
                    : `ALERTE — ${where} depuis ${alarmTime(a.raised_at)}`);
  card.append(title);
  if (mine) card.append(alarmEl('p', 'alarm-relay relay-' + a.relay, 'Alerte ' + (ALARM_RELAY[a.relay] || a.relay)));
  if (a.escalations) card.append(alarmEl('p', 'alarm-escalated', `Escaladée ${a.escalations} fois (courriel, webhook)`));
  const acks = alarmEl('ul', 'alarm-acks');
  for (const k of a.acks) {
    const where2 = k.antenne === a.antenne ? '' : ` (${k.antenne})`;
    acks.append(alarmEl('li', '', `${k.who}${where2} : ${(ALARM_ACKS[k.kind] || k.kind).toLowerCase()} — ${alarmTime(k.at)}`));
  }
  if (!a.acks.length) acks.append(alarmEl('li', 'muted', live ? 'Personne n\'a encore répondu.' : 'Aucune réponse.'));
  card.append(acks);
  if (!live) {
    card.append(alarmEl('p', 'alarm-cleared', `Levée à ${alarmTime(a.cleared_at)} par ${a.cleared_by} : ${a.clear_reason}`));
    return card;
  }
  const row = alarmEl('div', 'alarm-actions');
  if (!mine) {
    for (const [kind, label] of Object.entries(ALARM_ACKS)) {
      const b = alarmEl('button', 'alarm-ack', label);
      b.type = 'button';
      b.dataset.kind = kind;
      b.addEventListener('click', async () => {
        alarmAudio();
        const r = await alarmPost(`/alarms/${a.id}/ack`, { kind });
        if (!r.ok) $('alarm-note').textContent = 'Réponse non envoyée : ' + (r.data.message || r.data.error);
      });
      row.append(b);
    }
  } else if (alarm.clearing === a.id) {
    const form = alarmEl('form', 'alarm-clear');
    const input = alarmEl('input');
    input.required = true;
    input.maxLength = 190;
    input.placeholder = 'Raison (ex. : usager reparti calmement)';
    input.setAttribute('aria-label', 'Raison');
    const ok = alarmEl('button', 'primary', 'Lever l\'alerte');
    ok.type = 'submit';
    form.append(input, ok);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const r = await alarmPost(`/alarms/${a.id}/clear`, { reason: input.value.trim() });
      if (r.ok) alarm.clearing = 0;
      else $('alarm-note').textContent = 'Levée refusée : ' + (r.data.message || r.data.error);
    });
    row.append(form);
  } else {
    const b = alarmEl('button', 'alarm-clear-open', 'Lever l\'alerte…');
    b.type = 'button';
    b.addEventListener('click', () => { alarm.clearing = a.id; alarmRender(); });
    row.append(b);
  }
  card.append(row);
  return card;
}

function alarmRender() {
  const box = $('alarm-banner');
  // A clear form being typed in must survive a new list.
  if (alarm.clearing && box.querySelector('.alarm-clear input') === document.activeElement) return;
  box.replaceChildren(...alarm.list.map(alarmCard));
  box.hidden = alarm.list.length === 0;
  const here = state && state.antenne ? state.antenne.id : '';
  const answered = (a) => a.acks.some((k) => k.who === alarmDeskName() && k.antenne === here);
  const waiting = alarm.list.some((a) => !a.cleared_at && !alarmMine(a) && !answered(a));
  document.body.classList.toggle('alarm-on', alarm.list.some((a) => !a.cleared_at && !a.test));
  alarmRing(waiting);
}

function alarmDeskName() {
  const c = myCounter();
  return c ? c.name : '';
}

alarmHoldable($('alarm-btn'), false);
alarmHoldable($('alarm-test'), true);
document.addEventListener('keydown', alarmShortcut);
document.addEventListener('keyup', alarmShortcut);
document.addEventListener('pointerdown', alarmAudio, { once: true });
alarmKeepConnected();
