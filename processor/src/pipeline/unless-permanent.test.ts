import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Logger } from 'pino';
import { ProcessorMetrics } from '../metrics.ts';
import { PermanentSinkError } from '../ports/sink-errors.ts';
import { unlessPermanent } from './unless-permanent.ts';

function deps() {
  const errors: string[] = [];
  const logger = { error: (_o: unknown, msg: string) => errors.push(msg) } as unknown as Logger;
  return { logger, metrics: new ProcessorMetrics(), errors };
}

test('a permanent refusal is logged and counted, and the batch goes on', async () => {
  const d = deps();
  await unlessPermanent(Promise.reject(new PermanentSinkError('nats', 'max_payload size exceeded')), 'dlq', d);
  assert.equal(d.errors.length, 1);
  assert.match(await d.metrics.registry.metrics(), /vigia_sink_permanent_failures_total\{sink="dlq"\} 1/);
});

test('any other failure still fails the batch (it is retried by then, or the processor is stopping)', async () => {
  const d = deps();
  await assert.rejects(unlessPermanent(Promise.reject(new Error('stopping')), 'alerts', d), /stopping/);
  assert.equal(d.errors.length, 0);
});
