import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readPubAckReply } from './pub-ack-reply.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

test('a PubAck is stored, a duplicate too', () => {
  assert.deepEqual(readPubAckReply(bytes('{"stream":"EVENTS","seq":42}')), { kind: 'stored' });
  assert.deepEqual(readPubAckReply(bytes('{"stream":"EVENTS","seq":42,"duplicate":true}')), { kind: 'stored' });
  assert.deepEqual(readPubAckReply(bytes('{"seq":7,"stream":"X"}')), { kind: 'stored' });
});

test('no responders and JetStream not ready are retried', () => {
  assert.equal(readPubAckReply(new Uint8Array(0), 503).kind, 'retry');
  assert.match((readPubAckReply(new Uint8Array(0), 503) as { reason: string }).reason, /no responders/);
  assert.equal(readPubAckReply(bytes('{"error":{"code":503,"err_code":10008,"description":"JetStream system temporarily unavailable"}}')).kind, 'retry');
  assert.equal(readPubAckReply(bytes('not json')).kind, 'retry');
});

test('a full stream or a bad message is refused, with the server\'s description', () => {
  const full = readPubAckReply(bytes('{"error":{"code":503,"err_code":10077,"description":"maximum messages exceeded"}}'));
  assert.deepEqual(full, { kind: 'refused', reason: 'maximum messages exceeded (code 503, err_code 10077)' });
  assert.equal(readPubAckReply(bytes('{"error":{"code":400,"err_code":10054,"description":"message size exceeds maximum allowed"}}')).kind, 'refused');
});
