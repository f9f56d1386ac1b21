import assert from 'node:assert/strict';
import { test } from 'node:test';
import { combineTradeVerdict } from './trade-model-verdict.ts';
import { TRADE_INTERIM_DETECTOR, TRADE_RULES_DETECTOR, type TradeVerdict } from './trade-interim-score.ts';

const GROUPS = ['price', 'weight', 'quota'];
const shap = (values: number[], baseline = 20) => ({ values: Float64Array.from(values), baseline, score: baseline + values.reduce((s, v) => s + v, 0) });
const rule: TradeVerdict = { score: 97, detector: TRADE_RULES_DETECTOR, drivers: [{ feature: 'quota.quota_used', score: 97, value: 1.2, expected: 1, reason: 'quota' }], group: 'quota' };
const interim: TradeVerdict = { score: 80, detector: TRADE_INTERIM_DETECTOR, drivers: [{ feature: 'price.uv_z', score: 80, value: 4, expected: 0, reason: 'price' }], group: 'price' };
const quiet: TradeVerdict = { score: 0, detector: TRADE_INTERIM_DETECTOR, drivers: [], group: '' };

test('the model alone: its score, its id, the top Shapley group first', () => {
  const v = combineTradeVerdict(quiet, 88, 'trade-ae@1', shap([50, 3, 15]), GROUPS, 70, 'rules');
  assert.equal(v.score, 88);
  assert.equal(v.detector, 'trade-ae@1');
  assert.equal(v.group, 'price');
  assert.deepEqual(v.attributions.map((a) => a.group), ['price', 'quota', 'weight']);
  assert.equal(v.drivers[0]!.feature, 'price');
});

test('a rule above the model wins the score; both anomalous name both detectors', () => {
  const v = combineTradeVerdict(rule, 75, 'trade-ae@1', shap([2, 1, 52]), GROUPS, 70, 'rules');
  assert.equal(v.score, 97);
  assert.equal(v.detector, 'trade-ae@1+trade-rules@1');
  assert.equal(v.drivers[0]!.feature, 'quota.quota_used');
  assert.equal(v.group, 'quota');
  assert.equal(combineTradeVerdict(rule, 30, 'trade-ae@1', shap([2, 1, 7]), GROUPS, 70, 'rules').detector, TRADE_RULES_DETECTOR);
});

test("the interim signals stand beside the model only with alongside = 'interim'", () => {
  assert.equal(combineTradeVerdict(interim, 40, 'trade-ae@1', null, GROUPS, 70, 'rules').score, 40);
  const v = combineTradeVerdict(interim, 40, 'trade-ae@1', null, GROUPS, 70, 'interim');
  assert.equal(v.score, 80);
  assert.equal(v.detector, TRADE_INTERIM_DETECTOR);
  assert.equal(v.group, 'price');
  assert.deepEqual(v.attributions, []);
});

test('a firing rule leads above a higher model score: its score and group, the Shapley values kept beside', () => {
  const v = combineTradeVerdict(rule, 99, 'trade-ae@1', shap([60, 1, 18]), GROUPS, 70, 'interim');
  assert.equal(v.score, 97);
  assert.equal(v.group, 'quota');
  assert.equal(v.detector, 'trade-ae@1+trade-rules@1');
  assert.equal(v.drivers[0]!.feature, 'quota.quota_used');
  assert.equal(v.attributions[0]!.group, 'price');
  assert.equal(v.modelScore, 99);
});

test('an interim signal that decides names its own group; the model still explains with its Shapley values', () => {
  const v = combineTradeVerdict(interim, 55, 'trade-ae@1', shap([1, 30, 4]), GROUPS, 70, 'interim');
  assert.equal(v.score, 80);
  assert.equal(v.group, 'price');
  assert.deepEqual(v.attributions.map((a) => a.group), ['weight', 'quota', 'price']);
  // Both in the band: the named signal keeps the group, the score is the larger.
  const both = combineTradeVerdict(interim, 90, 'trade-ae@1', shap([1, 30, 4]), GROUPS, 70, 'interim');
  assert.equal(both.group, 'price');
  assert.equal(both.score, 90);
  // The model alone in the band over a weak interim signal: its largest Shapley group.
  const weak: TradeVerdict = { ...interim, score: 40 };
  assert.equal(combineTradeVerdict(weak, 90, 'trade-ae@1', shap([1, 30, 4]), GROUPS, 70, 'interim').group, 'weight');
});
