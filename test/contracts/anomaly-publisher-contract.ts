import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Anomaly } from '../../contracts/index.ts';
import type { AnomalyPublisher } from '../../processor/src/ports/sinks.ts';
import type { PublisherUnderTest } from './published-message.ts';
import { uniqueId } from './unique-id.ts';

const anomaly = (over: Partial<Anomaly> = {}): Anomaly => {
  const eventId = uniqueId('ev');
  return {
    id: `live:${eventId}`,
    runId: 'live',
    domain: 'sensor',
    entity: 'station-7',
    eventId,
    ts: 1_700_000_000_000,
    score: 93.5,
    severity: 'critical',
    detector: 'zscore@1',
    drivers: [{ feature: 'pressure', score: 93.5, value: 12.25, expected: 3, reason: 'far above its recent mean' }],
    values: { pressure: 12.25, flow: -1 },
    emittedAt: 1_700_000_000_500,
    ...over,
  };
};

const byId = (a: { body: unknown }, b: { body: unknown }) => ((a.body as Anomaly).id < (b.body as Anomaly).id ? -1 : 1);

/** What every AnomalyPublisher promises: one alert per anomaly id, on its subject, as sent. */
export function describeAnomalyPublisherContract(name: string, make: () => Promise<PublisherUnderTest<AnomalyPublisher>>): void {
  describe(`AnomalyPublisher contract: ${name}`, () => {
    test('each anomaly is stored once on anomalies.<domain>.<severity>.<entity>, its body the anomaly', async () => {
      const { publisher, published } = await make();
      const a = anomaly();
      const b = anomaly({ domain: 'trip', entity: '8928308280fffff', severity: 'major', score: 70 });
      await publisher.publish([a, b]);
      assert.deepEqual((await published()).sort(byId), [
        { subject: 'anomalies.sensor.critical.station-7', body: a },
        { subject: 'anomalies.trip.major.8928308280fffff', body: b },
      ].sort(byId));
    });

    test('an entity with subject wildcards or dots stays one subject token; the body keeps it as it is', async () => {
      const { publisher, published } = await make();
      const a = anomaly({ entity: 'plant.3 > line*2' });
      await publisher.publish([a]);
      const [got] = await published();
      assert.equal(got?.subject, 'anomalies.sensor.critical.plant_3___line_2');
      assert.equal((got?.body as Anomaly).entity, 'plant.3 > line*2');
    });

    test('the same anomaly id published again (a redelivered event) is stored once, the first copy', async () => {
      const { publisher, published } = await make();
      const first = anomaly();
      await publisher.publish([first]);
      await publisher.publish([{ ...first, emittedAt: first.emittedAt + 60_000 }]);
      await publisher.publish([first, { ...first, emittedAt: 1 }]);
      assert.deepEqual((await published()).map((m) => m.body), [first]);
    });

    test('different ids are different alerts, even with the same content otherwise', async () => {
      const { publisher, published } = await make();
      const a = anomaly();
      const b = { ...a, id: `${a.id}-b` };
      await publisher.publish([a, b]);
      assert.equal((await published()).length, 2);
    });

    test('what is stored is the anomaly as it was at publish time', async () => {
      const { publisher, published } = await make();
      const a = anomaly();
      const sent = structuredClone(a);
      await publisher.publish([a]);
      a.score = 1;
      a.values['pressure'] = 0;
      assert.deepEqual((await published()).map((m) => m.body), [sent]);
    });

    test('more anomalies in one call than any publishing window holds: each stored once', async () => {
      const { publisher, published } = await make();
      const many = Array.from({ length: 1200 }, (_, i) => anomaly({ entity: `station-${i % 40}` }));
      await publisher.publish(many);
      assert.deepEqual((await published()).map((m) => (m.body as Anomaly).id).sort(), many.map((a) => a.id).sort());
    });

    test('a publish the store refuses rejects, never resolves as if stored; once it takes them again, a retry stores each once', async () => {
      const { publisher, published, refuseStores } = await make();
      const stored = anomaly();
      await publisher.publish([stored]);
      const batch = [anomaly(), anomaly({ severity: 'major' }), stored];
      const takeAgain = await refuseStores();
      try {
        await assert.rejects(publisher.publish(batch));
      } finally {
        await takeAgain();
      }
      await publisher.publish(batch);
      const byAnomalyId = (a: Anomaly, b: Anomaly) => (a.id < b.id ? -1 : 1);
      assert.deepEqual((await published()).map((m) => m.body as Anomaly).sort(byAnomalyId), [stored, batch[0]!, batch[1]!].sort(byAnomalyId));
    });

    test('an empty list resolves and stores nothing', async () => {
      const { publisher, published } = await make();
      await publisher.publish([]);
      assert.deepEqual(await published(), []);
    });
  });
}
