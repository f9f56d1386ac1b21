import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TRADE_FEATURE_INDEX as F, TRADE_FEATURES, type TradeFeatureName } from './trade-features.ts';
import { DEFAULT_SIGNAL_THRESHOLDS as T, scoreTradeFeatures, TRADE_INTERIM_DETECTOR, TRADE_RULES_DETECTOR } from './trade-interim-score.ts';

/** A vector of an established company (100 declarations, 30 days old) with `over` set. */
const vec = (over: Partial<Record<TradeFeatureName, number>>) => {
  const v = new Array<number>(TRADE_FEATURES.length).fill(0);
  v[F.company_n] = Math.log10(101);
  v[F.company_age_days] = 30;
  for (const [k, x] of Object.entries(over)) v[F[k as TradeFeatureName]] = x;
  return v;
};

test('a burst scores by burst_z, from its threshold, named in the company group', () => {
  assert.equal(scoreTradeFeatures(vec({ burst_z: T.burstFrom })).score, 0);
  const v = scoreTradeFeatures(vec({ burst_z: T.burstFrom + 2 * T.burstScale, count_1h: 12 }));
  assert.ok(Math.abs(v.score - 100 * (1 - Math.exp(-2))) < 1e-9);
  assert.equal(v.group, 'company');
  assert.equal(v.drivers[0]!.feature, 'company.burst_z');
  assert.equal(v.detector, TRADE_INTERIM_DETECTOR);
  // A young company is not judged on bursts.
  assert.equal(scoreTradeFeatures(vec({ burst_z: 10, company_n: Math.log10(6) })).score, 0);
});

test('structuring is judged only on declarations in the band, with enough of them in the day', () => {
  const high = { near_threshold_z: T.structuringFrom + 3, near_threshold_24h: T.structuringMinCount + 1 };
  assert.equal(scoreTradeFeatures(vec(high)).score, 0, 'the company’s other filings that day are not flagged');
  const v = scoreTradeFeatures(vec({ ...high, near_threshold: 1 }));
  assert.ok(v.score > 90);
  assert.equal(v.drivers[0]!.feature, 'company.near_threshold_z');
  assert.equal(scoreTradeFeatures(vec({ ...high, near_threshold: 1, near_threshold_24h: T.structuringMinCount - 0.5 })).score, 0);
});

test('a newcomer is judged on the day’s lots while young, not once established', () => {
  const young = { company_n: Math.log10(6), company_age_days: 0.2, lots_24h: T.newcomerFrom + T.newcomerScale };
  const v = scoreTradeFeatures(vec(young));
  assert.ok(Math.abs(v.score - 100 * (1 - Math.exp(-1))) < 1e-9);
  assert.equal(v.drivers[0]!.feature, 'company.lots_24h');
  assert.equal(scoreTradeFeatures(vec({ ...young, company_age_days: T.newcomerMaxAgeDays })).score, 0);
});

test('a rule that fires is the verdict even beside a stronger behavioural signal', () => {
  const v = scoreTradeFeatures(vec({ quota_used: 1.2, controlled: 1, burst_z: 50, count_1h: 40 }));
  assert.equal(v.detector, TRADE_RULES_DETECTOR);
  assert.equal(v.score, 97);
  assert.equal(v.group, 'quota');
  assert.equal(v.drivers[1]!.feature, 'company.burst_z');
});
