import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TRADE_FEATURE_INDEX as F, TRADE_FEATURES, type TradeFeatureName } from './trade-features.ts';
import { DEFAULT_SIGNAL_THRESHOLDS as T, noveltySurprise, scoreTradeFeatures, TRADE_INTERIM_DETECTOR, TRADE_RULES_DETECTOR } from './trade-interim-score.ts';

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

test('a first use fires only when the company’s routes of that kind have settled (its novelty rate)', () => {
  const settled = (from: number) => Math.exp(-from) / 2;
  const widening = (from: number) => Math.exp(-from) * 2;
  const v = scoreTradeFeatures(vec({ cd_new: 1, cd_novelty_rate: settled(T.destinationNoveltyFrom) }));
  assert.equal(v.score, 72);
  assert.equal(v.group, 'route');
  assert.equal(v.drivers[0]!.feature, 'route.cd_new');
  assert.equal(scoreTradeFeatures(vec({ cd_new: 1, cd_novelty_rate: widening(T.destinationNoveltyFrom) })).score, 0, 'one still adding destinations is not flagged for another');
  // Each kind of edge is judged on its own rate: many new destinations say nothing of ports.
  const gated = { ...T, noveltyFrom: 3 };
  assert.equal(scoreTradeFeatures(vec({ cp_new: 1, cp_novelty_rate: settled(3), cd_novelty_rate: 0.5 }), gated).drivers[0]!.feature, 'route.cp_new');
  assert.equal(scoreTradeFeatures(vec({ cp_new: 1, cp_novelty_rate: widening(3) }), gated).score, 0);
  assert.equal(scoreTradeFeatures(vec({ cs_new: 1, cs_novelty_rate: settled(3) }), gated).score, 75);
  assert.equal(scoreTradeFeatures(vec({ cs_new: 1, cs_novelty_rate: widening(3) }), gated).score, 0);
  // The defaults leave new subheadings and ports ungated: any company's rate is below one.
  assert.equal(scoreTradeFeatures(vec({ cs_new: 1, cs_novelty_rate: 0.9 })).score, T.noveltyFrom === 0 ? 75 : 0);
});

test('novelty surprise: the less likely of the thirty-day rate and ½ / (m + 1) over the filings since the last opening, golden', () => {
  // Rate alone (no habit, or a company without history).
  assert.equal(noveltySurprise(0.05, undefined), -Math.log(0.05));
  assert.equal(noveltySurprise(0.05, 0), -Math.log(0.05));
  // Opened three destinations early (rate 3.5 / 50 = 0.07, 2.66 nats), none in the last 40 filings: ln 82 = 4.41 nats.
  assert.ok(Math.abs(noveltySurprise(0.07, 41) - Math.log(82)) < 1e-12);
  // A recent opening: the rate decides.
  assert.equal(noveltySurprise(0.01, 3), -Math.log(0.01));
});

test('a new destination of a company settled for long enough fires though its thirty-day rate is high; the peers’ rarity adds', () => {
  const t = { ...T, destinationNoveltyFrom: 4, destinationPeerWeight: 0.5 };
  const v = vec({ cd_new: 1, cd_novelty_rate: 0.07, sd_rarity: 0 });
  const habit = (m: number) => ({ subheadingsSettledFor: 100, portsSettledFor: 100, destinationsSettledFor: m });
  assert.equal(scoreTradeFeatures(v, t).score, 0, 'the rate alone: 2.66 nats');
  assert.equal(scoreTradeFeatures(v, t, habit(5)).score, 0, 'opened one five filings ago: ln 10 = 2.3 nats');
  const settled = scoreTradeFeatures(v, t, habit(41));
  assert.equal(settled.score, 72);
  assert.match(settled.drivers[0]!.reason, /none in its last 40/);
  // 2.66 nats of its own + 0.5 × 3 nats of the goods' peers ≥ 4.
  assert.equal(scoreTradeFeatures(vec({ cd_new: 1, cd_novelty_rate: 0.07, sd_rarity: 3 }), t, habit(5)).score, 72);
});
