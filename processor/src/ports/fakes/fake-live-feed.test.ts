import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFakeLiveFeed } from './fake-live-feed.ts';

test('isWatched follows watch/unwatch per domain and entity', () => {
  const feed = createFakeLiveFeed();
  assert.equal(feed.isWatched('sensor', 's1'), false);
  feed.watch('sensor', 's1');
  assert.equal(feed.isWatched('sensor', 's1'), true);
  assert.equal(feed.isWatched('trip', 's1'), false);
  feed.unwatch('sensor', 's1');
  assert.equal(feed.isWatched('sensor', 's1'), false);
});

test('pushes are recorded per kind, in order', () => {
  const feed = createFakeLiveFeed();
  const stats = { at: 1, eventsPerSecond: { sensor: 10 }, totals: { events: 10, anomalies: 1, deadLetters: 0 } };
  feed.stats(stats);
  feed.cellBoundaries([{ resolution: 8, windowEnd: 5, cells: [] }]);
  feed.readings([]);
  assert.deepEqual(feed.pushed, { anomalies: [], stats: [stats], readings: [], cellBoundaries: [{ resolution: 8, windowEnd: 5, cells: [] }] });
});
