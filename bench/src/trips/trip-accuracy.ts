/**
 * Accuracy of the trip domain against the simulator's ground truth: pure matching and metrics,
 * shared by the offline harness (offline-trips.ts) and `vigia bench trips` (through NATS, the
 * processor and ClickHouse). Inputs are plain records, so both can build them from wherever
 * their predictions live.
 *
 * Definitions (all restricted to the evaluated period [fromTs, untilTs), which excludes the
 * detectors' warm-up; the excluded counts are reported):
 *
 * Trip-level kinds (overcharge, impossible, detour) — judged per trip. A trip is "flagged"
 * when its score reached the alarm threshold; the prediction is the kind the scorer named.
 *   TP_k  flagged with kind k, truth k;
 *   FP_k  flagged with kind k, truth anything else (normal, another kind, a surge or collapse
 *         trip): a right alarm with the wrong kind counts against the precision of the kind it
 *         named and as a miss of its true kind;
 *   FN_k  truth k, not flagged with kind k.
 *   precision = TP/(TP+FP), recall = TP/(TP+FN), F1 their harmonic mean (null when undefined).
 *   Detection delay is 0 by construction: a trip is scored when its record arrives (at
 *   dropoff, its event time), never later; the bench reports 0 and says so.
 *   Event time of a trip = dropoff_ts.
 *
 * Demand kinds (surge, collapse) — judged per episode. A demand alert is an alert episode of
 * one (resolution, cell) with a direction and the window end `start` at which it was raised.
 *   An alert matches an episode when its evidence could include the episode: (1) its cell
 *   overlaps the episode's cells — the same cell, or an H3 parent or child of one across
 *   resolutions (a res-7 alert containing an affected res-9 cell matches; a res-9 alert inside
 *   the area matches) — or, when its strongest driver is a ring count (pickups around the
 *   cell), a cell of its k = 1 disk does; (2) its direction is the episode's kind; (3) it was
 *   raised within [episode start, episode end + max(graceMs, its driver's window)]: a
 *   60-minute window still holds the episode for an hour after it ends, a 120-minute one for
 *   two, and an alert raised before the start cannot have been caused by it (the detectors
 *   are causal).
 *   recall    = episodes matched by ≥ 1 alert / episodes (episodes that start in the period
 *               and end at least graceMs before its end: one cut off by the end of the data
 *               cannot be judged).
 *               Episodes of one kind whose cells overlap and whose spans (+ grace) overlap are
 *               one event to a detector — the second begins while the first's alert is still
 *               open, and an open alert is not raised again — so, as NAB merges overlapping
 *               windows, an episode also counts as found when another of its merged group was
 *               (counted in `mergedHits`; the delays are only those of directly matched ones);
 *   precision = alerts matching ≥ 1 episode of their direction / alerts of that direction
 *               (alerts raised in the period); several alerts may match one episode (three
 *               resolutions, neighbouring cells) and all count as true.
 *   delay     = per matched episode, the first matching alert's start − episode start
 *               (event time); median and p90 over matched episodes. When the alerts carry
 *               `emittedTs` (the event-time watermark at which the alert was published — window
 *               end + allowed lateness) the emission delay is reported too.
 *
 * False alarms per simulated day: flagged trips whose truth is not a trip-level kind, and
 * demand alerts matching no episode of their direction, each divided by the evaluated days.
 */
import { cellToParent, getResolution, gridDisk } from 'h3-js';

export const TRIP_LEVEL_KINDS = ['overcharge', 'impossible', 'detour'] as const;
export type TripLevelKind = (typeof TRIP_LEVEL_KINDS)[number];
export const DEMAND_KINDS = ['surge', 'collapse'] as const;
export type DemandKind = (typeof DEMAND_KINDS)[number];
export type AnomalyKind = TripLevelKind | DemandKind;

/** A trip with a ground-truth label (unlabelled trips need not be listed). */
export interface TruthTrip {
  id: string;
  /** Event time (dropoff), epoch ms. */
  ts: number;
  kind: AnomalyKind;
}

/** A trip whose score reached the alarm threshold. */
export interface FlaggedTrip {
  id: string;
  ts: number;
  /** The kind the scorer named (null: an alarm it could not attribute). */
  kind: TripLevelKind | null;
  score: number;
}

/** A labelled demand episode (as DemandEpisode of the simulator). */
export interface TruthEpisode {
  faultId: string;
  kind: DemandKind;
  /** Affected H3 cells (any one resolution). */
  cells: readonly string[];
  startTs: number;
  endTs: number;
}

export interface DemandAlert {
  resolution: number;
  cell: string;
  direction: DemandKind;
  /** Window end of the boundary that raised it, epoch ms. */
  start: number;
  /** Event-time watermark when it was published, epoch ms (optional). */
  emittedTs?: number;
  /**
   * The evidence its strongest driver names (`pickups_90m`, `ring_pickups_120m`, …; see
   * `demandEvidence`): a longer window holds an episode for longer after it ends, and a ring
   * count includes the cell's neighbours. Absent: a 60-minute count of the cell itself.
   */
  evidence?: DemandEvidence;
}

export interface DemandEvidence {
  windowMinutes: number;
  /** Counted over the cell's k = 1 disk, not the cell alone. */
  ring: boolean;
}

/** The window and extent a demand driver's feature name describes, or undefined for any other feature. */
export function demandEvidence(feature: string | undefined): DemandEvidence | undefined {
  const m = /^(ring_)?pickups_(\d+)m$/.exec(feature ?? '');
  return m ? { windowMinutes: Number(m[2]), ring: m[1] !== undefined } : undefined;
}

export interface AccuracyInput {
  /** Evaluated period, epoch ms [fromTs, untilTs). */
  fromTs: number;
  untilTs: number;
  truths: readonly TruthTrip[];
  flagged: readonly FlaggedTrip[];
  episodes: readonly TruthEpisode[];
  alerts: readonly DemandAlert[];
  /**
   * How long after an episode ends an alert still counts for it, ms, at least; an alert whose
   * evidence window is longer gets that window instead. @default 3_600_000
   */
  graceMs?: number;
}

export interface KindMetrics {
  /** Labelled trips (trip-level) or episodes (demand) in the period. */
  truths: number;
  /** Flagged trips named this kind, or alerts of this direction. */
  predictions: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** Median detection delay, ms (0 for trip-level kinds by construction). */
  medianDelayMs: number | null;
  p90DelayMs: number | null;
  /** Demand only: median delay from episode start to the first matching alert's emission. */
  medianEmitDelayMs?: number | null;
  /** Demand only: alerts and matched alerts per resolution. */
  byResolution?: Record<string, { alerts: number; matched: number }>;
  /** Demand only: episodes counted as found through an overlapping episode of their kind (see above). */
  mergedHits?: number;
  /** Demand only: the episodes missed (fault ids). */
  missed?: string[];
  /** Demand only: the alerts that matched no episode. */
  falseAlerts?: DemandAlert[];
}

export interface AccuracyReport {
  fromTs: number;
  untilTs: number;
  days: number;
  kinds: Record<AnomalyKind, KindMetrics>;
  falseAlarms: {
    /** Flagged trips whose truth is not a trip-level kind. */
    trips: number;
    /** Demand alerts matching no episode of their direction. */
    demand: number;
    tripsPerDay: number;
    demandPerDay: number;
    perDay: number;
    /** Flagged trips with a trip-level truth but another (or no) kind named. */
    misattributedTrips: number;
  };
}

const DAY_MS = 86_400_000;

function prf(tp: number, fp: number, fn: number): Pick<KindMetrics, 'precision' | 'recall' | 'f1'> {
  const precision = tp + fp > 0 ? tp / (tp + fp) : null;
  const recall = tp + fn > 0 ? tp / (tp + fn) : null;
  const f1 = precision !== null && recall !== null ? (precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0) : null;
  return { precision, recall, f1 };
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  // Nearest rank on the lower side: the median of [a, b] is the mean of both.
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Could the alert's evidence include the episode? Its cell — or, for a ring count, any cell of
 * its k = 1 disk — overlaps the episode's cells, and its window reaches back into the episode.
 */
export function alertCouldSee(a: DemandAlert, e: TruthEpisode, graceMs: number): boolean {
  const reach = Math.max(graceMs, (a.evidence?.windowMinutes ?? 0) * 60_000);
  if (a.start < e.startTs || a.start > e.endTs + reach) return false;
  return a.evidence?.ring ? gridDisk(a.cell, 1).some((c) => cellsOverlap(c, e.cells)) : cellsOverlap(a.cell, e.cells);
}

/** Does an alert's cell overlap any of the episode's cells (same, parent or child)? */
export function cellsOverlap(alertCell: string, episodeCells: readonly string[]): boolean {
  const ra = getResolution(alertCell);
  for (const c of episodeCells) {
    const rc = getResolution(c);
    if (ra === rc ? c === alertCell : ra < rc ? cellToParent(c, ra) === alertCell : cellToParent(alertCell, rc) === c) return true;
  }
  return false;
}

/**
 * Fault ids found: matched directly, or merged (transitively) with a matched episode of the
 * same kind whose cells overlap and whose span + grace overlaps its own.
 */
function mergedFinds(episodes: readonly TruthEpisode[], matched: ReadonlyMap<string, unknown>, grace: number): Set<string> {
  const found = new Set(episodes.filter((e) => matched.has(e.faultId)).map((e) => e.faultId));
  const sharesCell = (a: TruthEpisode, b: TruthEpisode) => a.cells.some((c) => cellsOverlap(c, b.cells));
  const overlap = (a: TruthEpisode, b: TruthEpisode) => a.startTs <= b.endTs + grace && b.startTs <= a.endTs + grace && sharesCell(a, b);
  for (let grew = true; grew; ) {
    grew = false;
    for (const e of episodes) {
      if (found.has(e.faultId)) continue;
      if (episodes.some((o) => o !== e && found.has(o.faultId) && overlap(e, o))) {
        found.add(e.faultId);
        grew = true;
      }
    }
  }
  return found;
}

export function evaluateTripAccuracy(input: AccuracyInput): AccuracyReport {
  const { fromTs, untilTs } = input;
  const grace = input.graceMs ?? 3_600_000;
  const inPeriod = (ts: number) => ts >= fromTs && ts < untilTs;
  const kinds = {} as Record<AnomalyKind, KindMetrics>;

  // ── trip-level ──
  const truthById = new Map<string, AnomalyKind>();
  for (const t of input.truths) truthById.set(t.id, t.kind);
  const flaggedById = new Map<string, FlaggedTrip>();
  for (const f of input.flagged) if (inPeriod(f.ts)) flaggedById.set(f.id, f);
  let tripFalse = 0;
  let misattributed = 0;
  for (const f of flaggedById.values()) {
    const truth = truthById.get(f.id);
    const tripLevel = truth !== undefined && (TRIP_LEVEL_KINDS as readonly string[]).includes(truth);
    if (!tripLevel) tripFalse++;
    else if (truth !== f.kind) misattributed++;
  }
  for (const k of TRIP_LEVEL_KINDS) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let truths = 0;
    for (const f of flaggedById.values()) {
      if (f.kind !== k) continue;
      if (truthById.get(f.id) === k) tp++;
      else fp++;
    }
    for (const t of input.truths) {
      if (t.kind !== k || !inPeriod(t.ts)) continue;
      truths++;
      if (flaggedById.get(t.id)?.kind !== k) fn++;
    }
    kinds[k] = { truths, predictions: tp + fp, tp, fp, fn, ...prf(tp, fp, fn), medianDelayMs: tp > 0 ? 0 : null, p90DelayMs: tp > 0 ? 0 : null };
  }

  // ── demand ──
  let demandFalse = 0;
  for (const k of DEMAND_KINDS) {
    // Judged: episodes that start in the period and end at least the grace before its end. One
    // that starts minutes before the data stop cannot show in any window (the windows that
    // would hold it close after the end), and its label would count a miss no detector could
    // avoid; its alerts still count as true.
    const episodes = input.episodes.filter((e) => e.kind === k && inPeriod(e.startTs) && e.endTs + grace <= untilTs);
    const alerts = input.alerts.filter((a) => a.direction === k && inPeriod(a.start));
    // Episodes of this kind that an in-period alert may match (an episode that started before
    // fromTs still explains an alert raised just after it).
    const candidates = input.episodes.filter((e) => e.kind === k);
    const firstHit = new Map<string, DemandAlert>();
    const byResolution: Record<string, { alerts: number; matched: number }> = {};
    let matchedAlerts = 0;
    const falseAlerts: DemandAlert[] = [];
    for (const a of alerts) {
      const r = (byResolution[String(a.resolution)] ??= { alerts: 0, matched: 0 });
      r.alerts++;
      let matched = false;
      for (const e of candidates) {
        if (!alertCouldSee(a, e, grace)) continue;
        matched = true;
        const prev = firstHit.get(e.faultId);
        if (!prev || a.start < prev.start || (a.start === prev.start && (a.emittedTs ?? Infinity) < (prev.emittedTs ?? Infinity))) firstHit.set(e.faultId, a);
      }
      if (matched) {
        matchedAlerts++;
        r.matched++;
      } else {
        demandFalse++;
        falseAlerts.push(a);
      }
    }
    const direct = episodes.filter((e) => firstHit.has(e.faultId));
    const found = mergedFinds(candidates, firstHit, grace);
    const hit = episodes.filter((e) => found.has(e.faultId));
    const delays = direct.map((e) => firstHit.get(e.faultId)!.start - e.startTs).sort((a, b) => a - b);
    const emit = direct.flatMap((e) => {
      const t = firstHit.get(e.faultId)!.emittedTs;
      return t === undefined ? [] : [t - e.startTs];
    });
    emit.sort((a, b) => a - b);
    const tp = matchedAlerts;
    const fp = alerts.length - matchedAlerts;
    const precision = alerts.length > 0 ? tp / alerts.length : null;
    const recall = episodes.length > 0 ? hit.length / episodes.length : null;
    const f1 = precision !== null && recall !== null ? (precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0) : null;
    kinds[k] = {
      truths: episodes.length,
      predictions: alerts.length,
      tp,
      fp,
      fn: episodes.length - hit.length,
      precision,
      recall,
      f1,
      medianDelayMs: quantile(delays, 0.5),
      p90DelayMs: quantile(delays, 0.9),
      medianEmitDelayMs: emit.length === direct.length && emit.length > 0 ? quantile(emit, 0.5) : null,
      byResolution,
      mergedHits: hit.length - direct.length,
      missed: episodes.filter((e) => !found.has(e.faultId)).map((e) => e.faultId),
      falseAlerts,
    };
  }
  const days = (untilTs - fromTs) / DAY_MS;
  return {
    fromTs,
    untilTs,
    days,
    kinds,
    falseAlarms: {
      trips: tripFalse,
      demand: demandFalse,
      tripsPerDay: tripFalse / days,
      demandPerDay: demandFalse / days,
      perDay: (tripFalse + demandFalse) / days,
      misattributedTrips: misattributed,
    },
  };
}
