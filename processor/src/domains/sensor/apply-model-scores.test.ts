import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SEVERITY_BANDS } from '../../../../contracts/index.ts';
import { applyModelScores } from './apply-model-scores.ts';
import { SensorBatchProcessor } from './sensor-batch.ts';
import type { RawEvent } from '../../core/raw-event.ts';
import type { ReadingScorer } from './detectors/reading-scorer.ts';
import { TumblingWindows } from './tumbling-windows.ts';

const NOW = Date.UTC(2026, 0, 2);
const scorer: ReadingScorer = {
  score: (_s, _t, ch) => ({ score: ch.online!, detector: 'online@1', drivers: [{ feature: 'pressure', score: ch.online!, value: 1, expected: 1, reason: 'r' }] }),
  snapshot: () => ({}),
  restore: () => {},
};
function batch(onlineScores: number[]) {
  const core = new SensorBatchProcessor({ runId: 'live', scorer, windows: new TumblingWindows(300_000, 0), bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: 1e12 });
  const msgs: RawEvent[] = onlineScores.map((online, i) => ({
    subject: 'events.sensor.0.s',
    seq: i + 1,
    partition: 0,
    data: new TextEncoder().encode(JSON.stringify({ id: `s@${i}`, station: 's', ts: NOW - 1e6 + i, channels: { pressure: 5, temperature: 1, flow: 9, online }, truth: null })),
  }));
  return core.process(msgs, NOW);
}
const fusion = { modelId: 'sensor-chain@1', bands: DEFAULT_SEVERITY_BANDS, fuseFrom: 85 };

test('every row gets the cluster and model score; weak model scores change nothing else', () => {
  const r = batch([10]);
  applyModelScores(r, new Map([['s@0', { cluster: 3, raw: 0.5, score: 40 }]]), fusion);
  assert.deepEqual([r.rows.scores[0]!.cluster, r.rows.scores[0]!.model, r.rows.scores[0]!.model_score], [3, 'sensor-chain@1', 40]);
  assert.equal(r.rows.scores[0]!.score, 10);
  assert.equal(r.anomalies.length, 0);
});

test('a model score between the minor band and fuseFrom is a driver, not a new anomaly', () => {
  const r = batch([10]);
  applyModelScores(r, new Map([['s@0', { cluster: 1, raw: 0.7, score: 75 }]]), fusion);
  assert.equal(r.rows.scores[0]!.score, 10);
  assert.match(r.rows.scores[0]!.drivers, /sensor-chain@1/);
  assert.equal(r.anomalies.length, 0);
});

test('a model score above fuseFrom raises the score and creates the missing anomaly', () => {
  const r = batch([10, 72]);
  applyModelScores(r, new Map([['s@0', { cluster: 2, raw: 0.9, score: 96 }], ['s@1', { cluster: 2, raw: 0.8, score: 90 }]]), fusion);
  assert.equal(r.anomalies.length, 2);
  const a0 = r.anomalies.find((a) => a.eventId === 's@0')!;
  assert.equal(a0.severity, 'critical');
  assert.equal(a0.detector, 'sensor-chain@1');
  const a1 = r.anomalies.find((a) => a.eventId === 's@1')!;
  assert.equal(a1.score, 90);
  assert.equal(a1.severity, 'major');
  assert.equal(r.rows.anomalies.find((x) => x.event_id === 's@1')!.severity, 'major');
  assert.equal(a1.drivers[0]!.feature, 'sensor-chain@1');
});

test('a model does not speak for an entity it was not trained on: stored, but no driver and no raise', () => {
  const r = batch([10]);
  applyModelScores(r, new Map([['s@0', { cluster: 2, raw: 0.9, score: 99 }]]), { ...fusion, knownEntities: new Set(['other']) });
  assert.equal(r.rows.scores[0]!.model_score, 99);
  assert.equal(r.rows.scores[0]!.score, 10);
  assert.doesNotMatch(r.rows.scores[0]!.drivers, /sensor-chain/);
  assert.equal(r.anomalies.length, 0);
});
