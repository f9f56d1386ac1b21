import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DeadLetter } from '../../contracts/index.ts';
import type { DeadLetterPublisher } from '../../processor/src/ports/sinks.ts';
import type { PublisherUnderTest } from './published-message.ts';
import { uniqueId } from './unique-id.ts';

let nextSeq = 1;
const letter = (over: Partial<DeadLetter> = {}): DeadLetter => ({
  domain: 'sensor',
  subject: `events.sensor.3.${uniqueId('st')}`,
  streamSeq: nextSeq++,
  kind: 'invalid_event',
  reason: 'channels.flow: expected number, received string',
  payload: '{"station":"x","channels":{"flow":"high"}}',
  rejectedAt: 1_700_000_000_000,
  ...over,
});

const bySeq = (a: { body: unknown }, b: { body: unknown }) => (a.body as DeadLetter).streamSeq - (b.body as DeadLetter).streamSeq;

/** What every DeadLetterPublisher promises: one letter per rejected message, on dlq.<domain>. */
export function describeDeadLetterPublisherContract(name: string, make: () => Promise<PublisherUnderTest<DeadLetterPublisher>>): void {
  describe(`DeadLetterPublisher contract: ${name}`, () => {
    test('each letter is stored on dlq.<domain> of its domain, its body the letter', async () => {
      const { publisher, published } = await make();
      const a = letter();
      const b = letter({ domain: 'trip', subject: `events.trip.0.${uniqueId('nyc')}`, kind: 'invalid_json', reason: 'Unexpected token', payload: '{"fare":' });
      await publisher.publish([a, b]);
      assert.deepEqual((await published()).sort(bySeq), [
        { subject: 'dlq.sensor', body: a },
        { subject: 'dlq.trip', body: b },
      ]);
    });

    test('the same rejected message (subject and stream seq) is one letter, the first, however often it comes', async () => {
      const { publisher, published } = await make();
      const first = letter();
      await publisher.publish([first]);
      await publisher.publish([{ ...first, reason: 'seen again after a restart', rejectedAt: first.rejectedAt + 5_000 }]);
      await publisher.publish([first, first]);
      assert.deepEqual((await published()).map((m) => m.body), [first]);
    });

    test('the same stream seq from another subject, or another seq of the same subject, is another letter', async () => {
      const { publisher, published } = await make();
      const a = letter();
      const otherSubject = { ...a, subject: `${a.subject}-x` };
      const otherSeq = { ...a, streamSeq: nextSeq++ };
      await publisher.publish([a, otherSubject, otherSeq]);
      assert.equal((await published()).length, 3);
    });

    test('what is stored is the letter as it was at publish time', async () => {
      const { publisher, published } = await make();
      const a = letter();
      const sent = structuredClone(a);
      await publisher.publish([a]);
      a.reason = 'changed afterwards';
      assert.deepEqual((await published()).map((m) => m.body), [sent]);
    });

    test('more letters in one call than any publishing window holds: each stored once', async () => {
      const { publisher, published } = await make();
      const many = Array.from({ length: 600 }, () => letter());
      await publisher.publish(many);
      assert.deepEqual((await published()).map((m) => (m.body as DeadLetter).streamSeq).sort((a, b) => a - b), many.map((l) => l.streamSeq));
    });

    test('a publish the store refuses rejects, never resolves as if stored; once it takes them again, a retry stores each once', async () => {
      const { publisher, published, refuseStores } = await make();
      const stored = letter();
      await publisher.publish([stored]);
      const batch = [letter(), letter({ domain: 'trip' }), stored];
      const takeAgain = await refuseStores();
      try {
        await assert.rejects(publisher.publish(batch));
      } finally {
        await takeAgain();
      }
      await publisher.publish(batch);
      assert.deepEqual((await published()).sort(bySeq).map((m) => m.body), [stored, batch[0]!, batch[1]!]);
    });

    test('an empty list resolves and stores nothing', async () => {
      const { publisher, published } = await make();
      await publisher.publish([]);
      assert.deepEqual(await published(), []);
    });
  });
}
