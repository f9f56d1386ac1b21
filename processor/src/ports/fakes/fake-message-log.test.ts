import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstValueFrom, take, toArray } from 'rxjs';
import { describeMessageSourceContract } from '../../../../test/contracts/message-source-contract.ts';
import { createFakeMessageLog, PartitionAlreadyOpenError } from './fake-message-log.ts';

describeMessageSourceContract(
  'in-memory fake',
  async () => {
    const log = createFakeMessageLog();
    return {
      append: async (partition, key, data) => log.append(partition, key, data),
      open: async (partitions) => log.source(partitions),
      expireAckWait: async () => void log.redeliverUnacked(),
    };
  },
  { quietMs: 20 },
);

test('maxAckPending: new messages wait while that many are unacknowledged', async () => {
  const log = createFakeMessageLog({ maxAckPending: 2 });
  for (let i = 0; i < 5; i++) log.append(0, 'k', `m${i}`);
  const source = log.source([0]);
  const got: number[] = [];
  const sub = source.messages$.subscribe((m) => got.push(m.seq));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(got, [1, 2]);
  log.redeliverUnacked(); // redeliveries are not held back by the limit
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(got, [1, 2, 1, 2]);
  sub.unsubscribe();
});

test('acks, naks and working() are recorded; unacked() lists what is still open', async () => {
  const log = createFakeMessageLog();
  log.append(0, 'k', 'a');
  log.append(1, 'k', 'b');
  log.append(0, 'k', 'c');
  const source = log.source([0, 1]);
  const got = await firstValueFrom(source.messages$.pipe(take(3), toArray()));
  const [a, b, c] = [1, 2, 3].map((seq) => got.find((m) => m.seq === seq));
  a!.working();
  a!.ack();
  b!.nak(5);
  assert.deepEqual(log.acks, [1]);
  assert.deepEqual(log.naks, [{ seq: 2, delayMs: 5 }]);
  assert.deepEqual(log.workings, [1]);
  assert.deepEqual(log.unacked(), [2, 3]);
  assert.equal(c!.subject, 'events.fake.0.k');
  await source.close();
});

test('one open source per partition: a second one over it fails with PartitionAlreadyOpenError', async () => {
  const log = createFakeMessageLog();
  const first = log.source([0, 1]);
  const sub = first.messages$.subscribe();
  await assert.rejects(firstValueFrom(log.source([1]).messages$), PartitionAlreadyOpenError);
  sub.unsubscribe();
  await first.close();
});
