/**
 * Fast offline accuracy harness of the trip domain (no NATS, no store): simulate N days of NYC
 * trips with labelled anomalies, push them in dropoff order through the real pure pipeline —
 * TripCellPipeline (windows + trip-cell@1), trip-fare@1, TripScorer, CellDemandScorer,
 * CellAlertEpisodes — and print per-kind precision, recall and F1, detection delay and false
 * alarms per simulated day (definitions: trip-accuracy.ts).
 *
 *   node --import tsx bench/src/trips/offline-trips.ts [--days 14] [--seed 1 | --seeds 1,2,3]
 *        [--scale 0.1] [--anomaly-rate 0.002] [--episodes-per-day 4] [--min-collapse-rate 0.4] [--warmup-days 7]
 *        [--demand FILE | --no-demand-file] [--models] [--json FILE] [--oracle]
 *        [--cell JSON] [--trip JSON] [--alerts JSON]   (scorer options, for experiments)
 *
 * Volume: the default scale 0.1 (~75 000 trips a day, ~1/7 of NYC's yellow cabs) rather than
 * the producer's 0.01: a collapse is "a place that normally has trips has none", and at 0.01
 * most collapse areas see fewer than 5 pickups in the whole episode — no detector can tell that
 * from chance (--oracle prints, per episode, the pickups it removed or added and how unlikely
 * the observed count is under the normal rate: the best any detector could do).
 *
 * Warm-up: the first `--warmup-days` (default 7, as `vigia bench trips`) are excluded from the
 * metrics: the demand scorer needs one day of history for the daily profile (it stays below the
 * alarm until then) and a week for its hour-of-week profile, the fare model a few hundred
 * trips. Excluded truths are not counted at all.
 *
 * Demand shape: the NAB nyc_taxi.csv series (real NYC taxi counts per half hour, holidays
 * included) when found, week-aligned onto the simulated dates; else the committed weekly shape.
 * The models (expected-fare regressor, demand Isolation Forest) are injected functions; without
 * --models (or without the model folders) both are null and the scorers use their fallbacks.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { latLngToCell } from 'h3-js';
import type { TripEvent } from '../../../contracts/index.ts';
import { createTripSimulation, weekAlignedShift, type DemandPoint } from '../../../producers/src/trip/index.ts';
import { readNycTaxiSeries } from '../../../producers/src/trip/nyc-taxi-series.ts';
import { CellAlertEpisodes, type CellAlertEpisode, type CellAlertOptions } from '../../../processor/src/domains/trip/cell-alert-episodes.ts';
import { CellDemandScorer, type CellDemandScorerOptions, type CellVerdict } from '../../../processor/src/domains/trip/cell-demand-scorer.ts';
import { TRIP_FARE_FEATURES, tripFareFeatures } from '../../../processor/src/domains/trip/trip-fare-features.ts';
import { TripCellPipeline } from '../../../processor/src/domains/trip/trip-cell-pipeline.ts';
import type { TripCellFeatureRow } from '../../../processor/src/domains/trip/trip-cell-features.ts';
import { TripScorer, type TripScorerOptions } from '../../../processor/src/domains/trip/trip-scorer.ts';
import { cellsOverlap, demandEvidence, evaluateTripAccuracy, TRIP_LEVEL_KINDS, type AccuracyReport, type DemandAlert, type FlaggedTrip, type TruthEpisode, type TruthTrip } from './trip-accuracy.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Monday 2025-03-10 00:00 New York time. */
export const DEFAULT_TRIPS_START = Date.UTC(2025, 2, 10, 4);
const HERE = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_DEMAND_FILE = resolve(HERE, '../../../../shared/data/nab/realKnownCause/nyc_taxi.csv');

/** Expected-fare model: per trip-fare@1 vector, the expected fare and its calibrated 0–100 score. */
export type ExpectedFareFn = (features: Float64Array[], fares: number[]) => Promise<{ expected: number | null; score: number | null }[]>;
/** Demand IF: per trip-cell@1 row, its calibrated 0–100 score (null when the model has no opinion). */
export type DemandIfFn = (rows: TripCellFeatureRow[]) => Promise<(number | null)[]>;

export interface OfflineTripsOptions {
  days: number;
  seed: number;
  startTs: number;
  /** Trips per unit of the demand series (see TripSimulationOptions). */
  scale: number;
  anomalyRate: number;
  episodesPerDay: number;
  /** Least normal pickups per minute a planned closure takes away (TripSimulationOptions); 0 keeps all. @default 0.4 */
  minCollapsePerMinute: number;
  /** Excluded from the metrics (detectors learn), days. */
  warmupDays: number;
  demand: readonly DemandPoint[] | undefined;
  trip: Partial<TripScorerOptions>;
  cell: Partial<CellDemandScorerOptions>;
  alerts: Partial<CellAlertOptions>;
  expectedFare?: ExpectedFareFn;
  demandIf?: DemandIfFn;
  /** Compare with a run without episodes: how many pickups each episode added or removed. */
  oracle: boolean;
}

export interface EpisodeEvidence {
  faultId: string;
  kind: string;
  place: string;
  k: number;
  startTs: number;
  minutes: number;
  /** Pickups in the episode's cells during it without the episode (twin run) and with it. */
  normal: number;
  observed: number;
  /** ln P of the observed count under Poisson(normal): what the best possible detector sees. */
  lnP: number;
  detected: boolean;
  /** The highest score in the episode's direction over its cells (any resolution) from its start to an hour after it, and why. */
  peak?: { score: number; resolution: number; at: number; reason: string };
}

export interface OfflineTripsResult {
  options: Omit<OfflineTripsOptions, 'demand' | 'expectedFare' | 'demandIf'> & { demandSeries: boolean; models: boolean };
  trips: number;
  rows: number;
  flagged: number;
  alertEpisodes: number;
  report: AccuracyReport;
  /** Per-resolution and per-driver breakdown of false demand alerts. */
  falseAlertsByResolution: Record<string, number>;
  oracle?: EpisodeEvidence[];
  /** One line per false demand alert: where, when, peak and its top driver. */
  falseAlertDetails?: string[];
  elapsedMs: number;
}

export const DEFAULT_OFFLINE_TRIPS: Omit<OfflineTripsOptions, 'demand'> = {
  days: 14,
  seed: 1,
  startTs: DEFAULT_TRIPS_START,
  scale: 0.1,
  anomalyRate: 0.002,
  episodesPerDay: 4,
  minCollapsePerMinute: 0.4,
  warmupDays: 7,
  trip: {},
  cell: {},
  alerts: {},
  oracle: false,
};

export async function runOfflineTrips(opts: Partial<OfflineTripsOptions> = {}): Promise<OfflineTripsResult> {
  const began = performance.now();
  const o: OfflineTripsOptions = { ...DEFAULT_OFFLINE_TRIPS, demand: undefined, ...opts };
  const shift = o.demand && o.demand.length > 0 ? weekAlignedShift(o.demand[0]!.ts, o.startTs) : 0;
  const simOpts = { startTs: o.startTs, seed: o.seed, scale: o.scale, anomalyRate: o.anomalyRate, episodesPerDay: o.episodesPerDay, minCollapsePerMinute: o.minCollapsePerMinute, demand: o.demand, timeShiftMs: shift };
  const sim = createTripSimulation(simOpts);
  const endTs = o.startTs + o.days * DAY_MS;
  const pipeline = new TripCellPipeline();
  const tripScorer = new TripScorer(o.trip);
  const cellScorer = new CellDemandScorer(o.cell);
  const alertEpisodes = new CellAlertEpisodes(o.alerts);
  const truths: TruthTrip[] = [];
  const flagged: FlaggedTrip[] = [];
  const alerts: DemandAlert[] = [];
  let trips = 0;
  let rowCount = 0;
  /** Newest dropoff seen: the stream's event-time "now" when a boundary's alerts are published. */
  let streamNow = -Infinity;
  /** Each alert's episode (updated in place up to its peak), by episode id = resolution:cell:start. */
  const alertInfo = new Map<string, CellAlertEpisode>();
  const episodeOf = (a: DemandAlert) => alertInfo.get(`${a.resolution}:${a.cell}:${a.start}`);
  // --oracle: the strongest verdict each episode drew, hit or missed (why a miss was missed).
  const planned = o.oracle ? sim.demandEpisodes(endTs) : [];
  const peaks = new Map<string, NonNullable<EpisodeEvidence['peak']>>();
  const tracePeaks = (boundary: TripCellFeatureRow[], verdicts: CellVerdict[]) => {
    const end = boundary[0]!.windowEnd;
    for (const e of planned) {
      if (end < e.startTs || end > e.endTs + HOUR_MS) continue;
      for (let j = 0; j < boundary.length; j++) {
        const v = verdicts[j]!;
        if (v.direction !== e.kind || !cellsOverlap(boundary[j]!.cell, e.cells)) continue;
        if (v.score > (peaks.get(e.faultId)?.score ?? -1)) peaks.set(e.faultId, { score: v.score, resolution: boundary[j]!.resolution, at: end, reason: v.drivers[0]?.reason ?? '' });
      }
    }
  };

  const onRows = async (rows: TripCellFeatureRow[]) => {
    if (rows.length === 0) return;
    rowCount += rows.length;
    let from = 0;
    for (let i = 1; i <= rows.length; i++) {
      if (i < rows.length && rows[i]!.windowEnd === rows[from]!.windowEnd) continue;
      const boundary = rows.slice(from, i);
      from = i;
      const ifScores = o.demandIf ? await o.demandIf(boundary) : [];
      const verdicts = cellScorer.scoreBoundary(boundary, ifScores);
      if (o.oracle) tracePeaks(boundary, verdicts);
      const events = alertEpisodes.update(boundary.map((r, j) => ({ resolution: r.resolution, cell: r.cell, windowEnd: r.windowEnd, verdict: verdicts[j]! })));
      for (const e of events) {
        if (e.type !== 'open') continue;
        alerts.push({ resolution: e.episode.resolution, cell: e.episode.cell, direction: e.episode.direction, start: e.episode.start, emittedTs: Math.max(streamNow, e.episode.start) });
        alertInfo.set(e.episode.id, e.episode);
      }
    }
  };

  const features: Float64Array[] = [];
  for (let until = o.startTs + HOUR_MS; until <= endTs; until += HOUR_MS) {
    const batch = sim.nextBatch(until);
    features.length = 0;
    for (const t of batch) features.push(tripFareFeatures(t));
    const model = o.expectedFare ? await o.expectedFare(features, batch.map((t) => t.fare_amount)) : null;
    for (let i = 0; i < batch.length; i++) {
      const t = batch[i]!;
      trips++;
      if (t.truth) truths.push({ id: t.id, ts: t.dropoff_ts, kind: t.truth.kind });
      const m = model?.[i];
      const v = tripScorer.score(t, features[i]!, m?.expected ?? null, m?.score ?? null);
      if (v.score >= tripScorer.options.alarm) flagged.push({ id: t.id, ts: t.dropoff_ts, kind: v.kind, score: v.score });
      streamNow = Math.max(streamNow, t.dropoff_ts);
      await onRows(pipeline.add(t).rows);
    }
  }
  streamNow = endTs;
  await onRows(pipeline.flush());
  alertEpisodes.flush();

  const fromTs = o.startTs + o.warmupDays * DAY_MS;
  const episodes: TruthEpisode[] = sim.demandEpisodes(endTs).map((e) => ({ faultId: e.faultId, kind: e.kind, cells: e.cells, startTs: e.startTs, endTs: e.endTs }));
  // Read at the end: an episode's strongest driver is known once it has peaked.
  for (const a of alerts) a.evidence = demandEvidence(episodeOf(a)?.drivers[0]?.feature);
  const report = evaluateTripAccuracy({ fromTs, untilTs: endTs, truths, flagged, episodes, alerts });
  const falseAlertsByResolution: Record<string, number> = {};
  for (const k of ['surge', 'collapse'] as const) {
    for (const [res, r] of Object.entries(report.kinds[k].byResolution ?? {})) falseAlertsByResolution[`${k}@${res}`] = r.alerts - r.matched;
  }
  const result: OfflineTripsResult = {
    options: { ...o, demand: undefined, expectedFare: undefined, demandIf: undefined, demandSeries: !!o.demand, models: !!(o.expectedFare || o.demandIf) } as OfflineTripsResult['options'],
    trips,
    rows: rowCount,
    flagged: flagged.length,
    alertEpisodes: alerts.length,
    report,
    falseAlertsByResolution,
    elapsedMs: 0,
  };
  if (o.oracle) result.oracle = episodeEvidence(simOpts, endTs, report).map((e) => ({ ...e, ...(peaks.has(e.faultId) ? { peak: peaks.get(e.faultId)! } : {}) }));
  result.falseAlertDetails = (['surge', 'collapse'] as const).flatMap((k) =>
    (report.kinds[k].falseAlerts ?? []).map((a) => {
      const ep = episodeOf(a);
      return `${a.direction} r${a.resolution} ${a.cell} ${new Date(a.start).toISOString().slice(5, 16)} peak ${ep?.peakScore.toFixed(0)} ${ep?.drivers[0]?.feature}: ${ep?.drivers[0]?.reason}`;
    }),
  );
  result.elapsedMs = Math.round(performance.now() - began);
  return result;
}

/** Pickups in each episode's cells during it, with and without the episode (twin simulation). */
function episodeEvidence(simOpts: Parameters<typeof createTripSimulation>[0], endTs: number, report: AccuracyReport): EpisodeEvidence[] {
  const withEp = createTripSimulation(simOpts);
  const without = createTripSimulation({ ...simOpts, episodesPerDay: 0 });
  const episodes = withEp.demandEpisodes(endTs);
  const count = (trips: TripEvent[]) => {
    const n = new Map<string, number>();
    for (const t of trips) {
      const cell = latLngToCell(t.pickup_lat, t.pickup_lng, 9);
      for (const e of episodes) if (t.pickup_ts >= e.startTs && t.pickup_ts < e.endTs && e.cells.includes(cell)) n.set(e.faultId, (n.get(e.faultId) ?? 0) + 1);
    }
    return n;
  };
  const a = count(withEp.nextBatch(endTs + DAY_MS));
  const b = count(without.nextBatch(endTs + DAY_MS));
  const missed = new Set([...(report.kinds.surge.missed ?? []), ...(report.kinds.collapse.missed ?? [])]);
  return episodes.map((e) => {
    const normal = b.get(e.faultId) ?? 0;
    const observed = a.get(e.faultId) ?? 0;
    return {
      faultId: e.faultId,
      kind: e.kind,
      place: e.place,
      k: e.k,
      startTs: e.startTs,
      minutes: (e.endTs - e.startTs) / 60_000,
      normal,
      observed,
      lnP: poissonTail(e.kind, observed, normal),
      detected: e.startTs >= report.fromTs && !missed.has(e.faultId),
    };
  });
}

/** ln P of seeing `observed` or more (surge) / or fewer (collapse) under Poisson(max(normal, 0.5)). */
function poissonTail(kind: string, observed: number, normal: number): number {
  const m = Math.max(normal, 0.5);
  const lnPmf = (k: number) => k * Math.log(m) - m - lnFact(k);
  let acc = -Infinity;
  const add = (x: number) => (acc = acc === -Infinity ? x : Math.max(acc, x) + Math.log1p(Math.exp(-Math.abs(acc - x))));
  if (kind === 'surge') for (let k = observed; k < observed + 200; k++) add(lnPmf(k));
  else for (let k = 0; k <= observed; k++) add(lnPmf(k));
  return acc;
}
function lnFact(k: number): number {
  let s = 0;
  for (let i = 2; i <= k; i++) s += Math.log(i);
  return s;
}

// ── CLI ──

const pct = (x: number | null) => (x === null ? '   -' : `${(100 * x).toFixed(0).padStart(3)}%`);
const minutes = (ms: number | null | undefined) => (ms === null || ms === undefined ? '-' : `${(ms / 60_000).toFixed(0)} min`);

export function formatOfflineTrips(r: OfflineTripsResult): string {
  const rep = r.report;
  const lines = [
    `seed ${r.options.seed}: ${r.options.days} days (${rep.days.toFixed(0)} evaluated after ${r.options.warmupDays} warm-up), scale ${r.options.scale}, ${r.trips} trips, ${r.rows} cell rows, ${r.options.demandSeries ? 'NAB nyc_taxi demand' : 'committed weekly shape'}${r.options.models ? ', models' : ', no models'}; ${(r.elapsedMs / 1000).toFixed(1)} s`,
    'kind         truths  pred    TP    FP    FN  prec  recall   F1   median delay  (published: + allowed lateness)',
  ];
  for (const [kind, k] of Object.entries(rep.kinds)) {
    const delay = TRIP_LEVEL_KINDS.includes(kind as never) ? '0 (on arrival)' : minutes(k.medianDelayMs);
    lines.push(
      `${kind.padEnd(12)}${String(k.truths).padStart(7)}${String(k.predictions).padStart(6)}${String(k.tp).padStart(6)}${String(k.fp).padStart(6)}${String(k.fn).padStart(6)}  ${pct(k.precision)}   ${pct(k.recall)}  ${k.f1 === null ? '  -' : k.f1.toFixed(2)}   ${delay.padStart(12)}  ${k.medianEmitDelayMs !== undefined ? minutes(k.medianEmitDelayMs) : ''}`,
    );
  }
  const fa = rep.falseAlarms;
  lines.push(`false alarms per simulated day: ${fa.perDay.toFixed(2)} (trips ${fa.tripsPerDay.toFixed(2)}, demand ${fa.demandPerDay.toFixed(2)}); misattributed trips ${fa.misattributedTrips}`);
  lines.push(`episodes found through an overlapping one of their kind: ${(['surge', 'collapse'] as const).map((k) => `${k} ${rep.kinds[k].mergedHits ?? 0}`).join(', ')}`);
  lines.push(`demand alerts by resolution (alerts/matched): ${(['surge', 'collapse'] as const).map((k) => `${k} ${Object.entries(rep.kinds[k].byResolution ?? {}).map(([res, v]) => `r${res} ${v.alerts}/${v.matched}`).join(' ')}`).join('; ')}`);
  if (r.falseAlertDetails && r.falseAlertDetails.length > 0 && r.oracle) {
    lines.push('false demand alerts:');
    for (const l of r.falseAlertDetails) lines.push(`  ${l}`);
  }
  if (r.oracle) {
    lines.push('episodes (normal → observed pickups in the episode cells during it; ln P under Poisson; detected):');
    for (const e of r.oracle) {
      lines.push(`  ${e.kind.padEnd(8)} k=${e.k} ${e.place.padEnd(22)} ${new Date(e.startTs).toISOString().slice(5, 16)} ${String(e.minutes).padStart(4)} min  ${String(e.normal).padStart(4)} → ${String(e.observed).padStart(4)}  lnP ${e.lnP.toFixed(1).padStart(7)}  ${e.startTs < rep.fromTs ? 'warm-up' : e.detected ? 'hit' : 'MISSED'}${e.peak ? `  peak ${e.peak.score.toFixed(0)} r${e.peak.resolution} ${new Date(e.peak.at).toISOString().slice(11, 16)}: ${e.peak.reason}` : ''}`);
    }
  }
  return lines.join('\n');
}

function parseArgs(argv: string[]): { opts: Partial<OfflineTripsOptions>; seeds: number[]; json: string | null; models: boolean; demandFile: string | null } {
  const opts: Partial<OfflineTripsOptions> = {};
  let seeds = [1];
  let json: string | null = null;
  let models = false;
  let demandFile: string | null = existsSync(DEFAULT_DEMAND_FILE) ? DEFAULT_DEMAND_FILE : null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const num = () => {
      const v = Number(next());
      if (!Number.isFinite(v)) throw new Error(`${a} needs a number`);
      return v;
    };
    if (a === '--days') opts.days = num();
    else if (a === '--seed') seeds = [num()];
    else if (a === '--seeds') seeds = next().split(',').map(Number);
    else if (a === '--scale') opts.scale = num();
    else if (a === '--anomaly-rate') opts.anomalyRate = num();
    else if (a === '--episodes-per-day') opts.episodesPerDay = num();
    else if (a === '--warmup-days') opts.warmupDays = num();
    else if (a === '--min-collapse-rate') opts.minCollapsePerMinute = num();
    else if (a === '--start') opts.startTs = Date.parse(next());
    else if (a === '--demand') demandFile = next();
    else if (a === '--no-demand-file') demandFile = null;
    else if (a === '--json') json = next();
    else if (a === '--models') models = true;
    else if (a === '--oracle') opts.oracle = true;
    else if (a === '--cell') opts.cell = JSON.parse(next()) as Partial<CellDemandScorerOptions>;
    else if (a === '--trip') opts.trip = JSON.parse(next()) as Partial<TripScorerOptions>;
    else if (a === '--alerts') opts.alerts = JSON.parse(next()) as Partial<CellAlertOptions>;
    else throw new Error(`unknown option ${a}`);
  }
  return { opts, seeds, json, models, demandFile };
}

async function main(): Promise<void> {
  const { opts, seeds, json, models, demandFile } = parseArgs(process.argv.slice(2));
  const demand = demandFile ? readNycTaxiSeries(demandFile) : undefined;
  let injected: Pick<OfflineTripsOptions, 'expectedFare' | 'demandIf'> = {};
  if (models) injected = await loadTripModels();
  const results: OfflineTripsResult[] = [];
  for (const seed of seeds) {
    const r = await runOfflineTrips({ ...opts, ...injected, seed, demand });
    results.push(r);
    console.log(formatOfflineTrips(r));
    console.log('');
  }
  if (json) writeFileSync(json, JSON.stringify(results.length === 1 ? results[0] : results, null, 2));
}

/** The ONNX models (models/trip-fare/1, models/trip-demand/1) when present; otherwise none. */
async function loadTripModels(): Promise<Pick<OfflineTripsOptions, 'expectedFare' | 'demandIf'>> {
  const { loadTripModelFns } = await import('./trip-model-fns.ts');
  const fns = await loadTripModelFns(resolve(HERE, '../../..'));
  console.error(fns.loaded.length ? `--models: ${fns.loaded.join(', ')}` : '--models: no model folders found; running without models');
  return { ...(fns.expectedFare ? { expectedFare: fns.expectedFare } : {}), ...(fns.demandIf ? { demandIf: fns.demandIf } : {}) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}

export { TRIP_FARE_FEATURES };
