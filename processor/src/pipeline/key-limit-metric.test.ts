import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProcessorMetrics } from '../metrics.ts';
import { recordBatchMetrics } from './batch-metrics.ts';

test('key_limit dead letters are counted in vigia_key_limit_total, and the key budget is exported', async () => {
  const metrics = new ProcessorMetrics();
  const batch = { events: 1, anomalies: [], redelivered: 0, late: 0, lastTs: undefined, batchSize: 4, started: performance.now() };
  recordBatchMetrics(metrics, 'sensor', { ...batch, deadLetters: [{ kind: 'key_limit' }, { kind: 'invalid_json' }, { kind: 'key_limit' }] });
  let forgotten = { forgottenRetention: 3, forgottenBudget: 0 };
  metrics.watchKeys('sensor', () => ({ live: 7, evicted: 2, liveBytes: 1000, evictedBytes: 300, ...forgotten }));
  let text = await metrics.registry.metrics();
  assert.match(text, /^vigia_keys_forgotten_total\{domain="sensor",reason="retention"\} 3$/m);
  assert.match(text, /^vigia_keys_forgotten_total\{domain="sensor",reason="budget"\} 0$/m);
  forgotten = { forgottenRetention: 5, forgottenBudget: 4 };
  text = await metrics.registry.metrics();
  assert.match(text, /^vigia_keys_forgotten_total\{domain="sensor",reason="retention"\} 5$/m);
  assert.match(text, /^vigia_keys_forgotten_total\{domain="sensor",reason="budget"\} 4$/m);
  assert.match(text, /^vigia_key_limit_total\{domain="sensor"\} 2$/m);
  // Trips whose cells were refused are kept (no dead letter) and counted too.
  recordBatchMetrics(metrics, 'trip', { ...batch, deadLetters: [], keyLimited: 3 });
  text = await metrics.registry.metrics();
  assert.match(text, /^vigia_key_limit_total\{domain="trip"\} 3$/m);
  assert.match(text, /^vigia_dead_letters_total\{domain="sensor",kind="key_limit"\} 2$/m);
  assert.match(text, /^vigia_keys\{domain="sensor",state="live"\} 7$/m);
  assert.match(text, /^vigia_keys\{domain="sensor",state="evicted"\} 2$/m);
  assert.match(text, /^vigia_key_state_bytes\{domain="sensor",state="evicted"\} 300$/m);
});
