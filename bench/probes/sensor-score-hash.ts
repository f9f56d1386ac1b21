// Identity probe for the sensor detectors: one SHA-256 over every output of the detector chain
// (score bits, detector, drivers with their values and reasons) on every file of the shared
// benchmark data (the 24 NAB files, SKAB valve1 and anomaly-free, each its own station in a fresh
// detector) and on the simulated gas network (several stations per detector, with and without
// faults), plus the JSON snapshot each detector ends with. A change that claims to leave every
// score bit-identical must print the same hashes before and after.
//   node --import tsx bench/probes/sensor-score-hash.ts [--data DIR] [--days 14] [--detector JSON]
import { createHash, type Hash } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createGasNetwork } from '../../producers/src/sensor/gas-network.ts';
import { createSensorDetector, type SensorDetectorOptions } from '../../processor/src/domains/sensor/detectors/sensor-detector.ts';
import type { ReadingScore, ReadingScorer } from '../../processor/src/domains/sensor/detectors/reading-scorer.ts';
import { loadNab, loadSkab, type OfflineSeries } from '../src/offline/offline-data.ts';
import { channelKey, parseFileTimestamp } from '../../producers/src/file-readings.ts';
import { readSkabFile, SKAB_CHANNELS } from '../src/scoring/skab-files.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '/work/shared/data' },
    days: { type: 'string', default: '14' },
    detector: { type: 'string', default: '{}' },
  },
});
const detectorOptions = JSON.parse(values.detector!) as SensorDetectorOptions;
const make = (): ReadingScorer => createSensorDetector(detectorOptions);

const bits = new Float64Array(1);
const bitBytes = new Uint8Array(bits.buffer);
function hashScore(h: Hash, r: ReadingScore): void {
  bits[0] = r.score;
  h.update(bitBytes);
  // JSON writes each double as its shortest round-trip form, so equal text is equal bits.
  h.update(r.detector);
  h.update(JSON.stringify(r.drivers));
}

/** `restoreEvery` > 0: the detector is snapshotted through JSON and restored into a fresh one that often. */
function hashSeries(h: Hash, s: OfflineSeries, restoreEvery = 0): number {
  let det = make();
  const rec: Record<string, number> = {};
  const station = `file:${s.name}`;
  for (let i = 0; i < s.rows.length; i++) {
    if (restoreEvery > 0 && i > 0 && i % restoreEvery === 0) {
      const next = make();
      next.restore(JSON.parse(JSON.stringify(det.snapshot())));
      det = next;
    }
    const row = s.rows[i]!;
    for (let c = 0; c < s.channels.length; c++) rec[s.channels[c]!] = row[c]!;
    hashScore(h, det.score(station, s.ts[i]!, rec));
  }
  h.update(JSON.stringify(det.snapshot()));
  return s.rows.length;
}

function anomalyFree(dir: string): OfflineSeries {
  const s = readSkabFile(join(dir, 'anomaly-free', 'anomaly-free.csv'), 'anomaly-free.csv');
  return {
    name: s.name,
    stamps: s.timestamps,
    ts: s.timestamps.map(parseFileTimestamp),
    channels: SKAB_CHANNELS.map(channelKey),
    rows: s.timestamps.map((_, i) => Float64Array.from(SKAB_CHANNELS, (c) => s.channels[c][i]!)),
  };
}

function hashNetwork(h: Hash, seed: number, faultRate: number, days: number): number {
  const stepMs = 60_000;
  const sim = createGasNetwork({ stations: 16, seed, faultRate, startTs: Date.UTC(2024, 0, 8), stepMs });
  const det = make();
  let n = 0;
  for (let tick = 0, ticks = Math.round((days * 86_400_000) / stepMs); tick < ticks; tick++) {
    for (const r of sim.nextTick()) {
      hashScore(h, det.score(r.station, r.ts, r.channels));
      n++;
    }
  }
  h.update(JSON.stringify(det.snapshot()));
  return n;
}

const all = createHash('sha256');
const parts: [string, () => number][] = [
  ['nab (24 files)', () => loadNab(join(values.data!, 'nab')).series.reduce((n, s) => n + hashSeries(part, s), 0)],
  ['nab (24 files), snapshot and restore every 2 000 readings', () => loadNab(join(values.data!, 'nab')).series.reduce((n, s) => n + hashSeries(part, s, 2000), 0)],
  ['skab valve1 (16 files)', () => loadSkab(join(values.data!, 'skab', 'valve1')).reduce((n, s) => n + hashSeries(part, s), 0)],
  ['skab anomaly-free', () => hashSeries(part, anomalyFree(join(values.data!, 'skab')))],
  ...[1, 2, 3].map((seed): [string, () => number] => [`gas network seed ${seed}, faults 1/station-day`, () => hashNetwork(part, seed, 1, Number(values.days))]),
  ['gas network seed 7, no faults', () => hashNetwork(part, 7, 0, Number(values.days))],
];
let part = createHash('sha256');
let readings = 0;
let cpuTotal = 0;
for (const [name, run] of parts) {
  part = createHash('sha256');
  const cpu0 = process.cpuUsage();
  const n = run();
  const cpu = process.cpuUsage(cpu0);
  const sec = (cpu.user + cpu.system) / 1e6;
  const digest = part.digest('hex');
  all.update(digest);
  readings += n;
  cpuTotal += sec;
  console.log(`${digest}  ${name}: ${n} readings, ${sec.toFixed(1)} CPU-s`);
}
console.log(`${all.digest('hex')}  all: ${readings} readings, ${cpuTotal.toFixed(1)} CPU-s (${Math.round(readings / cpuTotal)} readings per CPU-s)`);
