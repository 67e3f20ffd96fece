// Waiting-room display in a browser (the appliance is `borne --role display`): the current
// and last calls, waiting counts, a slow highlight and a short chime for each new call.
// The chime is synthesised with Web Audio: browsers only allow sound after a click, hence
// the "Activer le son" button.
'use strict';

const $ = (id) => document.getElementById(id);
let audio = null;

function chime() {
  if (!audio) return;
  const t = audio.currentTime;
  [660, 880].forEach((f, i) => {
    const o = audio.createOscillator();
    const g = audio.createGain();
    o.frequency.value = f;
    g.gain.setValueAtTime(0.0001, t + i * 0.35);
    g.gain.exponentialRampToValueAtTime(0.3, t + i * 0.35 + 0.03);
    g.gain.exponentialRampToValueAtTime(0.0001, t + i * 0.35 + 0.6);
    o.connect(g).connect(audio.destination);
    o.start(t + i * 0.35);
    o.stop(t + i * 0.35 + 0.65);
  });
}

function waitText(s) {
  if (!s.waiting) return '';
  if (!s.open_counters) return 'aucun guichet ouvert';
  // "attente 1110 à 1115 min" tells a visitor nothing
  if (s.wait_min[0] >= 120) return 'attente de plus de 2 h';
  return `attente ${s.wait_min[0]} à ${s.wait_min[1]} min`;
}

function item(list, parts) {
  const li = document.createElement('li');
  for (const [cls, text] of parts) {
    const x = document.createElement('span');
    x.className = cls;
    x.textContent = text;
    li.append(x);
  }
  list.append(li);
}

// Shrinks the side column's text until every row is on screen (a TV has no scroll bar).
function fit() {
  const side = $('side');
  const root = document.documentElement.style;
  let k = 1;
  root.setProperty('--fit', k);
  while ((side.scrollHeight > side.clientHeight || side.scrollWidth > side.clientWidth) && k > 0.4) {
    k -= 0.05;
    root.setProperty('--fit', k.toFixed(2));
  }
}

function render(state) {
  $('antenne').textContent = state.antenne.name;
  const last = state.last_calls[0];
  $('now-label').textContent = last ? last.label : '—';
  $('now-where').textContent = last ? (last.counter_name || `Guichet ${last.counter}`) : '';
  const calls = $('calls');
  calls.replaceChildren();
  for (const c of state.last_calls.slice(1, 6))
    item(calls, [['lbl', c.label], ['where', c.counter_name || `Guichet ${c.counter}`]]);
  const svc = $('services');
  svc.replaceChildren();
  for (const s of state.services)
    if (s.walk_in || s.waiting)
      item(svc, [['name', s.label_fr], ['count', String(s.waiting)], ['wait', waitText(s)]]);
  fit();
}

function highlight() {
  const now = document.querySelector('.now');
  now.classList.remove('fresh');
  void now.offsetWidth;   // restart the animation
  now.classList.add('fresh');
  chime();
}

const es = new EventSource('/api/v1/events');
es.onopen = () => { $('link').textContent = ''; };
es.onerror = () => { $('link').textContent = 'Connexion perdue, reconnexion…'; };
es.addEventListener('state', (ev) => render(JSON.parse(ev.data)));
es.addEventListener('call', highlight);
es.addEventListener('recall', highlight);
// Browsers allow sound only after a click: the button says which state the sound is in.
$('sound').addEventListener('click', () => {
  const b = $('sound');
  if (audio && audio.state === 'running') {
    audio.suspend();
    b.textContent = 'Activer le son';
    b.setAttribute('aria-pressed', 'false');
    return;
  }
  audio = audio || new AudioContext();
  audio.resume();
  b.textContent = 'Son activé';
  b.setAttribute('aria-pressed', 'true');
  chime();
});
window.addEventListener('resize', fit);
