// The trade feature vector, computed once here for live scoring, replays and training exports
// (the autoencoder of the next step trains on exactly these numbers). Every feature of a
// declaration is measured against the state *before* it, then the declaration is learned:
// a company's first use of a port is "new" on that declaration and known on the next.
import { MASS_UNIT_KG, subheadingOf, type TradeDeclaration } from '../../../../contracts/index.ts';
import { addDecayed, decayedAt, perDay, type Decayed } from './decayed-count.ts';
import { bump, MAX_EDGES, MAX_LICENCES, newCompany, newPort, newSubheading, ringOf, TradeGraphState, type CompanyState, type SubheadingState } from './trade-graph-state.ts';

export const TRADE_FEATURE_SET = 'trade-ae@3';

/** Names and order are versioned with the set name; groups name them for explanations. */
export const TRADE_FEATURE_GROUPS = {
  price: ['uv_z', 'uv_dest_z', 'log_unit_value'],
  weight: ['kg_per_unit_z', 'mass_mismatch', 'tare_ratio'],
  volume: ['log_fob', 'log_net_kg', 'fob_z'],
  company: ['company_n', 'company_age_days', 'velocity_24h', 'count_1h', 'burst_z', 'value_24h', 'lots_24h', 'near_threshold', 'near_threshold_24h', 'near_threshold_z', 'since_last_h', 'cs_n', 'cs_since_last_h'],
  route: ['cs_new', 'cp_new', 'sp_new', 'cd_new', 'cs_rarity', 'cp_rarity', 'cd_rarity', 'sp_rarity', 'triple_typicality', 'company_degree', 'subheading_degree', 'port_degree', 'peer_similarity', 'sd_rarity', 'cs_novelty_rate', 'cp_novelty_rate', 'cd_novelty_rate'],
  quota: ['controlled', 'quota_used', 'controlled_route_new'],
} as const;
export type TradeFeatureGroup = keyof typeof TRADE_FEATURE_GROUPS;
export const TRADE_FEATURES = Object.values(TRADE_FEATURE_GROUPS).flat() as readonly TradeFeatureName[];
export type TradeFeatureName = (typeof TRADE_FEATURE_GROUPS)[TradeFeatureGroup][number];
export const TRADE_FEATURE_INDEX = Object.fromEntries(TRADE_FEATURES.map((n, i) => [n, i])) as Record<TradeFeatureName, number>;

const DAY = 86_400_000;
const HOUR = 3_600_000;
export const SHORT_HALF_LIFE = DAY;
export const LONG_HALF_LIFE = 30 * DAY;
export const HOUR_HALF_LIFE = HOUR;
/**
 * Share of a usual day's declarations an hour-long decayed count holds at the busiest office
 * hour: about 16 % of a day's filings fall in that hour, a decayed count holds 1/ln 2 hours of
 * them, and a working day carries ×1.27 the thirty-day mean (weekends are quiet). What
 * `count_1h` is compared with.
 */
export const PEAK_HOUR_SHARE = 0.3;
/**
 * Share of a company's declarations that fall just under the threshold by chance, before its own
 * history says otherwise (a lot's value spreads over decades; the band [0.9·T, T) is 0.046 of
 * one), and the weight of that prior in declarations.
 */
export const NEAR_PRIOR_SHARE = 0.03;
export const NEAR_PRIOR_WEIGHT = 10;
/** Cap of the "hours since" features: a company back after a month is as fresh as one back after a year. */
export const MAX_SINCE_H = 720;
/** Robust z: values needed before a distribution judges, and the floor of its MAD (log10 units). */
export const MIN_COUNT = 8;
export const MIN_SCALE = 0.03;

export interface TradeFeatureOptions {
  /** Structuring threshold: declarations in [0.9·T, T) USD count as just under it. */
  reportingThresholdUsd: number;
}

export interface ObservedDeclaration {
  subheading: string;
  /** In TRADE_FEATURES order. */
  values: number[];
  /** What the interim signals read beside the features (not a model input). */
  habit: RouteHabit;
}

/**
 * The company's filings since it last used a subheading, port or destination for the first
 * time (its first declaration opens every edge; 0 for a company without history). Kept beside
 * the feature vector, not in it: the autoencoder's feature set (trade-ae@3) is unchanged.
 */
export interface RouteHabit {
  subheadingsSettledFor: number;
  portsSettledFor: number;
  destinationsSettledFor: number;
}

const log10p = (x: number) => Math.log10(1 + Math.max(0, x));
const I = TRADE_FEATURE_INDEX;
/** A feature value, 0 when undefined (a z of nothing, a log of 0): module-level, as this runs for every declaration. */
function put(v: number[], i: number, x: number): void {
  v[i] = Number.isFinite(x) ? x : 0;
}
const rarity = (count: number, total: number) => -Math.log((count + 0.5) / (total + 1));

/**
 * The features of `d` against `g` (the state before it), then `d` learned into `g`. The state's
 * nodes for d's company, subheading and port must already be admitted by the key budget.
 * Subheading and port nodes are kept per `partition` (see TradeGraphState).
 */
export function observeDeclaration(g: TradeGraphState, d: TradeDeclaration, opts: TradeFeatureOptions, partition = 0): ObservedDeclaration {
  const sub = subheadingOf(d.hs_code);
  let c = g.companies.get(d.exporter_id);
  if (c === undefined) g.companies.set(d.exporter_id, (c = newCompany(d.ts)));
  const subId = TradeGraphState.sharedId(partition, sub);
  let s = g.subheadings.get(subId);
  if (s === undefined) g.subheadings.set(subId, (s = newSubheading()));
  const portId = TradeGraphState.sharedId(partition, d.port);
  let p = g.ports.get(portId);
  if (p === undefined) g.ports.set(portId, (p = newPort()));

  const v = new Array<number>(TRADE_FEATURES.length).fill(0);

  // Price: log10 USD per net kg against the subheading (and the subheading × destination) norm.
  const luv = Math.log10(Math.max(d.fob_usd, 0.01) / d.net_kg);
  const uvZ = s.unitValue.z(luv, MIN_COUNT, MIN_SCALE);
  const destRing = s.unitValueByDestination.get(d.destination);
  put(v, I.uv_z, uvZ);
  put(v, I.uv_dest_z, destRing && destRing.size >= MIN_COUNT ? destRing.z(luv, MIN_COUNT, MIN_SCALE) : uvZ);
  put(v, I.log_unit_value, luv);

  // Weight and quantity: do net kg, quantity and gross kg agree with each other?
  const unitKg = MASS_UNIT_KG[d.unit];
  const lkpu = d.quantity > 0 ? Math.log10(d.net_kg / d.quantity) : NaN;
  if (unitKg !== undefined) put(v, I.mass_mismatch, d.quantity > 0 ? Math.abs(Math.log10(d.net_kg / (d.quantity * unitKg))) : 1);
  else put(v, I.kg_per_unit_z, d.quantity > 0 ? (s.kgPerUnit.get(d.unit)?.z(lkpu, MIN_COUNT, MIN_SCALE) ?? 0) : 0);
  put(v, I.tare_ratio, Math.log10(d.gross_kg / d.net_kg));
  put(v, I.log_fob, log10p(d.fob_usd));
  put(v, I.log_net_kg, log10p(d.net_kg));
  // Size of the declaration against the subheading's usual lot (a newcomer filing huge lots).
  put(v, I.fob_z, s.fobSize.z(log10p(d.fob_usd), MIN_COUNT, MIN_SCALE));

  // Company behaviour.
  const known = c.n > 0;
  const shortNow = decayedAt(c.short, d.ts, SHORT_HALF_LIFE) + 1;
  const longNow = decayedAt(c.long, d.ts, LONG_HALF_LIFE) + 1;
  put(v, I.company_n, log10p(c.n));
  put(v, I.company_age_days, known ? Math.min(365, (d.ts - c.firstTs) / DAY) : 0);
  put(v, I.velocity_24h, perDay(shortNow, SHORT_HALF_LIFE));
  // A burst: the last hour's other declarations against what the company's usual day puts in its
  // busiest hour, in standard deviations of that count (a decayed Poisson sum of mean μ has
  // variance μ/2). The usual day: the thirty-day rate, or the lifetime mean while the thirty days
  // fill up. A z, not a ratio, so a large company's burst (20 an hour where 8 are usual) counts
  // as much as a small one's (5 where 0.3 are).
  const usual = Math.max(perDay(longNow, LONG_HALF_LIFE), known ? c.n / Math.max(1, (d.ts - c.firstTs) / DAY) : 0);
  const hourNow = decayedAt(c.hourly, d.ts, HOUR_HALF_LIFE) + 1;
  const hourMean = usual * PEAK_HOUR_SHARE;
  put(v, I.count_1h, hourNow);
  put(v, I.burst_z, (hourNow - 1 - hourMean) / Math.sqrt(hourMean / 2 + 0.5));
  const valueNow = decayedAt(c.value, d.ts, SHORT_HALF_LIFE) + d.fob_usd;
  put(v, I.value_24h, log10p(valueNow));
  // The day's value in lots of this goods' usual size (the subheading's median declaration across
  // its peers): how much the company files against what one company usually files at once.
  put(v, I.lots_24h, s.fobSize.size >= MIN_COUNT ? log10p(valueNow) - s.fobSize.median() : 0);
  // Structuring: the day's declarations just under the threshold against what the company's own
  // share of them before today predicts for the day's declarations, as a Poisson z. The share
  // starts at NEAR_PRIOR_SHARE, so goods whose lots are often worth just under it are not suspect.
  const near = d.fob_usd >= 0.9 * opts.reportingThresholdUsd && d.fob_usd < opts.reportingThresholdUsd ? 1 : 0;
  const nearBefore = decayedAt(c.nearThreshold, d.ts, SHORT_HALF_LIFE);
  const nearNow = nearBefore + near;
  put(v, I.near_threshold, near);
  put(v, I.near_threshold_24h, nearNow);
  const history = Math.max(0, longNow - shortNow);
  const nearHistory = Math.max(0, decayedAt(c.nearThresholdLong, d.ts, LONG_HALF_LIFE) - nearBefore);
  const nearShare = (Math.min(nearHistory, history) + NEAR_PRIOR_WEIGHT * NEAR_PRIOR_SHARE) / (history + NEAR_PRIOR_WEIGHT);
  const nearExpected = shortNow * nearShare;
  put(v, I.near_threshold_z, (nearNow - nearExpected) / Math.sqrt(nearExpected + 1));
  put(v, I.since_last_h, known ? Math.min(MAX_SINCE_H, Math.max(0, d.ts - c.lastTs) / HOUR) : MAX_SINCE_H);
  const cs = c.subheadings.get(sub);
  put(v, I.cs_n, log10p(cs?.n ?? 0));
  put(v, I.cs_since_last_h, cs ? Math.min(MAX_SINCE_H, Math.max(0, d.ts - cs.lastTs) / HOUR) : MAX_SINCE_H);

  // Graph: novelty and rarity of each edge, typicality of the triple, similarity to peers.
  const triple = `${sub}|${d.port}`;
  const cp = c.ports.get(d.port) ?? 0;
  const cd = c.destinations.get(d.destination) ?? 0;
  const sp = s.ports.get(d.port) ?? 0;
  const csp = c.triples.get(triple) ?? 0;
  // Novelty means something only for a node with a past: a company's first declaration opens every edge.
  put(v, I.cs_new, known && !cs ? 1 : 0);
  put(v, I.cp_new, known && cp === 0 ? 1 : 0);
  put(v, I.sp_new, s.n > 0 && sp === 0 ? 1 : 0);
  put(v, I.cd_new, known && cd === 0 ? 1 : 0);
  put(v, I.cs_rarity, known ? rarity(cs?.n ?? 0, c.n) : 0);
  put(v, I.cp_rarity, known ? rarity(cp, c.n) : 0);
  put(v, I.cd_rarity, known ? rarity(cd, c.n) : 0);
  put(v, I.sp_rarity, s.n > 0 ? rarity(sp, s.n) : 0);
  put(v, I.triple_typicality, cs ? (csp + 0.5) / (cs.n + 1) : 0);
  put(v, I.company_degree, Math.log2(1 + c.subheadings.size + c.ports.size + c.destinations.size));
  put(v, I.subheading_degree, Math.log2(1 + s.companies));
  put(v, I.port_degree, Math.log2(1 + p.companies));
  put(v, I.peer_similarity, peerSimilarity(c, s, sub));
  // How unusual a new edge is: among peers (a destination the goods often go to is no surprise
  // for a company that merely had not used it yet; sp_rarity is the same for ports), and for the
  // company itself: the share of its last thirty days' declarations that opened a subheading,
  // port or destination (one still widening its routes opens another without it meaning much).
  const sd = s.destinations.get(d.destination) ?? 0;
  put(v, I.sd_rarity, s.n > 0 ? rarity(sd, s.n) : 0);
  put(v, I.cs_novelty_rate, known ? noveltyRate(c.newSubheadings, d.ts, longNow) : 0);
  put(v, I.cp_novelty_rate, known ? noveltyRate(c.newPorts, d.ts, longNow) : 0);
  put(v, I.cd_novelty_rate, known ? noveltyRate(c.newDestinations, d.ts, longNow) : 0);

  // Quota: the share of the licence's yearly quota used, this declaration included.
  let year = 0;
  let used = 0;
  const licenceId = d.licence !== undefined ? TradeGraphState.sharedId(partition, d.licence) : '';
  if (d.controlled && d.licence !== undefined && d.quota_kg !== undefined) {
    year = new Date(d.ts).getUTCFullYear();
    const q = g.licences.get(licenceId);
    used = (q && q.year === year ? q.kg : 0) + d.net_kg;
    put(v, I.controlled, 1);
    put(v, I.quota_used, used / d.quota_kg);
    put(v, I.controlled_route_new, known && (cp === 0 || cd === 0) ? 1 : 0);
  }

  const habit: RouteHabit = { subheadingsSettledFor: c.n - c.subheadingOpenedAt, portsSettledFor: c.n - c.portOpenedAt, destinationsSettledFor: c.n - c.destinationOpenedAt };
  learn(g, c, s, p, d, { sub, triple, known, cd: cd > 0, cs: cs !== undefined, cp: cp > 0, sp: sp > 0, luv, lkpu, unitKg, near, year, used, licenceId });
  return { subheading: sub, values: v, habit };
}

/**
 * Edges of one kind a company opened per declaration over thirty days, before `ts`, with half an
 * edge of prior (a company that never widened its routes is not certain never to), against
 * `longNow` (its decayed declarations, this one included).
 */
function noveltyRate(opened: Decayed, ts: number, longNow: number): number {
  return (decayedAt(opened, ts, LONG_HALF_LIFE) + 0.5) / longNow;
}

/**
 * Cosine similarity between the ports this company uses for the subheading (or for anything,
 * before it declared the subheading) and the ports all companies use for it: how much the
 * company ships this goods the way its peers do. 0 without history on either side.
 */
function peerSimilarity(c: CompanyState, s: SubheadingState, sub: string): number {
  if (s.ports.size === 0) return 0;
  let dot = 0;
  let nc = 0;
  // Walked in place (no arrays per declaration): this runs for every declaration.
  if (c.subheadings.has(sub)) {
    const prefix = `${sub}|`;
    for (const [k, n] of c.triples) {
      if (!k.startsWith(prefix)) continue;
      dot += n * (s.ports.get(k.slice(prefix.length)) ?? 0);
      nc += n * n;
    }
  } else {
    for (const [port, n] of c.ports) {
      dot += n * (s.ports.get(port) ?? 0);
      nc += n * n;
    }
  }
  if (nc === 0) return 0;
  let ns = 0;
  for (const n of s.ports.values()) ns += n * n;
  return ns > 0 ? dot / Math.sqrt(nc * ns) : 0;
}

function learn(
  g: TradeGraphState,
  c: CompanyState,
  s: SubheadingState,
  p: ReturnType<typeof newPort>,
  d: TradeDeclaration,
  x: { sub: string; triple: string; known: boolean; cd: boolean; cs: boolean; cp: boolean; sp: boolean; luv: number; lkpu: number; unitKg: number | undefined; near: number; year: number; used: number; licenceId: string },
): void {
  c.n++;
  if (d.ts > c.lastTs) c.lastTs = d.ts;
  addDecayed(c.short, d.ts, 1, SHORT_HALF_LIFE);
  addDecayed(c.long, d.ts, 1, LONG_HALF_LIFE);
  addDecayed(c.hourly, d.ts, 1, HOUR_HALF_LIFE);
  addDecayed(c.value, d.ts, d.fob_usd, SHORT_HALF_LIFE);
  if (x.near) {
    addDecayed(c.nearThreshold, d.ts, 1, SHORT_HALF_LIFE);
    addDecayed(c.nearThresholdLong, d.ts, 1, LONG_HALF_LIFE);
  }
  // A company's first declaration opens every edge: that is its start, not a widening.
  if (x.known && !x.cs) {
    addDecayed(c.newSubheadings, d.ts, 1, LONG_HALF_LIFE);
    c.subheadingOpenedAt = c.n - 1;
  }
  if (x.known && !x.cp) {
    addDecayed(c.newPorts, d.ts, 1, LONG_HALF_LIFE);
    c.portOpenedAt = c.n - 1;
  }
  if (x.known && !x.cd) {
    addDecayed(c.newDestinations, d.ts, 1, LONG_HALF_LIFE);
    c.destinationOpenedAt = c.n - 1;
  }
  const cs = c.subheadings.get(x.sub);
  if (cs) {
    cs.n++;
    if (d.ts > cs.lastTs) cs.lastTs = d.ts;
  } else if (c.subheadings.size < MAX_EDGES) c.subheadings.set(x.sub, { n: 1, lastTs: d.ts });
  bump(c.ports, d.port);
  bump(c.destinations, d.destination);
  bump(c.triples, x.triple);
  bump(s.ports, d.port);
  // A degree counts the edges the other end remembers, once each: what forgetting a node takes
  // off again (TradeGraphState.keyedFor), so a company forgotten and back is not counted twice.
  if (!x.cs && c.subheadings.has(x.sub)) s.companies++;
  if (!x.cp && c.ports.has(d.port)) p.companies++;
  if (!x.sp && s.ports.has(d.port)) p.subheadings++;
  bump(s.destinations, d.destination);
  if (d.controlled && d.licence !== undefined) {
    const q = g.licences.get(x.licenceId);
    const year = x.year || new Date(d.ts).getUTCFullYear();
    if (q) {
      q.year = year;
      q.kg = x.used;
    } else if (g.licences.size < MAX_LICENCES) g.licences.set(x.licenceId, { year, kg: x.used });
    else g.ledgerFull++;
  }
  s.n++;
  p.n++;
  s.unitValue.add(x.luv);
  s.fobSize.add(log10p(d.fob_usd));
  ringOf(s.unitValueByDestination, d.destination)?.add(x.luv);
  if (x.unitKg === undefined && Number.isFinite(x.lkpu)) ringOf(s.kgPerUnit, d.unit)?.add(x.lkpu);
}
