// Research probe (not part of the pipeline): every NAB row scoring ≥ --min after probation, over
// all files, highest first, marked as the first hit of a window (with its NAB weight), a later
// hit in a window, or a false positive (with its cost factor), and the raw score per profile at
// each distinct threshold, so one sees what the corpus-wide threshold trades.
//   node --import tsx bench/probes/rank-probe.ts [--detector JSON] [--min 90]
import { createSensorDetector, type SensorDetectorOptions } from '../../processor/src/domains/sensor/detectors/sensor-detector.ts';
import { loadNab } from '../src/offline/offline-data.ts';
import { scoreSeries } from '../src/offline/offline-eval.ts';
import { prepareNabFile } from '../src/scoring/nab-rows.ts';

const args = process.argv.slice(2);
const arg = (k: string, d: string): string => (args.includes(k) ? args[args.indexOf(k) + 1]! : d);
const opts = JSON.parse(arg('--detector', '{}')) as SensorDetectorOptions;
const min = Number(arg('--min', '90'));
const nab = loadNab('/work/shared/data/nab');
const rows: { s: number; file: string; row: number; w: number; sig: number }[] = [];
for (const s of nab.series) {
  if (nab.labels[s.name] === undefined) continue;
  const sc = scoreSeries(s, () => createSensorDetector(opts));
  const f = prepareNabFile({ name: s.name, timestamps: s.stamps, scores: Array.from(sc, (v) => Math.min(1, v / 100)), windows: nab.labels[s.name]! });
  for (let j = 0; j < f.scores.length; j++) if (100 * f.scores[j]! >= min) rows.push({ s: 100 * f.scores[j]!, file: s.name.split('/')[1]!.slice(0, 28), row: j + f.probation, w: f.window[j]!, sig: f.sigmoid[j]! });
}
rows.sort((a, b) => b.s - a.s);
const seen = new Set<string>();
const S1 = 2 / (1 + Math.exp(-5)) - 1;
for (const r of rows) {
  let tag: string;
  if (r.w < 0) tag = `FP ${(-r.sig).toFixed(2)}`;
  else {
    const key = `${r.file}#${r.w}`;
    // The earliest hit counts; rows are visited by score, so mark the best weight seen so far.
    tag = seen.has(key) ? `  (in w${r.w})` : `TP w${r.w} ${(r.sig / S1).toFixed(2)}`;
    seen.add(key);
  }
  console.log(`${r.s.toFixed(2).padStart(6)}  ${r.file.padEnd(28)} ${String(r.row).padStart(6)}  ${tag}`);
}
