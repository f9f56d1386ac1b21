import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { getResolution } from 'h3-js';
import { FareAnomaly, LiveCellBoundary, type LiveCellScore } from '../../contracts/index.ts';
import { waitFor } from '../harness/processor-process.ts';
import { reapAtEnd } from '../harness/reaper.ts';
import { startBrowserStack, type BrowserStack } from '../harness/browser-stack.ts';
import { cellCentre } from '../../ui/src/domains/trip/h3-geometry.ts';
import { project, type MapView } from '../../ui/src/domains/trip/map-projection.ts';
import { cellStyle } from '../../ui/src/domains/trip/trip-cell-style.ts';
import { DEFAULT_MAP_THEME } from '../../ui/src/domains/trip/trip-map-draw.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'vigia.js');
const ARTIFACTS = join(ROOT, 'test-artifacts');

/** The trip producer run, in one place: three simulated days up to now, as fast as JetStream acks. */
const PRODUCE_TRIPS = ['produce', 'trip', '--speed', 'max', '--days', '3', '--seed', '1'];

let stack: BrowserStack;

before(async () => {
  stack = await startBrowserStack('browser-trip-map');
});
after(() => stack?.stop());

/** Runs the producer; resolves with the number of trips it published (its JSON summary). */
function produceTrips(natsUrl: string): Promise<number> {
  return new Promise((res, rej) => {
    const child = reapAtEnd(spawn(process.execPath, [BIN, ...PRODUCE_TRIPS, '--nats-url', natsUrl], { stdio: ['ignore', 'pipe', 'pipe'] }));
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => (stdout += d));
    child.once('error', rej);
    child.once('exit', (code) =>
      code === 0 ? res((JSON.parse(stdout.trim().split('\n').pop()!) as { published: number }).published) : rej(new Error(`vigia ${PRODUCE_TRIPS.join(' ')} exited ${code}:\n${stderr}`)),
    );
  });
}

async function getJson(path: string): Promise<{ status: number; body: unknown }> {
  const res = await stack.proc.fetch(path);
  return { status: res.status, body: await res.json().catch(() => null) };
}

const attr = async (l: Locator, name: string) => (await l.getAttribute(name)) ?? '';

function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // "Nothing scored yet" is a 404 by contract (GET /api/trip/cells); the browser logs every 404.
    if (/status of 404/.test(m.text()) && /\/api\/trip\/cells\?resolution=/.test(m.location().url)) return;
    errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** `rgba(r, g, b, a)` over an opaque background, as the canvas composites it. */
function over(fill: string, background: string): [number, number, number] {
  const m = /rgba\((\d+), (\d+), (\d+), ([\d.]+)\)/.exec(fill)!;
  const [r, g, b, a] = m.slice(1).map(Number) as [number, number, number, number];
  const bg = [1, 3, 5].map((i) => parseInt(background.slice(i, i + 2), 16)) as [number, number, number];
  return [r * a + bg[0] * (1 - a), g * a + bg[1] * (1 - a), b * a + bg[2] * (1 - a)];
}

test('the trip map colours live H3 cells by demand-anomaly score, opens a cell, switches resolution and lists fare anomalies', { timeout: 420_000 }, async () => {
  const { proc, browser, nats } = stack;
  mkdirSync(ARTIFACTS, { recursive: true });

  // A page opened before any trip exists: it must fill from the socket alone.
  const early = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const earlyErrors = watchConsole(early);
  await early.goto(proc.uiUrl('#/trips'));
  await early.locator('[data-testid="trip-status"][data-status="live"]').waitFor({ timeout: 15_000 });
  await early.locator('[data-testid="trips-view"][data-cells-load="empty"]').waitFor({ timeout: 15_000 });

  const published = await produceTrips(nats.url);

  // Every trip stored means the last boundary is scored too (events are written last in a batch);
  // after that the latest boundary no longer moves.
  await waitFor(
    async () => Number((await proc.sql<{ n: string }>('SELECT count() AS n FROM trip_events FINAL'))[0]?.n ?? 0),
    (n) => n >= published,
    240_000,
    'every published trip stored',
  );
  const latest = await waitFor(
    async () => {
      const r = await getJson('/api/trip/cells?resolution=8');
      return r.status === 200 ? LiveCellBoundary.parse(r.body) : null;
    },
    (b) => b !== null && b.cells.length > 0,
    240_000,
    'the processor to score the last 5-minute boundary of resolution 8',
  );
  const boundary = latest!;

  // The early page got its cells and fare anomalies live.
  await early.locator('[data-testid="trip-map"]:not([data-cells="0"])').waitFor({ timeout: 30_000 });
  assert.equal(await attr(early.locator('[data-testid="trips-view"]'), 'data-cells-load'), 'ready');
  await early.locator('[data-testid="fare-row"]').first().waitFor({ timeout: 30_000 });
  await early.close();
  assert.deepEqual(earlyErrors, []);

  // A page opened now starts from the HTTP API.
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const errors = watchConsole(page);
  await page.goto(proc.uiUrl('#/trips'));
  const map = page.locator('[data-testid="trip-map"]');
  await page.locator('[data-testid="trips-view"][data-cells-load="ready"][data-resolution="8"]').waitFor({ timeout: 15_000 });
  await page.locator(`[data-testid="trips-view"][data-window-end="${boundary.windowEnd}"]`).waitFor({ timeout: 15_000 });
  await page.locator('[data-testid="trip-status"][data-status="live"]').waitFor({ timeout: 15_000 });
  await waitFor(async () => Number(await attr(map, 'data-drawn')), (n) => n > 0, 10_000, 'cells drawn on the map');
  assert.equal(Number(await attr(map, 'data-cells')), boundary.cells.length);
  assert.equal(Number(await attr(map, 'data-anomalous')), boundary.cells.filter((c) => c.severity).length);
  // Let the fit to the activity settle before reading the view.
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(ARTIFACTS, 'trip-map.png') });

  // The highest-scoring cell that is on screen (and not under the zoom buttons) is drawn in its colour.
  const [scale, x, y] = (await attr(map, 'data-view')).split(',').map(Number) as [number, number, number];
  const canvas = map.locator('canvas');
  const box = (await canvas.boundingBox())!;
  const view: MapView = { scale, x, y, width: box.width, height: box.height };
  const zoomBox = (await page.locator('[aria-label="Map zoom"]').boundingBox())!;
  const onScreen = (c: LiveCellScore) => {
    const [px, py] = project(view, ...cellCentre(c.cell));
    const inside = px > 12 && py > 12 && px < box.width - 12 && py < box.height - 12;
    const underZoom = box.x + px > zoomBox.x - 8 && box.y + py < zoomBox.y + zoomBox.height + 8;
    return inside && !underZoom ? { cell: c, px, py } : null;
  };
  const target = [...boundary.cells].sort((a, b) => b.score - a.score).map(onScreen).find((t) => t !== null);
  assert.ok(target, 'a scored cell visible on the map');
  const samples = await canvas.evaluate((el: HTMLCanvasElement, p: { x: number; y: number }) => {
    const dpr = el.width / el.clientWidth;
    const ctx = el.getContext('2d')!;
    // Nine points within the hexagon: an airport mark or a borough name may cover a few.
    return [[0, 0], [3, 0], [-3, 0], [0, 3], [0, -3], [2, 2], [-2, 2], [2, -2], [-2, -2]].map(([dx, dy]) => Array.from(ctx.getImageData(Math.round((p.x + dx!) * dpr), Math.round((p.y + dy!) * dpr), 1, 1).data.slice(0, 3)));
  }, { x: target.px, y: target.py });
  const fill = cellStyle(target.cell).fill;
  const expected = [over(fill, DEFAULT_MAP_THEME.land), over(fill, DEFAULT_MAP_THEME.water)];
  const matching = samples.filter((s) => expected.some((e) => Math.hypot(s[0]! - e[0], s[1]! - e[1], s[2]! - e[2]) < 30));
  assert.ok(matching.length >= 5, `pixels at ${target.cell.cell} (${fill}, expected ≈ ${JSON.stringify(expected.map((e) => e.map(Math.round)))}): ${JSON.stringify(samples)}`);

  // A click on it opens its panel: series chart, score chart, anomalies.
  await page.mouse.click(box.x + target.px, box.y + target.py);
  const panel = page.locator(`[data-testid="cell-panel"][data-cell="${target.cell.cell}"]`);
  await panel.waitFor({ timeout: 10_000 });
  await page.locator('[data-testid="cell-panel"][data-series-load="ready"]').waitFor({ timeout: 15_000 });
  assert.ok(Number(await attr(panel, 'data-points')) > 1, 'the cell has a series');
  await page.locator('[data-testid="cell-chart"] canvas').first().waitFor({ timeout: 10_000 });
  assert.equal(await panel.locator('[data-testid="station-chart"][data-kind="score"] canvas').count(), 1);
  assert.equal(await attr(panel, 'data-severity'), target.cell.severity ?? 'none');
  const stored = await getJson(`/api/trip/cells/${target.cell.cell}/anomalies?limit=50`);
  assert.equal(Number(await attr(panel, 'data-anomalies')), (stored.body as { anomalies: unknown[] }).anomalies.length);
  await page.screenshot({ path: join(ARTIFACTS, 'trip-map-cell.png') });

  // Resolution 9: the map changes and the selection follows to the cell at the same place.
  await page.locator('[data-testid="resolution-9"]').click();
  await page.locator('[data-testid="trips-view"][data-resolution="9"][data-cells-load="ready"]').waitFor({ timeout: 15_000 });
  await waitFor(async () => Number(await attr(map, 'data-cells')), (n) => n > 0, 10_000, 'resolution-9 cells');
  const carried = await attr(page.locator('[data-testid="cell-panel"]'), 'data-cell');
  assert.equal(getResolution(carried), 9);
  assert.equal(await attr(map, 'data-resolution'), '9');
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(ARTIFACTS, 'trip-map-res9.png') });

  // The URL holds the resolution and the selection: a reload shows the same cell at resolution 9.
  assert.equal(new URL(page.url()).hash, `#/trips/9/${carried}`);
  await page.reload();
  await page.locator('[data-testid="trips-view"][data-resolution="9"][data-cells-load="ready"]').waitFor({ timeout: 15_000 });
  await page.locator(`[data-testid="cell-panel"][data-cell="${carried}"]`).waitFor({ timeout: 10_000 });

  // Fare anomalies: newest first, actual against expected.
  const fares = await getJson('/api/trip/fare-anomalies?limit=100');
  const storedFares = (fares.body as { anomalies: unknown[] }).anomalies.map((a) => FareAnomaly.parse(a));
  assert.ok(storedFares.length > 0, 'the processor flagged fare anomalies in three simulated days');
  const rows = page.locator('[data-testid="fare-row"]');
  await rows.first().waitFor({ timeout: 15_000 });
  assert.equal(await rows.count(), storedFares.length);
  assert.equal(await attr(rows.first(), 'data-trip'), storedFares[0]!.tripId);
  const ts = storedFares.map((f) => f.ts);
  assert.deepEqual(ts, [...ts].sort((a, b) => b - a), 'newest first');
  const withExpected = page.locator('[data-testid="fare-row"]:not([data-expected=""])');
  assert.ok((await withExpected.count()) > 0, 'at least one fare anomaly shows the expected fare (FareAnomaly.expectedFare is null for all)');
  assert.match(await withExpected.first().locator('[data-testid="fare-actual"]').innerText(), /^\$[\d,]+\.\d\d$/);
  assert.match(await withExpected.first().locator('[data-testid="fare-expected"]').innerText(), /^\$[\d,]+\.\d\d$/);
  await page.locator('[data-testid="fare-list"]').screenshot({ path: join(ARTIFACTS, 'trip-map-fares.png') });

  process.stdout.write(`screenshots: ${['trip-map', 'trip-map-cell', 'trip-map-res9', 'trip-map-fares'].map((n) => join(ARTIFACTS, `${n}.png`)).join(', ')}\n`);
  assert.deepEqual(errors, []);
});
