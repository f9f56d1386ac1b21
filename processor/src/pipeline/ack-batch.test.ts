import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SourceMessage } from '../ports/source-message.ts';
import { ackBatch } from './ack-batch.ts';

function message(partition: number, seq: number, cumulativeAck: boolean | undefined, calls: string[]): SourceMessage {
  return {
    subject: `s.${partition}`,
    partition,
    seq,
    data: new Uint8Array(),
    redelivered: false,
    cumulativeAck,
    ack: () => void calls.push(`ack ${partition}:${seq}`),
    covered: () => void calls.push(`covered ${partition}:${seq}`),
    nak: () => void calls.push(`nak ${partition}:${seq}`),
    working: () => undefined,
  };
}

test('cumulative acks: one ack per partition, of its highest sequence (a redelivered lower one included); the rest only marked covered', () => {
  const calls: string[] = [];
  // Partition 1's 3 is a redelivered copy arriving after 7; partition 2 has one message.
  const batch = [message(1, 5, true, calls), message(2, 9, true, calls), message(1, 7, true, calls), message(1, 3, true, calls)];
  ackBatch(batch);
  assert.deepEqual(calls.filter((c) => c.startsWith('ack')).sort(), ['ack 1:7', 'ack 2:9']);
  assert.deepEqual(calls.filter((c) => c.startsWith('covered')).sort(), ['covered 1:3', 'covered 1:5']);
  // Covered first: nothing is marked done after the ack that covers it went out.
  assert.ok(calls.indexOf('covered 1:5') < calls.indexOf('ack 1:7'));
});

test('messages without cumulative acks are each acked, as before', () => {
  const calls: string[] = [];
  ackBatch([message(1, 5, undefined, calls), message(1, 6, false, calls), message(2, 1, undefined, calls)]);
  assert.deepEqual(calls, ['ack 1:5', 'ack 1:6', 'ack 2:1']);
});

test('an empty batch acks nothing', () => {
  const calls: string[] = [];
  ackBatch([]);
  assert.deepEqual(calls, []);
});
