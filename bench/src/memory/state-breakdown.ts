// Where a key's state goes, component by component, offline (no servers):
//   node --import tsx bench/src/memory/state-breakdown.ts [--stations N] [--readings 1,1440,10080] [--trip-days D] [--no-component-heap] [--json F]
// Sensor, per station after R readings (one a minute, simulated gas network):
//   - heap: each detector component alone (ewma, flatline, level shift, regime, onset, period per
//     channel; relations and joint per station) is fed the same readings for every station and
//     kept alive, and the retained memory (V8 heap + ArrayBuffers, after full GCs) is divided by
//     the stations; then it is dropped and the next component measured. The sum misses only the
//     detector's own per-station bookkeeping (maps, lists), which `state-per-key.ts` includes.
//     A component's figure is the difference of two heap readings, so a small one (a few KiB)
//     can be off by a few KiB either way (the collector's timing; even negative): read the small
//     ones as "small", and the whole detector's figure as the reference;
//   - snapshot: the JSON text of each component in the whole detector's snapshot, and its gzip.
// Trip, per r9 cell: the JSON text (and gzip) of each part of the trip core's captured state.
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createGasNetwork } from '../../../producers/src/sensor/gas-network.ts';
import { createSensorDetector } from '../../../processor/src/domains/sensor/detectors/sensor-detector.ts';
import { EwmaResidual, resolveEwmaResidualOptions } from '../../../processor/src/domains/sensor/detectors/ewma-residual.ts';
import { Flatline, resolveFlatlineOptions } from '../../../processor/src/domains/sensor/detectors/flatline.ts';
import { LevelShift, resolveLevelShiftOptions } from '../../../processor/src/domains/sensor/detectors/level-shift.ts';
import { RegimeOffset, resolveRegimeOffsetOptions } from '../../../processor/src/domains/sensor/detectors/regime-offset.ts';
import { OnsetNovelty, resolveOnsetNoveltyOptions } from '../../../processor/src/domains/sensor/detectors/onset-novelty.ts';
import { PeriodResidual, resolvePeriodResidualOptions } from '../../../processor/src/domains/sensor/detectors/period-residual.ts';
import { Relation, resolveRelationOptions } from '../../../processor/src/domains/sensor/detectors/relation.ts';
import { JointDeviation, resolveJointDeviationOptions } from '../../../processor/src/domains/sensor/detectors/joint-deviation.ts';
import { DEFAULT_SEVERITY_BANDS } from '../../../contracts/index.ts';
import { createTripSimulation } from '../../../producers/src/trip/index.ts';
import { createTripScoring } from '../../../processor/src/domains/trip/create-trip-scoring.ts';
import { NO_MODEL_OUTPUTS, TripBatchProcessor } from '../../../processor/src/domains/trip/trip-batch.ts';
import { retainedBytes } from './measure-heap.ts';

const START_TS = Date.UTC(2024, 0, 8);

/** Bytes of a value as JSON text and gzipped. */
export interface TextBytes {
  json: number;
  gzip: number;
}

function textBytes(v: unknown): TextBytes {
  const s = JSON.stringify(v) ?? '';
  return { json: Buffer.byteLength(s), gzip: gzipSync(s).byteLength };
}

type Reading = { station: string; ts: number; channels: Record<string, number> };

/** The simulated readings, tick by tick, generated afresh each time (a week of them would outweigh the state measured). */
function* readingsOf(stations: number, readings: number): Generator<Reading[]> {
  const sim = createGasNetwork({ stations, seed: 1, faultRate: 1, startTs: START_TS, stepMs: 60_000 });
  for (let t = 0; t < readings; t++) yield sim.nextTick();
}

/** One component kind fed every reading of every station; returns what it keeps alive. */
type Feeder = (ticks: Iterable<Reading[]>) => unknown;

function perChannel<T>(make: () => T, feed: (c: T, v: number, ts: number) => void): Feeder {
  return (ticks) => {
    const held = new Map<string, T>();
    for (const tick of ticks) {
      for (const r of tick) {
        for (const name in r.channels) {
          const key = `${r.station}/${name}`;
          let c = held.get(key);
          if (c === undefined) held.set(key, (c = make()));
          feed(c, r.channels[name]!, r.ts);
        }
      }
    }
    return held;
  };
}

function sensorFeeders(): Record<string, Feeder> {
  const ewmaO = resolveEwmaResidualOptions();
  const flatO = resolveFlatlineOptions();
  const shiftO = resolveLevelShiftOptions();
  const regimeO = resolveRegimeOffsetOptions();
  const onsetO = resolveOnsetNoveltyOptions();
  const periodO = resolvePeriodResidualOptions();
  const relO = resolveRelationOptions();
  const jointO = resolveJointDeviationOptions();
  return {
    ewma: perChannel(() => new EwmaResidual(ewmaO), (c, v, ts) => c.update(v, ts)),
    flatline: perChannel(() => new Flatline(flatO), (c, v, ts) => c.update(v, ts)),
    levelShift: perChannel(() => new LevelShift(shiftO), (c, v, ts) => c.update(v, ts)),
    regime: perChannel(() => new RegimeOffset(regimeO), (c, v) => c.update(v)),
    // The onset's memory depends on how many readings it saw, not on the surprises fed to it.
    onset: perChannel(() => new OnsetNovelty(onsetO), (c, v) => c.update(v, 0, 0)),
    period: perChannel(() => new PeriodResidual(periodO), (c, v, ts) => c.update(v, ts)),
    relations: (ticks) => {
      const held = new Map<string, Relation[]>();
      for (const tick of ticks) {
        for (const r of tick) {
          const names = Object.keys(r.channels);
          let rels = held.get(r.station);
          if (rels === undefined) {
            rels = [];
            names.forEach((a, j) => names.slice(0, j).forEach((b) => rels!.push(new Relation(relO, a, b), new Relation(relO, b, a))));
            held.set(r.station, rels);
          }
          let p = 0;
          names.forEach((a, j) =>
            names.slice(0, j).forEach((b) => {
              rels![p++]!.update(r.channels[a]!, r.channels[b]!);
              rels![p++]!.update(r.channels[b]!, r.channels[a]!);
            }),
          );
        }
      }
      return held;
    },
    joint: (ticks) => {
      const held = new Map<string, JointDeviation>();
      for (const tick of ticks) {
        for (const r of tick) {
          const d = Object.keys(r.channels).length;
          let j = held.get(r.station);
          if (j === undefined) {
            j = new JointDeviation(jointO, Object.keys(r.channels));
            j.grow(d);
            held.set(r.station, j);
          }
          j.update(new Float64Array(d), new Uint8Array(d), r.ts);
        }
      }
      return held;
    },
  };
}

export interface SensorBreakdown {
  stations: number;
  readingsPerStation: number;
  channelsPerStation: number;
  /** Retained bytes per station of each component kind, measured alone. */
  heapPerStation: Record<string, number>;
  /** The whole detector (components + its per-station bookkeeping), per station. */
  heapDetectorPerStation: number;
  /** Per station: each component's part of the snapshot, and the whole snapshot. */
  snapshotPerStation: Record<string, TextBytes>;
}

/** `heapByComponent` false skips the per-component heap runs (one detector run: the whole and the snapshot). */
export function sensorBreakdown(stations: number, readings: number, heapByComponent = true): SensorBreakdown {
  const first = readingsOf(stations, 1).next().value as Reading[];
  const channels = first.reduce((s, r) => s + Object.keys(r.channels).length, 0) / stations;
  const heapPerStation: Record<string, number> = {};
  for (const [name, feed] of heapByComponent ? Object.entries(sensorFeeders()) : []) {
    const before = retainedBytes();
    let held: unknown = feed(readingsOf(stations, readings));
    const after = retainedBytes();
    heapPerStation[name] = Math.round((after - before) / stations);
    held = null;
    void held;
  }
  const before = retainedBytes();
  let det: ReturnType<typeof createSensorDetector> | null = createSensorDetector();
  for (const tick of readingsOf(stations, readings)) for (const r of tick) det.score(r.station, r.ts, r.channels);
  const after = retainedBytes();
  const snap = det.snapshot();
  det = null;
  const parts: Record<string, unknown[]> = { ewma: [], flatline: [], levelShift: [], regime: [], onset: [], period: [], relations: [], joint: [] };
  for (const st of snap.stations) {
    for (const c of st.channels) {
      parts.ewma!.push(c.ewma);
      parts.flatline!.push(c.flatline);
      parts.levelShift!.push(c.levelShift);
      parts.regime!.push(c.regime);
      parts.onset!.push(c.onset);
      parts.period!.push(c.period);
    }
    parts.relations!.push(st.relations);
    parts.joint!.push(st.joint);
  }
  const per = (b: TextBytes): TextBytes => ({ json: Math.round(b.json / stations), gzip: Math.round(b.gzip / stations) });
  const snapshotPerStation: Record<string, TextBytes> = {};
  for (const [k, v] of Object.entries(parts)) snapshotPerStation[k] = per(textBytes(v));
  snapshotPerStation.total = per(textBytes(snap));
  return { stations, readingsPerStation: readings, channelsPerStation: channels, heapPerStation, heapDetectorPerStation: Math.round((after - before) / stations), snapshotPerStation };
}

export interface TripBreakdown {
  days: number;
  cells: number;
  /** Per r9 cell: each part of the captured trip state (two levels deep), and the whole. */
  snapshotPerCell: Record<string, TextBytes>;
}

export function tripBreakdown(days: number, scale: number): TripBreakdown {
  const sim = createTripSimulation({ startTs: START_TS, seed: 1, scale, episodesPerDay: 4 });
  const enc = new TextEncoder();
  const core = new TripBatchProcessor({
    runId: 'state-breakdown',
    ...createTripScoring(),
    bands: DEFAULT_SEVERITY_BANDS,
    maxFutureMs: 3_600_000,
    allowedLatenessMs: 1_800_000,
    limits: { maxKeys: 1e9, budgetBytes: 1e15, configPath: 'processor.limits' },
  });
  let seq = 0;
  for (let t = START_TS + 300_000; t <= START_TS + days * 86_400_000; t += 300_000) {
    const batch = sim.nextBatch(t).map((trip) => ({ subject: 'events.trip.0.nyc', seq: ++seq, partition: 0, data: enc.encode(JSON.stringify(trip)) }));
    const stage = core.ingest(batch, t + 60_000);
    core.score(stage, NO_MODEL_OUTPUTS(stage), t + 60_000);
  }
  const cells = core.cellKeys!.stats.live;
  const state = core.captureState() as unknown as Record<string, unknown>;
  const out: Record<string, TextBytes> = {};
  const per = (b: TextBytes): TextBytes => ({ json: Math.round(b.json / cells), gzip: Math.round(b.gzip / cells) });
  const walk = (prefix: string, v: unknown, depth: number): void => {
    if (depth < 3 && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(prefix ? `${prefix}.${k}` : k, x, depth + 1);
      return;
    }
    const b = textBytes(v);
    if (b.json >= cells) out[prefix] = per(b);
  };
  walk('', state, 0);
  out.total = per(textBytes(state));
  return { days, cells, snapshotPerCell: out };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const arg = (k: string, d: string): string => {
    const i = args.indexOf(k);
    return i >= 0 ? args[i + 1]! : d;
  };
  const stations = Number(arg('--stations', '100'));
  const sensor = arg('--readings', '1,1440,10080')
    .split(',')
    .map(Number)
    .filter((n) => n > 0)
    .map((n) => {
      const b = sensorBreakdown(stations, n, !args.includes('--no-component-heap'));
      console.log(`sensor ${stations} stations × ${n} readings (${b.channelsPerStation.toFixed(2)} channels), bytes per station:`);
      console.log(`  heap: detector ${b.heapDetectorPerStation}; ` + Object.entries(b.heapPerStation).map(([k, v]) => `${k} ${v}`).join(', '));
      console.log(`  snapshot json/gzip: ` + Object.entries(b.snapshotPerStation).map(([k, v]) => `${k} ${v.json}/${v.gzip}`).join(', '));
      return b;
    });
  const days = Number(arg('--trip-days', '2'));
  const trip = days > 0 ? tripBreakdown(days, 0.1) : null;
  if (trip) {
    console.log(`trip ${trip.days} days, ${trip.cells} r9 cells, snapshot bytes per cell json/gzip:`);
    for (const [k, v] of Object.entries(trip.snapshotPerCell)) console.log(`  ${k.padEnd(48)} ${String(v.json).padStart(7)} ${String(v.gzip).padStart(7)}`);
  }
  if (args.includes('--json')) writeFileSync(arg('--json', ''), JSON.stringify({ sensor, trip }, null, 2) + '\n');
}
