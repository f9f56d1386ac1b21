/**
 * A DEVELOPMENT training set for the trip models, computed with the processor's pure core
 * (the same functions the processor runs), until `vigia features export --domain trip`
 * exists. Writes two CSV files shaped like that export; make_trip_dev_set.py turns them into
 * Parquet. Production models are trained on the processor's real export, never on this.
 *
 *   node --import tsx models/dev/trip-dev-set.ts --out DIR [--days 10] [--seed 1] [--scale 0.01]
 *       [--start 2026-01-05T05:00:00Z] [--anomaly-rate 0.002] [--episodes-per-day 2]
 *
 * - DIR/trip-fare.csv: entity (trip id), event_id (trip id), ts_ms (dropoff), trip-fare@1
 *   features, fare_amount, truth_kind (the trip's truth kind, '' for normal).
 * - DIR/trip-cell.csv: entity (cell), event_id `<res>:<cell>:<windowEnd>`, ts_ms (windowEnd),
 *   trip-cell@1 features, truth_kind: 'surge'/'collapse' when the row's cell (at its
 *   resolution) intersects an episode's cells and windowEnd ∈ [startTs, endTs + 15 min].
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cellToParent } from 'h3-js';
import { createTripSimulation, type DemandEpisode } from '../../producers/src/trip/index.ts';
import { TRIP_CELL_FEATURES, type TripCellFeatureRow } from '../../processor/src/domains/trip/trip-cell-features.ts';
import { TripCellPipeline } from '../../processor/src/domains/trip/trip-cell-pipeline.ts';
import { TRIP_FARE_FEATURES, tripFareFeatures } from '../../processor/src/domains/trip/trip-fare-features.ts';

const HOUR_MS = 3_600_000;
const TAIL_MS = 15 * 60_000;

const { values: a } = parseArgs({
  options: {
    out: { type: 'string' },
    days: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    scale: { type: 'string', default: '0.01' },
    // Monday 2026-01-05 00:00 New York time.
    start: { type: 'string', default: '2026-01-05T05:00:00Z' },
    'anomaly-rate': { type: 'string', default: '0.002' },
    'episodes-per-day': { type: 'string', default: '2' },
  },
});
if (!a.out) {
  console.error('usage: node --import tsx models/dev/trip-dev-set.ts --out DIR [--days N] [--seed S] [--scale X] [--start ISO]');
  process.exit(2);
}
const startTs = Date.parse(a.start!);
const endTs = startTs + Number(a.days) * 24 * HOUR_MS;
if (!Number.isFinite(startTs) || !(endTs > startTs)) {
  console.error(`bad --start ${a.start} or --days ${a.days}`);
  process.exit(2);
}
mkdirSync(a.out, { recursive: true });

const sim = createTripSimulation({
  startTs,
  seed: Number(a.seed),
  scale: Number(a.scale),
  anomalyRate: Number(a['anomaly-rate']),
  episodesPerDay: Number(a['episodes-per-day']),
});

/** Episodes as cell sets per resolution (res-9 cells and their parents). */
interface EpisodeCells {
  kind: DemandEpisode['kind'];
  from: number;
  to: number;
  cells: Map<number, Set<string>>;
}
const episodes: EpisodeCells[] = sim.demandEpisodes(endTs).map((e) => {
  const cells = new Map<number, Set<string>>();
  for (const res of [7, 8, 9]) cells.set(res, new Set(e.cells.map((c) => (res === e.resolution ? c : cellToParent(c, res)))));
  return { kind: e.kind, from: e.startTs, to: e.endTs + TAIL_MS, cells };
});

function cellTruth(r: TripCellFeatureRow): string {
  for (const e of episodes) if (r.windowEnd >= e.from && r.windowEnd <= e.to && e.cells.get(r.resolution)?.has(r.cell)) return e.kind;
  return '';
}

function writer(path: string, header: readonly string[]): WriteStream {
  const w = createWriteStream(path);
  w.write(header.join(',') + '\n');
  return w;
}

/** Writes respecting back-pressure, so a long run does not buffer gigabytes. */
async function put(w: WriteStream, line: string): Promise<void> {
  if (!w.write(line)) await new Promise<void>((resolve) => w.once('drain', () => resolve()));
}

const fareOut = writer(join(a.out, 'trip-fare.csv'), ['entity', 'event_id', 'ts_ms', ...TRIP_FARE_FEATURES, 'fare_amount', 'truth_kind']);
const cellOut = writer(join(a.out, 'trip-cell.csv'), ['entity', 'event_id', 'ts_ms', ...TRIP_CELL_FEATURES, 'truth_kind']);
const pipeline = new TripCellPipeline();
const features = new Float64Array(TRIP_FARE_FEATURES.length);
let trips = 0;
let cellRows = 0;
let late = 0;

async function writeCells(rows: TripCellFeatureRow[]): Promise<void> {
  for (const r of rows) {
    cellRows++;
    await put(cellOut, `${r.cell},${r.resolution}:${r.cell}:${r.windowEnd},${r.windowEnd},${Array.from(r.values).join(',')},${cellTruth(r)}\n`);
  }
}

for (let until = startTs + HOUR_MS; until <= endTs; until += HOUR_MS) {
  for (const t of sim.nextBatch(until)) {
    trips++;
    tripFareFeatures(t, features);
    await put(fareOut, `${t.id},${t.id},${t.dropoff_ts},${Array.from(features).join(',')},${t.fare_amount},${t.truth?.kind ?? ''}\n`);
    const r = pipeline.add(t);
    late += Number(r.pickupLate) + Number(r.dropoffLate);
    await writeCells(r.rows);
  }
}
await writeCells(pipeline.flush());
await Promise.all([fareOut, cellOut].map((w) => new Promise<void>((resolve) => w.end(() => resolve()))));
console.log(JSON.stringify({ trips, cellRows, lateEvents: late, episodes: episodes.length, startTs, endTs }));
