import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Anomaly } from '../../../../contracts/index.ts';
import { describeAnomalyPublisherContract } from '../../../../test/contracts/anomaly-publisher-contract.ts';
import { createFakeAnomalyPublisher } from './fake-anomaly-publisher.ts';
import { fakePublisherUnderTest } from './publisher-under-test.ts';

describeAnomalyPublisherContract('in-memory fake', async () => fakePublisherUnderTest(createFakeAnomalyPublisher()));

test('failNext: the armed publish rejects and stores nothing; a retry stores the batch', async () => {
  const publisher = createFakeAnomalyPublisher();
  const a: Anomaly = { id: 'r:e1', runId: 'r', domain: 'sensor', entity: 's', eventId: 'e1', ts: 1, score: 90, severity: 'critical', detector: 'd', drivers: [], values: {}, emittedAt: 2 };
  publisher.failNext(new Error('broker down'));
  await assert.rejects(publisher.publish([a]), /broker down/);
  assert.equal(publisher.published.length, 0);
  await publisher.publish([a]);
  assert.deepEqual(publisher.published.map((p) => p.subject), ['anomalies.sensor.critical.s']);
  assert.equal(publisher.calls, 2);
});
