import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { get, type Readable } from 'svelte/store';
import type { Anomaly, FareAnomaly, LiveCellBoundary, LiveCellScore } from '../../../../contracts/index.ts';
import type { FetchLike } from './trip-api.ts';
import { createTripFeed, type TripFeed, type TripFeedOptions } from './trip-feed.ts';
import { FakeFeedSocket as FakeSocket } from '../../lib/fake-feed-socket.ts';


/** A fetch whose answers the test releases by hand, by URL prefix. */
function controlledFetch() {
  const waiting: Array<{ url: string; answer: (status: number, body: unknown) => void; fail: (err: Error) => void }> = [];
  const fetch: FetchLike = (url) =>
    new Promise((resolve, reject) => {
      waiting.push({ url, answer: (status, body) => resolve({ ok: status < 300, status, json: async () => body }), fail: reject });
    });
  const take = (prefix: string) => {
    const i = waiting.findIndex((w) => w.url.startsWith(prefix));
    assert.ok(i >= 0, `a request to ${prefix} (pending: ${waiting.map((w) => w.url).join(', ') || 'none'})`);
    return waiting.splice(i, 1)[0]!;
  };
  return { fetch, waiting, take };
}

const tick = () => new Promise<void>((r) => setImmediate(r));
const T0 = Date.UTC(2026, 2, 2, 18);
const at = (min: number) => T0 + min * 60_000;
const CELLS = '/api/trip/cells?resolution=';
const FARES = '/api/trip/fare-anomalies';

const cellScore = (cell: string, over: Partial<LiveCellScore> = {}): LiveCellScore => ({ cell, score: 10, severity: null, direction: null, pickups: 3, expected: 2, driver: 'pickups_15m_z', ...over });
const boundary = (resolution: 7 | 8 | 9, min: number, cells = [cellScore('a')]): LiveCellBoundary => ({ resolution, windowEnd: at(min), cells });
const fare = (tripId: string, min: number, over: Partial<FareAnomaly> = {}): FareAnomaly => ({
  tripId,
  ts: at(min),
  score: 90,
  severity: 'major',
  driver: 'fare_residual',
  reason: 'fare far above the meter',
  fare: 80,
  expectedFare: 22,
  distance: 3,
  durationMin: 12,
  pickupCell: '882a100d65fffff',
  ...over,
});
const anomaly = (over: Partial<Anomaly> = {}): Anomaly => ({
  id: 'live:t-9',
  runId: 'live',
  domain: 'trip',
  entity: '882a100d65fffff',
  eventId: 't-9',
  ts: at(20),
  score: 95,
  severity: 'critical',
  detector: 'trip-fare@1',
  drivers: [{ feature: 'fare_amount', score: 95, value: 120, expected: 30, reason: 'fare 4× the expected' }],
  values: { fare_amount: 120 },
  emittedAt: at(20),
  ...over,
});

function setup(over: Partial<TripFeedOptions> = {}) {
  const sockets: FakeSocket[] = [];
  const warnings: unknown[][] = [];
  const timers: Array<{ fn: () => void; ms: number; cancelled: boolean }> = [];
  const http = controlledFetch();
  const feed = createTripFeed({
    connect: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    api: { fetch: http.fetch },
    schedule: (f) => f(),
    delay: (fn, ms) => {
      const t = { fn, ms, cancelled: false };
      timers.push(t);
      return () => (t.cancelled = true);
    },
    log: { warn: (...args: unknown[]) => warnings.push(args) },
    ...over,
  });
  return { feed, sockets, warnings, timers, http };
}

/** Subscribes to every store (as the view does); returns the unsubscribe. */
function watchAll(feed: TripFeed) {
  const stores: Readable<unknown>[] = [feed.resolution, feed.boundary, feed.cellsLoad, feed.fares, feed.faresLoad, feed.status, feed.rejected];
  const offs = stores.map((s) => s.subscribe(() => {}));
  return () => offs.forEach((off) => off());
}

describe('createTripFeed: the map', () => {
  it('joins the trip rooms and the shown resolution on connect and loads its latest boundary', async () => {
    const { feed, sockets, http } = setup();
    const stop = watchAll(feed);
    assert.equal(sockets.length, 1, 'one socket for all stores');
    sockets[0]!.receive('connect');
    assert.deepEqual(sockets[0]!.emitted, [
      ['subscribe', { domain: 'trip' }],
      ['trip:watch-map', { resolution: 8 }],
    ]);
    assert.equal(get(feed.status), 'live');
    assert.equal(get(feed.cellsLoad).state, 'loading');
    http.take(`${CELLS}8`).answer(200, boundary(8, 5, [cellScore('a'), cellScore('b', { severity: 'major', score: 90, direction: 'surge' })]));
    await tick();
    assert.equal(get(feed.cellsLoad).state, 'ready');
    const b = get(feed.boundary)!;
    assert.equal(b.windowEnd, at(5));
    assert.equal(b.summary.anomalies.surge, 1);
    stop();
    assert.ok(sockets[0]!.disconnected, 'the last subscriber leaving closes the socket');
  });

  it('takes each newer live boundary and drops an older HTTP answer that lands after it', async () => {
    const { feed, sockets, http } = setup();
    const stop = watchAll(feed);
    sockets[0]!.receive('connect');
    sockets[0]!.receive('trip:cells', boundary(8, 10, [cellScore('live')]));
    assert.equal(get(feed.boundary)!.windowEnd, at(10));
    assert.equal(get(feed.cellsLoad).state, 'ready');
    http.take(`${CELLS}8`).answer(200, boundary(8, 5, [cellScore('stale')]));
    await tick();
    assert.deepEqual([...get(feed.boundary)!.byCell.keys()], ['live']);
    stop();
  });

  it('says "empty" when nothing is scored yet (404), until the first live boundary', async () => {
    const { feed, sockets, http } = setup();
    const stop = watchAll(feed);
    sockets[0]!.receive('connect');
    http.take(`${CELLS}8`).answer(404, { error: 'nothing scored yet' });
    await tick();
    assert.equal(get(feed.cellsLoad).state, 'empty');
    assert.equal(get(feed.boundary), null);
    sockets[0]!.receive('trip:cells', boundary(8, 5));
    assert.equal(get(feed.cellsLoad).state, 'ready');
    stop();
  });

  it('switches resolution: watches the new room, loads it, and shows a held boundary again when switching back', async () => {
    const { feed, sockets, http } = setup();
    const stop = watchAll(feed);
    const s = sockets[0]!;
    s.receive('connect');
    http.take(`${CELLS}8`).answer(200, boundary(8, 5));
    await tick();
    feed.setResolution(9);
    assert.equal(get(feed.resolution), 9);
    assert.deepEqual(s.emitted.at(-1), ['trip:watch-map', { resolution: 9 }]);
    assert.equal(get(feed.boundary), null);
    assert.equal(get(feed.cellsLoad).state, 'loading');
    // A late res-8 boundary (sent before the server moved the socket) is kept for later, not shown.
    s.receive('trip:cells', boundary(8, 10));
    assert.equal(get(feed.boundary), null);
    http.take(`${CELLS}9`).answer(200, boundary(9, 10, [cellScore('nine')]));
    await tick();
    assert.equal(get(feed.boundary)!.resolution, 9);
    feed.setResolution(8);
    assert.equal(get(feed.boundary)!.windowEnd, at(10), 'the held res-8 boundary, shown at once');
    http.take(`${CELLS}8`).answer(200, boundary(8, 10));
    await tick();
    feed.setResolution(8);
    assert.equal(http.waiting.filter((w) => w.url.startsWith(CELLS)).length, 0, 'the same resolution again is a no-op');
    stop();
  });

  it('ignores the answer for a resolution no longer shown', async () => {
    const { feed, sockets, http } = setup();
    const stop = watchAll(feed);
    sockets[0]!.receive('connect');
    const first = http.take(`${CELLS}8`);
    feed.setResolution(7);
    first.answer(200, boundary(8, 5));
    await tick();
    assert.equal(get(feed.boundary), null);
    assert.equal(get(feed.cellsLoad).state, 'loading');
    stop();
  });

  it('retries a failed load after a delay, but not one the server refused', async () => {
    const { feed, sockets, http, timers, warnings } = setup();
    const stop = watchAll(feed);
    sockets[0]!.receive('connect');
    http.take(`${CELLS}8`).answer(503, { error: 'store not ready' });
    await tick();
    assert.deepEqual(get(feed.cellsLoad), { state: 'error', message: '/api/trip/cells?resolution=8 answered 503: store not ready', retrying: true });
    assert.equal(timers.length, 1);
    timers[0]!.fn();
    http.take(`${CELLS}8`).answer(400, { error: 'bad resolution' });
    await tick();
    assert.equal((get(feed.cellsLoad) as { retrying: boolean }).retrying, false);
    assert.equal(timers.length, 1, 'no retry after a 4xx');
    assert.equal(warnings.length, 2);
    stop();
  });

  it('counts and reports invalid payloads without touching the map', () => {
    const { feed, sockets, warnings } = setup();
    const stop = watchAll(feed);
    sockets[0]!.receive('connect');
    sockets[0]!.receive('trip:cells', { resolution: 6, windowEnd: 1, cells: [] });
    sockets[0]!.receive('anomaly', { id: 'x' });
    assert.deepEqual(get(feed.rejected), { cells: 1, anomaly: 1 });
    assert.equal(get(feed.boundary), null);
    assert.match(String(warnings[0]![0]), /invalid "cells"/);
    stop();
  });

  it('hands every valid boundary and trip anomaly to listeners', () => {
    const { feed, sockets } = setup();
    const stop = watchAll(feed);
    const seen: string[] = [];
    const off1 = feed.onCells((b) => seen.push(`cells:${b.resolution}`));
    const off2 = feed.onAnomaly((a) => seen.push(`anomaly:${a.detector}`));
    sockets[0]!.receive('connect');
    sockets[0]!.receive('trip:cells', boundary(9, 5));
    sockets[0]!.receive('anomaly', anomaly({ detector: 'trip-demand@1' }));
    sockets[0]!.receive('anomaly', anomaly({ domain: 'sensor' }));
    off1();
    off2();
    sockets[0]!.receive('trip:cells', boundary(9, 10));
    assert.deepEqual(seen, ['cells:9', 'anomaly:trip-demand@1']);
    stop();
  });

  it('rejoins and reloads after a reconnect', async () => {
    const { feed, sockets, http } = setup();
    const stop = watchAll(feed);
    const s = sockets[0]!;
    s.receive('connect');
    http.take(`${CELLS}8`).answer(200, boundary(8, 5));
    http.take(FARES).answer(200, { anomalies: [] });
    await tick();
    s.receive('disconnect');
    assert.equal(get(feed.status), 'disconnected');
    feed.setResolution(7);
    http.take(`${CELLS}7`).answer(404, { error: 'none' });
    await tick();
    s.emitted = [];
    s.receive('connect');
    assert.deepEqual(s.emitted, [
      ['subscribe', { domain: 'trip' }],
      ['trip:watch-map', { resolution: 7 }],
    ]);
    http.take(`${CELLS}7`);
    http.take(FARES);
    stop();
  });
});

describe('createTripFeed: the fare list', () => {
  it('shows the API rows, then live fare anomalies on top, completed from the API soon after', async () => {
    const { feed, sockets, http, timers } = setup({ fareRefreshMs: 2500 });
    const stop = watchAll(feed);
    const s = sockets[0]!;
    s.receive('connect');
    http.take(FARES + '?limit=100').answer(200, { anomalies: [fare('t-2', 10), fare('t-1', 5)] });
    await tick();
    assert.equal(get(feed.faresLoad).state, 'ready');
    assert.deepEqual(get(feed.fares).map((r) => r.tripId), ['t-2', 't-1']);

    s.receive('anomaly', anomaly());
    s.receive('anomaly', anomaly({ id: 'live:t-10', eventId: 't-10' }));
    s.receive('anomaly', anomaly({ detector: 'trip-demand@1', id: 'd' }));
    const rows = get(feed.fares);
    assert.deepEqual(rows.map((r) => `${r.tripId}:${r.source}`), ['t-10:live', 't-9:live', 't-2:api', 't-1:api']);
    assert.equal(rows[1]!.expectedFare, 30, 'from the fare driver');
    assert.equal(timers.length, 1, 'one refresh for the burst');
    assert.equal(timers[0]!.ms, 2500);

    timers[0]!.fn();
    http.take(FARES).answer(200, { anomalies: [fare('t-9', 20, { expectedFare: 31 }), fare('t-2', 10)] });
    await tick();
    const completed = get(feed.fares);
    assert.deepEqual(completed.map((r) => `${r.tripId}:${r.source}`), ['t-10:live', 't-9:api', 't-2:api', 't-1:api']);
    assert.equal(completed[1]!.expectedFare, 31);
    stop();
  });

  it('caps the list', async () => {
    const { feed, sockets, http } = setup({ maxFares: 2 });
    const stop = watchAll(feed);
    sockets[0]!.receive('connect');
    const req = http.take(FARES);
    assert.equal(req.url, '/api/trip/fare-anomalies?limit=2');
    req.answer(200, { anomalies: [fare('a', 3), fare('b', 2)] });
    await tick();
    sockets[0]!.receive('anomaly', anomaly({ eventId: 'c', ts: at(1) }));
    sockets[0]!.receive('anomaly', anomaly({ eventId: 'd', ts: at(9) }));
    assert.deepEqual(get(feed.fares).map((r) => r.tripId), ['d', 'a']);
    stop();
  });

  it('keeps live rows but stops asking when the fare route is refused', async () => {
    const { feed, sockets, http, timers } = setup();
    const stop = watchAll(feed);
    sockets[0]!.receive('connect');
    http.take(FARES).answer(404, { error: 'Not Found' });
    await tick();
    assert.deepEqual(get(feed.faresLoad), { state: 'error', message: '/api/trip/fare-anomalies?limit=100 answered 404: Not Found', retrying: false });
    sockets[0]!.receive('anomaly', anomaly());
    assert.equal(get(feed.fares).length, 1);
    assert.equal(timers.length, 0);
    stop();
  });

  it('ignores answers that land after the view closed', async () => {
    const { feed, sockets, http } = setup();
    const stop = watchAll(feed);
    sockets[0]!.receive('connect');
    const cells = http.take(`${CELLS}8`);
    const fares = http.take(FARES);
    stop();
    cells.answer(200, boundary(8, 5));
    fares.answer(200, { anomalies: [fare('a', 1)] });
    await tick();
    assert.equal(get(feed.boundary), null);
    assert.deepEqual(get(feed.fares), []);
  });
});
