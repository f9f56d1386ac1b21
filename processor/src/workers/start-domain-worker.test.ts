import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../config/index.ts';
import { createLogger } from '../../../stack/logger.ts';
import { ProcessorMetrics } from '../metrics.ts';
import type { LiveFeed } from '../ports/sinks.ts';
import { createFairStatementQueue } from '../adapters/clickhouse/fair-statement-queue.ts';
import { DomainWorkerError } from './domain-worker-errors.ts';
import { startDomainWorker, type DomainWorkerDeps } from './start-domain-worker.ts';

// Real worker threads (TypeScript through the entry's own tsx loader); no NATS needed, as each
// fails before it would connect.
const deps = (registryUrl: string): DomainWorkerDeps => ({
  config: parseConfig({}),
  natsUrl: 'nats://127.0.0.1:1',
  registryUrl,
  projectRoot: '.',
  sessions: [],
  scheduler: createFairStatementQueue(),
  maxRowsPerInsert: () => 4000,
  live: {} as LiveFeed,
  metrics: new ProcessorMetrics({ processMetrics: false }),
  logger: createLogger('test', 'silent'),
  watched: () => [],
});
const plan = { assignments: [{ domain: 'sensor', partitions: [0], splits: 1 }] };

test('a registry module that throws fails the start with a DomainWorkerError naming the worker and the cause', async () => {
  const url = `data:text/javascript,${encodeURIComponent('throw new Error("registry exploded")')}`;
  await assert.rejects(startDomainWorker(3, plan, deps(url)), (e: Error) => e instanceof DomainWorkerError && /worker 3 \(sensor\).*registry exploded/.test(e.message));
});

test('a registry module without DOMAIN_MODULES is refused with what it must export', async () => {
  const url = `data:text/javascript,${encodeURIComponent('export const x = 1;')}`;
  await assert.rejects(startDomainWorker(0, plan, deps(url)), /exports no DOMAIN_MODULES/);
});

test('the real registry loads in a worker (TypeScript under tsx); a domain it lacks fails the start', async () => {
  const url = new URL('../domains/registry.ts', import.meta.url).href;
  const unknown = { assignments: [{ domain: 'nope', partitions: [0], splits: 1 }] };
  await assert.rejects(startDomainWorker(1, unknown, deps(url)), (e: Error) => e instanceof DomainWorkerError && /UnknownDomainError: .*no domain module 'nope'/.test(e.message));
});
