import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boundDeadLetter, DeadLetterBoundError, MAX_DEAD_LETTER_REASON_CHARS } from './bound-dead-letter.ts';
import type { DeadLetter } from './dead-letter.ts';

const bytes = (d: DeadLetter) => new TextEncoder().encode(JSON.stringify(d)).length;
const letter = (payload: string, reason = 'channels: invalid keys'): DeadLetter => ({ domain: 'sensor', subject: 'events.sensor.1.st', streamSeq: 7, kind: 'invalid_event', reason, payload, rejectedAt: 1 });

test('a letter that fits is returned as it is', () => {
  const d = letter('{"a":1}');
  assert.equal(boundDeadLetter(d, 10_000), d);
});

test('the 995 KB event: its dead letter fits max_payload, keeps the reason, says truncated and the original size', () => {
  // The probe of issue #13: 5 invalid channel keys of 199 KB each; zod's reason quotes them.
  const key = 'X'.repeat(199_000);
  const payload = JSON.stringify({ id: 'a', station: 's', ts: 1, channels: Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`${key}${i}`, 1])) });
  const reason = `channels: ${'k'.repeat(60_000)}`;
  const limit = 1_048_576 - 4096;
  const d = boundDeadLetter(letter(payload, reason), limit);
  assert.ok(bytes(d) <= limit, `${bytes(d)} > ${limit}`);
  assert.equal(d.truncated, true);
  assert.equal(d.originalBytes, new TextEncoder().encode(payload).length);
  assert.equal(d.reason, reason, 'the reason is kept whole while the payload can give way');
  assert.ok(payload.startsWith(d.payload) && d.payload.length > 900_000);
});

test('escapes and multi-byte characters count by their JSON UTF-8 size, and no surrogate pair is split', () => {
  for (const unit of ['"', '\u0001', 'é', '😀', 'a']) {
    const d = boundDeadLetter(letter(unit.repeat(5000)), 2000);
    assert.ok(bytes(d) <= 2000, `${unit}: ${bytes(d)}`);
    assert.ok(!/[\ud800-\udbff]$/.test(d.payload), 'no lone high surrogate at the end');
    assert.ok(bytes(d) > 2000 - 16, `${unit}: the room is used (${bytes(d)})`);
  }
});

test('a reason too long for the bound is cut after the payload; an impossible bound throws a named error', () => {
  const d = boundDeadLetter(letter('p'.repeat(100), 'r'.repeat(50_000)), 4096);
  assert.equal(d.payload, 'p'.repeat(100), 'the room left by the cut reason goes to the payload');
  assert.equal(d.reason.length, MAX_DEAD_LETTER_REASON_CHARS);
  assert.ok(bytes(d) <= 4096);
  assert.throws(() => boundDeadLetter(letter('p'), 50), DeadLetterBoundError);
});
