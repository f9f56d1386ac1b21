import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Anomaly, LiveReading } from '../../contracts/index.ts';
import type { LiveFeed } from '../../processor/src/ports/sinks.ts';
import { uniqueId } from './unique-id.ts';

/** A screen watching one entity. */
export interface Screen {
  /** The screen goes away; resolves once the feed knows. */
  leave(): Promise<void>;
}

export interface LiveFeedUnderTest {
  feed: LiveFeed;
  /** A screen starts watching `entity` of `domain`; resolves once the feed knows. */
  watchEntity(domain: string, entity: string): Promise<Screen>;
}

const reading = (entity: string): LiveReading => ({ domain: 'sensor', entity, eventId: 'e', ts: 1, values: { flow: 1 }, score: 10, severity: null, topFeature: 'flow', cluster: null });
const alert = (entity: string): Anomaly => ({ id: 'r:e', runId: 'r', domain: 'sensor', entity, eventId: 'e', ts: 1, score: 99, severity: 'critical', detector: 'd', drivers: [], values: {}, emittedAt: 2 });

/**
 * What the pipeline relies on from a LiveFeed: pushes that return at once and never throw,
 * and isWatched telling whether any screen at all watches an entity (so readings are built
 * only for watched ones, and stop once the last screen leaves).
 */
export function describeLiveFeedContract(name: string, make: () => Promise<LiveFeedUnderTest>): void {
  describe(`LiveFeed contract: ${name}`, () => {
    test('with nobody watching, isWatched is false and every push returns at once without throwing', async () => {
      const { feed } = await make();
      const entity = uniqueId('st');
      assert.equal(feed.isWatched('sensor', entity), false);
      assert.equal(feed.anomalies([alert(entity)]), undefined);
      assert.equal(feed.toEntity('sensor', entity, 'reading', reading(entity)), undefined);
      assert.equal(feed.stats({ at: 1, eventsPerSecond: { sensor: 1 }, totals: { events: 1, anomalies: 1, deadLetters: 0 } }), undefined);
      assert.equal(feed.toRoom('map:trip:8', 'trip:cells', { resolution: 8, windowEnd: 1, cells: [] }), undefined);
    });

    test('a screen on an entity makes that entity, and only it, watched', async () => {
      const { feed, watchEntity } = await make();
      const entity = uniqueId('st');
      const screen = await watchEntity('sensor', entity);
      assert.equal(feed.isWatched('sensor', entity), true);
      assert.equal(feed.isWatched('trip', entity), false);
      assert.equal(feed.isWatched('sensor', `${entity}x`), false);
      await screen.leave();
    });

    test('an entity stays watched while any screen is on it, and stops when the last one leaves', async () => {
      const { feed, watchEntity } = await make();
      const entity = uniqueId('st');
      const first = await watchEntity('sensor', entity);
      const second = await watchEntity('sensor', entity);
      await first.leave();
      assert.equal(feed.isWatched('sensor', entity), true);
      await second.leave();
      assert.equal(feed.isWatched('sensor', entity), false);
    });
  });
}
