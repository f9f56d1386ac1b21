// Bytes of learned state per key, sensor station and trip cell, measured offline (no servers):
//   vigia bench state-size [--stations N] [--readings 1,60,1440,10080] [--json F]
// For each reading count, a fresh detector learns N simulated gas-network stations (one reading a
// minute each) and the retained memory (V8 heap + ArrayBuffers, after full GCs) and the snapshot
// size are divided by N. The trip figure feeds a simulated NYC day through the cell pipeline and
// scorers and divides by the cells they hold.
import { writeFileSync } from 'node:fs';
import { createGasNetwork } from '../../../producers/src/sensor/gas-network.ts';
import { createSensorDetector } from '../../../processor/src/domain/sensor-detector.ts';
import { retainedBytes } from './measure-heap.ts';

export interface SensorStateSize {
  stations: number;
  readingsPerStation: number;
  channelsPerStation: number;
  heapBytesPerStation: number;
  snapshotBytesPerStation: number;
}

const START_TS = Date.UTC(2024, 0, 8);

export function measureSensorStateSize(stations: number, readingsPerStation: number): SensorStateSize {
  const sim = createGasNetwork({ stations, seed: 1, faultRate: 1, startTs: START_TS, stepMs: 60_000 });
  const channels = sim.stations.reduce((s, st) => s + st.channels.length, 0) / stations;
  const before = retainedBytes();
  let detector: ReturnType<typeof createSensorDetector> | null = createSensorDetector();
  for (let t = 0; t < readingsPerStation; t++) for (const r of sim.nextTick()) detector.score(r.station, r.ts, r.channels);
  const after = retainedBytes();
  const snapshotBytes = Buffer.byteLength(JSON.stringify(detector.snapshot()));
  detector = null;
  return {
    stations,
    readingsPerStation,
    channelsPerStation: channels,
    heapBytesPerStation: Math.round((after - before) / stations),
    snapshotBytesPerStation: Math.round(snapshotBytes / stations),
  };
}

export interface StateSizeOptions {
  stations: number;
  readings: number[];
  jsonFile?: string;
}

export function runStateSizeBench(o: StateSizeOptions): SensorStateSize[] {
  const out: SensorStateSize[] = [];
  for (const n of o.readings) {
    const r = measureSensorStateSize(o.stations, n);
    out.push(r);
    console.log(
      `sensor  ${String(r.stations).padStart(6)} stations × ${String(n).padStart(6)} readings (${r.channelsPerStation.toFixed(2)} channels): ` +
        `${(r.heapBytesPerStation / 1024).toFixed(1).padStart(8)} KiB/station in memory, ${(r.snapshotBytesPerStation / 1024).toFixed(1).padStart(8)} KiB/station in the snapshot`,
    );
  }
  if (o.jsonFile) writeFileSync(o.jsonFile, JSON.stringify({ sensor: out }, null, 2) + '\n');
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const arg = (k: string, d: string): string => {
    const i = args.indexOf(k);
    return i >= 0 ? args[i + 1]! : d;
  };
  runStateSizeBench({ stations: Number(arg('--stations', '200')), readings: arg('--readings', '1,60,1440,10080').split(',').map(Number), jsonFile: args.includes('--json') ? arg('--json', '') : undefined });
}
