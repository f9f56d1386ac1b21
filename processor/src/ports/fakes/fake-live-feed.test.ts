import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeLiveFeedContract } from '../../../../test/contracts/live-feed-contract.ts';
import { createFakeLiveFeed } from './fake-live-feed.ts';

describeLiveFeedContract('in-memory fake', async () => {
  const feed = createFakeLiveFeed();
  return {
    feed,
    async watchEntity(domain, entity) {
      feed.watch(domain, entity);
      return { leave: async () => feed.unwatch(domain, entity) };
    },
  };
});

test('unwatch of an entity nobody watches leaves it unwatched (no negative count)', () => {
  const feed = createFakeLiveFeed();
  feed.unwatch('sensor', 's1');
  feed.watch('sensor', 's1');
  assert.equal(feed.isWatched('sensor', 's1'), true);
});

test('pushes are recorded per kind, in order', () => {
  const feed = createFakeLiveFeed();
  const stats = { at: 1, eventsPerSecond: { sensor: 10 }, totals: { events: 10, anomalies: 1, deadLetters: 0 } };
  feed.stats(stats);
  feed.toRoom('map:trip:8', 'trip:cells', { resolution: 8, windowEnd: 5, cells: [] });
  feed.toEntity('sensor', 's1', 'reading', { n: 1 });
  assert.deepEqual(feed.pushed, {
    anomalies: [],
    stats: [stats],
    toEntity: [{ domain: 'sensor', entity: 's1', event: 'reading', payload: { n: 1 } }],
    toRoom: [{ room: 'map:trip:8', event: 'trip:cells', payload: { resolution: 8, windowEnd: 5, cells: [] } }],
  });
});
