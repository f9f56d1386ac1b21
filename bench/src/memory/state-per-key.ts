// Bytes of learned state per key, sensor station and trip cell, measured offline (no servers):
//   vigia bench state-size [--stations N] [--readings 1,60,1440,10080] [--trip-days D] [--json F]
// For each reading count, a fresh detector learns N simulated gas-network stations (one reading a
// minute each) and the retained memory (V8 heap + ArrayBuffers, after full GCs) and the snapshot
// size are divided by N. The trip figure feeds a simulated NYC day through the cell pipeline and
// scorers and divides by the cells they hold. Snapshot bytes are its JSON text, and gzipped.
// Per component: state-breakdown.ts.
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createGasNetwork } from '../../../producers/src/sensor/gas-network.ts';
import { createSensorDetector } from '../../../processor/src/domains/sensor/detectors/sensor-detector.ts';
import { DEFAULT_SEVERITY_BANDS } from '../../../contracts/index.ts';
import { createTripSimulation } from '../../../producers/src/trip/index.ts';
import { createTripScoring } from '../../../processor/src/domains/trip/create-trip-scoring.ts';
import { NO_MODEL_OUTPUTS, TripBatchProcessor } from '../../../processor/src/domains/trip/trip-batch.ts';
import { retainedBytes } from './measure-heap.ts';

export interface SensorStateSize {
  stations: number;
  readingsPerStation: number;
  channelsPerStation: number;
  heapBytesPerStation: number;
  snapshotBytesPerStation: number;
  /** The snapshot's JSON text gzipped, per station. */
  snapshotGzipBytesPerStation: number;
}

const START_TS = Date.UTC(2024, 0, 8);

export function measureSensorStateSize(stations: number, readingsPerStation: number): SensorStateSize {
  const sim = createGasNetwork({ stations, seed: 1, faultRate: 1, startTs: START_TS, stepMs: 60_000 });
  const channels = sim.stations.reduce((s, st) => s + st.channels.length, 0) / stations;
  const before = retainedBytes();
  let detector: ReturnType<typeof createSensorDetector> | null = createSensorDetector();
  for (let t = 0; t < readingsPerStation; t++) for (const r of sim.nextTick()) detector.score(r.station, r.ts, r.channels);
  const after = retainedBytes();
  const text = JSON.stringify(detector.snapshot());
  const snapshotBytes = Buffer.byteLength(text);
  const gzipBytes = gzipSync(text).byteLength;
  detector = null;
  return {
    stations,
    readingsPerStation,
    channelsPerStation: channels,
    heapBytesPerStation: Math.round((after - before) / stations),
    snapshotBytesPerStation: Math.round(snapshotBytes / stations),
    snapshotGzipBytesPerStation: Math.round(gzipBytes / stations),
  };
}

export interface TripStateSize {
  days: number;
  scale: number;
  trips: number;
  /** r9 cells that trips started or ended in (each also holds its share of r8/r7 parents). */
  cells: number;
  heapBytesPerCell: number;
  snapshotBytesPerCell: number;
  snapshotGzipBytesPerCell: number;
}

/** Simulated NYC trips through the trip core (windows, baselines, scorers; no models) for `days`. */
export function measureTripStateSize(days: number, scale: number): TripStateSize {
  const startTs = Date.UTC(2024, 0, 8);
  const sim = createTripSimulation({ startTs, seed: 1, scale, episodesPerDay: 4 });
  const enc = new TextEncoder();
  const before = retainedBytes();
  let core: TripBatchProcessor | null = new TripBatchProcessor({
    runId: 'state-size',
    ...createTripScoring(),
    bands: DEFAULT_SEVERITY_BANDS,
    maxFutureMs: 3_600_000,
    allowedLatenessMs: 1_800_000,
    limits: { maxKeys: 1e9, budgetBytes: 1e15, configPath: 'processor.limits' },
  });
  let seq = 0;
  let trips = 0;
  for (let t = startTs + 300_000; t <= startTs + days * 86_400_000; t += 300_000) {
    const batch = sim.nextBatch(t).map((trip) => ({ subject: 'events.trip.0.nyc', seq: ++seq, partition: 0, data: enc.encode(JSON.stringify(trip)) }));
    trips += batch.length;
    const stage = core.ingest(batch, t + 60_000);
    core.score(stage, NO_MODEL_OUTPUTS(stage), t + 60_000);
  }
  const after = retainedBytes();
  const cells = core.cellKeys!.stats.live;
  const text = JSON.stringify(core.captureState());
  const snapshotBytes = Buffer.byteLength(text);
  const gzipBytes = gzipSync(text).byteLength;
  core = null;
  return {
    days,
    scale,
    trips,
    cells,
    heapBytesPerCell: Math.round((after - before) / cells),
    snapshotBytesPerCell: Math.round(snapshotBytes / cells),
    snapshotGzipBytesPerCell: Math.round(gzipBytes / cells),
  };
}

export interface StateSizeOptions {
  stations: number;
  readings: number[];
  /** Simulated days of NYC trips for the per-cell figure; 0 = none. */
  tripDays: number;
  jsonFile?: string | undefined;
}

export function runStateSizeBench(o: StateSizeOptions): { sensor: SensorStateSize[]; trip: TripStateSize | null } {
  const out: SensorStateSize[] = [];
  for (const n of o.readings) {
    const r = measureSensorStateSize(o.stations, n);
    out.push(r);
    console.log(
      `sensor  ${String(r.stations).padStart(6)} stations × ${String(n).padStart(6)} readings (${r.channelsPerStation.toFixed(2)} channels): ` +
        `${(r.heapBytesPerStation / 1024).toFixed(1).padStart(8)} KiB/station in memory, ${(r.snapshotBytesPerStation / 1024).toFixed(1).padStart(8)} KiB/station in the snapshot (${(r.snapshotGzipBytesPerStation / 1024).toFixed(1)} KiB gzipped)`,
    );
  }
  const trip = o.tripDays > 0 ? measureTripStateSize(o.tripDays, 0.1) : null;
  if (trip) {
    console.log(
      `trip    ${trip.days} simulated days, ${trip.trips} trips, ${trip.cells} r9 cells: ` +
        `${(trip.heapBytesPerCell / 1024).toFixed(1).padStart(8)} KiB/cell in memory, ${(trip.snapshotBytesPerCell / 1024).toFixed(1).padStart(8)} KiB/cell in the snapshot (${(trip.snapshotGzipBytesPerCell / 1024).toFixed(1)} KiB gzipped)`,
    );
  }
  if (o.jsonFile) writeFileSync(o.jsonFile, JSON.stringify({ sensor: out, trip }, null, 2) + '\n');
  return { sensor: out, trip };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const arg = (k: string, d: string): string => {
    const i = args.indexOf(k);
    return i >= 0 ? args[i + 1]! : d;
  };
  runStateSizeBench({
    stations: Number(arg('--stations', '200')),
    readings: arg('--readings', '1,60,1440,10080').split(',').map(Number),
    tripDays: Number(arg('--trip-days', '2')),
    jsonFile: args.includes('--json') ? arg('--json', '') : undefined,
  });
}
