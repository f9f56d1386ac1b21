// Research probe: every NAB row scoring ≥ --min after probation, highest first, with the
// component that produced it (the top driver's reason) and whether it is a first hit of a window,
// a later hit or a false positive, so one sees which onset source the corpus threshold trades.
//   node --import tsx bench/probes/onset-source-probe.ts [--detector JSON] [--min 90]
import { createSensorDetector, type SensorDetectorOptions } from '../../processor/src/domains/sensor/detectors/sensor-detector.ts';
import { loadNab } from '../src/offline/offline-data.ts';
import { prepareNabFile } from '../src/scoring/nab-rows.ts';

const args = process.argv.slice(2);
const arg = (k: string, d: string): string => (args.includes(k) ? args[args.indexOf(k) + 1]! : d);
const opts = JSON.parse(arg('--detector', '{}')) as SensorDetectorOptions;
const min = Number(arg('--min', '90'));
const nab = loadNab('/work/shared/data/nab');
const rows: { s: number; file: string; row: number; w: number; why: string }[] = [];
for (const s of nab.series) {
  if (nab.labels[s.name] === undefined) continue;
  const det = createSensorDetector(opts);
  const sc: number[] = [];
  const why: string[] = [];
  for (let i = 0; i < s.rows.length; i++) {
    const rec: Record<string, number> = {};
    s.channels.forEach((c, k) => (rec[c] = s.rows[i]![k]!));
    const r = det.score('x', s.ts[i]!, rec);
    sc.push(r.score);
    why.push(r.drivers[0]?.reason ?? '');
  }
  const f = prepareNabFile({ name: s.name, timestamps: s.stamps, scores: sc.map((v) => Math.min(1, v / 100)), windows: nab.labels[s.name]! });
  for (let j = 0; j < f.scores.length; j++) if (100 * f.scores[j]! >= min) rows.push({ s: 100 * f.scores[j]!, file: s.name.slice(0, 40), row: j + f.probation, w: f.window[j]!, why: why[j + f.probation]!.slice(0, 60) });
}
rows.sort((a, b) => b.s - a.s);
const seen = new Set<string>();
for (const r of rows) {
  const key = `${r.file}#${r.w}`;
  const tag = r.w < 0 ? 'FP' : seen.has(key) ? '  ' : 'TP';
  if (r.w >= 0) seen.add(key);
  console.log(`${r.s.toFixed(2).padStart(6)} ${tag} ${r.file.padEnd(40)} ${String(r.row).padStart(6)}  ${r.why}`);
}
