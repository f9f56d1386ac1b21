import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get, writable } from 'svelte/store';
import { createConnectionSharing } from './connection-sharing.ts';

test('the first subscriber opens, the last one closes, values pass through', () => {
  const events: string[] = [];
  const share = createConnectionSharing(() => events.push('open'), () => events.push('close'));
  const a = writable(1);
  const sa = share(a, 0);
  const sb = share(writable('x'), '');
  const u1 = sa.subscribe(() => {});
  const u2 = sb.subscribe(() => {});
  a.set(2);
  assert.equal(get(sa), 2);
  u1();
  assert.deepEqual(events, ['open']);
  u2();
  assert.deepEqual(events, ['open', 'close']);
});
