// The trade domain's score until the autoencoder lands: deterministic rules for what must never
// be missed (quota exceeded, impossible weights), and an online score that reads the feature
// vector — each signal mapped to 0–100, the strongest one wins and names the group. Pure: the
// same vector gives the same verdict, so live, replay and the bench agree.
import type { AnomalyDriver } from '../../../../contracts/index.ts';
import { TRADE_FEATURE_INDEX as F, type TradeFeatureGroup, type TradeFeatureName } from './trade-features.ts';

export const TRADE_RULES_DETECTOR = 'trade-rules@1';
export const TRADE_INTERIM_DETECTOR = 'trade-interim@1';

/** Signals of a company with less history than this are not judged on novelty or bursts. */
export const ESTABLISHED_AFTER = 20;

export interface TradeVerdict {
  score: number;
  detector: string;
  /** Strongest first; the first names the top feature group. */
  drivers: AnomalyDriver[];
  /** The feature group of the strongest driver ('' when nothing fired). */
  group: TradeFeatureGroup | '';
}

interface Signal {
  group: TradeFeatureGroup;
  feature: TradeFeatureName;
  score: number;
  rule: boolean;
  reason: string;
  expected: number | null;
}

/** 0 at `from`, rising towards 100 with scale `k` (in the feature's units). */
const ramp = (x: number, from: number, k: number) => (x <= from ? 0 : 100 * (1 - Math.exp(-(x - from) / k)));
const companyN = (v: readonly number[]) => Math.pow(10, v[F.company_n]!) - 1;

export function scoreTradeFeatures(v: readonly number[]): TradeVerdict {
  const val = (n: TradeFeatureName) => v[F[n]]!;
  const signals: Signal[] = [];
  const add = (group: TradeFeatureGroup, feature: TradeFeatureName, score: number, reason: string, rule = false, expected: number | null = null) => {
    if (score > 0) signals.push({ group, feature, score: Math.min(100, score), rule, reason, expected });
  };

  // Rules.
  const quota = val('quota_used');
  if (quota > 1) add('quota', 'quota_used', 97, `licence quota exceeded: ${(quota * 100).toFixed(0)} % of the yearly quota declared`, true, 1);
  const mismatch = val('mass_mismatch');
  if (mismatch > Math.log10(1.25)) add('weight', 'mass_mismatch', 90, `quantity in a mass unit disagrees with the net weight by ×${Math.pow(10, mismatch).toFixed(2)}`, true, 0);
  const tare = val('tare_ratio');
  if (tare > Math.log10(3)) add('weight', 'tare_ratio', 90, `gross weight is ×${Math.pow(10, tare).toFixed(1)} the net weight`, true, 0);

  // Online signals.
  const uv = Math.max(Math.abs(val('uv_z')), Math.abs(val('uv_dest_z')));
  add('price', Math.abs(val('uv_z')) >= Math.abs(val('uv_dest_z')) ? 'uv_z' : 'uv_dest_z', ramp(uv, 2, 2.5), `unit value ${uv.toFixed(1)} robust σ from the subheading's norm`, false, 0);
  add('weight', 'kg_per_unit_z', ramp(Math.abs(val('kg_per_unit_z')), 2, 2.5), `kg per unit ${Math.abs(val('kg_per_unit_z')).toFixed(1)} robust σ from the subheading's norm`, false, 0);
  const established = companyN(v) >= ESTABLISHED_AFTER;
  if (established) {
    if (val('cs_new')) add('route', 'cs_new', 75, 'first declaration of this subheading by the company');
    if (val('cp_new')) add('route', 'cp_new', 72, 'first declaration through this port by the company');
    if (val('cd_new')) add('route', 'cd_new', 72, 'first declaration to this destination by the company');
    if (val('company_age_days') >= 3) add('company', 'burst_ratio', ramp(val('burst_ratio'), 0.9, 0.35), `${val('count_1h').toFixed(1)} declarations in the last hour, ×${Math.exp(val('burst_ratio')).toFixed(1)} its busiest usual hour`);
  }
  if (val('controlled') && val('controlled_route_new') && companyN(v) >= 5) add('quota', 'controlled_route_new', 88, 'controlled substance on a route the company never used');
  // Structuring: many declarations just under the threshold, and most of the day's declarations.
  const near = val('near_threshold_24h');
  const share = (near * Math.LN2) / Math.max(val('velocity_24h'), 1e-9);
  // Or many more than the company's habit.
  const habit = near >= 3 ? ramp(val('near_threshold_ratio'), 1.2, 0.5) : 0;
  const structuring = Math.max(share >= 0.6 ? ramp(near, 2.5, 1.2) : 0, habit);
  add('company', 'near_threshold_24h', structuring, `${near.toFixed(1)} declarations just under the reporting threshold in a day (${(share * 100).toFixed(0)} % of its declarations, ×${Math.exp(val('near_threshold_ratio')).toFixed(1)} its habit)`);
  // A newcomer: a young company filing many lots far larger than the goods' usual ones.
  if (companyN(v) < ESTABLISHED_AFTER && val('company_age_days') < 3 && val('velocity_24h') >= 6) {
    add('company', 'fob_z', ramp(val('fob_z'), 1.5, 1), `new company filing ${val('velocity_24h').toFixed(0)} declarations a day, ${val('fob_z').toFixed(1)} robust σ above the goods' usual size`, false, 0);
  }

  signals.sort((a, b) => b.score - a.score || Number(b.rule) - Number(a.rule));
  const top = signals[0];
  return {
    score: top?.score ?? 0,
    detector: top?.rule ? TRADE_RULES_DETECTOR : TRADE_INTERIM_DETECTOR,
    drivers: signals.slice(0, 4).map((s) => ({ feature: `${s.group}.${s.feature}`, score: s.score, value: val(s.feature), expected: s.expected, reason: s.reason })),
    group: top?.group ?? '',
  };
}
