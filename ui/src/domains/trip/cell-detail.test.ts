import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'svelte/store';
import type { Anomaly, LiveCellBoundary } from '../../../../contracts/index.ts';
import { createCellDetail, mergeAnomalies, type CellDetailOptions } from './cell-detail.ts';
import type { FetchLike } from './trip-api.ts';

const CELL = '882a100d65fffff'; // resolution 8
const T0 = Date.UTC(2026, 2, 2, 18);
const at = (min: number) => T0 + min * 60_000;

function demand(min: number, over: Partial<Anomaly> = {}): Anomaly {
  return {
    id: `live:${CELL}@${at(min)}`,
    runId: 'live',
    domain: 'trip',
    entity: CELL,
    eventId: `${CELL}@${at(min)}`,
    ts: at(min),
    score: 88,
    severity: 'major',
    detector: 'trip-demand@1',
    drivers: [{ feature: 'pickups_15m_z', score: 88, value: 30, expected: 9, reason: 'pickups 3.3× the usual' }],
    values: { pickups_15m: 30 },
    emittedAt: at(min),
    ...over,
  };
}

function fakeFeed() {
  const cells = new Set<(b: LiveCellBoundary) => void>();
  const anomalies = new Set<(a: Anomaly) => void>();
  return {
    onCells: (l: (b: LiveCellBoundary) => void) => (cells.add(l), () => void cells.delete(l)),
    onAnomaly: (l: (a: Anomaly) => void) => (anomalies.add(l), () => void anomalies.delete(l)),
    pushCells: (b: LiveCellBoundary) => cells.forEach((l) => l(b)),
    pushAnomaly: (a: Anomaly) => anomalies.forEach((l) => l(a)),
    listeners: () => cells.size + anomalies.size,
  };
}

function routes(answers: Record<string, { status: number; body: unknown }>, calls: string[] = []): FetchLike {
  return async (url) => {
    calls.push(url);
    const key = Object.keys(answers).find((k) => url.includes(k));
    const a = key ? answers[key]! : { status: 404, body: { error: 'no route' } };
    return { ok: a.status < 300, status: a.status, json: async () => a.body };
  };
}

const tick = () => new Promise<void>((r) => setImmediate(r));
const seriesPoint = (min: number, score = 10) => ({ windowEnd: at(min), pickups15m: 4, pickups60m: 12, dropoffs60m: 11, expected15m: 3.5, score });

function setup(fetch: FetchLike, over: Partial<CellDetailOptions> = {}) {
  const feed = fakeFeed();
  const timers: Array<() => void> = [];
  const detail = createCellDetail({
    cell: CELL,
    feed,
    api: { fetch },
    delay: (fn) => (timers.push(fn), () => {}),
    log: { warn: () => {} },
    ...over,
  });
  const offs = [detail.series, detail.seriesLoad, detail.anomalies, detail.anomaliesLoad].map((s) => (s as { subscribe(f: () => void): () => void }).subscribe(() => {}));
  return { detail, feed, timers, stop: () => offs.forEach((o) => o()) };
}

describe('createCellDetail', () => {
  it("loads the cell's series and anomalies, then adds live boundary points and demand anomalies of the cell", async () => {
    const calls: string[] = [];
    const { detail, feed, stop } = setup(
      routes(
        {
          '/series': { status: 200, body: { cell: CELL, resolution: 8, points: [seriesPoint(0), seriesPoint(5)] } },
          '/anomalies': { status: 200, body: { anomalies: [demand(0)] } },
        },
        calls,
      ),
      { hours: 2, anomalyLimit: 20 },
    );
    assert.equal(detail.resolution, 8);
    await tick();
    assert.deepEqual(calls, [`/api/trip/cells/${CELL}/series?hours=2`, `/api/trip/cells/${CELL}/anomalies?limit=20`]);
    assert.equal(get(detail.seriesLoad).state, 'ready');
    assert.equal(get(detail.series).length, 2);

    feed.pushCells({ resolution: 8, windowEnd: at(10), cells: [{ cell: CELL, score: 91, severity: 'major', direction: 'surge', pickups: 30, expected: 9, driver: 'pickups_15m_z' }] });
    feed.pushCells({ resolution: 9, windowEnd: at(10), cells: [] });
    feed.pushCells({ resolution: 8, windowEnd: at(15), cells: [] });
    assert.deepEqual(get(detail.series).map((p) => p.score), [10, 10, 91]);

    feed.pushAnomaly(demand(10));
    feed.pushAnomaly(demand(12, { entity: 'other', id: 'o' }));
    feed.pushAnomaly(demand(13, { detector: 'trip-fare@1', id: 'f' }));
    assert.deepEqual(get(detail.anomalies).map((a) => a.ts), [at(10), at(0)]);
    stop();
    assert.equal(feed.listeners(), 0, 'stops listening with the last subscriber');
  });

  it('reports a failed series load and retries it; a refused one is not retried', async () => {
    let seriesStatus = 502;
    const fetch: FetchLike = async (url) => {
      const body = url.includes('/series') ? (seriesStatus < 300 ? { cell: CELL, resolution: 8, points: [seriesPoint(0)] } : { error: 'bad gateway' }) : { error: 'nope' };
      const status = url.includes('/series') ? seriesStatus : 403;
      return { ok: status < 300, status, json: async () => body };
    };
    const { detail, timers, stop } = setup(fetch);
    await tick();
    assert.deepEqual(get(detail.seriesLoad), { state: 'error', message: `/api/trip/cells/${CELL}/series?hours=6 answered 502: bad gateway`, retrying: true });
    assert.equal((get(detail.anomaliesLoad) as { retrying: boolean }).retrying, false);
    assert.equal(timers.length, 1, 'only the series is retried');
    seriesStatus = 200;
    timers[0]!();
    await tick();
    assert.equal(get(detail.seriesLoad).state, 'ready');
    assert.equal(get(detail.series).length, 1);
    stop();
  });
});

describe('mergeAnomalies', () => {
  it('orders newest first, unique by id, capped', () => {
    const merged = mergeAnomalies([demand(0), demand(5)], [demand(3), demand(5, { score: 99 })], 2);
    assert.deepEqual(merged.map((a) => [a.ts, a.score]), [
      [at(5), 99],
      [at(3), 88],
    ]);
    const same = [demand(0)];
    assert.equal(mergeAnomalies(same, [], 5), same);
  });
});
