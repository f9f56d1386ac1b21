import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PermanentSinkError } from '../ports/sink-errors.ts';
import { retryUntilDone } from './retry-until-done.ts';

test('transient failures are retried until the write succeeds', async () => {
  let calls = 0;
  const retries: number[] = [];
  const out = await retryUntilDone(
    async () => {
      if (++calls < 3) throw new Error('broker down');
      return 'stored';
    },
    { baseDelayMs: 1, onRetry: (n) => retries.push(n) },
  );
  assert.equal(out, 'stored');
  assert.deepEqual(retries, [1, 2]);
});

test('a permanent failure (payload too large) is rethrown at once, never retried', async () => {
  let calls = 0;
  await assert.rejects(
    retryUntilDone(
      async () => {
        calls++;
        throw new PermanentSinkError('dlq', 'max_payload size exceeded');
      },
      { baseDelayMs: 1, onRetry: () => assert.fail('retried a permanent failure') },
    ),
    PermanentSinkError,
  );
  assert.equal(calls, 1);
});
