import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headers, MsgHdrsImpl } from '@nats-io/transport-node';
import { MSG_ID_HEADER, MsgIdHeaders } from './msg-id-headers.ts';

/** What nats.js itself would send for the same headers. */
function libraryBytes(msgId: string, extra: Record<string, string> = {}): Uint8Array {
  const h = headers();
  for (const [k, v] of Object.entries(extra)) h.set(k, v);
  h.set(MSG_ID_HEADER, msgId);
  return (h as MsgHdrsImpl).encode();
}

test('the same bytes as headers() + set(), and the same answers to get()', () => {
  for (const [id, extra] of [
    ['sensor-st-0042-1767225600000', undefined],
    ['  padded id  ', undefined],
    ['dlq:events.sensor.3.st-1:17', { 'Vigia-Error': 'invalid_event: channels.flow: expected number' }],
    ['ünïcode-id-✓', { A: 'b' }],
  ] as const) {
    const h = new MsgIdHeaders(id, extra);
    assert.deepEqual(new Uint8Array(h.encode()), libraryBytes(id, extra ?? {}));
    assert.equal(h.get(MSG_ID_HEADER), id.trim());
    for (const [k, v] of Object.entries(extra ?? {})) assert.equal(h.get(k), v);
  }
});

test('a msg id or header value with CR or LF is refused, as nats.js refuses it', () => {
  assert.throws(() => new MsgIdHeaders('a\r\nInjected: x'), /cannot contain/);
  assert.throws(() => new MsgIdHeaders('ok', { X: 'a\nb' }), /cannot contain/);
});
