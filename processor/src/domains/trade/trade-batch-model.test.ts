import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SEVERITY_BANDS, partitionOf, subjects, type TradeDeclaration } from '../../../../contracts/index.ts';
import type { RawEvent } from '../../core/raw-event.ts';
import { TradeBatchProcessor } from './trade-batch.ts';
import { scoreTradeFeatures } from './trade-interim-score.ts';
import { combineTradeVerdict } from './trade-model-verdict.ts';
import { coffeeDeclaration } from './trade-declaration-fixture.ts';

const enc = new TextEncoder();
const decl = (i: number, over: Partial<TradeDeclaration> = {}): TradeDeclaration =>
  coffeeDeclaration({ id: `d${i}`, ts: Date.UTC(2026, 2, 2, 8) + i * 3_600_000, hs_code: '090111', ...over });
const raw = (d: TradeDeclaration, seq: number): RawEvent => ({ subject: subjects.event('trade', partitionOf(d.exporter_id, 2), d.exporter_id), seq, partition: partitionOf(d.exporter_id, 2), data: enc.encode(JSON.stringify(d)) });

test('with model outputs: the combined verdict scores, its Shapley values reach the score row and the anomaly', () => {
  const p = new TradeBatchProcessor({ runId: 't', bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: Infinity, partitionCount: 2, features: { reportingThresholdUsd: 10_000 } });
  const stage = p.ingest([raw(decl(1), 1), raw(decl(2), 2)], Date.UTC(2026, 2, 3));
  const groups = ['price', 'weight', 'volume', 'company', 'route', 'quota'];
  const shap = { values: Float64Array.from([60, 1, 2, 3, 4, -5]), baseline: 20, score: 85 };
  const verdicts = stage.items.map((it, i) => combineTradeVerdict(scoreTradeFeatures(it.values), i === 0 ? 10 : 65 + 20, 'trade-ae@1', i === 0 ? null : shap, groups, 70, 'rules'));
  const r = p.score(stage, { verdicts, baseline: 20 });
  assert.deepEqual(r.records.scores[0]!.shapley, {});
  assert.equal(r.records.scores[1]!.top_group, 'price');
  assert.deepEqual(r.records.scores[1]!.shapley, { price: 60, route: 4, company: 3, volume: 2, weight: 1, quota: -5 });
  assert.equal(r.anomalies.length, 1);
  const a = r.anomalies[0]!;
  assert.equal(a.detector, 'trade-ae@1');
  assert.equal(a.score, 85);
  assert.deepEqual(a.attributions?.map((x) => x.group), ['price', 'route', 'company', 'volume', 'weight', 'quota']);
  assert.equal(a.values.model_score, 85);
  assert.equal(a.values.shapley_baseline, 20);
});

test("a verdict's own baseline (a self-calibrated company's) is the anomaly's, not the card's", () => {
  const p = new TradeBatchProcessor({ runId: 't', bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: Infinity, partitionCount: 2, features: { reportingThresholdUsd: 10_000 } });
  const stage = p.ingest([raw(decl(1), 1)], Date.UTC(2026, 2, 3));
  const groups = ['price', 'weight', 'volume', 'company', 'route', 'quota'];
  const shap = { values: Float64Array.from([60, 1, 2, 3, 4, -5]), baseline: 12.5, score: 77.5 };
  const verdicts = [combineTradeVerdict(scoreTradeFeatures(stage.items[0]!.values), 77.5, 'trade-ae@1', shap, groups, 70, 'rules')];
  const a = p.score(stage, { verdicts, baseline: 20 }).anomalies[0]!;
  assert.equal(a.values.shapley_baseline, 12.5);
  assert.equal(a.values.model_score! - a.values.shapley_baseline!, 65);
});
