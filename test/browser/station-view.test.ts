import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { waitFor } from '../harness/processor-process.ts';
import { startBrowserStack, type BrowserStack } from '../harness/browser-stack.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'vigia.js');
const ARTIFACTS = join(ROOT, 'test-artifacts');

// Two stations, one reading a minute each: 2000 readings are 1000 per station (16 h 40 min of
// event time), below the view's 1440-reading window, so live readings visibly add points.
const STATIONS = 2;
const STORED = 2000;
const START = Date.UTC(2026, 2, 2);
const STEP_MS = 60_000;

let stack: BrowserStack;
let nats: BrowserStack['nats'];
let proc: BrowserStack['proc'];
let browser: BrowserStack['browser'];

before(async () => {
  stack = await startBrowserStack('browser-station');
  ({ nats, proc, browser } = stack);
});
after(() => stack?.stop());

function produce(count: number, startTs: number, rate: string) {
  const res = spawnSync(
    process.execPath,
    [BIN, 'produce', 'sensor', '--count', String(count), '--stations', String(STATIONS), '--seed', '11', '--fault-rate', '8',
      '--start', new Date(startTs).toISOString(), '--rate', rate, '--nats-url', nats.url],
    { encoding: 'utf8' },
  );
  assert.equal(res.status, 0, res.stderr);
}

const attr = async (page: Page, selector: string, name: string) => (await page.locator(selector).getAttribute(name)) ?? '';

test('a station view charts its channels and score, shades anomaly periods, names the driver, and grows with live readings', async () => {
  produce(STORED, START, 'max');
  await waitFor(
    async () => Number((await proc.sql<{ n: string }>('SELECT count() AS n FROM sensor_events'))[0]!.n),
    (n) => n >= STORED,
    60_000,
    'the processor to store the produced readings',
  );

  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(e.message));

  // The station list leads to the station.
  await page.goto(proc.uiUrl('#/stations'));
  const rows = page.locator('[data-testid="station-row"]');
  await rows.first().waitFor({ timeout: 15_000 });
  assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-station'))), ['st-001', 'st-002']);
  assert.match(await rows.first().innerText(), /flow/);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'stations.png') });
  await page.locator('[data-testid="station-row"][data-station="st-001"] a').click();
  await page.waitForURL(/#\/station\/st-001$/);

  // Charts: one per channel plus the score, drawn on canvases, with the stored window.
  const view = '[data-testid="station-view"][data-station="st-001"]';
  await page.locator(`${view}[data-load="ready"]`).waitFor({ timeout: 15_000 });
  await page.locator('[data-testid="station-status"][data-status="live"]').waitFor({ timeout: 15_000 });
  const charts = page.locator('[data-testid="station-chart"]');
  await charts.first().waitFor();
  const kinds = await charts.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-kind')}:${e.getAttribute('data-channel')}`));
  assert.ok(kinds.length >= 2, `charts: ${kinds.join(', ')}`);
  assert.equal(kinds.at(-1), 'score:score');
  assert.equal(await page.locator(`${view} canvas`).count(), kinds.length, 'one canvas per chart');
  const stored = Number(await attr(page, view, 'data-points'));
  assert.equal(stored, STORED / STATIONS);

  // Faults were injected: at least one anomaly period is shaded, and the header names a driver.
  const periods = Number(await attr(page, view, 'data-anomaly-periods'));
  assert.ok(periods >= 1, `anomaly periods: ${periods}`);
  const driver = await page.locator('[data-testid="station-driver"]').innerText();
  assert.ok(driver.trim().length > 0 && driver !== 'not reported', `driver: ${driver}`);
  assert.match((await page.locator('[data-testid="station-cluster"] dd').innerText()).trim(), /^(—|\d+)$/);
  // The shading is on the canvas: some plot pixels carry a severity colour.
  const coloured = await page.locator('[data-testid="station-chart"][data-kind="score"] canvas').evaluate((c: HTMLCanvasElement) => {
    const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i]! > 60 && px[i]! > px[i + 2]! + 30) n++; // warm: red/orange/yellow
    return n;
  });
  assert.ok(coloured > 100, `warm-coloured pixels on the score chart: ${coloured}`);

  // A live feed page in parallel: its anomaly rows link to the station view.
  const feed = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await feed.goto(proc.uiUrl('#/live'));
  await feed.locator('[data-testid="connection-status"][data-status="live"]').waitFor({ timeout: 15_000 });

  // Live: more readings, paced, continuing where the stored ones ended.
  const lastTs = Number(await attr(page, view, 'data-last-ts'));
  assert.equal(lastTs, START + (STORED / STATIONS - 1) * STEP_MS);
  const LIVE = 400;
  produce(LIVE, START + (STORED / STATIONS) * STEP_MS, '200');
  const grown = await waitFor(
    async () => Number(await attr(page, view, 'data-points')),
    (n) => n >= stored + LIVE / STATIONS,
    20_000,
    'the live readings to reach the chart',
  );
  assert.equal(grown, stored + LIVE / STATIONS);
  assert.ok(Number(await attr(page, view, 'data-last-ts')) > lastTs);
  // The header shows the cluster of the newest reading, or a dash when no model clustered it.
  const [newest] = await proc.sql<{ cluster: number }>("SELECT cluster FROM scores FINAL WHERE entity = 'st-001' ORDER BY ts DESC LIMIT 1");
  const cluster = newest && newest.cluster >= 0 ? String(newest.cluster) : '—';
  assert.equal((await page.locator('[data-testid="station-cluster"] dd').innerText()).trim(), cluster);
  const chartPoints = await charts.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-points'))));
  assert.ok(chartPoints.every((n) => n === grown), `every chart has the new points: ${chartPoints.join(', ')}`);

  const link = feed.locator('[data-testid="anomaly-row"] a[data-testid="anomaly-entity"]').first();
  await link.waitFor({ timeout: 20_000 });
  const entity = await link.innerText();
  assert.equal(await link.getAttribute('href'), `#/station/${entity}`);
  await link.click();
  await feed.locator(`[data-testid="station-view"][data-station="${entity}"][data-load="ready"]`).waitFor({ timeout: 15_000 });
  await feed.close();

  const shot = join(ARTIFACTS, 'station-view.png');
  await page.screenshot({ path: shot, fullPage: false });
  process.stdout.write(`screenshot: ${shot}\n`);
  assert.deepEqual(consoleErrors, []);
});
