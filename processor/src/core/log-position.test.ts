import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogPosition } from './log-position.ts';

test('a sequence at or below the last one of its partition is seen; partitions are independent', () => {
  const pos = new LogPosition();
  assert.equal(pos.seen(0, 5), false);
  assert.equal(pos.seen(0, 5), true);
  assert.equal(pos.seen(0, 3), true);
  assert.equal(pos.seen(1, 2), false);
  assert.equal(pos.seen(0, 6), false);
  assert.deepEqual(pos.toSeqs(), { '0': 6, '1': 2 });
});

test('restore replaces the position: what the snapshot covers is seen, what follows is not', () => {
  const pos = new LogPosition();
  pos.seen(3, 100);
  pos.restore({ '0': 10, '1': 4 });
  assert.deepEqual(pos.toSeqs(), { '0': 10, '1': 4 });
  assert.equal(pos.seen(0, 10), true);
  assert.equal(pos.seen(0, 11), false);
  assert.equal(pos.seen(3, 1), false, 'a partition the snapshot does not name starts from nothing');
});
