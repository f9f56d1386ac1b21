// The trade domain's score until the autoencoder lands: deterministic rules for what must never
// be missed (quota exceeded, impossible weights), and an online score that reads the feature
// vector — each signal mapped to 0–100, the strongest one wins and names the group. Pure: the
// same vector gives the same verdict, so live, replay and the bench agree.
import type { AnomalyDriver } from '../../../../contracts/index.ts';
import { TRADE_FEATURE_INDEX as F, type RouteHabit, type TradeFeatureGroup, type TradeFeatureName } from './trade-features.ts';

export const TRADE_RULES_DETECTOR = 'trade-rules@1';
export const TRADE_INTERIM_DETECTOR = 'trade-interim@1';

/** Signals of a company with less history than this are not judged on novelty or bursts. */
export const ESTABLISHED_AFTER = 20;

/**
 * Where the behavioural signals start (0) and how fast they rise to 100 (63 % of the way per
 * `…Scale`), in their features' units. Chosen on bench seeds 1–2 by
 * bench/src/trade/tune-trade-signals.ts (mean F1 of burst, structuring and new company, with no
 * more company false alarms than before) and reported on seeds 3–5; see the README's bench trade section.
 */
export interface TradeSignalThresholds {
  /** burst_z: the last hour's declarations, in σ above the company's usual busiest hour. */
  burstFrom: number;
  burstScale: number;
  /** near_threshold_z: the day's just-under-threshold declarations, in Poisson σ above the company's own share. */
  structuringFrom: number;
  structuringScale: number;
  /** Least decayed count of just-under-threshold declarations in the day before structuring is judged. */
  structuringMinCount: number;
  /** lots_24h (log10 of the day's value in the goods' usual lots) of a young company. */
  newcomerFrom: number;
  newcomerScale: number;
  /** A company younger than this many days (and with fewer than ESTABLISHED_AFTER declarations) is new. */
  newcomerMaxAgeDays: number;
  /**
   * Least surprise of a company's first use of a subheading or port, in nats: −ln of its
   * cs_/cp_novelty_rate, the share of its last thirty days' declarations that opened one. A
   * company still widening its routes (one new edge in ten filings: 2.3 nats) opening another is
   * ordinary; one whose routes have settled (one in a hundred: 4.6 nats) is not.
   */
  noveltyFrom: number;
  /** The same for a destination (cd_novelty_rate): a new buyer abroad is cheaper to add than new goods or a new port. */
  destinationNoveltyFrom: number;
  /**
   * Weight of the peers' view in a new destination's surprise: `sd_rarity` (−ln of the share of
   * the goods' declarations that go there) times this is added to the company's own surprise,
   * so a first use of a market where the goods usually go counts less than one where they never
   * do. 0 = the company's habit alone.
   */
  destinationPeerWeight: number;
  /**
   * Least surprise (as above, the larger of the new port's and the new destination's) of a
   * controlled substance's first use of a port or destination before it fires; 0 = every one
   * (of a company with five filings or more).
   */
  controlledRouteFrom: number;
}

export const DEFAULT_SIGNAL_THRESHOLDS: TradeSignalThresholds = {
  burstFrom: 2,
  burstScale: 1,
  structuringFrom: 2,
  structuringScale: 1,
  structuringMinCount: 3,
  newcomerFrom: 1,
  newcomerScale: 0.3,
  newcomerMaxAgeDays: 2,
  // Chosen on seeds 1, 2, 6, 7 by bench/src/trade/tune-route-novelty.ts (goods-dependent
  // destinations, the surprise with the count since the last opening) and reported on 3–5, 8–10
  // in the README: subheadings and ports from 4 nats (about one first use in 27 filings, or 27
  // settled filings), destinations from 4.25; the goods' peers (sd_rarity) did not help there.
  noveltyFrom: 4,
  destinationNoveltyFrom: 4.25,
  destinationPeerWeight: 0,
  controlledRouteFrom: 2.5,
};

/**
 * How surprising a company's first use of an edge is, in nats: −ln of the probability that its
 * next declaration opens one, the larger (the less likely) of two estimates — its thirty-day
 * novelty rate (openings per declaration, decayed, prior ½), and the Krichevsky–Trofimov estimate
 * ½ / (m + 1) over the m declarations since it last opened one. The rate remembers a company's
 * early widening for thirty days; the count since the last opening sees that its routes have
 * settled since (a company that opened three destinations in its first ten filings and none in
 * the forty since is settled, though its rate is still 3.5 / 50). Without `settledFor` (a vector
 * alone) the rate decides.
 */
export function noveltySurprise(rate: number, settledFor: number | undefined): number {
  const own = -Math.log(Math.max(rate, 1e-9));
  return settledFor === undefined || settledFor < 1 ? own : Math.max(own, Math.log(2 * settledFor));
}

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

/** A new destination's surprise: the company's own, plus the peers' view at its weight. */
const destinationSurprise = (val: (n: TradeFeatureName) => number, t: TradeSignalThresholds, habit: RouteHabit | undefined) =>
  noveltySurprise(val('cd_novelty_rate'), habit?.destinationsSettledFor) + t.destinationPeerWeight * val('sd_rarity');

/** The surprise of a controlled substance's new route: its new port's or new destination's, whichever is larger. */
function controlledRouteSurprise(val: (n: TradeFeatureName) => number, t: TradeSignalThresholds, habit: RouteHabit | undefined): number {
  const port = val('cp_new') ? noveltySurprise(val('cp_novelty_rate'), habit?.portsSettledFor) : 0;
  const destination = val('cd_new') ? destinationSurprise(val, t, habit) : 0;
  return Math.max(port, destination);
}

export function scoreTradeFeatures(v: readonly number[], t: TradeSignalThresholds = DEFAULT_SIGNAL_THRESHOLDS, habit?: RouteHabit): TradeVerdict {
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
    const said = (rate: TradeFeatureName, what: string, settled: number | undefined) =>
      `the company opened ${(val(rate) * 100).toFixed(1)} new ${what} per 100 filings over thirty days${settled === undefined ? '' : `, none in its last ${settled - 1}`}`;
    if (val('cs_new') && noveltySurprise(val('cs_novelty_rate'), habit?.subheadingsSettledFor) >= t.noveltyFrom)
      add('route', 'cs_new', 75, `first declaration of this subheading by the company; ${said('cs_novelty_rate', 'subheadings', habit?.subheadingsSettledFor)}`);
    if (val('cp_new') && noveltySurprise(val('cp_novelty_rate'), habit?.portsSettledFor) >= t.noveltyFrom)
      add('route', 'cp_new', 72, `first declaration through this port by the company; ${said('cp_novelty_rate', 'ports', habit?.portsSettledFor)}`);
    if (val('cd_new') && destinationSurprise(val, t, habit) >= t.destinationNoveltyFrom)
      add('route', 'cd_new', 72, `first declaration to this destination by the company; ${said('cd_novelty_rate', 'destinations', habit?.destinationsSettledFor)}`);
    if (val('company_age_days') >= 3) add('company', 'burst_z', ramp(val('burst_z'), t.burstFrom, t.burstScale), `${val('count_1h').toFixed(1)} declarations in the last hour, ${val('burst_z').toFixed(1)} σ above its busiest usual hour`);
  }
  if (val('controlled') && val('controlled_route_new') && companyN(v) >= 5 && controlledRouteSurprise(val, t, habit) >= t.controlledRouteFrom)
    add('quota', 'controlled_route_new', 88, 'controlled substance on a route the company never used');
  // Structuring: more declarations just under the threshold in a day than the company's own share
  // of them predicts. Judged on the declarations in the band only: the company's other filings
  // that day are not the structured ones.
  const near = val('near_threshold_24h');
  if (val('near_threshold') && near >= t.structuringMinCount) {
    add('company', 'near_threshold_z', ramp(val('near_threshold_z'), t.structuringFrom, t.structuringScale), `${near.toFixed(1)} declarations just under the reporting threshold in a day, ${val('near_threshold_z').toFixed(1)} σ above the company's habit`);
  }
  // A newcomer: a young company whose day already holds many of the goods' usual lots.
  if (companyN(v) < ESTABLISHED_AFTER && val('company_age_days') < t.newcomerMaxAgeDays) {
    add('company', 'lots_24h', ramp(val('lots_24h'), t.newcomerFrom, t.newcomerScale), `company first seen ${(val('company_age_days') * 24).toFixed(0)} h ago filing ${Math.pow(10, val('lots_24h')).toFixed(0)} usual lots of this goods in a day`);
  }

  // A rule that fires is the verdict (what must never be missed stays the rule's, with its
  // score and group, however strongly a behavioural signal fires beside it); then the strongest.
  signals.sort((a, b) => Number(b.rule) - Number(a.rule) || b.score - a.score);
  const top = signals[0];
  return {
    score: top?.score ?? 0,
    detector: top?.rule ? TRADE_RULES_DETECTOR : TRADE_INTERIM_DETECTOR,
    drivers: signals.slice(0, 4).map((s) => ({ feature: `${s.group}.${s.feature}`, score: s.score, value: val(s.feature), expected: s.expected, reason: s.reason })),
    group: top?.group ?? '',
  };
}
