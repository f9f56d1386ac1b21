import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OutgoingMessage } from '../../nats/index.ts';
import type { TripMessage } from './trip-messages.ts';
import { dueAt, publishTrips } from './trip-publish.ts';

const T0 = Date.UTC(2025, 2, 10, 16);
const W0 = 1_000_000;

test('due time: event time at `speed`× the wall clock, never before the event with notAheadOfClock', () => {
  assert.equal(dueAt(T0 + 3_600_000, T0, W0, { speed: 60, notAheadOfClock: false }), W0 + 60_000);
  assert.equal(dueAt(T0 + 3_600_000, T0, W0, { speed: Infinity, notAheadOfClock: false }), -Infinity);
  // Live: max speed still waits for the clock to reach the event time.
  assert.equal(dueAt(T0 + 5_000, T0, W0, { speed: Infinity, notAheadOfClock: true }), T0 + 5_000);
  assert.equal(dueAt(T0, T0 - 3_600_000, W0, { speed: 1, notAheadOfClock: true }), Math.max(W0 + 3_600_000, T0));
});

function fakePublisher() {
  const sent: OutgoingMessage[] = [];
  let flushed = 0;
  return {
    sent,
    flushes: () => flushed,
    publish: async (m: OutgoingMessage) => void sent.push(m),
    flush: async () => void flushed++,
  };
}

const msg = (i: number, eventTs: number): TripMessage => ({ subject: 'events.trip.1.nyc', data: '{}', msgId: `t-${i}`, eventTs, trip: {} as TripMessage['trip'] });

test('past events at max speed go out at once, in order, then everything is flushed', async () => {
  const p = fakePublisher();
  async function* source() {
    for (let i = 0; i < 5; i++) yield msg(i, T0 + i * 1000);
  }
  const r = await publishTrips(source(), p, { speed: Infinity, notAheadOfClock: true });
  assert.deepEqual(p.sent.map((m) => m.msgId), ['t-0', 't-1', 't-2', 't-3', 't-4']);
  assert.deepEqual(r, { published: 5, firstEventTs: T0, lastEventTs: T0 + 4000 });
  assert.equal(p.flushes(), 1);
});

test('an abort stops publishing and still flushes what was sent', async () => {
  const p = fakePublisher();
  const controller = new AbortController();
  // The second message is due an hour from now (speed 1): the abort cuts the wait short.
  const messages = [msg(0, T0), msg(1, T0 + 3_600_000)];
  const done = publishTrips(messages, p, { speed: 1, notAheadOfClock: false, signal: controller.signal });
  setImmediate(() => controller.abort());
  const r = await done;
  assert.equal(r.published, 1);
  assert.equal(p.flushes(), 1);
});
