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

function render(state) {
  $('antenne').textContent = state.antenne.name;
  const last = state.last_calls[0];
  $('now-label').textContent = last ? last.label : '—';
  $('now-where').textContent = last ? (last.counter_name || `Guichet ${last.counter}`) : '';
  const calls = $('calls');
  calls.replaceChildren();
  for (const c of state.last_calls.slice(1, 6)) {
    const li = document.createElement('li');
    li.append(c.label, ' ');
    const w = document.createElement('span');
    w.textContent = c.counter_name;
    li.append(w);
    calls.append(li);
  }
  const svc = $('services');
  svc.replaceChildren();
  for (const s of state.services) {
    const li = document.createElement('li');
    const n = document.createElement('span');
    n.textContent = s.waiting ? `${s.waiting} · ${s.wait_min[0]}–${s.wait_min[1]} min` : '0';
    li.append(s.label_fr, n);
    svc.append(li);
  }
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
$('sound').addEventListener('click', () => {
  audio = audio || new AudioContext();
  $('sound').hidden = true;
  chime();
});
