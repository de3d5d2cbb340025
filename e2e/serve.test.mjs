// End-to-end test of `jcnn serve` in a real browser: starts the server on a free port, opens the page in Debian's
// headless Chromium (driven by playwright-core), draws digits on the canvas with mouse moves, and checks the
// prediction the page shows, the feature maps, filters, saliency and deconvnet pictures, the training panel, and the
// error shown for a non-image upload. Screenshots go to e2e/out/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const out = path.join(here, 'out');
mkdirSync(out, { recursive: true });

let server;          // the jcnn serve process
let serverLog = '';
let baseUrl;
let context;         // the browser (a persistent context with a fresh profile)
let profile;

function startServer() {
  return new Promise((resolve, reject) => {
    // The demo model is cached in e2e/out/cache: trained live on the first run (as a first start does), loaded after.
    const env = { ...process.env, JCNN_CACHE_DIR: path.join(out, 'cache') };
    // JCNN_E2E_LAUNCHER may name another launcher (a wrapper around a built jar); the default is the repository's ./jcnn.
    const launcher = process.env.JCNN_E2E_LAUNCHER || path.join(root, 'jcnn');
    server = spawn(launcher, ['serve', '--port', '0'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => reject(new Error('jcnn serve printed no URL within 10 minutes:\n' + serverLog)), 600_000);
    const onData = (chunk) => {
      serverLog += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(serverLog);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', (c) => { serverLog += c; });
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error('jcnn serve exited with ' + code + ':\n' + serverLog));
    });
  });
}

async function getJson(p) {
  const r = await fetch(new URL(p, baseUrl));
  return { status: r.status, body: await r.json() };
}

async function waitFor(what, f, timeoutMs, intervalMs = 250) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    last = await f();
    if (last) return last;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error('timed out waiting for ' + what + (last !== undefined ? ' (last: ' + JSON.stringify(last) + ')' : ''));
}

/** Draws a polyline on the pad with real mouse events: press, move through the points, release. */
async function stroke(page, points) {
  const box = await page.locator('#pad').boundingBox();
  await page.mouse.move(box.x + points[0][0], box.y + points[0][1]);
  await page.mouse.down();
  for (const [x, y] of points.slice(1)) await page.mouse.move(box.x + x, box.y + y, { steps: 2 });
  await page.mouse.up();
}

async function predictionBecomes(page, digit) {
  await waitFor('the page to predict ' + digit, async () => (await page.textContent('#prediction')).trim() === digit, 20_000)
    .catch(async (e) => {
      await page.screenshot({ path: path.join(out, 'failed-' + digit + '.png'), fullPage: true });
      throw new Error(e.message + '; the page shows ' + (await page.textContent('#prediction')) + ' (screenshot e2e/out/failed-' + digit + '.png)');
    });
}

before(async () => {
  baseUrl = await startServer();
  profile = mkdtempSync(path.join(tmpdir(), 'jcnn-e2e-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.JCNN_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // Without the background-networking flags Chromium tries to reach Google's services, which this network refuses.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 960 },
  });
});

after(async () => {
  if (context) await context.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (server && server.exitCode === null) {
    try { process.kill(-server.pid, 'SIGTERM'); } catch (e) { /* already gone */ }
  }
});

test('jcnn serve: draw digits in a real browser and read the prediction', { timeout: 900_000 }, async () => {
  const page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(baseUrl);
  assert.match(await page.title(), /jcnn/);

  // The model: 10 classes as bars. On a first start the demo network trains live; the page shows it, and the test
  // waits for the run to end.
  await page.waitForSelector('#bars .bar-row', { timeout: 60_000 });
  assert.equal(await page.locator('#bars .bar-row').count(), 10);
  const training = (await getJson('/api/training')).body;
  if (training.state === 'training' || training.state === 'idle' && training.message) {
    await page.waitForSelector('#training-panel:not([hidden])', { timeout: 30_000 });
    await waitFor('a batch of the live training run on the page', async () => (await page.textContent('#train-epoch')).includes('epoch'), 120_000);
    await page.screenshot({ path: path.join(out, 'training.png'), fullPage: true });
    const done = await waitFor('the training run to finish', async () => {
      const t = (await getJson('/api/training')).body;
      if (t.state === 'failed') throw new Error('training failed: ' + t.message);
      return t.state === 'done' ? t : null;
    }, 600_000, 1000);
    assert.ok(done.epochs.length >= 1);
    assert.ok(done.epochs.at(-1).valAccuracy > 0.9, 'the demo network learns the digits: ' + JSON.stringify(done.epochs.at(-1)));
    await waitFor('the page to show the run as done', async () => (await page.textContent('#train-state')) === 'done', 30_000);
  }
  await page.waitForSelector('#filters img', { timeout: 30_000 });
  assert.ok(await page.locator('#filters img').count() >= 1, 'the filters of every convolution are shown');

  // A "1": one vertical stroke.
  const one = [];
  for (let i = 0; i <= 24; i++) one.push([138 + i * 0.3, 40 + i * 8.3]);
  await stroke(page, one);
  await predictionBecomes(page, '1');
  await page.waitForSelector('#layers .layer img', { timeout: 10_000 });
  const model = (await getJson('/api/model')).body;
  const withMaps = model.layers.filter((l) => l.featureMaps).length;
  await waitFor('every feature-map layer on the page', async () => (await page.locator('#layers .layer img').count()) === withMaps, 10_000);
  await waitFor('the saliency map', async () => (await page.getAttribute('#saliency', 'src') || '').startsWith('data:image/png'), 10_000);
  await waitFor('the deconvnet projection', async () => (await page.getAttribute('#deconv', 'src') || '').startsWith('data:image/png'), 10_000);
  // The deconvnet panel: every projectable layer is offered; choosing a channel projects that channel.
  assert.equal(await page.locator('#deconv-layer option').count(), model.layers.filter((l) => l.deconv).length);
  await page.selectOption('#deconv-channel', '3');
  await waitFor('the projection of channel 3', async () => (await page.textContent('#deconv-caption')).startsWith('channel 3:'), 10_000);
  const bestBar = await page.locator('.bar-row.best .label').textContent();
  assert.equal(bestBar, '1', 'the highlighted bar is the predicted class');
  await page.screenshot({ path: path.join(out, 'serve.png'), fullPage: true });

  // A "0": an ellipse.
  await page.click('#clear');
  assert.equal((await page.textContent('#prediction')).trim(), '–');
  const zero = [];
  for (let i = 0; i <= 48; i++) {
    const a = (i / 48) * 2 * Math.PI;
    zero.push([140 + 58 * Math.sin(a), 140 - 88 * Math.cos(a)]);
  }
  await stroke(page, zero);
  await predictionBecomes(page, '0');
  await page.screenshot({ path: path.join(out, 'serve-zero.png'), fullPage: true });

  // An upload that is not an image: the server refuses it with a clear message, and the page shows it.
  await page.setInputFiles('#upload', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') });
  await page.waitForSelector('#error:not([hidden])', { timeout: 10_000 });
  assert.match(await page.textContent('#error'), /Content-Type 'text\/plain'/);

  assert.deepEqual(errors, [], 'no script errors on the page');
});
