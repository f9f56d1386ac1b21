import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../config/index.ts';
import { UnknownDomainError } from '../domains/registry.ts';
import { BATCHING_DEFAULTS, checkBatchingDomains, domainBatching } from './domain-batching.ts';

const plain = { name: 'meter' } as const;
const bulky = { name: 'sensor', batching: { batchMaxEvents: 10_000, maxAckPending: 5000 } } as const;

test('a module without its own batching gets the generic defaults', () => {
  assert.deepEqual(domainBatching(plain, parseConfig({}).processor), BATCHING_DEFAULTS);
});

test("a module's own defaults apply key by key, the rest generic", () => {
  assert.deepEqual(domainBatching(bulky, parseConfig({}).processor), { ...BATCHING_DEFAULTS, batchMaxEvents: 10_000, maxAckPending: 5000 });
});

test('a processor-wide key overrides every module, and processor.batching.<domain> overrides that', () => {
  const pc = parseConfig({ processor: { batchMaxEvents: 500, commitConcurrency: 3, batching: { sensor: { batchMaxEvents: 8000 } } } }).processor;
  assert.deepEqual(domainBatching(bulky, pc), { ...BATCHING_DEFAULTS, batchMaxEvents: 8000, commitConcurrency: 3, maxAckPending: 5000 });
  assert.deepEqual(domainBatching(plain, pc), { ...BATCHING_DEFAULTS, batchMaxEvents: 500, commitConcurrency: 3 });
});

test('processor.batching refuses an unregistered domain and an unknown key', () => {
  const pc = parseConfig({ processor: { batching: { sensr: { batchMaxEvents: 10 } } } }).processor;
  assert.throws(() => checkBatchingDomains(pc, [plain, bulky]), (e: unknown) => e instanceof UnknownDomainError && /^processor\.batching: no domain module 'sensr'.*meter, sensor/.test(e.message));
  checkBatchingDomains(parseConfig({ processor: { batching: { sensor: {} } } }).processor, [plain, bulky]);
  assert.throws(() => parseConfig({ processor: { batching: { sensor: { batchMaxEvent: 10 } } } }), /batchMaxEvent/);
  assert.throws(() => parseConfig({ processor: { batching: { sensor: { commitConcurrency: 65 } } } }), /commitConcurrency/);
});
