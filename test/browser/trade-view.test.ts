import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { TradeAnomalyList, TradeGraph, TradeTopCompanies } from '../../contracts/index.ts';
import { waitFor } from '../harness/processor-process.ts';
import { reapAtEnd } from '../harness/reaper.ts';
import { startBrowserStack, type BrowserStack } from '../harness/browser-stack.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'vigia.js');
const ARTIFACTS = join(ROOT, 'test-artifacts');

/**
 * Seven simulated days up to now, as fast as JetStream acks, with ten times the default rate of
 * injected price/weight/route anomalies and three times the episodes (bursts, structuring, new
 * companies, over quota, unusual routes), so a few days hold plenty of each.
 */
const PRODUCE_TRADE = ['produce', 'trade', '--speed', 'max', '--days', '7', '--seed', '3', '--companies', '500', '--anomaly-rate', '0.03', '--episodes-per-day', '6'];

let stack: BrowserStack;

before(async () => {
  stack = await startBrowserStack('browser-trade-view');
});
after(() => stack?.stop());

/** Runs the producer; resolves with its JSON summary. */
function produceTrade(natsUrl: string): Promise<{ published: number; labelled: Record<string, number> }> {
  return new Promise((res, rej) => {
    const child = reapAtEnd(spawn(process.execPath, [BIN, ...PRODUCE_TRADE, '--nats-url', natsUrl], { stdio: ['ignore', 'pipe', 'pipe'] }));
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => (stdout += d));
    child.once('error', rej);
    child.once('exit', (code) => (code === 0 ? res(JSON.parse(stdout.trim().split('\n').pop()!)) : rej(new Error(`vigia ${PRODUCE_TRADE.join(' ')} exited ${code}:\n${stderr}`))));
  });
}

async function getJson(path: string): Promise<{ status: number; body: any }> {
  const res = await stack.proc.fetch(path);
  return { status: res.status, body: await res.json().catch(() => null) };
}

function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()} (${m.location().url})`));
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** The README's trade example queries: each `-- trade:` comment and the statement under it. */
function readmeTradeQueries(): { title: string; sql: string }[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const out: { title: string; sql: string }[] = [];
  const re = /^-- trade: (.+)\n((?:(?!--|```).*\n)+)/gm;
  for (let m = re.exec(readme); m; m = re.exec(readme)) out.push({ title: m[1]!, sql: m[2]!.trim().replace(/;$/, '') });
  return out;
}

test('the trade view lists live anomalies with their bars and the top companies, and draws a selected anomaly’s neighbourhood with its route highlighted', { timeout: 300_000 }, async () => {
  const { proc, browser, nats } = stack;
  mkdirSync(ARTIFACTS, { recursive: true });

  // Opened before any declaration exists: the feed and the companies must fill from the socket.
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const errors = watchConsole(page);
  await page.goto(proc.uiUrl('#/trade'));
  await page.locator('[data-testid="trade-status"][data-status="live"]').waitFor({ timeout: 15_000 });
  await page.locator('[data-testid="trade-feed"][data-load="ready"][data-rows="0"]').waitFor({ timeout: 15_000 });

  const summary = await produceTrade(nats.url);
  assert.ok(summary.published > 1000, `published ${summary.published}`);
  assert.ok(Object.keys(summary.labelled).length >= 6, `injected kinds: ${JSON.stringify(summary.labelled)}`);
  await waitFor(
    async () => Number((await proc.sql<{ n: string }>('SELECT count() AS n FROM trade_declarations FINAL'))[0]?.n ?? 0),
    (n) => n >= summary.published,
    180_000,
    'every published declaration stored',
  );

  const stored = TradeAnomalyList.parse((await getJson('/api/trade/anomalies?limit=60')).body).anomalies;
  assert.ok(stored.length > 0, 'the processor flagged trade anomalies');
  const ts = stored.map((a) => a.ts);
  assert.deepEqual(ts, [...ts].sort((a, b) => b - a), 'newest first');
  for (const a of stored) assert.ok(a.drivers.length > 0 && a.subheading && a.port && a.destination && a.exporterName, `anomaly ${a.eventId} carries its route and drivers`);

  // The feed filled live, then completed its rows from the API: every row has bars.
  const rows = page.locator('[data-testid="trade-anomaly"]');
  await waitFor(async () => Number(await page.locator('[data-testid="trade-feed"]').getAttribute('data-rows')), (n) => n >= Math.min(stored.length, 60), 30_000, 'the feed to hold the stored anomalies');
  await page.locator('[data-testid="trade-anomaly"][data-complete="false"]').first().waitFor({ state: 'detached', timeout: 20_000 }).catch(() => undefined);
  assert.equal(await page.locator('[data-testid="trade-anomaly"][data-complete="false"]').count(), 0, 'live rows completed from the API');
  assert.equal(await rows.first().getAttribute('data-event'), stored[0]!.eventId);
  const bars = page.locator('[data-testid="trade-anomaly"] [data-testid="trade-bars"]');
  assert.equal(await bars.count(), await rows.count());
  for (const b of await bars.all()) assert.ok(Number(await b.getAttribute('data-bars')) >= 1, 'each anomaly has at least one bar');
  // Every anomaly carries the autoencoder's exact Shapley values, one per feature group, and its
  // bars are those, largest magnitude first, as stored.
  for (const a of stored) assert.ok(a.attributions.length >= 2, `anomaly ${a.eventId} carries Shapley values (${a.attributions.length})`);
  const kinds = new Set(await Promise.all((await bars.all()).map((b) => b.getAttribute('data-kind'))));
  assert.deepEqual([...kinds], ['shapley']);
  // Each anomaly says which score its bars explain: the model's, which the background's mean plus
  // the bars add up to (Float32 storage), and never above the shown score (final = max(model, rules)).
  for (const a of stored) {
    assert.ok(a.explained, `anomaly ${a.eventId} names the score its Shapley values explain`);
    const sum = a.attributions.reduce((t, x) => t + x.value, 0);
    assert.ok(Math.abs(a.explained.baseline + sum - a.explained.modelScore) < 0.01, `${a.eventId}: baseline ${a.explained.baseline} + ${sum} = model score ${a.explained.modelScore}`);
    assert.ok(a.score >= a.explained.modelScore - 0.01, `${a.eventId}: shown score ${a.score} ≥ model score ${a.explained.modelScore}`);
  }
  for (const a of stored.slice(0, 10)) {
    const row = page.locator(`[data-testid="trade-anomaly"][data-event="${a.eventId}"]`);
    assert.match(await row.locator('[data-testid="trade-bars-caption"]').innerText(), new RegExp(`model's score ${a.explained!.modelScore.toFixed(1).replace('.', '\\.')} = baseline`));
    const ruled = a.score - a.explained!.modelScore >= 0.05;
    assert.equal(await row.locator('[data-testid="trade-bars-note"]').count(), ruled ? 1 : 0, `${a.eventId}: score ${a.score}, model ${a.explained!.modelScore}`);
  }
  const firstBars = await page.locator('[data-testid="trade-anomaly"]').first().locator('[data-testid="trade-bar"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-group')));
  assert.deepEqual(firstBars, [...stored[0]!.attributions].sort((x, y) => Math.abs(y.value) - Math.abs(x.value)).map((x) => x.group).slice(0, firstBars.length));
  const firstBar = page.locator('[data-testid="trade-anomaly"]').first().locator('[data-testid="trade-bar"]').first();
  const width = await firstBar.locator('.fill').evaluate((el) => (el as HTMLElement).getBoundingClientRect().width);
  assert.ok(width > 10, `the top bar is drawn (${width}px)`);

  // Top companies: the API's window and the page's list agree on the leader.
  const top = TradeTopCompanies.parse((await getJson('/api/trade/companies/top?hours=24&limit=10')).body);
  assert.ok(top.companies.length > 0);
  const shown = page.locator('[data-testid="trade-company"]');
  await shown.first().waitFor({ timeout: 10_000 });
  // Live batches update the list between fetches; the view fetches the exact window again within 10 s.
  const leader = () => shown.first().getAttribute('data-score').then(Number);
  await waitFor(leader, (s) => Math.abs(s - top.companies[0]!.maxScore) < 0.01, 20_000, `the page's leader to score ${top.companies[0]!.maxScore} as the API's`);
  assert.ok((await shown.count()) >= Math.min(top.companies.length, 5));
  const scores = await Promise.all((await shown.all()).map(async (l) => Number(await l.getAttribute('data-score'))));
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a), 'highest score first');
  // A company at or above the minor band has at least one anomaly counted (live or from the API).
  for (const l of await shown.all()) {
    if (Number(await l.getAttribute('data-score')) >= 70) assert.ok(Number(await l.getAttribute('data-anomalies')) >= 1, `${await l.getAttribute('data-company')} counts its anomalies`);
  }

  // Selecting an anomaly on a route the company rarely uses draws its neighbourhood.
  const target = stored.find((a) => a.topGroup === 'route') ?? stored[0]!;
  await page.locator(`[data-testid="trade-anomaly"][data-event="${target.eventId}"]`).click();
  await page.locator('[data-testid="trade-graph-panel"][data-load="ready"]').waitFor({ timeout: 15_000 });
  const graphEl = page.locator('[data-testid="trade-graph"]');
  await waitFor(async () => Number(await graphEl.getAttribute('data-nodes')), (n) => n >= 4, 10_000, 'the graph drawn');
  const graph = TradeGraph.parse((await getJson(`/api/trade/companies/${target.exporterId}/graph?days=30&event=${encodeURIComponent(target.eventId)}`)).body);
  assert.equal(Number(await graphEl.getAttribute('data-nodes')), graph.nodes.length);
  assert.equal(Number(await graphEl.getAttribute('data-edges')), graph.edges.length);
  assert.deepEqual([graph.focus?.subheading, graph.focus?.port, graph.focus?.destination], [target.subheading, target.port, target.destination]);
  assert.equal(graph.edges.filter((e) => e.anomalous).length, 3, 'company → subheading → port → destination of the anomaly');
  assert.equal(Number(await graphEl.getAttribute('data-anomalous')), 3);
  assert.equal(new URL(page.url()).hash, `#/trade/${target.exporterId}/${encodeURIComponent(target.eventId)}`);

  // The highlighted edge is drawn in red where cytoscape says its midpoint is.
  await page.waitForTimeout(300);
  const [mx, my] = (await graphEl.getAttribute('data-highlight'))!.split(',').map(Number) as [number, number];
  const reds = await graphEl.evaluate((el, p) => {
    let found = 0;
    for (const c of Array.from(el.querySelectorAll('canvas'))) {
      const ctx = (c as HTMLCanvasElement).getContext('2d');
      if (!ctx) continue;
      const dpr = (c as HTMLCanvasElement).width / (c as HTMLCanvasElement).clientWidth;
      for (let dx = -2; dx <= 2; dx++)
        for (let dy = -2; dy <= 2; dy++) {
          const [r, g, b, a] = ctx.getImageData(Math.round((p.x + dx) * dpr), Math.round((p.y + dy) * dpr), 1, 1).data;
          if (a! > 100 && r! > 180 && g! < 120 && b! < 130) found++;
        }
    }
    return found;
  }, { x: mx, y: my });
  assert.ok(reds >= 3, `red pixels at the anomalous edge's midpoint (${mx}, ${my}): ${reds}`);
  await page.screenshot({ path: join(ARTIFACTS, 'trade-view.png') });
  await page.locator('[data-testid="trade-graph-panel"]').screenshot({ path: join(ARTIFACTS, 'trade-graph.png') });

  // A link (or a reload) opens the view with that declaration selected.
  await page.reload();
  await page.locator('[data-testid="trade-graph-panel"][data-load="ready"]').waitFor({ timeout: 15_000 });
  assert.equal(Number(await page.locator('[data-testid="trade-graph"]').getAttribute('data-anomalous')), 3);

  // Chosen Shapley values (one negative) on their way to a second page: the bars are those, signed,
  // ordered by magnitude, with widths in proportion, and captioned as Shapley values.
  const shapley = [{ group: 'route', value: -4.5 }, { group: 'price', value: 31.2 }, { group: 'volume', value: 8.25 }];
  const withShapley = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const shapleyErrors = watchConsole(withShapley);
  await withShapley.route('**/api/trade/anomalies?*', async (route) => {
    const res = await route.fetch();
    const body = TradeAnomalyList.parse(await res.json());
    body.anomalies[0]!.attributions = shapley;
    await route.fulfill({ response: res, json: body });
  });
  await withShapley.goto(proc.uiUrl('#/trade'));
  const first = withShapley.locator('[data-testid="trade-anomaly"]').first().locator('[data-testid="trade-bars"]');
  await first.locator('xpath=self::*[@data-kind="shapley"]').waitFor({ timeout: 15_000 });
  const groups = await first.locator('[data-testid="trade-bar"]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-group'), Number(e.getAttribute('data-value'))]));
  assert.deepEqual(groups, [['price', 31.2], ['volume', 8.25], ['route', -4.5]]);
  assert.equal(await first.locator('.fill.negative').count(), 1);
  assert.match(await first.innerText(), /Shapley value per feature group/);
  const fills = await first.locator('.fill').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
  assert.ok(Math.abs(fills[1]! / fills[0]! - 8.25 / 31.2) < 0.02, `bar widths follow the values: ${fills}`);
  // The rows after it show their own stored Shapley values.
  assert.equal(await withShapley.locator('[data-testid="trade-bars"][data-kind="shapley"]').count(), await withShapley.locator('[data-testid="trade-bars"]').count());
  await withShapley.locator('[data-testid="trade-feed"]').screenshot({ path: join(ARTIFACTS, 'trade-shapley.png') });
  await withShapley.close();
  assert.deepEqual(shapleyErrors, []);

  // The README's example queries run on this data and answer rows.
  const queries = readmeTradeQueries();
  assert.equal(queries.length, 3, `README trade queries: ${queries.map((q) => q.title).join('; ')}`);
  for (const q of queries) {
    const answer = await proc.sql<Record<string, unknown>>(q.sql);
    process.stdout.write(`README query "${q.title}": ${answer.length} rows, first ${JSON.stringify(answer[0])}\n`);
    assert.ok(answer.length > 0, `README query "${q.title}" answered no rows`);
  }

  process.stdout.write(`screenshots: ${['trade-view', 'trade-graph', 'trade-shapley'].map((n) => join(ARTIFACTS, `${n}.png`)).join(', ')}\n`);
  assert.deepEqual(errors, []);
});

test('the trade routes refuse odd parameters with the reason, and bound what they read', async () => {
  const bad: [string, RegExp][] = [
    ['/api/trade/anomalies?limit=100000', /limit must be a whole number from 1 to 500/],
    ['/api/trade/anomalies?limit=-1', /limit must be/],
    ['/api/trade/anomalies?limit=abc', /limit must be/],
    ['/api/trade/anomalies?limit=1e2', /.*/],
    ['/api/trade/anomalies?hours=99999999', /hours must be a whole number from 1 to 8784/],
    ['/api/trade/anomalies?company=' + encodeURIComponent("x' OR '1'='1"), /company ids are 1–32 characters/],
    ['/api/trade/anomalies?company=', /company ids are/],
    ['/api/trade/anomalies?company=' + 'A'.repeat(33), /company ids are/],
    ['/api/trade/anomalies?query=' + encodeURIComponent('SELECT 1'), /unknown parameter query/],
    ['/api/trade/companies/top?hours=0', /hours must be/],
    ['/api/trade/companies/top?hours=' + encodeURIComponent('24; DROP TABLE trade_scores'), /hours must be/],
    ['/api/trade/companies/top?limit=101', /limit must be a whole number from 1 to 100/],
    ['/api/trade/companies/' + encodeURIComponent("1' OR 1=1 --") + '/graph', /company ids are/],
    ['/api/trade/companies/' + encodeURIComponent('Ω-company') + '/graph', /company ids are/],
    ['/api/trade/companies/C1/graph?days=100000', /days must be a whole number from 1 to 366/],
    ['/api/trade/companies/C1/graph?routes=1000000', /routes must be/],
    ['/api/trade/companies/C1/graph?event=' + 'x'.repeat(129), /event must be a declaration id/],
    ['/api/trade/companies/C1/graph?event=' + encodeURIComponent('a\u0000b'), /control characters/],
  ];
  for (const [path, reason] of bad) {
    const r = await getJson(path);
    if (path.endsWith('limit=1e2')) {
      // Coerced to 100: a number, in range, so accepted and bounded.
      assert.equal(r.status, 200, path);
      assert.ok(r.body.anomalies.length <= 100);
      continue;
    }
    assert.equal(r.status, 400, `${path} → ${r.status} ${JSON.stringify(r.body)}`);
    assert.match(r.body.error, reason, path);
  }
  // Well-formed but unknown: 404 with the reason, the bound parameter never read as SQL.
  const unknownEvent = await getJson('/api/trade/companies/C1/graph?event=' + encodeURIComponent("x' OR '1'='1"));
  assert.equal(unknownEvent.status, 404);
  assert.match(unknownEvent.body.error, /no scored declaration/);
  assert.equal((await getJson('/api/trade/companies/NO_SUCH_CO/graph')).status, 404);
  // The widest window still answers at most `limit` rows.
  const widest = await getJson('/api/trade/anomalies?limit=500&hours=8784');
  assert.equal(widest.status, 200);
  assert.ok(widest.body.anomalies.length <= 500);
  const topAll = await getJson('/api/trade/companies/top?hours=8784&limit=100');
  assert.equal(topAll.status, 200);
  assert.ok(topAll.body.companies.length <= 100);
  const [busiest] = topAll.body.companies;
  const wide = TradeGraph.parse((await getJson(`/api/trade/companies/${busiest.exporterId}/graph?days=366&routes=2`)).body);
  assert.ok(wide.edges.length <= 2 * 3 && wide.nodes.length <= 1 + 2 * 3, 'at most `routes` routes drawn');
});
