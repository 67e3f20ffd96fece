// Browser counter: the same operations as the counter appliance, over the hub's LAN API.
// Live by Server-Sent Events (EventSource reconnects by itself and sends Last-Event-ID);
// every mutation carries an Idempotency-Key that is kept across its retries, so a click
// that reached the hub but lost its answer is never applied twice.
// The appointment note of the current visitor is private: the public stream never carries
// it, so it comes from this counter's own view (GET /counters/{id} with its token, and the
// answers of its operations), fetched on load and whenever the current ticket changes.
'use strict';

const API = '/api/v1';
const RETRIES = 4;
const store = window.localStorage;

const $ = (id) => document.getElementById(id);
let counterId = Number(store.getItem('borne.counter.id')) || 0;
let token = counterId ? store.getItem('borne.counter.token.' + counterId) || '' : '';
let state = null;          // last snapshot from the hub
let clockSkew = 0;         // hub time - browser time, seconds
let busy = false;
let appt = { ticket: 0, data: null };  // appointment of ticket `ticket` (data null: none)
let apptAsked = 0;                      // ticket whose view was last requested

const MESSAGES = {
  queue_empty: 'Personne n\'attend pour vos services.',
  no_current_ticket: 'Aucun visiteur en cours à ce guichet.',
  bad_state: 'Action impossible maintenant (vérifiez l\'état du guichet ou du visiteur).',
  recalls_needed: 'Rappelez le visiteur avant de le déclarer absent.',
  not_served: 'Ce guichet ne traite pas ce service.',
  unknown_counter: 'Guichet inconnu.',
  unknown_service: 'Service inconnu.',
  service_disabled: 'Ce service est fermé.',
  unauthorized: 'Jeton refusé : saisissez à nouveau le jeton du guichet.',
  forbidden: 'Ce jeton appartient à un autre guichet.',
  in_progress: 'La demande précédente est encore en cours.',
  busy: 'Le hub est occupé, réessayez.',
  storage_full: 'Stockage plein sur la borne : prévenez l\'administrateur.',
  unknown_partner: 'Ce partenaire n\'est pas dans la liste de l\'antenne.',
};

const STATES = { open: 'Ouvert', paused: 'En pause', closed: 'Fermé' };
// The kiosk's printer, in the words of printer_state_name(); transient states say nothing.
const PRINTER = {
  near_end: 'papier bientôt épuisé', paper_out: 'plus de papier', cover_open: 'capot ouvert',
  cutter_error: 'coupe-papier bloqué', offline: 'ne répond pas', unplugged: 'débranchée',
};
const TICKET_STATES = { called: 'Appelé', serving: 'En entretien', waiting: 'En attente' };

// crypto.randomUUID exists only in secure contexts (HTTPS, localhost); the LAN page is plain
// HTTP, so build a version 4 UUID from getRandomValues, which is available everywhere.
function newKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function say(text, kind) {
  const m = $('message');
  m.textContent = text || '';
  m.className = 'message ' + (kind || '');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// One mutation: same key on every retry; only network failures and 5xx are retried.
async function mutate(path, body) {
  const key = newKey();
  let lastError = null;
  for (let attempt = 0; attempt < RETRIES; attempt++) {
    try {
      const res = await fetch(API + path, {
        method: 'POST',
        headers: {
          'Authorization': 'Bearer ' + token,
          'Idempotency-Key': key,
          'Content-Type': 'application/json',
        },
        body: body ? JSON.stringify(body) : '',
      });
      const data = await res.json().catch(() => ({}));
      if (res.status >= 500 || data.error === 'in_progress') {
        lastError = data.error || 'busy';
      } else {
        return { ok: res.ok, status: res.status, data };
      }
    } catch (e) {
      lastError = 'network';
    }
    setLink('wait', 'Nouvelle tentative…');
    await sleep(500 * (attempt + 1));
  }
  return { ok: false, status: 0, data: { error: lastError } };
}

async function act(action, body) {
  if (busy) return;
  busy = true;
  render();
  const r = await mutate(`/counters/${counterId}/${action}`, body);
  busy = false;
  if (r.ok) {
    say(action === 'call-next' && r.data.ticket ? `${r.data.ticket.label} appelé.` : '', 'info');
    applyView(r.data);
  } else if (r.data.error === 'network') {
    say('Hub injoignable : l\'action n\'a pas pu être envoyée.', 'error');
  } else {
    say(MESSAGES[r.data.error] || r.data.message || 'Erreur.', 'error');
    if (r.status === 401 || r.status === 403) showSetup();
  }
  render();
}

// The answer of our own action arrives before the event stream's snapshot: show it at once.
function applyCounter(c) {
  if (!state || !c) return;
  const i = state.counters.findIndex((x) => x.id === c.id);
  if (i >= 0) state.counters[i] = c;
}

// A counter view (GET /counters/{id} or an operation's answer): the counter and the
// appointment of its current ticket.
function applyView(v) {
  applyCounter(v.counter);
  const t = v.counter && v.counter.ticket;
  appt = { ticket: t ? t.id : 0, data: t ? v.appointment || null : null };
}

async function fetchView() {
  const c = myCounter();
  apptAsked = c && c.ticket ? c.ticket.id : 0;
  try {
    const res = await fetch(`${API}/counters/${counterId}`,
      { headers: { 'Authorization': 'Bearer ' + token }, cache: 'no-store' });
    const data = await res.json().catch(() => ({}));
    if (res.ok) {
      applyView(data);
      render();
    } else if (res.status === 401 || res.status === 403) {
      say(MESSAGES[data.error] || 'Jeton refusé.', 'error');
      showSetup();
    } else {
      apptAsked = 0;   // asked again at the next change
    }
  } catch (e) {
    apptAsked = 0;
  }
}

function myCounter() {
  return state ? state.counters.find((c) => c.id === counterId) : null;
}

function minutesSince(t) {
  const now = Date.now() / 1000 + clockSkew;
  return Math.max(0, Math.floor((now - t) / 60));
}

function serviceLabel(letter) {
  const s = state && state.services.find((x) => x.letter === letter);
  return s ? s.label_fr : letter;
}

function setLink(kind, text) {
  const l = $('link');
  l.className = 'pill pill-' + kind;
  l.textContent = text;
}

// In the antenne's zone, which the hub sends: the browser may run in another one.
function hhmm(unix) {
  const zone = state && state.antenne.timezone;
  return new Date(unix * 1000).toLocaleTimeString('fr-FR',
    { hour: '2-digit', minute: '2-digit', timeZone: zone || undefined });
}

// The note box of an appointment ticket; the view is fetched when it is not about this ticket.
function renderAppointment(t) {
  const box = $('appointment');
  const known = t && t.appointment && appt.ticket === t.id;
  if (!known) appt = { ticket: 0, data: null };   // the note does not outlive its visit
  if (t && t.appointment && !known && apptAsked !== t.id) fetchView();
  box.hidden = !(known && appt.data);
  if (box.hidden) {
    $('appointment-note').textContent = '';
    return;
  }
  const note = appt.data.note;
  $('appointment-title').textContent =
    `Rendez-vous de ${hhmm(appt.data.at)} — ${note ? 'note :' : 'pas de note'}`;
  $('appointment-note').textContent = note;
}

function renderCurrent(c) {
  const t = c ? c.ticket : null;
  $('ticket-label').textContent = t ? t.label : '—';
  const badges = $('ticket-badges');
  badges.replaceChildren();
  renderAppointment(t);
  if (!t) {
    $('ticket-info').textContent = c && c.state === 'open' ? 'Aucun visiteur appelé.' : '';
    return;
  }
  const waited = minutesSince(t.issued_at) - (t.called_at ? minutesSince(t.called_at) : 0);
  const since = t.state === 'waiting' ? '' : ` · arrivé à ${hhmm(t.issued_at)}`;
  $('ticket-info').textContent = `${serviceLabel(t.service)} · ${TICKET_STATES[t.state] || t.state}` +
    ` · a attendu ${waited} min${since}`;
  const add = (text) => {
    const b = document.createElement('span');
    b.className = 'badge';
    b.textContent = text;
    badges.append(b);
  };
  if (t.appointment) add('Rendez-vous');
  if (t.priority) add('Prioritaire');
  if (t.transferred) add('Transféré');
  if (t.recalls) add(`Rappelé ${t.recalls} fois`);
}

function renderServices(c) {
  const list = $('services');
  list.replaceChildren();
  for (const s of state.services) {
    const li = document.createElement('li');
    if (c && !c.services.includes(s.letter)) li.className = 'other';
    const name = document.createElement('span');
    name.textContent = `${s.letter} · ${s.label_fr}`;
    const est = document.createElement('span');
    est.className = 'est';
    if (s.waiting)
      est.textContent = s.open_counters ? `environ ${s.wait_min[0]} à ${s.wait_min[1]} min`
                                        : 'aucun guichet ouvert';
    name.append(est);
    const n = document.createElement('span');
    n.className = 'count';
    n.textContent = s.waiting;
    li.append(name, n);
    list.append(li);
  }
}

function renderCalls() {
  const list = $('calls');
  list.replaceChildren();
  for (const call of state.last_calls) {
    const li = document.createElement('li');
    const l = document.createElement('span');
    l.className = 'lbl';
    l.textContent = call.label;
    const where = document.createElement('span');
    where.textContent = call.counter_name || `Guichet ${call.counter}`;
    li.append(l, where);
    list.append(li);
  }
}

// A visitor may be leaving without a slip: every desk sees the printer's fault at once.
function renderPrinter() {
  const p = state.printer;
  const word = p && PRINTER[p.state];
  const box = $('printer');
  box.hidden = !word;
  if (!word) return;
  box.textContent = p.can_print ? `Imprimante de la borne : ${word}.`
    : `Imprimante de la borne : ${word}. Les visiteurs n'ont pas de ticket papier : ` +
      'ils gardent le numéro affiché à l\'écran.';
  box.className = 'banner ' + (p.can_print ? 'banner-warn' : 'banner-alert');
}

// A visitor at the kiosk asked to speak to an agent (no name: the kiosk has none). Every desk
// sees it until one says it is going; the hub clears it for all.
function renderAgent() {
  const a = state.agent_request;
  $('agent').hidden = !a;
  if (!a) return;
  $('agent-text').textContent =
    `Un usager souhaite parler à un agent — borne d'accueil (depuis ${hhmm(a.at)}). `;
  $('agent-seen').disabled = !token;
}

async function agentSeen() {
  const a = state && state.agent_request;
  if (!a) return;
  const r = await mutate(`/agent-requests/${a.id}/dismiss`);
  if (!r.ok) say(r.data.error === 'network' ? 'Hub injoignable : réessayez.' : 'Non envoyé.', 'error');
}

function render() {
  if (!state) return;
  renderPrinter();
  renderAgent();
  if (!counterId) return;
  const c = myCounter();
  $('title').textContent = c ? c.name : `Guichet ${counterId}`;
  $('antenne').textContent = state.antenne.name;
  const st = $('counter-state');
  st.textContent = c ? STATES[c.state] : 'Inconnu';
  st.className = 'pill state-' + (c ? c.state : 'closed');
  renderCurrent(c);
  renderServices(c);
  renderCalls();
  const t = c && c.ticket;
  const open = c && c.state === 'open';
  const dis = (id, off) => { $(id).disabled = busy || !c || off; };
  dis('btn-call', !open || !!t);
  dis('btn-recall', !t || t.state !== 'called');
  dis('btn-start', !t || t.state !== 'called');
  renderChoices(!!t);
  dis('btn-noshow', !t || t.state !== 'called' || t.recalls < (state.recalls_before_no_show || 1));
  dis('btn-transfer', !t);
  dis('btn-open', c && c.state === 'open');
  dis('btn-pause', !open);
  dis('btn-close', (c && c.state === 'closed') || !!t);
}

// How a visit ended and contacts by other channels: the words come from the hub (the contract's
// one list, the antenne's partners), one tap each. A referral asks which partner with one more tap.
function choiceButtons(box, items, onClick) {
  const ids = items.map((x) => x.id).join();
  if (box.dataset.ids !== ids) {
    box.dataset.ids = ids;
    box.replaceChildren(...items.map((x) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = x.label;
      b.dataset.id = x.id;
      b.addEventListener('click', () => onClick(x));
      return b;
    }));
  }
  return [...box.querySelectorAll('button')];
}

function finishWith(outcome, partner) {
  $('partners').hidden = true;
  act('finish', partner ? { outcome, partner } : { outcome });
}

function renderChoices(hasTicket) {
  const ch = state.choices || { outcomes: [], channels: [], partners: [] };
  for (const b of choiceButtons($('outcomes'), ch.outcomes, (o) => {
    if (o.id === 'partner' && ch.partners.length) $('partners').hidden = false;
    else finishWith(o.id);
  })) {
    b.disabled = busy || !hasTicket;
    b.className = b.dataset.id === 'answered' ? 'ok' : '';
  }
  const other = { id: '', label: 'Autre partenaire' };
  for (const b of choiceButtons($('partner-list'), ch.partners.concat([other]),
    (p) => finishWith('partner', p.id))) b.disabled = busy || !hasTicket;
  if (!hasTicket) $('partners').hidden = true;
  for (const b of choiceButtons($('channels'), ch.channels, async (c) => {
    await act('contact', { channel: c.id });
    if (!$('message').classList.contains('error')) say(`Contact compté : ${c.label.toLowerCase()}.`, 'info');
  })) b.disabled = busy;
}

function fillTransfer() {
  const svc = $('transfer-service');
  svc.replaceChildren(new Option('(même service)', ''));
  for (const s of state.services) svc.append(new Option(`${s.letter} · ${s.label_fr}`, s.letter));
  const ctr = $('transfer-counter');
  ctr.replaceChildren(new Option('(tout guichet)', ''));
  for (const c of state.counters) if (c.id !== counterId) ctr.append(new Option(c.name, String(c.id)));
}

function showSetup() {
  $('desk').hidden = true;
  $('change').hidden = true;
  $('setup').hidden = false;
  const sel = $('setup-counter');
  sel.replaceChildren();
  for (const c of state ? state.counters : []) {
    const o = new Option(c.name, String(c.id));
    o.selected = c.id === counterId;
    sel.append(o);
  }
  $('setup-token').value = '';
}

function showDesk() {
  $('setup').hidden = true;
  $('desk').hidden = false;
  $('change').hidden = false;
  render();
  fetchView();
}

function connect() {
  const es = new EventSource(API + '/events');
  es.onopen = () => setLink('live', 'En direct');
  es.onerror = () => setLink('down', 'Hub injoignable, reconnexion…');
  es.addEventListener('state', (ev) => {
    state = JSON.parse(ev.data);
    clockSkew = state.now - Date.now() / 1000;
    setLink('live', 'En direct');
    if (!counterId || !token) {
      if ($('setup').hidden) showSetup();
    } else if ($('desk').hidden && $('setup').hidden) {
      showDesk();
    } else {
      render();
    }
  });
}

$('setup-form').addEventListener('submit', (e) => {
  e.preventDefault();
  counterId = Number($('setup-counter').value);
  token = $('setup-token').value.trim();
  store.setItem('borne.counter.id', String(counterId));
  store.setItem('borne.counter.token.' + counterId, token);
  say('');
  showDesk();
});
$('change').addEventListener('click', showSetup);
$('agent-seen').addEventListener('click', agentSeen);
$('btn-call').addEventListener('click', () => act('call-next'));
$('btn-recall').addEventListener('click', () => act('recall'));
$('btn-start').addEventListener('click', () => act('start'));
$('partners-cancel').addEventListener('click', () => { $('partners').hidden = true; });
$('btn-noshow').addEventListener('click', () => act('no-show'));
$('btn-open').addEventListener('click', () => act('open'));
$('btn-pause').addEventListener('click', () => act('pause'));
$('btn-close').addEventListener('click', () => act('close'));
$('btn-transfer').addEventListener('click', () => {
  fillTransfer();
  $('transfer').hidden = false;
});
$('transfer-cancel').addEventListener('click', () => { $('transfer').hidden = true; });
$('transfer').addEventListener('submit', (e) => {
  e.preventDefault();
  const body = {};
  if ($('transfer-service').value) body.service = $('transfer-service').value;
  if ($('transfer-counter').value) body.counter = Number($('transfer-counter').value);
  if (!body.service && !body.counter) {
    say('Choisissez un service ou un guichet.', 'error');
    return;
  }
  $('transfer').hidden = true;
  act('transfer', body);
});
setInterval(render, 15000);   // waiting times move with the clock
connect();
