import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'svelte/store';
import type { Anomaly, LiveStats } from '../../../contracts/index.ts';
import { createLiveFeed, type LiveFeedOptions } from './live-feed.ts';
import { FakeFeedSocket as FakeSocket } from './fake-feed-socket.ts';


function anomaly(n: number, over: Partial<Anomaly> = {}): Anomaly {
  return {
    id: `run1:evt-${n}`,
    runId: 'run1',
    domain: 'sensor',
    entity: 'ST-001',
    eventId: `evt-${n}`,
    ts: 1_700_000_000_000 + n,
    score: 90,
    severity: 'major',
    detector: 'zscore@1',
    drivers: [{ feature: 'pressure', score: 90, value: 5.1, expected: 3.2, reason: 'pressure far above its recent mean' }],
    values: { pressure: 5.1 },
    emittedAt: 1_700_000_000_100 + n,
    ...over,
  };
}

const STATS: LiveStats = { at: 1, eventsPerSecond: { sensor: 1200 }, totals: { events: 10, anomalies: 2, deadLetters: 0 } };

function setup(over: LiveFeedOptions = {}) {
  const sockets: FakeSocket[] = [];
  const warnings: unknown[][] = [];
  const feed = createLiveFeed({
    connect: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    schedule: (flush) => flush(), // synchronous, so tests need no frames or timers
    log: { warn: (...args: unknown[]) => void warnings.push(args) },
    ...over,
  });
  return { feed, sockets, warnings };
}

describe('createLiveFeed', () => {
  it('connects on the first subscriber and disconnects when the last one leaves', () => {
    const { feed, sockets } = setup();
    assert.equal(sockets.length, 0);
    const stopA = feed.anomalies.subscribe(() => {});
    const stopB = feed.status.subscribe(() => {});
    assert.equal(sockets.length, 1, 'one shared socket for all stores');
    stopA();
    assert.equal(sockets[0]!.disconnected, false);
    stopB();
    assert.equal(sockets[0]!.disconnected, true);
  });

  it('reports connecting, then live, and joins its rooms on every connect', () => {
    const { feed, sockets } = setup({ subscriptions: [{ domain: 'sensor' }, { domain: 'trip' }] });
    const seen: string[] = [];
    const stop = feed.status.subscribe((s) => seen.push(s));
    const s = sockets[0]!;
    s.receive('connect');
    s.receive('disconnect', 'transport close');
    s.receive('connect');
    assert.deepEqual(seen, ['connecting', 'live', 'disconnected', 'live']);
    assert.deepEqual(s.emitted, [
      ['subscribe', { domain: 'sensor' }],
      ['subscribe', { domain: 'trip' }],
      ['subscribe', { domain: 'sensor' }],
      ['subscribe', { domain: 'trip' }],
    ]);
    stop();
  });

  it('includes the entity in the subscription when one is given', () => {
    const { feed, sockets } = setup({ subscriptions: [{ domain: 'sensor', entity: 'ST-007' }] });
    const stop = feed.status.subscribe(() => {});
    sockets[0]!.receive('connect');
    assert.deepEqual(sockets[0]!.emitted, [['subscribe', { domain: 'sensor', entity: 'ST-007' }]]);
    stop();
  });

  it('joins no room without subscriptions, yet still shows the stats', () => {
    const { feed, sockets } = setup();
    const stop = feed.stats.subscribe(() => {});
    sockets[0]!.receive('connect');
    sockets[0]!.receive('stats', STATS);
    assert.deepEqual(sockets[0]!.emitted, []);
    assert.deepEqual(get(feed.stats), STATS);
    stop();
  });

  it('keeps valid anomalies newest first, capped at the maximum', () => {
    const { feed, sockets } = setup({ maxAnomalies: 3 });
    const stop = feed.anomalies.subscribe(() => {});
    for (const n of [1, 2, 3, 4]) sockets[0]!.receive('anomaly', anomaly(n));
    assert.deepEqual(
      get(feed.anomalies).map((a) => a.eventId),
      ['evt-4', 'evt-3', 'evt-2'],
    );
    stop();
  });

  it('updates a repeated id in place instead of listing it twice', () => {
    const flushes: Array<() => void> = [];
    const { feed, sockets } = setup({ schedule: (f) => void flushes.push(f) });
    const stop = feed.anomalies.subscribe(() => {});
    const s = sockets[0]!;
    for (const n of [1, 2, 3]) s.receive('anomaly', anomaly(n));
    flushes.shift()!();
    // A replay of evt-2 plus, in the same burst, evt-4 twice.
    s.receive('anomaly', anomaly(4));
    s.receive('anomaly', anomaly(2, { score: 99, severity: 'critical' }));
    s.receive('anomaly', anomaly(5));
    s.receive('anomaly', anomaly(4, { score: 80 }));
    flushes.shift()!();
    const list = get(feed.anomalies);
    assert.deepEqual(
      list.map((a) => a.eventId),
      ['evt-5', 'evt-4', 'evt-3', 'evt-2', 'evt-1'],
    );
    assert.equal(list[3]!.severity, 'critical', 'the newest copy of evt-2 is shown');
    assert.equal(list[1]!.score, 80, 'the newest copy of evt-4 is shown');
    stop();
  });

  it('counts and logs invalid payloads without showing them', () => {
    const { feed, sockets, warnings } = setup();
    const stop = feed.anomalies.subscribe(() => {});
    const s = sockets[0]!;
    s.receive('anomaly', { ...anomaly(1), score: 250 });
    s.receive('anomaly', 'not an object');
    s.receive('stats', { at: 'yesterday' });
    assert.deepEqual(get(feed.anomalies), []);
    assert.deepEqual(get(feed.rejected), { anomaly: 2, stats: 1 });
    assert.equal(warnings.length, 3);
    assert.match(String(warnings[0]![0]), /score/);
    stop();
  });

  it('exposes the latest valid stats and keeps the last good one on a bad update', () => {
    const { feed, sockets } = setup();
    const stop = feed.stats.subscribe(() => {});
    assert.equal(get(feed.stats), null);
    sockets[0]!.receive('stats', STATS);
    sockets[0]!.receive('stats', { ...STATS, totals: null });
    assert.deepEqual(get(feed.stats), STATS);
    stop();
  });

  it('batches a burst into one store update per scheduled flush', () => {
    const flushes: Array<() => void> = [];
    const { feed, sockets } = setup({ schedule: (f) => void flushes.push(f) });
    let updates = 0;
    const stop = feed.anomalies.subscribe(() => updates++);
    for (const n of [1, 2, 3]) sockets[0]!.receive('anomaly', anomaly(n));
    assert.equal(flushes.length, 1);
    flushes[0]!();
    assert.equal(updates, 2, 'the initial value, then one update for the burst');
    assert.deepEqual(
      get(feed.anomalies).map((a) => a.eventId),
      ['evt-3', 'evt-2', 'evt-1'],
    );
    stop();
  });
});
