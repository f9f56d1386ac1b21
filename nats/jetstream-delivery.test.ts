import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jetStreamDelivery, NotAJetStreamReplyError } from './jetstream-delivery.ts';

test('reads the delivery count and both sequences, in both subject layouts', () => {
  const cases: [string, [number, number, number, number]][] = [
    ['$JS.ACK.EVENTS_SENSOR.proc-sensor-p1.1.832.17.1796642708997000000.4410', [1, 832, 17, 4410]],
    ['$JS.ACK._.ACCHASH.EVENTS_SENSOR.proc-sensor-p1.3.9007199254740.12.1796642708997000000.0', [3, 9007199254740, 12, 0]],
    ['$JS.ACK.hub.ACCHASH.EVENTS_TRIP.proc-trip-p0.2.5.4.1796642708997000000.7.xYz12', [2, 5, 4, 7]],
  ];
  for (const [reply, [deliveryCount, streamSequence, deliverySequence, pending]] of cases) {
    assert.deepEqual(jetStreamDelivery(reply), { deliveryCount, streamSequence, deliverySequence, pending }, reply);
  }
});

test('refuses what is not a JetStream ack subject', () => {
  for (const reply of ['', '_INBOX.abc.def', '$JS.ACK.S.C.1.2', '$JS.ACK.S.C.x.2.3.4.5', '$JS.ACK.S.C.1..3.4.5', '$JS.ACK.S.C.1.2.3.4.', '$JS.NAK.S.C.1.2.3.4.5']) {
    assert.throws(() => jetStreamDelivery(reply), NotAJetStreamReplyError, reply);
  }
});
