import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TradeDeclaration } from '../../../../contracts/index.ts';
import { observeDeclaration, TRADE_FEATURE_INDEX as F, TRADE_FEATURES, type TradeFeatureName } from './trade-features.ts';
import { TradeGraphState } from './trade-graph-state.ts';
import { coffeeDeclaration } from './trade-declaration-fixture.ts';

const T0 = Date.UTC(2026, 2, 2, 8);
const H = 3_600_000;
const OPTS = { reportingThresholdUsd: 10_000 };
let seq = 0;
const decl = (over: Partial<TradeDeclaration> = {}): TradeDeclaration => coffeeDeclaration({ id: `d${++seq}`, ts: T0, exporter_id: 'A', exporter_name: 'A SAS', ...over });
const close = (actual: number, expected: number, name: string) => assert.ok(Math.abs(actual - expected) < 1e-9, `${name}: ${actual} ≠ ${expected}`);
const check = (v: number[], golden: Partial<Record<TradeFeatureName, number>>) => {
  for (const [k, x] of Object.entries(golden)) close(v[F[k as TradeFeatureName]]!, x, k);
};

test('the first declaration of a company: golden values, nothing is novel yet', () => {
  const g = new TradeGraphState();
  const { subheading, values } = observeDeclaration(g, decl(), OPTS);
  assert.equal(subheading, '090111');
  assert.equal(values.length, TRADE_FEATURES.length);
  check(values, {
    uv_z: 0,
    uv_dest_z: 0,
    log_unit_value: Math.log10(4),
    mass_mismatch: 0,
    tare_ratio: Math.log10(1.02),
    log_fob: Math.log10(40_001),
    company_n: 0,
    company_age_days: 0,
    velocity_24h: Math.LN2,
    count_1h: 1,
    // No other declaration in the hour against a usual busiest hour of 0.3 · ln 2 / 30 (one declaration in thirty days).
    burst_z: -((0.3 * Math.LN2) / 30) / Math.sqrt((0.3 * Math.LN2) / 30 / 2 + 0.5),
    lots_24h: 0,
    near_threshold: 0,
    since_last_h: 720,
    cs_new: 0,
    cp_new: 0,
    sp_new: 0,
    cd_new: 0,
    triple_typicality: 0,
    company_degree: 0,
    subheading_degree: 0,
    port_degree: 0,
    peer_similarity: 0,
    sd_rarity: 0,
    cs_novelty_rate: 0,
    cp_novelty_rate: 0,
    cd_novelty_rate: 0,
    controlled: 0,
    quota_used: 0,
  });
});

test('a known company through a new port an hour later: novelty, rarity, typicality, degrees, golden', () => {
  const g = new TradeGraphState();
  observeDeclaration(g, decl(), OPTS);
  const { values } = observeDeclaration(g, decl({ ts: T0 + H, port: 'COBUN' }), OPTS);
  check(values, {
    company_n: Math.log10(2),
    company_age_days: 1 / 24,
    since_last_h: 1,
    cs_n: Math.log10(2),
    cs_since_last_h: 1,
    velocity_24h: Math.LN2 * (1 + Math.pow(2, -1 / 24)),
    count_1h: 1.5,
    // The usual day is the lifetime mean (1 declaration over ≤ 1 day), its busiest hour 0.3;
    // half of the last declaration is left in the hour: (0.5 − 0.3) / √(0.3/2 + 0.5)
    burst_z: 0.2 / Math.sqrt(0.65),
    cs_new: 0,
    cp_new: 1,
    sp_new: 1,
    cd_new: 0,
    cs_rarity: Math.log(4 / 3),
    cp_rarity: Math.log(4),
    cd_rarity: Math.log(4 / 3),
    sp_rarity: Math.log(4),
    triple_typicality: 0.25,
    company_degree: 2,
    subheading_degree: 1,
    port_degree: 0,
    peer_similarity: 1,
    // The subheading's one declaration went to US: (1 + 0.5) / (1 + 1) of its traffic.
    sd_rarity: Math.log(4 / 3),
    // No edge opened yet since the first declaration (which opens everything and counts for
    // nothing): the half-edge prior over the first declaration, an hour decayed at thirty days'
    // half-life, and this one.
    cs_novelty_rate: 0.5 / (Math.pow(2, -1 / 720) + 1),
    cp_novelty_rate: 0.5 / (Math.pow(2, -1 / 720) + 1),
    cd_novelty_rate: 0.5 / (Math.pow(2, -1 / 720) + 1),
  });
  // And the port is known on the next declaration, which counts the port it opened an hour ago.
  const third = observeDeclaration(g, decl({ ts: T0 + 2 * H, port: 'COBUN', destination: 'NL' }), OPTS).values;
  check(third, {
    cp_new: 0,
    sp_new: 0,
    cd_new: 1,
    port_degree: 1,
    triple_typicality: (1 + 0.5) / (2 + 1),
    // NL: none of the subheading's two declarations.
    sd_rarity: Math.log(3 / 0.5),
    // The port opened an hour ago counts for ports only.
    cs_novelty_rate: 0.5 / (Math.pow(2, -2 / 720) + Math.pow(2, -1 / 720) + 1),
    cp_novelty_rate: (Math.pow(2, -1 / 720) + 0.5) / (Math.pow(2, -2 / 720) + Math.pow(2, -1 / 720) + 1),
    cd_novelty_rate: 0.5 / (Math.pow(2, -2 / 720) + Math.pow(2, -1 / 720) + 1),
  });
  const fourth = observeDeclaration(g, decl({ ts: T0 + 3 * H, destination: 'NL' }), OPTS).values;
  const long4 = Math.pow(2, -3 / 720) + Math.pow(2, -2 / 720) + Math.pow(2, -1 / 720) + 1;
  check(fourth, { cd_new: 0, cp_novelty_rate: (Math.pow(2, -2 / 720) + 0.5) / long4, cd_novelty_rate: (Math.pow(2, -1 / 720) + 0.5) / long4 });
});

test('unit value robust z against the subheading norm, with the MAD floor, golden', () => {
  const g = new TradeGraphState();
  let t = T0;
  for (const uv of [4, 4, 4, 4, 4, 5, 5, 5, 5]) observeDeclaration(g, decl({ ts: (t += H), exporter_id: `C${t}`, fob_usd: uv * 10_000 }), OPTS);
  const { values } = observeDeclaration(g, decl({ ts: (t += H), exporter_id: 'X', fob_usd: 400_000 }), OPTS);
  // median log10(4); MAD 0 floored at 0.03: (log10 40 − log10 4) / (1.4826 · 0.03)
  check(values, { uv_z: 1 / (1.4826 * 0.03), uv_dest_z: 1 / (1.4826 * 0.03), subheading_degree: Math.log2(10) });
  // Declaration size: log10(1 + FOB) against the same nine (median log10 40 001; five of nine alike, so MAD 0 → floor).
  check(values, { fob_z: (Math.log10(400_001) - Math.log10(40_001)) / (1.4826 * 0.03) });
  // The day's value in the goods' usual lots: one declaration ten times the median.
  check(values, { lots_24h: Math.log10(400_001) - Math.log10(40_001) });
});

test('weights: a mass quantity that disagrees with the net weight, a heavy tare, kg per article', () => {
  const g = new TradeGraphState();
  check(observeDeclaration(g, decl({ quantity: 5_000 }), OPTS).values, { mass_mismatch: Math.log10(2) });
  check(observeDeclaration(g, decl({ quantity: 10, unit: 'TNE' }), OPTS).values, { mass_mismatch: 0 });
  check(observeDeclaration(g, decl({ gross_kg: 40_000 }), OPTS).values, { tare_ratio: Math.log10(4) });
  let t = T0;
  for (let i = 0; i < 8; i++) observeDeclaration(g, decl({ ts: (t += H), hs_code: '610910', unit: 'NAR', quantity: 5_000, net_kg: 1_000, gross_kg: 1_100 }), OPTS);
  // 0.2 kg per T-shirt eight times; now 2 kg per T-shirt: log10(10) / (1.4826 · 0.03)
  check(observeDeclaration(g, decl({ ts: (t += H), hs_code: '610910', unit: 'NAR', quantity: 500, net_kg: 1_000, gross_kg: 1_100 }), OPTS).values, { kg_per_unit_z: 1 / (1.4826 * 0.03), mass_mismatch: 0 });
});

test('quota consumption per licence and year, and a controlled substance on a new route', () => {
  const g = new TradeGraphState();
  const c = { hs_code: '291411', controlled: true, licence: 'L1', quota_kg: 1_000 } as const;
  check(observeDeclaration(g, decl({ ...c, net_kg: 600, gross_kg: 650, quantity: 600 }), OPTS).values, { controlled: 1, quota_used: 0.6, controlled_route_new: 0 });
  check(observeDeclaration(g, decl({ ...c, ts: T0 + H, net_kg: 500, gross_kg: 550, quantity: 500, destination: 'VE' }), OPTS).values, { quota_used: 1.1, controlled_route_new: 1, cd_new: 1 });
  // A new year starts the licence again.
  check(observeDeclaration(g, decl({ ...c, ts: Date.UTC(2027, 0, 2), net_kg: 100, gross_kg: 110, quantity: 100 }), OPTS).values, { quota_used: 0.1 });
});

test('structuring: declarations just under the threshold accumulate, decayed over a day', () => {
  const g = new TradeGraphState();
  const v1 = observeDeclaration(g, decl({ fob_usd: 9_500 }), OPTS).values;
  const v2 = observeDeclaration(g, decl({ ts: T0 + 24 * H, fob_usd: 9_900 }), OPTS).values;
  const v3 = observeDeclaration(g, decl({ ts: T0 + 24 * H, fob_usd: 10_000 }), OPTS).values;
  // No history: the prior share 0.03 of one declaration is expected; (1 − 0.03) / √(0.03 + 1).
  check(v1, { near_threshold: 1, near_threshold_24h: 1, near_threshold_z: 0.97 / Math.sqrt(1.03) });
  // History before the day: 2^(−1/30) (thirty-day) − 0.5 (still in the day) declarations, all near
  // the threshold; share (h + 10 · 0.03) / (h + 10) of the day's 1.5 declarations expected.
  const h = Math.pow(2, -1 / 30) - 0.5;
  const expected = 1.5 * ((h + 0.3) / (h + 10));
  check(v2, { near_threshold: 1, near_threshold_24h: 1.5, near_threshold_z: (1.5 - expected) / Math.sqrt(expected + 1) });
  check(v3, { near_threshold: 0, near_threshold_24h: 1.5 });
});

test('snapshot and restore give the same features afterwards', () => {
  const run = (split: boolean) => {
    let g = new TradeGraphState();
    const out: number[][] = [];
    for (let i = 0; i < 40; i++) {
      if (split && i === 20) {
        const snap = JSON.parse(JSON.stringify(g.snapshot()));
        g = new TradeGraphState();
        g.restore(snap);
      }
      const d = decl({ ts: T0 + i * H, exporter_id: `E${i % 3}`, port: ['COCTG', 'COBUN', 'COBAQ'][i % 4 === 0 ? 1 : 0]!, destination: ['US', 'NL', 'ES'][i % 5 === 0 ? 2 : 0]!, fob_usd: 30_000 + ((i * 7919) % 13) * 1_000 });
      out.push(observeDeclaration(g, d, OPTS).values);
    }
    return out;
  };
  assert.deepEqual(run(true), run(false));
});

test('a snapshot from before trade-ae@3 (no novelty counts, no subheading destinations) restores and scores', () => {
  const g = new TradeGraphState();
  observeDeclaration(g, decl(), OPTS);
  const snap = JSON.parse(JSON.stringify(g.snapshot()));
  for (const [, c] of snap.companies) for (const k of ['newSubheadings', 'newPorts', 'newDestinations']) delete c[k];
  for (const [, s] of snap.subheadings) delete s.destinations;
  const h = new TradeGraphState();
  h.restore(snap);
  const { values } = observeDeclaration(h, decl({ ts: T0 + H, destination: 'NL' }), OPTS);
  assert.ok(values.every(Number.isFinite));
  check(values, { cd_new: 1, cd_novelty_rate: 0.5 / (Math.pow(2, -1 / 720) + 1), sd_rarity: Math.log(2 / 0.5) });
});

test('route habit: filings since the company last opened a subheading, port or destination, golden', () => {
  const g = new TradeGraphState();
  // A newcomer has no habit; its first declaration opens every edge (index 0).
  assert.deepEqual(observeDeclaration(g, decl({ exporter_id: 'H' }), OPTS).habit, { subheadingsSettledFor: 0, portsSettledFor: 0, destinationsSettledFor: 0 });
  // Filings 1–3 on the same routes: settled for 1, 2, 3 filings (the opening one counts).
  for (let i = 1; i <= 3; i++) assert.deepEqual(observeDeclaration(g, decl({ exporter_id: 'H', ts: T0 + i * H }), OPTS).habit, { subheadingsSettledFor: i, portsSettledFor: i, destinationsSettledFor: i });
  // Filing 4 opens NL (seen as settled for 4 before it); filing 5 sees destinations settled for 1 only.
  assert.equal(observeDeclaration(g, decl({ exporter_id: 'H', ts: T0 + 4 * H, destination: 'NL' }), OPTS).habit.destinationsSettledFor, 4);
  assert.deepEqual(observeDeclaration(g, decl({ exporter_id: 'H', ts: T0 + 5 * H, destination: 'NL' }), OPTS).habit, { subheadingsSettledFor: 5, portsSettledFor: 5, destinationsSettledFor: 1 });
  // Through a snapshot (and from a snapshot without the counts: settled since the first filing).
  const snap = JSON.parse(JSON.stringify(g.snapshot()));
  const h = new TradeGraphState();
  h.restore(snap);
  assert.deepEqual(observeDeclaration(h, decl({ exporter_id: 'H', ts: T0 + 6 * H }), OPTS).habit, { subheadingsSettledFor: 6, portsSettledFor: 6, destinationsSettledFor: 2 });
  for (const [, c] of snap.companies) for (const k of ['subheadingOpenedAt', 'portOpenedAt', 'destinationOpenedAt']) delete c[k];
  const old = new TradeGraphState();
  old.restore(snap);
  assert.equal(observeDeclaration(old, decl({ exporter_id: 'H', ts: T0 + 6 * H }), OPTS).habit.destinationsSettledFor, 6);
});
