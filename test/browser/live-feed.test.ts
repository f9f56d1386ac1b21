import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBrowserStack, type BrowserStack } from '../harness/browser-stack.ts';
import { waitFor } from '../harness/processor-process.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'vigia.js');
const ARTIFACTS = join(ROOT, 'test-artifacts');

let stack: BrowserStack;
let nats: BrowserStack['nats'];
let proc: BrowserStack['proc'];
let browser: BrowserStack['browser'];

before(async () => {
  stack = await startBrowserStack('browser');
  ({ nats, proc, browser } = stack);
});
after(() => stack?.stop());

test('the live page shows injected anomalies as they are detected, and the events/s counter moves', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  await page.goto(proc.uiUrl());
  await page.locator('[data-testid="connection-status"][data-status="live"]').waitFor({ timeout: 15_000 });
  assert.equal(await page.locator('[data-testid="anomaly-row"]').count(), 0);

  // Real producer, labelled faults, paced so the page receives them live.
  const produced = spawnSync(
    process.execPath,
    [BIN, 'produce', 'sensor', '--count', '5000', '--rate', '2500', '--stations', '5', '--seed', '9', '--fault-rate', '6', '--start', '2026-03-02T00:00:00Z', '--nats-url', nats.url],
    { encoding: 'utf8' },
  );
  assert.equal(produced.status, 0, produced.stderr);

  const rows = page.locator('[data-testid="anomaly-row"]');
  await rows.first().waitFor({ timeout: 20_000 });
  const first = rows.first();
  const text = await first.innerText();
  assert.match(text, /st-\d{3}/, 'the row names the station');
  assert.match(await first.getAttribute('data-severity') ?? '', /^(minor|major|critical)$/);

  // Each row on the page is an anomaly the processor stores: screens get a batch's verdicts as
  // soon as it is scored, and its rows follow once the write commits (a sensor write may linger
  // up to writeMaxWaitMs for others to join it), so the rows catch up with the page within seconds.
  const shown = await rows.count();
  await waitFor(async () => Number((await proc.sql<{ n: string }>('SELECT count() AS n FROM anomalies'))[0]!.n), (n) => n >= shown || shown >= 100, 15_000, `${shown} shown anomalies stored`);
  const eps = await page.locator('[data-testid="total-events"]').innerText();
  assert.notEqual(eps.trim(), '—');

  // Let the new-row highlight finish so the screenshot shows the settled page.
  // (finite animations only: the live indicator pulses forever)
  await page.evaluate(() =>
    Promise.race([
      Promise.all(document.getAnimations().filter((a) => a.effect?.getComputedTiming().iterations !== Infinity).map((a) => a.finished)),
      new Promise((r) => setTimeout(r, 3000)),
    ]),
  );
  mkdirSync(ARTIFACTS, { recursive: true });
  const shot = join(ARTIFACTS, 'live-feed.png');
  await page.screenshot({ path: shot, fullPage: false });
  process.stdout.write(`screenshot: ${shot}\n`);
  assert.deepEqual(consoleErrors, []);
});

test('the UI’s token: the printed URL sets an HttpOnly cookie and leaves the address bar; a page opened without it gets no data and no socket', async () => {
  const page = await browser.newPage();
  await page.goto(proc.uiUrl('#/live'));
  assert.equal(page.url(), `${proc.httpUrl}/#/live`, 'the token is gone from the address bar, the view kept');
  await page.locator('[data-testid="connection-status"][data-status="live"]').waitFor({ timeout: 15_000 });
  assert.equal(await page.evaluate(() => document.cookie), '', 'page scripts cannot read the token');
  assert.equal(await page.evaluate(async () => (await fetch('/api/sensor/stations')).status), 200);
  await page.close();

  const stranger = await browser.newPage(); // a fresh context: no cookie
  await stranger.goto(proc.httpUrl);
  await stranger.locator('[data-testid="connection-status"][data-status="disconnected"]').waitFor({ timeout: 15_000 });
  assert.equal(await stranger.evaluate(async () => (await fetch('/api/sensor/stations')).status), 401);
  await stranger.close();
});
