import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'svelte/store';
import type { Anomaly, LiveReading } from '../../../../contracts/index.ts';
import type { FetchLike, SeriesPoint } from './station-api.ts';
import { createStationFeed, type StationFeedOptions } from './station-feed.ts';
import { FakeFeedSocket as FakeSocket } from '../../lib/fake-feed-socket.ts';


const T0 = Date.UTC(2026, 2, 2);
const ts = (minute: number) => T0 + minute * 60_000;

function point(minute: number, over: Partial<SeriesPoint> = {}): SeriesPoint {
  return { ts: ts(minute), eventId: `st-001@${ts(minute)}`, values: { pressure: 4, flow: 800 }, score: 10, severity: null, topFeature: 'pressure', ...over };
}

function reading(minute: number, over: Partial<LiveReading> = {}): LiveReading {
  const { ts: t, eventId, values, score, severity, topFeature } = point(minute);
  return { domain: 'sensor', entity: 'st-001', eventId, ts: t, values, score, severity, topFeature, cluster: null, ...over };
}

function anomaly(minute: number, over: Partial<Anomaly> = {}): Anomaly {
  return {
    id: `live:st-001@${ts(minute)}`,
    runId: 'live',
    domain: 'sensor',
    entity: 'st-001',
    eventId: `st-001@${ts(minute)}`,
    ts: ts(minute),
    score: 90,
    severity: 'major',
    detector: 'online@1',
    drivers: [{ feature: 'flow', score: 90, value: 2, expected: 1, reason: 'flow jumped' }],
    values: { flow: 2 },
    emittedAt: ts(minute) + 1,
    ...over,
  };
}

/** A fetch whose answers the test releases by hand, per URL prefix. */
function controlledFetch() {
  const waiting: Array<{ url: string; answer: (status: number, body: unknown) => void; fail: (err: Error) => void }> = [];
  const fetch: FetchLike = (url) =>
    new Promise((resolve, reject) => {
      waiting.push({
        url,
        answer: (status, body) => resolve({ ok: status < 300, status, json: async () => body }),
        fail: reject,
      });
    });
  const take = (prefix: string) => {
    const i = waiting.findIndex((w) => w.url.startsWith(prefix));
    assert.ok(i >= 0, `a request to ${prefix} (pending: ${waiting.map((w) => w.url).join(', ') || 'none'})`);
    return waiting.splice(i, 1)[0]!;
  };
  return { fetch, waiting, take };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

function setup(over: Partial<StationFeedOptions> = {}) {
  const sockets: FakeSocket[] = [];
  const warnings: unknown[][] = [];
  const http = controlledFetch();
  const retries: Array<{ run: () => void; ms: number }> = [];
  const feed = createStationFeed({
    station: 'st-001',
    connect: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    api: { fetch: http.fetch },
    schedule: (flush) => flush(),
    delay: (run, ms) => {
      const r = { run, ms };
      retries.push(r);
      return () => void retries.splice(retries.indexOf(r), 1);
    },
    log: { warn: (...args: unknown[]) => void warnings.push(args) },
    ...over,
  });
  return { feed, sockets, http, retries, warnings };
}

describe('createStationFeed', () => {
  it("joins the station's room on every connect and leaves (disconnects) with the last subscriber", () => {
    const { feed, sockets } = setup();
    const stopA = feed.chart.subscribe(() => {});
    const stopB = feed.status.subscribe(() => {});
    assert.equal(sockets.length, 1);
    const s = sockets[0]!;
    s.receive('connect');
    assert.deepEqual(s.emitted, [['subscribe', { domain: 'sensor', entity: 'st-001' }]]);
    assert.equal(get(feed.status), 'live');
    stopA();
    assert.equal(s.disconnected, false);
    stopB();
    assert.equal(s.disconnected, true);
  });

  it('loads the stored window, then appends live readings', async () => {
    const { feed, sockets, http } = setup({ windowSize: 500 });
    const stop = feed.chart.subscribe(() => {});
    assert.deepEqual(get(feed.load), { state: 'loading' });
    http.take('/api/sensor/stations/st-001/series?limit=500').answer(200, { station: 'st-001', points: [point(0), point(1, { severity: 'minor', score: 75 })] });
    await tick();
    assert.deepEqual(get(feed.load), { state: 'ready', stored: 2 });
    assert.equal(get(feed.chart).xs.length, 2);
    assert.equal(get(feed.chart).periods.length, 1);
    sockets[0]!.receive('reading', reading(2, { cluster: 4 }));
    const chart = get(feed.chart);
    assert.deepEqual(chart.xs, [ts(0), ts(1), ts(2)]);
    assert.equal(chart.latest?.cluster, 4);
    stop();
  });

  it('keeps live readings that arrive before the stored window, and caps the window', async () => {
    const { feed, sockets, http } = setup({ windowSize: 3 });
    const stop = feed.chart.subscribe(() => {});
    sockets[0]!.receive('reading', reading(5));
    sockets[0]!.receive('reading', reading(6));
    http.take('/api/sensor/stations/').answer(200, { station: 'st-001', points: [point(3), point(4), point(5)] });
    await tick();
    assert.deepEqual(get(feed.chart).xs, [ts(4), ts(5), ts(6)]);
    stop();
  });

  it('batches a burst of readings into one chart update per scheduled flush', async () => {
    const flushes: Array<() => void> = [];
    const { feed, sockets, http } = setup({ schedule: (f) => void flushes.push(f) });
    let updates = 0;
    const stop = feed.chart.subscribe(() => updates++);
    http.take('/api/sensor/stations/').answer(200, { station: 'st-001', points: [] });
    await tick();
    flushes.shift()!();
    const before = updates;
    for (const m of [1, 2, 3, 4]) sockets[0]!.receive('reading', reading(m));
    assert.equal(flushes.length, 1, 'one flush scheduled for the burst');
    flushes.shift()!();
    assert.equal(updates, before + 1);
    assert.equal(get(feed.chart).xs.length, 4);
    stop();
  });

  it("ignores other stations' readings and counts invalid payloads without showing them", () => {
    const { feed, sockets, warnings } = setup();
    const stop = feed.chart.subscribe(() => {});
    const s = sockets[0]!;
    s.receive('reading', reading(1, { entity: 'st-002' }));
    s.receive('reading', { ...reading(2), score: 300 });
    s.receive('reading', 'nonsense');
    s.receive('anomaly', { ...anomaly(1), severity: 'huge' });
    assert.equal(get(feed.chart).xs.length, 0);
    assert.deepEqual(get(feed.rejected), { reading: 2, anomaly: 1 });
    assert.equal(warnings.length, 3);
    stop();
  });

  it('shows the stored latest anomaly, then newer live ones, never an older one', async () => {
    const { feed, sockets, http } = setup();
    const stop = feed.latestAnomaly.subscribe(() => {});
    http.take('/api/sensor/stations/').answer(200, { station: 'st-001', points: [point(0)] });
    await tick();
    const stored = anomaly(5);
    http.take('/api/sensor/stations/st-001/anomalies').answer(200, { station: 'st-001', anomalies: [{ ...stored, score: 90, severity: 'major' }] });
    await tick();
    assert.equal(get(feed.latestAnomaly)?.drivers[0]?.reason, 'flow jumped');
    sockets[0]!.receive('anomaly', anomaly(3, { drivers: [] }));
    assert.equal(get(feed.latestAnomaly)?.ts, ts(5), 'an older anomaly does not replace a newer one');
    sockets[0]!.receive('anomaly', anomaly(7, { severity: 'critical' }));
    assert.equal(get(feed.latestAnomaly)?.severity, 'critical');
    sockets[0]!.receive('anomaly', anomaly(9, { entity: 'st-002' }));
    assert.equal(get(feed.latestAnomaly)?.ts, ts(7));
    stop();
  });

  it('reports a failed load and retries it later; a reconnect reloads to fill the gap', async () => {
    const { feed, sockets, http, retries } = setup({ retryMs: 2000 });
    const stop = feed.load.subscribe(() => {});
    http.take('/api/sensor/stations/').answer(503, { error: 'store unavailable' });
    await tick();
    const load = get(feed.load);
    assert.equal(load.state, 'error');
    assert.match(load.state === 'error' ? load.message : '', /503: store unavailable/);
    assert.equal(retries.length, 1);
    assert.equal(retries[0]!.ms, 2000);
    retries[0]!.run();
    http.take('/api/sensor/stations/').answer(200, { station: 'st-001', points: [point(0)] });
    await tick();
    assert.equal(get(feed.load).state, 'ready');

    const s = sockets[0]!;
    s.receive('connect');
    assert.equal(http.waiting.filter((w) => w.url.includes('/series')).length, 0, 'the first connect does not reload');
    s.receive('disconnect');
    s.receive('connect');
    assert.equal(http.waiting.filter((w) => w.url.includes('/series')).length, 1, 'a reconnect reloads');
    stop();
  });

  it('does not retry a request the server refused (4xx)', async () => {
    const { feed, http, retries } = setup();
    const stop = feed.load.subscribe(() => {});
    http.take('/api/sensor/stations/').answer(400, { error: 'station ids are 1–64 characters' });
    await tick();
    assert.deepEqual(get(feed.load), { state: 'error', message: '/api/sensor/stations/st-001/series?limit=1440 answered 400: station ids are 1–64 characters', retrying: false });
    assert.equal(retries.length, 0);
    stop();
  });

  it('drops answers that arrive after the last subscriber left', async () => {
    const { feed, http, retries } = setup();
    let seen = 0;
    const stop = feed.chart.subscribe(() => seen++);
    const pending = http.take('/api/sensor/stations/');
    stop();
    pending.answer(200, { station: 'st-001', points: [point(0)] });
    await tick();
    assert.equal(seen, 1, 'only the initial value');
    assert.equal(retries.length, 0);
  });
});
