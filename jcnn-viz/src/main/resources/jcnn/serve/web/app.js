// The jcnn demo page: draw or upload a digit, see the prediction, the feature maps, the filters, a deconvnet
// projection and the saliency map; follow a training run live. Plain JavaScript, no build step.
'use strict';

const $ = (id) => document.getElementById(id);
// A transparent pixel: what an empty picture shows (no broken-image icon).
const BLANK = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
const pad = $('pad');
const ctx = pad.getContext('2d');
const state = {
  model: null,        // /api/model
  drawn: false,       // anything on the pad?
  busy: false,        // an analysis request in flight
  pending: false,     // another one wanted when it returns
  upload: null,       // {blob, type} of an uploaded file being shown, until the next stroke
  last: null,         // the latest analysis
  epochs: [],         // training history (per epoch)
  batches: [],        // running loss/accuracy within the run: {x, loss, accuracy}
  plan: null,
  generation: 0,      // bumped when the pad is cleared: answers about an older drawing are dropped
};

// ---------------------------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------------------------

function clearPad() {
  state.generation++;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, pad.width, pad.height);
  state.drawn = false;
  state.upload = null;
}

function position(e) {
  const r = pad.getBoundingClientRect();
  return { x: (e.clientX - r.left) * pad.width / r.width, y: (e.clientY - r.top) * pad.height / r.height };
}

let stroke = null;
pad.addEventListener('pointerdown', (e) => {
  pad.setPointerCapture(e.pointerId);
  if (state.upload) clearPad();
  stroke = position(e);
  ctx.fillStyle = '#fff';
  ctx.beginPath();
  ctx.arc(stroke.x, stroke.y, 9, 0, 2 * Math.PI);
  ctx.fill();
  state.drawn = true;
  analyzeSoon();
});
pad.addEventListener('pointermove', (e) => {
  if (!stroke) return;
  const p = position(e);
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = 18;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.beginPath();
  ctx.moveTo(stroke.x, stroke.y);
  ctx.lineTo(p.x, p.y);
  ctx.stroke();
  stroke = p;
  analyzeSoon();
});
const endStroke = () => {
  if (!stroke) return;
  stroke = null;
  analyzeSoon(true);
};
pad.addEventListener('pointerup', endStroke);
pad.addEventListener('pointercancel', endStroke);

$('clear').addEventListener('click', () => {
  clearPad();
  showEmpty();
});

$('upload').addEventListener('change', async () => {
  const file = $('upload').files[0];
  $('upload').value = '';
  if (!file) return;
  clearPad();
  state.upload = { blob: file, type: file.type || 'application/octet-stream' };
  try {
    const bitmap = await createImageBitmap(file);
    const s = Math.min(pad.width / bitmap.width, pad.height / bitmap.height);
    const w = bitmap.width * s, h = bitmap.height * s;
    ctx.drawImage(bitmap, (pad.width - w) / 2, (pad.height - h) / 2, w, h);
  } catch (e) {
    // not an image the browser can show; the server will say what is wrong with it
  }
  state.drawn = true;
  analyzeSoon(true);
});

// ---------------------------------------------------------------------------------------------------------
// Talking to the server
// ---------------------------------------------------------------------------------------------------------

async function api(path, options) {
  const r = await fetch(path, options);
  let body = null;
  try { body = await r.json(); } catch (e) { /* not JSON */ }
  if (!r.ok) throw new Error((body && body.error) || (r.status + ' ' + r.statusText));
  return body;
}

function inputRequest(extra) {
  if (state.upload) {
    const q = new URLSearchParams(extra || {}).toString();
    return { query: q ? '?' + q : '', init: { method: 'POST', headers: { 'Content-Type': state.upload.type }, body: state.upload.blob } };
  }
  const body = Object.assign({ image: pad.toDataURL('image/png') }, extra || {});
  return { query: '', init: { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) } };
}

let strokeEnded = false;
function analyzeSoon(ended) {
  if (ended) strokeEnded = true;
  if (!state.model || !state.drawn) return;
  if (state.busy) { state.pending = true; return; }
  analyze();
}

async function analyze() {
  state.busy = true;
  state.pending = false;
  const details = strokeEnded;
  strokeEnded = false;
  const generation = state.generation;
  try {
    const req = inputRequest();
    const result = await api('/api/analyze' + req.query, req.init);
    if (generation !== state.generation) return;
    showError('');
    showAnalysis(result);
    if (details) await Promise.all([saliency(generation), deconv(generation)]);
  } catch (e) {
    if (generation === state.generation) showError(e.message);
  } finally {
    state.busy = false;
    if (state.pending) {
      state.pending = false;
      analyzeSoon();
    }
  }
}

async function saliency(generation = state.generation) {
  try {
    const req = inputRequest();
    const r = await api('/api/saliency' + req.query, req.init);
    if (generation !== state.generation) return;
    $('saliency').src = r.image;
  } catch (e) {
    showError(e.message);
  }
}

async function deconv(generation = state.generation) {
  const layer = $('deconv-layer').value, channel = $('deconv-channel').value;
  if (layer === '' || !state.drawn) return;
  try {
    const options = { layer: +layer };
    if (channel !== '') options.channel = +channel;
    const req = inputRequest(options);
    const r = await api('/api/deconv' + req.query, req.init);
    if (generation !== state.generation) return;
    $('deconv').src = r.image;
    $('deconv-input').src = state.last ? state.last.input : '';
    $('deconv-caption').textContent = 'channel ' + r.channel + ': activation ' + r.activation.toFixed(3)
        + ' at (' + r.position.join(', ') + '), projected down';
  } catch (e) {
    showError(e.message);
  }
}

function showError(message) {
  $('error').hidden = !message;
  $('error').textContent = message;
}

// ---------------------------------------------------------------------------------------------------------
// Showing results
// ---------------------------------------------------------------------------------------------------------

function buildBars() {
  const bars = $('bars');
  bars.innerHTML = '';
  state.model.classes.forEach((name, i) => {
    const row = document.createElement('div');
    row.className = 'bar-row';
    row.dataset.class = i;
    row.innerHTML = '<span class="label"></span><div class="bar"><div class="fill"></div></div><span class="pct"></span>';
    row.querySelector('.label').textContent = name;
    bars.appendChild(row);
  });
}

function showAnalysis(r) {
  state.last = r;
  $('prediction').textContent = r.label;
  $('confidence').textContent = (100 * r.probabilities[r.predicted]).toFixed(1) + '%';
  document.querySelectorAll('.bar-row').forEach((row, i) => {
    const p = r.probabilities[i] || 0;
    row.querySelector('.fill').style.width = (100 * p).toFixed(1) + '%';
    row.querySelector('.pct').textContent = (100 * p).toFixed(1) + '%';
    row.classList.toggle('best', i === r.predicted);
  });
  $('seen').src = r.input;
  const layers = $('layers');
  if (layers.children.length !== r.layers.length || !layers.querySelector('.layer')) {
    layers.innerHTML = '';
    r.layers.forEach(() => {
      const div = document.createElement('div');
      div.className = 'layer';
      div.innerHTML = '<div class="caption"></div><img alt="feature maps">';
      layers.appendChild(div);
    });
  }
  r.layers.forEach((l, i) => {
    const div = layers.children[i];
    div.dataset.index = l.index;
    div.querySelector('.caption').textContent = l.caption;
    div.querySelector('img').src = l.image;
  });
}

function showEmpty() {
  state.last = null;
  $('prediction').textContent = '–';
  $('confidence').textContent = '';
  document.querySelectorAll('.bar-row').forEach((row) => {
    row.querySelector('.fill').style.width = '0';
    row.querySelector('.pct').textContent = '';
    row.classList.remove('best');
  });
  ['seen', 'saliency', 'deconv', 'deconv-input'].forEach((id) => { $(id).src = BLANK; });
  $('deconv-caption').textContent = 'reconstruction';
}

async function loadFilters() {
  try {
    const r = await api('/api/filters');
    const box = $('filters');
    box.innerHTML = '';
    r.filters.forEach((f) => {
      const div = document.createElement('div');
      div.className = 'layer';
      div.innerHTML = '<div class="caption"></div><img alt="filters">';
      div.querySelector('.caption').textContent = f.caption;
      div.querySelector('img').src = f.image;
      box.appendChild(div);
    });
    if (!r.filters.length) box.innerHTML = '<p class="muted">This model has no convolution layers.</p>';
  } catch (e) {
    showError(e.message);
  }
}

function buildDeconvChoices() {
  const layerSel = $('deconv-layer');
  layerSel.innerHTML = '';
  state.model.layers.filter((l) => l.deconv).forEach((l) => {
    const o = document.createElement('option');
    o.value = l.index;
    o.textContent = l.index + ': ' + l.layer;
    layerSel.appendChild(o);
  });
  const fillChannels = () => {
    const l = state.model.layers[+layerSel.value];
    const sel = $('deconv-channel');
    sel.innerHTML = '<option value="">strongest</option>';
    if (!l) return;
    for (let c = 0; c < l.outputShape[0]; c++) {
      const o = document.createElement('option');
      o.value = c;
      o.textContent = c;
      sel.appendChild(o);
    }
  };
  if (layerSel.options.length) layerSel.selectedIndex = layerSel.options.length - 1; // the deepest: the most telling
  layerSel.onchange = () => { fillChannels(); deconv(); };
  $('deconv-channel').onchange = () => deconv();
  fillChannels();
  $('deconv-panel').hidden = layerSel.options.length === 0;
}

async function loadModel() {
  try {
    state.model = await api('/api/model');
  } catch (e) {
    $('model-desc').textContent = e.message;
    return false;
  }
  const m = state.model;
  const params = m.layers.reduce((s, l) => s + l.parameters, 0);
  $('model-desc').textContent = (m.description ? m.description + ' — ' : '') + m.layers.length + ' layers, '
      + params.toLocaleString('en') + ' parameters, input ' + m.inputShape.join('×');
  buildBars();
  buildDeconvChoices();
  await loadFilters();
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// Training, live
// ---------------------------------------------------------------------------------------------------------

function showTraining() {
  $('training-panel').hidden = false;
}

function drawChart(canvas, series, title, yFormat) {
  const g = canvas.getContext('2d');
  const W = canvas.width, H = canvas.height, L = 46, R = 12, T = 28, B = 36;
  g.clearRect(0, 0, W, H);
  g.fillStyle = '#e8ecf4';
  g.font = '13px system-ui, sans-serif';
  g.fillText(title, L, 17);
  const pts = series.flatMap((s) => s.points);
  if (!pts.length) return;
  const xs = pts.map((p) => p.x), ys = pts.map((p) => p.y);
  const x0 = 0, x1 = Math.max(1, ...xs);
  let y0 = Math.min(...ys), y1 = Math.max(...ys);
  if (y1 - y0 < 1e-9) {
    const pad = Math.max(0.05, Math.abs(y0) * 0.1);
    y0 -= pad;
    y1 += pad;
  }
  const X = (x) => L + (x - x0) / (x1 - x0) * (W - L - R), Y = (y) => H - B - (y - y0) / (y1 - y0) * (H - T - B);
  g.strokeStyle = '#3a4660';
  g.fillStyle = '#8d98ad';
  g.font = '11px system-ui, sans-serif';
  for (let i = 0; i <= 4; i++) {
    const y = y0 + (y1 - y0) * i / 4;
    g.beginPath(); g.moveTo(L, Y(y)); g.lineTo(W - R, Y(y)); g.stroke();
    g.fillText(yFormat(y), 4, Y(y) + 4);
  }
  g.fillText('epoch', (L + W - R) / 2 - 14, H - 4);
  for (let e = 0; e <= x1; e++) g.fillText(String(e), X(e) - 3, H - B + 14);
  series.forEach((s, k) => {
    if (!s.points.length) return;
    g.strokeStyle = s.colour;
    g.fillStyle = s.colour;
    g.lineWidth = s.thin ? 1 : 2;
    g.beginPath();
    s.points.forEach((p, i) => (i ? g.lineTo(X(p.x), Y(p.y)) : g.moveTo(X(p.x), Y(p.y))));
    g.stroke();
    if (!s.thin) s.points.forEach((p) => { g.beginPath(); g.arc(X(p.x), Y(p.y), 3, 0, 2 * Math.PI); g.fill(); });
    g.fillText(s.name, L + 90 + k * 80, 17);
  });
  g.lineWidth = 1;
}

function redrawCharts() {
  const ep = state.epochs;
  const pct = (v) => (100 * v).toFixed(0) + '%';
  drawChart($('loss-chart'), [
    { name: 'running', colour: '#55617a', thin: true, points: state.batches.map((b) => ({ x: b.x, y: b.loss })) },
    { name: 'train', colour: '#4fa3ff', points: ep.map((e) => ({ x: e.epoch, y: e.trainLoss })) },
    { name: 'validation', colour: '#ff7a7a', points: ep.filter((e) => e.valLoss != null).map((e) => ({ x: e.epoch, y: e.valLoss })) },
  ], 'loss', (v) => v.toFixed(2));
  drawChart($('acc-chart'), [
    { name: 'running', colour: '#55617a', thin: true, points: state.batches.map((b) => ({ x: b.x, y: b.accuracy })) },
    { name: 'train', colour: '#4fa3ff', points: ep.map((e) => ({ x: e.epoch, y: e.trainAccuracy })) },
    { name: 'validation', colour: '#ff7a7a', points: ep.filter((e) => e.valAccuracy != null).map((e) => ({ x: e.epoch, y: e.valAccuracy })) },
  ], 'accuracy', pct);
}

function onBatch(b) {
  const x = b.epoch - 1 + b.batch / b.batchesPerEpoch;
  state.batches.push({ x, loss: b.loss, accuracy: b.accuracy });
  const plan = state.plan;
  const total = plan ? (plan.lastEpoch - plan.firstEpoch + 1) : b.epoch;
  const done = plan ? (b.epoch - plan.firstEpoch + b.batch / b.batchesPerEpoch) : x;
  $('train-progress').style.width = Math.min(100, 100 * done / total).toFixed(1) + '%';
  $('train-epoch').textContent = 'epoch ' + b.epoch + (plan ? ' of ' + plan.lastEpoch : '') + ', batch ' + b.batch + '/' + b.batchesPerEpoch
      + ', loss ' + b.loss.toFixed(4) + ', accuracy ' + (100 * b.accuracy).toFixed(2) + '%';
  $('train-speed').textContent = Math.round(b.imagesPerSecond).toLocaleString('en') + ' images/s';
  redrawCharts();
}

async function reloadModel() {
  if (await loadModel()) analyzeSoon(true);
}

let refreshTimer = null;
async function onModelChanged() {
  if (!state.model) {
    await reloadModel();
    return;
  }
  if (refreshTimer) return;
  refreshTimer = setTimeout(async () => {
    refreshTimer = null;
    await loadFilters();
    analyzeSoon(true);
  }, 1000);
}

function follow() {
  const es = new EventSource('/api/training/events');
  const on = (name, f) => es.addEventListener(name, (e) => f(JSON.parse(e.data)));
  on('snapshot', (s) => {
    if (s.state === 'idle' && !s.message) return;
    showTraining();
    state.plan = s.plan;
    state.epochs = s.epochs;
    state.batches = [];
    $('train-state').textContent = s.state;
    $('train-message').textContent = s.message;
    if (s.lastBatch) onBatch(s.lastBatch); else redrawCharts();
  });
  on('status', (s) => { showTraining(); $('train-message').textContent = s.message; });
  on('start', (p) => { showTraining(); state.plan = p; state.batches = []; $('train-state').textContent = 'training'; });
  on('batch', onBatch);
  on('epoch', (e) => { state.epochs.push(e); redrawCharts(); });
  on('end', () => {
    $('train-state').textContent = 'done';
    $('train-progress').style.width = '100%';
    setTimeout(reloadModel, 500); // the description now says how well it learned
  });
  on('failed', (f) => { $('train-state').textContent = 'failed'; $('train-message').textContent = f.message; });
  on('model', onModelChanged);
}

clearPad();
showEmpty();
follow();
loadModel();
