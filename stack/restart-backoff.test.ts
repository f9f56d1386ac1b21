import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crashesInARow, restartDelayMs } from './restart-backoff.ts';

const b = { initialMs: 1000, maxMs: 60_000, resetAfterMs: 300_000 };

test('the wait doubles with each crash in a row and stops at the ceiling', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => restartDelayMs(n, b)), [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
  assert.equal(restartDelayMs(10_000, b), 60_000);
});

test('a child that ran long enough before crashing starts the count over', () => {
  assert.equal(crashesInARow(6, 299_999, b), 7);
  assert.equal(crashesInARow(6, 300_000, b), 1);
});
