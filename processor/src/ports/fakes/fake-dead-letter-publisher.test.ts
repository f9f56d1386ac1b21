import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeDeadLetterPublisherContract } from '../../../../test/contracts/dead-letter-publisher-contract.ts';
import { createFakeDeadLetterPublisher } from './fake-dead-letter-publisher.ts';
import { fakePublisherUnderTest } from './publisher-under-test.ts';

describeDeadLetterPublisherContract('in-memory fake', async () => fakePublisherUnderTest(createFakeDeadLetterPublisher()));

test('failNext: the armed publishes reject and store nothing; then letters are stored', async () => {
  const publisher = createFakeDeadLetterPublisher();
  const d = { domain: 'sensor', subject: 'events.sensor.0.s', streamSeq: 9, kind: 'invalid_json', reason: 'r', payload: '{', rejectedAt: 1 } as const;
  publisher.failNext(new Error('broker down'), 2);
  await assert.rejects(publisher.publish([d]), /broker down/);
  await assert.rejects(publisher.publish([d]), /broker down/);
  await publisher.publish([d]);
  assert.deepEqual(publisher.published.map((p) => p.letter.streamSeq), [9]);
  assert.equal(publisher.calls, 3);
});
