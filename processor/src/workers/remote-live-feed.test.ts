import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Anomaly } from '../../../contracts/index.ts';
import type { LiveFeed } from '../ports/sinks.ts';
import { applyLiveCalls, createRemoteLiveFeed, type LiveCall } from './remote-live-feed.ts';
import { watchedEntities } from './watched-entities.ts';

test("a batch's live calls cross as one message, in order, and replay on the real feed", async () => {
  const sent: LiveCall[][] = [];
  const feed = createRemoteLiveFeed((calls) => sent.push(calls));
  const a = { domain: 'sensor', entity: 's1' } as Anomaly;
  feed.anomalies([a]);
  feed.anomalies([]);
  feed.toEntity('sensor', 's1', 'reading', { v: 1 });
  feed.toRoom('map:r8', 'cells', { c: 2 });
  assert.equal(sent.length, 0, 'nothing is sent before the turn ends');
  await Promise.resolve();
  assert.equal(sent.length, 1);
  const seen: unknown[] = [];
  const real: LiveFeed = {
    anomalies: (l) => seen.push(['anomalies', l.length]),
    stats: () => seen.push('stats'),
    isWatched: () => false,
    toEntity: (d, e, ev, p) => seen.push([d, e, ev, p]),
    toRoom: (r, ev, p) => seen.push([r, ev, p]),
  };
  applyLiveCalls(real, structuredClone(sent[0]!));
  assert.deepEqual(seen, [['anomalies', 1], ['sensor', 's1', 'reading', { v: 1 }], ['map:r8', 'cells', { c: 2 }]]);
});

test('isWatched answers from the set the main thread pushed', () => {
  const feed = createRemoteLiveFeed(() => {});
  assert.equal(feed.isWatched('sensor', 's1'), false);
  feed.setWatched('sensor', ['s1', 's2']);
  assert.equal(feed.isWatched('sensor', 's1'), true);
  assert.equal(feed.isWatched('trip', 's1'), false);
  feed.setWatched('sensor', []);
  assert.equal(feed.isWatched('sensor', 's1'), false);
});

test("watched entities are the domain's non-empty entity rooms", () => {
  const table = new Map<string, Set<string>>([
    ['entity:sensor:s2', new Set(['a'])],
    ['entity:sensor:s1', new Set(['b'])],
    ['entity:sensor:gone', new Set()],
    ['entity:trip:c1', new Set(['a'])],
    ['domain:sensor', new Set(['a'])],
    ['sock-id', new Set(['sock-id'])],
  ]);
  assert.deepEqual(watchedEntities(table, 'sensor'), ['s1', 's2']);
  assert.deepEqual(watchedEntities(table, 'trip'), ['c1']);
});
